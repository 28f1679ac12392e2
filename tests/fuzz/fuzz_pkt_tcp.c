// SPDX-License-Identifier: MIT
// tcp_parse, tcp_parse_quoted and tcp_options_parse on arbitrary bytes: an
// accepted segment's header and payload partition the input, its options
// decode, and rebuilding it reproduces the segment.
#include <sys/socket.h>

#include "fuzz_common.h"
#include "net/pkt/tcp.h"

static void check_rebuild(const uint8_t *data, size_t size, const struct tcp_info *t)
{
    const uint8_t *opts, *payload;
    size_t optlen, plen;
    pb_span(&t->options, &opts, &optlen);
    pb_span(&t->payload, &payload, &plen);
    if (optlen % 4 != 0) return;
    struct tcp_params p = {.sport = t->sport,
                           .dport = t->dport,
                           .seq = t->seq,
                           .ack = t->ack,
                           .flags = t->flags,
                           .window = t->window,
                           .urgent = t->urgent,
                           .options = opts,
                           .options_len = optlen,
                           .payload = payload,
                           .payload_len = plen};
    struct pkt_ends e = {.family = AF_INET};
    uint8_t *buf = malloc(size);
    if (!buf) abort();
    size_t len;
    if (tcp_build(buf, size, &p, &e, &len) == PKT_OK) {
        FUZZ_CHECK(len == size);
        /* Byte 12's low nibble (reserved bits) and the checksum may differ. */
        FUZZ_CHECK(memcmp(buf, data, 12) == 0 && memcmp(buf + 13, data + 13, 3) == 0);
        FUZZ_CHECK(memcmp(buf + 18, data + 18, size - 18) == 0);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tcp_info t;
    if (tcp_parse(pb_init(data, size), &t) == PKT_OK) {
        FUZZ_CHECK(t.header_len >= TCP_HDR_LEN && t.header_len <= 60);
        FUZZ_CHECK(t.header_len + pb_len(&t.payload) == size);
        struct tcp_options o;
        FUZZ_CHECK(tcp_options_parse(t.options, &o) == PKT_OK);
        FUZZ_CHECK(!o.has_mss || pb_len(&t.options) >= 4);
        if (size <= 65535) check_rebuild(data, size, &t);
    }
    if (tcp_parse_quoted(pb_init(data, size), &t) == PKT_OK) FUZZ_CHECK(size >= 8);
    struct tcp_options o;
    (void)tcp_options_parse(pb_init(data, size), &o);
    return 0;
}
