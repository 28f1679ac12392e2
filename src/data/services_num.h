// SPDX-License-Identifier: MIT
// The frequency field of nmap-services ("0.001995" or "n/d"), parsed without
// strtod on the hot path: ~27,000 calls happen at every start-up.
#ifndef CMAP_DATA_SERVICES_NUM_H
#define CMAP_DATA_SERVICES_NUM_H

#include <stddef.h>

enum services_ratio_rc {
    SERVICES_RATIO_OK = 0,
    SERVICES_RATIO_NOT_A_NUMBER, /* a word: an /etc/services alias */
    SERVICES_RATIO_BAD,          /* looks numeric but is malformed */
    SERVICES_RATIO_ZERO_DENOMINATOR,
    SERVICES_RATIO_ABOVE_ONE,
};

/* Parse [s, s+len) as a decimal in [0, 1] or as "n/d" with n <= d. */
int services_parse_ratio(const char *s, size_t len, double *out);

#endif
