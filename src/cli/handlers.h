// SPDX-License-Identifier: MIT
// One handler per option behaviour; handlers.c maps option ids to them.
// Each returns 0 to go on, -1 to stop (status in ctx->exit_status).
#ifndef CMAP_CLI_HANDLERS_H
#define CMAP_CLI_HANDLERS_H

#include "cli/cli.h"

typedef int (*cli_handler_fn)(struct cli_ctx *ctx, const struct getopt_item *item);

/* opt_general.c */
int opt_help(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_version(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_thc(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_verbose(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_vv(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_debug(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_privileged(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_family(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_flag(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_scanflags(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_ignore(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_ident(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_datafile(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_stylesheet(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_drop_user(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_source(struct cli_ctx *ctx, const struct getopt_item *item);

/* opt_target.c */
int opt_input_file(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_input_random(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_exclude(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_resolve(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_dns_servers(struct cli_ctx *ctx, const struct getopt_item *item);

/* opt_output.c */
int opt_output(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_output_html(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_resume(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_stats_every(struct cli_ctx *ctx, const struct getopt_item *item);

/* opt_timing.c */
int opt_template(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_rtt_timeout(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_delay(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_host_timeout(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_max_retries(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_parallelism(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_hostgroup(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_rate(struct cli_ctx *ctx, const struct getopt_item *item);

/* opt_scan.c */
int opt_scan_types(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_ping_types(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_scan_bit(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_nsock_engine(struct cli_ctx *ctx, const struct getopt_item *item);

/* opt_version.c */
int opt_version_detection(struct cli_ctx *ctx, const struct getopt_item *item);

/* opt_script.c */
int opt_script(struct cli_ctx *ctx, const struct getopt_item *item);

/* opt_ports.c */
int opt_ports(struct cli_ctx *ctx, const struct getopt_item *item);
int opt_port_selection(struct cli_ctx *ctx, const struct getopt_item *item);

#endif
