// SPDX-License-Identifier: MIT
// --packet-trace for the raw engines: nmap 7.93's one-line summaries of
// the packets it sends and captures ("SENT (0.0417s) TCP a:p > b:q S
// ttl=58 id=3545 iplen=44  seq=... win=1024 <mss 1460>"), in its low
// level of detail, field for field, spaces included; and the run's count
// of raw packets and bytes for the "Raw packets sent" line of -v.
//
// The formatters read only the bytes they are given: any input gives a
// NUL-terminated line of at most PTRACE_LINE_MAX - 1 characters.
#ifndef CMAP_RAW_PACKET_TRACE_H
#define CMAP_RAW_PACKET_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct runtime;

#define PTRACE_LINE_MAX 1024

/* nmap's three levels of detail (it picks medium at -dd, high at -ddd). */
enum { PTRACE_LOW = 1, PTRACE_MEDIUM, PTRACE_HIGH };

/* An IPv4 or IPv6 packet (from its IP header on), as nmap's
 * ippackethdrinfo() at that detail (ptrace_format_ip: low). Returns the
 * line's length. */
size_t ptrace_format_ip(const uint8_t *pkt, size_t len, char *out, size_t outlen);
size_t ptrace_format_ip_detail(const uint8_t *pkt, size_t len, int detail, char *out,
                               size_t outlen);
/* An ARP packet (after the Ethernet header): "ARP who-has A tell B" or
 * "ARP reply A is-at MAC"; other operations as nmap's "ARP unknown". */
size_t ptrace_format_arp(const uint8_t *arp, size_t len, char *out, size_t outlen);
/* An IPv6 neighbor advertisement as nmap traces a received one:
 * "neighbor advertisement SRC > DST TARGET is at mac". Returns 0 (and
 * writes nothing) when pkt is not one with a target link-layer address. */
size_t ptrace_format_nd(const uint8_t *pkt, size_t len, char *out, size_t outlen);
/* What a traced packet is: IP, ARP, or IP where a neighbor advertisement
 * gets its own line (discovery's ND ping; the port scans show one as any
 * other ICMPv6 packet, as nmap's do). */
enum ptrace_kind { PTRACE_IP, PTRACE_ARP, PTRACE_ND };
/* A packet of any of the above kinds. */
size_t ptrace_format_any(const uint8_t *l3, size_t len, enum ptrace_kind kind, int detail,
                         char *out, size_t outlen);

/* nmap's byte counts: "88B", "4.392KB", "1.234MB", "2.001GB". */
void ptrace_format_bytes(uint64_t bytes, char *out, size_t outlen);

/* Where SENT/RCVD lines go (the run's writers: terminal and -oN), and the
 * switch the p/P keys flip. Set once before the first probe; NULL message:
 * no trace. */
void ptrace_set_sink(void (*message)(void *ctx, const char *line, bool to_file), void *ctx,
                     const struct runtime *rt);
/* Whether SENT/RCVD lines are wanted now. */
bool ptrace_enabled(void);
/* One packet the raw engine sent (l3: from the IP or ARP header) or
 * captured: counts it and, with --packet-trace, prints its line. */
void ptrace_sent(const uint8_t *l3, size_t len, enum ptrace_kind kind);
void ptrace_rcvd(const uint8_t *l3, size_t len, enum ptrace_kind kind);

/* The run's raw packet counts (nmap's "Raw packets sent: N (xB) | Rcvd:
 * M (yB)"), and whether a raw engine was used at all. */
struct ptrace_counts {
    uint64_t sent, sent_bytes, rcvd, rcvd_bytes;
};
void ptrace_counts(struct ptrace_counts *out);
void ptrace_mark_raw_used(void);
bool ptrace_raw_used(void);
/* The whole line, without the leading spaces nmap indents it with. */
void ptrace_format_counts(const struct ptrace_counts *c, char *out, size_t outlen);

#endif
