// SPDX-License-Identifier: MIT
// Informational options, verbosity and debugging, privileges, address
// family, data files, stylesheets and plain on/off switches.
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli/handlers.h"
#include "core/privdrop.h"

#define WEBXML_STYLESHEET "https://svn.nmap.org/nmap/docs/nmap.xsl"

static int box10(int v)
{
    return v < 0 ? 0 : v > 10 ? 10 : v;
}

int opt_help(struct cli_ctx *ctx, const struct getopt_item *item)
{
    (void)item;
    cli_print_usage(ctx->out);
    return cli_stop(ctx, 0);
}

int opt_version(struct cli_ctx *ctx, const struct getopt_item *item)
{
    (void)item;
    cli_print_version(ctx->out);
    return cli_stop(ctx, 0);
}

int opt_thc(struct cli_ctx *ctx, const struct getopt_item *item)
{
    (void)item;
    fputs("!!Greets to Van Hauser, Plasmoid, Skyper and the rest of THC!!\n", ctx->out);
    return cli_stop(ctx, 0);
}

/* "-v", "-vvv" (the letters after the first are the argument) or "-v3". */
int opt_verbose(struct cli_ctx *ctx, const struct getopt_item *item)
{
    struct plan *plan = ctx->plan;
    const char *arg = item->arg;
    if (arg && isdigit((unsigned char)arg[0])) {
        plan->verbosity = box10(cli_atoi(arg));
        if (plan->verbosity == 0) plan->silent_stdout = true;
        return 0;
    }
    const char *p = arg ? arg : "";
    plan->verbosity = box10(plan->verbosity + 1);
    for (; *p == 'v'; p++)
        plan->verbosity = box10(plan->verbosity + 1);
    if (*p != '\0') return cli_fatal(ctx, "Invalid argument to -v: \"%s\".", arg);
    return 0;
}

int opt_vv(struct cli_ctx *ctx, const struct getopt_item *item)
{
    (void)item;
    ctx->plan->verbosity = box10(ctx->plan->verbosity + 2);
    return 0;
}

/* -d raises verbosity with debugging and turns on --reason, as nmap does. */
int opt_debug(struct cli_ctx *ctx, const struct getopt_item *item)
{
    struct plan *plan = ctx->plan;
    const char *arg = item->arg;
    plan->reason = true;
    if (arg && isdigit((unsigned char)arg[0])) {
        plan->debugging = plan->verbosity = box10(cli_atoi(arg));
        return 0;
    }
    const char *p = arg ? arg : "";
    plan->debugging = box10(plan->debugging + 1);
    plan->verbosity = box10(plan->verbosity + 1);
    for (; *p == 'd'; p++) {
        plan->debugging = box10(plan->debugging + 1);
        plan->verbosity = box10(plan->verbosity + 1);
    }
    if (*p != '\0') return cli_fatal(ctx, "Invalid argument to -d: \"%s\".", arg);
    return 0;
}

int opt_privileged(struct cli_ctx *ctx, const struct getopt_item *item)
{
    ctx->privileged = item->opt->id == OPT_PRIVILEGED;
    return 0;
}

int opt_family(struct cli_ctx *ctx, const struct getopt_item *item)
{
    int af = item->opt->id == OPT_IPV6 ? AF_INET6 : AF_INET;
    if (ctx->af_requested != AF_UNSPEC && ctx->af_requested != af)
        return cli_fatal(ctx, "Cannot use both -4 and -6 in one scan.");
    ctx->af_requested = af;
    return 0;
}

/* Switches that only set one field. */
int opt_flag(struct cli_ctx *ctx, const struct getopt_item *item)
{
    struct plan *plan = ctx->plan;
    switch (item->opt->id) {
    case OPT_REASON:
        plan->reason = true;
        break;
    case OPT_OPEN:
        plan->open_only = true;
        break;
    case OPT_PACKET_TRACE:
        plan->packet_trace = true;
        break;
    case OPT_TRACEROUTE:
        plan->traceroute = true;
        break;
    case OPT_NONINTERACTIVE:
        plan->noninteractive = true;
        break;
    case OPT_APPEND_OUTPUT:
        plan->append_output = true;
        break;
    case OPT_RANDOMIZE_HOSTS:
        plan->randomize_hosts = true;
        break;
    case OPT_UNIQUE:
        plan->unique = true;
        break;
    case OPT_RESOLVE_ALL:
        plan->resolve_all = true;
        break;
    case OPT_SYSTEM_DNS:
        plan->system_dns = true;
        break;
    case OPT_DEFEAT_RST_RATELIMIT:
        ctx->defeat_rst = true;
        break;
    case OPT_IFLIST:
        plan->iflist = true;
        break;
    case OPT_DISABLE_ARP_PING:
        plan->disable_arp = true;
        break;
    case OPT_DISCOVERY_IGNORE_RST:
        plan->ignore_rst = true;
        break;
    case OPT_SEND_IP: /* the last of --send-ip and --send-eth wins, as nmap's */
        plan->send_ip = true;
        plan->send_eth = false;
        break;
    case OPT_SEND_ETH:
        plan->send_eth = true;
        plan->send_ip = false;
        break;
    default:
        break;
    }
    return 0;
}

/* Accepted for compatibility and without effect in cmap: -q (never had a
 * handler in nmap), --log-errors (errors are always logged), --nogcc and
 * --release-memory (engine tuning and leak-debugging switches). */
int opt_ignore(struct cli_ctx *ctx, const struct getopt_item *item)
{
    (void)ctx;
    (void)item;
    return 0;
}

int opt_ident(struct cli_ctx *ctx, const struct getopt_item *item)
{
    (void)item;
    cli_warn(ctx, "WARNING: identscan (-I) no longer supported.  Ignoring -I");
    return 0;
}

int opt_datafile(struct cli_ctx *ctx, const struct getopt_item *item)
{
    if (item->opt->id == OPT_DATADIR) return cli_set_string(ctx, &ctx->plan->datadir, item->arg);
    /* A custom services file implies -F, as in nmap. */
    ctx->fast = true;
    return cli_set_string(ctx, &ctx->plan->servicedb, item->arg);
}

int opt_stylesheet(struct cli_ctx *ctx, const struct getopt_item *item)
{
    struct plan *plan = ctx->plan;
    switch (item->opt->id) {
    case OPT_NO_STYLESHEET:
        free(plan->stylesheet);
        plan->stylesheet = NULL;
        plan->no_stylesheet = true;
        return 0;
    case OPT_WEBXML:
        plan->no_stylesheet = false;
        return cli_set_string(ctx, &plan->stylesheet, WEBXML_STYLESHEET);
    default:
        plan->no_stylesheet = false;
        return cli_set_string(ctx, &plan->stylesheet, item->arg);
    }
}

/* --drop-user: refuse an unknown user or an unprivileged run now, before
 * any output exists, rather than after the banner. The switch itself
 * happens after setup (privdrop_for_run). */
int opt_drop_user(struct cli_ctx *ctx, const struct getopt_item *item)
{
    char err[256];
    struct privdrop_user user;
    if (privdrop_lookup_user(item->arg, &user, err, sizeof err) != 0 ||
        privdrop_check_can_switch(err, sizeof err) != 0)
        return cli_fatal(ctx, "%s", err);
    return cli_set_string(ctx, &ctx->plan->drop_user, item->arg);
}

/* -e and -S: kept as given; the interface and address are looked up when
 * the scan starts (net/source.c), where nmap complains about them. nmap
 * keeps at most 63 characters of an interface name. */
int opt_source(struct cli_ctx *ctx, const struct getopt_item *item)
{
    struct plan *plan = ctx->plan;
    if (item->opt->id == OPT_INTERFACE) {
        free(plan->device);
        plan->device = strndup(item->arg, 63);
        return plan->device ? 0 : cli_fatal(ctx, "Out of memory");
    }
    if (plan->spoof_source)
        return cli_fatal(ctx, "You can only use the source option once!  Use -D <decoy1> -D "
                              "<decoy2> etc. for decoys\n");
    return cli_set_string(ctx, &plan->spoof_source, item->arg);
}
