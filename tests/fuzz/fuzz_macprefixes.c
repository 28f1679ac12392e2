// SPDX-License-Identifier: MIT
// The nmap-mac-prefixes parser on arbitrary text. A parsed table must answer
// lookups with printable vendor names of at most 255 bytes, and find every
// prefix it holds; a rejected file must say "label:line: what" with a line
// number inside the input.
#include <stdbool.h>

#include "data/macprefixes.h"
#include "fuzz_common.h"

#define LABEL "fuzz-mac"

static void check_vendor(const char *v)
{
    if (!v) return;
    size_t n = strlen(v);
    FUZZ_CHECK(n > 0 && n <= 255);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)v[i] >= 0x20 && v[i] != 0x7f);
    FUZZ_CHECK(v[0] != ' ' && v[0] != '\t' && v[n - 1] != ' ' && v[n - 1] != '\t');
}

/* Every 6-digit prefix line the input holds must be found again. */
static void check_lookups(const struct mac_prefixes *db, const uint8_t *data, size_t size)
{
    uint8_t mac[6] = {0};
    for (size_t i = 0; i + 7 <= size && i < 4096; i++) {
        if ((i > 0 && data[i - 1] != '\n') || (data[i + 6] != ' ' && data[i + 6] != '\t')) continue;
        char hex[7];
        memcpy(hex, data + i, 6);
        hex[6] = '\0';
        if (strspn(hex, "0123456789abcdefABCDEF") != 6) continue;
        unsigned long v = strtoul(hex, NULL, 16);
        mac[0] = (uint8_t)(v >> 16);
        mac[1] = (uint8_t)(v >> 8);
        mac[2] = (uint8_t)v;
        FUZZ_CHECK(macprefixes_vendor(db, mac) != NULL);
    }
    if (size >= 6) {
        memcpy(mac, data, 6);
        check_vendor(macprefixes_vendor(db, mac));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1); /* unterminated: the length rules */
    if (!text) abort();
    if (size) memcpy(text, data, size);
    char err[512] = "";
    struct mac_prefixes *db = macprefixes_parse(text, size, LABEL, err, sizeof err);
    free(text);
    if (!db) {
        fuzz_check_line_error(err, LABEL, data, size);
        return 0;
    }
    FUZZ_CHECK(macprefixes_count(db) <= fuzz_count_lines(data, size));
    check_lookups(db, data, size);
    macprefixes_free(db);
    return 0;
}
