// SPDX-License-Identifier: MIT
// plan_from_args: read the command line in order (handlers may stop it, as
// -h or a fatal error does in nmap), validate it, then load what the run needs.
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "data/protocols.h"
#include "data/services.h"
#include "core/log.h"

/* nmap's defaults (NmapOps.cc, timing.h); times in microseconds. */
static const struct timing default_timing = {
    .level = 3,
    .min_rtt_timeout = 100 * 1000LL,
    .max_rtt_timeout = 10000 * 1000LL,
    .initial_rtt_timeout = 1000 * 1000LL,
    .max_retries = 10,
    .host_timeout = 0,
    .scan_delay = 0,
    .max_scan_delay = 1000 * 1000LL,
    .max_udp_scan_delay = 1000 * 1000LL,
    .min_parallelism = 0,
    .max_parallelism = 0,
    .min_hostgroup = 1,
    .max_hostgroup = 100000,
    .min_rate = 0.0,
    .max_rate = 0.0,
};

/* nmap reads NMAP_PRIVILEGED, then NMAP_UNPRIVILEGED, then the euid;
 * --privileged / --unprivileged later override in command-line order. */
static bool initial_privilege(void)
{
    if (getenv("NMAP_PRIVILEGED")) return true;
    if (getenv("NMAP_UNPRIVILEGED")) return false;
    return geteuid() == 0;
}

static void init_ctx(struct cli_ctx *ctx, struct plan *plan, FILE *out, FILE *err)
{
    *ctx = (struct cli_ctx){.out = out, .err = err, .plan = plan, .port_ratio = -1};
    ctx->pre = (struct timing_explicit){-1, -1, -1, -1, -1, -1, -1, -1};
    ctx->af_requested = AF_UNSPEC;
    ctx->privileged = initial_privilege();
    time_t now = time(NULL);
    localtime_r(&now, &ctx->start_tm);
    *plan = (struct plan){.random_targets = -1, .timing = default_timing, .version_intensity = 7,
                          .script_timeout = -1 /* unset until validation */};
}

static void free_ctx(struct cli_ctx *ctx)
{
    free(ctx->portlist);
    free(ctx->exclude_ports);
    free(ctx->exclude_spec);
}

static int add_target(struct cli_ctx *ctx, const char *spec)
{
    struct plan *plan = ctx->plan;
    char **grown = realloc(plan->targets, (plan->n_targets + 1) * sizeof *grown);
    if (!grown) return cli_fatal(ctx, "Out of memory storing targets");
    plan->targets = grown;
    plan->targets[plan->n_targets] = strdup(spec);
    if (!plan->targets[plan->n_targets]) return cli_fatal(ctx, "Out of memory storing targets");
    plan->n_targets++;
    return 0;
}

/* "cmap" and the arguments joined with single spaces, for output headers. */
static int set_command_line(struct cli_ctx *ctx, int argc, char **argv)
{
    size_t len = strlen(CMAP_NAME) + 1;
    for (int i = 1; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *line = malloc(len);
    if (!line) return cli_fatal(ctx, "Out of memory");
    char *p = stpcpy(line, CMAP_NAME);
    for (int i = 1; i < argc; i++) {
        *p++ = ' ';
        p = stpcpy(p, argv[i]);
    }
    ctx->plan->command_line = line;
    return 0;
}

/* Editors turn "-" into en or em dashes; nmap refuses those up front rather
 * than taking an en-dashed "p" for a target. */
static int check_dashes(struct cli_ctx *ctx, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const unsigned char *a = (const unsigned char *)argv[i];
        bool utf8_dash = a[0] == 0xe2 && a[1] == 0x80 && a[2] >= 0x90 && a[2] <= 0x95;
        if (utf8_dash || a[0] == 0x96 || a[0] == 0x97)
            return cli_fatal(ctx, "Unparseable option (dash, not '-') in argument %d", i);
    }
    return 0;
}

static int read_arguments(struct cli_ctx *ctx, int argc, char **argv)
{
    struct cli_getopt g;
    if (check_dashes(ctx, argc, argv) < 0) return -1;
    struct getopt_item item;
    cli_getopt_init(&g, argc, argv, ctx->err);
    for (;;) {
        switch (cli_getopt_next(&g, &item)) {
        case GETOPT_END:
            return 0;
        case GETOPT_OPERAND:
            if (add_target(ctx, item.arg) < 0) return -1;
            break;
        case GETOPT_ERROR:
            fprintf(ctx->err, "See the output of %s -h for a summary of options.\n", CMAP_NAME);
            return cli_stop(ctx, EXIT_USAGE);
        case GETOPT_OPTION:
            if (cli_handle_option(ctx, &item) < 0) return -1;
            break;
        }
    }
}

enum plan_result plan_from_args_io(int argc, char **argv, struct plan *plan, int *exit_status,
                                   FILE *out, FILE *err)
{
    struct cli_ctx ctx;
    init_ctx(&ctx, plan, out, err);
    if (argc < 2) {
        cli_print_usage(out);
        *exit_status = EXIT_USAGE;
        return PLAN_EXIT;
    }
    int rc = set_command_line(&ctx, argc, argv);
    if (rc == 0) rc = read_arguments(&ctx, argc, argv);
    if (rc == 0) rc = cli_validate(&ctx);
    if (rc == 0) rc = plan_setup_runtime(&ctx);
    free_ctx(&ctx);
    if (rc == 0) return PLAN_RUN;
    fflush(out);
    *exit_status = ctx.exit_status;
    plan_free(plan);
    return PLAN_EXIT;
}

/* NMAP_ARGS is applied here so every caller gets it; the plan keeps copies
 * of what it needs, so the rebuilt argv is freed at once. */
enum plan_result plan_from_args(int argc, char **argv, struct plan *plan, int *exit_status)
{
    int full_argc;
    char **full_argv = cli_args_with_env(getenv("NMAP_ARGS"), argc, argv, &full_argc, stderr);
    if (!full_argv) {
        *plan = (struct plan){0};
        *exit_status = EXIT_FATAL;
        return PLAN_EXIT;
    }
    enum plan_result r = plan_from_args_io(full_argc, full_argv, plan, exit_status, stdout, stderr);
    free(full_argv);
    return r;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void plan_free(struct plan *plan)
{
    free(plan->command_line);
    free_strings(plan->targets, plan->n_targets);
    free(plan->input_file);
    free_strings(plan->excludes, plan->n_excludes);
    free_strings(plan->dns_servers, plan->n_dns_servers);
    free(plan->exclude_file);
    portlist_free(&plan->ports);
    if (plan->services) services_free((struct services_db *)plan->services);
    free(plan->services_path);
    protocols_free((struct protocols_db *)plan->protocols);
    for (int i = 0; i < OUT_FORMAT_COUNT; i++)
        free(plan->output_path[i]);
    free_strings(plan->script_rules, plan->n_script_rules);
    free(plan->script_args);
    free(plan->script_args_file);
    free(plan->stylesheet);
    free(plan->datadir);
    free(plan->servicedb);
    free(plan->exe_path);
    free(plan->drop_user);
    free(plan->device);
    free(plan->spoof_source);
    free(plan->ping.syn);
    free(plan->ping.ack);
    free(plan->ping.udp);
    free(plan->ping.sctp);
    free(plan->ping.protos);
    *plan = (struct plan){0};
}
