// SPDX-License-Identifier: MIT
#include "data/services_num.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Powers of ten that a double holds exactly. With at most 15 digits the
 * mantissa is exact too, so one IEEE division gives the correctly rounded
 * value: the same double strtod returns (Clinger's fast path), which keeps
 * frequency ties, and so the top-ports set, identical to nmap's. */
static const double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
#define FAST_PATH_DIGITS 15
#define MAX_TOKEN 63

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Digits only, non-empty; saturates far above any meaningful value. */
static bool parse_count(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i])) return false;
        if (v < UINT64_C(1000000000000000000)) v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

static int parse_fraction(const char *s, size_t len, const char *slash, double *out)
{
    uint64_t n, d;
    size_t nlen = (size_t)(slash - s);
    if (!parse_count(s, nlen, &n) || !parse_count(slash + 1, len - nlen - 1, &d))
        return SERVICES_RATIO_BAD;
    if (d == 0) return SERVICES_RATIO_ZERO_DENOMINATOR;
    if (n > d) return SERVICES_RATIO_ABOVE_ONE;
    *out = (double)n / (double)d;
    return SERVICES_RATIO_OK;
}

static int slow_decimal(const char *s, size_t len, double *out)
{
    char buf[MAX_TOKEN + 1];
    if (len > MAX_TOKEN) return SERVICES_RATIO_BAD;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *out = strtod(buf, NULL);
    return SERVICES_RATIO_OK;
}

static int parse_decimal(const char *s, size_t len, double *out)
{
    uint64_t mant = 0;
    size_t digits = 0, frac = 0;
    bool dot = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.' && !dot) {
            dot = true;
            continue;
        }
        if (s[i] == '/' && !dot) return parse_fraction(s, len, s + i, out);
        if (!is_digit(s[i])) return SERVICES_RATIO_BAD;
        if (digits < FAST_PATH_DIGITS) mant = mant * 10 + (uint64_t)(s[i] - '0');
        digits++;
        frac += dot;
    }
    if (digits == 0) return SERVICES_RATIO_BAD;
    int rc = SERVICES_RATIO_OK;
    if (digits <= FAST_PATH_DIGITS)
        *out = (double)mant / exact_pow10[frac];
    else
        rc = slow_decimal(s, len, out);
    if (rc == SERVICES_RATIO_OK && *out > 1.0) return SERVICES_RATIO_ABOVE_ONE;
    return rc;
}

/* Every line of nmap 7.93's file has exactly "0.dddddd". */
static bool six_decimals(const char *s, size_t len, double *out)
{
    if (len != 8 || s[0] != '0' || s[1] != '.') return false;
    uint32_t mant = 0;
    for (size_t i = 2; i < 8; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (d > 9) return false;
        mant = mant * 10 + d;
    }
    *out = (double)mant / 1e6;
    return true;
}

int services_parse_ratio(const char *s, size_t len, double *out)
{
    if (six_decimals(s, len, out)) return SERVICES_RATIO_OK;
    if (len == 0) return SERVICES_RATIO_BAD;
    if (is_digit(s[0]) || s[0] == '.') return parse_decimal(s, len, out);
    return memchr(s, '/', len) ? SERVICES_RATIO_BAD : SERVICES_RATIO_NOT_A_NUMBER;
}
