// SPDX-License-Identifier: MIT
// Scan techniques (-s letters, -sI, -b), discovery probes (-P letters) and
// the I/O engine. Each letter is a table entry with its own `supported` flag,
// like the option table, so enabling a technique is one edit.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/handlers.h"
#include "cli/plan.h"
#include "scan/technique.h"
#include "scan/portspec.h"

struct scan_letter {
    char letter;
    unsigned bits;
    bool supported;
    const char *given; /* spelling in a deprecation warning */
    const char *deprecated_by;
};

static const struct scan_letter scan_letters[] = {
    {.letter = 'L', .bits = SCAN_LIST | SCAN_NO_PORTS, .supported = true},
    {.letter = 'T', .bits = SCAN_CONNECT, .supported = true},
    {.letter = 'S', .bits = SCAN_SYN, .supported = true},
    {.letter = 'A', .bits = SCAN_ACK, .supported = true},
    {.letter = 'W', .bits = SCAN_WINDOW, .supported = true},
    {.letter = 'M', .bits = SCAN_MAIMON, .supported = true},
    {.letter = 'N', .bits = SCAN_NULL, .supported = true},
    {.letter = 'F', .bits = SCAN_FIN, .supported = true},
    {.letter = 'X', .bits = SCAN_XMAS, .supported = true},
    {.letter = 'U', .bits = SCAN_UDP, .supported = true},
    {.letter = 'O', .bits = SCAN_IPPROTO, .supported = true},
    {.letter = 'Y', .bits = SCAN_SCTP_INIT, .supported = true},
    {.letter = 'Z', .bits = SCAN_SCTP_COOKIE, .supported = true},
    {.letter = 'n', .bits = SCAN_NO_PORTS, .supported = true},
    {.letter = 'P', .bits = SCAN_NO_PORTS, .supported = true, .given = "sP", .deprecated_by = "sn"},
    {.letter = 'V', .bits = SCAN_VERSION, .supported = true},
    {.letter = 'R', .bits = SCAN_VERSION, .supported = true, .given = "sR", .deprecated_by = "sV"},
    {.letter = 'C', .bits = SCAN_SCRIPT, .supported = true},
};

struct ping_letter {
    char letter;
    bool supported;
    const char *given;
    const char *deprecated_by;
};

static const struct ping_letter ping_letters[] = {
    {.letter = 'n', .supported = true},
    {.letter = '0', .supported = true, .given = "P0", .deprecated_by = "Pn"},
    {.letter = 'N', .supported = true, .given = "PN", .deprecated_by = "Pn"},
    {.letter = 'D', .supported = true, .given = "PD", .deprecated_by = "Pn"},
    {.letter = 'E', .supported = true},
    {.letter = 'I', .supported = true, .given = "PI", .deprecated_by = "PE"},
    {.letter = 'P', .supported = true},
    {.letter = 'M', .supported = true},
    {.letter = 'S', .supported = true},
    {.letter = 'A', .supported = true},
    {.letter = 'T', .supported = true, .given = "PT", .deprecated_by = "PA"},
    {.letter = 'U', .supported = true},
    {.letter = 'Y', .supported = true},
    {.letter = 'B', .supported = true},
    {.letter = 'O', .supported = true},
    {.letter = 'R', .supported = true},
};

/* nmap's lists for a bare -PS, -PA, -PU, -PY and -PO
 * (DEFAULT_*_PROBE_PORT_SPEC in nmap.h). */
#define DEFAULT_TCP_PROBE "80"
#define DEFAULT_UDP_PROBE "40125"
#define DEFAULT_SCTP_PROBE "80"
#define DEFAULT_PROTO_PROBE "1,2,4"


struct io_engine {
    const char *name;
    bool supported;
};

static const struct io_engine io_engines[] = {
    {.name = "epoll", .supported = true},
    {.name = "poll"},
    {.name = "select"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct scan_letter *find_scan_letter(char c)
{
    for (size_t i = 0; i < COUNT(scan_letters); i++)
        if (scan_letters[i].letter == c) return &scan_letters[i];
    return NULL;
}

/* nmap prints its usage before these two errors and exits 255. */
static int scan_usage_error(struct cli_ctx *ctx, const char *msg)
{
    cli_print_usage(ctx->out);
    fflush(ctx->out);
    fprintf(ctx->err, "%s\n", msg);
    return cli_stop(ctx, 255);
}

/* -sSV is -sS -sV: every letter is a technique. */
int opt_scan_types(struct cli_ctx *ctx, const struct getopt_item *item)
{
    const char *arg = item->arg;
    if (!arg || !*arg)
        return scan_usage_error(ctx, "An option is required for -s, most common are -sT (tcp "
                                     "scan), -sS (SYN scan), -sF (FIN scan), -sU (UDP scan) and "
                                     "-sn (Ping scan)");
    for (const char *p = arg; *p; p++) {
        if (*p == 'B') return cli_fatal(ctx, "No scan type 'B', did you mean bounce scan (-b)?");
        const struct scan_letter *s = find_scan_letter(*p);
        if (!s) {
            /* nmap's message carries its own newline before error() adds one. */
            char msg[40];
            snprintf(msg, sizeof msg, "Scantype %c not supported\n", *p);
            return scan_usage_error(ctx, msg);
        }
        if (s->deprecated_by) cli_note_deprecated(ctx, s->given, s->deprecated_by);
        if (*p == 'R')
            cli_warn(ctx, "WARNING: -sR is now an alias for -sV and activates version detection "
                          "as well as RPC scan.");
        ctx->scans |= s->bits;
        if (!s->supported) {
            char spelling[4] = {'-', 's', *p, '\0'};
            cli_refuse(ctx, spelling);
        }
    }
    return 0;
}

static const struct ping_letter *find_ping_letter(char c)
{
    for (size_t i = 0; i < COUNT(ping_letters); i++)
        if (ping_letters[i].letter == c) return &ping_letters[i];
    return NULL;
}

static void ping_notice(struct cli_ctx *ctx, char c)
{
    if (ctx->plan->verbosity <= 0) return;
    if (c == 'R')
        cli_warn(ctx, "The -PR option is deprecated. ARP scan is always done when possible.");
    else if (c == 'n' || c == '0' || c == 'N' || c == 'D')
        cli_warn(ctx, "Host discovery disabled (-Pn). All addresses will be marked 'up' and scan "
                      "times may be slower.");
}

/* A -PS/-PA/-PU/-PY port list or a -PO protocol list, as nmap's
 * getpts_simple: the -p grammar without qualifiers; a list that names
 * nothing is a "Bogus argument". */
static int ping_list(struct cli_ctx *ctx, char letter, const char *spec, bool protos,
                     uint16_t **out, size_t *count)
{
    if (*out)
        return cli_fatal(ctx, "Only one -P%c option is allowed. Combine port ranges with commas.",
                         letter);
    uint8_t *table = calloc(PORTSPEC_TABLE_SIZE, 1);
    if (!table) return cli_fatal(ctx, "Out of memory parsing -P%c", letter);
    struct portspec_opts opts = {.protos = PORTSPEC_BIT(protos ? PROTO_IP : PROTO_TCP),
                                 .db = ctx->plan->services};
    char err[256];
    bool dup = false;
    if (portspec_parse(spec, &opts, table, &dup, err, sizeof err) < 0) {
        free(table);
        return cli_fatal(ctx, "%s", err);
    }
    size_t n = 0;
    for (size_t i = 0; i < PORTSPEC_TABLE_SIZE; i++)
        n += table[i] != 0;
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out) {
        free(table);
        return cli_fatal(ctx, "Out of memory parsing -P%c", letter);
    }
    for (size_t i = 0; i < PORTSPEC_TABLE_SIZE; i++)
        if (table[i]) (*out)[(*count)++] = (uint16_t)i;
    free(table);
    if (n == 0) return cli_fatal(ctx, "Bogus argument to -P%c: %s", letter, spec);
    return 0;
}

static int ping_protos(struct cli_ctx *ctx, const char *spec)
{
    struct ping_probes *pp = &ctx->plan->ping;
    if (pp->protos)
        return cli_fatal(ctx, "Only one -PO option is allowed. Combine port ranges with commas.");
    uint16_t *list = NULL;
    size_t n = 0;
    int rc = ping_list(ctx, 'O', spec, true, &list, &n);
    if (rc == 0) {
        pp->protos = malloc(n);
        if (!pp->protos) rc = cli_fatal(ctx, "Out of memory parsing -PO");
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        pp->protos[i] = (uint8_t)list[i];
    if (rc == 0) pp->n_protos = n;
    free(list);
    return rc;
}

/* One probe letter into the plan's probe set. */
static int add_ping(struct cli_ctx *ctx, char c, const char *rest)
{
    struct ping_probes *pp = &ctx->plan->ping;
    const char *list = *rest ? rest : NULL;
    pp->given = true;
    switch (c) {
    case 'E':
    case 'I':
        pp->echo = true;
        return 0;
    case 'P':
        pp->timestamp = true;
        return 0;
    case 'M':
        pp->mask = true;
        return 0;
    case 'S':
        return ping_list(ctx, 'S', list ? list : DEFAULT_TCP_PROBE, false, &pp->syn, &pp->n_syn);
    case 'B': /* -PE plus -PA */
        pp->echo = true;
        return ping_list(ctx, 'B', list ? list : DEFAULT_TCP_PROBE, false, &pp->ack, &pp->n_ack);
    case 'A':
    case 'T':
        return ping_list(ctx, 'A', list ? list : DEFAULT_TCP_PROBE, false, &pp->ack, &pp->n_ack);
    case 'U':
        return ping_list(ctx, 'U', list ? list : DEFAULT_UDP_PROBE, false, &pp->udp, &pp->n_udp);
    case 'Y':
        return ping_list(ctx, 'Y', list ? list : DEFAULT_SCTP_PROBE, false, &pp->sctp,
                         &pp->n_sctp);
    case 'O':
        return ping_protos(ctx, list ? list : DEFAULT_PROTO_PROBE);
    default:
        return 0;
    }
}

/* As nmap 7.93, only the first letter names the probe; what follows is its
 * port or protocol list ("-Pnx" is -Pn). -PR changes nothing: ARP is used
 * whenever it can be. */
int opt_ping_types(struct cli_ctx *ctx, const struct getopt_item *item)
{
    const char *arg = item->arg;
    if (!arg || !*arg) {
        cli_note_deprecated(ctx, "P", "PE");
        return add_ping(ctx, 'E', "");
    }
    const struct ping_letter *p = find_ping_letter(arg[0]);
    if (!p)
        return cli_fatal(ctx, "Illegal Argument to -P, use -Pn, -PE, -PS, -PA, -PP, -PM, -PU, "
                              "-PY, or -PO");
    if (p->deprecated_by) cli_note_deprecated(ctx, p->given, p->deprecated_by);
    ping_notice(ctx, arg[0]);
    if (!p->supported) {
        char spelling[4] = {'-', 'P', arg[0], '\0'};
        cli_refuse(ctx, spelling);
        return 0;
    }
    char c = arg[0];
    if (c == 'n' || c == '0' || c == 'N' || c == 'D') {
        ctx->plan->skip_discovery = true;
        return 0;
    }
    if (c == 'R') return 0;
    return add_ping(ctx, c, arg + 1);
}

/* --scanflags: checked at once, as nmap does; the base technique (-sS
 * unless another is given) still decides what replies mean. */
int opt_scanflags(struct cli_ctx *ctx, const struct getopt_item *item)
{
    int flags = tech_parse_scanflags(item->arg);
    if (flags < 0)
        return cli_fatal(ctx, "--scanflags option must be a number between 0 and 255 (inclusive) "
                              "or a string like \"URGPSHFIN\".");
    ctx->plan->scanflags = (uint8_t)flags;
    ctx->plan->scanflags_set = true;
    return 0;
}

/* -sI and -b are refused, but still count in nmap's one-TCP-scan rule. */
int opt_scan_bit(struct cli_ctx *ctx, const struct getopt_item *item)
{
    ctx->scans |= item->opt->id == OPT_IDLE_SCAN ? SCAN_IDLE : SCAN_BOUNCE;
    return 0;
}

int opt_nsock_engine(struct cli_ctx *ctx, const struct getopt_item *item)
{
    for (size_t i = 0; i < COUNT(io_engines); i++) {
        if (strcmp(io_engines[i].name, item->arg) != 0) continue;
        if (!io_engines[i].supported) {
            char spelling[96];
            snprintf(spelling, sizeof spelling, "%s %s", item->spelling, item->arg);
            cli_refuse(ctx, spelling);
        }
        return 0;
    }
    return cli_fatal(ctx, "Unknown or non-available engine: %s", item->arg);
}
