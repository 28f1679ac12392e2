// SPDX-License-Identifier: MIT
#include "net/pkt/udp.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "net/pkt/csum.h"

enum pkt_status udp_build(uint8_t *buf, size_t cap, uint16_t sport, uint16_t dport,
                          const uint8_t *payload, size_t payload_len, const struct pkt_ends *ends,
                          size_t *out_len)
{
    if (payload_len > 65535 - UDP_HDR_LEN) return PKT_BAD_ARG;
    size_t total = UDP_HDR_LEN + payload_len;
    if (cap < total) return PKT_NO_SPACE;
    pkt_put16(buf, sport);
    pkt_put16(buf + 2, dport);
    pkt_put16(buf + 4, (uint16_t)total);
    pkt_put16(buf + 6, 0);
    if (payload_len) memcpy(buf + UDP_HDR_LEN, payload, payload_len);
    uint16_t sum = csum_transport(ends, IPPROTO_UDP, buf, total);
    pkt_put16(buf + 6, sum == 0 ? 0xffff : sum);
    *out_len = total;
    return PKT_OK;
}

static void read_header(struct pktbuf *d, struct udp_info *out)
{
    out->sport = pb_be16(d);
    out->dport = pb_be16(d);
    out->length = pb_be16(d);
    out->checksum = pb_be16(d);
}

enum pkt_status udp_parse(struct pktbuf dgram, struct udp_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&dgram) < UDP_HDR_LEN) return PKT_TRUNCATED;
    read_header(&dgram, out);
    if (out->length < UDP_HDR_LEN || out->length > pb_len(&dgram)) return PKT_BAD_LENGTH;
    out->payload = pb_take(&dgram, out->length - UDP_HDR_LEN);
    return pb_ok(&dgram) ? PKT_OK : PKT_TRUNCATED;
}

enum pkt_status udp_parse_quoted(struct pktbuf dgram, struct udp_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&dgram) < UDP_HDR_LEN) return PKT_TRUNCATED;
    read_header(&dgram, out);
    out->payload = pb_rest(&dgram);
    return pb_ok(&dgram) ? PKT_OK : PKT_TRUNCATED;
}

bool udp_checksum_ok(const struct udp_info *u, struct pktbuf dgram, const struct pkt_ends *ends)
{
    if (u->checksum == 0 && ends->family == AF_INET) return true;
    struct pktbuf covered = pb_slice(&dgram, 0, u->length);
    return csum_transport_ok(ends, IPPROTO_UDP, &covered);
}
