// SPDX-License-Identifier: MIT
// A captured packet read the way the traceroute needs it: who sent it,
// which host our probe was for, and the token that names the probe (our
// TCP or UDP source port, or the ICMP sequence number under the run's ICMP
// identifier). Answers come straight from the target (TCP, UDP, ICMP echo,
// timestamp and mask replies) or from a router or the target as an ICMP
// time-exceeded or unreachable quoting the probe. A pure function over
// hostile bytes, unit-tested and bounds-checked like the scan's readers.
#ifndef CMAP_TRACE_TREPLY_H
#define CMAP_TRACE_TREPLY_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "net/pkt/pkt.h"

struct trace_reply {
    struct net_addr from;   /* the packet's source */
    struct net_addr target; /* the probed host: the source, or the quoted destination */
    uint8_t proto;          /* our probe's IP protocol */
    uint16_t token;
    uint8_t ttl; /* TTL or hop limit the reply arrived with */
};

/* PKT_OK, PKT_BAD_TYPE for packets that are not a traceroute answer (or
 * carry another ICMP identifier), or the parser's complaint. */
enum pkt_status trace_reply_parse(const uint8_t *l3, size_t len, uint16_t icmp_id,
                                  struct trace_reply *out);

#endif
