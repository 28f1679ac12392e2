// SPDX-License-Identifier: MIT
#include "net/iface.h"

#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net/netlink.h"

#define LINK_ATTR_MAX (IFLA_MTU + 1)
#define ADDR_ATTR_MAX (IFA_LABEL + 1)

/* A NUL-terminated copy of a string attribute, cut to fit. */
static void copy_name(char *dst, size_t cap, const uint8_t *src, size_t len)
{
    size_t n = strnlen((const char *)src, len);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static struct iface *find_index(const struct iface_list *list, int index)
{
    for (size_t i = 0; i < list->n; i++)
        if (list->ifs[i].index == index) return &list->ifs[i];
    return NULL;
}

static void *grow(void *array, size_t n, size_t size)
{
    /* Doubling at powers of two keeps appends linear overall. */
    if (n & (n - 1)) return array;
    size_t cap = n ? n * 2 : 4;
    return realloc(array, cap * size);
}

int iface_add_link(struct iface_list *list, const uint8_t *msg, size_t len)
{
    struct ifinfomsg ifi;
    if (len < sizeof ifi) return -1;
    memcpy(&ifi, msg, sizeof ifi);
    const uint8_t *at[LINK_ATTR_MAX];
    size_t alen[LINK_ATTR_MAX];
    if (nl_attrs(msg + NLMSG_ALIGN(sizeof ifi), len - NLMSG_ALIGN(sizeof ifi), at, alen,
                 LINK_ATTR_MAX) != 0)
        return -1;
    if (!at[IFLA_IFNAME] || iface_by_index(list, ifi.ifi_index)) return 0;
    struct iface *ifs = grow(list->ifs, list->n, sizeof *ifs);
    if (!ifs) return -1;
    list->ifs = ifs;
    struct iface *f = &ifs[list->n++];
    memset(f, 0, sizeof *f);
    copy_name(f->name, sizeof f->name, at[IFLA_IFNAME], alen[IFLA_IFNAME]);
    f->index = ifi.ifi_index;
    f->flags = ifi.ifi_flags;
    f->hw_type = ifi.ifi_type;
    if (at[IFLA_MTU] && alen[IFLA_MTU] >= 4) memcpy(&f->mtu, at[IFLA_MTU], 4);
    if (at[IFLA_ADDRESS] && alen[IFLA_ADDRESS] <= IFACE_HWADDR_MAX) {
        f->hwaddr_len = alen[IFLA_ADDRESS];
        memcpy(f->hwaddr, at[IFLA_ADDRESS], f->hwaddr_len);
    }
    return 0;
}

static bool read_addr(struct net_addr *out, int family, const uint8_t *p, size_t len)
{
    size_t want = family == AF_INET6 ? 16 : 4;
    if (!p || len != want) return false;
    memset(out, 0, sizeof *out);
    out->family = (sa_family_t)family;
    memcpy(out->bytes, p, want);
    return true;
}

static int append_addr(struct iface *f, const struct iface_addr *a)
{
    struct iface_addr *addrs = grow(f->addrs, f->n_addrs, sizeof *addrs);
    if (!addrs) return -1;
    f->addrs = addrs;
    f->addrs[f->n_addrs++] = *a;
    return 0;
}

int iface_add_addr(struct iface_list *list, const uint8_t *msg, size_t len)
{
    struct ifaddrmsg ifa;
    if (len < sizeof ifa) return -1;
    memcpy(&ifa, msg, sizeof ifa);
    const uint8_t *at[ADDR_ATTR_MAX];
    size_t alen[ADDR_ATTR_MAX];
    if (nl_attrs(msg + NLMSG_ALIGN(sizeof ifa), len - NLMSG_ALIGN(sizeof ifa), at, alen,
                 ADDR_ATTR_MAX) != 0)
        return -1;
    if (ifa.ifa_family != AF_INET && ifa.ifa_family != AF_INET6) return 0;
    struct iface *f = find_index(list, (int)ifa.ifa_index);
    if (!f) return 0;
    struct iface_addr a = {.prefix_len = ifa.ifa_prefixlen};
    bool have_local = read_addr(&a.addr, ifa.ifa_family, at[IFA_LOCAL], alen[IFA_LOCAL]);
    struct net_addr address;
    bool have_address = read_addr(&address, ifa.ifa_family, at[IFA_ADDRESS], alen[IFA_ADDRESS]);
    if (!have_local && !have_address) return 0;
    if (!have_local) a.addr = address;
    a.has_peer = have_local && have_address && !net_addr_equal(&a.addr, &address);
    if (a.has_peer) a.peer = address;
    if (at[IFA_LABEL]) copy_name(a.label, sizeof a.label, at[IFA_LABEL], alen[IFA_LABEL]);
    return append_addr(f, &a);
}

static int on_link(void *ctx, uint16_t type, const uint8_t *payload, size_t len)
{
    return type == RTM_NEWLINK ? iface_add_link(ctx, payload, len) : 0;
}

static int on_addr(void *ctx, uint16_t type, const uint8_t *payload, size_t len)
{
    return type == RTM_NEWADDR ? iface_add_addr(ctx, payload, len) : 0;
}

int iface_list_load(struct iface_list *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    /* Addresses per family so every IPv4 address precedes the IPv6 ones. */
    if (nl_request(RTM_GETLINK, AF_UNSPEC, NULL, 0, on_link, out) != 0 ||
        nl_request(RTM_GETADDR, AF_INET, NULL, 0, on_addr, out) != 0 ||
        nl_request(RTM_GETADDR, AF_INET6, NULL, 0, on_addr, out) != 0) {
        snprintf(err, errlen, "netlink interface dump failed: %s", strerror(errno));
        iface_list_free(out);
        return -1;
    }
    return 0;
}

void iface_list_free(struct iface_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->ifs[i].addrs);
    free(list->ifs);
    list->ifs = NULL;
    list->n = 0;
}

const struct iface *iface_by_index(const struct iface_list *list, int index)
{
    return find_index(list, index);
}

const struct iface *iface_by_name(const struct iface_list *list, const char *name)
{
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->ifs[i].name, name) == 0) return &list->ifs[i];
    return NULL;
}
