// SPDX-License-Identifier: MIT
// nmap 7.93's source selection for -e/-S: an interface without an address
// gives "I cannot figure out what source address to use for device X, does
// it even exist?", an address on none of our interfaces "Could not figure
// out what device to send the packet out on ..."; both fatal. A -S address
// that is not ours (spoofing) with -e makes the kernel refuse the route
// lookup, so those hosts are skipped ("failed to determine route"), as
// nmap's netlink lookup does on Linux.
#include "net/source.h"

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/log.h"
#include "net/iface.h"

static struct {
    bool set;
    char error[512]; /* nmap's complaint, for after the banner */
    bool plain;      /* nmap's route code says it: no "QUITTING!", no output closing */
    int ifindex;
    char dev[IFNAMSIZ];
    struct net_addr addr;
} src;

static bool link_local(const struct net_addr *a)
{
    return a->family == AF_INET6 && a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

/* The interface's address of the family: a global IPv6 one before a
 * link-local one. */
static bool iface_address(const struct iface *ifc, int family, struct net_addr *out)
{
    const struct net_addr *best = NULL;
    for (size_t i = 0; i < ifc->n_addrs; i++) {
        const struct net_addr *a = &ifc->addrs[i].addr;
        if (a->family != family) continue;
        if (!best || (link_local(best) && !link_local(a))) best = a;
    }
    if (best) *out = *best;
    return best != NULL;
}

static const struct iface *iface_holding(const struct iface_list *ifs, const struct net_addr *a)
{
    for (size_t i = 0; i < ifs->n; i++)
        for (size_t j = 0; j < ifs->ifs[i].n_addrs; j++)
            if (net_addr_equal(&ifs->ifs[i].addrs[j].addr, a)) return &ifs->ifs[i];
    return NULL;
}

static void resolve_spoof(const struct plan *plan, struct net_addr *out)
{
    int family = plan->address_family;
    struct addrinfo hints = {.ai_family = family}, *res = NULL;
    int rc = getaddrinfo(plan->spoof_source, NULL, &hints, &res);
    if (rc != 0 || !res)
        fatal("Failed to resolve/decode supposed %s source address \"%s\": %s",
              family == AF_INET ? "IPv4" : "IPv6", plan->spoof_source,
              rc ? gai_strerror(rc) : "no address");
    net_addr_from_sockaddr(res->ai_addr, out);
    out->scope_id = 0;
    freeaddrinfo(res);
}

void source_setup(const struct plan *plan)
{
    if (!plan->device && !plan->spoof_source) return;
    struct iface_list ifs;
    char err[256];
    if (iface_list_load(&ifs, err, sizeof err) != 0) fatal("Cannot list interfaces: %s", err);
    memset(&src, 0, sizeof src);
    const struct iface *ifc = NULL;
    if (plan->spoof_source) resolve_spoof(plan, &src.addr);
    if (plan->device) {
        ifc = iface_by_name(&ifs, plan->device);
        struct net_addr own;
        bool has_own = ifc && iface_address(ifc, plan->address_family, &own);
        if (!has_own && !plan->spoof_source)
            snprintf(src.error, sizeof src.error,
                     "I cannot figure out what source address to use for device %s, does it "
                     "even exist?",
                     plan->device);
        else if (!has_own) {
            snprintf(src.error, sizeof src.error,
                     "Could not find interface %s which was specified by -e", plan->device);
            src.plain = true;
        } else if (!plan->spoof_source)
            src.addr = own;
    } else {
        ifc = iface_holding(&ifs, &src.addr);
        if (!ifc)
            snprintf(src.error, sizeof src.error,
                     "Could not figure out what device to send the packet out on with the source "
                     "address you gave me!  If you are trying to sp00f your scan, this is "
                     "normal, just give the -e eth0 or -e ppp0 or whatever.  Otherwise you can "
                     "still use -e, but I find it kind of fishy.");
    }
    if (src.error[0]) {
        iface_list_free(&ifs);
        return;
    }
    src.ifindex = ifc->index;
    snprintf(src.dev, sizeof src.dev, "%s", ifc->name);
    src.set = true;
    iface_list_free(&ifs);
}

int source_route(const struct net_addr *dst, struct route_choice *out)
{
    if (!src.set) return route_lookup_kernel(dst, out);
    return route_lookup_kernel_from(dst, src.ifindex, &src.addr, out);
}

void source_check(void)
{
    if (!src.error[0]) return;
    if (!src.plain) fatal("%s", src.error);
    fflush(stdout);
    fprintf(stderr, "%s\n", src.error);
    exit(EXIT_FATAL);
}

const char *source_device(void)
{
    return src.set ? src.dev : NULL;
}

void source_reset(void)
{
    memset(&src, 0, sizeof src);
}
