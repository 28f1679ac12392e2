// SPDX-License-Identifier: MIT
#include "core/addr.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

void net_addr_format(const struct net_addr *a, char *buf, size_t len)
{
    if (len == 0) return;
    buf[0] = '\0';
    if (a->family == AF_INET) {
        inet_ntop(AF_INET, a->bytes, buf, (socklen_t)len);
    } else if (a->family == AF_INET6) {
        /* nmap prints scoped addresses without their zone ("fe80::1"). */
        inet_ntop(AF_INET6, a->bytes, buf, (socklen_t)len);
    }
}

int net_addr_parse(const char *s, int family, struct net_addr *out)
{
    memset(out, 0, sizeof *out);
    if ((family == AF_INET || family == AF_UNSPEC) && inet_pton(AF_INET, s, out->bytes) == 1) {
        out->family = AF_INET;
        return 0;
    }
    if (family == AF_INET6 || family == AF_UNSPEC) {
        char tmp[NET_ADDR_STRLEN];
        const char *pct = strchr(s, '%');
        size_t n = pct ? (size_t)(pct - s) : strlen(s);
        if (n >= sizeof tmp) return -1;
        memcpy(tmp, s, n);
        tmp[n] = '\0';
        if (inet_pton(AF_INET6, tmp, out->bytes) != 1) return -1;
        out->family = AF_INET6;
        if (pct) {
            out->scope_id = if_nametoindex(pct + 1);
            if (out->scope_id == 0) {
                char *end;
                unsigned long v = strtoul(pct + 1, &end, 10);
                if (*end || end == pct + 1) return -1;
                out->scope_id = (uint32_t)v;
            }
        }
        return 0;
    }
    return -1;
}

bool net_addr_equal(const struct net_addr *a, const struct net_addr *b)
{
    if (a->family != b->family) return false;
    size_t n = a->family == AF_INET ? 4 : 16;
    return memcmp(a->bytes, b->bytes, n) == 0 && a->scope_id == b->scope_id;
}

socklen_t net_addr_to_sockaddr(const struct net_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (a->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        memcpy(&sin->sin_addr, a->bytes, 4);
        return sizeof *sin;
    }
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(port);
    memcpy(&sin6->sin6_addr, a->bytes, 16);
    sin6->sin6_scope_id = a->scope_id;
    return sizeof *sin6;
}

void net_addr_from_sockaddr(const struct sockaddr *sa, struct net_addr *out)
{
    memset(out, 0, sizeof *out);
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
        out->family = AF_INET;
        memcpy(out->bytes, &sin->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
        out->family = AF_INET6;
        memcpy(out->bytes, &sin6->sin6_addr, 16);
        out->scope_id = sin6->sin6_scope_id;
    }
}

uint32_t net_addr_v4(const struct net_addr *a)
{
    uint32_t v;
    memcpy(&v, a->bytes, 4);
    return ntohl(v);
}

void net_addr_set_v4(struct net_addr *a, uint32_t host_order)
{
    memset(a, 0, sizeof *a);
    a->family = AF_INET;
    uint32_t v = htonl(host_order);
    memcpy(a->bytes, &v, 4);
}

bool net_addr_is_loopback(const struct net_addr *a)
{
    if (a->family == AF_INET) return a->bytes[0] == 127;
    static const uint8_t lo6[16] = {[15] = 1};
    return a->family == AF_INET6 && memcmp(a->bytes, lo6, 16) == 0;
}
