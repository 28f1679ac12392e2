// SPDX-License-Identifier: MIT
// -sY and -sZ, the SCTP scans, with nmap 7.93's probes and verdicts.
//
// -sY sends an INIT (tag 0, as RFC 9260 3.3.2 requires; nmap's a_rwnd
// 32768, 10 outbound and 2048 inbound streams): an INIT ACK is open, an
// ABORT closed, silence filtered. -sZ sends a COOKIE ECHO with a 4-byte
// cookie: a listener discards a cookie it did not make (RFC 9260 5.1.5),
// so silence is open|filtered, while an endpoint without a listener
// answers the out-of-the-blue packet with an ABORT (8.4): closed. ICMP
// unreachables are filtered with the reason nmap gives a TCP probe. Any
// other first chunk (a COOKIE ACK, a HEARTBEAT) is ignored, as nmap does.
//
// The echo: an INIT's Initiate Tag comes back as the verification tag of
// the INIT ACK or of the ABORT (8.4 item 3), and a COOKIE ECHO's own tag
// comes back in the ABORT that reflects it (T bit) or in the first 8
// bytes an ICMP error quotes. So the keyed value goes in the tag the
// answer carries. An ICMP error quoting an INIT shows only its zero tag:
// the port alone says which probe it answers.
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/sctp.h"
#include "report/model.h"
#include "scan/technique.h"

/* nmap's INIT: advertised receiver window and stream counts. */
#define INIT_A_RWND 32768
#define INIT_OUT_STREAMS 10
#define INIT_IN_STREAMS 2048
#define COOKIE_LEN 4

/* Which chunk each technique sends; the table entries differ only here. */
static bool sends_init(const struct scan_technique *t)
{
    return t->silent_state == PORT_FILTERED;
}

/* A value for the fields nmap fills at random (initial TSN, cookie) that
 * is not the keyed one. */
static uint32_t filler(const struct probe_spec *p)
{
    return p->seq ^ 0x5c7a3b1du ^ (uint32_t)p->ip_id << 16;
}

static size_t build(const struct scan_technique *t, const struct probe_spec *p, uint8_t *buf,
                    size_t cap)
{
    bool v6 = p->family == AF_INET6;
    size_t ip_len = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    if (cap < ip_len) return 0;
    size_t len, hl;
    enum pkt_status st;
    if (sends_init(t)) {
        struct sctp_common c = {.sport = p->sport, .dport = p->dport, .vtag = 0};
        struct sctp_init init = {.initiate_tag = p->seq,
                                 .a_rwnd = INIT_A_RWND,
                                 .out_streams = INIT_OUT_STREAMS,
                                 .in_streams = INIT_IN_STREAMS,
                                 .initial_tsn = filler(p)};
        st = sctp_build_init(buf + ip_len, cap - ip_len, &c, &init, &len);
    } else {
        struct sctp_common c = {.sport = p->sport, .dport = p->dport, .vtag = p->seq};
        uint8_t cookie[COOKIE_LEN];
        pkt_put32(cookie, filler(p));
        st = sctp_build_cookie_echo(buf + ip_len, cap - ip_len, &c, cookie, sizeof cookie, &len);
    }
    if (st != PKT_OK) return 0;
    if (v6) {
        struct ipv6_params ip = {.next_header = IPPROTO_SCTP, .hop_limit = p->ttl};
        memcpy(ip.src, p->self, 16);
        memcpy(ip.dst, p->target, 16);
        st = ipv6_build(buf, cap, &ip, len, &hl);
    } else {
        struct ipv4_params ip = {.id = p->ip_id, .ttl = p->ttl, .proto = IPPROTO_SCTP};
        memcpy(ip.src, p->self, 4);
        memcpy(ip.dst, p->target, 4);
        st = ipv4_build(buf, cap, &ip, len, &hl);
    }
    return st == PKT_OK ? hl + len : 0;
}

static enum echo_kind echo(const struct scan_technique *t, const struct raw_reply *r, uint32_t *seq)
{
    if (r->proto != IPPROTO_SCTP) return ECHO_NONE;
    /* A quoted INIT carries its zero tag; so does an ABORT from a stack
     * that reflects that tag instead of the Initiate Tag. */
    if (sends_init(t) && r->vtag == 0) return ECHO_PORT;
    *seq = r->vtag;
    return ECHO_SEQ;
}

static bool classify(const struct scan_technique *t, const struct raw_reply *r, uint8_t *state,
                     uint8_t *reason)
{
    if (r->kind != REPLY_SCTP) return tech_tcp_icmp(r, state, reason);
    if (r->sctp_chunk == SCTP_ABORT) {
        *state = PORT_CLOSED;
        *reason = REASON_ABORT;
        return true;
    }
    if (r->sctp_chunk == SCTP_INIT_ACK && sends_init(t)) {
        *state = PORT_OPEN;
        *reason = REASON_INIT_ACK;
        return true;
    }
    return false;
}

const struct scan_technique tech_sctp_init = {
    .task_name = "SCTP INIT Scan",
    .xml_type = "sctpinit",
    .proto = PROTO_SCTP,
    .silent_state = PORT_FILTERED,
    .build = build,
    .echo = echo,
    .classify = classify,
};

const struct scan_technique tech_sctp_cookie = {
    .task_name = "SCTP COOKIE-ECHO Scan",
    .xml_type = "sctpcookieecho",
    .proto = PROTO_SCTP,
    .silent_state = PORT_OPEN_FILTERED,
    .build = build,
    .echo = echo,
    .classify = classify,
};
