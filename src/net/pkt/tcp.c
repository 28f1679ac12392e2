// SPDX-License-Identifier: MIT
#include "net/pkt/tcp.h"

#include <netinet/in.h>
#include <string.h>

#include "net/pkt/csum.h"

enum { OPT_EOL = 0, OPT_NOP = 1, OPT_MSS = 2, OPT_WSCALE = 3, OPT_SACK_OK = 4, OPT_TS = 8 };

enum pkt_status tcp_build(uint8_t *buf, size_t cap, const struct tcp_params *p,
                          const struct pkt_ends *ends, size_t *out_len)
{
    if (p->options_len > TCP_MAX_OPTIONS || p->options_len % 4 != 0) return PKT_BAD_ARG;
    size_t hl = TCP_HDR_LEN + p->options_len;
    if (p->payload_len > 65535 - hl) return PKT_BAD_ARG;
    size_t total = hl + p->payload_len;
    if (cap < total) return PKT_NO_SPACE;
    pkt_put16(buf, p->sport);
    pkt_put16(buf + 2, p->dport);
    pkt_put32(buf + 4, p->seq);
    pkt_put32(buf + 8, p->ack);
    buf[12] = (uint8_t)(hl / 4 << 4);
    buf[13] = p->flags;
    pkt_put16(buf + 14, p->window);
    pkt_put16(buf + 16, 0);
    pkt_put16(buf + 18, p->urgent);
    if (p->options_len) memcpy(buf + TCP_HDR_LEN, p->options, p->options_len);
    if (p->payload_len) memcpy(buf + hl, p->payload, p->payload_len);
    pkt_put16(buf + 16, csum_transport(ends, IPPROTO_TCP, buf, total));
    *out_len = total;
    return PKT_OK;
}

static void read_ports_seq(struct pktbuf *seg, struct tcp_info *out)
{
    out->sport = pb_be16(seg);
    out->dport = pb_be16(seg);
    out->seq = pb_be32(seg);
}

enum pkt_status tcp_parse(struct pktbuf seg, struct tcp_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&seg) < TCP_HDR_LEN) return PKT_TRUNCATED;
    read_ports_seq(&seg, out);
    out->ack = pb_be32(&seg);
    out->header_len = (uint8_t)((pb_u8(&seg) >> 4) * 4);
    out->flags = pb_u8(&seg);
    out->window = pb_be16(&seg);
    out->checksum = pb_be16(&seg);
    out->urgent = pb_be16(&seg);
    if (out->header_len < TCP_HDR_LEN || out->header_len > pb_len(&seg)) return PKT_BAD_HEADER_LEN;
    out->options = pb_take(&seg, out->header_len - TCP_HDR_LEN);
    out->payload = pb_rest(&seg);
    if (!pb_ok(&seg)) return PKT_TRUNCATED;
    struct tcp_options opts;
    return tcp_options_parse(out->options, &opts);
}

enum pkt_status tcp_parse_quoted(struct pktbuf seg, struct tcp_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&seg) < 8) return PKT_TRUNCATED;
    read_ports_seq(&seg, out);
    out->options = pb_empty();
    out->payload = pb_empty();
    return pb_ok(&seg) ? PKT_OK : PKT_TRUNCATED;
}

/* A known option whose length was already checked to fit: its length must
 * be the one its RFC fixes. */
static enum pkt_status known_option(struct pktbuf *o, uint8_t kind, uint8_t olen,
                                    struct tcp_options *out)
{
    static const uint8_t want[] = {
        [OPT_MSS] = 4, [OPT_WSCALE] = 3, [OPT_SACK_OK] = 2, [OPT_TS] = 10};
    if (olen != want[kind]) return PKT_BAD_OPTION;
    switch (kind) {
    case OPT_MSS:
        out->has_mss = true;
        out->mss = pb_be16(o);
        break;
    case OPT_WSCALE:
        out->has_wscale = true;
        out->wscale = pb_u8(o);
        break;
    case OPT_SACK_OK:
        out->sack_permitted = true;
        break;
    default:
        out->has_timestamp = true;
        out->ts_val = pb_be32(o);
        out->ts_ecr = pb_be32(o);
        break;
    }
    return PKT_OK;
}

enum pkt_status tcp_options_parse(struct pktbuf opts, struct tcp_options *out)
{
    memset(out, 0, sizeof *out);
    while (pb_remaining(&opts) > 0) {
        uint8_t kind = pb_u8(&opts);
        if (kind == OPT_EOL) break;
        if (kind == OPT_NOP) continue;
        if (pb_remaining(&opts) < 1) return PKT_BAD_OPTION;
        uint8_t olen = pb_u8(&opts);
        if (olen < 2 || (size_t)olen - 2 > pb_remaining(&opts)) return PKT_BAD_OPTION;
        if (kind == OPT_MSS || kind == OPT_WSCALE || kind == OPT_SACK_OK || kind == OPT_TS) {
            enum pkt_status st = known_option(&opts, kind, olen, out);
            if (st != PKT_OK) return st;
        } else {
            pb_skip(&opts, olen - 2u);
        }
    }
    return pb_ok(&opts) ? PKT_OK : PKT_BAD_OPTION;
}
