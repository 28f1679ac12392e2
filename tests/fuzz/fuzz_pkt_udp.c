// SPDX-License-Identifier: MIT
// udp_parse and udp_parse_quoted on arbitrary bytes; an accepted datagram's
// length field bounds its payload, and the checksum check never reads
// outside it.
#include <sys/socket.h>

#include "fuzz_common.h"
#include "net/pkt/udp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct udp_info u;
    if (udp_parse(pb_init(data, size), &u) == PKT_OK) {
        FUZZ_CHECK(u.length >= UDP_HDR_LEN && u.length <= size);
        FUZZ_CHECK(pb_len(&u.payload) == (size_t)u.length - UDP_HDR_LEN);
        struct pkt_ends e = {.family = size % 2 ? AF_INET : AF_INET6};
        (void)udp_checksum_ok(&u, pb_init(data, size), &e);
    }
    if (udp_parse_quoted(pb_init(data, size), &u) == PKT_OK)
        FUZZ_CHECK(pb_len(&u.payload) == size - UDP_HDR_LEN);
    return 0;
}
