// SPDX-License-Identifier: MIT
// connect_scan() against real sockets. Everything happens inside a private
// network namespace (unshare(CLONE_NEWNET) as root, else re-exec under
// `unshare -rn`), so the scan never touches the machine's own loopback.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/plan.h"
#include "core/addr.h"
#include "core/clock.h"
#include "core/signals.h"
#include "report/model.h"
#include "scan/connect.h"

#define NETNS_MARK "CMAP_TEST_IN_NETNS"

static bool in_private_netns;

static int bring_lo_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    int rc = fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ? -1 : 0;
    ifr.ifr_flags |= IFF_UP;
    if (rc == 0) rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    if (fd >= 0) close(fd);
    return rc;
}

static void enter_private_netns(char **argv)
{
    if (getenv(NETNS_MARK)) {
        in_private_netns = bring_lo_up() == 0;
        return;
    }
    if (unshare(CLONE_NEWNET) == 0) {
        in_private_netns = bring_lo_up() == 0;
        return;
    }
    setenv(NETNS_MARK, "1", 1);
    execlp("unshare", "unshare", "-rn", argv[0], (char *)NULL);
    /* No way into a namespace: the tests skip themselves. */
}

static struct timing timing_defaults(void)
{
    return (struct timing){.level = 3,
                           .min_rtt_timeout = -1,
                           .max_rtt_timeout = -1,
                           .initial_rtt_timeout = -1,
                           .max_retries = -1,
                           .scan_delay = -1,
                           .max_scan_delay = -1};
}

static void make_plan(struct plan *plan, uint16_t *ports, size_t n)
{
    memset(plan, 0, sizeof *plan);
    plan->tcp_scan = TCP_SCAN_CONNECT;
    plan->ports.ports[PROTO_TCP] = ports;
    plan->ports.count[PROTO_TCP] = n;
    plan->timing = timing_defaults();
}

static void make_host(struct host *h, const char *addr)
{
    memset(h, 0, sizeof *h);
    assert_int_equal(net_addr_parse(addr, AF_INET, &h->addr), 0);
}

/* A listening socket on 127.0.0.1 with the given backlog; returns its fd. */
static int listener(int backlog, uint16_t *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, backlog), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    *port = ntohs(sa.sin_port);
    return fd;
}

/* A port that was just free: bound, then closed. */
static uint16_t closed_port(void)
{
    uint16_t port;
    int fd = listener(1, &port);
    close(fd);
    return port;
}

static const struct port_result *find(const struct host *h, uint16_t port)
{
    for (size_t i = 0; i < h->n_ports; i++)
        if (h->ports[i].port == port) return &h->ports[i];
    return NULL;
}

static void open_and_closed_ports(void **state)
{
    (void)state;
    if (!in_private_netns) skip();
    uint16_t ports[2];
    int lfd = listener(16, &ports[0]);
    ports[1] = closed_port();
    struct plan plan;
    struct host host, *hosts[1] = {&host};
    make_plan(&plan, ports, 2);
    make_host(&host, "127.0.0.1");
    assert_int_equal(connect_scan(&plan, hosts, 1, NULL), 0);
    assert_int_equal(host.n_ports, 2);
    const struct port_result *o = find(&host, ports[0]), *c = find(&host, ports[1]);
    assert_non_null(o);
    assert_non_null(c);
    assert_int_equal(o->state, PORT_OPEN);
    assert_int_equal(o->reason, REASON_SYN_ACK);
    assert_int_equal(o->proto, PROTO_TCP);
    assert_int_equal(c->state, PORT_CLOSED);
    assert_int_equal(c->reason, REASON_CONN_REFUSED);
    assert_true(host.have_times);
    assert_true(host.srtt_us >= 0);
    assert_int_equal(host.timeout_us, 100000); /* loopback: the RTO floor */
    assert_false(host.timed_out);
    assert_true(host.end_time.tv_sec > 0);
    free(host.ports);
    close(lfd);
}

/* Enough ports for the two-worker path: every one answered, one open. */
static void wide_scan_finds_the_one_listener(void **state)
{
    (void)state;
    if (!in_private_netns) skip();
    uint16_t open_port;
    int lfd = listener(64, &open_port);
    enum { N = 12000 };
    static uint16_t ports[N];
    uint16_t first = open_port > N ? (uint16_t)(open_port - N / 2) : 1;
    for (size_t i = 0; i < N; i++)
        ports[i] = (uint16_t)(first + i);
    struct plan plan;
    struct host host, *hosts[1] = {&host};
    make_plan(&plan, ports, N);
    make_host(&host, "127.0.0.1");
    assert_int_equal(connect_scan(&plan, hosts, 1, NULL), 0);
    assert_int_equal(host.n_ports, N);
    size_t open = 0, closed = 0;
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(host.ports[i].port, ports[i]);
        if (host.ports[i].state == PORT_OPEN) {
            open++;
            assert_int_equal(host.ports[i].port, open_port);
        }
        if (host.ports[i].state == PORT_CLOSED) closed++;
    }
    assert_int_equal(open, 1);
    assert_int_equal(closed, N - 1);
    free(host.ports);
    close(lfd);
}

/* No route to 198.18.0.1 inside the namespace: nmap's net-unreach. */
static void unroutable_target_is_filtered_net_unreach(void **state)
{
    (void)state;
    if (!in_private_netns) skip();
    uint16_t ports[1] = {80};
    struct plan plan;
    struct host host, *hosts[1] = {&host};
    make_plan(&plan, ports, 1);
    make_host(&host, "198.18.0.1");
    assert_int_equal(connect_scan(&plan, hosts, 1, NULL), 0);
    assert_int_equal(host.ports[0].state, PORT_FILTERED);
    assert_int_equal(host.ports[0].reason, REASON_NET_UNREACH);
    free(host.ports);
}

/* A listener whose accept queue is full drops SYNs: silence, so after the
 * retries the port is filtered with no-response. */
static int full_listener(uint16_t *port, int *clients, int n_clients)
{
    int lfd = listener(0, port);
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons(*port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    for (int i = 0; i < n_clients; i++) {
        clients[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        connect(clients[i], (struct sockaddr *)&sa, sizeof sa);
    }
    usleep(20000);
    return lfd;
}

static void silent_port_times_out_as_filtered(void **state)
{
    (void)state;
    if (!in_private_netns) skip();
    uint16_t ports[1];
    int clients[3];
    int lfd = full_listener(&ports[0], clients, 3);
    struct plan plan;
    struct host host, *hosts[1] = {&host};
    make_plan(&plan, ports, 1);
    plan.timing.initial_rtt_timeout = 30000;
    plan.timing.max_retries = 1;
    make_host(&host, "127.0.0.1");
    assert_int_equal(connect_scan(&plan, hosts, 1, NULL), 0);
    assert_int_equal(host.n_ports, 1);
    assert_int_equal(host.ports[0].state, PORT_FILTERED);
    assert_int_equal(host.ports[0].reason, REASON_NO_RESPONSE);
    assert_false(host.timed_out);
    assert_false(host.have_times); /* no reply, no <times> (as nmap) */
    free(host.ports);
    for (int i = 0; i < 3; i++)
        close(clients[i]);
    close(lfd);
}

static void host_timeout_drops_the_ports(void **state)
{
    (void)state;
    if (!in_private_netns) skip();
    uint16_t ports[1];
    int clients[3];
    int lfd = full_listener(&ports[0], clients, 3);
    struct plan plan;
    struct host host, *hosts[1] = {&host};
    make_plan(&plan, ports, 1);
    plan.timing.host_timeout = 50000;
    make_host(&host, "127.0.0.1");
    assert_int_equal(connect_scan(&plan, hosts, 1, NULL), 0);
    assert_true(host.timed_out);
    assert_int_equal(host.n_ports, 0);
    assert_null(host.ports);
    assert_true(host.end_time.tv_sec > 0);
    for (int i = 0; i < 3; i++)
        close(clients[i]);
    close(lfd);
}

/* --max-rate 200 spaces 21 probes over at least 100 ms; --scan-delay 5ms
 * spaces 11 probes to one host over at least 50 ms. */
static void rate_and_delay_pace_the_probes(void **state)
{
    (void)state;
    if (!in_private_netns) skip();
    uint16_t ports[21];
    for (int i = 0; i < 21; i++)
        ports[i] = closed_port();
    struct plan plan;
    struct host host, *hosts[1] = {&host};
    make_plan(&plan, ports, 21);
    plan.timing.max_rate = 200;
    make_host(&host, "127.0.0.1");
    int64_t t0 = clock_mono_us();
    assert_int_equal(connect_scan(&plan, hosts, 1, NULL), 0);
    assert_true(clock_mono_us() - t0 >= 100000);
    assert_int_equal(host.ports[20].state, PORT_CLOSED);
    free(host.ports);
    make_plan(&plan, ports, 11);
    plan.timing.scan_delay = 5000;
    make_host(&host, "127.0.0.1");
    t0 = clock_mono_us();
    assert_int_equal(connect_scan(&plan, hosts, 1, NULL), 0);
    assert_true(clock_mono_us() - t0 >= 50000);
    assert_int_equal(host.ports[10].state, PORT_CLOSED);
    free(host.ports);
}

static void *stop_soon(void *arg)
{
    (void)arg;
    usleep(50000);
    scan_stop_requested = 2;
    return NULL;
}

static void stop_request_returns_promptly(void **state)
{
    (void)state;
    if (!in_private_netns) skip();
    uint16_t ports[1];
    int clients[3];
    int lfd = full_listener(&ports[0], clients, 3);
    struct plan plan;
    struct host host, *hosts[1] = {&host};
    make_plan(&plan, ports, 1);
    plan.timing.initial_rtt_timeout = 5000000;
    make_host(&host, "127.0.0.1");
    host.state = HOST_STATE_UP;
    pthread_t t;
    pthread_create(&t, NULL, stop_soon, NULL);
    int64_t t0 = clock_mono_us();
    assert_int_equal(connect_scan(&plan, hosts, 1, NULL), -1);
    assert_true(clock_mono_us() - t0 < 1000000);
    pthread_join(t, NULL);
    scan_stop_requested = 0;
    assert_int_equal(host.state, HOST_STATE_UNKNOWN);
    assert_int_equal(host.end_time.tv_sec, 0);
    free(host.ports);
    for (int i = 0; i < 3; i++)
        close(clients[i]);
    close(lfd);
}

int main(int argc, char **argv)
{
    (void)argc;
    enter_private_netns(argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_and_closed_ports),
        cmocka_unit_test(wide_scan_finds_the_one_listener),
        cmocka_unit_test(unroutable_target_is_filtered_net_unreach),
        cmocka_unit_test(silent_port_times_out_as_filtered),
        cmocka_unit_test(host_timeout_drops_the_ports),
        cmocka_unit_test(rate_and_delay_pace_the_probes),
        cmocka_unit_test(stop_request_returns_promptly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
