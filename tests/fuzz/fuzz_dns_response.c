// SPDX-License-Identifier: MIT
// dns_parse_ptr_reply on arbitrary bytes as the answer to one of a few PTR
// questions (the first byte picks which), and dns_read_name at every offset:
// names stay within 255 wire bytes, end where they say, read only inside
// the message (the buffer is exactly sized), and a taken name has no NUL.
#include <string.h>

#include "dns/dns_msg.h"
#include "fuzz_common.h"

static const char *const QUESTIONS[] = {
    "2.1.18.198.in-addr.arpa",
    "1.0.0.127.in-addr.arpa",
    "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
    "a",
};

static void check_wire(const uint8_t *wire, int len)
{
    FUZZ_CHECK(len >= 1 && len <= DNS_NAME_WIRE_MAX);
    int i = 0;
    while (wire[i] != 0) {
        FUZZ_CHECK(wire[i] <= 63);
        i += 1 + wire[i];
        FUZZ_CHECK(i < len);
    }
    FUZZ_CHECK(i + 1 == len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    const char *q = QUESTIONS[data[0] % (sizeof QUESTIONS / sizeof QUESTIONS[0])];
    size_t len = size - 1;
    uint8_t *msg = malloc(len ? len : 1);
    if (!msg) abort();
    memcpy(msg, data + 1, len);

    struct dns_ptr_reply a, b;
    enum dns_ptr_outcome o = dns_parse_ptr_reply(msg, len, q, &a);
    FUZZ_CHECK(dns_parse_ptr_reply(msg, len, q, &b) == o);
    if (o == DNS_PTR_NAME) {
        FUZZ_CHECK(strlen(a.name) < DNS_NAME_TEXT_MAX);
        FUZZ_CHECK(strcmp(a.name, b.name) == 0);
    }
    if (o != DNS_PTR_MALFORMED) {
        FUZZ_CHECK(len >= DNS_HEADER_LEN);
        FUZZ_CHECK(a.id == (uint16_t)(msg[0] << 8 | msg[1]));
        FUZZ_CHECK((msg[2] & 0x80) != 0);
    }

    /* Names at every offset, bounded to the first 600 bytes to keep each
     * run fast. */
    for (size_t off0 = 0; off0 < len && off0 < 600; off0++) {
        uint8_t wire[DNS_NAME_WIRE_MAX];
        size_t off = off0;
        int n = dns_read_name(msg, len, &off, wire);
        if (n < 0) continue;
        check_wire(wire, n);
        FUZZ_CHECK(off > off0 && off <= len);
        char text[DNS_NAME_TEXT_MAX];
        int t = dns_name_text(wire, text);
        if (t >= 0) FUZZ_CHECK((size_t)t == strlen(text) && t <= 253);
    }
    free(msg);
    return 0;
}
