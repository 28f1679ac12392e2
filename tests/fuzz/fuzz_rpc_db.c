// SPDX-License-Identifier: MIT
// The nmap-rpc parser on arbitrary text. A parsed database must hold each
// program number once, in the order of its first line, with a name of 1 to
// 64 characters without blanks or '#', and look every number up to its
// first name; a rejected file must say "label:line: what" with a line
// that exists.
#include <stdbool.h>

#include "fuzz_common.h"
#include "service/rpc.h"

#define LABEL "fuzz-rpc"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size, unterminated copy: the parser takes a length. */
    char *text = malloc(size ? size : 1);
    if (!text) abort();
    if (size) memcpy(text, data, size);
    char err[256] = "";
    struct rpc_db *db = rpc_db_parse(text, size, LABEL, err, sizeof err);
    if (!db) {
        FUZZ_CHECK(strncmp(err, LABEL ":", strlen(LABEL ":")) == 0);
        char *end;
        unsigned long line = strtoul(err + strlen(LABEL ":"), &end, 10);
        FUZZ_CHECK(line >= 1 && line <= fuzz_count_lines(data, size));
        FUZZ_CHECK(end[0] == ':' && end[1] == ' ' && end[2] != '\0');
        free(text);
        return 0;
    }
    size_t n = rpc_db_count(db);
    FUZZ_CHECK(n <= fuzz_count_lines(data, size));
    for (size_t i = 0; i < n; i++) {
        uint32_t prog = rpc_db_program(db, i);
        const char *name = rpc_db_name(db, prog);
        FUZZ_CHECK(name != NULL);
        size_t len = strlen(name);
        FUZZ_CHECK(len >= 1 && len <= 64);
        FUZZ_CHECK(strpbrk(name, " \t\r\v\f\n#") == NULL);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(rpc_db_program(db, j) != prog);
        /* The name is the first line naming prog: it appears in the text
         * before any other entry with that number could. */
        FUZZ_CHECK(memmem(data, size, name, len) != NULL);
    }
    rpc_db_free(db);
    free(text);
    return 0;
}
