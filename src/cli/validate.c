// SPDX-License-Identifier: MIT
// After the whole command line: nmap's cross-option checks, in nmap's order
// (so the same command fails with the same message), then the refusal of
// options cmap does not run yet.
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/cli.h"
#include "core/log.h"

static int popcount(unsigned v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

static void print_deprecations(struct cli_ctx *ctx)
{
    if (ctx->plan->verbosity <= 0) return;
    for (int i = 0; i < ctx->n_notes; i++)
        cli_warn(ctx, "Warning: The -%s option is deprecated. Please use -%s", ctx->notes_given[i],
                 ctx->notes_instead[i]);
}

/* nmap's ValidateOptions, limited to what the command line can now express. */
static int check_scan_types(struct cli_ctx *ctx, bool default_scan)
{
    unsigned s = ctx->scans;
    unsigned port_scans = SCAN_TCP_MASK | SCAN_UDP | SCAN_SCTP_MASK | SCAN_IPPROTO;
    if ((s & SCAN_IPPROTO) && (s & (SCAN_TCP_MASK | SCAN_UDP | SCAN_SCTP_MASK)))
        return cli_fatal(ctx, "Sorry, the IPProtoscan (-sO) must currently be used alone rather "
                              "than combined with other scan types.");
    if ((s & SCAN_NO_PORTS) && (s & port_scans))
        return cli_fatal(ctx, "-sL and -sn (skip port scan) are not valid with any other scan "
                              "types");
    if (!ctx->privileged && (s & SCAN_RAW_MASK))
        return cli_fatal(ctx, "You requested a scan type which requires root privileges.");
    if (popcount(s & SCAN_TCP_MASK) > 1)
        return cli_fatal(ctx, "You specified more than one type of TCP scan.  Please choose only "
                              "one of -sA, -b, -sT, -sF, -sI, -sM, -sN, -sS, -sW, and -sX");
    /* Where nmap would pick -sS by default (privileged, no type asked for),
     * the option is accepted; cmap's connect scan simply has nothing to defeat. */
    bool syn = (s & SCAN_SYN) || (default_scan && ctx->privileged);
    if (ctx->defeat_rst && !syn)
        return cli_fatal(ctx, "Option --defeat-rst-ratelimit works only with a SYN scan (-sS)");
    if (ctx->plan->defeat_icmp_ratelimit && !(s & SCAN_UDP))
        return cli_fatal(ctx, "Option --defeat-icmp-ratelimit works only with a UDP scan (-sU)");
    return 0;
}

static int check_limits(struct cli_ctx *ctx)
{
    const struct timing *t = &ctx->plan->timing;
    if (t->max_parallelism && t->min_parallelism && t->min_parallelism > t->max_parallelism)
        return cli_fatal(ctx,
                         "--min-parallelism=%i must be less than or equal to "
                         "--max-parallelism=%i",
                         t->min_parallelism, t->max_parallelism);
    if (t->min_rate != 0.0 && t->max_rate != 0.0 && t->min_rate > t->max_rate)
        return cli_fatal(ctx, "--min-rate=%g must be less than or equal to --max-rate=%g",
                         t->min_rate, t->max_rate);
    if (ctx->plan->address_family == AF_INET6 &&
        (ctx->plan->random_targets >= 0 || (ctx->scans & SCAN_BOUNCE)))
        return cli_fatal(ctx, "Random targets, FTP bounce scan, and fragmentation are not "
                              "supported with IPv6.");
    return 0;
}

/* nmap's checks of the discovery probes: raw ones need privilege (ICMP
 * falls back to TCP with a warning, the others are refused), and two ICMP
 * messages exist only in IPv4. */
static int check_ping_types(struct cli_ctx *ctx)
{
    const struct ping_probes *pp = &ctx->plan->ping;
    if (!ctx->privileged) {
        if (pp->n_protos)
            return cli_fatal(ctx, "Sorry, IPProto Ping (-PO) only works if you are root (because "
                                  "we need to read raw responses off the wire)");
        if (pp->n_udp)
            return cli_fatal(ctx, "Sorry, UDP Ping (-PU) only works if you are root (because we "
                                  "need to read raw responses off the wire)");
        if (pp->n_sctp)
            return cli_fatal(ctx, "Sorry, SCTP INIT Ping (-PY) only works if you are root "
                                  "(because we need to read raw responses off the wire)");
        if (pp->echo || pp->timestamp || pp->mask)
            cli_warn(ctx, "Warning:  You are not root -- using TCP pingscan rather than ICMP");
    }
    if (ctx->af_requested == AF_INET6 && (pp->timestamp || pp->mask))
        return cli_fatal(ctx, "ICMP Timestamp and Address Mask pings are only valid for IPv4.");
    return 0;
}

static int check_port_options(struct cli_ctx *ctx)
{
    if ((ctx->scans & SCAN_NO_PORTS) && (ctx->portlist || ctx->fast))
        return cli_fatal(ctx, "You cannot use -F (fast scan) or -p (explicit port selection) "
                              "when not doing a port scan");
    if (ctx->portlist && ctx->fast)
        return cli_fatal(ctx, "You cannot use -F (fast scan) with -p (explicit port selection) "
                              "but see --top-ports and --port-ratio to fast scan a range of ports");
    return 0;
}

/* nmap splits --exclude on commas; a trailing comma adds nothing, an empty
 * piece elsewhere is kept so the target parser reports it as nmap does. */
static int split_excludes(struct cli_ctx *ctx)
{
    struct plan *plan = ctx->plan;
    const char *p = ctx->exclude_spec;
    if (!p) return 0;
    size_t cap = 1;
    for (const char *q = p; *q; q++)
        cap += *q == ',';
    plan->excludes = calloc(cap, sizeof *plan->excludes);
    if (!plan->excludes) return cli_fatal(ctx, "Out of memory splitting --exclude");
    while (*p) {
        size_t len = strcspn(p, ",");
        plan->excludes[plan->n_excludes] = strndup(p, len);
        if (!plan->excludes[plan->n_excludes]) return cli_fatal(ctx, "Out of memory");
        plan->n_excludes++;
        p += len;
        if (*p == ',') p++;
    }
    return 0;
}

static void fill_plan(struct cli_ctx *ctx)
{
    struct plan *plan = ctx->plan;
    plan->list_scan = (ctx->scans & SCAN_LIST) != 0;
    static const struct {
        unsigned bit;
        enum tcp_scan_type type;
    } tcp_types[] = {{SCAN_SYN, TCP_SCAN_SYN},       {SCAN_CONNECT, TCP_SCAN_CONNECT},
                     {SCAN_ACK, TCP_SCAN_ACK},       {SCAN_WINDOW, TCP_SCAN_WINDOW},
                     {SCAN_MAIMON, TCP_SCAN_MAIMON}, {SCAN_NULL, TCP_SCAN_NULL},
                     {SCAN_FIN, TCP_SCAN_FIN},       {SCAN_XMAS, TCP_SCAN_XMAS}};
    plan->tcp_scan = TCP_SCAN_NONE;
    for (size_t i = 0; i < sizeof tcp_types / sizeof tcp_types[0]; i++)
        if (ctx->scans & tcp_types[i].bit) plan->tcp_scan = tcp_types[i].type;
    plan->udp_scan = (ctx->scans & SCAN_UDP) != 0;
    plan->sctp_scan = ((ctx->scans & SCAN_SCTP_INIT) ? SCTP_SCAN_INIT : 0) |
                      ((ctx->scans & SCAN_SCTP_COOKIE) ? SCTP_SCAN_COOKIE : 0);
    plan->ip_proto_scan = (ctx->scans & SCAN_IPPROTO) != 0;
    plan->ping_scan = (ctx->scans & SCAN_NO_PORTS) && !plan->list_scan;
    plan->dns = ctx->never_resolve ? DNS_NEVER : ctx->always_resolve ? DNS_ALWAYS : DNS_DEFAULT;
    plan->privileged = ctx->privileged;
    /* nmap probes versions of TCP and UDP ports only: with -sO, -sV does
     * nothing (no VERSION column, no "Service detection performed"). */
    plan->version_scan =
        (ctx->scans & SCAN_VERSION) != 0 && !plan->list_scan && !plan->ip_proto_scan;
    if (plan->verbosity > 1) plan->reason = true;
    /* -sC is --script=default; --packet-trace traces script I/O too. */
    if (ctx->scans & SCAN_SCRIPT) plan->script_scan = true;
    if (plan->packet_trace) plan->script_trace = true;
    /* -T5 limits scripts to ten minutes unless --script-timeout says
     * otherwise, wherever it stands on the line (as nmap). */
    if (plan->script_timeout < 0) plan->script_timeout = plan->timing.level == 5 ? 600 : 0;
}

int cli_validate(struct cli_ctx *ctx)
{
    struct plan *plan = ctx->plan;
    print_deprecations(ctx);
    plan->address_family = ctx->af_requested == AF_INET6 ? AF_INET6 : AF_INET;
    cli_finish_timing(ctx);
    bool default_scan =
        !(ctx->scans & (SCAN_NO_PORTS | SCAN_TCP_MASK | SCAN_UDP | SCAN_SCTP_MASK | SCAN_IPPROTO));
    /* nmap's default: a SYN scan when privileged, else a connect scan. */
    if (default_scan) ctx->scans |= ctx->privileged ? SCAN_SYN : SCAN_CONNECT;
    plan->tcp_scan_default = default_scan;
    if (plan->spoof_source && (ctx->scans & SCAN_CONNECT))
        cli_warn(ctx, "WARNING: -S will only affect the source address used in a connect() scan "
                      "if you specify one of your own addresses.  Use -sS or another raw scan "
                      "if you want to completely spoof your source address, but then you need "
                      "to know what you're doing to obtain meaningful results.");
    if (check_scan_types(ctx, default_scan) < 0 || check_ping_types(ctx) < 0 ||
        check_limits(ctx) < 0 || check_port_options(ctx) < 0)
        return -1;
    if (ctx->unsupported[0]) {
        fflush(ctx->out);
        fprintf(ctx->err, "%s: %s is not supported yet\n", CMAP_NAME, ctx->unsupported);
        ctx->exit_status = EXIT_FATAL;
        return -1;
    }
    fill_plan(ctx);
    return split_excludes(ctx);
}
