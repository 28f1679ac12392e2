// SPDX-License-Identifier: MIT
// -sA: an ACK reaches the stack whether or not a service listens, so a RST
// says only that no filter stood in the way (unfiltered); an ICMP
// unreachable or silence is filtered. nmap ignores any other answer.
#include "net/pkt/tcp.h"
#include "report/model.h"
#include "scan/technique.h"

static bool classify(const struct scan_technique *t, const struct raw_reply *r, uint8_t *state,
                     uint8_t *reason)
{
    (void)t;
    if (r->kind != REPLY_TCP) return tech_tcp_icmp(r, state, reason);
    if (!(r->tcp_flags & TCP_RST)) return false;
    *state = PORT_UNFILTERED;
    *reason = REASON_RESET;
    return true;
}

const struct scan_technique tech_ack = {
    .task_name = "ACK Scan",
    .xml_type = "ack",
    .proto = PROTO_TCP,
    .tcp_flags = TCP_ACK,
    .silent_state = PORT_FILTERED,
    .build = tech_tcp_build,
    .echo = tech_tcp_echo,
    .classify = classify,
};
