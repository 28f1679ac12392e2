// SPDX-License-Identifier: MIT
// Network addresses as plain values: one type for IPv4 and IPv6 so targets,
// results and writers never juggle sockaddr variants.
#ifndef CMAP_CORE_ADDR_H
#define CMAP_CORE_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct net_addr {
    sa_family_t family; /* AF_INET or AF_INET6 */
    uint8_t bytes[16];  /* network order; IPv4 uses the first 4 */
    uint32_t scope_id;  /* IPv6 zone index, 0 if none */
};

#define NET_ADDR_STRLEN 64 /* fits an IPv6 literal with a zone name */

/* Textual form ("127.0.0.1", "::1"; the zone is not printed, as nmap).
 * Always NUL-terminates. */
void net_addr_format(const struct net_addr *a, char *buf, size_t len);
/* Parse a numeric literal of the given family (AF_UNSPEC: either). 0 on success. */
int net_addr_parse(const char *s, int family, struct net_addr *out);
bool net_addr_equal(const struct net_addr *a, const struct net_addr *b);
/* Fill a sockaddr for connect(); returns its length. */
socklen_t net_addr_to_sockaddr(const struct net_addr *a, uint16_t port,
                               struct sockaddr_storage *ss);
void net_addr_from_sockaddr(const struct sockaddr *sa, struct net_addr *out);
/* Host-order value of an IPv4 address. */
uint32_t net_addr_v4(const struct net_addr *a);
void net_addr_set_v4(struct net_addr *a, uint32_t host_order);
bool net_addr_is_loopback(const struct net_addr *a);

#endif
