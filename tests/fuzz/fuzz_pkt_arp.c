// SPDX-License-Identifier: MIT
// eth_parse and arp_parse on arbitrary bytes (a captured Ethernet frame):
// the payload view ends at the frame's end, and an accepted ARP packet is
// Ethernet/IPv4.
#include "fuzz_common.h"
#include "net/pkt/arp.h"
#include "net/pkt/eth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct eth_info e;
    struct pktbuf arp_bytes = pb_init(data, size);
    if (eth_parse(pb_init(data, size), &e) == PKT_OK) {
        size_t hdr = data[12] == 0x81 && data[13] == 0x00 ? 18 : ETH_HDR_LEN;
        FUZZ_CHECK(pb_len(&e.payload) == size - hdr);
        arp_bytes = e.payload;
    }
    struct arp_info a;
    if (arp_parse(arp_bytes, &a) == PKT_OK) {
        FUZZ_CHECK(pb_len(&arp_bytes) >= ARP_LEN);
        struct pktbuf b = arp_bytes;
        FUZZ_CHECK(pb_be16_at(&b, 0) == 1 && pb_be16_at(&b, 2) == ETHERTYPE_IPV4);
    }
    return 0;
}
