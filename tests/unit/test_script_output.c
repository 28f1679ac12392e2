// SPDX-License-Identifier: MIT
// NSE results in every output format. The runs in fixtures/nse are nmap
// 7.93's own -oN and -oX files of scans with the lab's test scripts
// (tests/lab/nse/cmapout-*.nse, see fixtures/nse/README.md); each test
// fills the result model by hand with what those scripts returned and the
// writers must give back nmap's files byte for byte (only the program's
// name and version in the header differ). JSON has no nmap counterpart:
// its script members are checked here and validated against the schema
// (python3-jsonschema) in test_json and the lab tests.
#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/plan.h"
#include "report/kiddie.h"
#include "report/model.h"
#include "report/writer.h"

#define MAX_HOSTS 2
#define MAX_PORTS 40

struct world {
    struct plan plan;
    struct run run;
    struct host hosts[MAX_HOSTS];
    size_t n_hosts;
    struct port_result ports[MAX_HOSTS][MAX_PORTS];
    uint16_t scan_ports[MAX_PORTS];
    struct port_scripts port_scripts[MAX_PORTS];
    bool hint; /* nmap wrote a <hosthint> for the first host */
    char *command;
};

/* ---- what the lab's scripts return (tests/lab/nse/cmapout-*.nse) ---- */

#define LEAF(k, v) {.key = (k), .value = (v)}
#define TABLE(k, arr) {.key = (k), .children = (arr), .n_children = sizeof(arr) / sizeof(arr)[0]}

static struct script_elem deep[] = {LEAF(NULL, "deep"), LEAF(NULL, "er")};
static struct script_elem list[] = {LEAF(NULL, "one"), LEAF(NULL, "two"), TABLE(NULL, deep)};
static struct script_elem sub[] = {LEAF("key", "v"), {.key = "empty"}};
static struct script_elem nested[] = {LEAF("name", "value"), TABLE("list", list),
                                      TABLE("sub", sub)};
static struct script_elem z[] = {LEAF(NULL, "z")};
static struct script_elem xyz[] = {LEAF(NULL, "x"), LEAF(NULL, "y"), TABLE(NULL, z)};
static struct script_elem count[] = {LEAF("count", "3")};

#define NESTED_TEXT                                                                           \
    "\n  name: value\n  list: \n    one\n    two\n    \n      deep\n      er\n  sub: \n    key: " \
    "v\n    empty: "
#define SCRIPT(i, o) {.id = (i), .output = (o)}
#define SCRIPT_T(i, o, e) {.id = (i), .output = (o), .elems = (e), .n_elems = sizeof(e) / sizeof(e)[0]}

static struct script_result pre_ab[] = {SCRIPT("cmapout-b", "b pre"),
                                        SCRIPT_T("cmapout-a", NESTED_TEXT, nested)};
static struct script_result host_ba[] = {
    SCRIPT_T("cmapout-b", "\n  x\n  y\n  \n    z", xyz),
    SCRIPT("cmapout-a", "line one\n\nline three\n")};
static struct script_result post_ab[] = {SCRIPT_T("cmapout-a", "post text\nsecond", count),
                                         SCRIPT("cmapout-b", "b post")};
static struct script_result post_c[] = {SCRIPT("cmapout-c", "c post")};
static struct script_result host_c_empty[] = {SCRIPT("cmapout-c", "")};

/* Raw bytes from a script: a control byte and UTF-8 must come out as
 * nmap writes them ("\x01", "\xC3\xA9"). */
static struct script_result on21[] = {
    SCRIPT("cmapout-a", "a<b>&\"c'\ttab\x01"
                        "ctl \xc3\xa9 --x")};
static struct script_result on22[] = {SCRIPT("cmapout-a", "one line"),
                                      SCRIPT("cmapout-b", "b on 22")};
static struct script_result on25[] = {SCRIPT("cmapout-a", "trailing newline\n")};
static struct script_result on53[] = {SCRIPT("cmapout-a", "")};
static struct script_result on80[] = {
    SCRIPT("cmapout-a", "\nstarts with newline\n  indented\n\nafter empty")};
static struct script_result on443[] = {SCRIPT_T("cmapout-a", NESTED_TEXT, nested)};
static struct script_result udp_open_filtered[] = {SCRIPT("cmapout-c", "c open|filtered")};

/* ---- fixtures ---- */

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

/* __FILE__ is relative to the build root, where meson runs the tests;
 * from elsewhere, the build root is found from our own path. */
static char *read_fixture(const char *name, const char *ext)
{
    char file[2048], dir[4096], path[4400], exe[2048] = "";
    snprintf(file, sizeof file, "%s", __FILE__);
    snprintf(dir, sizeof dir, "%s/fixtures/nse", dirname(file));
    if (dir[0] != '/' && access(dir, R_OK) != 0) {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) exe[n] = '\0';
        snprintf(file, sizeof file, "%s", __FILE__);
        snprintf(dir, sizeof dir, "%s/../../%s/fixtures/nse", dirname(exe), dirname(file));
    }
    snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
    char *text = slurp(path);
    if (!text) fail_msg("cannot read fixture %s", path);
    return text;
}

/* The fixture without the engine's own lines (retransmission warnings),
 * which are no writer's business. */
static char *without_engine_lines(const char *text)
{
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        if (strncmp(p, "Warning: ", 9) != 0) fprintf(mem, "%.*s\n", (int)n, p);
        p += n + (p[n] == '\n');
    }
    fclose(mem);
    return out;
}

/* cmap names itself in the header lines; nmap's fixtures say "Nmap 7.93". */
static void rename_program(char *text)
{
    static const char *const from[] = {"# cmap 0.1.0 scan", "<!-- cmap 0.1.0 scan"};
    static const char *const to[] = {"# Nmap 7.93 scan", "<!-- Nmap 7.93 scan"};
    for (size_t i = 0; i < 2; i++) {
        char *at = strstr(text, from[i]);
        if (!at) continue;
        size_t lf = strlen(from[i]), lt = strlen(to[i]);
        memmove(at + lt, at + lf, strlen(at + lf) + 1);
        memcpy(at, to[i], lt);
    }
}

static char *command_of(const char *fixture_nmap)
{
    const char *as = strstr(fixture_nmap, " as: ");
    assert_non_null(as);
    as += 5;
    return strndup(as, strcspn(as, "\n"));
}

/* ---- the worlds ---- */

static void base_world(struct world *w, const char *fixture, time_t when, long usec_elapsed)
{
    memset(w, 0, sizeof *w);
    char *nmap = read_fixture(fixture, "nmap");
    w->command = command_of(nmap);
    free(nmap);
    w->plan.command_line = w->command;
    w->plan.stylesheet = "file:///usr/bin/../share/nmap/nmap.xsl";
    w->run.plan = &w->plan;
    w->run.start_time.tv_sec = w->run.end_time.tv_sec = when;
    w->run.end_time.tv_usec = usec_elapsed;
    w->run.script_scan = true;
}

static struct host *add_host(struct world *w, const char *ip, int64_t srtt, int64_t rttvar)
{
    struct host *h = &w->hosts[w->n_hosts++];
    net_addr_parse(ip, AF_INET, &h->addr);
    h->state = HOST_STATE_UP;
    h->start_time = h->end_time = w->run.start_time;
    h->end_time.tv_usec = 0;
    h->have_times = true;
    h->srtt_us = srtt, h->rttvar_us = rttvar, h->timeout_us = 100000;
    w->run.hosts_total++, w->run.hosts_up++;
    return h;
}

static void set_mac(struct host *h, const uint8_t mac[6])
{
    h->has_mac = true;
    memcpy(h->mac, mac, 6);
}

/* nmap -sT -Pn -n -p 21,22,25,53,80,443,6379 --script cmapout-a,cmapout-b */
static void custom_world(struct world *w)
{
    base_world(w, "custom", 1795391054, 100000);
    static const uint16_t ports[] = {21, 22, 25, 53, 80, 443, 6379};
    static const char *const names[] = {"ftp", "ssh", "smtp", "domain", "http", "https", "redis"};
    struct script_result *scripts[] = {on21, on22, on25, on53, on80, on443, NULL};
    size_t n_scripts[] = {1, 2, 1, 1, 1, 1, 0};
    size_t n = sizeof ports / sizeof ports[0];
    w->plan.tcp_scan = TCP_SCAN_CONNECT;
    w->plan.skip_discovery = true;
    memcpy(w->scan_ports, ports, sizeof ports);
    w->plan.ports.ports[PROTO_TCP] = w->scan_ports;
    w->plan.ports.count[PROTO_TCP] = n;
    struct host *h = add_host(w, "198.18.1.10", 517, 1336);
    h->reason = REASON_USER_SET;
    size_t np = 0;
    for (size_t i = 0; i < n; i++) {
        w->ports[0][i] = (struct port_result){.port = ports[i],
                                              .proto = PROTO_TCP,
                                              .state = PORT_OPEN,
                                              .reason = REASON_SYN_ACK,
                                              .service = names[i]};
        if (scripts[i])
            w->port_scripts[np++] = (struct port_scripts){
                .port = ports[i], .proto = PROTO_TCP, .scripts = scripts[i], .n_scripts = n_scripts[i]};
    }
    h->ports = w->ports[0];
    h->n_ports = n;
    h->port_scripts = w->port_scripts;
    h->n_port_scripts = np;
    h->host_scripts = host_ba, h->n_host_scripts = 2;
    w->run.pre_scripts = pre_ab, w->run.n_pre_scripts = 2;
    w->run.post_scripts = post_ab, w->run.n_post_scripts = 2;
}

/* nmap -sn -n --script cmapout-c (no hostrule result) on two hosts. */
static void sn_world(struct world *w)
{
    base_world(w, "sn_nohost", 1795391134, 200000);
    w->plan.ping_scan = true;
    static const uint8_t mac1[6] = {0x0e, 0xaa, 0xa3, 0xbc, 0x77, 0xf3};
    static const uint8_t mac2[6] = {0xc2, 0xd2, 0x75, 0xdf, 0x10, 0x29};
    struct host *h = add_host(w, "198.18.1.10", 30, 5000);
    h->reason = REASON_ARP_RESPONSE;
    set_mac(h, mac1);
    h = add_host(w, "198.18.1.2", 32, 5000);
    h->reason = REASON_ARP_RESPONSE;
    set_mac(h, mac2);
    w->run.post_scripts = post_c, w->run.n_post_scripts = 1;
}

/* nmap -sU -Pn -n -p 1-30,81 --script cmapout-c --script-args
 * cmapout-c.host=empty on a silent host: every port open|filtered and
 * folded, with a script result each that no format shows; an empty host
 * script output. */
static void udp_world(struct world *w)
{
    base_world(w, "udp_folded", 1795391159, 580000);
    w->plan.udp_scan = true;
    w->plan.skip_discovery = true;
    size_t n = 0;
    for (uint16_t p = 1; p <= 30; p++)
        w->scan_ports[n++] = p;
    w->scan_ports[n++] = 81;
    w->plan.ports.ports[PROTO_UDP] = w->scan_ports;
    w->plan.ports.count[PROTO_UDP] = n;
    static const uint8_t mac[6] = {0x0e, 0x1c, 0x55, 0x33, 0x74, 0xf5};
    struct host *h = add_host(w, "198.18.1.5", 29, 5000);
    h->reason = REASON_ARP_RESPONSE;
    set_mac(h, mac);
    for (size_t i = 0; i < n; i++) {
        w->ports[0][i] = (struct port_result){.port = w->scan_ports[i],
                                              .proto = PROTO_UDP,
                                              .state = PORT_OPEN_FILTERED,
                                              .reason = REASON_NO_RESPONSE};
        w->port_scripts[i] = (struct port_scripts){.port = w->scan_ports[i],
                                                   .proto = PROTO_UDP,
                                                   .scripts = udp_open_filtered,
                                                   .n_scripts = 1};
    }
    h->ports = w->ports[0];
    h->n_ports = n;
    h->port_scripts = w->port_scripts;
    h->n_port_scripts = n;
    h->host_scripts = host_c_empty, h->n_host_scripts = 1;
    w->run.post_scripts = post_c, w->run.n_post_scripts = 1;
    w->hint = true;
}

/* nmap -sn -n --script cmapout-e: a number as a prerule's result, an empty
 * table as a postrule's. No host phase ran, so nmap's host times are 0. */
static struct script_result pre_number[] = {
    {.id = "cmapout-e", .output = "42", .structured = true, .text = "42"}};
static struct script_result post_empty_table[] = {
    {.id = "cmapout-e", .output = "", .structured = true}};

static void edge_world(struct world *w)
{
    base_world(w, "edge", 1795392300, 310000);
    w->plan.ping_scan = true;
    static const uint8_t mac[6] = {0x1a, 0x73, 0x47, 0xe1, 0x14, 0xe6};
    struct host *h = add_host(w, "198.18.1.10", 38, 5000);
    h->reason = REASON_ARP_RESPONSE;
    h->start_time = h->end_time = (struct timeval){0};
    set_mac(h, mac);
    w->run.pre_scripts = pre_number, w->run.n_pre_scripts = 1;
    w->run.post_scripts = post_empty_table, w->run.n_post_scripts = 1;
}

/* Every event a run gives the writers, in nmap's order. */
static char *render(const struct writer_ops *ops, bool interactive, struct world *w)
{
    char *buf = NULL;
    size_t len = 0;
    struct writer wr = {.ops = ops, .fp = open_memstream(&buf, &len), .interactive = interactive};
    assert_int_equal(ops->run_begin(&wr, &w->run), 0);
    if (w->run.n_pre_scripts && ops->pre_scripts)
        assert_int_equal(ops->pre_scripts(&wr, &w->run), 0);
    if (w->hint && ops->host_hint)
        assert_int_equal(ops->host_hint(&wr, &w->run, &w->hosts[0], REASON_ARP_RESPONSE), 0);
    for (size_t i = 0; i < w->n_hosts; i++)
        assert_int_equal(ops->host_done(&wr, &w->run, &w->hosts[i]), 0);
    assert_int_equal(ops->run_end(&wr, &w->run), 0);
    if (ops->destroy) ops->destroy(&wr);
    fclose(wr.fp);
    return buf;
}

static void expect_fixture(void (*build)(struct world *), const char *name, const char *ext,
                           const struct writer_ops *ops)
{
    struct world w;
    build(&w);
    char *got = render(ops, false, &w);
    rename_program(got);
    char *raw = read_fixture(name, ext);
    char *want = without_engine_lines(raw);
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "--- nmap %s.%s\n%s--- cmap\n%s", name, ext, want, got);
        fail_msg("%s.%s differs from nmap's", name, ext);
    }
    free(got);
    free(want);
    free(raw);
    free(w.command);
}

static void normal_matches_nmap(void **state)
{
    (void)state;
    expect_fixture(custom_world, "custom", "nmap", &normal_writer_ops);
    expect_fixture(sn_world, "sn_nohost", "nmap", &normal_writer_ops);
    expect_fixture(udp_world, "udp_folded", "nmap", &normal_writer_ops);
    expect_fixture(edge_world, "edge", "nmap", &normal_writer_ops);
}

static void xml_matches_nmap(void **state)
{
    (void)state;
    expect_fixture(custom_world, "custom", "xml", &xml_writer_ops);
    expect_fixture(sn_world, "sn_nohost", "xml", &xml_writer_ops);
    expect_fixture(udp_world, "udp_folded", "xml", &xml_writer_ops);
    expect_fixture(edge_world, "edge", "xml", &xml_writer_ops);
}

/* The comparisons above must be able to fail: a script line moved or a
 * script dropped is noticed. */
static void comparison_notices_changes(void **state)
{
    (void)state;
    struct world w;
    custom_world(&w);
    w.hosts[0].n_host_scripts = 1;
    char *got = render(&normal_writer_ops, false, &w);
    rename_program(got);
    char *raw = read_fixture("custom", "nmap");
    assert_string_not_equal(got, raw);
    free(got);
    w.hosts[0].n_port_scripts = 0;
    got = render(&xml_writer_ops, false, &w);
    rename_program(got);
    free(raw);
    raw = read_fixture("custom", "xml");
    assert_string_not_equal(got, raw);
    free(got);
    free(raw);
    free(w.command);
}

/* The terminal report: the empty-output complaint goes to stderr, not into
 * the report; -oS gets neither it nor the file's header. */
static void terminal_and_kiddie(void **state)
{
    (void)state;
    struct world w;
    custom_world(&w);
    char *got = render(&normal_writer_ops, true, &w);
    assert_null(strstr(got, "Bug in"));
    assert_non_null(strstr(got, "Pre-scan script results:\n|_cmapout-b: b pre\n| cmapout-a: \n"));
    assert_non_null(strstr(got, "\n\nHost script results:\n| cmapout-b: \n"));
    assert_non_null(strstr(got, "|_cmapout-b: b post\nNmap done: 1 IP address"));
    size_t bars = 0;
    for (const char *p = got; (p = strstr(p, "\n|")); p++)
        bars++;
    free(got);
    got = render(&kiddie_writer_ops, false, &w);
    assert_null(strstr(got, "Bug in"));
    /* Every line of script output (pre, port, host, post) is in the -oS
     * copy too, still starting with its "| " or "|_". */
    size_t kiddie_bars = 0;
    for (const char *p = got; (p = strstr(p, "\n|")); p++)
        kiddie_bars++;
    assert_true(bars >= 40);
    assert_int_equal(kiddie_bars, bars);
    free(got);
    free(w.command);
}

/* The grepable format has no place for scripts, as nmap's. */
static void grepable_has_no_scripts(void **state)
{
    (void)state;
    struct world w;
    custom_world(&w);
    char *got = render(&grepable_writer_ops, false, &w);
    assert_null(strstr(got, "b pre"));
    assert_null(strstr(got, "one line"));
    assert_null(strstr(got, "post text"));
    assert_non_null(strstr(got, "Ports: 21/open/tcp//ftp///"));
    free(got);
    free(w.command);
}

/* --open hides a host without open ports, scripts and all. */
static void open_hides_host_scripts(void **state)
{
    (void)state;
    struct world w;
    udp_world(&w);
    w.plan.open_only = true;
    for (size_t i = 0; i < w.hosts[0].n_ports; i++)
        w.ports[0][i].state = PORT_CLOSED;
    char *got = render(&normal_writer_ops, false, &w);
    assert_null(strstr(got, "Host script results"));
    assert_null(strstr(got, "Bug in"));
    assert_non_null(strstr(got, "Post-scan script results:\n|_cmapout-c: c post\n"));
    free(got);
    got = render(&xml_writer_ops, false, &w);
    assert_null(strstr(got, "<hostscript>"));
    free(got);
    free(w.command);
}

/* -oJ: scripts per port and host, pre and post lists; -oJL: records. */
static void json_members(void **state)
{
    (void)state;
    struct world w;
    custom_world(&w);
    char *got = render(&json_writer_ops, false, &w);
    assert_non_null(strstr(got, "\"scripts\":[{\"id\":\"cmapout-a\",\"output\":\"one line\"},"
                                "{\"id\":\"cmapout-b\",\"output\":\"b on 22\"}]"));
    assert_non_null(strstr(got, "\"hostscripts\":[{\"id\":\"cmapout-b\",\"output\":\"\\n  x\\n  y\\n"
                                "  \\n    z\",\"elems\":[{\"value\":\"x\"},{\"value\":\"y\"},"
                                "{\"elems\":[{\"value\":\"z\"}]}]}"));
    assert_non_null(strstr(got, "\"prescripts\":[{\"id\":\"cmapout-b\",\"output\":\"b pre\"},"));
    /* Bytes outside printable ASCII as nmap's XML has them. */
    assert_non_null(strstr(got, "\"output\":\"a<b>&\\\"c'\\ttab\\\\x01ctl \\\\xC3\\\\xA9 --x\""));
    assert_non_null(strstr(got, "{\"key\":\"sub\",\"elems\":[{\"key\":\"key\",\"value\":\"v\"},"
                                "{\"key\":\"empty\",\"elems\":[]}]}"));
    assert_non_null(strstr(got, "\"postscripts\":[{\"id\":\"cmapout-a\",\"output\":\"post text\\n"
                                "second\",\"elems\":[{\"key\":\"count\",\"value\":\"3\"}]},"));
    free(got);
    free(w.command);
    edge_world(&w);
    got = render(&json_writer_ops, false, &w);
    assert_non_null(strstr(got, "\"prescripts\":[{\"id\":\"cmapout-e\",\"output\":\"42\","
                                "\"value\":\"42\"}]"));
    assert_non_null(strstr(got, "\"postscripts\":[{\"id\":\"cmapout-e\",\"output\":\"\","
                                "\"elems\":[]}]"));
    free(got);
    free(w.command);
    custom_world(&w);
    got = render(&jsonl_writer_ops, false, &w);
    const char *pre = strstr(got, "\n{\"type\":\"prescript\",\"scripts\":[");
    const char *host = strstr(got, "\n{\"type\":\"host\"");
    const char *post = strstr(got, "\n{\"type\":\"postscript\",\"scripts\":[");
    const char *stats = strstr(got, "\n{\"type\":\"runstats\"");
    assert_non_null(pre);
    assert_non_null(host);
    assert_non_null(post);
    assert_non_null(stats);
    assert_true(pre < host && host < post && post < stats);
    free(got);
    free(w.command);
}

/* -sV alone runs the version scripts for what they learn about services;
 * nmap shows none of their results (o.script is off). */
static void version_scripts_alone_show_nothing(void **state)
{
    (void)state;
    struct world w;
    custom_world(&w);
    w.run.script_scan = false;
    w.run.n_pre_scripts = w.run.n_post_scripts = 0;
    const struct writer_ops *ops[] = {&normal_writer_ops, &xml_writer_ops, &json_writer_ops,
                                      &jsonl_writer_ops};
    for (size_t i = 0; i < 4; i++) {
        char *got = render(ops[i], false, &w);
        assert_null(strstr(got, "one line"));
        assert_null(strstr(got, "line three"));
        assert_null(strstr(got, "Bug in"));
        assert_non_null(strstr(got, "6379"));
        free(got);
    }
    free(w.command);
}

/* A hostile script's structure nested far deeper than Lua allows stays
 * bounded in every writer. */
static void deep_structures_are_cut(void **state)
{
    (void)state;
    enum { DEPTH = 100000 };
    struct script_elem *chain = calloc(DEPTH, sizeof *chain);
    assert_non_null(chain);
    for (size_t i = 0; i + 1 < DEPTH; i++) {
        chain[i].children = &chain[i + 1];
        chain[i].n_children = 1;
    }
    chain[DEPTH - 1].value = "bottom";
    struct script_result r = {.id = "deep", .output = "x", .elems = chain, .n_elems = 1};
    struct world w;
    custom_world(&w);
    w.run.post_scripts = &r, w.run.n_post_scripts = 1;
    const struct writer_ops *ops[] = {&xml_writer_ops, &json_writer_ops, &jsonl_writer_ops};
    for (size_t i = 0; i < 3; i++) {
        char *got = render(ops[i], false, &w);
        assert_null(strstr(got, "bottom"));
        free(got);
    }
    free(chain);
    free(w.command);
}

static void write_temp(char *path_template, const char *text)
{
    int fd = mkstemp(path_template);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* 0 when xmllint accepts the document against nmap.dtd. */
static int xmllint_status(const char *doc)
{
    if (access("/usr/share/nmap/nmap.dtd", R_OK) != 0 ||
        system("command -v xmllint >/dev/null 2>&1") != 0)
        skip();
    char path[] = "/tmp/cmap-test-nse-xml-XXXXXX";
    write_temp(path, doc);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "xmllint --noout --dtdvalid /usr/share/nmap/nmap.dtd %s >/dev/null 2>&1", path);
    int rc = system(cmd);
    unlink(path);
    return rc;
}

static void xml_is_dtd_valid(void **state)
{
    (void)state;
    void (*worlds[])(struct world *) = {custom_world, sn_world, udp_world, edge_world};
    for (size_t i = 0; i < 4; i++) {
        struct world w;
        worlds[i](&w);
        char *doc = render(&xml_writer_ops, false, &w);
        assert_int_equal(xmllint_status(doc), 0);
        /* The check can fail: a <hostscript> without a script is refused. */
        const char *at = strstr(doc, "<runstats>");
        assert_non_null(at);
        char *bad = NULL;
        assert_true(asprintf(&bad, "%.*s<hostscript></hostscript>%s", (int)(at - doc), doc, at) >
                    0);
        assert_int_not_equal(xmllint_status(bad), 0);
        free(bad);
        free(doc);
        free(w.command);
    }
}

static const char schema_check[] =
    "import json, sys, jsonschema\n"
    "schema = json.load(open(sys.argv[1]))\n"
    "v = jsonschema.Draft202012Validator(schema)\n"
    "text = open(sys.argv[3], encoding='utf-8').read()\n"
    "values = [json.loads(text)] if sys.argv[2] == 'doc' else "
    "[json.loads(l) for l in text.split('\\n')[:-1]]\n"
    "for value in values:\n"
    "    e = jsonschema.exceptions.best_match(v.iter_errors(value))\n"
    "    if e: sys.exit('invalid at %s: %s' % (list(e.absolute_path), e.message[:300]))\n";

static int schema_status(const char *text, const char *mode)
{
    if (system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) skip();
    char file[2048], schema[4096], exe[2048] = "";
    snprintf(file, sizeof file, "%s", __FILE__);
    snprintf(schema, sizeof schema, "%s/../../docs/cmap-json.schema.json", dirname(file));
    if (schema[0] != '/' && access(schema, R_OK) != 0) {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n > 0) exe[n] = '\0';
        snprintf(file, sizeof file, "%s", __FILE__);
        snprintf(schema, sizeof schema, "%s/../../%s/../../docs/cmap-json.schema.json",
                 dirname(exe), dirname(file));
    }
    char script[] = "/tmp/cmap-test-nse-py-XXXXXX", data[] = "/tmp/cmap-test-nse-json-XXXXXX";
    write_temp(script, schema_check);
    write_temp(data, text);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s %s", script, schema, mode, data);
    int rc = system(cmd);
    unlink(script);
    unlink(data);
    return rc;
}

static void json_is_schema_valid(void **state)
{
    (void)state;
    void (*worlds[])(struct world *) = {custom_world, sn_world, udp_world, edge_world};
    for (size_t i = 0; i < 4; i++) {
        struct world w;
        worlds[i](&w);
        char *doc = render(&json_writer_ops, false, &w);
        assert_int_equal(schema_status(doc, "doc"), 0);
        free(doc);
        doc = render(&jsonl_writer_ops, false, &w);
        assert_int_equal(schema_status(doc, "lines"), 0);
        free(doc);
        free(w.command);
    }
    /* And the check can fail: a script without its output is refused. */
    assert_int_not_equal(schema_status("{\"type\":\"prescript\",\"scripts\":[{\"id\":\"x\"}]}\n",
                                       "lines"),
                         0);
}

static int set_utc(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normal_matches_nmap),
        cmocka_unit_test(xml_matches_nmap),
        cmocka_unit_test(comparison_notices_changes),
        cmocka_unit_test(terminal_and_kiddie),
        cmocka_unit_test(grepable_has_no_scripts),
        cmocka_unit_test(open_hides_host_scripts),
        cmocka_unit_test(json_members),
        cmocka_unit_test(deep_structures_are_cut),
        cmocka_unit_test(version_scripts_alone_show_nothing),
        cmocka_unit_test(xml_is_dtd_valid),
        cmocka_unit_test(json_is_schema_valid),
    };
    return cmocka_run_group_tests(tests, set_utc, NULL);
}
