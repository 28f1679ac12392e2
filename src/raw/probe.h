// SPDX-License-Identifier: MIT
// The SYN probe as nmap sends it: an IPv4 or IPv6 header, then a TCP SYN
// with window 1024 and one option, MSS 1460 (44 or 64 bytes in all).
#ifndef CMAP_RAW_PROBE_H
#define CMAP_RAW_PROBE_H

#include <stddef.h>
#include <stdint.h>

#define SYN_PROBE_MAX 64

struct syn_probe {
    int family;
    const uint8_t *self, *target; /* 4 or 16 bytes */
    uint16_t sport, dport;
    uint32_t seq;
    uint16_t ip_id; /* IPv4 only */
    uint8_t ttl;
};

/* Writes the whole packet into buf; its length, or 0 if cap is too small. */
size_t syn_probe_build(uint8_t *buf, size_t cap, const struct syn_probe *p);

#endif
