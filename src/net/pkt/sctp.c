// SPDX-License-Identifier: MIT
#include "net/pkt/sctp.h"

#include <string.h>

#define INIT_CHUNK_LEN 20
#define CSUM_OFF 8
#define ADLER_MOD 65521 /* largest prime below 2^16 (RFC 1950) */
/* Castagnoli polynomial, bit-reversed (RFC 9260 appendix A). */
#define CRC32C_POLY 0x82f63b78u

static uint32_t crc32c_step(uint32_t crc, const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (CRC32C_POLY & (0u - (crc & 1)));
    }
    return crc;
}

/* state = b << 16 | a, as the finished checksum reads. */
static uint32_t adler32_step(uint32_t state, const uint8_t *data, size_t len)
{
    uint32_t a = state & 0xffff, b = state >> 16;
    for (size_t i = 0; i < len; i++) {
        a = (a + data[i]) % ADLER_MOD;
        b = (b + a) % ADLER_MOD;
    }
    return b << 16 | a;
}

uint32_t sctp_crc32c(const uint8_t *data, size_t len)
{
    return ~crc32c_step(0xffffffffu, data, len);
}

uint32_t sctp_adler32(const uint8_t *data, size_t len)
{
    return adler32_step(1, data, len);
}

/* CRC32c goes on the wire least significant byte first (RFC 9260 appendix
 * A); Adler-32 in network order (RFC 2960 appendix B). */
void sctp_set_checksum(uint8_t *pkt, size_t len, bool adler32)
{
    memset(pkt + CSUM_OFF, 0, 4);
    if (adler32) {
        pkt_put32(pkt + CSUM_OFF, sctp_adler32(pkt, len));
        return;
    }
    uint32_t crc = sctp_crc32c(pkt, len);
    for (int i = 0; i < 4; i++)
        pkt[CSUM_OFF + i] = (uint8_t)(crc >> (8 * i));
}

static void put_common(uint8_t *buf, const struct sctp_common *c)
{
    pkt_put16(buf, c->sport);
    pkt_put16(buf + 2, c->dport);
    pkt_put32(buf + 4, c->vtag);
    pkt_put32(buf + CSUM_OFF, 0);
}

enum pkt_status sctp_build_init(uint8_t *buf, size_t cap, const struct sctp_common *c,
                                const struct sctp_init *init, size_t *out_len)
{
    size_t total = SCTP_HDR_LEN + INIT_CHUNK_LEN;
    if (cap < total) return PKT_NO_SPACE;
    put_common(buf, c);
    uint8_t *ch = buf + SCTP_HDR_LEN;
    ch[0] = SCTP_INIT;
    ch[1] = 0;
    pkt_put16(ch + 2, INIT_CHUNK_LEN);
    pkt_put32(ch + 4, init->initiate_tag);
    pkt_put32(ch + 8, init->a_rwnd);
    pkt_put16(ch + 12, init->out_streams);
    pkt_put16(ch + 14, init->in_streams);
    pkt_put32(ch + 16, init->initial_tsn);
    sctp_set_checksum(buf, total, c->adler32);
    *out_len = total;
    return PKT_OK;
}

enum pkt_status sctp_build_cookie_echo(uint8_t *buf, size_t cap, const struct sctp_common *c,
                                       const uint8_t *cookie, size_t cookie_len, size_t *out_len)
{
    if (cookie_len > 65535 - SCTP_CHUNK_HDR_LEN - 3) return PKT_BAD_ARG;
    size_t chunk_len = SCTP_CHUNK_HDR_LEN + cookie_len;
    size_t padded = (chunk_len + 3) & ~(size_t)3;
    size_t total = SCTP_HDR_LEN + padded;
    if (cap < total) return PKT_NO_SPACE;
    put_common(buf, c);
    uint8_t *ch = buf + SCTP_HDR_LEN;
    ch[0] = SCTP_COOKIE_ECHO;
    ch[1] = 0;
    pkt_put16(ch + 2, (uint16_t)chunk_len);
    if (cookie_len) memcpy(ch + SCTP_CHUNK_HDR_LEN, cookie, cookie_len);
    memset(ch + chunk_len, 0, padded - chunk_len);
    sctp_set_checksum(buf, total, c->adler32);
    *out_len = total;
    return PKT_OK;
}

static void read_common(struct pktbuf *pkt, struct sctp_info *out)
{
    out->sport = pb_be16(pkt);
    out->dport = pb_be16(pkt);
    out->vtag = pb_be32(pkt);
}

/* Walks every chunk; a chunk may omit only the padding after it when it is
 * the last one. */
static enum pkt_status walk_chunks(struct pktbuf chunks, struct sctp_info *out)
{
    while (pb_remaining(&chunks) > 0) {
        if (pb_remaining(&chunks) < SCTP_CHUNK_HDR_LEN) return PKT_BAD_LENGTH;
        struct pktbuf ch = pb_rest(&chunks);
        uint8_t type = pb_u8_at(&ch, 0), flags = pb_u8_at(&ch, 1);
        uint16_t clen = pb_be16_at(&ch, 2);
        if (clen < SCTP_CHUNK_HDR_LEN || clen > pb_remaining(&chunks)) return PKT_BAD_LENGTH;
        if (out->n_chunks++ == 0) {
            out->first_type = type;
            out->first_flags = flags;
        }
        size_t padded = ((size_t)clen + 3) & ~(size_t)3;
        pb_skip(&chunks, padded <= pb_remaining(&chunks) ? padded : clen);
    }
    return out->n_chunks ? PKT_OK : PKT_TRUNCATED;
}

enum pkt_status sctp_parse(struct pktbuf pkt, struct sctp_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&pkt) < SCTP_HDR_LEN) return PKT_TRUNCATED;
    read_common(&pkt, out);
    out->checksum_field = pb_be32(&pkt);
    out->chunks = pb_rest(&pkt);
    if (!pb_ok(&pkt)) return PKT_TRUNCATED;
    return walk_chunks(out->chunks, out);
}

enum pkt_status sctp_parse_quoted(struct pktbuf pkt, struct sctp_info *out)
{
    memset(out, 0, sizeof *out);
    if (pb_len(&pkt) < ICMP_QUOTE_L4_LEN) return PKT_TRUNCATED;
    read_common(&pkt, out);
    out->chunks = pb_empty();
    return pb_ok(&pkt) ? PKT_OK : PKT_TRUNCATED;
}

/* Recomputes a checksum with the field read as zero; len >= SCTP_HDR_LEN. */
static uint32_t sum_without_field(const uint8_t *data, size_t len, bool adler32)
{
    uint8_t head[SCTP_HDR_LEN];
    memcpy(head, data, SCTP_HDR_LEN);
    memset(head + CSUM_OFF, 0, 4);
    const uint8_t *rest = data + SCTP_HDR_LEN;
    size_t n = len - SCTP_HDR_LEN;
    if (adler32) return adler32_step(adler32_step(1, head, SCTP_HDR_LEN), rest, n);
    return ~crc32c_step(crc32c_step(0xffffffffu, head, SCTP_HDR_LEN), rest, n);
}

enum sctp_sum sctp_checksum_check(struct pktbuf pkt)
{
    const uint8_t *data;
    size_t len;
    pb_span(&pkt, &data, &len);
    if (len < SCTP_HDR_LEN) return SCTP_SUM_BAD;
    uint32_t field = pb_be32_at(&pkt, CSUM_OFF);
    uint32_t crc = sum_without_field(data, len, false);
    uint32_t crc_wire = (crc & 0xff) << 24 | (crc & 0xff00) << 8 | (crc >> 8 & 0xff00) | crc >> 24;
    if (field == crc_wire) return SCTP_SUM_CRC32C;
    if (field == sum_without_field(data, len, true)) return SCTP_SUM_ADLER32;
    return SCTP_SUM_BAD;
}
