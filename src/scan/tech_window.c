// SPDX-License-Identifier: MIT
// -sW: the ACK scan's probe, but some stacks answer an open port's RST
// with a non-zero window: nmap calls a RST with a window open, one
// without closed (reason reset either way). ICMP unreachable or silence
// is filtered.
#include "net/pkt/tcp.h"
#include "report/model.h"
#include "scan/technique.h"

static bool classify(const struct scan_technique *t, const struct raw_reply *r, uint8_t *state,
                     uint8_t *reason)
{
    (void)t;
    if (r->kind != REPLY_TCP) return tech_tcp_icmp(r, state, reason);
    if (!(r->tcp_flags & TCP_RST)) return false;
    *state = r->window ? PORT_OPEN : PORT_CLOSED;
    *reason = REASON_RESET;
    return true;
}

const struct scan_technique tech_window = {
    .task_name = "Window Scan",
    .xml_type = "window",
    .proto = PROTO_TCP,
    .tcp_flags = TCP_ACK,
    .silent_state = PORT_FILTERED,
    .build = tech_tcp_build,
    .echo = tech_tcp_echo,
    .classify = classify,
};
