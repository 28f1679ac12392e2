// SPDX-License-Identifier: MIT
#include "service/unescape.h"

#include <stdbool.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool is_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The byte a one-letter escape stands for, or -1 when it is not one. */
static int simple_escape(char c)
{
    switch (c) {
    case '0':
        return 0;
    case 'a':
        return '\a';
    case 'b':
        return '\b';
    case 'f':
        return '\f';
    case 'n':
        return '\n';
    case 'r':
        return '\r';
    case 't':
        return '\t';
    case 'v':
        return '\v';
    default:
        return -1;
    }
}

long vscan_unescape(const char *src, size_t len, uint8_t *dst)
{
    size_t out = 0;
    for (size_t i = 0; i < len; i++) {
        if (src[i] != '\\') {
            dst[out++] = (uint8_t)src[i];
            continue;
        }
        if (++i >= len) return -1;
        int v = simple_escape(src[i]);
        if (v < 0 && src[i] == 'x') {
            if (len - i < 3) return -1;
            int hi = hexval(src[i + 1]), lo = hexval(src[i + 2]);
            if (hi < 0 || lo < 0) return -1;
            v = hi * 16 + lo;
            i += 2;
        } else if (v < 0) {
            if (is_alnum(src[i])) return -1;
            v = (unsigned char)src[i];
        }
        dst[out++] = (uint8_t)v;
    }
    return (long)out;
}
