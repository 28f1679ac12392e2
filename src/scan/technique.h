// SPDX-License-Identifier: MIT
// A raw port-scan technique is one table entry, as zmap's probe modules:
// how to build its probe, how to find in a reply the echo that proves it
// answers our probe, and how a reply or silence maps to nmap 7.93's port
// state and reason. The engine (syn_engine.c, syn_sched.c) owns time and
// never looks at TCP flags; a technique never looks at a clock.
#ifndef CMAP_SCAN_TECHNIQUE_H
#define CMAP_SCAN_TECHNIQUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "raw/reply.h"
#include "scan/portlist.h"

struct payload_db;

/* Largest probe any technique builds: an IPv6 header, a UDP header and the
 * largest payload nmap-payloads may hold (data/payloads.h). */
#define RAW_PROBE_MAX 1500

/* One probe's identity and addressing, chosen by the engine. */
struct probe_spec {
    int family;
    const uint8_t *self, *target; /* 4 or 16 bytes */
    uint16_t sport, dport;
    uint32_t seq; /* keyed sequence number, try number in its low bits */
    uint16_t ip_id;
    uint8_t ttl;
    unsigned variant; /* which of the technique's packets for this port */
};

/* What a reply echoes of our probe. */
enum echo_kind {
    ECHO_NONE = 0, /* nothing: cannot be ours */
    ECHO_PORT,     /* only our source port (UDP, a bare SYN) */
    ECHO_SEQ,      /* our source port and the sequence number in *seq */
    ECHO_PROTO,    /* -sO: only the protocol, as nmap matches; answers the latest try */
};

struct scan_technique {
    const char *task_name; /* "SYN Stealth Scan", as nmap names its task */
    const char *xml_type;  /* <scaninfo type="syn"> */
    enum proto_index proto;
    uint8_t tcp_flags;                 /* TCP: the probe's flags (--scanflags replaces them) */
    bool custom_flags;                 /* --scanflags was given */
    uint8_t silent_state;              /* enum port_state of a port that never answers */
    const struct payload_db *payloads; /* UDP: nmap-payloads, or NULL */

    /* Capture filter for the technique's replies, before the engine's "and
     * (dst host ...)"; NULL: its protocol to our source ports, and ICMP. */
    const char *capture;
    /* How a captured IP packet reads as replies (up to two, into out[]);
     * NULL: reply_parse(), one reply. */
    enum pkt_status (*parse)(const uint8_t *l3, size_t len, struct raw_reply out[2], size_t *n);

    /* How many packets one try at port sends (UDP: one per payload); NULL
     * means one. */
    unsigned (*packets)(const struct scan_technique *t, uint16_t port);
    /* The whole IP packet into buf; its length, or 0 when cap is too small. */
    size_t (*build)(const struct scan_technique *t, const struct probe_spec *p, uint8_t *buf,
                    size_t cap);
    /* Which of our probe's fields r echoes. */
    enum echo_kind (*echo)(const struct scan_technique *t, const struct raw_reply *r,
                           uint32_t *seq);
    /* nmap's state and reason (enum port_state / enum reason) for a reply
     * already matched to our probe; false when nmap ignores such a reply. */
    bool (*classify)(const struct scan_technique *t, const struct raw_reply *r, uint8_t *state,
                     uint8_t *reason);
};

/* The techniques (tech_*.c). Copy one to change its flags or payloads. */
extern const struct scan_technique tech_syn, tech_ack, tech_window, tech_maimon, tech_null,
    tech_fin, tech_xmas, tech_udp;
extern const struct scan_technique tech_sctp_init, tech_sctp_cookie;
extern const struct scan_technique tech_ipproto;

/* Shared by the TCP techniques (tech_tcp.c): a TCP probe with t->tcp_flags,
 * nmap's window 1024, and the MSS option when SYN is set. */
size_t tech_tcp_build(const struct scan_technique *t, const struct probe_spec *p, uint8_t *buf,
                      size_t cap);
enum echo_kind tech_tcp_echo(const struct scan_technique *t, const struct raw_reply *r,
                             uint32_t *seq);
/* An ICMP error quoting a TCP probe: filtered with nmap's reason. */
bool tech_tcp_icmp(const struct raw_reply *r, uint8_t *state, uint8_t *reason);

/* --scanflags: nmap's syntax (a number 0-255 in C notation, or any of the
 * names URG ACK PSH RST SYN FIN ECE CWR anywhere in the string, case
 * ignored, unknown text ignored). -1 when the value is not acceptable. */
int tech_parse_scanflags(const char *arg);
/* The flags as nmap writes them in <scaninfo scanflags="">: names in bit
 * order (FIN SYN RST PSH ACK URG ECE CWR), "" for none. buf >= 25 bytes. */
void tech_format_scanflags(uint8_t flags, char *buf, size_t len);

#endif
