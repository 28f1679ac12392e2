// SPDX-License-Identifier: MIT
// Version-template substitution with fuzzed templates, subjects and
// capture offsets. Layout: byte 0 = field size, byte 1 = flags (bit 0: CPE
// template), byte 2 = group count, then 2 bytes per group (start, end; 0xff
// = unset), then the template up to a NUL, then the subject. Checks: the
// result fits, is trimmed, is "" on failure, does not depend on the bytes
// after it, and plain text comes back unchanged.
#include <stdbool.h>

#include "fuzz_common.h"
#include "service/template.h"

#define MAX_GROUPS 10

static bool trimmed(const char *s)
{
    size_t n = strlen(s);
    if (n == 0) return true;
    char c = s[n - 1];
    return c != ',' && c != ' ' && !(c >= '\t' && c <= '\r');
}

static size_t trim_len(const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ',' || s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
        n--;
    return n;
}

/* Captures from the header: offsets are reduced into the subject. */
static void make_groups(const uint8_t *hdr, unsigned groups, size_t subject_len, size_t *ov)
{
    ov[0] = 0;
    ov[1] = subject_len;
    for (unsigned g = 1; g < groups; g++) {
        uint8_t s = hdr[2 * (g - 1)], e = hdr[2 * (g - 1) + 1];
        if (s == 0xff || e == 0xff) {
            ov[2 * g] = ov[2 * g + 1] = VSCAN_UNSET;
            continue;
        }
        size_t a = s % (subject_len + 1), b = e % (subject_len + 1);
        ov[2 * g] = a < b ? a : b;
        ov[2 * g + 1] = a < b ? b : a;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3) return 0;
    size_t outsize = 3 + data[0];
    bool cpe = data[1] & 1;
    unsigned groups = 1 + data[2] % MAX_GROUPS;
    size_t pos = 3 + 2 * (groups - 1);
    if (pos > size) return 0;
    const uint8_t *hdr = data + 3;
    char *tmpl = fuzz_next_piece(data, size, &pos);
    if (!tmpl) return 0;
    size_t subject_len = pos < size ? size - pos : 0;
    uint8_t *subject = malloc(subject_len ? subject_len : 1);
    if (!subject) abort();
    if (subject_len) memcpy(subject, data + pos, subject_len);
    size_t ov[2 * MAX_GROUPS];
    make_groups(hdr, groups, subject_len, ov);
    struct vscan_captures caps = {subject, subject_len, ov, groups};

    char *out = malloc(outsize), *again = malloc(outsize + 8);
    if (!out || !again) abort();
    int rc = vscan_template_fill(tmpl, &caps, cpe, out, outsize);
    FUZZ_CHECK(rc == 0 || rc == -1);
    FUZZ_CHECK(strlen(out) < outsize);
    if (rc != 0) FUZZ_CHECK(out[0] == '\0');
    FUZZ_CHECK(trimmed(out));
    /* A larger buffer never turns success into failure or changes it. */
    int rc2 = vscan_template_fill(tmpl, &caps, cpe, again, outsize + 8);
    if (rc == 0) FUZZ_CHECK(rc2 == 0 && strcmp(out, again) == 0);
    if (!strchr(tmpl, '$') && strlen(tmpl) < outsize) {
        FUZZ_CHECK(rc == 0);
        FUZZ_CHECK(strlen(out) == trim_len(tmpl) && strncmp(out, tmpl, strlen(out)) == 0);
    }
    free(out);
    free(again);
    free(subject);
    free(tmpl);
    return 0;
}
