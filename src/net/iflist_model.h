// SPDX-License-Identifier: MIT
// What nmap 7.93's --iflist shows, worked out from the netlink view of the
// system. nmap reads interfaces through libdnet (one row per address, IPv4
// aliases from SIOCGIFCONF, IPv6 from /proc/net/if_inet6) and routes from
// /proc/net/route (main table) and /proc/net/ipv6_route (every table), then
// ties each route to an interface row; this model reproduces those rules,
// quirks included, so the report matches byte for byte.
#ifndef CMAP_NET_IFLIST_MODEL_H
#define CMAP_NET_IFLIST_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "net/iface.h"
#include "net/route.h"

enum iflist_kind { IFLIST_ETHERNET, IFLIST_LOOPBACK, IFLIST_P2P, IFLIST_OTHER };

struct iflist_if {
    const struct iface *f;
    bool has_addr; /* false: the "(none)/0" row of an interface without IPv4 */
    struct net_addr addr;
    unsigned bits;
    enum iflist_kind kind;
    bool has_mac;
    uint8_t mac[6];
};

struct iflist_route {
    struct net_addr dst;
    unsigned bits;
    struct net_addr gw; /* all zero when there is none */
    int32_t metric;
    char devname[IFNAMSIZ];
    const struct iflist_if *dev;
};

/* The order of IPv6 addresses in /proc/net/if_inet6 (the kernel's address
 * hash), which is the order nmap lists them in. */
struct iflist_v6_order {
    struct {
        char name[IFNAMSIZ];
        uint8_t addr[16];
    } * entries;
    size_t n;
};

struct iflist_model {
    struct iflist_if *ifs;
    size_t n_ifs;
    bool ifs_failed; /* nmap's interface listing fails as a whole */
    struct iflist_route *routes;
    size_t n_routes;
};

/* Lines of /proc/net/if_inet6; malformed lines are skipped. */
int iflist_v6_order_parse(const char *text, size_t len, struct iflist_v6_order *out);
void iflist_v6_order_free(struct iflist_v6_order *o);

/* order may be NULL (netlink order is kept). 0, or -1 out of memory. */
int iflist_model_build(const struct iface_list *ifs, const struct route_table *rt,
                       const struct iflist_v6_order *order, struct iflist_model *out);
void iflist_model_free(struct iflist_model *m);

/* The route half of iflist_model_build, over rows already in m. */
int iflist_routes_build(const struct route_table *rt, struct iflist_model *m);

#endif
