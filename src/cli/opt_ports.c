// SPDX-License-Identifier: MIT
// Port selection: -p, --exclude-ports, -F, -r, --top-ports, --port-ratio.
// The specs are kept as text; portlist_build turns them into lists once the
// scan types are known.
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "cli/handlers.h"

int opt_ports(struct cli_ctx *ctx, const struct getopt_item *item)
{
    if (item->opt->id == OPT_PORTS) {
        if (ctx->portlist)
            return cli_fatal(ctx, "Only 1 -p option allowed, separate multiple ranges with "
                                  "commas.");
        return cli_set_string(ctx, &ctx->portlist, item->arg);
    }
    if (ctx->exclude_ports)
        return cli_fatal(ctx, "Only 1 --exclude-ports option allowed, separate multiple ranges "
                              "with commas.");
    return cli_set_string(ctx, &ctx->exclude_ports, item->arg);
}

/* --top-ports and --port-ratio share one setting in nmap: the last wins. */
static int top_ports(struct cli_ctx *ctx, const char *arg)
{
    double n = strtod(arg, NULL);
    if (!(n >= 1) || n > INT_MAX || n != floor(n))
        return cli_fatal(ctx, "--top-ports should be an integer 1 or greater");
    ctx->top_ports = (int)n;
    ctx->port_ratio = -1;
    return 0;
}

static int port_ratio(struct cli_ctx *ctx, const char *arg)
{
    double r = strtod(arg, NULL);
    if (!(r >= 0 && r < 1)) return cli_fatal(ctx, "--port-ratio should be between [0 and 1)");
    ctx->port_ratio = r;
    ctx->top_ports = 0;
    return 0;
}

int opt_port_selection(struct cli_ctx *ctx, const struct getopt_item *item)
{
    switch (item->opt->id) {
    case OPT_FAST:
        ctx->fast = true;
        return 0;
    case OPT_SEQUENTIAL:
        ctx->sequential = true;
        return 0;
    case OPT_TOP_PORTS:
        return top_ports(ctx, item->arg);
    default:
        return port_ratio(ctx, item->arg);
    }
}
