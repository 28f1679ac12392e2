// SPDX-License-Identifier: MIT
// Route lookup over a loaded table, as the kernel's default policy does it:
// the local table, then main, then default; within a table the longest
// matching prefix, then the lowest metric. The source address is the
// route's preferred source, else an address of the outgoing interface.
#include <errno.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>

#include "net/route.h"

bool net_prefix_match(const struct net_addr *a, const struct net_addr *b, unsigned bits)
{
    if (a->family != b->family) return false;
    unsigned max = a->family == AF_INET6 ? 128 : 32;
    if (bits > max) bits = max;
    unsigned full = bits / 8, rest = bits % 8;
    if (memcmp(a->bytes, b->bytes, full) != 0) return false;
    if (rest == 0) return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a->bytes[full] & mask) == (b->bytes[full] & mask);
}

static const struct route *best_in_table(const struct route_table *rt, uint32_t table,
                                         const struct net_addr *dst)
{
    const struct route *best = NULL;
    for (size_t i = 0; i < rt->n; i++) {
        const struct route *r = &rt->routes[i];
        if (r->family != dst->family || r->table != table) continue;
        if (r->type == RTN_BROADCAST || r->type == RTN_MULTICAST || r->type == RTN_ANYCAST)
            continue;
        if (!net_prefix_match(&r->dst, dst, r->dst_len)) continue;
        if (!best || r->dst_len > best->dst_len ||
            (r->dst_len == best->dst_len && r->metric < best->metric))
            best = r;
    }
    return best;
}

static const struct route *best_route(const struct route_table *rt, const struct net_addr *dst)
{
    static const uint32_t order[] = {RT_TABLE_LOCAL, RT_TABLE_MAIN, RT_TABLE_DEFAULT};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const struct route *r = best_in_table(rt, order[i], dst);
        if (r) return r;
    }
    return NULL;
}

static bool is_link_local(const struct net_addr *a)
{
    return a->family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

static unsigned common_prefix(const struct net_addr *a, const struct net_addr *b)
{
    unsigned max = a->family == AF_INET6 ? 128 : 32, n = 0;
    while (n < max && net_prefix_match(a, b, n + 1))
        n++;
    return n;
}

/* The address of f to send from: for IPv4 the first whose subnet holds the
 * next hop, else the first; for IPv6 one of the destination's scope with
 * the longest common prefix (RFC 6724 rules 2 and 8, simplified). */
static const struct iface_addr *pick_on(const struct iface *f, const struct net_addr *dst,
                                        const struct net_addr *hop)
{
    const struct iface_addr *best = NULL;
    unsigned best_len = 0;
    for (size_t i = 0; i < f->n_addrs; i++) {
        const struct iface_addr *a = &f->addrs[i];
        if (a->addr.family != dst->family) continue;
        if (dst->family == AF_INET) {
            if (net_prefix_match(&a->addr, hop, a->prefix_len)) return a;
            if (!best) best = a;
            continue;
        }
        if (is_link_local(&a->addr) != is_link_local(dst)) continue;
        unsigned len = common_prefix(&a->addr, dst);
        if (!best || len > best_len) best = a, best_len = len;
    }
    return best;
}

/* Falls back to any interface that is up and not loopback. */
static const struct iface_addr *pick_source(const struct iface_list *ifs, int oif,
                                            const struct net_addr *dst, const struct net_addr *hop)
{
    const struct iface *out = iface_by_index(ifs, oif);
    const struct iface_addr *a = out ? pick_on(out, dst, hop) : NULL;
    for (size_t i = 0; !a && i < ifs->n; i++) {
        const struct iface *f = &ifs->ifs[i];
        if ((f->flags & IFF_UP) && !(f->flags & IFF_LOOPBACK)) a = pick_on(f, dst, hop);
    }
    return a;
}

static int loopback_index(const struct iface_list *ifs)
{
    for (size_t i = 0; i < ifs->n; i++)
        if (ifs->ifs[i].flags & IFF_LOOPBACK) return ifs->ifs[i].index;
    return 0;
}

int route_lookup_table(const struct route_table *rt, const struct iface_list *ifs,
                       const struct net_addr *dst, struct route_choice *out)
{
    memset(out, 0, sizeof *out);
    const struct route *r = best_route(rt, dst);
    if (!r || (r->type != RTN_UNICAST && r->type != RTN_LOCAL)) {
        errno = ENETUNREACH;
        return -1;
    }
    out->local = r->type == RTN_LOCAL;
    out->direct = out->local || !r->has_gateway;
    out->next_hop = out->direct ? *dst : r->gateway;
    /* Traffic to our own addresses leaves through the loopback device. */
    out->oif = out->local ? loopback_index(ifs) : r->oif;
    const struct iface *dev = iface_by_index(ifs, out->oif);
    if (dev) memcpy(out->dev, dev->name, sizeof out->dev);
    if (out->local) {
        out->src = *dst;
        return 0;
    }
    if (r->has_prefsrc) {
        out->src = r->prefsrc;
        return 0;
    }
    const struct iface_addr *a = pick_source(ifs, r->oif, dst, &out->next_hop);
    if (!a) {
        errno = EADDRNOTAVAIL;
        return -1;
    }
    out->src = a->addr;
    return 0;
}
