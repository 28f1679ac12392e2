// SPDX-License-Identifier: MIT
// What every raw TCP technique shares: building the probe, finding the
// echo of our sequence number in a reply, reading ICMP errors, and nmap's
// --scanflags syntax.
//
// The echo follows RFC 793's reset rules (section 3.4, "Reset
// Generation"): a segment without ACK is answered with RST|ACK whose
// acknowledgement is our sequence number plus the segment's length, where
// SYN and FIN each count one; a segment with ACK is answered with a RST
// whose sequence number is our acknowledgement number. Our probes carry
// the keyed value in both fields, so either rule gives it back.
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/tcp.h"
#include "report/model.h"
#include "scan/technique.h"

/* nmap's probe window; a SYN also carries MSS 1460, which filters that drop
 * option-less SYNs expect of a real connection attempt. */
#define PROBE_WINDOW 1024
static const uint8_t mss_option[4] = {2, 4, 0x05, 0xb4};

size_t tech_tcp_build(const struct scan_technique *t, const struct probe_spec *p, uint8_t *buf,
                      size_t cap)
{
    bool v6 = p->family == AF_INET6;
    size_t ip_len = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    if (cap < ip_len) return 0;
    struct pkt_ends ends = {.family = p->family};
    memcpy(ends.src, p->self, v6 ? 16 : 4);
    memcpy(ends.dst, p->target, v6 ? 16 : 4);
    bool syn = (t->tcp_flags & TCP_SYN) != 0;
    struct tcp_params tp = {.sport = p->sport,
                            .dport = p->dport,
                            .seq = p->seq,
                            .ack = (t->tcp_flags & TCP_ACK) ? p->seq : 0,
                            .flags = t->tcp_flags,
                            .window = PROBE_WINDOW,
                            .options = syn ? mss_option : NULL,
                            .options_len = syn ? sizeof mss_option : 0};
    size_t tcp_len, hl;
    if (tcp_build(buf + ip_len, cap - ip_len, &tp, &ends, &tcp_len) != PKT_OK) return 0;
    enum pkt_status st;
    if (v6) {
        struct ipv6_params ip = {.next_header = IPPROTO_TCP, .hop_limit = p->ttl};
        memcpy(ip.src, p->self, 16);
        memcpy(ip.dst, p->target, 16);
        st = ipv6_build(buf, cap, &ip, tcp_len, &hl);
    } else {
        struct ipv4_params ip = {.id = p->ip_id, .ttl = p->ttl, .proto = IPPROTO_TCP};
        memcpy(ip.src, p->self, 4);
        memcpy(ip.dst, p->target, 4);
        st = ipv4_build(buf, cap, &ip, tcp_len, &hl);
    }
    return st == PKT_OK ? hl + tcp_len : 0;
}

enum echo_kind tech_tcp_echo(const struct scan_technique *t, const struct raw_reply *r,
                             uint32_t *seq)
{
    if (r->proto != IPPROTO_TCP) return ECHO_NONE;
    if (r->kind != REPLY_TCP) { /* an ICMP error quotes our sequence number */
        *seq = r->echoed_seq;
        return ECHO_SEQ;
    }
    if (r->tcp_flags & TCP_ACK) {
        uint32_t len = ((t->tcp_flags & TCP_SYN) != 0) + ((t->tcp_flags & TCP_FIN) != 0);
        *seq = r->ack - len;
        return ECHO_SEQ;
    }
    if (t->tcp_flags & TCP_ACK) {
        *seq = r->seq;
        return ECHO_SEQ;
    }
    return ECHO_PORT; /* a bare SYN (split handshake) echoes only our port */
}

bool tech_tcp_icmp(const struct raw_reply *r, uint8_t *state, uint8_t *reason)
{
    *state = PORT_FILTERED;
    if (r->kind == REPLY_ICMP4) return reply_icmp4_reason(r->icmp_code, reason);
    if (r->kind == REPLY_ICMP6) return reply_icmp6_reason(r->icmp_code, reason);
    return false;
}

static const struct {
    const char *name;
    uint8_t bit;
} flag_names[] = {{"FIN", TCP_FIN}, {"SYN", TCP_SYN}, {"RST", TCP_RST}, {"PSH", TCP_PSH},
                  {"ACK", TCP_ACK}, {"URG", TCP_URG}, {"ECE", 0x40},    {"CWR", 0x80}};

int tech_parse_scanflags(const char *arg)
{
    if (isdigit((unsigned char)arg[0])) {
        char *end;
        long v = strtol(arg, &end, 0);
        return *end || v < 0 || v > 255 ? -1 : (int)v;
    }
    int flags = 0;
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if (strcasestr(arg, flag_names[i].name)) flags |= flag_names[i].bit;
    return flags;
}

void tech_format_scanflags(uint8_t flags, char *buf, size_t len)
{
    size_t n = 0;
    if (len) buf[0] = '\0';
    for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
        if ((flags & flag_names[i].bit) && n + 4 <= len) {
            memcpy(buf + n, flag_names[i].name, 4);
            n += 3;
        }
}
