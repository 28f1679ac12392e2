// SPDX-License-Identifier: MIT
// Version templates: the p/ v/ i/ h/ o/ d/ and cpe:/ fields of a match
// line filled from the regex captures, with nmap 7.93's rules
// (dotmplsubst/substvar in service_scan.cc):
//   $1..$9             the capture, cut at its first NUL byte
//   $P(n)              the capture's printable bytes (0x20-0x7e) only
//   $SUBST(n,"a","b")  the capture with every "a" replaced by "b"
//   $I(n,">") $I(n,"<") a capture of up to 8 bytes read as an unsigned
//                      big- or little-endian integer, printed in decimal
// In cpe:/ templates each substitution is made URL-safe (CPE 2.2 section
// 5.4 characters become %XX, spaces '_', ASCII lower-cased). Trailing
// whitespace and commas are trimmed. A result longer than nmap's field
// buffer, or a bad variable, leaves the field empty: nmap does the same
// and prints "Warning: Servicescan failed to fill ..." (the engine's job).
#ifndef CMAP_SERVICE_TEMPLATE_H
#define CMAP_SERVICE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A capture pcre2 did not set (PCRE2_UNSET has this value). */
#define VSCAN_UNSET SIZE_MAX

/* nmap's buffer sizes (ServiceNFO), terminator included. */
#define VSCAN_PRODUCT_LEN 80
#define VSCAN_VERSION_LEN 80
#define VSCAN_INFO_LEN 256
#define VSCAN_HOSTNAME_LEN 80
#define VSCAN_OSTYPE_LEN 32
#define VSCAN_DEVICETYPE_LEN 32
#define VSCAN_CPE_LEN 80

struct vscan_captures {
    const uint8_t *subject; /* the response, binary */
    size_t subject_len;
    const size_t *ovector; /* start/end pairs, group 0 first */
    unsigned count;        /* pcre2_match's result: highest set group + 1 */
};

/* Fills out (outsize bytes, at least 3) from tmpl. Returns 0, or -1 with
 * out set to "" when the template cannot be filled. */
int vscan_template_fill(const char *tmpl, const struct vscan_captures *caps, bool cpe, char *out,
                        size_t outsize);

#endif
