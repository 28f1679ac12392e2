// SPDX-License-Identifier: MIT
// The discovery engine's shared shapes (not for use outside
// src/discovery): one record per host being probed, the sockets, and the
// rounds. A host is probed in rounds: every probe of its list once, then a
// wait of one timeout; a reply ends it (up), the last silent round ends it
// (down). Timeouts come from the run's RTT estimate, kept across groups, so
// a /16 of silent /24s waits 100 ms per round once any host has answered
// instead of nmap's initial second.
#ifndef CMAP_DISCOVERY_DENGINE_H
#define CMAP_DISCOVERY_DENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "discovery/dprobe.h"
#include "raw/cookie.h"
#include "raw/rawio.h"

struct host;
struct plan;

enum dmethod { DM_NONE = 0, DM_ARP, DM_ND, DM_IP, DM_CONNECT };

struct dhost {
    struct host *host;
    struct dprobe_ends ends;
    struct sockaddr_storage sa;
    socklen_t salen;
    int ifindex;
    uint8_t our_mac[6];
    bool eth_direct; /* on a local Ethernet: its replies carry its MAC */
    uint8_t method;  /* enum dmethod */
    uint8_t tryno;
    bool done, up;
    uint8_t reason, ttl;
    struct dprobe answered; /* the probe that proved it up (kind 0: none) */
    bool has_mac;
    uint8_t mac[6];
    int64_t sent_at; /* last send of the current round */
    int64_t rtt_us;  /* -1 when not measured */
};

struct dengine {
    const struct plan *plan;
    struct raw_io *io;
    int packet_fd; /* AF_PACKET socket for ARP and ND frames, -1 if none */
    struct cookie_key key;
    const struct dprobe_list *probes;
    struct dhost **hosts; /* the ones this engine probes, all one method family */
    size_t n;
    unsigned tries;
    double rate; /* probes per second */
};

/* Probe every host of e until each is up or out of tries. 0, or -1 when
 * interrupted. */
int dengine_run(struct dengine *e);
/* The unprivileged way: connect() to each DP_CONNECT probe's port. */
int dconnect_run(struct dengine *e);

/* The run's round-trip estimate: the timeout a silent round waits, and a
 * sample from an answered probe. */
int64_t dtiming_timeout(const struct plan *plan, bool arp);
void dtiming_sample(const struct plan *plan, int64_t rtt_us);

#endif
