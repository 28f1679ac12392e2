// SPDX-License-Identifier: MIT
// NMAP_ARGS: nmap builds "nmap $NMAP_ARGS arg1 arg2..." in a 2048-byte
// buffer and splits it again on whitespace ("..." and '...' group words),
// so cmap does the same, with the same limits and messages.
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"

#define COMMAND_MAX 2048
#define MAX_WORDS 254

struct word {
    const char *start;
    size_t len;
};

/* Split like nmap's arg_parse. Returns the word count, or -1 for an
 * unterminated quote or more than MAX_WORDS words. */
static int split_words(const char *s, struct word *words)
{
    int n = 0;
    while (*s) {
        while (*s && isspace((unsigned char)*s))
            s++;
        if (!*s) break;
        const char *start = s, *end;
        if (*s == '"' || *s == '\'') {
            start = s + 1;
            end = strchr(start, *s);
            if (!end) return -1;
        } else {
            end = s + 1;
            while (*end && !isspace((unsigned char)*end))
                end++;
        }
        if (n >= MAX_WORDS) return -1;
        words[n++] = (struct word){start, (size_t)(end - start)};
        s = *end ? end + 1 : end;
    }
    return n;
}

/* One allocation: the NULL-terminated pointer array, then the strings. */
static char **pack_words(const struct word *words, int n)
{
    size_t bytes = (size_t)(n + 1) * sizeof(char *);
    for (int i = 0; i < n; i++)
        bytes += words[i].len + 1;
    char **out = malloc(bytes);
    if (!out) return NULL;
    char *text = (char *)(out + n + 1);
    for (int i = 0; i < n; i++) {
        memcpy(text, words[i].start, words[i].len);
        text[words[i].len] = '\0';
        out[i] = text;
        text += words[i].len + 1;
    }
    out[n] = NULL;
    return out;
}

static char **copy_argv(int argc, char **argv, int *out_argc)
{
    struct word *words = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *words);
    if (!words) return NULL;
    for (int i = 0; i < argc; i++)
        words[i] = (struct word){argv[i], strlen(argv[i])};
    char **out = pack_words(words, argc);
    free(words);
    *out_argc = argc;
    return out;
}

char **cli_args_with_env(const char *env, int argc, char **argv, int *out_argc, FILE *err)
{
    if (!env) return copy_argv(argc, argv, out_argc);
    char command[COMMAND_MAX];
    int n = snprintf(command, sizeof command, "%s %s", CMAP_NAME, env);
    if (n < 0 || n >= (int)sizeof command)
        fprintf(err, "Warning: NMAP_ARGS variable is too long, truncated\n");
    /* Arguments that no longer fit are dropped, as nmap does. */
    for (int i = 1; i < argc && strlen(command) + strlen(argv[i]) + 1 < sizeof command; i++) {
        strcat(command, " ");
        strcat(command, argv[i]);
    }
    struct word words[MAX_WORDS];
    int count = split_words(command, words);
    if (count < 1) {
        fprintf(err, "NMAP_ARGS variable could not be parsed\nQUITTING!\n");
        return NULL;
    }
    char **out = pack_words(words, count);
    if (!out) {
        fprintf(err, "Out of memory splitting NMAP_ARGS\nQUITTING!\n");
        return NULL;
    }
    *out_argc = count;
    return out;
}
