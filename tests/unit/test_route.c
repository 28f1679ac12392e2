// SPDX-License-Identifier: MIT
// Interfaces, routes and route lookup against a real netlink dump. The
// test runs in a private network namespace (unshare(CLONE_NEWNET) as root,
// else re-exec under `unshare -rn`) where it builds a veth pair with lab
// addresses (198.18.0.0/15, fd00::/8) and routes; nothing is sent.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/iface.h"
#include "net/netlink.h"
#include "net/route.h"

#define NETNS_MARK "CMAP_TEST_IN_NETNS"

static bool lab_ready;

static const char *const setup[] = {
    "ip link set lo up",
    "ip link add pkr0 address 02:00:00:00:07:01 type veth peer name pkr1",
    "ip link set pkr0 up",
    "ip link set pkr1 up",
    "ip addr add 198.18.7.1/24 dev pkr0",
    "ip addr add 198.19.3.1/16 dev pkr0 label pkr0:5",
    "ip addr add fd00:7::1/64 dev pkr0 nodad",
    "ip route add 198.18.200.0/24 via 198.18.7.254 metric 5",
    "ip route add default via 198.18.7.9",
    "ip route add unreachable 198.18.250.0/24",
    "ip -6 route add fd00:99::/64 via fd00:7::9",
};

static void build_lab(void)
{
    for (size_t i = 0; i < sizeof setup / sizeof setup[0]; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "%s >/dev/null 2>&1", setup[i]);
        if (system(cmd) != 0) {
            fprintf(stderr, "test_route: setup failed: %s\n", setup[i]);
            return;
        }
    }
    lab_ready = true;
}

static void enter_private_netns(char **argv)
{
    if (getenv(NETNS_MARK) || unshare(CLONE_NEWNET) == 0) {
        build_lab();
        return;
    }
    setenv(NETNS_MARK, "1", 1);
    execlp("unshare", "unshare", "-rn", argv[0], (char *)NULL);
    /* No way into a namespace: the namespace tests skip themselves. */
}

static struct net_addr addr(const char *s)
{
    struct net_addr a;
    assert_int_equal(net_addr_parse(s, AF_UNSPEC, &a), 0);
    return a;
}

static void test_interfaces(void **state)
{
    (void)state;
    if (!lab_ready) skip();
    struct iface_list ifs;
    char err[256];
    assert_int_equal(iface_list_load(&ifs, err, sizeof err), 0);
    const struct iface *lo = iface_by_name(&ifs, "lo");
    assert_non_null(lo);
    assert_true(lo->flags & IFF_LOOPBACK);
    assert_int_equal(lo->mtu, 65536);
    const struct iface *v = iface_by_name(&ifs, "pkr0");
    assert_non_null(v);
    assert_ptr_equal(iface_by_index(&ifs, v->index), v);
    assert_true(v->flags & IFF_UP);
    assert_int_equal(v->mtu, 1500);
    const uint8_t mac[6] = {2, 0, 0, 0, 7, 1};
    assert_int_equal(v->hwaddr_len, 6);
    assert_memory_equal(v->hwaddr, mac, 6);
    /* IPv4 in kernel order with labels, then IPv6 (global and link-local). */
    assert_true(v->n_addrs >= 3);
    struct net_addr a1 = addr("198.18.7.1"), a2 = addr("198.19.3.1"), a6 = addr("fd00:7::1");
    assert_true(net_addr_equal(&v->addrs[0].addr, &a1));
    assert_int_equal(v->addrs[0].prefix_len, 24);
    assert_string_equal(v->addrs[0].label, "pkr0");
    assert_true(net_addr_equal(&v->addrs[1].addr, &a2));
    assert_string_equal(v->addrs[1].label, "pkr0:5");
    bool found6 = false;
    for (size_t i = 2; i < v->n_addrs; i++)
        found6 |= net_addr_equal(&v->addrs[i].addr, &a6) && v->addrs[i].prefix_len == 64;
    assert_true(found6);
    iface_list_free(&ifs);
}

static const struct route *find_route(const struct route_table *rt, const char *dst, int len)
{
    struct net_addr d = addr(dst);
    for (size_t i = 0; i < rt->n; i++)
        if (rt->routes[i].dst_len == len && net_addr_equal(&rt->routes[i].dst, &d))
            return &rt->routes[i];
    return NULL;
}

static void test_route_dump(void **state)
{
    (void)state;
    if (!lab_ready) skip();
    struct route_table rt;
    char err[256];
    assert_int_equal(route_table_load(&rt, err, sizeof err), 0);
    const struct route *r = find_route(&rt, "198.18.200.0", 24);
    assert_non_null(r);
    struct net_addr gw = addr("198.18.7.254");
    assert_true(r->has_gateway && net_addr_equal(&r->gateway, &gw));
    assert_int_equal(r->metric, 5);
    assert_int_equal(r->table, RT_TABLE_MAIN);
    assert_int_equal(r->oif, (int)if_nametoindex("pkr0"));
    r = find_route(&rt, "198.18.250.0", 24);
    assert_non_null(r);
    assert_int_equal(r->type, RTN_UNREACHABLE);
    r = find_route(&rt, "fd00:99::", 64);
    assert_non_null(r);
    assert_int_equal(r->family, AF_INET6);
    r = find_route(&rt, "0.0.0.0", 0);
    assert_non_null(r);
    route_table_free(&rt);
}

/* The kernel and the table agree on device, source and next hop. */
static void check_lookup(const struct route_table *rt, const struct iface_list *ifs,
                         const char *dst, const char *dev, const char *src, const char *hop)
{
    struct net_addr d = addr(dst);
    struct route_choice k, t;
    assert_int_equal(route_lookup_kernel(&d, &k), 0);
    assert_int_equal(route_lookup_table(rt, ifs, &d, &t), 0);
    struct net_addr s = addr(src), h = addr(hop);
    assert_string_equal(k.dev, dev);
    assert_string_equal(t.dev, dev);
    assert_true(net_addr_equal(&k.src, &s));
    assert_true(net_addr_equal(&t.src, &s));
    assert_true(net_addr_equal(&k.next_hop, &h));
    assert_true(net_addr_equal(&t.next_hop, &h));
    assert_int_equal(k.direct, t.direct);
}

static void test_route_lookup(void **state)
{
    (void)state;
    if (!lab_ready) skip();
    struct route_table rt;
    struct iface_list ifs;
    char err[256];
    assert_int_equal(route_table_load(&rt, err, sizeof err), 0);
    assert_int_equal(iface_list_load(&ifs, err, sizeof err), 0);
    check_lookup(&rt, &ifs, "198.18.200.5", "pkr0", "198.18.7.1", "198.18.7.254");
    check_lookup(&rt, &ifs, "198.18.7.20", "pkr0", "198.18.7.1", "198.18.7.20");
    check_lookup(&rt, &ifs, "198.19.200.1", "pkr0", "198.19.3.1", "198.19.200.1");
    check_lookup(&rt, &ifs, "198.18.9.9", "pkr0", "198.18.7.1", "198.18.7.9");
    check_lookup(&rt, &ifs, "fd00:99::5", "pkr0", "fd00:7::1", "fd00:7::9");
    check_lookup(&rt, &ifs, "fd00:7::20", "pkr0", "fd00:7::1", "fd00:7::20");
    check_lookup(&rt, &ifs, "198.18.7.1", "lo", "198.18.7.1", "198.18.7.1");
    struct net_addr bad = addr("198.18.250.1");
    struct route_choice c;
    assert_int_equal(route_lookup_table(&rt, &ifs, &bad, &c), -1);
    assert_int_equal(route_lookup_kernel(&bad, &c), -1);
    struct net_addr none = addr("fd00:55::1");
    assert_int_equal(route_lookup_table(&rt, &ifs, &none, &c), -1);
    route_table_free(&rt);
    iface_list_free(&ifs);
}

static int count_msg(void *ctx, uint16_t type, const uint8_t *payload, size_t len)
{
    (void)type, (void)payload, (void)len;
    ++*(int *)ctx;
    return 0;
}

/* Message walking and parsing on bytes: truncated or lying headers fail. */
static void test_malformed_messages(void **state)
{
    (void)state;
    uint8_t buf[64] = {0};
    struct nlmsghdr h = {
        .nlmsg_len = 40, .nlmsg_type = RTM_NEWROUTE, .nlmsg_seq = 7, .nlmsg_flags = NLM_F_MULTI};
    memcpy(buf, &h, sizeof h);
    int n = 0, err;
    assert_int_equal(nl_walk(buf, 32, 7, count_msg, &n, &err), NL_WALK_ERROR);
    assert_int_equal(err, EPROTO);
    assert_int_equal(nl_walk(buf, 40, 7, count_msg, &n, &err), NL_WALK_MORE);
    assert_int_equal(n, 1);
    assert_int_equal(nl_walk(buf, 40, 8, count_msg, &n, &err), NL_WALK_MORE);
    assert_int_equal(n, 1); /* other sequence numbers are skipped */
    h.nlmsg_len = 4;
    memcpy(buf, &h, sizeof h);
    assert_int_equal(nl_walk(buf, 40, 7, count_msg, &n, &err), NL_WALK_ERROR);

    struct route_table rt = {0};
    struct rtmsg rtm = {.rtm_family = AF_INET, .rtm_dst_len = 24, .rtm_type = RTN_UNICAST};
    uint8_t msg[32] = {0};
    memcpy(msg, &rtm, sizeof rtm);
    struct rtattr a = {.rta_len = 200, .rta_type = RTA_DST}; /* longer than the message */
    memcpy(msg + sizeof rtm, &a, sizeof a);
    assert_int_equal(route_add_msg(&rt, msg, sizeof rtm + 8), -1);
    assert_int_equal(route_add_msg(&rt, msg, 5), -1);
    rtm.rtm_dst_len = 33;
    memcpy(msg, &rtm, sizeof rtm);
    assert_int_equal(route_add_msg(&rt, msg, sizeof rtm), -1);
    assert_int_equal(rt.n, 0);
    struct iface_list ifs = {0};
    assert_int_equal(iface_add_link(&ifs, msg, 3), -1);
    assert_int_equal(iface_add_addr(&ifs, msg, 3), -1);
}

int main(int argc, char **argv)
{
    (void)argc;
    enter_private_netns(argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interfaces),
        cmocka_unit_test(test_route_dump),
        cmocka_unit_test(test_route_lookup),
        cmocka_unit_test(test_malformed_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
