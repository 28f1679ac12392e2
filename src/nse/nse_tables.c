// SPDX-License-Identifier: MIT
// The host and port tables scripts receive (nse-c-api.md §3.6), built from
// the result model, and the way back: a host table to the model's host
// (its _Target, else its ip or targetname among the hosts being
// processed), a port table to the host's scanned port. A host table a
// script kept from an earlier host group resolves to nothing rather than
// to freed memory: _Target is only trusted when it is in the current group.
#include "nse/nse_host.h"

#include <net/if_arp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/addr.h"
#include "net/iface.h"
#include "net/route.h"
#include "net/source.h"
#include "report/model.h"

static bool in_group(const struct nse_ctx *c, const struct host *h)
{
    for (size_t i = 0; i < c->n_hosts; i++)
        if (c->hosts[i] == h) return !h->timed_out;
    return false;
}

/* The host of the current group whose address is `ip` or, when by_name,
 * whose target name is `ip`. */
static struct host *find_host(const struct nse_ctx *c, const char *s, bool by_name)
{
    struct net_addr a;
    if (!by_name && net_addr_parse(s, AF_UNSPEC, &a) != 0) return NULL;
    for (size_t i = 0; i < c->n_hosts; i++) {
        struct host *h = c->hosts[i];
        if (!h || h->timed_out) continue;
        if (by_name ? h->target_name && strcmp(h->target_name, s) == 0
                    : net_addr_equal(&h->addr, &a))
            return h;
    }
    return NULL;
}

/* _R.NSE_CURRENT_HOSTS[key] when it names a host of the group. */
static struct host *current_hosts_lookup(lua_State *L, const struct nse_ctx *c, const char *key)
{
    struct host *h = NULL;
    int top = lua_gettop(L);
    if (lua_getfield(L, LUA_REGISTRYINDEX, "NSE_CURRENT_HOSTS") == LUA_TTABLE &&
        lua_getfield(L, -1, key) == LUA_TLIGHTUSERDATA) {
        struct host *cand = lua_touserdata(L, -1);
        if (in_group(c, cand)) h = cand;
    }
    lua_settop(L, top);
    return h;
}

struct host *nse_gethost(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    struct nse_ctx *c = nse_ctx(L);
    int top = lua_gettop(L);
    struct host *h = NULL;
    if (lua_getfield(L, idx, "_Target") == LUA_TLIGHTUSERDATA) {
        struct host *cand = lua_touserdata(L, -1);
        if (in_group(c, cand)) h = cand;
    }
    if (!h && lua_getfield(L, idx, "ip") == LUA_TSTRING) {
        const char *ip = lua_tostring(L, -1);
        h = find_host(c, ip, false);
        if (!h) h = current_hosts_lookup(L, c, ip);
    }
    if (!h && lua_getfield(L, idx, "targetname") == LUA_TSTRING) {
        const char *name = lua_tostring(L, -1);
        h = find_host(c, name, true);
        if (!h) h = current_hosts_lookup(L, c, name);
    }
    lua_settop(L, top);
    if (!h) luaL_argerror(L, idx, "host is not being processed right now");
    return h;
}

struct port_result *nse_getport(lua_State *L, struct host *h, int idx)
{
    static const char *const protos[] = {"tcp", "udp", "sctp"};
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_getfield(L, idx, "number");
    if (!lua_isinteger(L, -1)) luaL_error(L, "port 'number' field must be an integer");
    lua_Integer number = lua_tointeger(L, -1);
    lua_getfield(L, idx, "protocol");
    if (lua_type(L, -1) != LUA_TSTRING) luaL_error(L, "port 'protocol' field must be a string");
    const char *ps = lua_tostring(L, -1);
    int proto = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(ps, protos[i]) == 0) proto = i;
    if (proto < 0) luaL_error(L, "port 'protocol' field must be \"udp\", \"sctp\" or \"tcp\"");
    lua_pop(L, 2);
    if (number < 0 || number > 65535) return NULL;
    for (size_t i = 0; i < h->n_ports; i++)
        if (h->ports[i].port == number && h->ports[i].proto == proto) return &h->ports[i];
    return NULL;
}

/* ---- ports in nmap's order ------------------------------------------------ */

/* The model keeps a host's ports in no order; nmap.get_ports walks them by
 * protocol and number. The order is worked out once per host and kept in
 * the Lua registry, keyed by the host; nse_push_host (which the engine
 * calls for every host of a group before its scripts run) forgets it, so
 * a host allocated where an earlier group's was never sees that order. */
static const char order_key = 'o';

struct port_order {
    const struct port_result *ports; /* what the order was computed for */
    size_t n;
    uint32_t idx[];
};

static const struct host *sort_host; /* qsort's context */

static int by_proto_port(const void *a, const void *b)
{
    const struct port_result *x = &sort_host->ports[*(const uint32_t *)a];
    const struct port_result *y = &sort_host->ports[*(const uint32_t *)b];
    if (x->proto != y->proto) return x->proto < y->proto ? -1 : 1;
    return (x->port > y->port) - (x->port < y->port);
}

/* Pushes the order cache table. */
static void push_order_cache(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &order_key) == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &order_key);
}

const uint32_t *nse_port_order(lua_State *L, const struct host *h)
{
    push_order_cache(L);
    struct port_order *o = NULL;
    if (lua_rawgetp(L, -1, h) == LUA_TUSERDATA) o = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!o || o->ports != h->ports || o->n != h->n_ports) {
        if (h->n_ports > UINT32_MAX) luaL_error(L, "too many ports");
        o = lua_newuserdatauv(L, sizeof *o + h->n_ports * sizeof o->idx[0], 0);
        o->ports = h->ports;
        o->n = h->n_ports;
        for (size_t i = 0; i < h->n_ports; i++)
            o->idx[i] = (uint32_t)i;
        sort_host = h;
        qsort(o->idx, o->n, sizeof o->idx[0], by_proto_port);
        lua_rawsetp(L, -2, h);
    }
    lua_pop(L, 1);
    return o->idx; /* anchored in the cache until h is pushed again */
}

static void forget_order(lua_State *L, const struct host *h)
{
    push_order_cache(L);
    lua_pushnil(L);
    lua_rawsetp(L, -2, h);
    lua_pop(L, 1);
}

/* ---- pushing tables ------------------------------------------------------ */

static void set_str(lua_State *L, const char *field, const char *v)
{
    if (!v) return;
    lua_pushstring(L, v);
    lua_setfield(L, -2, field);
}

static void set_int(lua_State *L, const char *field, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, field);
}

static void set_bytes(lua_State *L, const char *field, const struct net_addr *a)
{
    lua_pushlstring(L, (const char *)a->bytes, a->family == AF_INET6 ? 16 : 4);
    lua_setfield(L, -2, field);
}

static void set_addr(lua_State *L, const char *field, const struct net_addr *a)
{
    char buf[NET_ADDR_STRLEN];
    net_addr_format(a, buf, sizeof buf);
    set_str(L, field, buf);
}

/* What the route to h says: the interface (name, MTU, own MAC), the
 * source address and whether h is on-link. mac_addr_next_hop is left out:
 * nmap 7.93 was seen to give none for on-link hosts, after -sT or -sS. */
static void set_route_fields(lua_State *L, const struct host *h)
{
    struct route_choice rc;
    if (source_route(&h->addr, &rc) != 0) return;
    lua_pushboolean(L, rc.direct || rc.local);
    lua_setfield(L, -2, "directly_connected");
    set_bytes(L, "bin_ip_src", rc.local ? &h->addr : &rc.src);
    if (!rc.dev[0]) return;
    set_str(L, "interface", rc.dev);
    struct iface_list ifs;
    char err[128];
    if (iface_list_load(&ifs, err, sizeof err) != 0) return;
    const struct iface *ifc = iface_by_name(&ifs, rc.dev);
    if (ifc) {
        set_int(L, "interface_mtu", ifc->mtu);
        if (ifc->hw_type == ARPHRD_ETHER && ifc->hwaddr_len == 6) {
            lua_pushlstring(L, (const char *)ifc->hwaddr, 6);
            lua_setfield(L, -2, "mac_addr_src");
        }
    }
    iface_list_free(&ifs);
}

static void set_times(lua_State *L, const struct host *h, const struct nse_ctx *c)
{
    lua_createtable(L, 0, 3);
    if (h->have_times) {
        lua_pushnumber(L, (lua_Number)h->srtt_us / 1e6);
        lua_setfield(L, -2, "srtt");
        lua_pushnumber(L, (lua_Number)h->rttvar_us / 1e6);
        lua_setfield(L, -2, "rttvar");
        lua_pushnumber(L, (lua_Number)h->timeout_us / 1e6);
        lua_setfield(L, -2, "timeout");
    } else {
        /* No measurement: nmap's initial values (srtt and rttvar -1 us,
         * the initial RTT timeout). */
        int64_t t = c->plan && c->plan->timing.initial_rtt_timeout > 0
                        ? c->plan->timing.initial_rtt_timeout
                        : 1000000;
        lua_pushnumber(L, -1e-6);
        lua_setfield(L, -2, "srtt");
        lua_pushnumber(L, -1e-6);
        lua_setfield(L, -2, "rttvar");
        lua_pushnumber(L, (lua_Number)t / 1e6);
        lua_setfield(L, -2, "timeout");
    }
    lua_setfield(L, -2, "times");
}

/* Hop times are seconds, as nmap 7.93 gives them (its normal output shows
 * milliseconds); a neighbour's one hop is itself, timed by the scan. */
static void set_traceroute(lua_State *L, const struct host_trace *t)
{
    if (!t) return;
    lua_createtable(L, (int)t->n_hops, 0);
    for (size_t i = 0; i < t->n_hops; i++) {
        const struct trace_hop *hop = &t->hops[i];
        lua_createtable(L, 0, 3);
        if (!hop->timed_out) {
            set_addr(L, "ip", &hop->addr);
            if (hop->name) set_str(L, "name", hop->name);
            if (hop->rtt_ms >= 0) {
                lua_pushnumber(L, hop->rtt_ms / 1000.0);
                lua_setfield(L, -2, "srtt");
            }
        }
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "traceroute");
}

void nse_push_host(lua_State *L, struct host *h)
{
    struct nse_ctx *c = nse_ctx(L);
    luaL_checkstack(L, 8, "nse_push_host");
    forget_order(L, h);
    lua_createtable(L, 0, 20);
    lua_pushlightuserdata(L, h);
    lua_setfield(L, -2, "_Target");
    set_addr(L, "ip", &h->addr);
    set_str(L, "name", h->rdns ? h->rdns : "");
    set_str(L, "targetname", h->target_name);
    set_str(L, "reason", reason_name((enum reason)h->reason));
    set_int(L, "reason_ttl", h->reason_ttl);
    set_bytes(L, "bin_ip", &h->addr);
    if (h->has_mac) {
        lua_pushlstring(L, (const char *)h->mac, 6);
        lua_setfield(L, -2, "mac_addr");
    }
    set_route_fields(L, h);
    set_times(L, h, c);
    lua_newtable(L);
    lua_setfield(L, -2, "registry");
    set_traceroute(L, h->trace);
}

void nse_push_port(lua_State *L, const struct host *h, const struct port_result *p)
{
    (void)h;
    static const char *const protos[] = {"tcp", "udp", "sctp"};
    const struct service_info *svc = p->svc;
    const char *name = svc && svc->name         ? svc->name
                       : svc && svc->tcpwrapped ? "tcpwrapped"
                                                : p->service;
    luaL_checkstack(L, 6, "nse_push_port");
    lua_createtable(L, 0, 7);
    set_int(L, "number", p->port);
    set_str(L, "protocol", p->proto < 3 ? protos[p->proto] : "ip");
    set_str(L, "service", name);
    set_str(L, "state", port_state_name((enum port_state)p->state));
    set_str(L, "reason", reason_name((enum reason)p->reason));
    set_int(L, "reason_ttl", p->reason_ttl);

    lua_createtable(L, 0, 12);
    set_str(L, "name", name);
    lua_pushnumber(L, svc ? (lua_Number)svc->conf : 3.0); /* a float, as nmap's */
    lua_setfield(L, -2, "name_confidence");
    if (svc) {
        set_str(L, "product", svc->product);
        set_str(L, "version", svc->version);
        set_str(L, "extrainfo", svc->extrainfo);
        set_str(L, "hostname", svc->hostname);
        set_str(L, "ostype", svc->ostype);
        set_str(L, "devicetype", svc->devicetype);
        set_str(L, "service_fp", svc->fingerprint);
    }
    set_str(L, "service_tunnel", svc && svc->ssl_tunnel ? "ssl" : "none");
    set_str(L, "service_dtype", svc && svc->method == SVC_METHOD_PROBED ? "probed" : "table");
    lua_createtable(L, svc ? (int)svc->n_cpe : 0, 0);
    for (size_t i = 0; svc && i < svc->n_cpe; i++) {
        lua_pushstring(L, svc->cpe[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "cpe");
    lua_setfield(L, -2, "version");
}
