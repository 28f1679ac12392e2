// SPDX-License-Identifier: MIT
// Routes of both families from rtnetlink (RTM_GETROUTE dumps, every table),
// and the route to one destination: outgoing device, source address and
// next hop, asked of the kernel (which honours policy rules) or worked out
// from a loaded table (longest prefix, then lowest metric).
#ifndef CMAP_NET_ROUTE_H
#define CMAP_NET_ROUTE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "net/iface.h"

struct route {
    int family;
    struct net_addr dst; /* the prefix; all zero for a default route */
    uint8_t dst_len;
    struct net_addr gateway;
    bool has_gateway;
    struct net_addr prefsrc;
    bool has_prefsrc;
    int oif;         /* outgoing interface index, 0 when none */
    uint32_t metric; /* RTA_PRIORITY */
    uint32_t table;  /* RT_TABLE_MAIN, RT_TABLE_LOCAL, ... */
    uint8_t type;    /* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE, ... */
    uint8_t hop;     /* position among a multipath route's next hops */
};

struct route_table {
    struct route *routes; /* IPv4 dump order, then IPv6 */
    size_t n;
};

int route_table_load(struct route_table *out, char *err, size_t errlen);
void route_table_free(struct route_table *rt);

/* One RTM_NEWROUTE payload into rt; a multipath route adds one entry per
 * next hop. -1 if malformed. */
int route_add_msg(struct route_table *rt, const uint8_t *msg, size_t len);

struct route_choice {
    int oif;
    char dev[IFNAMSIZ];
    struct net_addr src;
    struct net_addr next_hop; /* the gateway, or dst itself when direct */
    bool direct;              /* on-link (or local): no gateway */
    bool local;               /* dst is one of our own addresses */
};

/* The kernel's answer (RTM_GETROUTE for dst). 0, or -1 with errno
 * (ENETUNREACH, EHOSTUNREACH, ...). */
int route_lookup_kernel(const struct net_addr *dst, struct route_choice *out);
/* The same, for packets that leave by interface oif (0: any) with source
 * address src (NULL: the kernel's choice), as nmap asks with -e and -S;
 * the kernel refuses a source that is not one of ours. */
int route_lookup_kernel_from(const struct net_addr *dst, int oif, const struct net_addr *src,
                             struct route_choice *out);
/* The answer from a loaded table and interface list, looking at the local
 * and main tables as the default policy rules do. 0, or -1 when no usable
 * route (or no source address) exists. */
int route_lookup_table(const struct route_table *rt, const struct iface_list *ifs,
                       const struct net_addr *dst, struct route_choice *out);

/* True when a and b agree in their first bits bits (same family). */
bool net_prefix_match(const struct net_addr *a, const struct net_addr *b, unsigned bits);

#endif
