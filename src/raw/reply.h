// SPDX-License-Identifier: MIT
// A captured packet turned into what a port scan needs to know of it: which
// probe it may answer (addresses, ports, the echoed sequence number) and
// what it says (TCP flags and window, a UDP datagram, an SCTP packet's tag
// and first chunk, or an ICMP/ICMPv6 unreachable and its code quoting a
// TCP, UDP or SCTP probe), then nmap 7.93's verdict for a SYN probe (the
// other techniques' are in src/scan/tech_*.c). Pure functions over bytes,
// so every hostile input can be unit-tested and fuzzed.
#ifndef CMAP_RAW_REPLY_H
#define CMAP_RAW_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/pkt/pkt.h"

enum reply_kind {
    REPLY_TCP = 1, /* a TCP segment from the target */
    REPLY_ICMP4,   /* an ICMP error quoting one of our TCP probes */
    REPLY_ICMP6,   /* the same in ICMPv6 */
    REPLY_UDP,     /* a UDP datagram from the target */
    REPLY_SCTP,    /* an SCTP packet from the target */
    REPLY_PROTO,   /* -sO: any packet of the probed protocol from the target */
};

struct raw_reply {
    enum reply_kind kind;
    int family;
    uint8_t target[16]; /* the probed address: TCP source, or quoted destination */
    uint8_t self[16];   /* our address as the probe carried it */
    uint16_t target_port, our_port;
    bool has_echo;       /* echoed_seq is meaningful (ACK set, or quoted) */
    uint32_t echoed_seq; /* ack - 1, or the quoted sequence number */
    uint8_t proto;       /* of the probe: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP */
    uint32_t seq, ack;   /* TCP replies: as sent by the target */
    uint16_t window;     /* TCP replies */
    uint8_t tcp_flags;
    uint8_t icmp_type, icmp_code;
    uint8_t ttl;        /* of the packet that arrived (TTL / hop limit) */
    bool from_target;   /* -sO: an ICMP error sent by the probed host itself */
    uint32_t vtag;      /* SCTP: the verification tag, sent or quoted */
    uint8_t sctp_chunk; /* SCTP replies: the first chunk's type */
};

/* Link-layer types handled (pcap DLT numbers). */
enum {
    LINK_NULL = 0,
    LINK_EN10MB = 1,
    LINK_RAW = 12,
    LINK_LINUX_SLL = 113,
    LINK_RAW_ALT = 101,
    LINK_LINUX_SLL2 = 276
};

/* The network-layer bytes of a captured frame; false for frames that carry
 * neither IPv4 nor IPv6 or are cut short. */
bool reply_strip_link(int dlt, const uint8_t *frame, size_t len, const uint8_t **l3,
                      size_t *l3_len);

/* Parse an IPv4 or IPv6 packet into *out. PKT_OK, PKT_BAD_TYPE for packets
 * that are well formed but not a scan reply (other protocols, other ICMP
 * messages, fragments), or the parser's complaint for malformed ones. */
enum pkt_status reply_parse(const uint8_t *l3, size_t len, struct raw_reply *out);

/* nmap's reading of a reply to a SYN probe: SYN-ACK (or a bare SYN, a split
 * handshake) open, RST closed, ICMP unreachables filtered with their reason.
 * state and reason are enum port_state and enum reason (report/model.h).
 * False when the reply says nothing about the port (nmap ignores it). */
/* nmap's reason for an ICMP (RFC 792, RFC 1812) or ICMPv6 (RFC 4443 3.1)
 * destination-unreachable code; false for codes nmap ignores. */
bool reply_icmp4_reason(uint8_t code, uint8_t *reason);
bool reply_icmp6_reason(uint8_t code, uint8_t *reason);

/* -sO's reading of a packet (raw/reply_ipproto.c), into up to two replies:
 * an ICMP error about the quoted protocol (target_port is the protocol, our_port the
 * quoted IPv4 ID), and, for any ICMP message from a host, nmap's "ICMP is
 * open" reply for protocol 1 (58 in IPv6); any other packet is a
 * REPLY_PROTO of its own protocol (our_port its TCP/UDP destination port). */
enum pkt_status reply_parse_ipproto(const uint8_t *l3, size_t len, struct raw_reply out[2],
                                    size_t *n);

bool reply_classify_syn(const struct raw_reply *r, uint8_t *state, uint8_t *reason);

#endif
