// SPDX-License-Identifier: MIT
// -sN, -sF, -sX and -sM: a segment without SYN, RST or (but for Maimon's
// FIN|ACK) ACK to a closed port draws a RST (RFC 793 3.4), while an open
// port drops it. So RST is closed, silence open|filtered, and an ICMP
// unreachable filtered; nmap ignores any other answer.
#include "net/pkt/tcp.h"
#include "report/model.h"
#include "scan/technique.h"

static bool classify(const struct scan_technique *t, const struct raw_reply *r, uint8_t *state,
                     uint8_t *reason)
{
    (void)t;
    if (r->kind != REPLY_TCP) return tech_tcp_icmp(r, state, reason);
    if (!(r->tcp_flags & TCP_RST)) return false;
    *state = PORT_CLOSED;
    *reason = REASON_RESET;
    return true;
}

#define STEALTH(task, type, flags)                                                                 \
    {                                                                                              \
        .task_name = task, .xml_type = type, .proto = PROTO_TCP, .tcp_flags = flags,               \
        .silent_state = PORT_OPEN_FILTERED, .build = tech_tcp_build, .echo = tech_tcp_echo,        \
        .classify = classify,                                                                      \
    }

const struct scan_technique tech_null = STEALTH("NULL Scan", "null", 0);
const struct scan_technique tech_fin = STEALTH("FIN Scan", "fin", TCP_FIN);
const struct scan_technique tech_xmas = STEALTH("XMAS Scan", "xmas", TCP_FIN | TCP_PSH | TCP_URG);
const struct scan_technique tech_maimon = STEALTH("Maimon Scan", "maimon", TCP_FIN | TCP_ACK);
