// SPDX-License-Identifier: MIT
// The traceroute's reply reader (trace/treply.c) on arbitrary IP packets:
// whatever it accepts names a protocol our probes use and addresses of the
// packet's own family; then the hop bookkeeping (trace/hops.c) takes the
// accepted reply at a TTL from the input, so hostile answers drive the hop
// tree, which must keep its chains short and its export consistent.
#include <netinet/in.h>
#include <sys/socket.h>

#include "fuzz_common.h"
#include "report/model.h"
#include "trace/hops.h"
#include "trace/treply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    uint16_t icmp_id = (uint16_t)(data[0] << 8 | data[1]);
    uint8_t ttl = data[2];
    struct trace_reply r;
    if (trace_reply_parse(data + 3, size - 3, icmp_id, &r) != PKT_OK) return 0;
    FUZZ_CHECK(r.from.family == AF_INET || r.from.family == AF_INET6);
    FUZZ_CHECK(r.target.family == r.from.family);
    FUZZ_CHECK(r.proto == IPPROTO_TCP || r.proto == IPPROTO_UDP || r.proto == IPPROTO_ICMP ||
               r.proto == IPPROTO_ICMPV6);
    struct hop_cache c = {0};
    struct trace_state s;
    trace_state_init(&s, &r.target, ttl % 40, ttl & 0x80);
    for (int i = 0; i < 4; i++) {
        uint8_t t = trace_next_ttl(&s);
        if (t == 0) break;
        if (i & 1)
            (void)trace_timeout(&c, &s, t);
        else
            (void)trace_reply(&c, &s, t, &r.from, 0.5, r.ttl);
    }
    struct trace_hop *hops;
    size_t n;
    if (trace_export(&c, &s, &hops, &n) == 0) {
        FUZZ_CHECK(n <= TRACE_MAX_TTL);
        for (size_t i = 1; i < n; i++)
            FUZZ_CHECK(hops[i].ttl > hops[i - 1].ttl);
        free(hops);
    }
    hop_cache_free(&c);
    return 0;
}
