// SPDX-License-Identifier: MIT
// The nmap-payloads parser on arbitrary text. A parsed database must hold
// at most one entry per "udp" in the text, give every port at most 255
// payloads of at most PAYLOAD_MAX bytes, and return exactly count(port)
// payloads for each port; a rejected file must say "label:line: what" with
// a line that exists.
#include <stdbool.h>

#include "data/payloads.h"
#include "fuzz_common.h"

#define LABEL "fuzz-payloads"

static size_t count_udp(const uint8_t *data, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i + 3 <= size; i++)
        n += memcmp(data + i, "udp", 3) == 0;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size, unterminated copy: the parser takes a length. */
    char *text = malloc(size ? size : 1);
    if (!text) abort();
    if (size) memcpy(text, data, size);
    char err[256] = "";
    struct payload_db *db = payloads_parse(text, size, LABEL, err, sizeof err);
    if (!db) {
        FUZZ_CHECK(strncmp(err, LABEL ":", strlen(LABEL ":")) == 0);
        char *end;
        unsigned long line = strtoul(err + strlen(LABEL ":"), &end, 10);
        FUZZ_CHECK(line >= 1 && line <= fuzz_count_lines(data, size));
        FUZZ_CHECK(end[0] == ':' && end[1] == ' ' && end[2] != '\0');
        free(text);
        return 0;
    }
    FUZZ_CHECK(payloads_entries(db) <= count_udp(data, size));
    /* A sample of ports (all of them would take 65536 lookups a run). */
    static const uint16_t ports[] = {0, 1, 7, 53, 80, 161, 1000, 32768, 65534, 65535};
    for (size_t k = 0; k < sizeof ports / sizeof ports[0]; k++) {
        unsigned n = payloads_count(db, ports[k]);
        FUZZ_CHECK(n <= PAYLOADS_PER_PORT_MAX);
        FUZZ_CHECK(n <= payloads_entries(db));
        for (unsigned i = 0; i <= n; i++) {
            size_t len = (size_t)-1;
            const uint8_t *p = payloads_get(db, ports[k], i, &len);
            if (i == n) {
                FUZZ_CHECK(p == NULL);
                continue;
            }
            FUZZ_CHECK(p != NULL);
            FUZZ_CHECK(len <= PAYLOAD_MAX && len <= size);
        }
    }
    payloads_free(db);
    free(text);
    return 0;
}
