// SPDX-License-Identifier: MIT
#include "net/pkt/ipv6.h"

#include <string.h>
#include <sys/socket.h>

#define NH_HOPOPTS 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_AH 51
#define NH_DSTOPTS 60
#define FRAG_HDR_LEN 8
/* Every extension header is at least 8 bytes, so a 64 KiB payload holds at
 * most 8192; a packet chaining more than this many is hostile. */
#define MAX_EXT_HEADERS 64

enum pkt_status ipv6_build(uint8_t *buf, size_t cap, const struct ipv6_params *p,
                           size_t payload_len, size_t *out_len)
{
    if (payload_len > 65535 || p->flow_label > 0xfffff) return PKT_BAD_ARG;
    if (cap < IPV6_HDR_LEN) return PKT_NO_SPACE;
    pkt_put32(buf, 6u << 28 | (uint32_t)p->traffic_class << 20 | p->flow_label);
    pkt_put16(buf + 4, (uint16_t)payload_len);
    buf[6] = p->next_header;
    buf[7] = p->hop_limit;
    memcpy(buf + 8, p->src, 16);
    memcpy(buf + 24, p->dst, 16);
    *out_len = IPV6_HDR_LEN;
    return PKT_OK;
}

static bool is_extension(uint8_t nh)
{
    return nh == NH_HOPOPTS || nh == NH_ROUTING || nh == NH_FRAGMENT || nh == NH_AH ||
           nh == NH_DSTOPTS;
}

/* Walks the extension headers at the start of *payload, leaving it at the
 * upper-layer data. */
static enum pkt_status skip_extensions(struct pktbuf *payload, struct ipv6_info *out)
{
    uint8_t nh = out->next_header;
    for (int n = 0; is_extension(nh); n++) {
        if (n == MAX_EXT_HEADERS || pb_remaining(payload) < 8) return PKT_BAD_OPTION;
        struct pktbuf ext = pb_rest(payload);
        uint8_t next = pb_u8_at(&ext, 0);
        size_t len;
        if (nh == NH_FRAGMENT) {
            len = FRAG_HDR_LEN;
            uint16_t off = pb_be16_at(&ext, 2);
            out->frag_offset = (uint16_t)(off & 0xfff8);
            out->is_fragment = out->is_fragment || (off & 0xfff9) != 0;
            out->frag_id = pb_be32_at(&ext, 4);
        } else if (nh == NH_AH) {
            len = ((size_t)pb_u8_at(&ext, 1) + 2) * 4;
        } else {
            len = ((size_t)pb_u8_at(&ext, 1) + 1) * 8;
        }
        if (len > pb_remaining(payload)) return PKT_BAD_OPTION;
        pb_skip(payload, len);
        out->ext_len += len;
        nh = next;
    }
    out->proto = nh;
    *payload = pb_rest(payload);
    return PKT_OK;
}

static enum pkt_status parse_fixed(struct pktbuf *pkt, struct ipv6_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(pkt) < IPV6_HDR_LEN) return PKT_TRUNCATED;
    uint32_t first = pb_be32(pkt);
    if (first >> 28 != 6) return PKT_BAD_VERSION;
    out->traffic_class = (uint8_t)(first >> 20);
    out->flow_label = first & 0xfffff;
    out->payload_len = pb_be16(pkt);
    out->next_header = pb_u8(pkt);
    out->hop_limit = pb_u8(pkt);
    pb_copy(pkt, out->src, 16);
    pb_copy(pkt, out->dst, 16);
    return pb_ok(pkt) ? PKT_OK : PKT_TRUNCATED;
}

enum pkt_status ipv6_parse_pb(struct pktbuf pkt, struct ipv6_info *out)
{
    enum pkt_status st = parse_fixed(&pkt, out);
    if (st != PKT_OK) return st;
    if (out->payload_len > pb_remaining(&pkt)) return PKT_BAD_TOTAL_LEN;
    out->payload = pb_take(&pkt, out->payload_len);
    return skip_extensions(&out->payload, out);
}

enum pkt_status ipv6_parse(const uint8_t *data, size_t len, struct ipv6_info *out)
{
    return ipv6_parse_pb(pb_init(data, len), out);
}

enum pkt_status ipv6_parse_quoted(struct pktbuf pkt, struct ipv6_info *out)
{
    enum pkt_status st = parse_fixed(&pkt, out);
    if (st != PKT_OK) return st;
    size_t avail = pb_remaining(&pkt);
    out->payload_cut = out->payload_len > avail;
    out->payload = pb_take(&pkt, out->payload_cut ? avail : out->payload_len);
    return skip_extensions(&out->payload, out);
}

void ipv6_ends(const struct ipv6_info *ip, struct pkt_ends *ends)
{
    ends->family = AF_INET6;
    memcpy(ends->src, ip->src, 16);
    memcpy(ends->dst, ip->dst, 16);
}
