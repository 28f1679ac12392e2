// SPDX-License-Identifier: MIT
// nmap 7.93's --packet-trace lines at its low level of detail (what it
// prints without -d): the IP part ("ttl=64 id=0 iplen=44 " with its
// trailing space for IPv4, "hopl=64 flow=0 payloadlen=24" for IPv6) is
// built first and dropped into each protocol's layout, so the double and
// trailing spaces nmap's lines have come out the same. Where nmap would
// read past a short packet, the line says "(incomplete)" instead.
#include "raw/packet_trace.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/runtime.h"

struct sb {
    char *p;
    size_t cap, len;
};

static void put(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sb *b, const char *fmt, ...)
{
    if (b->cap == 0 || b->len >= b->cap - 1) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    b->len += (size_t)n;
    if (b->len > b->cap - 1) b->len = b->cap - 1;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The parts every protocol's line is made of. */
struct ipview {
    int detail; /* PTRACE_LOW, PTRACE_MEDIUM, PTRACE_HIGH */
    int version;
    char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
    char info[160];
    uint8_t proto;
    const uint8_t *data; /* the transport header */
    size_t datalen;
    int frag_off;
};

/* nmap's TCP option summary, "<mss 1460,sackOK,timestamp 1 0,nop,wscale
 * 7>"; a truncated option or one nmap does not know leaves it empty, as
 * nmap's does. */
static void tcp_options(const uint8_t *q, size_t len, char *out, size_t outlen)
{
    struct sb b = {out, outlen, 0};
    out[0] = '\0';
    char ch = '<';
    while (len > 0) {
        put(&b, "%c", ch);
        ch = ',';
        uint8_t op = q[0];
        if (op == 0 || op == 1) {
            put(&b, "%s", op == 0 ? "eol" : "nop");
            q++;
            len--;
        } else if (op == 2 && len >= 4) {
            put(&b, "mss %u", rd16(q + 2));
            q += 4;
            len -= 4;
        } else if (op == 3 && len >= 3) {
            put(&b, "wscale %u", q[2]);
            q += 3;
            len -= 3;
        } else if (op == 4 && len >= 2) {
            put(&b, "sackOK");
            q += 2;
            len -= 2;
        } else if (op == 5 && len >= 2 && q[1] >= 2 && q[1] <= len) {
            unsigned olen = q[1];
            if (olen == 2 || (olen - 2) % 8 != 0) {
                put(&b, "malformed sack");
            } else {
                put(&b, "sack %u ", (olen - 2) / 8);
                for (unsigned i = 2; i + 8 <= olen; i += 8) {
                    /* nmap prints the edges unconverted (host order). */
                    uint32_t l, r;
                    memcpy(&l, q + i, 4);
                    memcpy(&r, q + i + 4, 4);
                    put(&b, "{%u:%u}", l, r);
                }
            }
            q += olen;
            len -= olen;
        } else if (op == 8 && len >= 10) {
            put(&b, "timestamp %lu %lu", (unsigned long)rd32(q + 2), (unsigned long)rd32(q + 6));
            q += 10;
            len -= 10;
        } else {
            out[0] = '\0';
            return;
        }
    }
    put(&b, ">");
}

/* IPv4 options are not decoded: nmap lists them by name, cmap by count of
 * bytes (cmap never sends any; a reply with options is rare). */
/* nmap-protocols' short names (the IANA keywords) of the protocols a
 * trace may name: an unknown protocol's line and IPv6's "nh=" field. */
static const char *proto_name(uint8_t p)
{
    switch (p) {
    case 0:
        return "hopopt";
    case 1:
        return "icmp";
    case 2:
        return "igmp";
    case 4:
        return "ipv4";
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 41:
        return "ipv6";
    case 43:
        return "ipv6-route";
    case 44:
        return "ipv6-frag";
    case 47:
        return "gre";
    case 50:
        return "esp";
    case 51:
        return "ah";
    case 58:
        return "ipv6-icmp";
    case 59:
        return "ipv6-nonxt";
    case 60:
        return "ipv6-opts";
    case 103:
        return "pim";
    case 132:
        return "sctp";
    case 136:
        return "udplite";
    default:
        return NULL;
    }
}

static bool parse_v4(const uint8_t *pkt, size_t len, struct ipview *v)
{
    if (len < 20 || pkt[0] >> 4 != 4) return false;
    size_t hl = (size_t)(pkt[0] & 15) * 4;
    if (hl < 20 || hl > len) return false;
    size_t total = rd16(pkt + 2);
    if (total >= hl && total < len) len = total;
    v->version = 4;
    inet_ntop(AF_INET, pkt + 12, v->src, sizeof v->src);
    inet_ntop(AF_INET, pkt + 16, v->dst, sizeof v->dst);
    uint16_t off = rd16(pkt + 6);
    v->frag_off = 8 * (off & 0x1fff);
    bool more = off & 0x2000;
    char frag[48] = "";
    if (v->frag_off || more)
        snprintf(frag, sizeof frag, " frag offset=%d%s", v->frag_off, more ? "+" : "");
    char opts[32] = "";
    if (hl > 20) snprintf(opts, sizeof opts, "ipopts={%zu bytes}", hl - 20);
    unsigned ttl = pkt[8], id = rd16(pkt + 4), iplen = rd16(pkt + 2), csum = rd16(pkt + 10);
    if (v->detail == PTRACE_HIGH)
        snprintf(v->info, sizeof v->info,
                 "ver=4 ihl=%u tos=0x%02x iplen=%u id=%u%s%s%s%s foff=%d%s ttl=%u proto=%u "
                 "csum=0x%04x%s%s",
                 (unsigned)(hl / 4), pkt[1], iplen, id, (off & 0xe000) ? " flg=" : "",
                 (off & 0x8000) ? "x" : "", (off & 0x4000) ? "D" : "", more ? "M" : "", v->frag_off,
                 more ? "+" : "", ttl, pkt[9], csum, hl > 20 ? " " : "", opts);
    else if (v->detail == PTRACE_MEDIUM)
        snprintf(v->info, sizeof v->info, "ttl=%u id=%u proto=%u csum=0x%04x iplen=%u%s %s", ttl,
                 id, pkt[9], csum, iplen, frag, opts);
    else
        snprintf(v->info, sizeof v->info, "ttl=%u id=%u iplen=%u%s %s", ttl, id, iplen, frag, opts);
    v->proto = pkt[9];
    v->data = pkt + hl;
    v->datalen = len - hl;
    return true;
}

static bool parse_v6(const uint8_t *pkt, size_t len, struct ipview *v)
{
    if (len < 40 || pkt[0] >> 4 != 6) return false;
    size_t total = 40 + (size_t)rd16(pkt + 4);
    if (total < len) len = total;
    v->version = 6;
    inet_ntop(AF_INET6, pkt + 8, v->src, sizeof v->src);
    inet_ntop(AF_INET6, pkt + 24, v->dst, sizeof v->dst);
    uint32_t flow = rd32(pkt) & 0xfffff, tclass = (rd32(pkt) >> 20) & 0xff;
    if (v->detail == PTRACE_HIGH) {
        const char *nh = proto_name(pkt[6]);
        char num[8];
        if (!nh) {
            snprintf(num, sizeof num, "%u", pkt[6]);
            nh = num;
        }
        snprintf(v->info, sizeof v->info, "ver=6, tclass=%x flow=%x payloadlen=%u nh=%s hopl=%u ",
                 tclass, flow, rd16(pkt + 4), nh, pkt[7]);
    } else if (v->detail == PTRACE_MEDIUM) {
        snprintf(v->info, sizeof v->info, "hopl=%u tclass=%u flow=%x payloadlen=%u", pkt[7], tclass,
                 flow, rd16(pkt + 4));
    } else {
        snprintf(v->info, sizeof v->info, "hopl=%u flow=%x payloadlen=%u", pkt[7], flow,
                 rd16(pkt + 4));
    }
    /* Past the extension headers to the upper layer, as nmap does. */
    uint8_t nh = pkt[6];
    size_t at = 40;
    for (int guard = 0; guard < 16; guard++) {
        size_t ext;
        if (nh == 0 || nh == 43 || nh == 60) {
            if (at + 2 > len) return false;
            ext = ((size_t)pkt[at + 1] + 1) * 8;
        } else if (nh == 44) {
            ext = 8;
        } else if (nh == 51) {
            if (at + 2 > len) return false;
            ext = ((size_t)pkt[at + 1] + 2) * 4;
        } else {
            break;
        }
        if (at + ext > len) return false;
        nh = pkt[at];
        at += ext;
    }
    v->proto = nh;
    v->data = pkt + at;
    v->datalen = len - at;
    v->frag_off = 0;
    return true;
}

static void tcp_flags(uint8_t f, char *out)
{
    static const struct {
        uint8_t bit;
        char c;
    } order[] = {{0x02, 'S'}, {0x01, 'F'}, {0x04, 'R'}, {0x08, 'P'},
                 {0x10, 'A'}, {0x20, 'U'}, {0x40, 'E'}, {0x80, 'C'}};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (f & order[i].bit) *out++ = order[i].c;
    *out = '\0';
}

static void fmt_tcp(struct sb *b, const struct ipview *v)
{
    const uint8_t *t = v->data;
    size_t n = v->datalen;
    if (v->frag_off > 8 || n < 8) {
        put(b, "TCP %s:?? > %s:?? ?? %s (incomplete)", v->src, v->dst, v->info);
        return;
    }
    if (v->frag_off == 8) {
        /* The segment's first 8 bytes are in another fragment. */
        char fl[10], ack[24] = "";
        tcp_flags(t[5], fl);
        if (v->detail != PTRACE_LOW)
            put(b, "TCP %s:?? > %s:?? %s ack=%lu win=%u  IP [%s]", v->src, v->dst, fl,
                (unsigned long)rd32(t), rd16(t + 6), v->info);
        else {
            if (t[5] & 0x10) snprintf(ack, sizeof ack, " ack=%lu", (unsigned long)rd32(t));
            put(b, "TCP %s:?? > %s:?? %s %s %s ", v->src, v->dst, fl, v->info, ack);
        }
        return;
    }
    unsigned sp = rd16(t), dp = rd16(t + 2);
    if (n < 20) {
        if (n < 12) {
            put(b, "TCP %s:%u > %s:%u ?? seq=%lu (incomplete) %s", v->src, sp, v->dst, dp,
                (unsigned long)rd32(t + 4), v->info);
        } else if (n < 16) {
            put(b, "TCP %s:%u > %s:%u seq=%lu (incomplete), %s", v->src, sp, v->dst, dp,
                (unsigned long)rd32(t + 4), v->info);
        } else {
            char fl[10];
            tcp_flags(t[13], fl);
            unsigned long seq = rd32(t + 4), ack = rd32(t + 8);
            if (v->detail == PTRACE_HIGH)
                put(b,
                    "TCP [%s:%u > %s:%u %s seq=%lu ack=%lu off=%u res=%u win=%u (incomplete)] "
                    "IP [%s]",
                    v->src, sp, v->dst, dp, fl, seq, ack, t[12] >> 4, t[12] & 15, rd16(t + 14),
                    v->info);
            else if (v->detail == PTRACE_MEDIUM)
                put(b, "TCP [%s:%u > %s:%u %s seq=%lu ack=%lu win=%u (incomplete)] IP [%s]", v->src,
                    sp, v->dst, dp, fl, seq, ack, rd16(t + 14), v->info);
            else
                put(b, "TCP %s:%u > %s:%u %s %s seq=%lu win=%u (incomplete)", v->src, sp, v->dst,
                    dp, fl, v->info, seq, rd16(t + 14));
        }
        return;
    }
    char fl[10], opts[256] = "";
    tcp_flags(t[13], fl);
    size_t off = (size_t)(t[12] >> 4) * 4;
    if (off > 20) {
        if (n < off)
            snprintf(opts, sizeof opts, "option incomplete");
        else
            tcp_options(t + 20, off - 20, opts, sizeof opts);
    }
    unsigned long seq = rd32(t + 4);
    const char *sep = opts[0] ? " " : "";
    if (v->detail == PTRACE_HIGH)
        put(b,
            "TCP [%s:%u > %s:%u %s seq=%lu ack=%lu off=%u res=%u win=%u csum=0x%04X urp=%u%s%s] "
            "IP [%s]",
            v->src, sp, v->dst, dp, fl, seq, (unsigned long)rd32(t + 8), t[12] >> 4, t[12] & 15,
            rd16(t + 14), rd16(t + 16), rd16(t + 18), sep, opts, v->info);
    else if (v->detail == PTRACE_MEDIUM)
        put(b, "TCP [%s:%u > %s:%u %s seq=%lu win=%u csum=0x%04X%s%s] IP [%s]", v->src, sp, v->dst,
            dp, fl, seq, rd16(t + 14), rd16(t + 16), sep, opts, v->info);
    else
        put(b, "TCP %s:%u > %s:%u %s %s seq=%lu win=%u %s", v->src, sp, v->dst, dp, fl, v->info,
            seq, rd16(t + 14), opts);
}

/* ICMPv4 type and code as nmap names them; fields: the type's own values.
 * Returns false when the message is shorter than its type needs (nmap's
 * "icmpbad" layout). */
static bool icmp4_describe(const struct ipview *v, char *type, size_t tlen, char *fields,
                           size_t flen)
{
    const uint8_t *d = v->data;
    size_t n = v->datalen;
    uint8_t t = d[0], c = d[1];
    fields[0] = '\0';
    switch (t) {
    case 0:
    case 8:
    case 15:
    case 16:
        snprintf(type, tlen, "%s",
                 t == 0    ? "Echo reply"
                 : t == 8  ? "Echo request"
                 : t == 15 ? "Information request"
                           : "Information reply");
        snprintf(fields, flen, "id=%u seq=%u", rd16(d + 4), rd16(d + 6));
        return true;
    case 3: {
        const uint8_t *ip2 = d + 8;
        size_t need = 8 + 20;
        if (n > 8) {
            size_t hl2 = (size_t)(ip2[0] & 15) * 4;
            if (hl2 > 20) need = 8 + hl2;
        }
        if (need > n) {
            snprintf(type, tlen, "Destination unreachable%s",
                     v->detail == PTRACE_LOW ? ""
                     : n == 8                ? " (original datagram missing)"
                                             : " (part of original datagram missing)");
            return false;
        }
        size_t hl2 = (size_t)(ip2[0] & 15) * 4;
        if (ip2[0] >> 4 != 4 || hl2 < 20 || hl2 > 60) {
            snprintf(type, tlen, "Destination unreachable (bogus original datagram)");
            return false;
        }
        char dst2[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, ip2 + 16, dst2, sizeof dst2);
        bool l4 = need + 8 < n;
        static const char *const fixed[16] = {
            [5] = "Source route failed",
            [8] = "Source host isolated",
            [13] = "Communication administratively prohibited by filtering",
            [14] = "Host precedence violation",
            [15] = "Precedence cutoff in effect"};
        switch (c) {
        case 0:
            snprintf(type, tlen, "Network %s unreachable", dst2);
            break;
        case 1:
            snprintf(type, tlen, "Host %s unreachable", dst2);
            break;
        case 2:
            snprintf(type, tlen, "Protocol %u unreachable", ip2[9]);
            break;
        case 3:
            if (!l4)
                snprintf(type, tlen, "Port unreachable");
            else if (ip2[9] == 6 || ip2[9] == 17 || ip2[9] == 132)
                snprintf(type, tlen, "Port %u unreachable", rd16(ip2 + hl2 + 2));
            else
                snprintf(type, tlen, "Port unreachable (unknown protocol %u)", ip2[9]);
            break;
        case 4:
            snprintf(type, tlen, "Fragmentation required");
            snprintf(fields, flen, "Next-Hop-MTU=%u", rd16(d + 6));
            break;
        case 6:
            snprintf(type, tlen, "Destination network %s unknown", dst2);
            break;
        case 7:
            snprintf(type, tlen, "Destination host %s unknown", dst2);
            break;
        case 9:
            snprintf(type, tlen, "Destination network %s administratively prohibited", dst2);
            break;
        case 10:
            snprintf(type, tlen, "Destination host %s administratively prohibited", dst2);
            break;
        case 11:
            snprintf(type, tlen, "Network %s unreachable for TOS", dst2);
            break;
        case 12:
            snprintf(type, tlen, "Host %s unreachable for TOS", dst2);
            break;
        default:
            snprintf(type, tlen, "%s",
                     c < 16 && fixed[c] ? fixed[c] : "Destination unreachable (unknown code)");
        }
        return true;
    }
    case 4:
        snprintf(type, tlen, "Source quench");
        return true;
    case 5: {
        snprintf(type, tlen, "%s",
                 c == 0   ? "Network redirect"
                 : c == 1 ? "Host redirect"
                          : "Redirect (unknown code)");
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, d + 4, a, sizeof a);
        snprintf(fields, flen, "addr=%s", a);
        return true;
    }
    case 9:
        snprintf(type, tlen, "%s",
                 c == 16 ? "Router advertisement (Mobile Agent Only)" : "Router advertisement");
        snprintf(fields, flen, "addrs=%u addrlen=%u lifetime=%u", d[4], d[5], rd16(d + 6));
        return true;
    case 10:
        snprintf(type, tlen, "Router solicitation");
        return true;
    case 11:
        snprintf(type, tlen, "%s",
                 c == 0   ? "TTL=0 during transit"
                 : c == 1 ? "TTL=0 during reassembly"
                          : "TTL exceeded (unknown code)");
        return true;
    case 12:
        snprintf(type, tlen, "%s",
                 c == 0   ? "Parameter problem (pointer indicates error)"
                 : c == 1 ? "Parameter problem (option missing)"
                 : c == 2 ? "Parameter problem (bad length)"
                          : "Parameter problem (unknown code)");
        snprintf(fields, flen, "pointer=%u", d[4]);
        return true;
    case 13:
    case 14:
        snprintf(type, tlen, "Timestamp %s", t == 13 ? "request" : "reply");
        if (n < 20) return false;
        snprintf(fields, flen, "id=%u seq=%u orig=%lu recv=%lu trans=%lu", rd16(d + 4), rd16(d + 6),
                 (unsigned long)rd32(d + 8), (unsigned long)rd32(d + 12),
                 (unsigned long)rd32(d + 16));
        return true;
    case 17:
    case 18: {
        snprintf(type, tlen, "Address mask %s", t == 17 ? "request" : "reply");
        if (n < 12) return false;
        char a[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, d + 8, a, sizeof a);
        snprintf(fields, flen, "id=%u seq=%u mask=%s", rd16(d + 4), rd16(d + 6), a);
        return true;
    }
    case 30:
        snprintf(type, tlen, "Traceroute");
        return true;
    case 37:
        snprintf(type, tlen, "Domain name request");
        return true;
    case 38:
        snprintf(type, tlen, "Domain name reply");
        return true;
    case 40:
        snprintf(type, tlen, "Security failures");
        return true;
    default:
        snprintf(type, tlen, "Unknown type");
        return true;
    }
}

static void fmt_icmp4(struct sb *b, const struct ipview *v)
{
    if (v->frag_off) {
        put(b, "ICMP %s > %s fragment %s (incomplete)", v->src, v->dst, v->info);
        return;
    }
    if (v->datalen < 8) {
        put(b, "ICMP %s > %s [??] %s", v->src, v->dst, v->info);
        return;
    }
    char type[128], fields[160];
    uint8_t t = v->data[0], c = v->data[1];
    if (!icmp4_describe(v, type, sizeof type, fields, sizeof fields)) {
        put(b, "ICMP %s > %s %s (type=%u/code=%u) %s", v->src, v->dst, type, t, c, v->info);
        return;
    }
    put(b, "ICMP [%s > %s %s (type=%u/code=%u) %s] IP [%s]", v->src, v->dst, type, t, c, fields,
        v->info);
}

static void fmt_udp_sctp(struct sb *b, const struct ipview *v)
{
    const uint8_t *d = v->data;
    const char *name = v->proto == 17 ? "UDP" : "SCTP";
    size_t need = v->detail == PTRACE_LOW ? 4 : v->proto == 17 ? 8 : 12;
    if (v->frag_off)
        put(b, "%s %s:?? > %s:?? fragment %s (incomplete)", name, v->src, v->dst, v->info);
    else if (v->datalen < need)
        put(b, "%s %s:?? > %s:?? %s (incomplete)", name, v->src, v->dst, v->info);
    else if (v->detail == PTRACE_LOW)
        put(b, "%s %s:%u > %s:%u %s", name, v->src, rd16(d), v->dst, rd16(d + 2), v->info);
    else if (v->proto == 17 && v->detail == PTRACE_MEDIUM)
        put(b, "UDP [%s:%u > %s:%u csum=0x%04X] IP [%s]", v->src, rd16(d), v->dst, rd16(d + 2),
            rd16(d + 6), v->info);
    else if (v->proto == 17)
        put(b, "UDP [%s:%u > %s:%u len=%u csum=0x%04X] IP [%s]", v->src, rd16(d), v->dst,
            rd16(d + 2), rd16(d + 4), rd16(d + 6), v->info);
    else if (v->detail == PTRACE_MEDIUM)
        put(b, "SCTP [%s:%u > %s:%u csum=0x%08x] IP [%s]", v->src, rd16(d), v->dst, rd16(d + 2),
            rd32(d + 8), v->info);
    else
        put(b, "SCTP [%s:%u > %s:%u vtag=%lu csum=0x%08x] IP [%s]", v->src, rd16(d), v->dst,
            rd16(d + 2), (unsigned long)rd32(d + 4), rd32(d + 8), v->info);
}

size_t ptrace_format_ip(const uint8_t *pkt, size_t len, char *out, size_t outlen)
{
    return ptrace_format_ip_detail(pkt, len, PTRACE_LOW, out, outlen);
}

size_t ptrace_format_ip_detail(const uint8_t *pkt, size_t len, int detail, char *out, size_t outlen)
{
    if (outlen == 0) return 0;
    struct sb b = {out, outlen, 0};
    out[0] = '\0';
    struct ipview v;
    memset(&v, 0, sizeof v);
    v.detail = detail == PTRACE_MEDIUM || detail == PTRACE_HIGH ? detail : PTRACE_LOW;
    bool ok = len > 0 && (pkt[0] >> 4 == 4 ? parse_v4(pkt, len, &v) : parse_v6(pkt, len, &v));
    if (!ok) {
        put(&b, "BOGUS!  Can't parse supposed IP packet");
        return b.len;
    }
    const uint8_t *d = v.data;
    switch (v.proto) {
    case 6:
        fmt_tcp(&b, &v);
        break;
    case 17:
    case 132:
        fmt_udp_sctp(&b, &v);
        break;
    case 1:
        if (v.version == 4) {
            fmt_icmp4(&b, &v);
            break;
        }
        goto other;
    case 58:
        if (v.datalen > 4)
            put(&b, "ICMPv6 (58) %s > %s (type=%u/code=%u) %s", v.src, v.dst, d[0], d[1], v.info);
        else
            put(&b, "ICMPv6 (58) %s > %s (type=?/code=?) %s", v.src, v.dst, v.info);
        break;
    default:
    other : {
        const char *name = proto_name(v.proto);
        if (name)
            put(&b, "%s (%u) %s > %s: %s", name, v.proto, v.src, v.dst, v.info);
        else
            put(&b, "Unknown protocol (%u) %s > %s: %s", v.proto, v.src, v.dst, v.info);
    }
    }
    return b.len;
}

size_t ptrace_format_arp(const uint8_t *a, size_t len, char *out, size_t outlen)
{
    if (outlen == 0) return 0;
    struct sb b = {out, outlen, 0};
    out[0] = '\0';
    /* Ethernet/IPv4 ARP only: 8 bytes of header, two MAC+IPv4 pairs. */
    if (len < 28 || a[4] != 6 || a[5] != 4) {
        put(&b, "ARP unknown");
        return b.len;
    }
    char spa[INET_ADDRSTRLEN], tpa[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, a + 14, spa, sizeof spa);
    inet_ntop(AF_INET, a + 24, tpa, sizeof tpa);
    unsigned op = rd16(a + 6);
    if (op == 1)
        put(&b, "ARP who-has %s tell %s", tpa, spa);
    else if (op == 2)
        put(&b, "ARP reply %s is-at %02X:%02X:%02X:%02X:%02X:%02X", spa, a[8], a[9], a[10], a[11],
            a[12], a[13]);
    else
        put(&b, "ARP unknown");
    return b.len;
}

size_t ptrace_format_nd(const uint8_t *p, size_t len, char *out, size_t outlen)
{
    if (outlen == 0) return 0;
    out[0] = '\0';
    struct ipview v;
    memset(&v, 0, sizeof v);
    if (!parse_v6(p, len, &v) || v.proto != 58 || v.datalen < 24 || v.data[0] != 136) return 0;
    const uint8_t *d = v.data;
    /* The target link-layer address option (type 2, 8 bytes). */
    for (size_t at = 24; at + 8 <= v.datalen;) {
        size_t olen = (size_t)d[at + 1] * 8;
        if (olen == 0 || at + olen > v.datalen) break;
        if (d[at] == 2) {
            char target[INET6_ADDRSTRLEN];
            inet_ntop(AF_INET6, d + 8, target, sizeof target);
            const uint8_t *m = d + at + 2;
            struct sb b = {out, outlen, 0};
            put(&b, "neighbor advertisement %s > %s %s is at %02x:%02x:%02x:%02x:%02x:%02x", v.src,
                v.dst, target, m[0], m[1], m[2], m[3], m[4], m[5]);
            return b.len;
        }
        at += olen;
    }
    return 0;
}

size_t ptrace_format_any(const uint8_t *l3, size_t len, enum ptrace_kind kind, int detail,
                         char *out, size_t outlen)
{
    if (kind == PTRACE_ARP) return ptrace_format_arp(l3, len, out, outlen);
    size_t n = kind == PTRACE_ND ? ptrace_format_nd(l3, len, out, outlen) : 0;
    return n ? n : ptrace_format_ip_detail(l3, len, detail, out, outlen);
}

void ptrace_format_bytes(uint64_t bytes, char *out, size_t outlen)
{
    if (bytes < 1000)
        snprintf(out, outlen, "%uB", (unsigned)bytes);
    else if (bytes < 1000000)
        snprintf(out, outlen, "%.3fKB", (double)bytes / 1000.0);
    else if (bytes < 1000000000)
        snprintf(out, outlen, "%.3fMB", (double)bytes / 1000000.0);
    else
        snprintf(out, outlen, "%.3fGB", (double)bytes / 1000000000.0);
}

/* --- the run's sink and counters --------------------------------------------- */

static void (*sink_message)(void *ctx, const char *line, bool to_file);
static void *sink_ctx;
static const struct runtime *sink_rt;
static _Atomic uint64_t n_sent, n_sent_bytes, n_rcvd, n_rcvd_bytes;
static atomic_bool raw_used;

void ptrace_set_sink(void (*message)(void *ctx, const char *line, bool to_file), void *ctx,
                     const struct runtime *rt)
{
    sink_message = message;
    sink_ctx = ctx;
    sink_rt = rt;
}

bool ptrace_enabled(void)
{
    return sink_message && sink_rt && runtime_packet_trace(sink_rt);
}

static void trace(const char *dir, const uint8_t *l3, size_t len, enum ptrace_kind kind)
{
    if (!ptrace_enabled()) return;
    char what[PTRACE_LINE_MAX], line[PTRACE_LINE_MAX + 32];
    /* nmap's detail follows the debugging level: -dd medium, -ddd high. */
    int d = runtime_debugging(sink_rt);
    int detail = d >= 3 ? PTRACE_HIGH : d == 2 ? PTRACE_MEDIUM : PTRACE_LOW;
    ptrace_format_any(l3, len, kind, detail, what, sizeof what);
    snprintf(line, sizeof line, "%s (%.4fs) %s", dir, runtime_elapsed(sink_rt, clock_mono_us()),
             what);
    sink_message(sink_ctx, line, true);
}

void ptrace_sent(const uint8_t *l3, size_t len, enum ptrace_kind kind)
{
    atomic_fetch_add_explicit(&n_sent, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&n_sent_bytes, len, memory_order_relaxed);
    trace("SENT", l3, len, kind);
}

/* A captured packet's own length: a frame padded to Ethernet's minimum
 * carries bytes past the IP (or ARP) packet, which nmap does not count. */
static size_t own_length(const uint8_t *l3, size_t len, bool is_arp)
{
    size_t own = len;
    if (is_arp)
        own = 28;
    else if (len >= 20 && l3[0] >> 4 == 4)
        own = rd16(l3 + 2);
    else if (len >= 40 && l3[0] >> 4 == 6)
        own = 40 + (size_t)rd16(l3 + 4);
    return own < len ? own : len;
}

void ptrace_rcvd(const uint8_t *l3, size_t len, enum ptrace_kind kind)
{
    atomic_fetch_add_explicit(&n_rcvd, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&n_rcvd_bytes, own_length(l3, len, kind == PTRACE_ARP),
                              memory_order_relaxed);
    trace("RCVD", l3, len, kind);
}

void ptrace_counts(struct ptrace_counts *out)
{
    out->sent = atomic_load(&n_sent);
    out->sent_bytes = atomic_load(&n_sent_bytes);
    out->rcvd = atomic_load(&n_rcvd);
    out->rcvd_bytes = atomic_load(&n_rcvd_bytes);
}

void ptrace_mark_raw_used(void)
{
    atomic_store(&raw_used, true);
}

bool ptrace_raw_used(void)
{
    return atomic_load(&raw_used);
}

void ptrace_format_counts(const struct ptrace_counts *c, char *out, size_t outlen)
{
    char sb[32], rb[32];
    ptrace_format_bytes(c->sent_bytes, sb, sizeof sb);
    ptrace_format_bytes(c->rcvd_bytes, rb, sizeof rb);
    snprintf(out, outlen, "Raw packets sent: %llu (%s) | Rcvd: %llu (%s)",
             (unsigned long long)c->sent, sb, (unsigned long long)c->rcvd, rb);
}
