// SPDX-License-Identifier: MIT
// The NSE `nmap` library, host/port tables, mutex/condvar and lfs
// (src/nse/nse_nmaplib.c, nse_tables.c, nse_mutex.c, nse_lfs.c), driven
// from Lua the way scripts call them: a Lua state with the modules over a
// hand-made plan and host group, checking both what Lua sees and what
// lands in the result model. The thread protocol (§1.3) is played by a
// small scheduler written in Lua that keeps nse_main.lua's contract:
// NSE_YIELD's marker, WAITING_TO_RUNNING's hand-back, destructors run
// when a thread ends.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <lualib.h>

#include "cli/plan.h"
#include "nse/nse_host.h"
#include "report/model.h"

struct fixture {
    struct plan plan;
    struct nse_ctx ctx;
    struct host host;
    struct host *group[1];
    struct port_result ports[4];
    lua_State *L;
};

static char *dns_list[] = {"198.18.0.53", "198.18.0.54"};

/* make_host() -> a host table for the fixture's host, as the engine
 * passes to rules. */
static int l_make_host(lua_State *L)
{
    struct nse_ctx *c = nse_ctx(L);
    nse_push_host(L, c->hosts[0]);
    return 1;
}

/* set_version_scan(sV, allports): the plan's -sV and --allports. */
static int l_set_version_scan(lua_State *L)
{
    struct plan *p = (struct plan *)nse_ctx(L)->plan;
    p->version_scan = lua_toboolean(L, 1);
    p->version_all_ports = lua_toboolean(L, 2);
    return 0;
}

/* set_family6(on): the plan's -6. */
static int l_set_family6(lua_State *L)
{
    struct plan *p = (struct plan *)nse_ctx(L)->plan;
    p->address_family = lua_toboolean(L, 1) ? AF_INET6 : AF_INET;
    return 0;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->plan.verbosity = 2;
    f->plan.debugging = 1;
    f->plan.timing.level = 4;
    f->plan.timing.initial_rtt_timeout = 500000;
    f->plan.version_intensity = 7;
    f->plan.address_family = AF_INET;
    f->plan.dns_servers = dns_list;
    f->plan.n_dns_servers = 2;

    struct host *h = &f->host;
    assert_int_equal(net_addr_parse("127.0.0.1", AF_INET, &h->addr), 0);
    h->target_name = "localhost";
    h->state = HOST_STATE_UP;
    h->reason = REASON_LOCALHOST_RESPONSE;
    f->ports[0] = (struct port_result){.port = 80,
                                       .proto = PROTO_TCP,
                                       .state = PORT_OPEN,
                                       .reason = REASON_SYN_ACK,
                                       .reason_ttl = 64,
                                       .service = "http"};
    f->ports[1] = (struct port_result){.port = 25,
                                       .proto = PROTO_TCP,
                                       .state = PORT_CLOSED,
                                       .reason = REASON_RESET,
                                       .service = "smtp"};
    f->ports[2] = (struct port_result){.port = 22,
                                       .proto = PROTO_TCP,
                                       .state = PORT_OPEN,
                                       .reason = REASON_SYN_ACK,
                                       .service = "ssh"};
    f->ports[3] = (struct port_result){.port = 53,
                                       .proto = PROTO_UDP,
                                       .state = PORT_OPEN_FILTERED,
                                       .reason = REASON_NO_RESPONSE,
                                       .service = "domain"};
    struct service_info *si = calloc(1, sizeof *si);
    assert_non_null(si);
    si->name = strdup("ssh");
    si->product = strdup("OpenSSH");
    si->version = strdup("9.2p1");
    si->cpe = calloc(1, sizeof *si->cpe);
    si->cpe[0] = strdup("cpe:/a:openbsd:openssh:9.2p1");
    si->n_cpe = 1;
    si->method = SVC_METHOD_PROBED;
    si->conf = 10;
    f->ports[2].svc = si;
    h->ports = f->ports;
    h->n_ports = 4;
    /* a traceroute: a timed-out hop, then the host at 1.5 ms */
    struct host_trace *t = calloc(1, sizeof *t);
    assert_non_null(t);
    t->kind = TRACE_TCP;
    t->n_hops = 2;
    t->hops = calloc(2, sizeof *t->hops);
    assert_non_null(t->hops);
    t->hops[0] = (struct trace_hop){.ttl = 1, .timed_out = true, .rtt_ms = -1};
    t->hops[1] =
        (struct trace_hop){.ttl = 2, .rtt_ms = 1.5, .addr = h->addr, .name = strdup("localhost")};
    h->trace = t;
    f->group[0] = h;

    f->ctx.plan = &f->plan;
    f->ctx.hosts = f->group;
    f->ctx.n_hosts = 1;

    lua_State *L = f->ctx.main_L = f->L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    nse_set_ctx(L, &f->ctx);
    /* nmap.socket is another part's; a stand-in table shows nmap takes
     * nmap.socket from package.loaded and aliases its `new`. */
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    lua_newtable(L);
    lua_pushcfunction(L, l_make_host); /* any function: identity is checked */
    lua_setfield(L, -2, "new");
    lua_setfield(L, -2, "nmap.socket");
    lua_pop(L, 1);
    luaL_requiref(L, "nmap", luaopen_nmap, 1);
    luaL_requiref(L, "lfs", luaopen_lfs, 1);
    lua_pop(L, 2);
    lua_register(L, "make_host", l_make_host);
    lua_register(L, "set_version_scan", l_set_version_scan);
    lua_register(L, "set_family6", l_set_family6);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    lua_close(f->L);
    for (size_t i = 0; i < 4; i++)
        service_info_free(f->ports[i].svc);
    host_trace_free(f->host.trace);
    free(f);
    return 0;
}

static void run_lua(lua_State *L, const char *code)
{
    int rc = luaL_loadstring(L, code);
    if (rc == LUA_OK) rc = lua_pcall(L, 0, 0, 0);
    if (rc != LUA_OK) fail_msg("Lua: %s", lua_tostring(L, -1));
}

static void test_options(void **state)
{
    struct fixture *f = *state;
    run_lua(f->L,
            "assert(nmap.verbosity() == 2 and nmap.debugging() == 1)\n"
            "assert(nmap.timing_level() == 4 and nmap.is_privileged() == false)\n"
            "assert(nmap.version_intensity() == 7)\n"
            "nmap.registry.args = {['script-intensity'] = '3'}\n"
            "assert(nmap.version_intensity() == 3)\n"
            "nmap.registry.args['script-intensity'] = '12'\n"
            "assert(not pcall(nmap.version_intensity))\n"
            "nmap.registry.args = nil\n"
            "assert(nmap.version_intensity() == 7 and select('#', nmap.version_intensity()) == 1)\n"
            "nmap.registry.args = {}\n"
            "debug.getregistry().NSE_SELECTED_BY_NAME = function() return true end\n"
            "assert(nmap.verbosity() == 3 and nmap.version_intensity() == 9)\n"
            "debug.getregistry().NSE_SELECTED_BY_NAME = nil\n"
            "assert(nmap.address_family() == 'inet' and nmap.get_interface() == nil)\n"
            "assert(nmap.get_ttl() == 64 and nmap.get_payload_length() == 0)\n"
            "assert(nmap.have_ssl() == true)\n"
            "local d = nmap.get_dns_servers()\n"
            "assert(#d == 2 and d[1] == '198.18.0.54' and d[2] == '198.18.0.53', tostring(d[1]))\n"
            "assert(nmap.new_socket == package.loaded['nmap.socket'].new)\n"
            "assert(nmap.socket == package.loaded['nmap.socket'])\n"
            "assert(type(nmap.registry) == 'table')\n"
            "local now = nmap.clock()\n"
            "assert(math.abs(now - os.time()) < 5 and math.abs(nmap.clock_ms() / 1000 - now) < 5)\n"
            "assert(math.type(nmap.clock_ms()) == 'float' and nmap.clock_ms() % 1 == 0)\n"
            "assert(#nmap.get_random_bytes(16) == 16)\n");
}

static void test_files_and_names(void **state)
{
    struct fixture *f = *state;
    run_lua(f->L, "local p = nmap.fetchfile('nmap-services')\n"
                  "assert(p and p:match('/nmap%-services$'), tostring(p))\n"
                  "assert(nmap.fetchfile('no-such-data-file-here') == nil)\n"
                  "assert(nmap.fetchfile('nselib') == nil)\n"             /* a directory */
                  "assert(nmap.port_is_excluded(9100, 'tcp') == false)\n" /* no -sV */
                  "set_version_scan(true, false)\n"
                  "assert(nmap.port_is_excluded(9100, 'tcp') == true)\n"
                  "assert(nmap.port_is_excluded(80, 'tcp') == false)\n"
                  "set_version_scan(true, true)\n" /* --allports */
                  "assert(nmap.port_is_excluded(9100, 'tcp') == false)\n"
                  "local ok, t = nmap.resolve('127.0.0.1')\n"
                  "assert(ok and #t == 1 and t[1] == '127.0.0.1')\n"
                  "ok, t = nmap.resolve('::1', 'inet6')\n"
                  "assert(ok and t[1] == '::1')\n"
                  "ok, t = nmap.resolve('::1', 'inet')\n"
                  "assert(ok == false and t == 'Failed to resolve')\n"
                  "local ifs = nmap.list_interfaces()\n"
                  "local lo\n"
                  "for _, i in ipairs(ifs) do if i.address == '127.0.0.1' then lo = i end end\n"
                  "assert(lo and lo.device == 'lo' and lo.link == 'loopback' and lo.netmask == 8)\n"
                  "assert(lo.up == 'up' and lo.mtu > 0 and lo.mac == nil)\n"
                  "local info = nmap.get_interface_info('lo')\n"
                  "assert(info.shortname == 'lo' and info.link == 'loopback')\n"
                  "set_family6(true)\n"
                  "assert(nmap.get_interface_info('lo').address == '::1' and nmap.address_family() "
                  "== 'inet6')\n"
                  "set_family6(false)\n"
                  "local no, err = nmap.get_interface_info('nosuchif0')\n"
                  "assert(no == false and err == 'failed to find interface')\n"
                  /* nmap.dnet: argument checks (nothing is sent here) */
                  "assert(nmap.new_dnet == nmap.dnet.new and nmap.dnet.get_interface_info == "
                  "nmap.get_interface_info)\n"
                  "local d = nmap.new_dnet()\n"
                  "local ok, e = pcall(d.ethernet_open, d, 'lo')\n"
                  "assert(not ok and e:match('device is not valid ethernet interface'))\n"
                  "assert(not pcall(d.ethernet_open, d, 'nosuchif0'))\n"
                  "ok, e = pcall(d.ethernet_send, d, string.rep('\\0', 60))\n"
                  "assert(not ok and e:match('dnet is not valid opened ethernet interface'))\n"
                  "ok, e = pcall(d.ip_send, d, string.rep('\\0', 20))\n"
                  "assert(not ok and e:match('raw socket not open to send'))\n"
                  "assert(d:ethernet_close() == true and d:ip_close() == true)\n");
}

static void test_new_try(void **state)
{
    struct fixture *f = *state;
    run_lua(f->L, "local try = nmap.new_try()\n"
                  "assert(select('#', try(true, 1, nil)) == 2)\n"
                  "local a, b = try(1, 'x', 'y')\n"
                  "assert(a == 'x' and b == 'y')\n"
                  "local ok, e = pcall(try, false, 'boom')\n"
                  "assert(not ok and e.errtype == 'nmap.new_try' and e.message == 'boom')\n"
                  "local cleaned = 0\n"
                  "local try2 = nmap.new_try(function() cleaned = cleaned + 1 end)\n"
                  "ok, e = pcall(try2, nil, 'TIMEOUT')\n"
                  "assert(not ok and e.message == 'TIMEOUT' and cleaned == 1)\n"
                  "assert(try2(true) == nil and cleaned == 1)\n");
}

static void test_host_and_ports(void **state)
{
    struct fixture *f = *state;
    run_lua(
        f->L,
        "local host = make_host()\n"
        "assert(host.ip == '127.0.0.1' and host.name == '' and host.targetname == 'localhost')\n"
        "assert(host.bin_ip == '\\127\\0\\0\\1' and host.reason == 'localhost-response')\n"
        "assert(type(host._Target) == 'userdata' and type(host.registry) == 'table')\n"
        "assert(host.times.timeout == 0.5 and host.directly_connected == true)\n"
        "assert(host.interface == 'lo' and host.bin_ip_src == '\\127\\0\\0\\1')\n"
        "local tr = host.traceroute\n"
        "assert(#tr == 2 and next(tr[1]) == nil and tr[2].ip == '127.0.0.1')\n"
        "assert(tr[2].name == 'localhost' and tr[2].srtt == 0.0015)\n"
        "local p = nmap.get_port_state(host, {number = 22, protocol = 'tcp'})\n"
        "assert(p.number == 22 and p.protocol == 'tcp' and p.state == 'open')\n"
        "assert(p.service == 'ssh' and p.reason == 'syn-ack')\n"
        "assert(p.version.product == 'OpenSSH' and p.version.version == '9.2p1')\n"
        "assert(p.version.name_confidence == 10 and p.version.service_dtype == 'probed')\n"
        "assert(p.version.service_tunnel == 'none' and p.version.cpe[1]:match('openssh'))\n"
        "p = nmap.get_port_state(host, {number = 80, protocol = 'tcp'})\n"
        "assert(p.version.name == 'http' and p.version.name_confidence == 3)\n"
        "assert(p.version.service_dtype == 'table' and p.reason_ttl == 64)\n"
        "assert(nmap.get_port_state(host, {number = 23, protocol = 'tcp'}) == nil)\n"
        "assert(nmap.get_port_state(host, {number = 80, protocol = 'udp'}) == nil)\n"
        "assert(not pcall(nmap.get_port_state, host, {number = '22', protocol = 'tcp'}))\n"
        "assert(not pcall(nmap.get_port_state, host, {number = 22, protocol = 'icmp'}))\n"
        /* without _Target: by address, then by target name */
        "assert(nmap.get_port_state({ip = '127.0.0.1'}, {number = 22, protocol = 'tcp'}))\n"
        "assert(nmap.get_port_state({targetname = 'localhost'}, {number = 22, protocol = 'tcp'}))\n"
        "local ok, e = pcall(nmap.get_port_state, {ip = '198.18.0.9'}, {number = 22, protocol = "
        "'tcp'})\n"
        "assert(not ok and e:match('host is not being processed right now'))\n"
        /* get_ports walks by number whatever the model's order */
        "local seen = {}\n"
        "local port = nmap.get_ports(host, nil, 'tcp', 'open')\n"
        "while port do seen[#seen + 1] = port.number; port = nmap.get_ports(host, port, 'tcp', "
        "'open') end\n"
        "assert(#seen == 2 and seen[1] == 22 and seen[2] == 80)\n"
        "assert(nmap.get_ports(host, nil, 'udp', 'open|filtered').number == 53)\n"
        "assert(nmap.get_ports(host, nil, 'udp', 'open') == nil)\n"
        "assert(nmap.get_ports(host, nil, 'tcp', 'closed').number == 25)\n");
    /* The engine pushes a group's host before its scripts run: an order
     * computed for the memory of an earlier host is not reused. */
    f->ports[0].port = 10;
    run_lua(f->L, "local h = make_host()\n"
                  "assert(nmap.get_ports(h, nil, 'tcp', 'open').number == 10)\n");
}

static void test_set_port(void **state)
{
    struct fixture *f = *state;
    run_lua(f->L,
            "local host = make_host()\n"
            "nmap.set_port_state(host, {number = 25, protocol = 'tcp'}, 'open')\n"
            "local p = nmap.get_port_state(host, {number = 25, protocol = 'tcp'})\n"
            "assert(p.state == 'open' and p.reason == 'script-set')\n"
            "assert(not pcall(nmap.set_port_state, host, p, 'filtered'))\n"
            "p = nmap.get_port_state(host, {number = 80, protocol = 'tcp'})\n"
            "p.version.name = 'http'\n"
            "p.version.product = 'nginx'\n"
            "p.version.version = '1.22.1'\n"
            "p.version.service_tunnel = 'ssl'\n"
            "p.version.cpe = {'cpe:/a:igor_sysoev:nginx:1.22.1'}\n"
            "nmap.set_port_version(host, p)\n"
            "local q = nmap.get_port_state(host, p)\n"
            "assert(q.version.product == 'nginx' and q.version.name_confidence == 10)\n"
            "assert(q.version.service_tunnel == 'ssl' and q.version.service_dtype == 'probed')\n"
            "p = nmap.get_port_state(host, {number = 22, protocol = 'tcp'})\n"
            "p.version = {}\n"
            "nmap.set_port_version(host, p, 'tcpwrapped')\n"
            "q = nmap.get_port_state(host, p)\n"
            "assert(q.service == 'tcpwrapped' and q.version.name_confidence == 8)\n"
            "p = nmap.get_port_state(host, {number = 25, protocol = 'tcp'})\n"
            "p.version.service_fp = 'SF-Port25-TCP:V=7.93'\n"
            "nmap.set_port_version(host, p, 'nomatch')\n"
            "assert(nmap.get_port_state(host, p).version.service_fp == 'SF-Port25-TCP:V=7.93')\n"
            "nmap.set_port_version(host, p)\n"
            "q = nmap.get_port_state(host, p)\n"
            "assert(q.version.service_fp == nil and q.version.service_dtype == 'probed')\n"
            "p.version = {service_tunnel = 'bogus'}\n"
            "assert(not pcall(nmap.set_port_version, host, p))\n"
            "assert(not pcall(nmap.set_port_version, host, p, 'matched'))\n");
    /* What the writers will see. */
    const struct port_result *p25 = &f->ports[1], *p80 = &f->ports[0], *p22 = &f->ports[2];
    assert_int_equal(p25->state, PORT_OPEN);
    assert_int_equal(p25->reason, REASON_SCRIPT_SET);
    assert_string_equal(reason_name(REASON_SCRIPT_SET), "script-set");
    assert_non_null(p80->svc);
    assert_string_equal(p80->svc->name, "http");
    assert_string_equal(p80->svc->product, "nginx");
    assert_string_equal(p80->svc->version, "1.22.1");
    assert_true(p80->svc->ssl_tunnel);
    assert_int_equal(p80->svc->n_cpe, 1);
    assert_int_equal(p80->svc->method, SVC_METHOD_PROBED);
    assert_int_equal(p80->svc->conf, 10);
    assert_true(p22->svc->tcpwrapped);
    assert_null(p22->svc->name);
    assert_null(p22->svc->product);
    assert_int_equal(p22->svc->conf, 8);
}

static void test_new_targets(void **state)
{
    struct fixture *f = *state;
    run_lua(f->L, "assert(nmap.add_targets('198.18.0.5', '198.18.0.6', '198.18.0.5') == 3)\n"
                  "assert(nmap.new_targets_num() == 2 and nmap.add_targets() == 2)\n"
                  "local n, err = nmap.add_targets('')\n"
                  "assert(n == 0 and err == 'failed to add new targets.')\n");
    char **v = NULL;
    size_t n = nse_take_new_targets(f->L, &v);
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "198.18.0.5");
    assert_string_equal(v[1], "198.18.0.6");
    free(v[0]);
    free(v[1]);
    free(v);
    assert_int_equal(nse_take_new_targets(f->L, &v), 0);
    assert_null(v);
    run_lua(f->L, "assert(nmap.add_targets() == 0 and nmap.new_targets_num() == 2)\n");
}

/* The scheduler: threads are resumed while any is ready; a thread that
 * ends (or dies) has its destructors run, as nse_main's Thread:close. */
static const char scheduler[] =
    "local R = debug.getregistry()\n"
    "local YV, ready, handlers = {}, {}, {}\n"
    "R.NSE_YIELD = function(co) return YV end\n"
    "R.NSE_WAITING_TO_RUNNING = function(co, ...) ready[co] = table.pack(...) end\n"
    "R.NSE_DESTRUCTOR = function(what, co, key, fn)\n"
    "  handlers[co] = handlers[co] or {}\n"
    "  handlers[co][key] = what == 'add' and fn or nil\n"
    "end\n"
    "function run(...)\n"
    "  local cos = {}\n"
    "  for i, fn in ipairs({...}) do cos[i] = coroutine.create(fn); ready[cos[i]] = table.pack() "
    "end\n"
    "  local progress = true\n"
    "  while progress do\n"
    "    progress = false\n"
    "    for _, co in ipairs(cos) do\n"
    "      local args = ready[co]\n"
    "      if args and coroutine.status(co) == 'suspended' then\n"
    "        ready[co], progress = nil, true\n"
    "        local ok, r = coroutine.resume(co, table.unpack(args, 1, args.n))\n"
    "        assert(ok or r == 'die', r)\n"
    "        assert(not ok or coroutine.status(co) == 'dead' or r == YV)\n"
    "        if coroutine.status(co) == 'dead' then\n"
    "          for k, fn in pairs(handlers[co] or {}) do fn(co, k) end\n"
    "          handlers[co] = nil\n"
    "        end\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "  local alive = 0\n"
    "  for _, co in ipairs(cos) do if coroutine.status(co) ~= 'dead' then alive = alive + 1 end "
    "end\n"
    "  return alive\n"
    "end\n";

static void test_mutex_condvar(void **state)
{
    struct fixture *f = *state;
    run_lua(f->L, scheduler);
    run_lua(f->L, "local key = {}\n"
                  "local m, cv = nmap.mutex('x'), nmap.condvar(key)\n"
                  "assert(nmap.mutex('x') == m and nmap.mutex('y') ~= m)\n"
                  "assert(not pcall(nmap.mutex, 1) and not pcall(nmap.mutex, nil))\n"
                  "assert(not pcall(nmap.condvar, true))\n"
                  "local log, owner = {}\n"
                  "local left = run(\n"
                  "  function() m 'lock'; owner = m 'running'; log[#log+1] = 'A1'; cv 'wait'; "
                  "log[#log+1] = 'A2'; m 'done' end,\n"
                  "  function() log[#log+1] = tostring(m 'trylock'); m 'lock'; log[#log+1] = 'B'; "
                  "m 'done' end,\n"
                  "  function() assert(not pcall(m, 'done')); cv 'signal' end)\n"
                  "assert(left == 0, left)\n"
                  "assert(table.concat(log, ',') == 'A1,false,A2,B', table.concat(log, ','))\n"
                  "assert(type(owner) == 'thread' and m 'running' == nil)\n"
                  /* an owner that dies hands the lock on; waiters are woken in order */
                  "local m2, got = nmap.mutex({}), {}\n"
                  "left = run(\n"
                  "  function() m2 'lock'; cv 'wait'; error('die', 0) end,\n"
                  "  function() m2 'lock'; got[#got+1] = 'F'; m2 'done' end,\n"
                  "  function() m2 'lock'; got[#got+1] = 'G'; m2 'done' end,\n"
                  "  function() cv 'broadcast' end)\n"
                  "assert(left == 0 and table.concat(got, ',') == 'F,G', table.concat(got, ','))\n"
                  /* signal wakes the most recent waiter; a thread that used the
                   * condvar wakes everyone when it ends */
                  "local cv2, order = nmap.condvar('c2'), {}\n"
                  "left = run(\n"
                  "  function() cv2 'wait'; order[#order+1] = 1 end,\n"
                  "  function() cv2 'wait'; order[#order+1] = 2 end,\n"
                  "  function() cv2 'signal' end)\n"
                  "assert(left == 1 and #order == 1 and order[1] == 2, table.concat(order, ','))\n"
                  "local woke = 0\n"
                  "left = run(\n"
                  "  function() nmap.condvar('c3') 'wait'; woke = woke + 1 end,\n"
                  "  function() nmap.condvar('c3') 'wait'; woke = woke + 1 end,\n"
                  "  function() local c = nmap.condvar('c3') end)\n"
                  "assert(left == 0 and woke == 2, woke)\n");
}

/* nmap's own nselib loads over these modules and its rule helpers work on
 * the tables (what nearly every script does at load and rule time). */
static void test_nselib_rules(void **state)
{
    struct fixture *f = *state;
    luaL_requiref(f->L, "lpeg", luaopen_lpeg, 1);
    lua_pop(f->L, 1);
    run_lua(
        f->L,
        "package.path = '/usr/share/nmap/nselib/?.lua'\n"
        "nmap.registry.args = {}\n"
        "local stdnse = require 'stdnse'\n"
        "local shortport = require 'shortport'\n"
        "require 'comm'; require 'http'; require 'dns'\n"
        "nmap.registry.args = {['ssh.user'] = 'root'}\n"
        "assert(stdnse.get_script_args('ssh.user') == 'root')\n"
        "local host = make_host()\n"
        "local ssh = nmap.get_port_state(host, {number = 22, protocol = 'tcp'})\n"
        "local web = nmap.get_port_state(host, {number = 80, protocol = 'tcp'})\n"
        "assert(shortport.ssh(host, ssh) == true and shortport.ssh(host, web) == false)\n"
        "assert(shortport.http(host, web) == true)\n"
        "assert(shortport.version_port_or_service(22, 'ssh')(host, ssh) == true)\n"
        "assert(shortport.version_port_or_service(22, 'ssh', nil, nil, 8)(host, ssh) == false)\n"
        "set_version_scan(true, false)\n"
        "local jd = {number = 9100, protocol = 'tcp', state = 'open', service = 'jetdirect'}\n"
        "assert(shortport.version_port_or_service(9100)(host, jd) == false)\n" /* Exclude */
        "assert(shortport.version_port_or_service(80, 'http')(host, web) == true)\n"
        "assert(stdnse.get_timeout(host) > 0)\n");
}

static void test_lfs(void **state)
{
    struct fixture *f = *state;
    char dir[] = "/tmp/cmap-lfs-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/a.nse", dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fclose(fp);
    lua_pushstring(f->L, dir);
    lua_setglobal(f->L, "tmp");
    run_lua(f->L, "local names = {}\n"
                  "for n in lfs.dir(tmp) do names[n] = true end\n"
                  "assert(names['a.nse'] and names['.'] and names['..'])\n"
                  "assert(lfs.mkdir(tmp .. '/sub') == true)\n"
                  "assert(lfs.attributes(tmp .. '/sub', 'mode') == 'directory')\n"
                  "assert(lfs.attributes(tmp .. '/a.nse').mode == 'file')\n"
                  "local ok, err = lfs.mkdir(tmp .. '/sub')\n"
                  "assert(ok == nil and err:match('File exists'))\n"
                  "assert(lfs.link(tmp .. '/a.nse', tmp .. '/b.nse', true) == true)\n"
                  "assert(lfs.rmdir(tmp .. '/sub') == true)\n"
                  "assert(lfs.get_path_separator() == '/' and type(lfs.currentdir()) == 'string')\n"
                  "assert(not pcall(lfs.dir, tmp .. '/missing'))\n");
    snprintf(path, sizeof path, "%s/b.nse", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/a.nse", dir);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_options, setup, teardown),
        cmocka_unit_test_setup_teardown(test_files_and_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_try, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_and_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_new_targets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mutex_condvar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nselib_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lfs, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
