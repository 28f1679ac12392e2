// SPDX-License-Identifier: MIT
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"

int cli_fatal(struct cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(ctx->out);
    vfprintf(ctx->err, fmt, ap);
    va_end(ap);
    fputs("\nQUITTING!\n", ctx->err);
    ctx->exit_status = EXIT_FATAL;
    return -1;
}

void cli_warn(struct cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(ctx->out);
    vfprintf(ctx->err, fmt, ap);
    va_end(ap);
    fputc('\n', ctx->err);
}

int cli_stop(struct cli_ctx *ctx, int status)
{
    ctx->exit_status = status;
    return -1;
}

void cli_note_deprecated(struct cli_ctx *ctx, const char *given, const char *instead)
{
    if (ctx->n_notes >= CLI_MAX_NOTES) return;
    snprintf(ctx->notes_given[ctx->n_notes], sizeof ctx->notes_given[0], "%s", given);
    snprintf(ctx->notes_instead[ctx->n_notes], sizeof ctx->notes_instead[0], "%s", instead);
    ctx->n_notes++;
}

void cli_refuse(struct cli_ctx *ctx, const char *spelling)
{
    if (ctx->unsupported[0] == '\0')
        snprintf(ctx->unsupported, sizeof ctx->unsupported, "%s", spelling);
}

int cli_set_string(struct cli_ctx *ctx, char **slot, const char *s)
{
    char *copy = strdup(s);
    if (!copy) return cli_fatal(ctx, "Out of memory copying an option argument");
    free(*slot);
    *slot = copy;
    return 0;
}

int cli_atoi(const char *s)
{
    long long v = 0;
    bool negative = false;
    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    if (*s == '+' || *s == '-') negative = *s++ == '-';
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v > (long long)INT_MAX + 1) v = (long long)INT_MAX + 1;
    }
    if (negative) return v > INT_MAX ? INT_MIN : (int)-v;
    return v > INT_MAX ? INT_MAX : (int)v;
}
