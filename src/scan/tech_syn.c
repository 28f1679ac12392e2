// SPDX-License-Identifier: MIT
// -sS, and nmap's base for --scanflags without another technique: SYN-ACK
// (or a bare SYN, a split handshake) open, RST closed, ICMP unreachable
// filtered, silence filtered.
#include "net/pkt/tcp.h"
#include "report/model.h"
#include "scan/technique.h"

static bool classify(const struct scan_technique *t, const struct raw_reply *r, uint8_t *state,
                     uint8_t *reason)
{
    (void)t;
    if (r->kind != REPLY_TCP) return tech_tcp_icmp(r, state, reason);
    return reply_classify_syn(r, state, reason);
}

const struct scan_technique tech_syn = {
    .task_name = "SYN Stealth Scan",
    .xml_type = "syn",
    .proto = PROTO_TCP,
    .tcp_flags = TCP_SYN,
    .silent_state = PORT_FILTERED,
    .build = tech_tcp_build,
    .echo = tech_tcp_echo,
    .classify = classify,
};
