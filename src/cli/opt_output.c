// SPDX-License-Identifier: MIT
// -oN -oX -oG -oS -oA, cmap's -oJ and -oJL, and the deprecated spellings
// (-o, -m, -oM). Names are checked and expanded as they are read, like nmap;
// a later option for the same format replaces the earlier one.
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/handlers.h"
#include "cli/outname.h"
#include "cli/timeval.h"
#include "core/log.h"

static int store(struct cli_ctx *ctx, enum output_format fmt, const char *name, const char *ext)
{
    char *expanded = outname_expand(name, &ctx->start_tm);
    if (!expanded) return cli_fatal(ctx, "Out of memory expanding an output file name");
    char *path = expanded;
    if (ext) {
        size_t len = strlen(expanded) + strlen(ext) + 1;
        path = malloc(len);
        if (path) snprintf(path, len, "%s%s", expanded, ext);
        free(expanded);
        if (!path) return cli_fatal(ctx, "Out of memory expanding an output file name");
    }
    free(ctx->plan->output_path[fmt]);
    ctx->plan->output_path[fmt] = path;
    return 0;
}

/* The name nmap's checks quote: "-m" is checked as -oG, "-o" as -o. */
static const char *check_name(const struct cli_option *opt)
{
    if (opt->name) return opt->name;
    return opt->letter == 'm' ? "oG" : "o";
}

int opt_output(struct cli_ctx *ctx, const struct getopt_item *item)
{
    char msg[512];
    if (outname_check(item->arg, check_name(item->opt), msg, sizeof msg))
        return cli_fatal(ctx, "%s", msg);
    switch (item->opt->id) {
    case OPT_OUTPUT_ALL:
        if (store(ctx, OUT_NORMAL, item->arg, ".nmap") < 0) return -1;
        if (store(ctx, OUT_GREPABLE, item->arg, ".gnmap") < 0) return -1;
        return store(ctx, OUT_XML, item->arg, ".xml");
    case OPT_OUTPUT_XML:
        return store(ctx, OUT_XML, item->arg, NULL);
    case OPT_OUTPUT_GREPABLE:
        return store(ctx, OUT_GREPABLE, item->arg, NULL);
    case OPT_OUTPUT_KIDDIE:
        return store(ctx, OUT_KIDDIE, item->arg, NULL);
    case OPT_OUTPUT_JSON:
        return store(ctx, OUT_JSON, item->arg, NULL);
    case OPT_OUTPUT_JSONL:
        return store(ctx, OUT_JSONL, item->arg, NULL);
    default:
        return store(ctx, OUT_NORMAL, item->arg, NULL);
    }
}

int opt_output_html(struct cli_ctx *ctx, const struct getopt_item *item)
{
    (void)item;
    return cli_fatal(ctx, "HTML output is not directly supported, though Nmap includes an XSL for "
                          "transforming XML output into HTML.  See the man page.");
}

/* nmap accepts any time value, 0 meaning never; a negative or malformed one
 * (or one past LONG_MAX seconds) is refused. */
int opt_stats_every(struct cli_ctx *ctx, const struct getopt_item *item)
{
    double secs;
    bool unit;
    if (!tval_parse(item->arg, &secs, &unit) || secs < 0 || secs > (double)LONG_MAX / 1e6)
        return cli_fatal(ctx, "Bogus --stats-every argument specified");
    ctx->plan->stats_every = (int64_t)(secs * 1e6);
    return 0;
}

/* `cmap --resume FILE` alone is handled before the parser (report/resume.c);
 * anything else with --resume is nmap's error. */
int opt_resume(struct cli_ctx *ctx, const struct getopt_item *item)
{
    (void)item;
    return cli_fatal(ctx, "Cannot use --resume with other options. Usage: %s --resume <filename>",
                     CMAP_NAME);
}
