// SPDX-License-Identifier: MIT
#include "target/resolve.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include "target/targets.h"

static int collect(const char *name, int family, struct addr_list *out)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = family;
    /* One socket type so each address comes back once, not once per type. */
    hints.ai_socktype = SOCK_STREAM;
    out->v = NULL;
    out->n = 0;
    int rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0) return rc;
    size_t n = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next)
        n++;
    out->v = calloc(n ? n : 1, sizeof *out->v);
    if (!out->v) {
        freeaddrinfo(res);
        return EAI_MEMORY;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
        net_addr_from_sockaddr(ai->ai_addr, &out->v[out->n++]);
    }
    freeaddrinfo(res);
    if (out->n) return 0;
    addr_list_free(out);
    return EAI_NONAME;
}

int resolve_all_families(const char *name, struct addr_list *out)
{
    return collect(name, AF_UNSPEC, out);
}

int resolve_family(const char *name, int family, struct addr_list *out)
{
    return collect(name, family, out);
}

void addr_list_free(struct addr_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

char *target_reverse_lookup(const struct net_addr *addr)
{
    struct sockaddr_storage ss;
    socklen_t len = net_addr_to_sockaddr(addr, 0, &ss);
    char host[NI_MAXHOST];
    if (getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, NULL, 0, NI_NAMEREQD) != 0)
        return NULL;
    return strdup(host);
}
