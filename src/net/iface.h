// SPDX-License-Identifier: MIT
// The machine's network interfaces as rtnetlink reports them (RTM_GETLINK
// and RTM_GETADDR dumps): name, index, flags, MTU, hardware address and
// every IPv4/IPv6 address with its prefix, in the kernel's order.
#ifndef CMAP_NET_IFACE_H
#define CMAP_NET_IFACE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

#define IFACE_HWADDR_MAX 32

struct iface_addr {
    struct net_addr addr; /* IFA_LOCAL (IFA_ADDRESS when there is none) */
    struct net_addr peer; /* IFA_ADDRESS of a point-to-point address */
    bool has_peer;
    uint8_t prefix_len;
    char label[IFNAMSIZ]; /* IPv4 label ("eth0", "eth0:1"); empty for IPv6 */
};

struct iface {
    char name[IFNAMSIZ];
    int index;
    unsigned flags; /* IFF_UP, IFF_LOOPBACK, ... */
    unsigned mtu;
    uint16_t hw_type; /* ARPHRD_* */
    uint8_t hwaddr[IFACE_HWADDR_MAX];
    size_t hwaddr_len;
    struct iface_addr *addrs; /* IPv4 first, then IPv6, each in dump order */
    size_t n_addrs;
};

struct iface_list {
    struct iface *ifs; /* in the kernel's link dump order */
    size_t n;
};

/* Loads every interface of the current network namespace. Returns 0, or
 * -1 with a reason in err. */
int iface_list_load(struct iface_list *out, char *err, size_t errlen);
void iface_list_free(struct iface_list *list);

/* Message parsers behind iface_list_load, exposed for tests and fuzzing:
 * the payload of one RTM_NEWLINK / RTM_NEWADDR message. A message that is
 * malformed returns -1; one that is merely irrelevant is skipped. */
int iface_add_link(struct iface_list *list, const uint8_t *msg, size_t len);
int iface_add_addr(struct iface_list *list, const uint8_t *msg, size_t len);

const struct iface *iface_by_index(const struct iface_list *list, int index);
const struct iface *iface_by_name(const struct iface_list *list, const char *name);

#endif
