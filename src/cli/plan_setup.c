// SPDX-License-Identifier: MIT
// The parts of the plan that come from the system rather than argv: the
// binary's path (for the data-file search), nmap-services and the port list.
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "data/datafile.h"
#include "data/protocols.h"
#include "data/services.h"
#include "scan/portspec.h"

static int set_exe_path(struct cli_ctx *ctx)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return 0; /* the search then skips the binary's directory */
    buf[n] = '\0';
    return cli_set_string(ctx, &ctx->plan->exe_path, buf);
}

/* Only port numbers, ranges and protocol qualifiers: no service names, no
 * wildcards, no [..]. Such a list needs nmap-services only for names. */
static bool numeric_spec(const char *s)
{
    for (; *s; s++) {
        if ((*s >= '0' && *s <= '9') || *s == ',' || *s == '-') continue;
        if (strchr("TUSP", *s) && s[1] == ':') {
            s++;
            continue;
        }
        return false;
    }
    return true;
}

/* A scan of explicit port numbers loads only those ports' names (the whole
 * file is still validated): start-up is most of a few-port scan's time. */
static bool explicit_numeric_ports(const struct cli_ctx *ctx)
{
    return ctx->portlist && numeric_spec(ctx->portlist) &&
           (!ctx->exclude_ports || numeric_spec(ctx->exclude_ports)) && !ctx->fast &&
           ctx->top_ports == 0 && ctx->port_ratio < 0;
}

/* A selection by frequency (the default, -F, --top-ports, --port-ratio)
 * among numeric ports reads only the scanned protocols' entries. */
static bool protocol_subset(const struct cli_ctx *ctx, bool *protos)
{
    const struct plan *plan = ctx->plan;
    if ((ctx->portlist && !numeric_spec(ctx->portlist)) ||
        (ctx->exclude_ports && !numeric_spec(ctx->exclude_ports)) || plan->ip_proto_scan)
        return false;
    protos[PROTO_TCP] = plan->tcp_scan != TCP_SCAN_NONE;
    protos[PROTO_UDP] = plan->udp_scan;
    protos[PROTO_SCTP] = plan->sctp_scan != SCTP_SCAN_NONE;
    return true;
}

static int load_services(struct cli_ctx *ctx, const struct port_list *only)
{
    struct plan *plan = ctx->plan;
    char path[PATH_MAX];
    char err[1024];
    if (plan->servicedb) {
        snprintf(path, sizeof path, "%s", plan->servicedb);
    } else {
        struct datafile_ctx dctx = {
            .datadir = plan->datadir, .exe_path = plan->exe_path, .debugging = plan->debugging};
        if (datafile_find(&dctx, "nmap-services", path, sizeof path) < 0)
            return cli_fatal(ctx, "%s", path);
    }
    bool protos[PROTO_COUNT] = {0};
    struct services_db *db = only ? services_load_ports(path, only, err, sizeof err)
                             : protocol_subset(ctx, protos)
                                 ? services_load_protos(path, protos, err, sizeof err)
                                 : services_load(path, err, sizeof err);
    if (!db) return cli_fatal(ctx, "%s", err);
    plan->services = db;
    return cli_set_string(ctx, &plan->services_path, path);
}

/* The default port order is random; the seed need not be secret, only
 * different from run to run. */
static uint64_t shuffle_seed(void)
{
    uint64_t seed;
    if (getrandom(&seed, sizeof seed, 0) == (ssize_t)sizeof seed) return seed;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)getpid();
}

/* nmap's warnings for qualified ports of a protocol no scan type covers. */
static void warn_unused_qualifiers(struct cli_ctx *ctx, const char *spec, const bool *want)
{
    static const struct {
        enum proto_index proto;
        const char *letter, *scan;
    } quals[] = {{PROTO_TCP, "T", "any TCP scan type"},
                 {PROTO_UDP, "U", "UDP scan with -sU"},
                 {PROTO_SCTP, "S", "any SCTP scan type"},
                 {PROTO_IP, "P", "IP Protocol scan with -sO"}};
    unsigned present = portspec_qualifiers(spec);
    for (size_t i = 0; i < sizeof quals / sizeof quals[0]; i++)
        if ((present & PORTSPEC_BIT(quals[i].proto)) && !want[quals[i].proto])
            cli_warn(ctx, "WARNING: Your ports include \"%s:\" but you haven't specified %s.",
                     quals[i].letter, quals[i].scan);
}

/* -sO prints nmap-protocols' names and takes them in -p ("-p icmp,tcp"). */
static int load_protocols(struct cli_ctx *ctx)
{
    struct plan *plan = ctx->plan;
    if (!plan->ip_proto_scan || plan->protocols) return 0;
    char path[PATH_MAX], err[1024];
    struct datafile_ctx dctx = {
        .datadir = plan->datadir, .exe_path = plan->exe_path, .debugging = plan->debugging};
    if (datafile_find(&dctx, "nmap-protocols", path, sizeof path) < 0)
        return cli_fatal(ctx, "%s", path);
    struct protocols_db *db = protocols_load(path, err, sizeof err);
    if (!db) return cli_fatal(ctx, "%s", err);
    plan->protocols = db;
    return 0;
}

static int build_ports(struct cli_ctx *ctx)
{
    struct plan *plan = ctx->plan;
    char err[1024];
    struct portlist_request req = {
        .spec = ctx->portlist,
        .exclude_spec = ctx->exclude_ports,
        .want = {[PROTO_TCP] = plan->tcp_scan != TCP_SCAN_NONE,
                 [PROTO_UDP] = plan->udp_scan,
                 [PROTO_SCTP] = plan->sctp_scan != SCTP_SCAN_NONE,
                 [PROTO_IP] = plan->ip_proto_scan},
        .fast = ctx->fast,
        .top_ports = ctx->top_ports,
        .port_ratio = ctx->port_ratio,
        .sequential = ctx->sequential,
        .shuffle_seed = shuffle_seed(),
        .ip_proto_names = protocols_names(plan->protocols),
    };
    /* With -sO nmap reads only P: and plain numbers, silently. */
    if (ctx->portlist && !plan->ip_proto_scan) warn_unused_qualifiers(ctx, ctx->portlist, req.want);
    if (portlist_build(&req, plan->services, &plan->ports, err, sizeof err) < 0)
        return cli_fatal(ctx, "%s", err);
    if (plan->ports.duplicate_ports)
        cli_warn(ctx, "WARNING: Duplicate port number(s) specified.  Are you alert enough to be "
                      "using Nmap?  Have some coffee or Jolt(tm).");
    if (req.want[PROTO_TCP] && plan->ports.count[PROTO_TCP] == 0)
        cli_warn(ctx, "WARNING: a TCP scan type was requested, but no tcp ports were specified.  "
                      "Skipping this scan type.");
    if (req.want[PROTO_UDP] && plan->ports.count[PROTO_UDP] == 0)
        cli_warn(ctx, "WARNING: UDP scan was requested, but no udp ports were specified.  "
                      "Skipping this scan type.");
    if (req.want[PROTO_SCTP] && plan->ports.count[PROTO_SCTP] == 0)
        cli_warn(ctx, "WARNING: a SCTP scan type was requested, but no sctp ports were "
                      "specified.  Skipping this scan type.");
    return 0;
}

int plan_setup_runtime(struct cli_ctx *ctx)
{
    if (set_exe_path(ctx) < 0) return -1;
    if (ctx->plan->list_scan) return 0;
    if (load_protocols(ctx) < 0) return -1;
    if (explicit_numeric_ports(ctx)) {
        if (build_ports(ctx) < 0) return -1;
        return load_services(ctx, &ctx->plan->ports);
    }
    if (load_services(ctx, NULL) < 0) return -1;
    return build_ports(ctx);
}
