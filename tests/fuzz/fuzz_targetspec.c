// SPDX-License-Identifier: MIT
// target_spec_parse and its helpers on arbitrary bytes, for both families,
// with the invariants the target iterator relies on.
#include <stdbool.h>
#include <sys/socket.h>

#include "fuzz_common.h"
#include "target/targetspec.h"

static bool octet_set_empty(const uint8_t set[32])
{
    for (int i = 0; i < 32; i++)
        if (set[i]) return false;
    return true;
}

static unsigned first_member(const uint8_t set[32])
{
    for (unsigned v = 0; v < 256; v++)
        if (octet_set_has(set, v)) return v;
    return 256;
}

/* Parsed IPv4 ranges always hold at least one address, and that address
 * is reported as a member. */
static void check_v4(const struct target_spec *ts)
{
    uint32_t a = 0;
    for (int i = 0; i < 4; i++) {
        FUZZ_CHECK(!octet_set_empty(ts->octets[i]));
        a = a << 8 | first_member(ts->octets[i]);
    }
    FUZZ_CHECK(target_v4_sets_contain(ts->octets, a));
}

/* A netmask only ever adds addresses. */
static void check_mask_widens(const struct target_spec *ts, int bits)
{
    octet_sets wide;
    memcpy(wide, ts->octets, sizeof wide);
    target_v4_apply_mask(wide, bits);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 32; j++)
            FUZZ_CHECK((ts->octets[i][j] & wide[i][j]) == ts->octets[i][j]);
}

static void check_v6(const char *s, const struct target_spec *ts)
{
    if (ts->zone_off) {
        FUZZ_CHECK(s[ts->zone_off - 1] == '%');
        FUZZ_CHECK(ts->zone_len > 0 && ts->zone_off + ts->zone_len == ts->host_len);
    }
    uint8_t start[16], end[16];
    target_v6_block(ts->v6, ts->bits, start, end);
    for (int i = 0; i < 16; i++)
        FUZZ_CHECK((start[i] & ~ts->v6[i]) == 0 && (ts->v6[i] & ~end[i]) == 0);
}

static void check_spec(const char *s, int family, int mask_bits)
{
    struct target_spec ts;
    char err[256];
    int rc = target_spec_parse(s, family, &ts, err, sizeof err);
    FUZZ_CHECK(rc == TSPEC_OK || rc == TSPEC_WARNING || rc == TSPEC_ERROR);
    FUZZ_CHECK(memchr(err, '\0', sizeof err) != NULL);
    FUZZ_CHECK(rc == TSPEC_OK || err[0] != '\0');
    if (rc == TSPEC_ERROR) return;
    size_t len = strlen(s);
    FUZZ_CHECK(ts.host_len <= len);
    FUZZ_CHECK(ts.bits < 0 ? ts.host_len == len || rc == TSPEC_WARNING : s[ts.host_len] == '/');
    if (ts.kind == TSPEC_V4_RANGES) {
        FUZZ_CHECK(family == AF_INET && ts.bits <= 32);
        check_v4(&ts);
        check_mask_widens(&ts, mask_bits);
    } else if (ts.kind == TSPEC_V6_BLOCK) {
        check_v6(s, &ts);
    } else {
        FUZZ_CHECK(ts.kind == TSPEC_HOSTNAME);
    }
}

/* The range grammar takes a length, so it must not read past it: the
 * buffer here has no terminator. */
static void check_ranges_unterminated(const uint8_t *data, size_t size)
{
    char *raw = malloc(size ? size : 1);
    if (!raw) abort();
    if (size) memcpy(raw, data, size);
    octet_sets sets;
    if (target_parse_v4_ranges(raw, size, sets) == 0)
        for (int i = 0; i < 4; i++)
            FUZZ_CHECK(!octet_set_empty(sets[i]));
    free(raw);
}

static void check_decimal(const char *s)
{
    long v;
    const char *end;
    if (target_parse_decimal(s, &v, &end) < 0) return;
    FUZZ_CHECK(end > s && v >= 0);
    for (const char *p = s; p < end; p++)
        FUZZ_CHECK(*p >= '0' && *p <= '9');
    FUZZ_CHECK(*end < '0' || *end > '9');
    FUZZ_CHECK(strtol(s, NULL, 10) == v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size);
    int mask_bits = (int)(size % 34) - 1;
    check_spec(s, AF_INET, mask_bits);
    check_spec(s, AF_INET6, mask_bits);
    check_ranges_unterminated(data, size);
    check_decimal(s);
    free(s);
    return 0;
}
