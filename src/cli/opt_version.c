// SPDX-License-Identifier: MIT
// Version detection's options: --version-intensity, --version-light,
// --version-all, --version-trace and --allports, with nmap 7.93's rules
// (atoi for the intensity, so "abc" is 0; only 0-9 accepted).
#include "cli/handlers.h"

int opt_version_detection(struct cli_ctx *ctx, const struct getopt_item *item)
{
    struct plan *plan = ctx->plan;
    switch (item->opt->id) {
    case OPT_VERSION_INTENSITY:
        plan->version_intensity = cli_atoi(item->arg);
        if (plan->version_intensity < 0 || plan->version_intensity > 9)
            return cli_fatal(ctx, "version-intensity must be between 0 and 9");
        break;
    case OPT_VERSION_LIGHT:
        plan->version_intensity = 2;
        break;
    case OPT_VERSION_ALL:
        plan->version_intensity = 9;
        break;
    case OPT_VERSION_TRACE:
        /* nmap: a version trace is also one more level of debugging. */
        plan->version_trace = true;
        if (plan->debugging < 10) plan->debugging++;
        break;
    case OPT_ALLPORTS:
        plan->version_all_ports = true;
        break;
    default:
        break;
    }
    return 0;
}
