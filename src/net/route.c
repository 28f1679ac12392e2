// SPDX-License-Identifier: MIT
// Route messages and dumps, and the kernel's own route lookup.
#include "net/route.h"

#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/netlink.h"

#define ROUTE_ATTR_MAX (RTA_TABLE + 1)
#define LOOKUP_REQ_MAX 96

static bool read_addr(struct net_addr *out, int family, const uint8_t *p, size_t len)
{
    size_t want = family == AF_INET6 ? 16 : 4;
    memset(out, 0, sizeof *out);
    out->family = (sa_family_t)family;
    if (!p || len != want) return false;
    memcpy(out->bytes, p, want);
    return true;
}

static uint32_t read_u32(const uint8_t *p, size_t len, uint32_t absent)
{
    uint32_t v = absent;
    if (p && len >= 4) memcpy(&v, p, 4);
    return v;
}

static int append(struct route_table *rt, const struct route *r)
{
    /* Doubling at powers of two keeps appends linear overall. */
    if ((rt->n & (rt->n - 1)) == 0) {
        size_t cap = rt->n ? rt->n * 2 : 16;
        struct route *routes = realloc(rt->routes, cap * sizeof *routes);
        if (!routes) return -1;
        rt->routes = routes;
    }
    rt->routes[rt->n++] = *r;
    return 0;
}

/* RTA_MULTIPATH: one struct rtnexthop (and its own attributes) per hop. */
static int add_multipath(struct route_table *rt, struct route base, const uint8_t *p, size_t len)
{
    size_t off = 0;
    unsigned hop = 0;
    while (len - off >= sizeof(struct rtnexthop)) {
        struct rtnexthop nh;
        memcpy(&nh, p + off, sizeof nh);
        if (nh.rtnh_len < sizeof nh || nh.rtnh_len > len - off) return -1;
        const uint8_t *at[ROUTE_ATTR_MAX];
        size_t alen[ROUTE_ATTR_MAX];
        size_t hdr = RTNH_ALIGN(sizeof nh) < nh.rtnh_len ? RTNH_ALIGN(sizeof nh) : nh.rtnh_len;
        if (nl_attrs(p + off + hdr, nh.rtnh_len - hdr, at, alen, ROUTE_ATTR_MAX) != 0) return -1;
        struct route r = base;
        r.oif = nh.rtnh_ifindex;
        r.hop = hop < UINT8_MAX ? (uint8_t)hop : UINT8_MAX;
        hop++;
        r.has_gateway = read_addr(&r.gateway, r.family, at[RTA_GATEWAY], alen[RTA_GATEWAY]);
        if (append(rt, &r) != 0) return -1;
        size_t step = RTNH_ALIGN(nh.rtnh_len);
        off = step < len - off ? off + step : len;
    }
    return 0;
}

int route_add_msg(struct route_table *rt, const uint8_t *msg, size_t len)
{
    struct rtmsg rtm;
    if (len < sizeof rtm) return -1;
    memcpy(&rtm, msg, sizeof rtm);
    const uint8_t *at[ROUTE_ATTR_MAX];
    size_t alen[ROUTE_ATTR_MAX];
    if (nl_attrs(msg + NLMSG_ALIGN(sizeof rtm), len - NLMSG_ALIGN(sizeof rtm), at, alen,
                 ROUTE_ATTR_MAX) != 0)
        return -1;
    if (rtm.rtm_family != AF_INET && rtm.rtm_family != AF_INET6) return 0;
    unsigned max_len = rtm.rtm_family == AF_INET6 ? 128 : 32;
    if (rtm.rtm_dst_len > max_len) return -1;
    struct route r = {.family = rtm.rtm_family, .dst_len = rtm.rtm_dst_len, .type = rtm.rtm_type};
    read_addr(&r.dst, r.family, at[RTA_DST], alen[RTA_DST]);
    r.has_gateway = read_addr(&r.gateway, r.family, at[RTA_GATEWAY], alen[RTA_GATEWAY]);
    r.has_prefsrc = read_addr(&r.prefsrc, r.family, at[RTA_PREFSRC], alen[RTA_PREFSRC]);
    r.oif = (int)read_u32(at[RTA_OIF], alen[RTA_OIF], 0);
    r.metric = read_u32(at[RTA_PRIORITY], alen[RTA_PRIORITY], 0);
    r.table = read_u32(at[RTA_TABLE], alen[RTA_TABLE], rtm.rtm_table);
    if (at[RTA_MULTIPATH]) return add_multipath(rt, r, at[RTA_MULTIPATH], alen[RTA_MULTIPATH]);
    return append(rt, &r);
}

static int on_route(void *ctx, uint16_t type, const uint8_t *payload, size_t len)
{
    return type == RTM_NEWROUTE ? route_add_msg(ctx, payload, len) : 0;
}

/* Dumps skip cache entries (cloned routes), which are not configuration;
 * a lookup's answer is such an entry, so on_route keeps them. */
static int on_dump_route(void *ctx, uint16_t type, const uint8_t *payload, size_t len)
{
    struct rtmsg rtm;
    if (type == RTM_NEWROUTE && len >= sizeof rtm) {
        memcpy(&rtm, payload, sizeof rtm);
        if (rtm.rtm_flags & RTM_F_CLONED) return 0;
    }
    return on_route(ctx, type, payload, len);
}

int route_table_load(struct route_table *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (nl_request(RTM_GETROUTE, AF_INET, NULL, 0, on_dump_route, out) != 0 ||
        nl_request(RTM_GETROUTE, AF_INET6, NULL, 0, on_dump_route, out) != 0) {
        snprintf(err, errlen, "netlink route dump failed: %s", strerror(errno));
        route_table_free(out);
        return -1;
    }
    return 0;
}

void route_table_free(struct route_table *rt)
{
    free(rt->routes);
    rt->routes = NULL;
    rt->n = 0;
}

/* An rtmsg for dst with an RTA_DST attribute, RTA_OIF for a zone or an
 * interface asked for (oif), RTA_SRC for a source address asked for. */
static size_t lookup_request(const struct net_addr *dst, int oif, const struct net_addr *src,
                             uint8_t *req)
{
    size_t alen = dst->family == AF_INET6 ? 16 : 4;
    struct rtmsg rtm = {.rtm_family = (uint8_t)dst->family, .rtm_dst_len = (uint8_t)(alen * 8)};
    memcpy(req, &rtm, sizeof rtm);
    size_t off = NLMSG_ALIGN(sizeof rtm);
    struct rtattr a = {.rta_len = (unsigned short)RTA_LENGTH(alen), .rta_type = RTA_DST};
    memcpy(req + off, &a, sizeof a);
    memcpy(req + off + RTA_LENGTH(0), dst->bytes, alen);
    off += RTA_ALIGN(a.rta_len);
    uint32_t want_oif = oif > 0 ? (uint32_t)oif : dst->family == AF_INET6 ? dst->scope_id : 0;
    if (want_oif) {
        a = (struct rtattr){.rta_len = (unsigned short)RTA_LENGTH(4), .rta_type = RTA_OIF};
        memcpy(req + off, &a, sizeof a);
        memcpy(req + off + RTA_LENGTH(0), &want_oif, 4);
        off += RTA_ALIGN(a.rta_len);
    }
    if (src && src->family == dst->family) {
        a = (struct rtattr){.rta_len = (unsigned short)RTA_LENGTH(alen), .rta_type = RTA_SRC};
        memcpy(req + off, &a, sizeof a);
        memcpy(req + off + RTA_LENGTH(0), src->bytes, alen);
        off += RTA_ALIGN(a.rta_len);
        struct rtmsg *m = (struct rtmsg *)req;
        m->rtm_src_len = (uint8_t)(alen * 8);
    }
    return off;
}

int route_lookup_kernel(const struct net_addr *dst, struct route_choice *out)
{
    return route_lookup_kernel_from(dst, 0, NULL, out);
}

int route_lookup_kernel_from(const struct net_addr *dst, int oif, const struct net_addr *src,
                             struct route_choice *out)
{
    uint8_t req[LOOKUP_REQ_MAX];
    memset(req, 0, sizeof req);
    size_t len = lookup_request(dst, oif, src, req);
    struct route_table reply = {0};
    if (nl_request(RTM_GETROUTE, (uint8_t)dst->family, req, len, on_route, &reply) != 0) return -1;
    if (reply.n == 0) {
        route_table_free(&reply);
        errno = ENETUNREACH;
        return -1;
    }
    const struct route *r = &reply.routes[0];
    memset(out, 0, sizeof *out);
    out->oif = r->oif;
    if (!if_indextoname((unsigned)r->oif, out->dev)) out->dev[0] = '\0';
    out->src = src && src->family == dst->family ? *src : r->has_prefsrc ? r->prefsrc : *dst;
    out->direct = !r->has_gateway;
    out->next_hop = r->has_gateway ? r->gateway : *dst;
    out->local = r->type == RTN_LOCAL;
    route_table_free(&reply);
    return 0;
}
