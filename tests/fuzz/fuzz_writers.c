// SPDX-License-Identifier: MIT
// The XML, normal and grepable writers over a run whose every string comes
// from the fuzzer (command line, stylesheet, user and PTR names, service
// names, error message). The XML must stay well formed (and, with libxml2,
// valid against nmap.dtd); the text formats must hold no control byte but
// newline and tab, and no hostile name may start a line of its own.
//
// Input: byte 0 flags, byte 1 port count (mod 17), 5 bytes per port, then
// NUL-separated strings: command line, stylesheet, target name, PTR name,
// error message, then one service name per port.
#include <stdbool.h>
#include <sys/socket.h>

#include "cli/plan.h"
#include "fuzz_common.h"
#include "report/model.h"
#include "report/writer.h"

#ifdef CMAP_FUZZ_LIBXML2
#include <libxml/parser.h>
#include <libxml/valid.h>
#define NMAP_DTD "/usr/share/nmap/nmap.dtd"
static xmlDtdPtr nmap_dtd;
#endif

#define MAX_PORTS 16
#define N_STRINGS 5

struct fuzz_run {
    struct plan plan;
    struct run run;
    struct host host;
    struct port_result ports[MAX_PORTS];
    uint16_t scan_ports[MAX_PORTS];
    char *strings[N_STRINGS + MAX_PORTS];
    bool interactive;
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
#ifdef CMAP_FUZZ_LIBXML2
    nmap_dtd = xmlParseDTD(NULL, (const xmlChar *)NMAP_DTD);
    if (!nmap_dtd)
        fprintf(stderr, "fuzz_writers: %s not loaded, checking well-formedness only\n", NMAP_DTD);
#endif
    return 0;
}

static void read_plan(struct fuzz_run *f, uint8_t flags)
{
    f->plan.tcp_scan = TCP_SCAN_CONNECT;
    f->plan.verbosity = flags & 3;
    f->plan.reason = flags & 4;
    f->plan.open_only = flags & 8;
    f->plan.list_scan = flags & 16;
    f->plan.no_stylesheet = !f->strings[1];
    f->plan.command_line = f->strings[0];
    f->plan.stylesheet = f->strings[1];
    f->plan.ports.ports[PROTO_TCP] = f->scan_ports;
    f->run.plan = &f->plan;
    f->run.end_time.tv_sec = 1;
    f->run.hosts_total = 1;
    f->run.error_message = f->strings[4];
    f->run.interrupted = flags & 32;
    f->interactive = flags & 64;
}

static void read_host(struct fuzz_run *f, uint8_t flags, const uint8_t *p, size_t n_ports)
{
    struct host *h = &f->host;
    net_addr_parse((flags & 128) ? "fd00::7" : "198.18.0.7", AF_UNSPEC, &h->addr);
    h->target_name = f->strings[2];
    h->rdns = f->strings[3];
    h->state = (enum host_state)(p[0] % 4);
    h->reason = (uint8_t)(p[0] % REASON_COUNT);
    h->have_times = p[0] & 0x80;
    f->run.hosts_up = h->state == HOST_STATE_UP;
    for (size_t i = 0; i < n_ports; i++, p += 5) {
        uint16_t port = (uint16_t)(p[1] << 8 | p[2]);
        f->ports[i] = (struct port_result){.port = port,
                                           .proto = PROTO_TCP,
                                           .state = (uint8_t)(p[3] % PORT_STATE_COUNT),
                                           .reason = (uint8_t)(p[4] % REASON_COUNT),
                                           .reason_ttl = p[5],
                                           .service = f->strings[N_STRINGS + i]};
        f->scan_ports[f->plan.ports.count[PROTO_TCP]++] = port;
    }
    h->ports = f->ports;
    h->n_ports = n_ports;
}

/* Returns false when the input is too short to describe a run. */
static bool read_run(struct fuzz_run *f, const uint8_t *data, size_t size)
{
    memset(f, 0, sizeof *f);
    if (size < 3) return false;
    size_t n_ports = data[1] % (MAX_PORTS + 1);
    size_t pos = 3 + 5 * n_ports;
    if (size < pos) return false;
    for (size_t i = 0; i < N_STRINGS + n_ports; i++) {
        f->strings[i] = fuzz_next_piece(data, size, &pos);
        if (f->strings[i] && !f->strings[i][0]) { /* the model has NULL, never "" */
            free(f->strings[i]);
            f->strings[i] = NULL;
        }
    }
    read_plan(f, data[0]);
    read_host(f, data[0], data + 2, n_ports);
    return true;
}

static void free_run(struct fuzz_run *f)
{
    for (size_t i = 0; i < N_STRINGS + MAX_PORTS; i++)
        free(f->strings[i]);
}

/* Runs one writer over the whole run; the text it wrote, or NULL when a
 * callback reported an error (a memory stream never fails). */
static char *render(const struct writer_ops *ops, struct fuzz_run *f, size_t *len)
{
    char *buf = NULL;
    struct writer w = {.ops = ops, .fp = fuzz_memstream(&buf, len), .interactive = f->interactive};
    int rc = ops->run_begin(&w, &f->run);
    if (rc == 0) rc = ops->host_done(&w, &f->run, &f->host);
    if (rc == 0) rc = ops->run_end(&w, &f->run);
    if (ops->destroy) ops->destroy(&w);
    fclose(w.fp);
    FUZZ_CHECK(rc == 0);
    return buf;
}

/* A reference inside markup: "&name;" or "&#...;" with sane characters. */
static size_t reference_len(const char *p)
{
    size_t i = 1;
    while (p[i] && (p[i] == '#' || (p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9')))
        i++;
    return p[i] == ';' && i > 1 ? i + 1 : 0;
}

/* Without a full parser: no raw '<' or stray '&' inside attribute values,
 * no "--" inside comments, no byte XML 1.0 forbids. */
static void check_xml_lexically(const char *doc)
{
    bool in_tag = false, in_value = false;
    for (const char *p = doc; *p; p++) {
        unsigned char c = (unsigned char)*p;
        FUZZ_CHECK(c >= 0x20 || c == '\n' || c == '\t' || c == '\r');
        if (!in_tag && strncmp(p, "<!--", 4) == 0) {
            const char *end = strstr(p + 4, "-->");
            FUZZ_CHECK(end != NULL);
            for (const char *q = p + 4; q < end; q++)
                FUZZ_CHECK(!(q[0] == '-' && q[1] == '-'));
            p = end + 2;
        } else if (in_value) {
            FUZZ_CHECK(c != '<');
            if (c == '&') FUZZ_CHECK(reference_len(p) > 0);
            if (c == '"') in_value = false;
        } else if (in_tag) {
            if (c == '"') in_value = true;
            if (c == '>') in_tag = false;
        } else if (c == '<') {
            in_tag = true;
        }
    }
    FUZZ_CHECK(!in_tag && !in_value);
}

static void check_xml(const char *doc, size_t len)
{
    check_xml_lexically(doc);
#ifdef CMAP_FUZZ_LIBXML2
    xmlDocPtr x = xmlReadMemory(doc, (int)len, "fuzz.xml", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    FUZZ_CHECK(x != NULL);
    if (nmap_dtd) {
        xmlValidCtxtPtr v = xmlNewValidCtxt();
        if (!v) abort();
        v->error = NULL;
        v->warning = NULL;
        FUZZ_CHECK(xmlValidateDtd(v, x, nmap_dtd) == 1);
        xmlFreeValidCtxt(v);
    }
    xmlFreeDoc(x);
#else
    (void)len;
#endif
}

/* Every line of a text format starts as the writer meant it to; a hostile
 * name that smuggled a newline would start one of its own. */
static void check_text(const char *text, const char *const *line_starts)
{
    for (const char *p = text; *p; p++) {
        unsigned char c = (unsigned char)*p;
        FUZZ_CHECK(c >= 0x20 || c == '\n' || c == '\t');
        FUZZ_CHECK(c != 0x7f);
    }
    if (!line_starts) return;
    for (const char *line = text; *line; line = strchr(line, '\n') + 1) {
        FUZZ_CHECK(strchr(line, '\n') != NULL);
        bool known = false;
        for (const char *const *s = line_starts; *s && !known; s++)
            known = strncmp(line, *s, strlen(*s)) == 0;
        FUZZ_CHECK(known);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const grepable_lines[] = {"# ", "Host: ", NULL};
    struct fuzz_run f;
    if (!read_run(&f, data, size)) return 0;
    size_t len;
    char *xml = render(&xml_writer_ops, &f, &len);
    check_xml(xml, len);
    free(xml);
    char *normal = render(&normal_writer_ops, &f, &len);
    check_text(normal, NULL);
    free(normal);
    char *grepable = render(&grepable_writer_ops, &f, &len);
    check_text(grepable, grepable_lines);
    free(grepable);
    free_run(&f);
    return 0;
}
