// SPDX-License-Identifier: MIT
#include "target/specstart.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"

static enum spec_outcome skipped(const struct spec_context *ctx, const char *spec)
{
    if (ctx->skip) ctx->skip(spec, ctx->skip_ctx);
    return SPEC_SKIPPED;
}

static size_t first_of_family(const struct addr_list *l, int family)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].family == family) return i;
    return l->n;
}

static enum spec_outcome start_name(const struct spec_context *ctx, const struct target_spec *ts,
                                    const char *spec, struct spec_cursor *c)
{
    char *name = strndup(spec, ts->host_len);
    if (!name) abort();
    struct addr_list l = {0};
    size_t first = 0;
    if (resolve_all_families(name, &l) == 0) first = first_of_family(&l, ctx->family);
    if (l.n > 0 && first == l.n) {
        error("Warning: Hostname %s resolves, but not to any %s address. Try scanning %s -6", name,
              ctx->family == AF_INET ? "IPv4" : "IPv6",
              ctx->family == AF_INET ? "with" : "without");
    }
    if (first == l.n) {
        error("Failed to resolve \"%s\".", name);
        addr_list_free(&l);
        free(name);
        return SPEC_UNRESOLVED;
    }
    if (l.n > 1 && ctx->verbosity > 1) {
        char buf[NET_ADDR_STRLEN];
        net_addr_format(&l.v[first], buf, sizeof buf);
        error("Warning: Hostname %s resolves to %zu IPs. Using %s.", name, l.n, buf);
    }
    cursor_init_name(c, name, &l, first, ts->bits, ctx->resolve_all, ctx->family);
    return SPEC_READY;
}

/* An IPv6 literal: its zone must name an interface (or be a number) before
 * the family matters, because nmap hands the whole thing to getaddrinfo. */
static enum spec_outcome start_v6(const struct spec_context *ctx, const struct target_spec *ts,
                                  const char *spec, struct spec_cursor *c)
{
    uint32_t scope = 0;
    if (ts->zone_off) {
        char *host = strndup(spec, ts->host_len);
        struct net_addr a;
        if (!host) abort();
        int rc = net_addr_parse(host, AF_INET6, &a);
        if (rc != 0) error("Failed to resolve \"%s\".", host);
        free(host);
        if (rc != 0) return SPEC_UNRESOLVED;
        scope = a.scope_id;
    }
    if (ctx->family != AF_INET6) {
        error("%.*s looks like an IPv6 target specification -- you have to use the -6 option.",
              (int)ts->host_len, spec);
        return skipped(ctx, spec);
    }
    cursor_init_v6(c, ts->v6, ts->bits, scope);
    return SPEC_READY;
}

static enum spec_outcome start(const struct spec_context *ctx, const char *spec,
                               struct spec_cursor *c, bool quiet_parse)
{
    struct target_spec ts;
    size_t errlen = strlen(spec) + 128; /* messages quote the whole spec */
    char *err = malloc(errlen);
    if (!err) abort();
    cursor_reset(c);
    int rc = target_spec_parse(spec, ctx->family, &ts, err, errlen);
    if (rc != TSPEC_OK && !quiet_parse) error("%s", err);
    free(err);
    if (rc == TSPEC_ERROR) return skipped(ctx, spec);
    switch (ts.kind) {
    case TSPEC_V4_RANGES:
        cursor_init_v4(c, ts.octets);
        return SPEC_READY;
    case TSPEC_V6_BLOCK:
        return start_v6(ctx, &ts, spec, c);
    case TSPEC_HOSTNAME:
        break;
    }
    return start_name(ctx, &ts, spec, c);
}

enum spec_outcome spec_start(const struct spec_context *ctx, const char *spec,
                             struct spec_cursor *c)
{
    return start(ctx, spec, c, false);
}

void spec_retry_unresolved(const struct spec_context *ctx, const char *spec)
{
    struct spec_cursor c = {0};
    start(ctx, spec, &c, true);
    cursor_reset(&c);
}
