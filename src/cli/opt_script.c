// SPDX-License-Identifier: MIT
// The script-scan options (--script, --script-args, --script-args-file,
// --script-trace, --script-updatedb, --script-help, --script-timeout) as
// nmap 7.93 reads them: the values go to nse_main.lua untouched, which
// parses arguments and selects scripts itself; only --script is split at
// commas into its rules, and --script-timeout is checked here.
#include <stdlib.h>
#include <string.h>

#include "cli/handlers.h"

/* nmap's chooseScripts: every comma ends a rule; repeated options add up. */
static int add_rules(struct cli_ctx *ctx, const char *spec)
{
    struct plan *plan = ctx->plan;
    for (const char *p = spec;;) {
        size_t len = strcspn(p, ",");
        char **grown = realloc(plan->script_rules, (plan->n_script_rules + 1) * sizeof *grown);
        if (!grown) return cli_fatal(ctx, "Out of memory storing --script");
        plan->script_rules = grown;
        if (!(grown[plan->n_script_rules] = strndup(p, len)))
            return cli_fatal(ctx, "Out of memory storing --script");
        plan->n_script_rules++;
        if (!p[len]) return 0;
        p += len + 1;
    }
}

int opt_script(struct cli_ctx *ctx, const struct getopt_item *item)
{
    struct plan *plan = ctx->plan;
    switch (item->opt->id) {
    case OPT_SCRIPT:
        plan->script_scan = true;
        return add_rules(ctx, item->arg);
    case OPT_SCRIPT_HELP:
        plan->script_help = true;
        return add_rules(ctx, item->arg);
    case OPT_SCRIPT_ARGS:
        return cli_set_string(ctx, &plan->script_args, item->arg);
    case OPT_SCRIPT_ARGS_FILE:
        return cli_set_string(ctx, &plan->script_args_file, item->arg);
    case OPT_SCRIPT_TRACE:
        plan->script_trace = true;
        return 0;
    case OPT_SCRIPT_UPDATEDB:
        plan->script_updatedb = true;
        return 0;
    case OPT_SCRIPT_TIMEOUT: {
        int64_t us = parse_time_value(item->arg);
        if (us < 0) return cli_fatal(ctx, "Bogus --script-timeout argument specified");
        plan->script_timeout = (double)(us / 1000) / 1000.0; /* nmap keeps milliseconds */
        return 0;
    }
    default:
        return 0;
    }
}
