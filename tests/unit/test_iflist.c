// SPDX-License-Identifier: MIT
// The --iflist report from a synthetic system: the rows and route ties
// nmap 7.93 produces (alias netmask taken from the label's first address,
// "(none)" rows, NOARP Ethernet shown as "other", routes without a device
// tied through the default route, stable sort), compared byte for byte.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "net/iflist.h"

static struct iface_addr a(const char *ip, unsigned bits, const char *label)
{
    struct iface_addr x = {.prefix_len = (uint8_t)bits};
    assert_int_equal(net_addr_parse(ip, AF_UNSPEC, &x.addr), 0);
    if (label) strcpy(x.label, label);
    return x;
}

static struct iface_addr lo_addrs[2], v0_addrs[6], v4_addrs[1], p2p_addrs[1];
static struct iface ifaces[5];

static void make_ifaces(struct iface_list *l)
{
    lo_addrs[0] = a("127.0.0.1", 8, "lo");
    lo_addrs[1] = a("::1", 128, NULL);
    v0_addrs[0] = a("198.18.0.1", 24, "pkv0");
    v0_addrs[1] = a("198.19.5.1", 16, "pkv0");
    v0_addrs[2] = a("198.18.0.9", 24, "pkv0:1");
    v0_addrs[3] = a("fd00:1::1", 48, NULL); /* netlink order differs from /proc's */
    v0_addrs[4] = a("fd00::1", 64, NULL);
    v0_addrs[5] = a("fe80::687d:ccff:fedd:7ca2", 64, NULL);
    v4_addrs[0] = a("fd00:7::1", 64, NULL);
    p2p_addrs[0] = a("198.18.9.1", 32, "pkt0");
    p2p_addrs[0].has_peer = true;
    net_addr_parse("198.18.9.2", AF_INET, &p2p_addrs[0].peer);
    ifaces[0] = (struct iface){.name = "lo",
                               .index = 1,
                               .flags = IFF_UP | IFF_LOOPBACK,
                               .mtu = 65536,
                               .addrs = lo_addrs,
                               .n_addrs = 2};
    ifaces[1] = (struct iface){.name = "pkv0",
                               .index = 2,
                               .flags = IFF_UP | IFF_BROADCAST,
                               .mtu = 1500,
                               .hw_type = 1,
                               .hwaddr = {0x6a, 0x7d, 0xcc, 0xdd, 0x7c, 0xa2},
                               .hwaddr_len = 6,
                               .addrs = v0_addrs,
                               .n_addrs = 6};
    ifaces[2] = (struct iface){.name = "pkv2",
                               .index = 3,
                               .flags = IFF_BROADCAST,
                               .mtu = 1500,
                               .hw_type = 1,
                               .hwaddr = {0x66, 2, 0x3a, 0x37, 0x67, 0xce},
                               .hwaddr_len = 6};
    ifaces[3] = (struct iface){.name = "pkv4",
                               .index = 4,
                               .flags = IFF_UP | IFF_BROADCAST | IFF_NOARP,
                               .mtu = 1500,
                               .hw_type = 1,
                               .hwaddr_len = 6,
                               .addrs = v4_addrs,
                               .n_addrs = 1};
    ifaces[4] = (struct iface){.name = "pkt0",
                               .index = 5,
                               .flags = IFF_UP | IFF_POINTOPOINT | IFF_NOARP,
                               .mtu = 1500,
                               .hw_type = 65534,
                               .addrs = p2p_addrs,
                               .n_addrs = 1};
    *l = (struct iface_list){.ifs = ifaces, .n = 5};
}

static struct route rt_entry(const char *dst, unsigned bits, const char *gw, int oif,
                             uint32_t metric, uint32_t table, uint8_t type)
{
    struct route r = {
        .dst_len = (uint8_t)bits, .oif = oif, .metric = metric, .table = table, .type = type};
    assert_int_equal(net_addr_parse(dst, AF_UNSPEC, &r.dst), 0);
    r.family = r.dst.family;
    r.gateway.family = r.dst.family;
    if (gw) r.has_gateway = net_addr_parse(gw, AF_UNSPEC, &r.gateway) == 0;
    return r;
}

static struct route routes[12];

static void make_routes(struct route_table *t)
{
    size_t n = 0;
    routes[n++] = rt_entry("0.0.0.0", 0, "198.18.0.2", 2, 0, RT_TABLE_MAIN, RTN_UNICAST);
    routes[n++] = rt_entry("198.18.0.0", 24, NULL, 2, 0, RT_TABLE_MAIN, RTN_UNICAST);
    routes[n++] = rt_entry("198.18.9.2", 32, NULL, 5, 0, RT_TABLE_MAIN, RTN_UNICAST);
    routes[n++] = rt_entry("198.18.90.0", 24, NULL, 0, 0, RT_TABLE_MAIN, RTN_UNREACHABLE);
    routes[n++] = rt_entry("198.18.100.0", 24, "198.18.0.2", 2, 5, RT_TABLE_MAIN, RTN_UNICAST);
    routes[n++] = rt_entry("198.19.0.0", 16, NULL, 2, 0, RT_TABLE_MAIN, RTN_UNICAST);
    routes[n++] = rt_entry("198.18.0.1", 32, NULL, 2, 0, RT_TABLE_LOCAL, RTN_LOCAL);
    routes[n++] = rt_entry("fd00::", 64, NULL, 2, 256, RT_TABLE_MAIN, RTN_UNICAST);
    routes[n++] = rt_entry("fd00:99::", 64, "fd00::2", 2, 7, RT_TABLE_MAIN, RTN_UNICAST);
    routes[n++] = rt_entry("fd00:66::", 64, NULL, 1, 1024, RT_TABLE_MAIN, RTN_UNREACHABLE);
    routes[n++] = rt_entry("::", 0, "fd00::2", 2, 1024, RT_TABLE_MAIN, RTN_UNICAST);
    routes[n++] = rt_entry("::1", 128, NULL, 1, 0, RT_TABLE_LOCAL, RTN_LOCAL);
    *t = (struct route_table){.routes = routes, .n = n};
}

static const char proc_if_inet6[] = "fd000000000000000000000000000001 02 40 00 80     pkv0\n"
                                    "fe80000000000000687dccfffedd7ca2 02 40 20 80     pkv0\n"
                                    "fd000001000000000000000000000001 02 30 00 80     pkv0\n"
                                    "not a line\n"
                                    "00000000000000000000000000000001 01 80 10 80       lo\n"
                                    "fd000007000000000000000000000001 04 40 00 80     pkv4\n";

static const char expected[] =
    "************************INTERFACES************************\n"
    "DEV  (SHORT) IP/MASK                      TYPE        UP   MTU   MAC\n"
    "lo   (lo)    127.0.0.1/8                  loopback    up   65536\n"
    "lo   (lo)    ::1/128                      loopback    up   65536\n"
    "pkv0 (pkv0)  198.18.0.1/24                ethernet    up   1500  6A:7D:CC:DD:7C:A2\n"
    "pkv0 (pkv0)  198.19.5.1/24                ethernet    up   1500  6A:7D:CC:DD:7C:A2\n"
    "pkv0 (pkv0)  198.18.0.9/24                ethernet    up   1500  6A:7D:CC:DD:7C:A2\n"
    "pkv0 (pkv0)  fd00::1/64                   ethernet    up   1500  6A:7D:CC:DD:7C:A2\n"
    "pkv0 (pkv0)  fe80::687d:ccff:fedd:7ca2/64 ethernet    up   1500  6A:7D:CC:DD:7C:A2\n"
    "pkv0 (pkv0)  fd00:1::1/48                 ethernet    up   1500  6A:7D:CC:DD:7C:A2\n"
    "pkv2 (pkv2)  (none)/0                     ethernet    down 1500  66:02:3A:37:67:CE\n"
    "pkv4 (pkv4)  (none)/0                     other       up   1500\n"
    "pkv4 (pkv4)  fd00:7::1/64                 other       up   1500\n"
    "pkt0 (pkt0)  198.18.9.1/32                point2point up   1500\n"
    "\n"
    "**************************ROUTES**************************\n"
    "DST/MASK        DEV  METRIC GATEWAY\n"
    "198.18.9.2/32   pkt0 0\n"
    "198.18.0.0/24   pkv0 0\n"
    "198.18.90.0/24  pkv0 0\n"
    "198.18.100.0/24 pkv0 5      198.18.0.2\n"
    "198.19.0.0/16   pkv0 0\n"
    "0.0.0.0/0       pkv0 0      198.18.0.2\n"
    "::1/128         lo   0\n"
    "fd00:99::/64    pkv0 7      fd00::2\n"
    "fd00::/64       pkv0 256\n"
    "::/0            pkv0 1024   fd00::2\n"
    "\n";

static void test_report_as_nmap(void **state)
{
    (void)state;
    struct iface_list ifs;
    struct route_table rt;
    struct iflist_v6_order order;
    make_ifaces(&ifs);
    make_routes(&rt);
    assert_int_equal(iflist_v6_order_parse(proc_if_inet6, sizeof proc_if_inet6 - 1, &order), 0);
    assert_int_equal(order.n, 5);
    struct iflist_model m;
    assert_int_equal(iflist_model_build(&ifs, &rt, &order, &m), 0);
    char *text = iflist_render(&m);
    assert_non_null(text);
    assert_string_equal(text, expected);
    free(text);
    iflist_model_free(&m);
    iflist_v6_order_free(&order);
}

static void test_nothing_found(void **state)
{
    (void)state;
    struct iface_list ifs = {0};
    struct route_table rt = {0};
    struct iflist_model m;
    assert_int_equal(iflist_model_build(&ifs, &rt, NULL, &m), 0);
    char *text = iflist_render(&m);
    assert_string_equal(text, "INTERFACES: NONE FOUND(!)\nROUTES: NONE FOUND(!)\n");
    free(text);
    iflist_model_free(&m);
}

/* A broadcast device whose hardware type libdnet cannot read makes nmap's
 * whole interface list fail, and with it every route. */
static void test_unknown_hardware_fails_listing(void **state)
{
    (void)state;
    struct iface_list ifs;
    struct route_table rt;
    make_ifaces(&ifs);
    make_routes(&rt);
    ifaces[3].hw_type = 768; /* ARPHRD_TUNNEL */
    struct iflist_model m;
    assert_int_equal(iflist_model_build(&ifs, &rt, NULL, &m), 0);
    assert_true(m.ifs_failed);
    assert_int_equal(m.n_ifs, 0);
    assert_int_equal(m.n_routes, 0);
    iflist_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_as_nmap),
        cmocka_unit_test(test_nothing_found),
        cmocka_unit_test(test_unknown_hardware_fails_listing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
