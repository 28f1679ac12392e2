// SPDX-License-Identifier: MIT
#include "net/pkt/nd.h"

#include <netinet/in.h>
#include <string.h>

#include "net/pkt/csum.h"

#define ND_FIXED_LEN 24 /* type, code, checksum, flags/reserved, target */
#define FLAG_ROUTER 0x80
#define FLAG_SOLICITED 0x40
#define FLAG_OVERRIDE 0x20

void nd_solicited_node(const uint8_t target[16], uint8_t group[16], uint8_t mac[6])
{
    static const uint8_t prefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
    memcpy(group, prefix, sizeof prefix);
    memcpy(group + 13, target + 13, 3);
    mac[0] = 0x33;
    mac[1] = 0x33;
    memcpy(mac + 2, group + 12, 4);
}

enum pkt_status nd_build_solicit(uint8_t *buf, size_t cap, const uint8_t target[16],
                                 const uint8_t src_mac[6], const struct pkt_ends *ends,
                                 size_t *out_len)
{
    if (cap < ND_NS_LEN) return PKT_NO_SPACE;
    memset(buf, 0, ND_NS_LEN);
    buf[0] = ND_NEIGHBOR_SOLICIT;
    memcpy(buf + 8, target, 16);
    buf[ND_FIXED_LEN] = ND_OPT_SOURCE_LLADDR;
    buf[ND_FIXED_LEN + 1] = 1; /* in units of 8 bytes */
    memcpy(buf + ND_FIXED_LEN + 2, src_mac, 6);
    pkt_put16(buf + 2, csum_transport(ends, IPPROTO_ICMPV6, buf, ND_NS_LEN));
    *out_len = ND_NS_LEN;
    return PKT_OK;
}

static enum pkt_status parse_options(struct pktbuf opts, struct nd_advert *out)
{
    while (pb_remaining(&opts) > 0) {
        if (pb_remaining(&opts) < 2) return PKT_BAD_LENGTH;
        struct pktbuf opt = pb_rest(&opts);
        uint8_t type = pb_u8_at(&opt, 0);
        size_t olen = (size_t)pb_u8_at(&opt, 1) * 8;
        if (olen == 0 || olen > pb_remaining(&opts)) return PKT_BAD_LENGTH;
        if (type == ND_OPT_TARGET_LLADDR && olen == 8) {
            pb_skip(&opt, 2);
            out->has_lladdr = pb_copy(&opt, out->lladdr, 6);
        }
        pb_skip(&opts, olen);
    }
    return PKT_OK;
}

enum pkt_status nd_parse_advert(struct pktbuf msg, struct nd_advert *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&msg) < ND_FIXED_LEN) return PKT_TRUNCATED;
    uint8_t type = pb_u8(&msg), code = pb_u8(&msg);
    if (type != ND_NEIGHBOR_ADVERT || code != 0) return PKT_BAD_TYPE;
    pb_skip(&msg, 2);
    uint8_t flags = pb_u8(&msg);
    out->router = flags & FLAG_ROUTER;
    out->solicited = flags & FLAG_SOLICITED;
    out->override = flags & FLAG_OVERRIDE;
    pb_skip(&msg, 3);
    pb_copy(&msg, out->target, 16);
    if (!pb_ok(&msg)) return PKT_TRUNCATED;
    return parse_options(pb_rest(&msg), out);
}
