// SPDX-License-Identifier: MIT
// The `nmap` library scripts see (nse-c-api.md §2.1, nmap.luadoc): the
// run's options (verbosity, timing, address family ...), the data-file
// search, name resolution, the ports of the host being scanned (read and
// changed in the result model), new targets for the engine, and the
// shared registry. mutex/condvar live in nse_mutex.c, host and port
// tables in nse_tables.c, sockets in nmap.socket (nse_socket.c).
#include "nse/nse_host.h"

#include <arpa/inet.h>
#include <net/if_arp.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "cli/plan.h"
#include "core/addr.h"
#include "data/datafile.h"
#include "dns/resolv_conf.h"
#include "net/iface.h"
#include "report/model.h"
#include "report/svcfmt.h"
#include "service/probes.h"

/* Registry keys (their addresses). */
static const char registry_key = 'r'; /* nmap.registry */
static const char targets_key = 't';  /* {queue = {...}, seen = {...}, pushed = n} */

static const struct plan *plan_of(lua_State *L)
{
    const struct plan *p = nse_ctx(L)->plan;
    if (!p) luaL_error(L, "NSE: no scan plan");
    return p;
}

/* ---- options of the run ------------------------------------------------ */

static int l_debugging(lua_State *L)
{
    struct nse_ctx *c = nse_ctx(L);
    lua_pushinteger(L, c->run ? run_debugging(c->run) : plan_of(L)->debugging);
    return 1;
}

static int l_verbosity(lua_State *L)
{
    struct nse_ctx *c = nse_ctx(L);
    int v = c->run ? run_verbosity(c->run) : plan_of(L)->verbosity;
    if (v < 0) v = 0;
    if (nse_selectedbyname(L)) v++;
    lua_pushinteger(L, v);
    return 1;
}

/* Pushes nmap.registry.args[name] (nil when absent). */
static void push_script_arg(lua_State *L, const char *name)
{
    int top = lua_gettop(L);
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &registry_key) == LUA_TTABLE &&
        lua_getfield(L, -1, "args") == LUA_TTABLE) {
        lua_getfield(L, -1, name);
    } else {
        lua_pushnil(L);
    }
    lua_replace(L, top + 1);
    lua_settop(L, top + 1);
}

static int l_version_intensity(lua_State *L)
{
    if (nse_selectedbyname(L)) {
        lua_pushinteger(L, 9);
        return 1;
    }
    push_script_arg(L, "script-intensity");
    if (!lua_isnil(L, -1)) {
        int isnum = 0;
        lua_Integer v = lua_tointegerx(L, -1, &isnum);
        if (!isnum || v < 0 || v > 9)
            return luaL_error(L, "Valid values of script arg script-intensity are between 0 and 9");
        lua_pushinteger(L, v);
        return 1;
    }
    lua_pop(L, 1);
    int v = plan_of(L)->version_intensity;
    lua_pushinteger(L, v >= 0 && v <= 9 ? v : 7);
    return 1;
}

static int l_timing_level(lua_State *L)
{
    lua_pushinteger(L, plan_of(L)->timing.level);
    return 1;
}

static int l_is_privileged(lua_State *L)
{
    lua_pushboolean(L, plan_of(L)->privileged);
    return 1;
}

/* The module links OpenSSL (nse_openssl.c, the SSL sockets). */
static int l_have_ssl(lua_State *L)
{
    lua_pushboolean(L, 1);
    return 1;
}

static int l_address_family(lua_State *L)
{
    lua_pushstring(L, plan_of(L)->address_family == AF_INET6 ? "inet6" : "inet");
    return 1;
}

static int l_get_interface(lua_State *L)
{
    const char *dev = plan_of(L)->device;
    if (dev)
        lua_pushstring(L, dev);
    else
        lua_pushnil(L);
    return 1;
}

/* --ttl and --data-length are not supported by cmap, so these are the
 * values nmap gives when the options are absent. */
static int l_get_ttl(lua_State *L)
{
    lua_pushinteger(L, 64);
    return 1;
}

static int l_get_payload_length(lua_State *L)
{
    lua_pushinteger(L, 0);
    return 1;
}

static int l_clock(lua_State *L)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    lua_pushnumber(L, (lua_Number)tv.tv_sec + (lua_Number)tv.tv_usec / 1e6);
    return 1;
}

static int l_clock_ms(lua_State *L)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    /* whole milliseconds, as a float: nselib packs values derived from it
     * as integers (snmp.lua's request id) */
    lua_pushnumber(L, (lua_Number)((int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000));
    return 1;
}

static int l_log_write(lua_State *L)
{
    static const char *const where[] = {"stdout", "stderr", NULL};
    int w = luaL_checkoption(L, 1, NULL, where);
    const char *msg = luaL_checkstring(L, 2);
    FILE *fp = w == 0 ? stdout : stderr;
    fprintf(fp, "NSE: %s\n", msg);
    fflush(fp);
    return 0;
}

static int l_get_random_bytes(lua_State *L)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 0 && n <= (1 << 24), 1, "byte count out of range");
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, (size_t)n);
    size_t got = 0;
    while (got < (size_t)n) {
        ssize_t r = getrandom(p + got, (size_t)n - got, 0);
        if (r <= 0) return luaL_error(L, "get_random_bytes: no randomness available");
        got += (size_t)r;
    }
    luaL_pushresultsize(&b, (size_t)n);
    return 1;
}

/* ---- new_try ----------------------------------------------------------- */

/* Raise {errtype = "nmap.new_try", message = <arg 2>}: nse_main ends the
 * script quietly on it. Also the continuation after the handler ran (it
 * may have yielded). */
static int try_raise(lua_State *L, int status, lua_KContext k)
{
    (void)status;
    (void)k;
    lua_createtable(L, 0, 2);
    lua_pushliteral(L, "nmap.new_try");
    lua_setfield(L, -2, "errtype");
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "message");
    return lua_error(L);
}

static int try_call(lua_State *L)
{
    if (lua_toboolean(L, 1)) return lua_gettop(L) - 1; /* all but the status */
    /* keep the status and the message */
    lua_settop(L, 2);
    if (!lua_isnil(L, lua_upvalueindex(1))) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_callk(L, 0, 0, 0, try_raise);
    }
    return try_raise(L, LUA_OK, 0);
}

static int l_new_try(lua_State *L)
{
    lua_settop(L, 1);
    if (!lua_isnil(L, 1)) luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_pushcclosure(L, try_call, 1);
    return 1;
}

/* ---- files and names --------------------------------------------------- */

static int l_fetchfile(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    const struct plan *p = plan_of(L);
    struct datafile_ctx dctx = {p->datadir, p->exe_path, p->debugging};
    char path[4096];
    if (datafile_find(&dctx, name, path, sizeof path) == 0)
        lua_pushstring(L, path);
    else
        lua_pushnil(L);
    return 1;
}

static int l_resolve(lua_State *L)
{
    static const char *const fams[] = {"inet", "inet6", "unspec", NULL};
    static const int af[] = {AF_INET, AF_INET6, AF_UNSPEC};
    const char *name = luaL_checkstring(L, 1);
    int family = af[luaL_checkoption(L, 2, "unspec", fams)];
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    if (getaddrinfo(name, NULL, &hints, &res) != 0 || !res) {
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "Failed to resolve");
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_newtable(L);
    lua_Integer n = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
        struct net_addr a;
        char buf[NET_ADDR_STRLEN];
        net_addr_from_sockaddr(ai->ai_addr, &a);
        net_addr_format(&a, buf, sizeof buf);
        lua_pushstring(L, buf);
        lua_rawseti(L, -2, ++n);
    }
    freeaddrinfo(res);
    return 2;
}

static int l_get_dns_servers(lua_State *L)
{
    const struct plan *p = plan_of(L);
    struct dns_server_list *list = malloc(sizeof *list);
    if (!list) return luaL_error(L, "out of memory");
    list->n = 0;
    dns_servers_load(list, p->dns_servers, p->n_dns_servers, RESOLV_CONF_PATH, false);
    /* Last first: nmap 7.93 gives its server list in reverse (measured
     * with --dns-servers and with resolv.conf). */
    lua_createtable(L, (int)list->n, 0);
    for (size_t i = 0; i < list->n; i++) {
        struct net_addr a;
        char buf[NET_ADDR_STRLEN];
        net_addr_from_sockaddr((const struct sockaddr *)&list->v[list->n - 1 - i].sa, &a);
        net_addr_format(&a, buf, sizeof buf);
        lua_pushstring(L, buf);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    free(list);
    return 1;
}

/* ---- interfaces ---------------------------------------------------------- */

static const char *link_name(const struct iface *ifc)
{
    if (ifc->flags & IFF_LOOPBACK || ifc->hw_type == ARPHRD_LOOPBACK) return "loopback";
    if (ifc->hw_type == ARPHRD_ETHER) return "ethernet";
    if (ifc->flags & IFF_POINTOPOINT || ifc->hw_type == ARPHRD_PPP) return "p2p";
    return "other";
}

/* One entry of list_interfaces / get_interface_info: an interface and one
 * of its addresses (NULL for an interface that has none). */
static void push_iface_entry(lua_State *L, const struct iface *ifc, const struct iface_addr *a)
{
    bool ether = strcmp(link_name(ifc), "ethernet") == 0;
    lua_createtable(L, 0, 9);
    lua_pushstring(L, ifc->name); /* not the IPv4 label: nmap 7.93 shows "lo" for "lo:7" too */
    lua_setfield(L, -2, "device");
    lua_pushstring(L, ifc->name);
    lua_setfield(L, -2, "shortname");
    if (a) {
        char buf[NET_ADDR_STRLEN];
        lua_pushinteger(L, a->prefix_len);
        lua_setfield(L, -2, "netmask");
        net_addr_format(&a->addr, buf, sizeof buf);
        lua_pushstring(L, buf);
        lua_setfield(L, -2, "address");
        if (ether && a->addr.family == AF_INET) {
            uint32_t v = net_addr_v4(&a->addr);
            uint32_t mask = a->prefix_len >= 32  ? 0xffffffffu
                            : a->prefix_len == 0 ? 0
                                                 : ~(0xffffffffu >> a->prefix_len);
            struct net_addr bc = a->addr;
            net_addr_set_v4(&bc, v | ~mask);
            net_addr_format(&bc, buf, sizeof buf);
            lua_pushstring(L, buf);
            lua_setfield(L, -2, "broadcast");
        }
    }
    lua_pushstring(L, link_name(ifc));
    lua_setfield(L, -2, "link");
    if (ether && ifc->hwaddr_len == 6) {
        lua_pushlstring(L, (const char *)ifc->hwaddr, 6);
        lua_setfield(L, -2, "mac");
    }
    lua_pushstring(L, ifc->flags & IFF_UP ? "up" : "down");
    lua_setfield(L, -2, "up");
    lua_pushinteger(L, ifc->mtu);
    lua_setfield(L, -2, "mtu");
}

/* nmap (libdnet) learns IPv6 addresses from /proc/net/if_inet6, whose
 * order (the kernel's address hash) is not the rtnetlink dump's: the rank
 * of address a in that file, SIZE_MAX when it is not listed. */
#define IF_INET6 "/proc/net/if_inet6"
#define IF_INET6_MAX_LINES 4096

static size_t v6_rank(const struct net_addr *a)
{
    FILE *fp = fopen(IF_INET6, "re");
    if (!fp) return SIZE_MAX;
    char line[256];
    size_t rank = SIZE_MAX;
    for (size_t n = 0; n < IF_INET6_MAX_LINES && fgets(line, sizeof line, fp); n++) {
        uint8_t b[16];
        bool ok = strlen(line) >= 32;
        for (int i = 0; ok && i < 16; i++) {
            unsigned v;
            ok = sscanf(line + 2 * i, "%2x", &v) == 1;
            b[i] = (uint8_t)v;
        }
        if (ok && memcmp(b, a->bytes, 16) == 0) {
            rank = n;
            break;
        }
    }
    fclose(fp);
    return rank;
}

/* The addresses of ifc in nmap's order: IPv4 as listed, then IPv6 by
 * their rank in /proc/net/if_inet6. idx receives ifc->n_addrs indexes. */
static void nmap_addr_order(const struct iface *ifc, size_t *idx)
{
    size_t n = 0;
    for (size_t j = 0; j < ifc->n_addrs; j++)
        if (ifc->addrs[j].addr.family != AF_INET6) idx[n++] = j;
    size_t first6 = n;
    for (size_t j = 0; j < ifc->n_addrs; j++)
        if (ifc->addrs[j].addr.family == AF_INET6) idx[n++] = j;
    size_t *rank = calloc(ifc->n_addrs ? ifc->n_addrs : 1, sizeof *rank);
    if (!rank) return; /* the dump's order, then */
    for (size_t j = first6; j < n; j++)
        rank[idx[j]] = v6_rank(&ifc->addrs[idx[j]].addr);
    for (size_t j = first6 + 1; j < n; j++) { /* insertion sort: stable, few */
        size_t v = idx[j], k = j;
        for (; k > first6 && rank[idx[k - 1]] > rank[v]; k--)
            idx[k] = idx[k - 1];
        idx[k] = v;
    }
    free(rank);
}

static int l_list_interfaces(lua_State *L)
{
    struct iface_list ifs;
    char err[256];
    if (iface_list_load(&ifs, err, sizeof err) < 0) {
        lua_pushboolean(L, 0);
        lua_pushstring(L, err);
        return 2;
    }
    lua_newtable(L);
    lua_Integer n = 0;
    for (size_t i = 0; i < ifs.n; i++) {
        const struct iface *ifc = &ifs.ifs[i];
        size_t *order = malloc((ifc->n_addrs ? ifc->n_addrs : 1) * sizeof *order);
        if (!order) continue;
        nmap_addr_order(ifc, order);
        for (size_t j = 0; j < ifc->n_addrs; j++) {
            push_iface_entry(L, ifc, &ifc->addrs[order[j]]);
            lua_rawseti(L, -2, ++n);
        }
        free(order);
    }
    iface_list_free(&ifs);
    return 1;
}

/* The interface named dev, with its first address of the scan's family. */
static int l_get_interface_info(lua_State *L)
{
    const char *dev = luaL_checkstring(L, 1);
    struct iface_list ifs;
    char err[256];
    if (iface_list_load(&ifs, err, sizeof err) < 0) {
        lua_pushboolean(L, 0);
        lua_pushstring(L, err);
        return 2;
    }
    /* nmap's getInterfaceByName: the device's first address of the scan's
     * family (-6: IPv6); a device without one is not found. */
    int family = plan_of(L)->address_family == AF_INET6 ? AF_INET6 : AF_INET;
    const struct iface *ifc = iface_by_name(&ifs, dev);
    bool found = false;
    size_t *order = ifc ? malloc((ifc->n_addrs ? ifc->n_addrs : 1) * sizeof *order) : NULL;
    if (order) nmap_addr_order(ifc, order);
    for (size_t j = 0; order && j < ifc->n_addrs && !found; j++) {
        if (ifc->addrs[order[j]].addr.family != family) continue;
        push_iface_entry(L, ifc, &ifc->addrs[order[j]]);
        found = true;
    }
    free(order);
    iface_list_free(&ifs);
    if (found) return 1;
    lua_pushboolean(L, 0);
    lua_pushliteral(L, "failed to find interface");
    return 2;
}

/* ---- ports of the scanned hosts ---------------------------------------- */

static int l_get_port_state(lua_State *L)
{
    struct host *h = nse_gethost(L, 1);
    struct port_result *p = nse_getport(L, h, 2);
    if (p)
        nse_push_port(L, h, p);
    else
        lua_pushnil(L);
    return 1;
}

static const char *const proto_opts[] = {"tcp", "udp", "sctp", NULL};

static int l_get_ports(lua_State *L)
{
    static const char *const states[] = {"open",          "filtered",        "unfiltered", "closed",
                                         "open|filtered", "closed|filtered", NULL};
    static const uint8_t state_of[] = {PORT_OPEN,   PORT_FILTERED,      PORT_UNFILTERED,
                                       PORT_CLOSED, PORT_OPEN_FILTERED, PORT_CLOSED_FILTERED};
    struct host *h = nse_gethost(L, 1);
    long prev = -1;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_getfield(L, 2, "number");
        if (!lua_isinteger(L, -1)) return luaL_error(L, "port 'number' field must be an integer");
        prev = (long)lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    uint8_t proto = (uint8_t)luaL_checkoption(L, 3, NULL, proto_opts);
    uint8_t state = state_of[luaL_checkoption(L, 4, NULL, states)];
    /* nmap walks ports by number: find the first of proto past prev in
     * that order, then the first in the state asked for. */
    const uint32_t *order = nse_port_order(L, h);
    size_t lo = 0, hi = h->n_ports;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct port_result *p = &h->ports[order[mid]];
        if (p->proto < proto || (p->proto == proto && (long)p->port <= prev))
            lo = mid + 1;
        else
            hi = mid;
    }
    const struct port_result *best = NULL;
    for (size_t i = lo; i < h->n_ports && !best; i++) {
        const struct port_result *p = &h->ports[order[i]];
        if (p->proto != proto) break;
        if (p->state == state) best = p;
    }
    if (best)
        nse_push_port(L, h, best);
    else
        lua_pushnil(L);
    return 1;
}

static int l_set_port_state(lua_State *L)
{
    static const char *const states[] = {"open", "closed", NULL};
    struct host *h = nse_gethost(L, 1);
    struct port_result *p = nse_getport(L, h, 2);
    if (!p) return 0;
    uint8_t st = luaL_checkoption(L, 3, NULL, states) == 0 ? PORT_OPEN : PORT_CLOSED;
    if (p->state == st) return 0;
    p->state = st;
    p->reason = REASON_SCRIPT_SET;
    p->reason_ttl = 0;
    return 0;
}

/* port.version.<field> as a new heap string, NULL when absent or empty. */
static char *version_field(lua_State *L, int vidx, const char *field)
{
    char *s = NULL;
    if (lua_getfield(L, vidx, field) == LUA_TSTRING || lua_type(L, -1) == LUA_TNUMBER) {
        size_t len;
        const char *v = lua_tolstring(L, -1, &len);
        if (len > 0) s = strndup(v, len);
    }
    lua_pop(L, 1);
    return s;
}

/* Move the Lua string at the top into the cpe list (popped). */
static void add_cpe(struct service_info *si, lua_State *L)
{
    size_t len;
    const char *v = lua_tolstring(L, -1, &len);
    if (v && len > 0) {
        char **n = realloc(si->cpe, (si->n_cpe + 1) * sizeof *n);
        if (n) {
            si->cpe = n;
            if ((n[si->n_cpe] = strndup(v, len))) si->n_cpe++;
        }
    }
    lua_pop(L, 1);
}

static int l_set_port_version(lua_State *L)
{
    static const char *const states[] = {"hardmatched", "softmatched", "nomatch",
                                         "tcpwrapped",  "incomplete",  NULL};
    enum { HARD, SOFT, NOMATCH, WRAPPED, INCOMPLETE };
    struct host *h = nse_gethost(L, 1);
    struct port_result *p = nse_getport(L, h, 2);
    int ps = luaL_checkoption(L, 3, "hardmatched", states);
    lua_settop(L, 3);
    if (lua_getfield(L, 2, "version") != LUA_TTABLE)
        return luaL_error(L, "port 'version' field must be a table");
    bool ssl = false;
    if (lua_getfield(L, 4, "service_tunnel") != LUA_TNIL) {
        const char *t = lua_tostring(L, -1);
        if (t && strcmp(t, "ssl") == 0)
            ssl = true;
        else if (!t || strcmp(t, "none") != 0)
            return luaL_argerror(L, 2, "invalid value for port.version.service_tunnel");
    }
    lua_pop(L, 1);
    if (!p) return 0;

    struct service_info *si = calloc(1, sizeof *si);
    if (!si) return luaL_error(L, "out of memory");
    si->name = version_field(L, 4, "name");
    si->product = version_field(L, 4, "product");
    si->version = version_field(L, 4, "version");
    si->extrainfo = version_field(L, 4, "extrainfo");
    si->hostname = version_field(L, 4, "hostname");
    si->ostype = version_field(L, 4, "ostype");
    si->devicetype = version_field(L, 4, "devicetype");
    si->ssl_tunnel = ssl;
    if (lua_getfield(L, 4, "cpe") == LUA_TTABLE) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
        for (lua_Integer i = 1; i <= n && i <= 64; i++) {
            lua_rawgeti(L, -1, i);
            add_cpe(si, L);
        }
    }
    lua_pop(L, 1);
    /* nmap's confidence per probe state: a match (hard or soft) is a
     * probed 10, tcpwrapped a probed 8 named "tcpwrapped" unless the
     * script named it, anything else falls back to the services table. */
    switch (ps) {
    case HARD:
    case SOFT:
        si->method = SVC_METHOD_PROBED;
        si->conf = 10;
        break;
    case WRAPPED:
        si->method = SVC_METHOD_PROBED;
        si->conf = 8;
        if (!si->name) si->tcpwrapped = true;
        break;
    default:
        si->method = SVC_METHOD_TABLE;
        si->conf = 3;
        break;
    }
    /* port.version.service_fp (the -sV fingerprint the port table
     * carried, or what the script put there) stays unless the script
     * claims a hard match: nmap 7.93 was seen to keep it for every other
     * probe state and drop it for hardmatched. */
    if (ps != HARD) si->fingerprint = version_field(L, 4, "service_fp");
    svc_sanitize(si);
    service_info_free(p->svc);
    p->svc = si;
    return 0;
}

/* The Exclude directive of nmap-service-probes, read once per state
 * (the version scan's own copy lives in the exe's service scan). */
static const char excl_key = 'x';

static int excl_gc(lua_State *L)
{
    struct vscan_db **db = lua_touserdata(L, 1);
    if (db && *db) vscan_free(*db);
    if (db) *db = NULL;
    return 0;
}

static const struct vscan_db *probes_db(lua_State *L)
{
    lua_rawgetp(L, LUA_REGISTRYINDEX, &excl_key);
    struct vscan_db **slot = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (slot) return *slot;
    const struct plan *p = plan_of(L);
    struct datafile_ctx dctx = {p->datadir, p->exe_path, p->debugging};
    char path[4096], err[512];
    if (datafile_find(&dctx, "nmap-service-probes", path, sizeof path) < 0)
        luaL_error(L, "Service scan requested but I cannot find nmap-service-probes file.");
    struct vscan_db *db = vscan_load(path, err, sizeof err);
    if (!db) luaL_error(L, "%s", err);
    slot = lua_newuserdatauv(L, sizeof *slot, 0);
    *slot = db;
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, excl_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &excl_key);
    return db;
}

static int l_port_is_excluded(lua_State *L)
{
    lua_Integer port = luaL_checkinteger(L, 1);
    luaL_argcheck(L, port >= 0 && port <= 65535, 1, "port number out of range");
    int proto = luaL_checkoption(L, 2, NULL, proto_opts);
    /* nmap answers from the probes its version scan loaded: without -sV,
     * or with --allports, nothing is excluded (measured on 7.93). */
    const struct plan *p = plan_of(L);
    if (!p->version_scan || p->version_all_ports) {
        lua_pushboolean(L, 0);
        return 1;
    }
    lua_pushboolean(L, vscan_excluded(probes_db(L), (uint16_t)port, (enum proto_index)proto));
    return 1;
}

/* ---- new targets ----------------------------------------------------------- */

/* Bounds on what scripts can queue: a name or address, and a run's
 * distinct targets (nmap has none; a script gone wrong should not take
 * all memory). */
#define NEW_TARGET_LEN_MAX 1024
#define NEW_TARGETS_MAX (1L << 20)

/* Pushes the targets table, creating it on first use. */
static void push_targets(lua_State *L)
{
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &targets_key) == LUA_TTABLE) return;
    lua_pop(L, 1);
    lua_createtable(L, 0, 3);
    lua_newtable(L);
    lua_setfield(L, -2, "queue");
    lua_newtable(L);
    lua_setfield(L, -2, "seen");
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "pushed");
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &targets_key);
}

static int l_add_targets(lua_State *L)
{
    int n = lua_gettop(L);
    push_targets(L);
    int t = lua_gettop(L);
    lua_getfield(L, t, "queue");
    lua_getfield(L, t, "seen");
    int queue = t + 1, seen = t + 2;
    if (n == 0) {
        lua_pushinteger(L, (lua_Integer)lua_rawlen(L, queue));
        return 1;
    }
    lua_getfield(L, t, "pushed");
    lua_Integer pushed = lua_tointeger(L, -1);
    lua_pop(L, 1);
    lua_Integer added = 0;
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_checklstring(L, i, &len);
        if (len == 0 || len > NEW_TARGET_LEN_MAX || memchr(s, '\0', len)) break;
        if (pushed >= NEW_TARGETS_MAX) break; /* memory stays bounded */
        added++;
        lua_pushvalue(L, i);
        if (lua_rawget(L, seen) != LUA_TNIL) { /* queued once already */
            lua_pop(L, 1);
            continue;
        }
        lua_pop(L, 1);
        lua_pushvalue(L, i);
        lua_pushboolean(L, 1);
        lua_rawset(L, seen);
        lua_pushvalue(L, i);
        lua_rawseti(L, queue, (lua_Integer)lua_rawlen(L, queue) + 1);
        pushed++;
    }
    lua_pushinteger(L, pushed);
    lua_setfield(L, t, "pushed");
    if (added == 0) {
        lua_pushinteger(L, 0);
        lua_pushliteral(L, "failed to add new targets.");
        return 2;
    }
    lua_pushinteger(L, added);
    return 1;
}

static int l_new_targets_num(lua_State *L)
{
    push_targets(L);
    lua_getfield(L, -1, "pushed");
    return 1;
}

size_t nse_take_new_targets(lua_State *L, char ***out)
{
    *out = NULL;
    push_targets(L);
    lua_getfield(L, -1, "queue");
    size_t n = (size_t)lua_rawlen(L, -1);
    char **v = n ? calloc(n, sizeof *v) : NULL;
    size_t got = 0;
    for (size_t i = 1; v && i <= n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        const char *s = lua_tostring(L, -1);
        if (s && (v[got] = strdup(s))) got++;
        lua_pop(L, 1);
    }
    lua_newtable(L);
    lua_setfield(L, -3, "queue");
    lua_pop(L, 2);
    if (got == 0) {
        free(v);
        return 0;
    }
    *out = v;
    return got;
}

/* ---- the module ------------------------------------------------------------ */

static const luaL_Reg nmaplib[] = {
    {"debugging", l_debugging},
    {"verbosity", l_verbosity},
    {"version_intensity", l_version_intensity},
    {"timing_level", l_timing_level},
    {"is_privileged", l_is_privileged},
    {"have_ssl", l_have_ssl},
    {"address_family", l_address_family},
    {"get_interface", l_get_interface},
    {"list_interfaces", l_list_interfaces},
    {"get_interface_info", l_get_interface_info},
    {"get_ttl", l_get_ttl},
    {"get_payload_length", l_get_payload_length},
    {"resolve", l_resolve},
    {"get_dns_servers", l_get_dns_servers},
    {"fetchfile", l_fetchfile},
    {"get_port_state", l_get_port_state},
    {"get_ports", l_get_ports},
    {"set_port_state", l_set_port_state},
    {"set_port_version", l_set_port_version},
    {"port_is_excluded", l_port_is_excluded},
    {"clock", l_clock},
    {"clock_ms", l_clock_ms},
    {"log_write", l_log_write},
    {"new_try", l_new_try},
    {"mutex", nse_mutex},
    {"condvar", nse_condvar},
    {"add_targets", l_add_targets},
    {"new_targets_num", l_new_targets_num},
    {"get_random_bytes", l_get_random_bytes},
    {NULL, NULL},
};

int luaopen_nmap(lua_State *L)
{
    luaL_newlib(L, nmaplib);
    int nmap = lua_gettop(L);

    lua_newtable(L); /* the registry: one table for the whole run */
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &registry_key);
    lua_setfield(L, nmap, "registry");

    luaL_requiref(L, "nmap.socket", luaopen_nse_socket, 0);
    if (lua_istable(L, -1)) {
        lua_getfield(L, -1, "new");
        lua_setfield(L, nmap, "new_socket");
    }
    lua_setfield(L, nmap, "socket");

    luaL_requiref(L, "nmap.dnet", luaopen_nse_dnet, 0);
    lua_pushcfunction(L, l_get_interface_info);
    lua_setfield(L, -2, "get_interface_info");
    lua_getfield(L, -1, "new");
    lua_setfield(L, nmap, "new_dnet");
    lua_setfield(L, nmap, "dnet");
    return 1;
}
