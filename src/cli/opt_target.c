// SPDX-License-Identifier: MIT
// Target options: input list, random targets, exclusions, name resolution.
// Files are only named here; the target iterator opens them.
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

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

/* --dns-servers: pieces between commas and blanks, as nmap splits them;
 * which of them resolve is the resolver's business (nmap skips the others
 * without a word). The last option replaces earlier ones. */
int opt_dns_servers(struct cli_ctx *ctx, const struct getopt_item *item)
{
    struct plan *plan = ctx->plan;
    for (size_t i = 0; i < plan->n_dns_servers; i++)
        free(plan->dns_servers[i]);
    free(plan->dns_servers);
    plan->n_dns_servers = 0;
    size_t cap = 1;
    for (const char *p = item->arg; *p; p++)
        cap += *p == ',' || *p == ' ' || *p == '\t';
    plan->dns_servers = calloc(cap + 1, sizeof *plan->dns_servers);
    if (!plan->dns_servers) return cli_fatal(ctx, "Out of memory");
    for (const char *p = item->arg; *p;) {
        p += strspn(p, ", \t");
        size_t len = strcspn(p, ", \t");
        if (len == 0) break;
        char *piece = strndup(p, len);
        if (!piece) return cli_fatal(ctx, "Out of memory");
        plan->dns_servers[plan->n_dns_servers++] = piece;
        p += len;
    }
    return 0;
}

int opt_resolve(struct cli_ctx *ctx, const struct getopt_item *item)
{
    if (item->opt->id == OPT_NO_DNS)
        ctx->never_resolve = true;
    else
        ctx->always_resolve = true;
    return 0;
}
