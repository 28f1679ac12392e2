// SPDX-License-Identifier: MIT
// The route rows of nmap's --iflist. IPv4 routes are those of
// /proc/net/route: the main table without broadcast and multicast entries,
// first next hop only, device "*" when the route has none. IPv6 routes are
// those of /proc/net/ipv6_route with RTF_UP: every table, every next hop,
// no reject-type routes. Each route is tied to an interface row as nmap's
// sysroutes_dnet_find_interfaces does, unmatched ones dropped, and the
// list sorted by family, longest prefix, lowest metric (stable).
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/iflist_model.h"

static bool shown(const struct route *r)
{
    if (r->family == AF_INET)
        return r->table == RT_TABLE_MAIN && r->hop == 0 && r->type != RTN_BROADCAST &&
               r->type != RTN_MULTICAST;
    return r->type != RTN_UNREACHABLE && r->type != RTN_BLACKHOLE && r->type != RTN_PROHIBIT &&
           r->type != RTN_THROW;
}

/* getInterfaceByName(): the first row of that name and the route's family. */
static const struct iflist_if *row_by_name(const struct iflist_model *m, const char *name,
                                           int family)
{
    for (size_t i = 0; i < m->n_ifs; i++)
        if (m->ifs[i].has_addr && m->ifs[i].addr.family == family &&
            strcmp(m->ifs[i].f->name, name) == 0)
            return &m->ifs[i];
    return NULL;
}

static bool is_zero(const struct net_addr *a)
{
    static const uint8_t zero[16];
    return memcmp(a->bytes, zero, sizeof zero) == 0;
}

/* The first row whose network holds the gateway (or, without one, the
 * destination). */
static const struct iflist_if *row_by_network(const struct iflist_model *m,
                                              const struct iflist_route *r)
{
    const struct net_addr *key = is_zero(&r->gw) ? &r->dst : &r->gw;
    for (size_t i = 0; i < m->n_ifs; i++)
        if (m->ifs[i].has_addr && net_prefix_match(&m->ifs[i].addr, key, m->ifs[i].bits))
            return &m->ifs[i];
    return NULL;
}

/* Routes whose gateway is the destination of a route with a device take
 * that device (nmap's "two-step" PPP routes); repeated until stable. */
static void resolve_through_routes(struct iflist_model *m)
{
    bool changed;
    do {
        changed = false;
        for (size_t i = 0; i < m->n_routes; i++) {
            if (m->routes[i].dev) continue;
            for (size_t j = 0; j < m->n_routes; j++)
                if (m->routes[j].dev && net_addr_equal(&m->routes[i].gw, &m->routes[j].dst)) {
                    m->routes[i].dev = m->routes[j].dev;
                    changed = true;
                }
        }
    } while (changed);
}

static bool sorts_after(const struct iflist_route *a, const struct iflist_route *b)
{
    if (a->dst.family != b->dst.family) return a->dst.family > b->dst.family;
    if (a->bits != b->bits) return a->bits < b->bits;
    return a->metric > b->metric;
}

/* Insertion sort: stable (qsort is not), and route lists are short. */
static void stable_sort(struct iflist_route *r, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct iflist_route key = r[i];
        size_t j = i;
        for (; j > 0 && sorts_after(&r[j - 1], &key); j--)
            r[j] = r[j - 1];
        r[j] = key;
    }
}

static const char *device_name(const struct iflist_model *m, int oif)
{
    for (size_t k = 0; oif != 0 && k < m->n_ifs; k++)
        if (m->ifs[k].f->index == oif) return m->ifs[k].f->name;
    return "*";
}

int iflist_routes_build(const struct route_table *rt, struct iflist_model *m)
{
    m->routes = rt->n ? calloc(rt->n, sizeof *m->routes) : NULL;
    if (rt->n && !m->routes) return -1;
    for (size_t i = 0; i < rt->n; i++) {
        const struct route *r = &rt->routes[i];
        if (!shown(r)) continue;
        struct iflist_route *out = &m->routes[m->n_routes++];
        out->dst = r->dst;
        out->bits = r->dst_len;
        out->gw = r->gateway;
        out->metric = (int32_t)r->metric;
        snprintf(out->devname, sizeof out->devname, "%s", device_name(m, r->oif));
        out->dev = row_by_name(m, out->devname, r->family);
        if (!out->dev) out->dev = row_by_network(m, out);
    }
    resolve_through_routes(m);
    size_t kept = 0;
    for (size_t i = 0; i < m->n_routes; i++)
        if (m->routes[i].dev) m->routes[kept++] = m->routes[i];
    m->n_routes = kept;
    stable_sort(m->routes, m->n_routes);
    return 0;
}
