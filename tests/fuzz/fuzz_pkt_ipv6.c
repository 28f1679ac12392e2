// SPDX-License-Identifier: MIT
// ipv6_parse and ipv6_parse_quoted on arbitrary bytes: an accepted packet's
// extension headers and upper-layer payload add up to its payload length
// and stay inside the input.
#include "fuzz_common.h"
#include "net/pkt/ipv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipv6_info ip;
    if (ipv6_parse(data, size, &ip) == PKT_OK) {
        FUZZ_CHECK(IPV6_HDR_LEN + (size_t)ip.payload_len <= size);
        FUZZ_CHECK(pb_ok(&ip.payload));
        FUZZ_CHECK(ip.ext_len + pb_len(&ip.payload) == ip.payload_len);
        FUZZ_CHECK(ip.ext_len % 4 == 0);
    }
    if (ipv6_parse_quoted(pb_init(data, size), &ip) == PKT_OK) {
        FUZZ_CHECK(IPV6_HDR_LEN + ip.ext_len + pb_len(&ip.payload) <= size);
        FUZZ_CHECK(ip.payload_cut == (ip.payload_len > size - IPV6_HDR_LEN));
    }
    return 0;
}
