// SPDX-License-Identifier: MIT
// Which DNS servers the parallel resolver asks: the ones --dns-servers
// names, else the "nameserver" lines of /etc/resolv.conf, as nmap 7.93 does
// (measured: file order, duplicates once, a server that does not resolve is
// skipped without a word, and --dns-servers never falls back to the file).
#ifndef CMAP_DNS_RESOLV_CONF_H
#define CMAP_DNS_RESOLV_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#define RESOLV_CONF_PATH "/etc/resolv.conf"
/* A resolv.conf line longer than this is read in pieces; only the first
 * piece can start a nameserver line. glibc's own limit is 4 kB too. */
#define RESOLV_LINE_MAX 4096
/* Servers kept; more are ignored (glibc uses 3, nmap all of them). */
#define DNS_SERVERS_MAX 64
#define DNS_SERVER_LABEL_MAX 128

struct dns_server {
    struct sockaddr_storage sa; /* port 53 */
    socklen_t salen;
    char label[DNS_SERVER_LABEL_MAX]; /* as written, for -d's "Using DNS server" */
};

struct dns_server_list {
    struct dns_server v[DNS_SERVERS_MAX];
    size_t n;
};

/* Calls fn with each nameserver token of a resolv.conf stream, in order:
 * the word after "nameserver" (lower case, at the start of a line after
 * blanks), ending at a blank, '#' or ';'. Returns the number of tokens. */
size_t resolv_conf_scan(FILE *fp, void (*fn)(void *ctx, const char *token), void *ctx);

/* The address of a server written as text: a numeric IPv4 or IPv6 literal
 * (an IPv6 zone allowed), or, when allow_lookup, a name resolved through
 * the system resolver as nmap does. 0, or -1 if it does not resolve. */
int dns_server_parse(const char *text, bool allow_lookup, struct dns_server *out);

/* Adds a server unless it does not resolve or is already listed. Returns
 * true if added. */
bool dns_server_list_add(struct dns_server_list *list, const char *text, bool allow_lookup);

/* The servers of a run: each of dns_servers (--dns-servers) if that is not
 * NULL, else the nameservers of the resolv.conf at path (unreadable: none). */
void dns_servers_load(struct dns_server_list *list, char *const *dns_servers, size_t n_dns_servers,
                      const char *path, bool allow_lookup);

#endif
