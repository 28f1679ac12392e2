// SPDX-License-Identifier: MIT
#include "net/pkt/icmp6.h"

#include <netinet/in.h>
#include <string.h>

#include "net/pkt/csum.h"

bool icmp6_is_error(uint8_t type)
{
    return type >= ICMP6_UNREACH && type <= ICMP6_PARAM_PROBLEM;
}

enum pkt_status icmp6_build(uint8_t *buf, size_t cap, const struct icmp6_params *p,
                            const struct pkt_ends *ends, size_t *out_len)
{
    if (p->payload_len > 65535 - ICMP6_HDR_LEN) return PKT_BAD_ARG;
    size_t total = ICMP6_HDR_LEN + p->payload_len;
    if (cap < total) return PKT_NO_SPACE;
    buf[0] = p->type;
    buf[1] = p->code;
    pkt_put16(buf + 2, 0);
    pkt_put32(buf + 4, p->rest);
    if (p->payload_len) memcpy(buf + ICMP6_HDR_LEN, p->payload, p->payload_len);
    pkt_put16(buf + 2, csum_transport(ends, IPPROTO_ICMPV6, buf, total));
    *out_len = total;
    return PKT_OK;
}

enum pkt_status icmp6_parse(struct pktbuf msg, struct icmp6_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&msg) < ICMP6_HDR_LEN) return PKT_TRUNCATED;
    out->type = pb_u8(&msg);
    out->code = pb_u8(&msg);
    out->checksum = pb_be16(&msg);
    out->rest = pb_be32(&msg);
    out->id = (uint16_t)(out->rest >> 16);
    out->seq = (uint16_t)out->rest;
    out->body = pb_rest(&msg);
    if (!pb_ok(&msg)) return PKT_TRUNCATED;
    out->is_error = icmp6_is_error(out->type);
    if (!out->is_error) return PKT_OK;
    enum pkt_status st = ipv6_parse_quoted(out->body, &out->inner);
    if (st != PKT_OK) return st;
    size_t l4 = pb_len(&out->inner.payload);
    out->inner_l4 =
        pb_slice(&out->inner.payload, 0, l4 < ICMP_QUOTE_L4_LEN ? l4 : ICMP_QUOTE_L4_LEN);
    return PKT_OK;
}

bool icmp6_checksum_ok(struct pktbuf msg, const struct pkt_ends *ends)
{
    return csum_transport_ok(ends, IPPROTO_ICMPV6, &msg);
}
