// SPDX-License-Identifier: MIT
// The interface rows of nmap's --iflist. libdnet lists, per interface in
// the kernel's order: the primary IPv4 address (SIOCGIFADDR: the first one
// labelled exactly like the interface) or "(none)", then every other IPv4
// address labelled "name" or "name:..." (SIOCGIFCONF), whose netmask comes
// from SIOCGIFNETMASK on the label and so is that of the first address
// with the same label, then the IPv6 addresses in /proc/net/if_inet6 order.
#include "net/iflist_model.h"

#include <ctype.h>
#include <linux/if_arp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* libdnet's _intf_set_type, then nmap's reading of it: a broadcast device
 * is Ethernet unless it does no ARP. */
static enum iflist_kind kind_of(const struct iface *f)
{
    if (f->flags & IFF_BROADCAST) return f->flags & IFF_NOARP ? IFLIST_OTHER : IFLIST_ETHERNET;
    if (f->flags & IFF_POINTOPOINT) return IFLIST_P2P;
    if (f->flags & IFF_LOOPBACK) return IFLIST_LOOPBACK;
    return IFLIST_OTHER;
}

/* libdnet's addr_ston accepts these hardware types as Ethernet-like; any
 * other on a broadcast device makes its whole interface listing fail. */
static bool hw_type_known(uint16_t t)
{
    return t == 0 || t == ARPHRD_ETHER || t == ARPHRD_APPLETLK || t == ARPHRD_INFINIBAND ||
           t == ARPHRD_IEEE80211 || t == ARPHRD_IEEE80211_PRISM || t == ARPHRD_IEEE80211_RADIOTAP;
}

static const char *label_of(const struct iface *f, const struct iface_addr *a)
{
    return a->label[0] ? a->label : f->name;
}

static bool label_belongs(const struct iface *f, const char *label)
{
    size_t n = strlen(f->name);
    return strncmp(label, f->name, n) == 0 && (label[n] == '\0' || label[n] == ':');
}

static const struct iface_addr *first_with_label(const struct iface *f, const char *label)
{
    for (size_t i = 0; i < f->n_addrs; i++)
        if (f->addrs[i].addr.family == AF_INET && strcmp(label_of(f, &f->addrs[i]), label) == 0)
            return &f->addrs[i];
    return NULL;
}

static struct iflist_if *add_row(struct iflist_model *m, const struct iface *f,
                                 const struct net_addr *addr, unsigned bits)
{
    if ((m->n_ifs & (m->n_ifs - 1)) == 0) {
        size_t cap = m->n_ifs ? m->n_ifs * 2 : 16;
        struct iflist_if *rows = realloc(m->ifs, cap * sizeof *rows);
        if (!rows) return NULL;
        m->ifs = rows;
    }
    struct iflist_if *r = &m->ifs[m->n_ifs++];
    *r = (struct iflist_if){.f = f, .bits = bits, .kind = kind_of(f)};
    if (addr) r->has_addr = true, r->addr = *addr;
    if (r->kind == IFLIST_ETHERNET) {
        r->has_mac = true;
        memcpy(r->mac, f->hwaddr, f->hwaddr_len < 6 ? f->hwaddr_len : 6);
    }
    return r;
}

static int add_ipv4_rows(struct iflist_model *m, const struct iface *f)
{
    const struct iface_addr *primary = first_with_label(f, f->name);
    if (!add_row(m, f, primary ? &primary->addr : NULL, primary ? primary->prefix_len : 0))
        return -1;
    for (size_t i = 0; i < f->n_addrs; i++) {
        const struct iface_addr *a = &f->addrs[i];
        if (a->addr.family != AF_INET || !label_belongs(f, label_of(f, a))) continue;
        if (primary && net_addr_equal(&a->addr, &primary->addr)) continue;
        /* The peer of a point-to-point primary is its SIOCGIFDSTADDR. */
        if (primary && primary->has_peer && kind_of(f) == IFLIST_P2P &&
            net_addr_equal(&a->addr, &primary->peer))
            continue;
        const struct iface_addr *mask_from = first_with_label(f, label_of(f, a));
        if (!add_row(m, f, &a->addr, mask_from->prefix_len)) return -1;
    }
    return 0;
}

static size_t order_rank(const struct iflist_v6_order *o, const struct iface *f,
                         const struct net_addr *a)
{
    for (size_t i = 0; o && i < o->n; i++)
        if (strcmp(o->entries[i].name, f->name) == 0 &&
            memcmp(o->entries[i].addr, a->bytes, 16) == 0)
            return i;
    return (size_t)-1;
}

/* IPv6 rows sorted by their rank in /proc/net/if_inet6 (insertion sort,
 * stable: unranked addresses keep netlink order, after the ranked ones). */
static int add_ipv6_rows(struct iflist_model *m, const struct iface *f,
                         const struct iflist_v6_order *order)
{
    if (f->n_addrs == 0) return 0;
    size_t *pick = malloc(f->n_addrs * sizeof *pick), *rank = malloc(f->n_addrs * sizeof *rank);
    int rc = pick && rank ? 0 : -1;
    size_t n = 0;
    for (size_t i = 0; rc == 0 && i < f->n_addrs; i++) {
        if (f->addrs[i].addr.family != AF_INET6) continue;
        size_t r = order_rank(order, f, &f->addrs[i].addr), j = n++;
        for (; j > 0 && rank[j - 1] > r; j--)
            pick[j] = pick[j - 1], rank[j] = rank[j - 1];
        pick[j] = i, rank[j] = r;
    }
    for (size_t k = 0; rc == 0 && k < n; k++) {
        const struct iface_addr *a = &f->addrs[pick[k]];
        if (!add_row(m, f, &a->addr, a->prefix_len)) rc = -1;
    }
    free(pick);
    free(rank);
    return rc;
}

int iflist_model_build(const struct iface_list *ifs, const struct route_table *rt,
                       const struct iflist_v6_order *order, struct iflist_model *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < ifs->n; i++) {
        const struct iface *f = &ifs->ifs[i];
        if ((f->flags & IFF_BROADCAST) && !hw_type_known(f->hw_type)) {
            out->ifs_failed = true;
            out->n_ifs = 0;
            return 0;
        }
        if (add_ipv4_rows(out, f) != 0 || add_ipv6_rows(out, f, order) != 0) {
            iflist_model_free(out);
            return -1;
        }
    }
    if (iflist_routes_build(rt, out) != 0) {
        iflist_model_free(out);
        return -1;
    }
    return 0;
}

void iflist_model_free(struct iflist_model *m)
{
    free(m->ifs);
    free(m->routes);
    memset(m, 0, sizeof *m);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "fd000000000000000000000000000001 02 40 00 80     eth0": 32 hex digits,
 * four hex fields, the interface name. */
static bool parse_v6_line(const char *line, size_t len, uint8_t addr[16], char *name)
{
    if (len < 33 || line[32] != ' ') return false;
    for (size_t i = 0; i < 16; i++) {
        int hi = hex_digit(line[2 * i]), lo = hex_digit(line[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        addr[i] = (uint8_t)(hi << 4 | lo);
    }
    size_t end = len;
    while (end > 0 && isspace((unsigned char)line[end - 1]))
        end--;
    size_t start = end;
    while (start > 33 && !isspace((unsigned char)line[start - 1]))
        start--;
    if (start == end || end - start >= IFNAMSIZ || start <= 33) return false;
    memcpy(name, line + start, end - start);
    name[end - start] = '\0';
    return true;
}

int iflist_v6_order_parse(const char *text, size_t len, struct iflist_v6_order *out)
{
    memset(out, 0, sizeof *out);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    out->entries = calloc(lines + 1, sizeof *out->entries);
    if (!out->entries) return -1;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t line_len = nl ? (size_t)(nl - (text + pos)) : len - pos;
        if (parse_v6_line(text + pos, line_len, out->entries[out->n].addr,
                          out->entries[out->n].name))
            out->n++;
        pos += line_len + 1;
    }
    return 0;
}

void iflist_v6_order_free(struct iflist_v6_order *o)
{
    free(o->entries);
    memset(o, 0, sizeof *o);
}
