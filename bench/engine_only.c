// SPDX-License-Identifier: MIT
// Runs connect_scan() alone on one target with a hand-made plan, to measure
// the engine without start-up, target parsing or output: what bench/compare.sh
// reports as "engine". Prints the open ports, the state counts, the RTT
// figures and the engine's wall time.
//
// usage: engine_only ADDRESS PORTS [max_retries]
//        PORTS: "1-65535", "80,443", "1-1024,8080" (ascending or not)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/addr.h"
#include "core/clock.h"
#include "report/model.h"
#include "scan/connect.h"

#define MAX_PORTS 65536

static int parse_number(const char *s, char **end, long lo, long hi, long *out)
{
    errno = 0;
    long v = strtol(s, end, 10);
    if (errno || *end == s || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* "a-b,c,..." into ports[]; returns the count, or -1 when malformed. */
static long parse_ports(const char *spec, uint16_t *ports)
{
    long n = 0;
    const char *s = spec;
    while (*s) {
        char *end;
        long a, b;
        if (parse_number(s, &end, 1, 65535, &a) < 0) return -1;
        b = a;
        if (*end == '-' && parse_number(end + 1, &end, a, 65535, &b) < 0) return -1;
        for (long p = a; p <= b; p++) {
            if (n == MAX_PORTS) return -1;
            ports[n++] = (uint16_t)p;
        }
        if (*end == ',')
            end++;
        else if (*end)
            return -1;
        s = end;
    }
    return n;
}

static void init_plan(struct plan *plan, uint16_t *ports, long n, int retries)
{
    memset(plan, 0, sizeof *plan);
    plan->tcp_scan = TCP_SCAN_CONNECT;
    plan->ports.ports[PROTO_TCP] = ports;
    plan->ports.count[PROTO_TCP] = (size_t)n;
    plan->timing = (struct timing){.level = 3,
                                   .min_rtt_timeout = -1,
                                   .max_rtt_timeout = -1,
                                   .initial_rtt_timeout = -1,
                                   .max_retries = retries,
                                   .scan_delay = -1,
                                   .max_scan_delay = -1};
}

static void print_result(const struct host *h, int64_t elapsed_us)
{
    size_t count[PORT_STATE_COUNT] = {0};
    printf("open:");
    for (size_t i = 0; i < h->n_ports; i++) {
        count[h->ports[i].state < PORT_STATE_COUNT ? h->ports[i].state : 0]++;
        if (h->ports[i].state == PORT_OPEN) printf(" %u", h->ports[i].port);
    }
    printf("\nopen %zu closed %zu filtered %zu; srtt %lld rttvar %lld to %lld; %.6f s\n",
           count[PORT_OPEN], count[PORT_CLOSED], count[PORT_FILTERED], (long long)h->srtt_us,
           (long long)h->rttvar_us, (long long)h->timeout_us, (double)elapsed_us / 1e6);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: engine_only ADDRESS PORTS [max_retries]\n");
        return 2;
    }
    static uint16_t ports[MAX_PORTS];
    long n = parse_ports(argv[2], ports);
    long retries = -1;
    char *end;
    if (n <= 0 || (argc == 4 && parse_number(argv[3], &end, 0, 50, &retries) < 0)) {
        fprintf(stderr, "engine_only: bad ports or retries\n");
        return 2;
    }
    struct host host;
    memset(&host, 0, sizeof host);
    if (net_addr_parse(argv[1], AF_UNSPEC, &host.addr) != 0) {
        fprintf(stderr, "engine_only: bad address %s\n", argv[1]);
        return 2;
    }
    struct plan plan;
    init_plan(&plan, ports, n, (int)retries);
    struct host *hosts[1] = {&host};
    int64_t t0 = clock_mono_us();
    int rc = connect_scan(&plan, hosts, 1, NULL);
    int64_t t1 = clock_mono_us();
    print_result(&host, t1 - t0);
    free(host.ports);
    return rc == 0 ? 0 : 1;
}
