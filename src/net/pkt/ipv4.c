// SPDX-License-Identifier: MIT
#include "net/pkt/ipv4.h"

#include <string.h>
#include <sys/socket.h>

#include "net/pkt/csum.h"

#define IPV4_MAX_TOTAL 65535
#define FLAG_DF 0x4000
#define FLAG_MF 0x2000
#define OFFSET_MASK 0x1fff
#define OPT_EOL 0
#define OPT_NOP 1

enum pkt_status ipv4_build(uint8_t *buf, size_t cap, const struct ipv4_params *p,
                           size_t payload_len, size_t *out_len)
{
    if (p->options_len > IPV4_MAX_OPTIONS || p->options_len % 4 != 0) return PKT_BAD_ARG;
    size_t hl = IPV4_HDR_LEN + p->options_len;
    if (payload_len > IPV4_MAX_TOTAL - hl) return PKT_BAD_ARG;
    if (cap < hl) return PKT_NO_SPACE;
    buf[0] = (uint8_t)(0x40 | hl / 4);
    buf[1] = p->tos;
    pkt_put16(buf + 2, (uint16_t)(hl + payload_len));
    pkt_put16(buf + 4, p->id);
    pkt_put16(buf + 6, p->df ? FLAG_DF : 0);
    buf[8] = p->ttl;
    buf[9] = p->proto;
    pkt_put16(buf + 10, 0);
    memcpy(buf + 12, p->src, 4);
    memcpy(buf + 16, p->dst, 4);
    if (p->options_len) memcpy(buf + IPV4_HDR_LEN, p->options, p->options_len);
    pkt_put16(buf + 10, csum_finish(csum_add(0, buf, hl)));
    *out_len = hl;
    return PKT_OK;
}

enum pkt_status ipv4_options_check(struct pktbuf opts)
{
    while (pb_remaining(&opts) > 0) {
        uint8_t type = pb_u8(&opts);
        if (type == OPT_EOL) return PKT_OK;
        if (type == OPT_NOP) continue;
        if (pb_remaining(&opts) < 1) return PKT_BAD_OPTION;
        uint8_t olen = pb_u8(&opts);
        if (olen < 2 || (size_t)(olen - 2) > pb_remaining(&opts)) return PKT_BAD_OPTION;
        pb_skip(&opts, olen - 2u);
    }
    return PKT_OK;
}

/* Fixed fields and options; leaves the payload to the caller. */
static enum pkt_status parse_header(struct pktbuf *pkt, struct ipv4_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(pkt) < IPV4_HDR_LEN) return PKT_TRUNCATED;
    uint8_t vihl = pb_u8(pkt);
    if (vihl >> 4 != 4) return PKT_BAD_VERSION;
    out->header_len = (uint8_t)((vihl & 0x0f) * 4);
    if (out->header_len < IPV4_HDR_LEN || out->header_len > pb_len(pkt)) return PKT_BAD_HEADER_LEN;
    out->tos = pb_u8(pkt);
    out->total_len = pb_be16(pkt);
    out->id = pb_be16(pkt);
    uint16_t frag = pb_be16(pkt);
    out->df = frag & FLAG_DF;
    out->mf = frag & FLAG_MF;
    out->frag_offset = (uint16_t)((frag & OFFSET_MASK) * 8);
    out->is_fragment = out->mf || out->frag_offset != 0;
    out->ttl = pb_u8(pkt);
    out->proto = pb_u8(pkt);
    out->checksum = pb_be16(pkt);
    pb_copy(pkt, out->src, 4);
    pb_copy(pkt, out->dst, 4);
    out->options = pb_take(pkt, out->header_len - IPV4_HDR_LEN);
    if (!pb_ok(pkt)) return PKT_TRUNCATED;
    if (out->total_len < out->header_len) return PKT_BAD_TOTAL_LEN;
    struct pktbuf hdr = pb_slice(pkt, 0, out->header_len);
    out->checksum_ok = csum_finish(csum_add_pb(0, &hdr)) == 0;
    return ipv4_options_check(out->options);
}

enum pkt_status ipv4_parse_pb(struct pktbuf pkt, struct ipv4_info *out)
{
    enum pkt_status st = parse_header(&pkt, out);
    if (st != PKT_OK) return st;
    if (out->total_len > pb_len(&pkt)) return PKT_BAD_TOTAL_LEN;
    out->payload = pb_slice(&pkt, out->header_len, out->total_len - out->header_len);
    return PKT_OK;
}

enum pkt_status ipv4_parse(const uint8_t *data, size_t len, struct ipv4_info *out)
{
    return ipv4_parse_pb(pb_init(data, len), out);
}

enum pkt_status ipv4_parse_quoted(struct pktbuf pkt, struct ipv4_info *out)
{
    enum pkt_status st = parse_header(&pkt, out);
    if (st != PKT_OK) return st;
    size_t avail = pb_len(&pkt) - out->header_len;
    size_t want = (size_t)out->total_len - out->header_len;
    out->payload_cut = want > avail;
    out->payload = pb_slice(&pkt, out->header_len, out->payload_cut ? avail : want);
    return PKT_OK;
}

void ipv4_ends(const struct ipv4_info *ip, struct pkt_ends *ends)
{
    memset(ends, 0, sizeof *ends);
    ends->family = AF_INET;
    memcpy(ends->src, ip->src, 4);
    memcpy(ends->dst, ip->dst, 4);
}
