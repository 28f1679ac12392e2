// SPDX-License-Identifier: MIT
#include "cli/getopt.h"

#include <string.h>

#include "core/log.h"

void cli_getopt_init(struct cli_getopt *g, int argc, char **argv, FILE *err)
{
    *g = (struct cli_getopt){.argc = argc, .argv = argv, .err = err, .next = 1};
}

static void set_spelling(struct getopt_item *item, const char *dashes, const char *name, size_t len)
{
    if (len > sizeof item->spelling - 4) len = sizeof item->spelling - 4;
    snprintf(item->spelling, sizeof item->spelling, "%s%.*s", dashes, (int)len, name);
}

static enum getopt_kind fail(struct getopt_item *item)
{
    item->kind = GETOPT_ERROR;
    return GETOPT_ERROR;
}

/* glibc lists every prefix match, in table order, when a name is ambiguous. */
static void report_ambiguous(const struct cli_getopt *g, const char *dashes, const char *text,
                             size_t len)
{
    fprintf(g->err, "%s: option '%s%s' is ambiguous; possibilities:", CMAP_NAME, dashes, text);
    for (size_t i = 0; i < cli_option_count; i++) {
        const char *name = cli_options[i].name;
        if (name && strncmp(name, text, len) == 0) fprintf(g->err, " '%s%s'", dashes, name);
    }
    fputc('\n', g->err);
}

/* Exact match first; otherwise the only entry the text is a prefix of.
 * Returns NULL with *ambiguous set when several match (getopt_long_only
 * treats any second abbreviation match as ambiguous). */
static const struct cli_option *find_long(const char *text, size_t len, bool *ambiguous)
{
    const struct cli_option *found = NULL;
    *ambiguous = false;
    for (size_t i = 0; i < cli_option_count; i++) {
        const char *name = cli_options[i].name;
        if (name && strncmp(name, text, len) == 0 && strlen(name) == len) return &cli_options[i];
    }
    for (size_t i = 0; i < cli_option_count; i++) {
        const char *name = cli_options[i].name;
        if (!name || strncmp(name, text, len) != 0) continue;
        if (found) {
            *ambiguous = true;
            return NULL;
        }
        found = &cli_options[i];
    }
    return found;
}

static enum getopt_kind take_long_arg(struct cli_getopt *g, struct getopt_item *item,
                                      const char *dashes, const char *eq)
{
    const struct cli_option *opt = item->opt;
    if (eq) {
        if (opt->arg == ARG_NONE) {
            fprintf(g->err, "%s: option '%s%s' doesn't allow an argument\n", CMAP_NAME, dashes,
                    opt->name);
            return fail(item);
        }
        item->arg = eq + 1;
    } else if (opt->arg == ARG_REQUIRED) {
        if (g->next >= g->argc) {
            fprintf(g->err, "%s: option '%s%s' requires an argument\n", CMAP_NAME, dashes,
                    opt->name);
            return fail(item);
        }
        item->arg = g->argv[g->next++];
    }
    item->kind = GETOPT_OPTION;
    return GETOPT_OPTION;
}

/* One letter of a cluster; `rest` follows it. */
static enum getopt_kind take_short(struct cli_getopt *g, struct getopt_item *item, const char *rest,
                                   char c)
{
    const struct cli_option *opt = cli_option_by_letter(c);
    g->cluster = NULL;
    if (!opt) {
        fprintf(g->err, "%s: invalid option -- '%c'\n", CMAP_NAME, c);
        return fail(item);
    }
    item->opt = opt;
    set_spelling(item, "-", &c, 1);
    if (opt->arg == ARG_NONE) {
        g->cluster = *rest ? rest : NULL;
    } else if (*rest) {
        item->arg = rest;
    } else if (opt->arg == ARG_REQUIRED) {
        if (g->next >= g->argc) {
            fprintf(g->err, "%s: option requires an argument -- '%c'\n", CMAP_NAME, c);
            return fail(item);
        }
        item->arg = g->argv[g->next++];
    }
    item->kind = GETOPT_OPTION;
    return GETOPT_OPTION;
}

/* "--name..." or, getopt_long_only style, "-name...". A single-dash word that
 * names no long option falls back to a short-option cluster when its first
 * letter is an option letter. */
static enum getopt_kind take_word(struct cli_getopt *g, struct getopt_item *item, const char *word)
{
    bool double_dash = word[1] == '-';
    const char *dashes = double_dash ? "--" : "-";
    const char *text = word + (double_dash ? 2 : 1);
    const char *eq = strchr(text, '=');
    size_t len = eq ? (size_t)(eq - text) : strlen(text);
    bool ambiguous;

    if (!double_dash && text[1] == '\0' && cli_option_by_letter(text[0]))
        return take_short(g, item, text + 1, text[0]);
    item->opt = find_long(text, len, &ambiguous);
    if (ambiguous) {
        report_ambiguous(g, dashes, text, len);
        return fail(item);
    }
    if (item->opt) {
        set_spelling(item, dashes, text, len);
        return take_long_arg(g, item, dashes, eq);
    }
    if (!double_dash && cli_option_by_letter(text[0]))
        return take_short(g, item, text + 1, text[0]);
    fprintf(g->err, "%s: unrecognized option '%s%s'\n", CMAP_NAME, dashes, text);
    return fail(item);
}

enum getopt_kind cli_getopt_next(struct cli_getopt *g, struct getopt_item *item)
{
    *item = (struct getopt_item){0};
    if (g->cluster) return take_short(g, item, g->cluster + 1, g->cluster[0]);
    if (g->next >= g->argc) return GETOPT_END;

    const char *word = g->argv[g->next++];
    if (!g->operands_only && strcmp(word, "--") == 0) {
        g->operands_only = true;
        return cli_getopt_next(g, item);
    }
    if (g->operands_only || word[0] != '-' || word[1] == '\0') {
        item->kind = GETOPT_OPERAND;
        item->arg = word;
        return GETOPT_OPERAND;
    }
    return take_word(g, item, word);
}
