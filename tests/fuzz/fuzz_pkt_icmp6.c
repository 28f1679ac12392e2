// SPDX-License-Identifier: MIT
// icmp6_parse and nd_parse_advert on arbitrary bytes: errors expose a whole
// quoted IPv6 header, neighbor advertisements only well-formed options.
#include <sys/socket.h>

#include "fuzz_common.h"
#include "net/pkt/icmp6.h"
#include "net/pkt/nd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct icmp6_info m;
    if (icmp6_parse(pb_init(data, size), &m) == PKT_OK) {
        FUZZ_CHECK(pb_len(&m.body) == size - ICMP6_HDR_LEN);
        FUZZ_CHECK(m.is_error == icmp6_is_error(m.type));
        if (m.is_error) {
            FUZZ_CHECK(ICMP6_HDR_LEN + IPV6_HDR_LEN + m.inner.ext_len <= size);
            FUZZ_CHECK(pb_len(&m.inner_l4) <= ICMP_QUOTE_L4_LEN && pb_ok(&m.inner_l4));
        }
        struct pkt_ends e = {.family = AF_INET6};
        (void)icmp6_checksum_ok(pb_init(data, size), &e);
    }
    struct nd_advert na;
    if (nd_parse_advert(pb_init(data, size), &na) == PKT_OK) {
        FUZZ_CHECK(size >= 24 && (size - 24) % 8 == 0);
        FUZZ_CHECK(data[0] == ND_NEIGHBOR_ADVERT && data[1] == 0);
    }
    return 0;
}
