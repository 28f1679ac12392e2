// SPDX-License-Identifier: MIT
// Capture sockets (socket:pcap_open/pcap_receive/pcap_close): a socket
// turned into a libpcap reader on one device with a BPF filter. The
// capture descriptor is non-blocking and watched by the same event loop
// as connections, so pcap_receive yields like a read and times out with
// nil,"TIMEOUT".
#include "nse/nse_socket.h"

#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "core/loop.h"

void nse_sock_pcap_free(struct nse_sock *s)
{
    if (s->pcap) {
        if (s->watching && s->fd >= 0) loop_forget(s->ctx->loop, s->fd);
        s->watching = 0;
        pcap_close(s->pcap);
        s->pcap = NULL;
        s->fd = -1; /* pcap's descriptor, closed with it */
    }
    free(s->pkt);
    s->pkt = NULL;
    s->pkt_len = s->pkt_caplen = 0;
}

/* Bytes of link-layer header before the IP header. */
static int link_header_len(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB:
        return 14;
    case DLT_NULL:
    case DLT_LOOP:
        return 4;
    case DLT_RAW:
        return 0;
    case DLT_LINUX_SLL:
        return 16;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
        return 20;
#endif
    case DLT_IEEE802_11:
        return 24;
    default:
        return 0;
    }
}

bool nse_sock_pcap_read(struct nse_sock *s)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    if (!s->pcap) return false;
    int rc = pcap_next_ex(s->pcap, &h, &data);
    if (rc != 1) return false;
    size_t cap = h->caplen;
    char *copy = malloc(cap ? cap : 1);
    if (!copy) return false;
    memcpy(copy, data, cap);
    free(s->pkt);
    s->pkt = copy;
    s->pkt_caplen = cap;
    s->pkt_len = h->len;
    s->pkt_time = (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6;
    return true;
}

static int l_pcap_open(lua_State *L)
{
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    if (s->op != OP_NONE) return luaL_error(L, "Invalid reuse of a socket from one thread to another.");
    const char *dev = luaL_checkstring(L, 2);
    lua_Integer snaplen = luaL_checkinteger(L, 3);
    luaL_checktype(L, 4, LUA_TBOOLEAN);
    int promisc = lua_toboolean(L, 4);
    const char *bpf = luaL_checkstring(L, 5);
    if (snaplen <= 0 || snaplen > 262144) snaplen = 262144;
    if (s->fd >= 0 || s->pcap) return luaL_error(L, "socket is already open");
    char err[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(dev, err);
    if (!p) return luaL_error(L, "can't open pcap reader on %s: %s", dev, err);
    pcap_set_snaplen(p, (int)snaplen);
    pcap_set_promisc(p, promisc);
    pcap_set_timeout(p, 1);
    pcap_set_immediate_mode(p, 1);
    struct bpf_program prog;
    if (pcap_activate(p) < 0 || pcap_setnonblock(p, 1, err) < 0 ||
        pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0) {
        lua_pushfstring(L, "can't open pcap reader on %s: %s", dev, pcap_geterr(p));
        pcap_close(p);
        return lua_error(L);
    }
    int rc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    int fd = pcap_get_selectable_fd(p);
    if (rc < 0 || fd < 0) {
        lua_pushfstring(L, "can't open pcap reader on %s: %s", dev, pcap_geterr(p));
        pcap_close(p);
        return lua_error(L);
    }
    s->pcap = p;
    s->fd = fd;
    s->pcap_linkhdr = link_header_len(pcap_datalink(p));
    return 0;
}

static int pcap_k(lua_State *L, int status, lua_KContext kctx)
{
    (void)status;
    (void)kctx;
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    if (s->st != NS_OK || !s->pkt) return nse_sock_push_status(L, s->st == NS_OK ? NS_ERROR : s->st);
    size_t l2 = (size_t)s->pcap_linkhdr;
    if (l2 > s->pkt_caplen) l2 = s->pkt_caplen;
    lua_pushboolean(L, 1);
    lua_pushinteger(L, (lua_Integer)s->pkt_len);
    lua_pushlstring(L, s->pkt, l2);
    lua_pushlstring(L, s->pkt + l2, s->pkt_caplen - l2);
    lua_pushnumber(L, s->pkt_time);
    return 5;
}

static int l_pcap_receive(lua_State *L)
{
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    if (s->op != OP_NONE) return luaL_error(L, "Invalid reuse of a socket from one thread to another.");
    if (!s->pcap) return luaL_error(L, "not a pcap socket");
    lua_settop(L, 1);
    s->deadline_us = 0;
    if (nse_sock_start(L, s, OP_PCAP, true)) return nse_yield(L, 0, pcap_k);
    return pcap_k(L, LUA_OK, 0);
}

static int l_pcap_close(lua_State *L)
{
    struct nse_sock *s = luaL_checkudata(L, 1, NSE_SOCKET_MT);
    if (s->op != OP_NONE) return luaL_error(L, "Invalid reuse of a socket from one thread to another.");
    if (!s->pcap) {
        lua_pushboolean(L, 0);
        lua_pushliteral(L, "socket already closed");
        return 2;
    }
    nse_sock_pcap_free(s);
    lua_pushboolean(L, 1);
    return 1;
}

void nse_sock_pcap_methods(lua_State *L)
{
    static const luaL_Reg m[] = {
        {"pcap_open", l_pcap_open},
        {"pcap_receive", l_pcap_receive},
        {"pcap_close", l_pcap_close},
        {NULL, NULL},
    };
    luaL_setfuncs(L, m, 0);
}
