// SPDX-License-Identifier: MIT
// DNS server list (see resolv_conf.h). resolv.conf is read line by line with
// a fixed buffer; anything other than a "nameserver" line is ignored, as
// nmap does (search, options and sortlist do not concern a PTR resolver).
#include "dns/resolv_conf.h"

#include <netdb.h>
#include <netinet/in.h>
#include <string.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* The nameserver token of one line, cut in place; NULL if none. */
static char *nameserver_token(char *line)
{
    static const char kw[] = "nameserver";
    while (is_blank(*line))
        line++;
    if (strncmp(line, kw, sizeof kw - 1) != 0 || !is_blank(line[sizeof kw - 1])) return NULL;
    char *tok = line + sizeof kw - 1;
    while (is_blank(*tok))
        tok++;
    size_t n = 0;
    while (tok[n] && !is_blank(tok[n]) && tok[n] != '#' && tok[n] != ';')
        n++;
    if (n == 0) return NULL;
    tok[n] = '\0';
    return tok;
}

size_t resolv_conf_scan(FILE *fp, void (*fn)(void *ctx, const char *token), void *ctx)
{
    char line[RESOLV_LINE_MAX];
    size_t count = 0;
    bool line_start = true;
    while (fgets(line, sizeof line, fp)) {
        bool whole = strchr(line, '\n') != NULL;
        char *tok = line_start ? nameserver_token(line) : NULL;
        if (tok) {
            fn(ctx, tok);
            count++;
        }
        line_start = whole;
    }
    return count;
}

int dns_server_parse(const char *text, bool allow_lookup, struct dns_server *out)
{
    size_t len = strlen(text);
    if (len == 0 || len >= sizeof out->label) return -1;
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_NUMERICSERV | (allow_lookup ? 0 : AI_NUMERICHOST)};
    struct addrinfo *res = NULL;
    if (getaddrinfo(text, "53", &hints, &res) != 0) return -1;
    /* getaddrinfo order is the system's preference; nmap takes the first. */
    struct addrinfo *ai = res;
    while (ai && ai->ai_family != AF_INET && ai->ai_family != AF_INET6)
        ai = ai->ai_next;
    int rc = -1;
    if (ai && ai->ai_addrlen <= sizeof out->sa) {
        memset(out, 0, sizeof *out);
        memcpy(&out->sa, ai->ai_addr, ai->ai_addrlen);
        out->salen = ai->ai_addrlen;
        memcpy(out->label, text, len + 1);
        rc = 0;
    }
    freeaddrinfo(res);
    return rc;
}

static bool same_server(const struct dns_server *a, const struct dns_server *b)
{
    if (a->sa.ss_family != b->sa.ss_family) return false;
    if (a->sa.ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)&a->sa, *y = (const void *)&b->sa;
        return x->sin_addr.s_addr == y->sin_addr.s_addr && x->sin_port == y->sin_port;
    }
    const struct sockaddr_in6 *x = (const void *)&a->sa, *y = (const void *)&b->sa;
    return memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0 &&
           x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id;
}

bool dns_server_list_add(struct dns_server_list *list, const char *text, bool allow_lookup)
{
    if (list->n >= DNS_SERVERS_MAX) return false;
    struct dns_server *s = &list->v[list->n];
    if (dns_server_parse(text, allow_lookup, s) != 0) return false;
    for (size_t i = 0; i < list->n; i++)
        if (same_server(&list->v[i], s)) return false;
    list->n++;
    return true;
}

struct add_ctx {
    struct dns_server_list *list;
    bool allow_lookup;
};

static void add_token(void *ctx, const char *token)
{
    struct add_ctx *a = ctx;
    dns_server_list_add(a->list, token, a->allow_lookup);
}

void dns_servers_load(struct dns_server_list *list, char *const *dns_servers, size_t n_dns_servers,
                      const char *path, bool allow_lookup)
{
    list->n = 0;
    struct add_ctx a = {.list = list, .allow_lookup = allow_lookup};
    if (dns_servers) {
        for (size_t i = 0; i < n_dns_servers; i++)
            add_token(&a, dns_servers[i]);
        return;
    }
    FILE *fp = fopen(path, "re");
    if (!fp) return;
    resolv_conf_scan(fp, add_token, &a);
    fclose(fp);
}
