// SPDX-License-Identifier: MIT
#include "net/pkt/csum.h"

#include <sys/socket.h>

uint32_t csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
    uint64_t acc = sum;
    size_t i = 0;
    for (; i + 1 < len; i += 2)
        acc += (uint32_t)(data[i] << 8 | data[i + 1]);
    if (i < len) acc += (uint32_t)data[i] << 8;
    /* Fold now so the result fits a uint32_t for the next piece. */
    while (acc >> 32)
        acc = (acc & 0xffffffffu) + (acc >> 32);
    return (uint32_t)acc;
}

uint32_t csum_add_pb(uint32_t sum, const struct pktbuf *b)
{
    const uint8_t *data;
    size_t len;
    pb_span(b, &data, &len);
    return csum_add(sum, data, len);
}

uint16_t csum_finish(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint32_t csum_pseudo(const struct pkt_ends *ends, uint8_t proto, uint32_t l4_len)
{
    size_t alen = ends->family == AF_INET6 ? 16 : 4;
    uint32_t sum = csum_add(0, ends->src, alen);
    sum = csum_add(sum, ends->dst, alen);
    if (ends->family == AF_INET6) {
        /* RFC 8200: 32-bit upper-layer length, 3 zero bytes, next header. */
        sum += l4_len >> 16;
        sum += l4_len & 0xffff;
    } else {
        sum += l4_len & 0xffff;
    }
    return sum + proto;
}

uint16_t csum_transport(const struct pkt_ends *ends, uint8_t proto, const uint8_t *seg, size_t len)
{
    uint32_t sum = csum_pseudo(ends, proto, (uint32_t)len);
    return csum_finish(csum_add(sum, seg, len));
}

bool csum_transport_ok(const struct pkt_ends *ends, uint8_t proto, const struct pktbuf *seg)
{
    uint32_t sum = csum_pseudo(ends, proto, (uint32_t)pb_len(seg));
    return pb_ok(seg) && csum_finish(csum_add_pb(sum, seg)) == 0;
}
