// SPDX-License-Identifier: MIT
// The order version detection probes a port in (see probe_chain.h).
#include "service/probe_chain.h"

void probe_chain_init(struct probe_chain *c, const struct vscan_db *db, enum proto_index proto,
                      uint16_t port, bool ssl, int intensity)
{
    *c = (struct probe_chain){
        .db = db,
        .proto = proto,
        .port = port,
        .ssl = ssl,
        .intensity = intensity,
        .stage = CHAIN_INITIAL,
    };
}

void probe_chain_soft(struct probe_chain *c, const char *service)
{
    if (!c->soft_service) c->soft_service = service;
}

static bool soft_allows(const struct probe_chain *c, const struct vscan_probe *p)
{
    return !c->soft_service || vscan_service_possible(p, c->soft_service);
}

static bool wanted(const struct probe_chain *c, const struct vscan_probe *p, bool matching)
{
    if (p == c->db->null_probe || p->proto != c->proto) return false;
    bool probable = vscan_port_probable(p, c->ssl, c->port);
    if (matching) return probable && soft_allows(c, p);
    return !probable && p->rarity <= (unsigned)c->intensity && soft_allows(c, p);
}

/* The first wanted probe at or after c->pos in the current stage. */
static const struct vscan_probe *scan_from(struct probe_chain *c, bool matching)
{
    for (; c->pos < c->db->probe_count; c->pos++) {
        const struct vscan_probe *p = &c->db->probes[c->pos];
        if (wanted(c, p, matching)) return p;
    }
    return NULL;
}

const struct vscan_probe *probe_chain_next(struct probe_chain *c)
{
    bool dropdown = false;
    const struct vscan_probe *p;
    if (c->stage == CHAIN_INITIAL) {
        c->stage = CHAIN_NULL;
        if (c->proto == PROTO_TCP && c->db->null_probe) return c->db->null_probe;
    }
    if (c->stage == CHAIN_NULL) {
        c->stage = CHAIN_MATCHING;
        c->pos = 0;
        dropdown = true;
    }
    if (c->stage == CHAIN_MATCHING) {
        if (!dropdown) c->pos++;
        if ((p = scan_from(c, true))) return p;
        c->stage = CHAIN_NONMATCHING;
        c->pos = 0;
        dropdown = true;
    }
    if (c->stage == CHAIN_NONMATCHING) {
        if (!dropdown) c->pos++;
        if ((p = scan_from(c, false))) return p;
        c->stage = CHAIN_DONE;
    }
    return NULL;
}

size_t probe_chain_peek(const struct probe_chain *c, const struct vscan_probe **out, size_t n)
{
    struct probe_chain copy = *c;
    size_t k = 0;
    while (k < n && copy.stage != CHAIN_DONE) {
        const struct vscan_probe *p = probe_chain_next(&copy);
        if (!p) break;
        out[k++] = p;
    }
    return k;
}

enum probe_verdict probe_judge(const struct probe_outcome *o, bool *tcpwrap_possible, bool *add_fp)
{
    if (o->len > 0 || o->end == EXEC_TIMEOUT) *tcpwrap_possible = false;
    *add_fp = (o->end == EXEC_TIMEOUT || o->end == EXEC_EOF) && o->len > 0;
    bool wrapped = o->null_probe && *tcpwrap_possible && o->used_ms < (int64_t)o->tcpwrappedms;
    switch (o->end) {
    case EXEC_TIMEOUT:
        return VERDICT_NEXT;
    case EXEC_EOF:
    case EXEC_RESET:
        return wrapped ? VERDICT_TCPWRAPPED : VERDICT_NEXT_NEW_CONN;
    case EXEC_ERROR_NEXT:
        return VERDICT_NEXT_NEW_CONN;
    default:
        return VERDICT_INCOMPLETE;
    }
}
