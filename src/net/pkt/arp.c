// SPDX-License-Identifier: MIT
#include "net/pkt/arp.h"

#include <string.h>

#include "net/pkt/eth.h"

#define HTYPE_ETHERNET 1

enum pkt_status arp_build_request(uint8_t *buf, size_t cap, const uint8_t sha[6],
                                  const uint8_t spa[4], const uint8_t tpa[4], size_t *out_len)
{
    if (cap < ARP_LEN) return PKT_NO_SPACE;
    pkt_put16(buf, HTYPE_ETHERNET);
    pkt_put16(buf + 2, ETHERTYPE_IPV4);
    buf[4] = ETH_ADDR_LEN;
    buf[5] = 4;
    pkt_put16(buf + 6, ARP_REQUEST);
    memcpy(buf + 8, sha, 6);
    memcpy(buf + 14, spa, 4);
    memset(buf + 18, 0, 6);
    memcpy(buf + 24, tpa, 4);
    *out_len = ARP_LEN;
    return PKT_OK;
}

enum pkt_status arp_parse(struct pktbuf pkt, struct arp_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&pkt) < ARP_LEN) return PKT_TRUNCATED;
    uint16_t htype = pb_be16(&pkt), ptype = pb_be16(&pkt);
    uint8_t hlen = pb_u8(&pkt), plen = pb_u8(&pkt);
    if (htype != HTYPE_ETHERNET || ptype != ETHERTYPE_IPV4 || hlen != ETH_ADDR_LEN || plen != 4)
        return PKT_BAD_TYPE;
    out->op = pb_be16(&pkt);
    pb_copy(&pkt, out->sha, 6);
    pb_copy(&pkt, out->spa, 4);
    pb_copy(&pkt, out->tha, 6);
    pb_copy(&pkt, out->tpa, 4);
    return pb_ok(&pkt) ? PKT_OK : PKT_TRUNCATED;
}
