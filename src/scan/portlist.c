// SPDX-License-Identifier: MIT
// Which ports a scan covers, following nmap 7.93's order of operations
// (nmap.cc apply_delayed_options, gettoppts, getpts, removepts):
//  - with -sO the list comes from -p, else "0-" ("[P:0-]" with -F);
//  - with -p and no --top-ports/--port-ratio the list is -p itself;
//  - otherwise the top N (default 1000, -F 100) or every port whose frequency
//    is >= the ratio, chosen among the -p ports (or all ports) minus
//    --exclude-ports, per protocol;
//  - then --exclude-ports is removed from everything.
#include "scan/portlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data/services.h"
#include "scan/portlist_order.h"
#include "scan/portspec.h"
#include "scan/topports.h"

#define DEFAULT_TOP 1000
#define FAST_TOP 100
#define MAX_TOP_LEVEL 65536

struct build {
    const struct portlist_request *req;
    const struct services_db *db;
    struct portspec_opts opts;
    bool dup;
    char *err;
    size_t errlen;
};

static int fail(struct build *b, const char *msg)
{
    if (b->err && b->errlen) snprintf(b->err, b->errlen, "%s", msg);
    return -1;
}

/* A zeroed port table (64 KiB). calloc hands a fresh process fresh pages
 * without writing them, and an explicit -p touches few of them: clearing or
 * prefaulting all sixteen cost a two-port scan 30 us (its whole start-up is
 * about a millisecond). Every table is used for one selection only. */
static uint8_t *new_table(void)
{
    return calloc(PORTSPEC_TABLE_SIZE, 1);
}

static unsigned wanted_bits(const struct portlist_request *req)
{
    unsigned bits = 0;
    for (unsigned p = 0; p < PROTO_COUNT; p++)
        if (req->want[p]) bits |= PORTSPEC_BIT(p);
    return bits;
}

static bool table_empty(const uint8_t *table)
{
    for (size_t i = 0; i < PORTSPEC_TABLE_SIZE; i++) {
        unsigned bits = table[i] & PORTSPEC_ALL_PORT_PROTOS;
        if (i < 256) bits |= table[i] & PORTSPEC_BIT(PROTO_IP);
        if (bits) return false;
    }
    return true;
}

/* nmap's getpts(): parse into a fresh table; nothing selected is fatal. */
static int getpts(struct build *b, const char *spec, uint8_t *table)
{
    if (portspec_parse(spec, &b->opts, table, &b->dup, b->err, b->errlen) < 0) return -1;
    if (b->opts.protos && table_empty(table))
        return fail(b, "No ports specified -- If you really don't want to scan any ports use "
                       "ping scan...");
    return 0;
}

/* nmap's removepts(). */
static int removepts(struct build *b, uint8_t *table)
{
    if (!b->req->exclude_spec) return 0;
    uint8_t *ex = new_table();
    if (!ex) return fail(b, "Out of memory");
    int rc = getpts(b, b->req->exclude_spec, ex);
    for (size_t i = 0; rc == 0 && i < PORTSPEC_TABLE_SIZE; i++)
        table[i] &= (uint8_t)~ex[i];
    free(ex);
    return rc;
}

/* A services file without frequencies: no top lists, only named ports. */
static int select_without_frequencies(struct build *b, double level, uint8_t *table)
{
    const struct portlist_request *req = b->req;
    if (level >= 0)
        return fail(b, b->db ? "Unable to use --top-ports or --port-ratio with an old style "
                               "(no-ratio) services file"
                             : "Unable to use --top-ports or --port-ratio: nmap-services is "
                               "not loaded");
    if (req->spec) return getpts(b, req->spec, table);
    if (!b->db) return fail(b, "Unable to choose the default ports: nmap-services is not loaded");
    return getpts(b, req->fast ? "[-]" : "1-1024,[1025-]", table);
}

/* The candidates the top list is drawn from: -p, or everything when only
 * exclusions narrow it; NULL means every port in nmap-services. */
static int top_candidates(struct build *b, uint8_t *cand, const uint8_t **out)
{
    const char *spec = b->req->spec ? b->req->spec : (b->req->exclude_spec ? "-" : NULL);
    *out = NULL;
    if (!spec) return 0;
    if (getpts(b, spec, cand) < 0 || removepts(b, cand) < 0) return -1;
    *out = cand;
    return 0;
}

static int select_top(struct build *b, double level, uint8_t *table)
{
    uint8_t *cand = new_table();
    if (!cand) return fail(b, "Out of memory");
    const uint8_t *restrict_to = NULL;
    int rc = top_candidates(b, cand, &restrict_to);
    if (rc == 0) {
        rc = topports_select(b->db, level, wanted_bits(b->req), restrict_to, table);
        if (rc < 0) fail(b, "Out of memory");
    }
    free(cand);
    return rc;
}

static int select_ports(struct build *b, uint8_t *table)
{
    const struct portlist_request *req = b->req;
    double level = -1;
    if (req->top_ports > 0)
        level = req->top_ports;
    else if (req->port_ratio >= 0)
        level = req->port_ratio;
    if (level > MAX_TOP_LEVEL) {
        if (b->err && b->errlen)
            snprintf(b->err, b->errlen, "Level argument to gettoppts (%g) is too large", level);
        return -1;
    }
    if (!services_has_frequencies(b->db)) return select_without_frequencies(b, level, table);
    if (level < 0 && req->spec) return getpts(b, req->spec, table);
    if (level < 0) level = req->fast ? FAST_TOP : DEFAULT_TOP;
    return select_top(b, level, table);
}

/* The protocol's ports in table order, appended to list when it is not
 * NULL; returns how many. The table is read 8 bytes at a time, since an
 * explicit -p leaves nearly all of its 64 KiB zero and a two-port scan
 * should not pay for the other 65,534. */
static size_t collect(const uint8_t *table, size_t limit, uint8_t bit, uint16_t *list)
{
    const uint64_t mask = 0x0101010101010101ull * bit;
    size_t n = 0;
    for (size_t i = 0; i < limit; i += 8) {
        uint64_t w;
        memcpy(&w, table + i, sizeof w);
        if (!(w & mask)) continue;
        for (size_t k = i; k < i + 8; k++) {
            if (!(table[k] & bit)) continue;
            if (list) list[n] = (uint16_t)k;
            n++;
        }
    }
    return n;
}

static int fill_lists(const struct portlist_request *req, const uint8_t *table,
                      struct port_list *out)
{
    for (unsigned p = 0; p < PROTO_COUNT; p++) {
        if (!req->want[p]) continue;
        size_t limit = (p == PROTO_IP) ? 256 : PORTSPEC_TABLE_SIZE;
        uint8_t bit = (uint8_t)PORTSPEC_BIT(p);
        size_t n = collect(table, limit, bit, NULL);
        if (n == 0) continue;
        out->ports[p] = malloc(n * sizeof *out->ports[p]);
        if (!out->ports[p]) return -1;
        out->count[p] = collect(table, limit, bit, out->ports[p]);
    }
    return 0;
}

static int build_table(struct build *b, uint8_t *table)
{
    const struct portlist_request *req = b->req;
    if (req->spec && req->fast)
        return fail(b, "You cannot use -F (fast scan) with -p (explicit port selection) but see "
                       "--top-ports and --port-ratio to fast scan a range of ports");
    int rc;
    if (req->want[PROTO_IP])
        rc = getpts(b, req->spec ? req->spec : (req->fast ? "[P:0-]" : "0-"), table);
    else
        rc = select_ports(b, table);
    return rc < 0 ? -1 : removepts(b, table);
}

int portlist_build(const struct portlist_request *req, const struct services_db *db,
                   struct port_list *out, char *err, size_t errlen)
{
    struct build b = {.req = req, .db = db, .err = err, .errlen = errlen};
    if (!out) return -1;
    memset(out, 0, sizeof *out);
    if (!req) return fail(&b, "No port request");
    b.opts = (struct portspec_opts){.protos = wanted_bits(req),
                                    .qualifiers = true,
                                    .db = db,
                                    .ip_proto_names = req->ip_proto_names};
    uint8_t *table = new_table();
    if (!table) return fail(&b, "Out of memory");
    int rc = build_table(&b, table);
    if (rc == 0 && fill_lists(req, table, out) < 0) rc = fail(&b, "Out of memory");
    free(table);
    if (rc < 0) {
        portlist_free(out);
        return -1;
    }
    out->duplicate_ports = b.dup;
    if (!req->sequential) portlist_shuffle(out, req->shuffle_seed);
    return 0;
}

void portlist_free(struct port_list *pl)
{
    if (!pl) return;
    for (unsigned p = 0; p < PROTO_COUNT; p++)
        free(pl->ports[p]);
    memset(pl, 0, sizeof *pl);
}

size_t portlist_total(const struct port_list *pl)
{
    size_t n = 0;
    for (unsigned p = 0; pl && p < PROTO_COUNT; p++)
        n += pl->count[p];
    return n;
}

const char *proto_name(enum proto_index p)
{
    static const char *const names[PROTO_COUNT] = {"tcp", "udp", "sctp", "ip"};
    return ((unsigned)p < PROTO_COUNT) ? names[p] : "unknown";
}
