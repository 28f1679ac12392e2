// SPDX-License-Identifier: MIT
#include "report/svcfmt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/escape.h"
#include "report/portview.h"

void svc_view_of(const struct service_info *svc, struct svc_view *v)
{
    memset(v, 0, sizeof *v);
    if (!svc) return;
    v->name = svc->name ? svc->name : svc->tcpwrapped ? "tcpwrapped" : NULL;
    v->product = svc->product;
    v->version = svc->version;
    v->extrainfo = svc->extrainfo;
    if (!svc->rpc) return;
    if (!v->version) {
        if (svc->rpc_low != svc->rpc_high)
            snprintf(v->rpc_version, sizeof v->rpc_version, "%u-%u", (unsigned)svc->rpc_low,
                     (unsigned)svc->rpc_high);
        else
            snprintf(v->rpc_version, sizeof v->rpc_version, "%u", (unsigned)svc->rpc_high);
        v->version = v->rpc_version;
    }
    if (!v->extrainfo) {
        snprintf(v->rpc_extrainfo, sizeof v->rpc_extrainfo, "RPC #%u", (unsigned)svc->rpc_program);
        v->extrainfo = v->rpc_extrainfo;
    }
}

void svc_port_name(const struct port_result *p, bool version_scan, char *buf)
{
    const struct service_info *svc = p->svc;
    struct svc_view v;
    svc_view_of(svc, &v);
    const char *tunnel = svc && svc->ssl_tunnel ? "ssl/" : "";
    const char *name = v.name ? v.name : p->service;
    int len;
    if (name && strcmp(name, "unknown") != 0) {
        bool guess = version_scan && p->state == PORT_OPEN && (!svc || svc->conf <= 5);
        len = snprintf(buf, SVC_NAME_MAX, "%s%s%s", tunnel, name, guess ? "?" : "");
    } else {
        len = snprintf(buf, SVC_NAME_MAX, "%sunknown", tunnel);
    }
    if (len < 0 || len >= SVC_NAME_MAX) buf[0] = '\0';
}

/* Appends at most `room` bytes of s to the string at *end. */
static void append(char **end, const char *s, size_t room)
{
    size_t n = strlen(s);
    if (n > room) n = room;
    memcpy(*end, s, n);
    *end += n;
    **end = '\0';
}

/* A part that does not fit is cut to leave room for "...", which then
 * uses up the line; a part needs at least 8 bytes left to be shown. */
static void append_part(char **end, size_t *left, const char *part, bool pad)
{
    if (pad) {
        append(end, " ", *left);
        (*left)--;
    }
    size_t n = strlen(part);
    if (*left < n) {
        append(end, part, *left - 3);
        append(end, "...", 3);
        *left = 0;
    } else {
        append(end, part, n);
        *left -= n;
    }
}

void svc_full_version(const struct service_info *svc, char *buf)
{
    struct svc_view v;
    svc_view_of(svc, &v);
    char *end = buf;
    size_t left = SVC_VERSION_MAX - 1;
    bool pad = false;
    buf[0] = '\0';
    if (v.product && left >= 8) {
        append_part(&end, &left, v.product, false);
        pad = true;
    }
    if (v.version && left >= 8) {
        append_part(&end, &left, v.version, pad);
        pad = true;
    }
    if (v.extrainfo && left >= 8) {
        if (pad) {
            append(&end, " ", left);
            left--;
        }
        /* Cut inside the parentheses, which always close. */
        append(&end, "(", 1);
        size_t n = strlen(v.extrainfo), after;
        if (left - 2 < n) {
            append(&end, v.extrainfo, left - 5);
            append(&end, "...", 3);
            after = 1;
        } else {
            append(&end, v.extrainfo, n);
            after = left - n - 2;
        }
        /* nmap closes the parenthesis only with a byte to spare, so an
         * extrainfo that fills the line exactly stays open. */
        append(&end, ")", after);
    }
}

bool svc_port_has_service(const struct port_result *p)
{
    const struct service_info *s = p->svc;
    if (s && (s->name || s->tcpwrapped || s->fingerprint || s->ssl_tunnel)) return true;
    return p->service != NULL;
}

char *svc_flat_fingerprint(const char *fingerprint)
{
    char *flat = malloc(strlen(fingerprint) + 1), *out = flat, *amp = NULL;
    if (!flat) return NULL;
    for (const char *in = fingerprint; *in;) {
        if (strncmp(in, "\nSF:", 4) == 0) {
            in += 4;
            continue;
        }
        if (*in == '&')
            amp = out;
        else if (*in == ';')
            amp = NULL;
        *out++ = *in++;
    }
    *(amp ? amp : out) = '\0';
    return flat;
}

/* nmap keeps five of each in fixed-size tables; longer values are cut
 * to the table's width. */
enum { INFO_FIELDS = 5 };

struct info_list {
    const char *item[INFO_FIELDS];
    size_t n;
};

static void info_add(struct info_list *l, const char *s, bool nocase)
{
    for (size_t i = 0; i < l->n; i++)
        if ((nocase ? strcasecmp(l->item[i], s) : strcmp(l->item[i], s)) == 0) return;
    if (l->n < INFO_FIELDS) l->item[l->n++] = s;
}

/* "cpe:/a:..." names an application, which belongs to its port only. */
static bool cpe_is_application(const char *cpe)
{
    return strncmp(cpe, "cpe:/", 5) == 0 && cpe[5] == 'a';
}

static const char *info_put(FILE *fp, const char *delim, const char *one, const char *many,
                            const struct info_list *l)
{
    if (l->n == 0) return delim;
    fprintf(fp, "%s%s: ", delim, l->n == 1 ? one : many);
    for (size_t i = 0; i < l->n; i++) {
        if (i) fputs(", ", fp);
        put_safe(fp, l->item[i]);
    }
    return "; ";
}

void svc_put_info_line(FILE *fp, const struct host *h)
{
    struct info_list hosts = {0}, oses = {0}, devices = {0}, cpes = {0};
    const char *ptr = h->rdns ? h->rdns : "";
    /* Ports in listing order: TCP first, then by number. */
    struct plan none = {0};
    struct port_view v;
    if (port_view_build(&v, h, &none) != 0) return;
    for (size_t i = 0; i < v.n; i++) {
        const struct port_result *p = v.sorted[i];
        const struct service_info *s = p->svc;
        if (p->state != PORT_OPEN || !s) continue;
        if (s->hostname && strcasecmp(ptr, s->hostname) != 0) info_add(&hosts, s->hostname, true);
        if (s->ostype) info_add(&oses, s->ostype, false);
        if (s->devicetype) info_add(&devices, s->devicetype, false);
        for (size_t c = 0; c < s->n_cpe; c++)
            if (s->cpe[c] && !cpe_is_application(s->cpe[c])) info_add(&cpes, s->cpe[c], false);
    }
    if (hosts.n + oses.n + devices.n + cpes.n > 0) {
        fputs("Service Info:", fp);
        const char *delim = " ";
        delim = info_put(fp, delim, "Host", "Hosts", &hosts);
        delim = info_put(fp, delim, "OS", "OSs", &oses);
        delim = info_put(fp, delim, "Device", "Devices", &devices);
        info_put(fp, delim, "CPE", "CPE", &cpes);
        fputc('\n', fp);
    }
    port_view_free(&v);
}

static void sanitize_field(char *s, size_t max)
{
    if (!s) return;
    size_t n = strlen(s);
    if (n > max) s[n = max] = '\0';
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) s[i] = '.';
}

void svc_sanitize(struct service_info *svc)
{
    if (!svc) return;
    sanitize_field(svc->product, 80);
    sanitize_field(svc->version, 80);
    sanitize_field(svc->extrainfo, 256);
    sanitize_field(svc->hostname, 80);
    sanitize_field(svc->ostype, 32);
    sanitize_field(svc->devicetype, 32);
    for (size_t i = 0; i < svc->n_cpe; i++)
        sanitize_field(svc->cpe[i], 80);
}
