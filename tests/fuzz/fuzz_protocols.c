// SPDX-License-Identifier: MIT
// The nmap-protocols parser on arbitrary text. A parsed table must hold at
// most one name per line, each printable, non-blank, without '#' and at
// most PROTOCOLS_NAME_MAX bytes; a rejected file must say "label:line:
// what" with a line number inside the input.
#include <stdbool.h>

#include "data/protocols.h"
#include "fuzz_common.h"

#define LABEL "fuzz-proto"

static void check_name(const char *name)
{
    if (!name) return;
    size_t n = strlen(name);
    FUZZ_CHECK(n > 0 && n <= PROTOCOLS_NAME_MAX);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)name[i] > 0x20 && (unsigned char)name[i] < 0x7f &&
                   name[i] != '#');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1); /* unterminated: the length rules */
    if (!text) abort();
    if (size) memcpy(text, data, size);
    char err[512] = "";
    struct protocols_db *db = protocols_parse(text, size, LABEL, err, sizeof err);
    free(text);
    if (!db) {
        fuzz_check_line_error(err, LABEL, data, size);
        return 0;
    }
    size_t named = 0;
    const char *const *all = protocols_names(db);
    for (unsigned p = 0; p < 256; p++) {
        const char *name = protocols_name(db, (uint8_t)p);
        FUZZ_CHECK(name == all[p]);
        check_name(name);
        named += name != NULL;
    }
    FUZZ_CHECK(named == protocols_count(db));
    FUZZ_CHECK(named <= fuzz_count_lines(data, size));
    protocols_free(db);
    return 0;
}
