// SPDX-License-Identifier: MIT
// From the plan to the technique table: which entry -s letters choose,
// with --scanflags and nmap-payloads applied, and the names writers print.
#include "scan/techniques.h"

#include <stdio.h>

#include "cli/plan.h"
#include "core/log.h"
#include "data/datafile.h"
#include "data/payloads.h"

static const struct scan_technique *tcp_entry(enum tcp_scan_type t)
{
    switch (t) {
    case TCP_SCAN_SYN:
        return &tech_syn;
    case TCP_SCAN_ACK:
        return &tech_ack;
    case TCP_SCAN_WINDOW:
        return &tech_window;
    case TCP_SCAN_MAIMON:
        return &tech_maimon;
    case TCP_SCAN_NULL:
        return &tech_null;
    case TCP_SCAN_FIN:
        return &tech_fin;
    case TCP_SCAN_XMAS:
        return &tech_xmas;
    default:
        return NULL;
    }
}

const char *tcp_scan_xml_type(enum tcp_scan_type t)
{
    const struct scan_technique *e = tcp_entry(t);
    return e ? e->xml_type : "connect";
}

/* The first of the SCTP types in t (INIT runs before COOKIE-ECHO). */
static const struct scan_technique *sctp_entry(unsigned t)
{
    return (t & SCTP_SCAN_INIT)     ? &tech_sctp_init
           : (t & SCTP_SCAN_COOKIE) ? &tech_sctp_cookie
                                    : NULL;
}

const char *sctp_scan_xml_type(unsigned t)
{
    const struct scan_technique *e = sctp_entry(t);
    return e ? e->xml_type : NULL;
}

bool plan_uses_raw(const struct plan *plan)
{
    return !plan->list_scan && (tcp_entry(plan->tcp_scan) != NULL || plan->udp_scan ||
                                sctp_entry(plan->sctp_scan) != NULL || plan->ip_proto_scan);
}

/* nmap-payloads, read on the first UDP scan and kept for the run. */
static const struct payload_db *udp_payloads(const struct plan *plan)
{
    static struct payload_db *db;
    static bool tried;
    if (tried) return db;
    tried = true;
    struct datafile_ctx ctx = {
        .datadir = plan->datadir, .exe_path = plan->exe_path, .debugging = plan->debugging};
    char path[4096], err[4352];
    if (datafile_find(&ctx, "nmap-payloads", path, sizeof path) < 0) {
        error("Cannot find nmap-payloads. UDP payloads are disabled.");
        return NULL;
    }
    db = payloads_load(path, err, sizeof err);
    if (!db) fatal("Cannot read UDP payloads: %s", err);
    return db;
}

bool technique_for_plan(const struct plan *plan, enum proto_index proto, struct scan_technique *out)
{
    const struct scan_technique *e = proto == PROTO_TCP    ? tcp_entry(plan->tcp_scan)
                                     : proto == PROTO_UDP  ? &tech_udp
                                     : proto == PROTO_SCTP ? sctp_entry(plan->sctp_scan)
                                     : proto == PROTO_IP   ? &tech_ipproto
                                                           : NULL;
    if (!e) return false;
    *out = *e;
    if (proto == PROTO_TCP && plan->scanflags_set) {
        out->tcp_flags = plan->scanflags;
        out->custom_flags = true;
    }
    if (proto == PROTO_UDP) out->payloads = udp_payloads(plan);
    return true;
}
