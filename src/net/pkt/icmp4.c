// SPDX-License-Identifier: MIT
#include "net/pkt/icmp4.h"

#include <string.h>

#include "net/pkt/csum.h"

bool icmp4_is_error(uint8_t type)
{
    return type == ICMP4_UNREACH || type == ICMP4_SOURCE_QUENCH || type == ICMP4_REDIRECT ||
           type == ICMP4_TIME_EXCEEDED || type == ICMP4_PARAM_PROBLEM;
}

enum pkt_status icmp4_build(uint8_t *buf, size_t cap, const struct icmp4_params *p, size_t *out_len)
{
    if (p->payload_len > 65535 - ICMP4_HDR_LEN) return PKT_BAD_ARG;
    size_t total = ICMP4_HDR_LEN + p->payload_len;
    if (cap < total) return PKT_NO_SPACE;
    buf[0] = p->type;
    buf[1] = p->code;
    pkt_put16(buf + 2, 0);
    pkt_put32(buf + 4, p->rest);
    if (p->payload_len) memcpy(buf + ICMP4_HDR_LEN, p->payload, p->payload_len);
    pkt_put16(buf + 2, csum_finish(csum_add(0, buf, total)));
    *out_len = total;
    return PKT_OK;
}

enum pkt_status icmp4_parse(struct pktbuf msg, struct icmp4_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&msg) < ICMP4_HDR_LEN) return PKT_TRUNCATED;
    out->checksum_ok = csum_finish(csum_add_pb(0, &msg)) == 0;
    out->type = pb_u8(&msg);
    out->code = pb_u8(&msg);
    out->checksum = pb_be16(&msg);
    out->rest = pb_be32(&msg);
    out->id = (uint16_t)(out->rest >> 16);
    out->seq = (uint16_t)out->rest;
    out->body = pb_rest(&msg);
    if (!pb_ok(&msg)) return PKT_TRUNCATED;
    out->is_error = icmp4_is_error(out->type);
    if (!out->is_error) return PKT_OK;
    enum pkt_status st = ipv4_parse_quoted(out->body, &out->inner);
    if (st != PKT_OK) return st;
    size_t l4 = pb_len(&out->inner.payload);
    out->inner_l4 =
        pb_slice(&out->inner.payload, 0, l4 < ICMP_QUOTE_L4_LEN ? l4 : ICMP_QUOTE_L4_LEN);
    return PKT_OK;
}
