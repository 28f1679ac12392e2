// SPDX-License-Identifier: MIT
// Target options: input list, random targets, exclusions, name resolution.
// Files are only named here; the target iterator opens them.
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "cli/handlers.h"

int opt_input_file(struct cli_ctx *ctx, const struct getopt_item *item)
{
    if (ctx->plan->input_file) return cli_fatal(ctx, "Only one input filename allowed");
    return cli_set_string(ctx, &ctx->plan->input_file, item->arg);
}

/* nmap reads the count with strtoul and rejects trailing junk; a negative
 * count, which strtoul would silently wrap, gets the same message. */
int opt_input_random(struct cli_ctx *ctx, const struct getopt_item *item)
{
    const char *s = item->arg;
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    errno = 0;
    unsigned long long n = *s == '-' ? 0 : strtoull(s, &end, 10);
    if (*s == '-' || *end != '\0' || end == s)
        return cli_fatal(ctx, "ERROR: -iR argument must be the maximum number of random IPs you "
                              "wish to scan (use 0 for unlimited)");
    ctx->plan->random_targets =
        (errno == ERANGE || n > (unsigned long long)LLONG_MAX) ? LLONG_MAX : (long long)n;
    return 0;
}

/* The last --exclude and the last --excludefile win, as in nmap. */
int opt_exclude(struct cli_ctx *ctx, const struct getopt_item *item)
{
    if (item->opt->id == OPT_EXCLUDEFILE)
        return cli_set_string(ctx, &ctx->plan->exclude_file, item->arg);
    return cli_set_string(ctx, &ctx->exclude_spec, item->arg);
}

int opt_resolve(struct cli_ctx *ctx, const struct getopt_item *item)
{
    if (item->opt->id == OPT_NO_DNS)
        ctx->never_resolve = true;
    else
        ctx->always_resolve = true;
    return 0;
}
