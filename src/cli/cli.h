// SPDX-License-Identifier: MIT
// The parser's working state, shared by the option handlers and validation.
// Messages go to the context's streams so tests can capture them.
#ifndef CMAP_CLI_CLI_H
#define CMAP_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cli/getopt.h"
#include "cli/plan.h"

/* Port-scan and discovery techniques named on the command line, whether or
 * not cmap runs them yet: nmap's conflict and privilege checks look at all. */
enum scan_bit {
    SCAN_SYN = 1u << 0,
    SCAN_CONNECT = 1u << 1,
    SCAN_ACK = 1u << 2,
    SCAN_WINDOW = 1u << 3,
    SCAN_MAIMON = 1u << 4,
    SCAN_NULL = 1u << 5,
    SCAN_FIN = 1u << 6,
    SCAN_XMAS = 1u << 7,
    SCAN_UDP = 1u << 8,
    SCAN_IPPROTO = 1u << 9,
    SCAN_SCTP_INIT = 1u << 10,
    SCAN_SCTP_COOKIE = 1u << 11,
    SCAN_IDLE = 1u << 12,
    SCAN_BOUNCE = 1u << 13,
    SCAN_LIST = 1u << 14,
    SCAN_NO_PORTS = 1u << 15, /* -sL, -sn */
    SCAN_VERSION = 1u << 16,
    SCAN_SCRIPT = 1u << 17,
};
#define SCAN_TCP_MASK                                                                              \
    (SCAN_SYN | SCAN_CONNECT | SCAN_ACK | SCAN_WINDOW | SCAN_MAIMON | SCAN_NULL | SCAN_FIN |       \
     SCAN_XMAS | SCAN_IDLE | SCAN_BOUNCE)
#define SCAN_SCTP_MASK (SCAN_SCTP_INIT | SCAN_SCTP_COOKIE)
#define SCAN_RAW_MASK                                                                              \
    (SCAN_SYN | SCAN_ACK | SCAN_WINDOW | SCAN_MAIMON | SCAN_NULL | SCAN_FIN | SCAN_XMAS |          \
     SCAN_UDP | SCAN_IPPROTO | SCAN_SCTP_MASK | SCAN_IDLE)

/* Explicit timing options, applied over the template after parsing so they
 * win whatever their position (-1 = not given). Microseconds for times. */
struct timing_explicit {
    int max_parallelism;
    int max_retries;
    int64_t scan_delay;
    int64_t max_scan_delay;
    int64_t initial_rtt;
    int64_t min_rtt;
    int64_t max_rtt;
    int64_t host_timeout;
};

#define CLI_MAX_NOTES 16

struct cli_ctx {
    FILE *out;
    FILE *err;
    struct plan *plan;
    int exit_status;    /* set when a handler stops the run */
    struct tm start_tm; /* for output file name expansion */

    struct timing_explicit pre;
    unsigned scans;   /* enum scan_bit */
    int af_requested; /* AF_UNSPEC until -4 or -6 */
    bool privileged;
    bool fast;            /* -F or --servicedb */
    bool sequential;      /* -r */
    bool defeat_rst;      /* --defeat-rst-ratelimit */
    bool always_resolve;  /* -R */
    bool never_resolve;   /* -n */
    int top_ports;        /* --top-ports, 0 when unset */
    double port_ratio;    /* --port-ratio, < 0 when unset */
    char *portlist;       /* -p */
    char *exclude_ports;  /* --exclude-ports */
    char *exclude_spec;   /* --exclude, split at the end */
    char unsupported[64]; /* first option refused as not supported yet */

    /* Deprecation warnings, printed after parsing when verbose (as nmap). */
    char notes_given[CLI_MAX_NOTES][8];
    char notes_instead[CLI_MAX_NOTES][8];
    int n_notes;
};

/* Print "msg\nQUITTING!" (nmap's fatal()) on ctx->err; status 1; returns -1. */
int cli_fatal(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning line on ctx->err. */
void cli_warn(struct cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Stop parsing with `status` (after -h, -V, --thc); returns -1. */
int cli_stop(struct cli_ctx *ctx, int status);
/* Remember "-given is deprecated, use -instead" for after parsing. */
void cli_note_deprecated(struct cli_ctx *ctx, const char *given, const char *instead);
/* Remember the first option refused as not supported yet. */
void cli_refuse(struct cli_ctx *ctx, const char *spelling);
/* Replace *slot with a copy of s; -1 (and a fatal message) when out of memory. */
int cli_set_string(struct cli_ctx *ctx, char **slot, const char *s);

/* atoi() as nmap uses it (leading blanks, sign, digits, junk ignored), but
 * saturating instead of overflowing. */
int cli_atoi(const char *s);

/* Run the handler of one parsed option; 0 to go on, -1 to stop. */
int cli_handle_option(struct cli_ctx *ctx, const struct getopt_item *item);

/* After the whole command line: nmap's delayed options and validation. */
int cli_finish_timing(struct cli_ctx *ctx);
int cli_validate(struct cli_ctx *ctx);
/* Then what the run needs from the system: exe path, nmap-services, ports. */
int plan_setup_runtime(struct cli_ctx *ctx);

/* The parse behind plan_from_args, with the streams messages go to. */
enum plan_result plan_from_args_io(int argc, char **argv, struct plan *plan, int *exit_status,
                                   FILE *out, FILE *err);

/* nmap's NMAP_ARGS: a new argv of "cmap", the variable's words, then
 * argv[1..], all within nmap's 2048 characters ('...' and "..." group words);
 * a copy of argv when `env` is NULL. One allocation: free() it. NULL, after
 * nmap's message on `err`, when the variable cannot be parsed. */
char **cli_args_with_env(const char *env, int argc, char **argv, int *out_argc, FILE *err);

/* -h text and -V text. */
void cli_print_usage(FILE *out);
void cli_print_version(FILE *out);

#endif
