// SPDX-License-Identifier: MIT
#include "raw/probe.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/ipv4.h"
#include "net/pkt/ipv6.h"
#include "net/pkt/tcp.h"

/* nmap's SYN probe: a small window and an MSS option look like an ordinary
 * connection attempt to filters that drop option-less SYNs. */
#define PROBE_WINDOW 1024
static const uint8_t mss_option[4] = {2, 4, 0x05, 0xb4}; /* MSS 1460 */

size_t syn_probe_build(uint8_t *buf, size_t cap, const struct syn_probe *p)
{
    bool v6 = p->family == AF_INET6;
    size_t ip_len = v6 ? IPV6_HDR_LEN : IPV4_HDR_LEN;
    if (cap < ip_len) return 0;
    struct pkt_ends ends = {.family = p->family};
    memcpy(ends.src, p->self, v6 ? 16 : 4);
    memcpy(ends.dst, p->target, v6 ? 16 : 4);
    struct tcp_params t = {.sport = p->sport,
                           .dport = p->dport,
                           .seq = p->seq,
                           .flags = TCP_SYN,
                           .window = PROBE_WINDOW,
                           .options = mss_option,
                           .options_len = sizeof mss_option};
    size_t tcp_len, hl;
    if (tcp_build(buf + ip_len, cap - ip_len, &t, &ends, &tcp_len) != PKT_OK) return 0;
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
