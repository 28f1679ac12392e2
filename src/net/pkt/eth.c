// SPDX-License-Identifier: MIT
#include "net/pkt/eth.h"

#include <string.h>

enum pkt_status eth_build(uint8_t *buf, size_t cap, const uint8_t dst[ETH_ADDR_LEN],
                          const uint8_t src[ETH_ADDR_LEN], uint16_t ethertype, size_t *out_len)
{
    if (cap < ETH_HDR_LEN) return PKT_NO_SPACE;
    memcpy(buf, dst, ETH_ADDR_LEN);
    memcpy(buf + ETH_ADDR_LEN, src, ETH_ADDR_LEN);
    pkt_put16(buf + 12, ethertype);
    *out_len = ETH_HDR_LEN;
    return PKT_OK;
}

enum pkt_status eth_parse(struct pktbuf frame, struct eth_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&frame) < ETH_HDR_LEN) return PKT_TRUNCATED;
    pb_copy(&frame, out->dst, ETH_ADDR_LEN);
    pb_copy(&frame, out->src, ETH_ADDR_LEN);
    out->ethertype = pb_be16(&frame);
    if (out->ethertype == ETHERTYPE_VLAN) {
        out->vlan_tci = pb_be16(&frame);
        out->ethertype = pb_be16(&frame);
    }
    out->payload = pb_rest(&frame);
    return pb_ok(&frame) ? PKT_OK : PKT_TRUNCATED;
}
