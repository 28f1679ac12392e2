// SPDX-License-Identifier: MIT
// A port's walk through nmap's probe chain (service_scan.cc's read
// handler, startNextProbe and scanThroughTunnel): outcomes are applied in
// chain order only, so every decision is the one nmap would take on the
// same answers. What differs is waiting: the next probes of the chain run
// ahead on their own connections (at most the scan's window per port),
// and a NULL probe that has stayed silent past its tcpwrappedms ends
// early once the probes after it already settle the port with a hard
// match (see check_null_early for why that answer is nmap's).
//
// Executions never call back into this file directly: svc_exec.c marks
// the port, and service_scan.c's loop hook runs svc_port_process, so no
// execution is freed while one of its own callbacks is on the stack.
#include <stdlib.h>
#include <string.h>

#include "core/loop.h"
#include "report/model.h"
#include "service/svc_engine.h"

/* Speculation waits this long into the NULL probe: most services that
 * speak first have spoken by then, and probes sent to them would be
 * wasted (and logged by them). */
#define SPEC_DELAY_US 500000
/* Responses kept for the fingerprint (nmap stops adding after 10000
 * characters of text at most, well below this many responses of any
 * length), and the most of one that nmap shows (with -d). */
#define FP_MAX_RESPONSES 128
#define FP_KEEP_BYTES 1300

static bool is_null(const struct svc_port *p, const struct vscan_probe *probe)
{
    return probe == p->scan->db->null_probe;
}

static bool running(const struct svc_exec *e)
{
    return e && e->end == EXEC_RUNNING;
}

static void port_timer_cancel(struct svc_port *p)
{
    if (p->timer) {
        loop_timer_cancel(p->scan->loop, p->timer);
        p->timer = NULL;
    }
}

static void drop_specs(struct svc_port *p)
{
    for (int i = 0; i < SVC_WINDOW; i++) {
        svc_exec_free(p->spec[i]);
        p->spec[i] = NULL;
    }
}

static void fp_clear(struct svc_port *p)
{
    for (size_t i = 0; i < p->n_fp; i++)
        free(p->fp[i].data);
    p->n_fp = 0;
}

void svc_port_release(struct svc_port *p)
{
    fp_clear(p);
    free(p->fp);
    p->fp = NULL;
    p->fp_cap = 0;
}

void svc_port_exec_done(struct svc_exec *e)
{
    svc_port_kick(e->port);
}

/* rpc-grind's portrule: a port the probes called "rpcbind", or one they
 * did not identify (then only at intensity 7 or more). */
static bool wants_grind(const struct svc_port *p)
{
    if (p->no_grind || p->ssl || p->ssl_name) return false;
    switch (p->final) {
    case SVC_HARD:
        return strcmp(p->hard_res.match->service, "rpcbind") == 0;
    case SVC_SOFT:
        return strcmp(p->soft_res.match->service, "rpcbind") == 0;
    case SVC_NOMATCH:
    case SVC_INCOMPLETE:
        return p->scan->intensity >= 7;
    default:
        return false;
    }
}

static void finish_port(struct svc_port *p, enum svc_final final)
{
    if (p->final != SVC_PENDING) return;
    p->final = final;
    port_timer_cancel(p);
    drop_specs(p);
    svc_exec_free(p->cur);
    p->cur = NULL;
    if (wants_grind(p) && svc_grind_start(p)) return;
    svc_scan_port_finished(p->scan, p);
}

void svc_port_abort(struct svc_port *p, enum svc_final final)
{
    p->no_grind = true;
    if (p->grind) {
        svc_grind_free(p);
        svc_scan_port_finished(p->scan, p);
        return;
    }
    finish_port(p, final);
}

static void fp_add(struct svc_port *p, const struct svc_exec *e)
{
    if (e->len == 0 || p->n_fp >= FP_MAX_RESPONSES) return;
    if (p->n_fp == p->fp_cap) {
        size_t ncap = p->fp_cap ? p->fp_cap * 2 : 8;
        struct svc_fp_resp *n = realloc(p->fp, ncap * sizeof *n);
        if (!n) return;
        p->fp = n;
        p->fp_cap = ncap;
    }
    size_t keep = e->len < FP_KEEP_BYTES ? e->len : FP_KEEP_BYTES;
    uint8_t *copy = malloc(keep);
    if (!copy) return;
    memcpy(copy, e->buf, keep);
    /* The fingerprint gives the full length even when it shows less. */
    p->fp[p->n_fp++] = (struct svc_fp_resp){e->probe->name, copy, e->len};
}

static void trace_match(struct svc_port *p, const struct svc_exec *e, const struct vscan_result *r)
{
    if (!p->scan->trace) return;
    char addr[80];
    svc_port_addr(p, addr, sizeof addr);
    const char *ssl = p->ssl ? "SSL/" : "";
    if (r->product[0] || r->version[0] || r->info[0])
        svc_trace(p->scan,
                  "Service scan match (Probe %s matched with %s line %u): %s is %s%s.  "
                  "Version: |%s|%s|%s|",
                  e->probe->name, r->source->name, r->match->line, addr, ssl, r->match->service,
                  r->product, r->version, r->info);
    else
        svc_trace(p->scan, "Service scan %s match (Probe %s matched with %s line %u): %s is %s%s",
                  r->match->soft ? "soft" : "hard", e->probe->name, r->source->name, r->match->line,
                  addr, ssl, r->match->service);
}

static struct svc_exec *take_spec(struct svc_port *p, const struct vscan_probe *probe)
{
    for (int i = 0; i < SVC_WINDOW; i++) {
        struct svc_exec *e = p->spec[i];
        if (e && e->probe == probe) {
            p->spec[i] = NULL;
            return e;
        }
    }
    return NULL;
}

static const struct svc_exec *find_spec(const struct svc_port *p, const struct vscan_probe *probe)
{
    for (int i = 0; i < SVC_WINDOW; i++)
        if (p->spec[i] && p->spec[i]->probe == probe) return p->spec[i];
    return NULL;
}

/* Starts over inside TLS: nmap's scanThroughTunnel after a hard "ssl". */
static void restart_ssl(struct svc_port *p)
{
    drop_specs(p);
    svc_exec_free(p->cur);
    p->cur = NULL;
    fp_clear(p);
    p->soft = false;
    p->ssl = true;
    p->started = false;
    svc_port_begin(p);
}

/* Moves to the chain's next probe (startNextProbe). restart: the previous
 * connection cannot carry it. */
static void next_probe(struct svc_port *p, bool restart)
{
    struct svc_exec *prev = p->cur;
    p->cur = NULL;
    const struct vscan_probe *probe = probe_chain_next(&p->chain);
    if (!probe) {
        svc_exec_free(prev);
        finish_port(p, p->soft ? SVC_SOFT : p->tcpwrap_possible ? SVC_TCPWRAPPED : SVC_NOMATCH);
        return;
    }
    struct svc_exec *spec = take_spec(p, probe);
    if (!restart && is_null(p, prev->probe)) {
        /* nmap sends this probe on the NULL probe's connection, after what
         * the NULL probe read. A fresh connection answers the same only
         * when the NULL probe read nothing. */
        if (prev->len == 0 && spec) {
            svc_exec_free(prev);
            p->cur = spec;
        } else {
            svc_exec_free(spec);
            p->cur = svc_exec_continue(prev, probe);
        }
    } else {
        svc_exec_free(prev);
        p->cur = spec ? spec : svc_exec_start(p, probe, false);
    }
    if (!p->cur) finish_port(p, SVC_INCOMPLETE);
}

/* Applies the finished current execution; false when the port is over. */
static bool apply(struct svc_port *p)
{
    struct svc_exec *e = p->cur;
    if (e->have_soft && !p->soft) {
        p->soft = true;
        p->soft_res = e->soft;
        probe_chain_soft(&p->chain, e->soft.match->service);
        trace_match(p, e, &e->soft);
    }
    if (e->have_hard) {
        trace_match(p, e, &e->hard);
        p->hard_res = e->hard;
        const char *name = e->hard.match->service;
        if (strncmp(name, "ssl/", 4) == 0) {
            p->ssl_name = true;
        } else if (strcmp(name, "ssl") == 0 && !p->ssl && p->proto == PROTO_TCP &&
                   p->scan->tls_ok) {
            restart_ssl(p);
            return p->final == SVC_PENDING;
        }
        finish_port(p, SVC_HARD);
        return false;
    }
    struct probe_outcome o = {
        .end = e->end,
        .null_probe = is_null(p, e->probe),
        .len = e->len,
        .used_ms = (e->ended_us - e->exec_us) / 1000,
        .tcpwrappedms = e->probe->tcpwrappedms,
    };
    bool add_fp = false;
    enum probe_verdict v = probe_judge(&o, &p->tcpwrap_possible, &add_fp);
    if (add_fp) fp_add(p, e);
    switch (v) {
    case VERDICT_NEXT:
        next_probe(p, false);
        break;
    case VERDICT_NEXT_NEW_CONN:
        next_probe(p, true);
        break;
    case VERDICT_TCPWRAPPED:
        finish_port(p, SVC_TCPWRAPPED);
        return false;
    default:
        finish_port(p, SVC_INCOMPLETE);
        return false;
    }
    return p->final == SVC_PENDING;
}

static void commit(struct svc_port *p)
{
    while (p->final == SVC_PENDING && p->cur && !running(p->cur))
        if (!apply(p)) return;
}

/* A NULL probe that has read nothing for tcpwrappedms can no longer make
 * the port tcpwrapped; what remains possible is a banner arriving before
 * totalwaitms. When the probes that follow it (run ahead on their own
 * connections) already end the chain with a hard match, the service
 * answered them without first sending anything on their connections, so
 * it is not one that speaks first: the NULL probe is ended as timed out
 * and the chain goes on exactly as nmap's would. */
static bool null_settled(const struct svc_port *p)
{
    struct probe_chain c = p->chain;
    for (int i = 0; i < SVC_WINDOW; i++) {
        const struct vscan_probe *probe = probe_chain_next(&c);
        if (!probe) return false;
        const struct svc_exec *e = find_spec(p, probe);
        if (!e || running(e) || e->end == EXEC_INCOMPLETE) return false;
        if (e->have_hard) return true;
        if (e->have_soft) probe_chain_soft(&c, e->soft.match->service);
    }
    return false;
}

static void check_null_early(struct svc_port *p)
{
    struct svc_exec *e = p->cur;
    if (p->final != SVC_PENDING || !running(e) || !is_null(p, e->probe) || e->len > 0 ||
        e->exec_us == 0)
        return;
    int64_t now = loop_now(p->scan->loop);
    if (now - e->exec_us < (int64_t)e->probe->tcpwrappedms * 1000) return;
    if (!null_settled(p)) return;
    svc_exec_expire(e);
    commit(p);
}

static size_t running_count(const struct svc_port *p)
{
    size_t n = running(p->cur) ? 1 : 0;
    for (int i = 0; i < SVC_WINDOW; i++)
        n += running(p->spec[i]);
    return n;
}

/* Keeps up to the window's worth of the chain's next probes running. */
static void refill(struct svc_port *p)
{
    struct svc_scan *s = p->scan;
    if (p->final != SVC_PENDING || s->window <= 1 || !p->cur) return;
    const struct vscan_probe *up[SVC_WINDOW];
    size_t n = probe_chain_peek(&p->chain, up, SVC_WINDOW);
    size_t first = 0;
    int64_t now = loop_now(s->loop);
    if (is_null(p, p->cur->probe)) {
        if (running(p->cur) && now - p->cur->started_us < SPEC_DELAY_US) return;
        /* After a banner the next probe rides the NULL probe's connection. */
        if (p->cur->len > 0) first = 1;
    }
    for (int i = 0; i < SVC_WINDOW; i++) {
        struct svc_exec *e = p->spec[i];
        if (!e) continue;
        bool wanted = false;
        for (size_t k = first; k < n; k++)
            wanted |= up[k] == e->probe;
        if (!wanted) {
            svc_exec_free(e);
            p->spec[i] = NULL;
        }
    }
    size_t active = running_count(p);
    for (size_t k = first; k < n && active < (size_t)s->window; k++) {
        if (find_spec(p, up[k])) continue;
        if (s->fds >= s->fd_budget) break;
        int slot = -1;
        for (int i = 0; i < SVC_WINDOW && slot < 0; i++)
            if (!p->spec[i]) slot = i;
        if (slot < 0) break;
        p->spec[slot] = svc_exec_start(p, up[k], true);
        if (!p->spec[slot]) break;
        active++;
    }
}

static void on_port_timer(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    struct svc_port *p = arg;
    p->timer = NULL;
    svc_port_kick(p);
}

/* While the NULL probe runs, wake up when speculation may start and when
 * its silence passes tcpwrappedms. */
static void arm_timer(struct svc_port *p)
{
    port_timer_cancel(p);
    struct svc_exec *e = p->cur;
    if (p->final != SVC_PENDING || !running(e) || !is_null(p, e->probe)) return;
    int64_t now = loop_now(p->scan->loop);
    int64_t at = e->started_us + SPEC_DELAY_US;
    if (at <= now && e->exec_us) at = e->exec_us + (int64_t)e->probe->tcpwrappedms * 1000;
    if (at <= now) return;
    p->timer = loop_timer_add(p->scan->loop, at - now, 0, on_port_timer, p);
}

void svc_port_begin(struct svc_port *p)
{
    struct svc_scan *s = p->scan;
    p->started = true;
    probe_chain_init(&p->chain, s->db, p->proto, p->pr->port, p->ssl, s->intensity);
    const struct vscan_probe *probe = probe_chain_next(&p->chain);
    if (!probe) {
        finish_port(p, SVC_NOMATCH);
        return;
    }
    p->cur = svc_exec_start(p, probe, false);
    if (!p->cur) finish_port(p, SVC_INCOMPLETE);
}

void svc_port_process(struct svc_port *p)
{
    if (p->final != SVC_PENDING) return;
    if (!p->started) svc_port_begin(p);
    commit(p);
    check_null_early(p);
    refill(p);
    arm_timer(p);
}
