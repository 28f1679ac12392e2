// SPDX-License-Identifier: MIT
// Version-detection results in every writer against nmap 7.93 itself: the
// results nmap -sV produced in tests/unit/fixtures/service (regen.sh there
// runs the listeners and nmap in a private namespace) are rebuilt by hand
// and rendered by the normal, XML and grepable writers and the interactive
// stdout writer, then compared line by line after normalising what must
// differ (dates, durations, latencies). Also: the "Service scan" task
// lines, the VERSION text's truncation rules, terminal safety of hostile
// banners, the XML against nmap.dtd and the JSON against its schema.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libgen.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/plan.h"
#include "report/model.h"
#include "report/svcfmt.h"
#include "report/writer.h"

/* ---- fixtures ---------------------------------------------------------- */

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        fwrite(chunk, 1, n, mem);
    fclose(fp);
    fclose(mem);
    return buf;
}

/* __FILE__ is relative to the build root, where meson runs the tests;
 * from elsewhere, find the build root from our own path. */
static const char *fixture_dir(void)
{
    static char dir[4096];
    char file[2048], exe[2048] = "";
    snprintf(file, sizeof file, "%s", __FILE__);
    snprintf(dir, sizeof dir, "%s/fixtures/service", dirname(file));
    if (dir[0] == '/' || access(dir, R_OK) == 0) return dir;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) exe[n] = '\0';
    snprintf(file, sizeof file, "%s", __FILE__);
    snprintf(dir, sizeof dir, "%s/../../%s/fixtures/service", dirname(exe), dirname(file));
    return dir;
}

static char *read_fixture(const char *name, const char *ext)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.%s", fixture_dir(), name, ext);
    char *text = slurp(path);
    if (!text) fail_msg("cannot read fixture %s", path);
    return text;
}

/* The fingerprint nmap printed for a port, as the engine hands it over:
 * its lines joined by '\n'. */
static char *fingerprint_of(const char *normal, unsigned port)
{
    char head[32];
    snprintf(head, sizeof head, "SF-Port%u-TCP:", port);
    const char *start = strstr(normal, head);
    assert_non_null(start);
    const char *end = start;
    while (*end) {
        const char *nl = strchr(end, '\n');
        if (!nl || strncmp(nl + 1, "SF:", 3) != 0) {
            end = nl ? nl : end + strlen(end);
            break;
        }
        end = nl + 1;
    }
    return strndup(start, (size_t)(end - start));
}

static const struct {
    const char *pattern, *replacement;
} rewrites[] = {
    {"^Starting [^(]*\\([^)]*\\) at .*", "Starting"},
    {"^# [a-zA-Z]+ [0-9.]+ scan initiated .* as: ", "# initiated as: "},
    {"^<!-- [a-zA-Z]+ [0-9.]+ scan initiated .* as: ", "<!-- initiated as: "},
    {"[A-Z][a-z][a-z] [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} [0-9]{4}", "DATE"},
    {"scanned in [0-9.]+ seconds", "scanned in T seconds"},
    {"\\([0-9.]+s latency\\)", "(L latency)"},
    {" at [0-9]{2}:[0-9]{2}", " at HH:MM"},
    {", [0-9.]+s elapsed", ", Ns elapsed"},
    {" start=\"[0-9]+\"", " start=\"N\""},
    {" starttime=\"[0-9]+\" endtime=\"[0-9]+\"", " starttime=\"N\" endtime=\"N\""},
    {" time=\"[0-9]+\"", " time=\"N\""},
    {" elapsed=\"[0-9.]+\"", " elapsed=\"E\""},
    {"<times srtt=\"[0-9]+\" rttvar=\"[0-9]+\" to=\"[0-9]+\"", "<times"},
    {"href=\"[^\"]*\"", "href=\"H\""},
    {"%D=[0-9]+/[0-9]+%Time=[0-9A-F]+%", "%D=M/D%Time=T%"},
};

/* Lines other parts of cmap write (the engine's progress, NSE). */
static bool foreign_line(const char *line)
{
    static const char *const prefixes[] = {
        "Initiating ", "Completed ", "Scanning ", "Discovered open port", "           Raw packets",
        "<taskbegin ", "<taskend ",  "NSE: "};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (strncmp(line, prefixes[i], strlen(prefixes[i])) == 0) return true;
    return false;
}

static void rewrite_line(char *line, size_t cap)
{
    for (size_t r = 0; r < sizeof rewrites / sizeof rewrites[0]; r++) {
        regex_t re;
        assert_int_equal(regcomp(&re, rewrites[r].pattern, REG_EXTENDED), 0);
        regmatch_t m;
        size_t from = 0;
        while (from < strlen(line) &&
               regexec(&re, line + from, 1, &m, from ? REG_NOTBOL : 0) == 0) {
            static char rest[16384];
            size_t start = from + (size_t)m.rm_so, end = from + (size_t)m.rm_eo;
            snprintf(rest, sizeof rest, "%s", line + end);
            snprintf(line + start, cap - start, "%s%s", rewrites[r].replacement, rest);
            from = start + strlen(rewrites[r].replacement);
            if (m.rm_eo == m.rm_so) break;
        }
        regfree(&re);
    }
}

static char *normalise(const char *text, bool keep_tasks)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        static char line[16384];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        if (keep_tasks || !foreign_line(line)) {
            rewrite_line(line, sizeof line);
            fprintf(mem, "%s\n", line);
        }
        p += n + (p[n] == '\n');
    }
    fclose(mem);
    return out;
}

/* ---- the results nmap found -------------------------------------------- */

struct svc_spec {
    uint16_t port;
    const char *table; /* nmap-services name */
    const char *name, *product, *version, *extrainfo, *hostname, *ostype, *devicetype;
    const char *cpe[3];
    bool probed, ssl, tcpwrapped, rpc, fingerprint;
    uint8_t conf;
};

#define POSTFIX_JUNK                                                                               \
    "A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" "  \
    "A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" "  \
    "A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\" A/B<x>&\"q\""

static const struct svc_spec specs[] = {
    {21, "ftp", "ftp", "HP JetDirect ftpd", .devicetype = "print server", .probed = true,
     .conf = 10},
    {22, "ssh", "ssh", "OpenSSH", "9.2p1 Debian 2+deb12u3", "protocol 2.0", .ostype = "Linux",
     .cpe = {"cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel"}, .probed = true,
     .conf = 10},
    {25, "smtp", "smtp", "Postfix smtpd", .hostname = " mail.example.org",
     .cpe = {"cpe:/a:postfix:postfix"}, .probed = true, .conf = 10},
    {26, NULL, "smtp", "Postfix smtpd", "3.7.11", POSTFIX_JUNK, .hostname = "mx.example.org",
     .cpe = {"cpe:/a:postfix:postfix:3.7.11"}, .probed = true, .conf = 10},
    {80, "http", "http", "SimpleHTTPServer", "0.6", "Python 3.11.2",
     .cpe = {"cpe:/a:python:simplehttpserver:0.6"}, .probed = true, .conf = 10},
    {111, "rpcbind", "rpcbind", .rpc = true, .probed = true, .conf = 10},
    {443, "https", "http", "SimpleHTTPServer", "0.6", "Python 3.11.2",
     .cpe = {"cpe:/a:python:simplehttpserver:0.6"}, .probed = true, .ssl = true, .conf = 10},
    {2121, "ccproxy-ftp", "ftp", "Microsoft ftpd", .ostype = "Windows",
     .cpe = {"cpe:/a:microsoft:ftp_service", "cpe:/o:microsoft:windows"}, .probed = true,
     .conf = 10},
    {7777, "cbt", .tcpwrapped = true, .probed = true, .conf = 8},
    {8888, "sun-answerbook", "sun-answerbook", .fingerprint = true, .conf = 3},
    {9999, "abyss", "abyss", .fingerprint = true, .conf = 3},
};

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static struct service_info *svc_from(const struct svc_spec *s, const char *fixture_normal)
{
    struct service_info *svc = calloc(1, sizeof *svc);
    svc->name = dup_or_null(s->name);
    svc->product = dup_or_null(s->product);
    svc->version = dup_or_null(s->version);
    svc->extrainfo = dup_or_null(s->extrainfo);
    svc->hostname = dup_or_null(s->hostname);
    svc->ostype = dup_or_null(s->ostype);
    svc->devicetype = dup_or_null(s->devicetype);
    for (size_t i = 0; i < 3 && s->cpe[i]; i++)
        svc->n_cpe = i + 1;
    svc->cpe = calloc(svc->n_cpe + 1, sizeof *svc->cpe);
    for (size_t i = 0; i < svc->n_cpe; i++)
        svc->cpe[i] = strdup(s->cpe[i]);
    svc->method = s->probed ? SVC_METHOD_PROBED : SVC_METHOD_TABLE;
    svc->conf = s->conf;
    svc->ssl_tunnel = s->ssl;
    svc->tcpwrapped = s->tcpwrapped;
    if (s->rpc) svc->rpc = true, svc->rpc_program = 100000, svc->rpc_low = 2, svc->rpc_high = 4;
    if (s->fingerprint) svc->fingerprint = fingerprint_of(fixture_normal, s->port);
    return svc;
}

struct world {
    struct plan plan;
    struct run run;
    struct host host;
    uint16_t scan[32];
    char *command;
};

static const struct svc_spec *spec_of(uint16_t port)
{
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        if (specs[i].port == port) return &specs[i];
    fail_msg("no spec for port %u", port);
    return NULL;
}

/* The command line nmap recorded, its -p list and its options. */
static void build_world(struct world *w, const char *name)
{
    memset(w, 0, sizeof *w);
    char *normal = read_fixture(name, "nmap");
    const char *as = strstr(normal, " as: ");
    assert_non_null(as);
    as += 5;
    w->command = strndup(as, strcspn(as, "\n"));
    w->plan.command_line = w->command;
    w->plan.version_scan = true;
    w->plan.tcp_scan = TCP_SCAN_SYN;
    w->plan.verbosity = strstr(w->command, " -v ") ? 1 : 0;
    w->plan.reason = strstr(w->command, " --reason ") != NULL;
    w->plan.services_path = "/usr/bin/../share/nmap/nmap-services";
    const char *list = strstr(w->command, " -p ");
    assert_non_null(list);
    list += 4;
    size_t n = 0;
    while (*list && *list != ' ') {
        char *end;
        w->scan[n++] = (uint16_t)strtoul(list, &end, 10);
        list = *end == ',' ? end + 1 : end;
    }
    w->plan.ports.ports[PROTO_TCP] = w->scan;
    w->plan.ports.count[PROTO_TCP] = n;
    w->run.plan = &w->plan;
    w->run.start_time.tv_sec = 1795360000;
    w->run.end_time.tv_sec = 1795360165;
    w->run.hosts_total = w->run.hosts_up = 1;
    struct host *h = &w->host;
    assert_int_equal(net_addr_parse("127.0.0.1", AF_UNSPEC, &h->addr), 0);
    h->state = HOST_STATE_UP;
    h->reason = REASON_LOCALHOST_RESPONSE;
    h->rdns = "localhost";
    h->start_time.tv_sec = 1795360000;
    h->end_time.tv_sec = 1795360165;
    h->have_times = true;
    h->srtt_us = 21, h->rttvar_us = 302, h->timeout_us = 100000;
    h->ports = calloc(n, sizeof *h->ports);
    h->n_ports = n;
    for (size_t i = 0; i < n; i++) {
        struct port_result *p = &h->ports[n - 1 - i]; /* scan order is not output order */
        const struct svc_spec *s = spec_of(w->scan[i]);
        p->port = s->port;
        p->proto = PROTO_TCP;
        p->state = PORT_OPEN;
        p->reason = REASON_SYN_ACK;
        p->reason_ttl = 64;
        p->service = s->table;
        p->svc = svc_from(s, normal);
    }
    free(normal);
}

static void free_world(struct world *w)
{
    for (size_t i = 0; i < w->host.n_ports; i++)
        service_info_free(w->host.ports[i].svc);
    free(w->host.ports);
    free(w->command);
}

static char *render(const struct writer_ops *ops, bool interactive, struct world *world)
{
    char *buf = NULL;
    size_t len = 0;
    struct writer w = {.ops = ops, .fp = open_memstream(&buf, &len), .interactive = interactive};
    assert_non_null(w.fp);
    assert_int_equal(ops->run_begin(&w, &world->run), 0);
    assert_int_equal(ops->host_done(&w, &world->run, &world->host), 0);
    assert_int_equal(ops->run_end(&w, &world->run), 0);
    if (ops->destroy) ops->destroy(&w);
    fclose(w.fp);
    return buf;
}

static void compare(const char *name, const char *ext, const struct writer_ops *ops,
                    bool interactive)
{
    struct world w;
    build_world(&w, name);
    char *expected_raw = read_fixture(name, ext), *actual_raw = render(ops, interactive, &w);
    char *expected = normalise(expected_raw, false), *actual = normalise(actual_raw, false);
    if (strcmp(expected, actual) != 0)
        print_error("%s.%s differs\n--- nmap\n%s--- cmap\n%s", name, ext, expected, actual);
    assert_string_equal(expected, actual);
    free(expected), free(actual), free(expected_raw), free(actual_raw);
    free_world(&w);
}

/* 11 ports: long extrainfo cut at 159 bytes, '/' in grepable, ssl/,
 * tcpwrapped, RPC, two fingerprints, Hosts/OSs/Device/CPE. */
static void plain_scan_matches_nmap(void **state)
{
    (void)state;
    compare("sv", "nmap", &normal_writer_ops, false);
    compare("sv", "stdout", &normal_writer_ops, true);
    compare("sv", "xml", &xml_writer_ops, false);
    compare("sv", "gnmap", &grepable_writer_ops, false);
}

/* -v --reason: REASON before VERSION, one fingerprint (singular text). */
static void verbose_reason_scan_matches_nmap(void **state)
{
    (void)state;
    compare("svv", "nmap", &normal_writer_ops, false);
    compare("svv", "stdout", &normal_writer_ops, true);
    compare("svv", "xml", &xml_writer_ops, false);
    compare("svv", "gnmap", &grepable_writer_ops, false);
}

/* ---- the "Service scan" task ------------------------------------------- */

static char *lines_with(const char *text, const char *const *prefixes, size_t n)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    for (const char *p = text; *p;) {
        size_t k = strcspn(p, "\n");
        for (size_t i = 0; i < n; i++)
            if (strncmp(p, prefixes[i], strlen(prefixes[i])) == 0) {
                fprintf(mem, "%.*s\n", (int)k, p);
                break;
            }
        p += k + (p[k] == '\n');
    }
    fclose(mem);
    char *norm = normalise(out, true);
    free(out);
    return norm;
}

static char *render_task(const struct writer_ops *ops, struct world *world, size_t services)
{
    char *buf = NULL;
    size_t len = 0;
    struct writer w = {.ops = ops, .fp = open_memstream(&buf, &len), .interactive = true};
    struct task_event t = {.name = "Service scan",
                           .time = world->run.start_time,
                           .n_hosts = 1,
                           .host = &world->host,
                           .n_services = services};
    assert_int_equal(ops->task_begin(&w, &world->run, &t), 0);
    t.elapsed = 161.15;
    assert_int_equal(ops->task_end(&w, &world->run, &t), 0);
    fclose(w.fp);
    return buf;
}

static void service_scan_task_lines_match_nmap(void **state)
{
    (void)state;
    struct world w;
    build_world(&w, "svv");
    static const char *const text_prefixes[] = {"Initiating Service scan", "Scanning 7 services",
                                                "Completed Service scan"};
    static const char *const xml_prefixes[] = {"<taskbegin task=\"Service scan\"",
                                               "<taskend task=\"Service scan\""};
    char *fixture = read_fixture("svv", "stdout");
    char *want = lines_with(fixture, text_prefixes, 3);
    char *got_raw = render_task(&normal_writer_ops, &w, 7), *got = normalise(got_raw, true);
    assert_string_equal(want, got);
    free(fixture), free(want), free(got_raw), free(got);
    fixture = read_fixture("svv", "xml");
    want = lines_with(fixture, xml_prefixes, 2);
    got_raw = render_task(&xml_writer_ops, &w, 7), got = normalise(got_raw, true);
    assert_string_equal(want, got);
    free(fixture), free(want), free(got_raw), free(got);
    /* One service on one host, as nmap -sV -v -p 22 prints it. */
    got_raw = render_task(&normal_writer_ops, &w, 1), got = normalise(got_raw, true);
    assert_string_equal(got, "Initiating Service scan at HH:MM\n"
                             "Scanning 1 service on localhost (127.0.0.1)\n"
                             "Completed Service scan at HH:MM, Ns elapsed (1 service on 1 host)\n");
    free(got_raw), free(got);
    free_world(&w);
}

/* ---- the VERSION text --------------------------------------------------- */

static char *repeat(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

static void full_version(const char *product, const char *version, const char *extra, char *buf)
{
    struct service_info s = {
        .product = (char *)product, .version = (char *)version, .extrainfo = (char *)extra};
    svc_full_version(&s, buf);
}

static void version_text_truncation(void **state)
{
    (void)state;
    char buf[SVC_VERSION_MAX];
    full_version("OpenSSH", "9.2p1 Debian 2+deb12u3", "protocol 2.0", buf);
    assert_string_equal(buf, "OpenSSH 9.2p1 Debian 2+deb12u3 (protocol 2.0)");
    full_version(NULL, NULL, "RPC #1", buf);
    assert_string_equal(buf, "(RPC #1)");
    full_version(NULL, "1.0", NULL, buf);
    assert_string_equal(buf, "1.0");
    svc_full_version(NULL, buf);
    assert_string_equal(buf, "");
    /* A product longer than the line is cut with "...", and nothing
     * follows it. */
    char *p200 = repeat('p', 200);
    full_version(p200, "1.0", "x", buf);
    assert_int_equal(strlen(buf), 159);
    assert_memory_equal(buf + 156, "...", 3);
    /* Fewer than 8 bytes left: the next part is left out. */
    char *p152 = repeat('p', 152);
    full_version(p152, "1.0", "x", buf);
    assert_string_equal(buf + 152, "");
    char *p151 = repeat('p', 151);
    full_version(p151, "1.0", "x", buf);
    assert_string_equal(buf + 151, " 1.0");
    /* extrainfo is cut inside its parentheses ... */
    char *e200 = repeat('e', 200);
    full_version("P", NULL, e200, buf);
    assert_int_equal(strlen(buf), 159);
    assert_memory_equal(buf + 154, "e...)", 5);
    /* ... and one that fills the line exactly stays open, as nmap's. */
    char *e155 = repeat('e', 155), *e154 = repeat('e', 154);
    full_version("P", NULL, e155, buf);
    assert_int_equal(strlen(buf), 158);
    assert_int_equal(buf[157], 'e');
    full_version("P", NULL, e154, buf);
    assert_int_equal(strlen(buf), 158);
    assert_int_equal(buf[157], ')');
    free(p200), free(p152), free(p151), free(e200), free(e155), free(e154);
}

static void service_names(void **state)
{
    (void)state;
    char buf[SVC_NAME_MAX];
    struct service_info s = {.conf = 10};
    struct port_result p = {.port = 80, .state = PORT_OPEN, .service = "http"};
    svc_port_name(&p, false, buf); /* no -sV: never a guess mark */
    assert_string_equal(buf, "http");
    svc_port_name(&p, true, buf); /* -sV found nothing: a guess */
    assert_string_equal(buf, "http?");
    p.state = PORT_CLOSED; /* only open ports are guesses */
    svc_port_name(&p, true, buf);
    assert_string_equal(buf, "http");
    p.state = PORT_OPEN;
    p.svc = &s;
    s.ssl_tunnel = true;
    svc_port_name(&p, true, buf);
    assert_string_equal(buf, "ssl/http");
    s.ssl_tunnel = false;
    p.service = NULL;
    svc_port_name(&p, true, buf);
    assert_string_equal(buf, "unknown");
    char *long_name = repeat('n', 63);
    s.name = long_name;
    svc_port_name(&p, true, buf); /* does not fit in nmap's 64 bytes with ssl/ */
    assert_string_equal(buf, long_name);
    s.ssl_tunnel = true;
    svc_port_name(&p, true, buf);
    assert_string_equal(buf, "");
    free(long_name);
}

static void sanitized_like_nmap(void **state)
{
    (void)state;
    struct service_info *s = calloc(1, sizeof *s);
    s->product = repeat('p', 100);
    s->version = strdup("1.0\r\n\x1b[31m\xc3\xa9");
    s->extrainfo = repeat('e', 300);
    s->ostype = repeat('o', 40);
    s->devicetype = strdup("dev\x7f");
    s->cpe = calloc(1, sizeof *s->cpe);
    s->cpe[0] = repeat('c', 90);
    s->n_cpe = 1;
    svc_sanitize(s);
    assert_int_equal(strlen(s->product), 80);
    assert_string_equal(s->version, "1.0...[31m..");
    assert_int_equal(strlen(s->extrainfo), 256);
    assert_int_equal(strlen(s->ostype), 32);
    assert_string_equal(s->devicetype, "dev.");
    assert_null(s->hostname);
    assert_int_equal(strlen(s->cpe[0]), 80);
    service_info_free(s);
}

/* ---- Service Info ------------------------------------------------------ */

static char *info_line(const struct host *h)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    svc_put_info_line(fp, h);
    fclose(fp);
    return buf;
}

static void service_info_rules(void **state)
{
    (void)state;
    char *c1[] = {"cpe:/a:x:y", "cpe:/h:cisco:router"}, *c2[] = {"cpe:/h:cisco:router"};
    struct service_info s[4] = {
        {.hostname = "LOCALHOST", .ostype = "IOS", .cpe = c1, .n_cpe = 2},
        {.hostname = "gw", .ostype = "IOS", .devicetype = "router", .cpe = c2, .n_cpe = 1},
        {.hostname = "GW", .devicetype = "switch"},
        {.hostname = "closed-port", .ostype = "Other"},
    };
    struct port_result ports[4] = {
        {.port = 23, .state = PORT_OPEN, .svc = &s[1]},
        {.port = 22, .state = PORT_OPEN, .svc = &s[0]},
        {.port = 80, .state = PORT_OPEN, .svc = &s[2]},
        {.port = 81, .state = PORT_CLOSED, .svc = &s[3]},
    };
    struct host h = {.rdns = "localhost", .ports = ports, .n_ports = 4};
    char *line = info_line(&h);
    assert_string_equal(line, "Service Info: Host: gw; OS: IOS; Devices: router, switch; CPE: "
                              "cpe:/h:cisco:router\n");
    free(line);
    h.n_ports = 0;
    line = info_line(&h);
    assert_string_equal(line, "");
    free(line);
}

/* ---- hostile banners --------------------------------------------------- */

static struct service_info *hostile_svc(void)
{
    struct service_info *s = calloc(1, sizeof *s);
    s->name = strdup("ht\x1b[2Jtp");
    s->product = strdup("Evil\x1b]0;title\x07 <p>--x</p> & \"q\"");
    s->version = strdup("1.0\r\n\x01");
    s->extrainfo = strdup("a/b\xff\xfe");
    s->hostname = strdup("host\x1b[31m");
    s->ostype = strdup("OS\x9b"
                       "1m");
    s->cpe = calloc(1, sizeof *s->cpe);
    s->cpe[0] = strdup("cpe:/o:x:<y>\x02");
    s->n_cpe = 1;
    s->method = SVC_METHOD_PROBED;
    s->conf = 10;
    s->fingerprint = strdup("SF-Port1-TCP:V=7.93%r(NULL,4,\"--&x\")\nSF:%r(Help,1,\"\x1b\");");
    return s;
}

static void hostile_world(struct world *w)
{
    build_world(w, "svv");
    for (size_t i = 0; i < w->host.n_ports; i++) {
        service_info_free(w->host.ports[i].svc);
        w->host.ports[i].svc = hostile_svc();
    }
}

static void hostile_banners_stay_inert(void **state)
{
    (void)state;
    struct world w;
    hostile_world(&w);
    const struct writer_ops *ops[] = {&normal_writer_ops, &grepable_writer_ops};
    for (size_t k = 0; k < 2; k++) {
        char *out = render(ops[k], true, &w);
        for (const unsigned char *p = (const unsigned char *)out; *p; p++)
            if (*p != '\n' && (*p != '\t' || k == 0) && (*p < 0x20 || *p >= 0x7f))
                fail_msg("raw byte 0x%02x from the %s writer", *p, ops[k]->name);
        if (k == 0) {
            assert_non_null(strstr(out, "ht\\x1b[2Jtp "));
            assert_non_null(strstr(out, "Evil\\x1b]0;title\\x07 <p>--x</p> & \"q\" "
                                        "1.0\\x0d\\x0a\\x01 (a/b\\xff\\xfe)"));
            assert_non_null(strstr(out, "Service Info: Host: host\\x1b[31m; OS: OS\\x9b1m; "
                                        "CPE: cpe:/o:x:<y>\\x02\n"));
        } else {
            assert_non_null(strstr(out, "//ht\\x1b[2Jtp//Evil\\x1b]0;title\\x07 <p>--x<|p>"));
        }
        free(out);
    }
    free_world(&w);
}

/* ---- validation against nmap.dtd and the JSON schema -------------------- */

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

static int run_on_temp(const char *text, const char *command_fmt)
{
    char path[] = "/tmp/cmap-test-svo-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    write_file(path, text);
    char cmd[1024];
    snprintf(cmd, sizeof cmd, command_fmt, path);
    int rc = system(cmd);
    unlink(path);
    return rc;
}

#define NMAP_DTD "/usr/share/nmap/nmap.dtd"

static void xml_is_valid_against_nmap_dtd(void **state)
{
    (void)state;
    if (access(NMAP_DTD, R_OK) != 0 || system("command -v xmllint >/dev/null 2>&1") != 0) skip();
    struct world w;
    build_world(&w, "sv");
    char *doc = render(&xml_writer_ops, false, &w);
    assert_int_equal(run_on_temp(doc, "xmllint --noout --dtdvalid " NMAP_DTD " %s"), 0);
    free(doc);
    free_world(&w);
    /* Hostile text stays well formed and valid, and readable as XML. */
    hostile_world(&w);
    doc = render(&xml_writer_ops, false, &w);
    assert_int_equal(run_on_temp(doc, "xmllint --noout --dtdvalid " NMAP_DTD " %s"), 0);
    assert_non_null(strstr(doc, "product=\"Evil\\x1b]0;title\\x07 &lt;p&gt;-&#45;x&lt;/p&gt; "
                                "&amp; &quot;q&quot;\""));
    /* nmap cuts servicefp at a '&' no ';' follows: here the last ';' ends it. */
    assert_non_null(strstr(doc, "servicefp=\"SF-Port1-TCP:V=7.93%r(NULL,4,&quot;-&#45;&amp;x&quot;)"
                                "%r(Help,1,&quot;\\x1b&quot;);\""));
    free(doc);
    free_world(&w);
}

static const char schema_check[] =
    "import json, sys, jsonschema\n"
    "schema = json.load(open(sys.argv[1]))\n"
    "jsonschema.Draft202012Validator.check_schema(schema)\n"
    "doc = json.load(open(sys.argv[2]))\n"
    "jsonschema.Draft202012Validator(schema).validate(doc)\n"
    "ports = {p['portid']: p.get('service') for p in doc['hosts'][0]['ports']['port']}\n"
    "assert ports[22]['cpe'] == ['cpe:/a:openbsd:openssh:9.2p1', 'cpe:/o:linux:linux_kernel']\n"
    "assert ports[22]['version'] == '9.2p1 Debian 2+deb12u3'\n"
    "assert ports[443]['tunnel'] == 'ssl'\n"
    "assert ports[111]['rpcnum'] == 100000 and ports[111]['version'] == '2-4'\n"
    "assert ports[7777] == {'name': 'tcpwrapped', 'method': 'probed', 'conf': 8}\n"
    "assert '\\n' not in ports[8888]['servicefp']\n"
    "assert ports[8888]['servicefp'].endswith('zz\\\\xff\\\\xfe\");')\n";

static const char *schema_path(void)
{
    static char path[4200];
    snprintf(path, sizeof path, "%s/../../../../docs/cmap-json.schema.json", fixture_dir());
    return path;
}

static void json_carries_the_service_fields(void **state)
{
    (void)state;
    if (system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) skip();
    struct world w;
    build_world(&w, "sv");
    char *doc = render(&json_writer_ops, false, &w);
    char script[] = "/tmp/cmap-test-svo-py-XXXXXX";
    int fd = mkstemp(script);
    assert_true(fd >= 0);
    close(fd);
    write_file(script, schema_check);
    char fmt[8192];
    snprintf(fmt, sizeof fmt, "/usr/bin/python3 %s %s %%s", script, schema_path());
    int rc = run_on_temp(doc, fmt);
    unlink(script);
    if (rc != 0) fail_msg("JSON check failed for:\n%.4000s", doc);
    free(doc);
    free_world(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_scan_matches_nmap),
        cmocka_unit_test(verbose_reason_scan_matches_nmap),
        cmocka_unit_test(service_scan_task_lines_match_nmap),
        cmocka_unit_test(version_text_truncation),
        cmocka_unit_test(service_names),
        cmocka_unit_test(sanitized_like_nmap),
        cmocka_unit_test(service_info_rules),
        cmocka_unit_test(hostile_banners_stay_inert),
        cmocka_unit_test(xml_is_valid_against_nmap_dtd),
        cmocka_unit_test(json_carries_the_service_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
