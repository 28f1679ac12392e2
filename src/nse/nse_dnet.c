// SPDX-License-Identifier: MIT
// nmap.dnet (nse-c-api.md §3.3): raw frames and IP packets that broadcast
// and discovery scripts build themselves (broadcast-*, ipv6-node-info,
// targets-ipv6-*). ethernet_open binds a packet socket to one Ethernet
// interface; ip_open opens raw IP sockets that send the caller's packet,
// header included, to its own destination (or the one given). Argument
// mistakes raise errors as nmap's do; a failed send returns false and why.
#include "nse/nse_host.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/addr.h"
#include "net/iface.h"

#define DNET_META "nmap.dnet"

struct dnet {
    int eth; /* AF_PACKET socket bound to eth_ifindex, -1 when closed */
    int eth_ifindex;
    int ip4, ip6; /* raw IP sockets (header included), -1 when closed */
    bool ip_open;
};

static struct dnet *check_dnet(lua_State *L)
{
    return luaL_checkudata(L, 1, DNET_META);
}

static int success(lua_State *L)
{
    lua_pushboolean(L, 1);
    return 1;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) close(*fd);
    *fd = -1;
}

static int l_new(lua_State *L)
{
    struct dnet *d = lua_newuserdatauv(L, sizeof *d, 0);
    d->eth = d->ip4 = d->ip6 = -1;
    d->eth_ifindex = 0;
    d->ip_open = false;
    luaL_setmetatable(L, DNET_META);
    return 1;
}

static int l_gc(lua_State *L)
{
    struct dnet *d = check_dnet(L);
    close_fd(&d->eth);
    close_fd(&d->ip4);
    close_fd(&d->ip6);
    return 0;
}

static int l_ethernet_open(lua_State *L)
{
    struct dnet *d = check_dnet(L);
    const char *dev = luaL_checkstring(L, 2);
    struct iface_list ifs;
    char err[256];
    int ifindex = 0;
    if (iface_list_load(&ifs, err, sizeof err) == 0) {
        const struct iface *ifc = iface_by_name(&ifs, dev);
        if (ifc && ifc->hw_type == ARPHRD_ETHER) ifindex = ifc->index;
        iface_list_free(&ifs);
    }
    if (!ifindex) return luaL_argerror(L, 2, "device is not valid ethernet interface");
    close_fd(&d->eth);
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* send only: no protocol */
    if (fd < 0) return luaL_error(L, "unable to open dnet on ethernet interface %s", dev);
    struct sockaddr_ll sll = {.sll_family = AF_PACKET, .sll_ifindex = ifindex};
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) {
        close(fd);
        return luaL_error(L, "unable to open dnet on ethernet interface %s", dev);
    }
    d->eth = fd;
    d->eth_ifindex = ifindex;
    return success(L);
}

static int l_ethernet_close(lua_State *L)
{
    struct dnet *d = check_dnet(L);
    close_fd(&d->eth);
    return success(L);
}

static int l_ethernet_send(lua_State *L)
{
    struct dnet *d = check_dnet(L);
    size_t len;
    const char *frame = luaL_checklstring(L, 2, &len);
    if (d->eth < 0) return luaL_error(L, "dnet is not valid opened ethernet interface");
    if (len < ETH_HLEN) {
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "eth_send error: frame too short");
        return 2;
    }
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET, .sll_ifindex = d->eth_ifindex, .sll_halen = ETH_ALEN};
    memcpy(sll.sll_addr, frame, ETH_ALEN);
    if (sendto(d->eth, frame, len, 0, (struct sockaddr *)&sll, sizeof sll) < 0) {
        int e = errno;
        lua_pushboolean(L, 0);
        lua_pushfstring(L, "eth_send error: %s", strerror(e));
        return 2;
    }
    return success(L);
}

static int l_ip_open(lua_State *L)
{
    struct dnet *d = check_dnet(L);
    close_fd(&d->ip4);
    close_fd(&d->ip6);
    d->ip4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
    if (d->ip4 < 0) {
        int e = errno;
        return luaL_error(L, "failed to open raw socket: %s (errno %d)", strerror(e), e);
    }
    d->ip_open = true;
    return success(L);
}

static int l_ip_close(lua_State *L)
{
    struct dnet *d = check_dnet(L);
    close_fd(&d->ip4);
    close_fd(&d->ip6);
    d->ip_open = false;
    return success(L);
}

/* The destination argument of ip_send: a host table (its ip), an address
 * or a name. 0, or -1 when it names nothing of family `family`. */
static int dest_of(lua_State *L, int idx, int family, struct net_addr *out)
{
    const char *s = NULL;
    if (lua_istable(L, idx)) {
        lua_getfield(L, idx, "ip");
        s = lua_tostring(L, -1);
        lua_pop(L, 1); /* the table still holds the string */
    } else {
        s = luaL_checkstring(L, idx);
    }
    if (!s) return -1;
    if (net_addr_parse(s, family, out) == 0) return 0;
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_RAW};
    struct addrinfo *res = NULL;
    if (getaddrinfo(s, NULL, &hints, &res) != 0 || !res) return -1;
    net_addr_from_sockaddr(res->ai_addr, out);
    freeaddrinfo(res);
    return 0;
}

static int l_ip_send(lua_State *L)
{
    struct dnet *d = check_dnet(L);
    size_t len;
    const unsigned char *pkt = (const unsigned char *)luaL_checklstring(L, 2, &len);
    if (!d->ip_open) return luaL_error(L, "raw socket not open to send");
    if (len < 20) return luaL_error(L, "ip packet too short");
    int version = pkt[0] >> 4, family;
    struct net_addr dst = {0};
    if (version == 4) {
        family = AF_INET;
        dst.family = AF_INET;
        memcpy(dst.bytes, pkt + 16, 4);
    } else if (version == 6) {
        if (len < 40) return luaL_error(L, "ip packet too short");
        family = AF_INET6;
        dst.family = AF_INET6;
        memcpy(dst.bytes, pkt + 24, 16);
    } else {
        return luaL_error(L, "unknown IP version %d", version);
    }
    if (!lua_isnoneornil(L, 3) && dest_of(L, 3, family, &dst) != 0) {
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "failed to resolve the destination");
        return 2;
    }
    int fd = d->ip4;
    if (family == AF_INET6) {
        if (d->ip6 < 0) d->ip6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
        fd = d->ip6;
    }
    struct sockaddr_storage ss;
    socklen_t sl = net_addr_to_sockaddr(&dst, 0, &ss);
    if (fd < 0 || sendto(fd, pkt, len, 0, (struct sockaddr *)&ss, sl) < 0) {
        int e = fd < 0 ? EBADF : errno;
        lua_pushboolean(L, 0);
        lua_pushfstring(L, "error while sending: %s (errno %d)", strerror(e), e);
        return 2;
    }
    return success(L);
}

/* nmap.dnet.get_interface_info is nmap.get_interface_info (nse_nmaplib.c). */
static const luaL_Reg methods[] = {
    {"ethernet_open", l_ethernet_open},
    {"ethernet_close", l_ethernet_close},
    {"ethernet_send", l_ethernet_send},
    {"ip_open", l_ip_open},
    {"ip_close", l_ip_close},
    {"ip_send", l_ip_send},
    {NULL, NULL},
};

int luaopen_nse_dnet(lua_State *L)
{
    if (luaL_newmetatable(L, DNET_META)) {
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, l_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, "dnet objects are protected");
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, l_new);
    lua_setfield(L, -2, "new");
    return 1;
}
