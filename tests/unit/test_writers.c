// SPDX-License-Identifier: MIT
// The writers against nmap 7.93 itself: each scenario rebuilds by hand the
// result nmap produced in tests/unit/fixtures/writers (see regen.sh there),
// renders it with the normal, XML and grepable writers and with the
// interactive stdout writer, and compares line by line. Only what must
// differ is normalised away: dates, durations, latencies, the program-name
// header lines and the stylesheet path, plus lines the writers never
// produce (engine progress and warnings).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <libgen.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/plan.h"
#include "report/model.h"
#include "report/writer.h"

#define MAX_HOSTS 4
#define MAX_PORTS 70000

struct scenario {
    const char *name;
    const char *ports; /* -p as given to nmap, "" for -sL */
    int verbosity, debugging;
    bool reason, open_only, list_scan, skip_discovery;
    const char *addrs[MAX_HOSTS]; /* one host per address */
    bool down;                    /* discovery found nothing; otherwise up (or listed with -sL) */
    const char *target_name, *rdns;
    const char *other_addrs[3];
    bool timed_out;
};

static const struct scenario scenarios[] = {
    {.name = "basic", .ports = "1-100", .skip_discovery = true, .addrs = {"127.0.0.1"}},
    {.name = "reason",
     .ports = "1-100",
     .verbosity = 1,
     .reason = true,
     .skip_discovery = true,
     .addrs = {"127.0.0.1"}},
    {.name = "mixed",
     .ports = "22,80,1000-1030,2995-3009",
     .reason = true,
     .skip_discovery = true,
     .addrs = {"127.0.0.1"}},
    {.name = "folded",
     .ports = "22,1000-1030,2940-3009",
     .skip_discovery = true,
     .addrs = {"127.0.0.1"}},
    {.name = "ignored", .ports = "30-60", .skip_discovery = true, .addrs = {"127.0.0.1"}},
    {.name = "unnamed",
     .ports = "36,4,22",
     .reason = true,
     .skip_discovery = true,
     .addrs = {"127.0.0.1"}},
    {.name = "open",
     .ports = "1,2-10,22",
     .open_only = true,
     .skip_discovery = true,
     .addrs = {"127.0.0.1"}},
    {.name = "openless",
     .ports = "30-60",
     .open_only = true,
     .skip_discovery = true,
     .addrs = {"127.0.0.1"}},
    {.name = "list",
     .ports = "",
     .list_scan = true,

     .addrs = {"127.0.0.0", "127.0.0.1", "127.0.0.2", "127.0.0.3"}},
    {.name = "names",
     .ports = "22",
     .verbosity = 2,
     .reason = true,
     .skip_discovery = true,
     .addrs = {"127.0.0.1"},
     .target_name = "multi",
     .rdns = "localhost",
     .other_addrs = {"::1", "127.0.0.2", "127.0.0.3"}},
    {.name = "down", .ports = "22", .verbosity = 1, .down = true, .addrs = {"198.18.7.5"}},
    {.name = "timeout",
     .ports = "1-65535",
     .skip_discovery = true,
     .addrs = {"127.0.0.1"},
     .timed_out = true},
    {.name = "ipv6",
     .ports = "22,80,443",
     .reason = true,
     .skip_discovery = true,
     .addrs = {"::1"}},
};

/* The lab behind the fixtures: listeners on 22 and 80, 1000-1999 dropped,
 * 3000-3009 rejected with host-unreachable, everything else closed. */
static void classify(struct port_result *p)
{
    if (p->port == 22 || p->port == 80)
        p->state = PORT_OPEN, p->reason = REASON_SYN_ACK;
    else if (p->port >= 1000 && p->port <= 1999)
        p->state = PORT_FILTERED, p->reason = REASON_NO_RESPONSE;
    else if (p->port >= 3000 && p->port <= 3009)
        p->state = PORT_FILTERED, p->reason = REASON_HOST_UNREACH;
    else
        p->state = PORT_CLOSED, p->reason = REASON_CONN_REFUSED;
}

/* nmap-services names for the ports the fixtures list; 36 has none. */
static const char *service_of(uint16_t port)
{
    static const struct {
        uint16_t port;
        const char *name;
    } names[] = {{4, "unknown"},  {22, "ssh"},           {80, "http"},
                 {443, "https"},  {2995, "idrs"},        {2996, "vsixml"},
                 {2997, "rebol"}, {2998, "iss-realsec"}, {2999, "remoteware-un"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].port == port) return names[i].name;
    return port == 36 ? NULL : "other";
}

static size_t parse_ports(const char *spec, uint16_t *out)
{
    size_t n = 0;
    const char *p = spec;
    while (*p) {
        char *end;
        unsigned long lo = strtoul(p, &end, 10), hi = lo;
        if (*end == '-') hi = strtoul(end + 1, &end, 10);
        for (unsigned long v = lo; v <= hi && n < MAX_PORTS; v++)
            out[n++] = (uint16_t)v;
        p = *end == ',' ? end + 1 : end;
    }
    return n;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    int c;
    while ((c = fgetc(fp)) != EOF)
        fputc(c, mem);
    fclose(fp);
    fclose(mem);
    return buf;
}

/* __FILE__ is relative to the build root, where meson runs the compiler
 * and the tests; from elsewhere, find the build root from our own path
 * (<build>/tests/unit/test_writers). CMAP_WRITER_FIXTURES overrides. */
static const char *fixture_dir(void)
{
    static char dir[4096];
    const char *env = getenv("CMAP_WRITER_FIXTURES");
    if (env) return env;
    char file[2048], exe[2048] = "";
    snprintf(file, sizeof file, "%s", __FILE__);
    snprintf(dir, sizeof dir, "%s/fixtures/writers", dirname(file));
    if (dir[0] == '/' || access(dir, R_OK) == 0) return dir;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) exe[n] = '\0';
    snprintf(file, sizeof file, "%s", __FILE__);
    snprintf(dir, sizeof dir, "%s/../../%s/fixtures/writers", dirname(exe), dirname(file));
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

/* The command line nmap recorded ("nmap -sT ..."), so args= match. */
static char *command_of(const char *fixture_nmap)
{
    const char *as = strstr(fixture_nmap, " as: ");
    assert_non_null(as);
    as += 5;
    return strndup(as, strcspn(as, "\n"));
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
    {"Scanned at .* for [0-9]+s", "Scanned at X"},
    {" start=\"[0-9]+\"", " start=\"N\""},
    {" starttime=\"[0-9]+\" endtime=\"[0-9]+\"", " starttime=\"N\" endtime=\"N\""},
    {" time=\"[0-9]+\"", " time=\"N\""},
    {" elapsed=\"[0-9.]+\"", " elapsed=\"E\""},
    {"<times srtt=\"[0-9]+\" rttvar=\"[0-9]+\" to=\"[0-9]+\"", "<times"},
    {"href=\"[^\"]*\"", "href=\"H\""},
};

/* Lines only the scan engine writes (progress, warnings): not the
 * writers' business. */
static bool engine_line(const char *line)
{
    static const char *const prefixes[] = {"Warning: ",
                                           "Initiating ",
                                           "Completed ",
                                           "Scanning ",
                                           "Discovered open port",
                                           "           Raw packets",
                                           "<taskbegin ",
                                           "<taskend ",
                                           "<taskprogress "};
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
            char rest[8192];
            size_t start = from + (size_t)m.rm_so, end = from + (size_t)m.rm_eo;
            snprintf(rest, sizeof rest, "%s", line + end);
            snprintf(line + start, cap - start, "%s%s", rewrites[r].replacement, rest);
            from = start + strlen(rewrites[r].replacement);
            if (m.rm_eo == m.rm_so) break;
        }
        regfree(&re);
    }
}

static char *normalise(const char *text)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    const char *p = text;
    while (*p) {
        size_t n = strcspn(p, "\n");
        char line[8192];
        snprintf(line, sizeof line, "%.*s", (int)n, p);
        if (!engine_line(line)) {
            rewrite_line(line, sizeof line);
            fprintf(mem, "%s\n", line);
        }
        p += n + (p[n] == '\n');
    }
    fclose(mem);
    return out;
}

struct world {
    struct plan plan;
    struct run run;
    struct host hosts[MAX_HOSTS];
    size_t n_hosts;
    struct net_addr others[3];
    uint16_t *scan_ports;
};

static void build_host(struct world *w, const struct scenario *s, size_t i)
{
    struct host *h = &w->hosts[i];
    assert_int_equal(net_addr_parse(s->addrs[i], AF_UNSPEC, &h->addr), 0);
    h->state = s->list_scan ? HOST_STATE_UNKNOWN : s->down ? HOST_STATE_DOWN : HOST_STATE_UP;
    h->reason = h->state == HOST_STATE_DOWN ? REASON_NO_RESPONSE : REASON_USER_SET;
    h->target_name = (char *)s->target_name;
    h->rdns = (char *)s->rdns;
    for (size_t k = 0; k < 3 && s->other_addrs[k]; k++) {
        assert_int_equal(net_addr_parse(s->other_addrs[k], AF_UNSPEC, &w->others[k]), 0);
        h->n_other_addrs = k + 1;
    }
    h->other_addrs = w->others;
    h->start_time.tv_sec = 1795360000;
    h->end_time.tv_sec = 1795360000;
    h->timed_out = s->timed_out;
    if (h->state != HOST_STATE_UP) return;
    h->have_times = true;
    h->srtt_us = 88, h->rttvar_us = 500, h->timeout_us = 100000;
    if (s->timed_out) return;
    size_t n = w->plan.ports.count[PROTO_TCP];
    h->ports = calloc(n, sizeof *h->ports);
    for (size_t k = 0; k < n; k++) {
        struct port_result *p = &h->ports[n - 1 - k]; /* scan order is not output order */
        p->port = w->scan_ports[k];
        p->proto = PROTO_TCP;
        classify(p);
        p->service = service_of(p->port);
    }
    h->n_ports = n;
}

static void build_world(struct world *w, const struct scenario *s, char *command)
{
    memset(w, 0, sizeof *w);
    w->scan_ports = calloc(MAX_PORTS, sizeof *w->scan_ports);
    w->plan.command_line = command;
    w->plan.list_scan = s->list_scan;
    w->plan.skip_discovery = s->skip_discovery;
    w->plan.tcp_scan = s->list_scan ? TCP_SCAN_NONE : TCP_SCAN_CONNECT;
    w->plan.verbosity = s->verbosity;
    w->plan.debugging = s->debugging;
    w->plan.reason = s->reason;
    w->plan.open_only = s->open_only;
    w->plan.services_path = s->list_scan ? NULL : "/usr/bin/../share/nmap/nmap-services";
    w->plan.ports.ports[PROTO_TCP] = w->scan_ports;
    w->plan.ports.count[PROTO_TCP] = parse_ports(s->ports, w->scan_ports);
    w->run.plan = &w->plan;
    w->run.start_time.tv_sec = 1795360000;
    w->run.end_time.tv_sec = 1795360001;
    while (w->n_hosts < MAX_HOSTS && s->addrs[w->n_hosts]) {
        build_host(w, s, w->n_hosts);
        w->run.hosts_total++;
        if (w->hosts[w->n_hosts].state == HOST_STATE_UP) w->run.hosts_up++;
        w->n_hosts++;
    }
}

static void free_world(struct world *w)
{
    for (size_t i = 0; i < w->n_hosts; i++)
        free(w->hosts[i].ports);
    free(w->scan_ports);
}

static char *render(const struct writer_ops *ops, bool interactive, struct world *world)
{
    char *buf = NULL;
    size_t len = 0;
    struct writer w = {.ops = ops, .fp = open_memstream(&buf, &len), .interactive = interactive};
    assert_non_null(w.fp);
    assert_int_equal(ops->run_begin(&w, &world->run), 0);
    for (size_t i = 0; i < world->n_hosts; i++)
        assert_int_equal(ops->host_done(&w, &world->run, &world->hosts[i]), 0);
    assert_int_equal(ops->run_end(&w, &world->run), 0);
    if (ops->destroy) ops->destroy(&w);
    fclose(w.fp);
    return buf;
}

static void compare(const struct scenario *s, const char *ext, const struct writer_ops *ops,
                    bool interactive)
{
    char *nmap_normal = read_fixture(s->name, "nmap");
    char *expected_raw = read_fixture(s->name, ext);
    struct world w;
    build_world(&w, s, command_of(nmap_normal));
    char *actual_raw = render(ops, interactive, &w);
    char *expected = normalise(expected_raw), *actual = normalise(actual_raw);
    if (strcmp(expected, actual) != 0)
        print_error("%s.%s differs\n--- nmap\n%s--- cmap\n%s", s->name, ext, expected, actual);
    assert_string_equal(expected, actual);
    free(expected), free(actual), free(expected_raw), free(actual_raw), free(nmap_normal);
    free(w.plan.command_line);
    free_world(&w);
}

static void matches_nmap(void **state)
{
    const struct scenario *s = *state;
    compare(s, "nmap", &normal_writer_ops, false);
    compare(s, "xml", &xml_writer_ops, false);
    compare(s, "gnmap", &grepable_writer_ops, false);
    compare(s, "stdout", &normal_writer_ops, true);
}

/* The normalisation must not hide real differences: a changed port state
 * in the fixture text has to fail the comparison. */
static void normalisation_keeps_content(void **state)
{
    (void)state;
    char *a = normalise("22/tcp open  ssh\n# Nmap done at Sun Nov 22 15:19:08 2026 -- 1 IP address "
                        "(1 host up) scanned in 0.02 seconds\n");
    char *b =
        normalise("22/tcp closed ssh\n# Nmap done at Mon Nov 23 01:00:00 2026 -- 1 IP address "
                  "(1 host up) scanned in 9.99 seconds\n");
    assert_string_not_equal(a, b);
    assert_non_null(strstr(a, "# Nmap done at DATE -- 1 IP address (1 host up) scanned in T"));
    free(a), free(b);
}

#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

int main(void)
{
    struct CMUnitTest tests[N_SCENARIOS + 1] = {cmocka_unit_test(normalisation_keeps_content)};
    for (size_t i = 0; i < N_SCENARIOS; i++)
        tests[i + 1] = (struct CMUnitTest){.name = scenarios[i].name,
                                           .test_func = matches_nmap,
                                           .initial_state = (void *)&scenarios[i]};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
