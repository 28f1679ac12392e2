// SPDX-License-Identifier: MIT
// --resume: reading normal, grepable and XML files from nmap and cmap (the
// command line, quotes and XML escapes, the last finished host), refusing
// truncated and foreign files with nmap's messages, partial-host records
// (round trip and hostile input), the target filter, the XML document
// reopened for appending, and the grouping of half-scanned hosts.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/plan.h"
#include "report/partial.h"
#include "report/resume.h"
#include "report/resume_log.h"
#include "report/writer.h"
#include "target/targets.h"

static struct resume_log log_;
static char err_[512];

static int parse(const char *text)
{
    resume_log_free(&log_);
    err_[0] = '\0';
    return resume_log_parse(text, strlen(text), "r.out", &log_, err_, sizeof err_);
}

static void expect_args(const char *const *want)
{
    int n = 0;
    while (want[n])
        n++;
    assert_int_equal(log_.argc, n + 2);
    assert_string_equal(log_.argv[0], "cmap");
    assert_string_equal(log_.argv[1], "--append-output");
    for (int i = 0; i < n; i++)
        assert_string_equal(log_.argv[i + 2], want[i]);
    assert_null(log_.argv[n + 2]);
}

static void expect_last(const char *ip)
{
    struct net_addr want;
    assert_int_equal(net_addr_parse(ip, AF_UNSPEC, &want), 0);
    assert_true(log_.have_last);
    assert_true(net_addr_equal(&log_.last, &want));
}

static void expect_error(const char *text, const char *message)
{
    assert_int_equal(parse(text), -1);
    assert_string_equal(err_, message);
    assert_null(log_.argv);
}

/* ---- the three formats ---- */

static void normal_file(void **state)
{
    (void)state;
    assert_int_equal(parse("# Nmap 7.93 scan initiated Sun Nov 22 15:46:52 2026 as: nmap -sT -p "
                           "20-25 -oN r.nmap 127.0.0.1-3\n"
                           "Nmap scan report for localhost (127.0.0.1)\nHost is up.\n\n"
                           "Nmap scan report for 127.0.0.2\nHost is up.\n"),
                     0);
    expect_args((const char *[]){"-sT", "-p", "20-25", "-oN", "r.nmap", "127.0.0.1-3", NULL});
    expect_last("127.0.0.2");
    assert_false(log_.randomized);
    assert_int_equal(log_.n_partials, 0);
}

static void normal_file_down_host_and_ipv6(void **state)
{
    (void)state;
    assert_int_equal(parse("# cmap 0.1.0 scan initiated Sun Nov 22 15:46:52 2026 as: cmap -6 -v "
                           "fd00::1-3\n"
                           "Nmap scan report for fd00::1\nHost is up.\n"
                           "Nmap scan report for fd00::2 [host down]\n"),
                     0);
    expect_last("fd00::2");
}

static void grepable_file_wins_over_report_lines(void **state)
{
    (void)state;
    assert_int_equal(parse("# Nmap 7.93 scan initiated Sun Nov 22 15:46:52 2026 as: nmap -oG r "
                           "--randomize-hosts 10.0.0.0/24\n"
                           "Host: 10.0.0.7 (a.example)\tStatus: Up\n"
                           "Host: 10.0.0.7 (a.example)\tPorts: 22/open/tcp//ssh///\n"
                           "Host: 10.0.0.3 ()\tStatus: Up\n"
                           "# Nmap done at Sun Nov 22 15:47:33 2026 -- 256 IP addresses\n"),
                     0);
    expect_last("10.0.0.3");
    assert_true(log_.randomized);
}

static const char xml_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
    "<?xml-stylesheet href=\"file:///usr/share/nmap/nmap.xsl\" type=\"text/xsl\"?>\n"
    "<!-- Nmap 7.93 scan initiated Sun Nov 22 15:46:52 2026 as: nmap -&#45;max-rate 10 "
    "-&#45;exclude &quot;198.18.1.9&quot; -oX &apos;a b.xml&apos; -p&#x20;22 198.18.1.0/28 -->\n"
    "<nmaprun scanner=\"nmap\" args=\"nmap\" start=\"1\" version=\"7.93\" "
    "xmloutputversion=\"1.05\">\n";

static void xml_file_unescapes_the_command(void **state)
{
    (void)state;
    char text[2048];
    snprintf(text, sizeof text,
             "%s<host><status state=\"up\" reason=\"user-set\" reason_ttl=\"0\"/>\n"
             "<address addr=\"198.18.1.2\" addrtype=\"ipv4\"/>\n"
             "<address addr=\"00:11:22:33:44:55\" addrtype=\"mac\"/>\n</host>\n"
             "<host><status state=\"up\" reason=\"user-set\" reason_ttl=\"0\"/>\n"
             "<address addr=\"198.18.1.4\" addrtype=\"ipv4\"/>\n</host>\n"
             "<host><address addr=\"198.18.1.5\" addrtype=\"ipv4\"/>\n</host>\n",
             xml_head);
    assert_int_equal(parse(text), 0);
    /* &#x20; is a space inside a word, so it splits the word as nmap's
     * arg_parse would; quotes group words. */
    expect_args((const char *[]){"--max-rate", "10", "--exclude", "198.18.1.9", "-oX", "a b.xml",
                                 "-p", "22", "198.18.1.0/28", NULL});
    /* Only an <address> at the start of a line counts, as in nmap. */
    expect_last("198.18.1.4");
}

static void xml_quoted_program_name(void **state)
{
    (void)state;
    assert_int_equal(parse("<!-- Nmap 7.93 scan initiated X as: &quot;/opt/my nmap/nmap&quot; -sT "
                           "10.1.1.1 -->\n<nmaprun>\n"),
                     0);
    expect_args((const char *[]){"-sT", "10.1.1.1", NULL});
    assert_false(log_.have_last);
    assert_int_equal(parse("# Nmap 7.93 scan initiated X as: '/opt/my nmap/nmap' -p 1 10.1.1.1\n"),
                     0);
    expect_args((const char *[]){"-p", "1", "10.1.1.1", NULL});
}

/* ---- files that cannot be resumed ---- */

static void truncated_and_foreign_files(void **state)
{
    (void)state;
    expect_error("# Nmap 7.93 as: x\n", "Output file r.out is too short -- no use resuming");
    expect_error("# Nmap 7.93 scan initiated Sun Nov 22 15:46:52 2026 as: nmap -sT 10.0.",
                 "Unable to parse supposed log file r.out.  Perhaps the Nmap execution had not "
                 "finished at least one host?  In that case there is no use \"resuming\"");
    expect_error("# Nmap 7.93 scan initiated Sun Nov 22 15:46:52 2026 as: nmap -sT 10.0.0.0/24\n"
                 "Host: 10.0.0.1 ()\tStatus: Up\nHost: 10.0.",
                 "Unable to parse ip (10.0.) in supposed log file r.out.  Sorry");
    expect_error("<!-- Nmap 7.93 scan initiated X as: nmap -sT 10.0.0.0/24 -->\n"
                 "<address addr=\"10.0.0.1",
                 "Unable to parse supposed log file r.out.  Sorry");
    expect_error("# Nmap 7.93 scan initiated Sun Nov 22 as: nmap\n",
                 "Unable to parse supposed log file r.out.  Sorry");
    expect_error("# Nmap 7.93 scan initiated Sun Nov 22 as: \"nmap -sT 10.0.0.1\n",
                 "Unable to parse supposed log file r.out: unclosed quote.");
    expect_error("# Nmap 7.93 scan initiated Sun Nov 22 as: nmap -p \"1 10.0.0.1\n",
                 "Unable to parse supposed log file r.out.  Sorry");
    const char *foreign = "Unable to parse supposed log file r.out.  Are you sure this is an "
                          "Nmap output file?";
    expect_error("Starting masscan 1.3 as: masscan -p80 10.0.0.0/8\n", foreign);
    expect_error("PING 10.0.0.1 (10.0.0.1) 56(84) bytes of data.\n", foreign);
    expect_error("# Nmap 7.93 scan started as: nmap -sT 10.0.0.1\n", foreign);
}

static void too_many_words(void **state)
{
    (void)state;
    char text[4096] = "# Nmap 7.93 scan initiated X as: nmap";
    for (int i = 0; i < 300; i++)
        strcat(text, " -v");
    strcat(text, "\n");
    expect_error(text, "Unable to parse supposed log file r.out.  Sorry");
}

static void nothing_finished(void **state)
{
    (void)state;
    assert_int_equal(parse("# Nmap 7.93 scan initiated X as: nmap -sT 10.0.0.0/24\n"), 0);
    assert_false(log_.have_last);
    assert_int_equal(log_.n_partials, 0);
}

/* ---- partial-host records ---- */

static void partial_records_and_later_runs(void **state)
{
    (void)state;
    assert_int_equal(
        parse("# cmap 0.1.0 scan initiated X as: cmap -sT -p 1-100 10.0.0.1-4\n"
              "Nmap scan report for 10.0.0.1\n"
              "Nmap scan report for 10.0.0.3\n"
              "# cmap partial host 10.0.0.2 tcp/open/syn-ack/0=22 tcp/closed/conn-refused/0=1-21 "
              "end\n"
              "# cmap partial host 10.0.0.4 end\n"
              "# Nmap done at X -- 2 IP addresses (2 hosts up) scanned in 1.00 seconds\n"
              "# cmap 0.1.0 scan initiated Y as: cmap --append-output -sT -p 1-100 10.0.0.1-4\n"
              "Nmap scan report for 10.0.0.2\n"
              "# cmap partial host 10.0.0.4 tcp/closed/conn-refused/0=1-5 end\n"),
        0);
    /* 10.0.0.2 finished later, out of target order: the resume point
     * stays at 10.0.0.3. */
    expect_last("10.0.0.3");
    assert_int_equal(log_.n_partials, 2);
    assert_true(log_.partials[0].finished);
    assert_int_equal(log_.partials[0].host.n_ports, 22);
    assert_false(log_.partials[1].finished);
    assert_int_equal(log_.partials[1].host.n_ports, 5);
    assert_int_equal(log_.partials[1].host.ports[4].port, 5);
    assert_int_equal(log_.partials[1].host.ports[4].state, PORT_CLOSED);
}

static void partial_record_cut_short_is_an_error(void **state)
{
    (void)state;
    expect_error("<!-- cmap 0.1.0 scan initiated X as: cmap -sT 10.0.0.0/24 -->\n"
                 "<!-- cmap-partial host 10.0.0.2 tcp/open/syn-ack/0=22 en",
                 "Unable to parse supposed log file r.out: partial host record cut short");
    expect_error("# cmap 0.1.0 scan initiated X as: cmap -sT 10.0.0.0/24\n"
                 "# cmap partial host 10.0.0.2 tcp/open/syn-ack/0=2",
                 "Unable to parse supposed log file r.out: bad partial host record: record cut "
                 "short (no \"end\")");
}

static struct host *sample_host(void)
{
    static struct port_result ports[] = {
        {.port = 80, .proto = PROTO_TCP, .state = PORT_OPEN, .reason = REASON_SYN_ACK},
        {.port = 3, .proto = PROTO_TCP, .state = PORT_CLOSED, .reason = REASON_CONN_REFUSED},
        {.port = 9, .proto = PROTO_TCP, .state = PORT_FILTERED, .reason = REASON_NO_RESPONSE},
        {.port = 2, .proto = PROTO_TCP, .state = PORT_CLOSED, .reason = REASON_CONN_REFUSED},
        {.port = 7,
         .proto = PROTO_TCP,
         .state = PORT_FILTERED,
         .reason = REASON_HOST_UNREACH,
         .reason_ttl = 64},
        {.port = 4, .proto = PROTO_TCP, .state = PORT_CLOSED, .reason = REASON_CONN_REFUSED},
    };
    static struct net_addr others[1];
    static struct host h = {.target_name = "web--1 x.example", .ports = ports, .n_ports = 6};
    net_addr_parse("198.18.1.2", AF_INET, &h.addr);
    net_addr_parse("fd00::9", AF_INET6, &others[0]);
    h.other_addrs = others;
    h.n_other_addrs = 1;
    return &h;
}

static char *record_text(const struct host *h, const char *prefix, const char *suffix)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    assert_non_null(fp);
    assert_int_equal(partial_record_put(fp, h, prefix, suffix), 0);
    fclose(fp);
    return text;
}

static void partial_record_round_trip(void **state)
{
    (void)state;
    struct host *h = sample_host();
    char *text = record_text(h, PARTIAL_XML_PREFIX, PARTIAL_XML_SUFFIX);
    assert_string_equal(text, "<!-- cmap-partial host 198.18.1.2 name=web%2D%2D1%20x.example "
                              "others=fd00::9 tcp/open/syn-ack/0=80 tcp/closed/conn-refused/0=2-4 "
                              "tcp/filtered/host-unreach/64=7 end -->\n");
    const char *rec = text + strlen(PARTIAL_XML_PREFIX);
    size_t len = strlen(rec) - strlen(PARTIAL_XML_SUFFIX) - 1;
    /* Never "--" inside the comment. */
    assert_null(memmem(rec, len, "--", 2));
    struct partial_host p;
    char why[160];
    assert_int_equal(partial_record_parse(rec, len, &p, why, sizeof why), 0);
    assert_true(net_addr_equal(&p.addr, &h->addr));
    assert_string_equal(p.name, "web--1 x.example");
    assert_int_equal(p.n_others, 1);
    assert_true(net_addr_equal(&p.others[0], &h->other_addrs[0]));
    assert_int_equal(p.n_ports, 5); /* the unanswered port 9 is not final */
    bool seen7 = false;
    for (size_t i = 0; i < p.n_ports; i++) {
        assert_int_not_equal(p.ports[i].port, 9);
        if (p.ports[i].port == 7) {
            seen7 = true;
            assert_int_equal(p.ports[i].reason, REASON_HOST_UNREACH);
            assert_int_equal(p.ports[i].reason_ttl, 64);
        }
    }
    assert_true(seen7);
    partial_host_free(&p);
    free(text);
}

/* A link-local host needs its zone to be reached again; outputs print
 * addresses without one, so hosts match whatever their zone. */
static void zones_are_kept_but_not_compared(void **state)
{
    (void)state;
    struct host h = {0};
    assert_int_equal(net_addr_parse("fe80::1%3", AF_INET6, &h.addr), 0);
    char *text = record_text(&h, "", "");
    assert_string_equal(text, "host fe80::1%3 end\n");
    struct partial_host p;
    char why[160];
    assert_int_equal(partial_record_parse(text, strlen(text) - 1, &p, why, sizeof why), 0);
    assert_int_equal(p.addr.scope_id, 3);
    struct net_addr plain;
    assert_int_equal(net_addr_parse("fe80::1", AF_INET6, &plain), 0);
    assert_true(resume_same_host(&p.addr, &plain));
    assert_false(net_addr_equal(&p.addr, &plain));
    partial_host_free(&p);
    free(text);
}

static void expect_bad_record(const char *rec, const char *why_prefix)
{
    struct partial_host p;
    char why[160];
    assert_int_equal(partial_record_parse(rec, strlen(rec), &p, why, sizeof why), -1);
    assert_memory_equal(why, why_prefix, strlen(why_prefix));
    assert_null(p.ports);
    assert_null(p.name);
}

static void hostile_records(void **state)
{
    (void)state;
    expect_bad_record("hosts 1.2.3.4 end", "not a partial-host record:");
    expect_bad_record("host 1.2.3 end", "bad host address");
    expect_bad_record("host 1.2.3.4", "record cut short");
    expect_bad_record("host 1.2.3.4 end x", "text after the end");
    expect_bad_record("host 1.2.3.4 tcp/open/syn-ack/0=80-22 end", "bad port range");
    expect_bad_record("host 1.2.3.4 tcp/open/syn-ack/0=65536 end", "bad port range");
    expect_bad_record("host 1.2.3.4 tcp/open/syn-ack/0= end", "bad port range");
    expect_bad_record("host 1.2.3.4 tcp/open/syn-ack/0=1,,2 end", "bad port range");
    expect_bad_record("host 1.2.3.4 tcp/open/syn-ack/0=1-5 tcp/closed/reset/0=5 end",
                      "duplicate port");
    expect_bad_record("host 1.2.3.4 tcp/unknown/syn-ack/0=1 end", "bad port group");
    expect_bad_record("host 1.2.3.4 tcp//syn-ack/0=1 end", "bad port group");
    expect_bad_record("host 1.2.3.4 tcp/filtered/no-response/0=1 end", "bad port group");
    expect_bad_record("host 1.2.3.4 tcp/open/bogus/0=1 end", "bad port group");
    expect_bad_record("host 1.2.3.4 xyz/open/syn-ack/0=1 end", "bad port group");
    expect_bad_record("host 1.2.3.4 tcp/open/syn-ack/256=1 end", "bad port group");
    expect_bad_record("host 1.2.3.4 tcp/open/syn-ack=1 end", "bad port group");
    expect_bad_record("host 1.2.3.4 name=a%2 end", "bad name");
    expect_bad_record("host 1.2.3.4 name=a%00b end", "bad name");
    expect_bad_record("host 1.2.3.4 name=a<b end", "bad name");
    expect_bad_record("host 1.2.3.4 others=1.2.3.5, end", "bad other address");
    expect_bad_record("host 1.2.3.4  end", "bad port group");
    /* Every port of every protocol once is fine. */
    const char *all = "host 1.2.3.4 tcp/closed/reset/0=0-65535 udp/open/syn-ack/0=0-65535 end";
    struct partial_host p;
    char why[160];
    assert_int_equal(partial_record_parse(all, strlen(all), &p, why, sizeof why), 0);
    assert_int_equal(p.n_ports, 2 * 65536);
    partial_host_free(&p);
}

/* ---- the writers ---- */

static char *written_by(const struct writer_ops *ops, bool interactive)
{
    char *text = NULL;
    size_t len = 0;
    struct plan plan = {0};
    struct run run = {.plan = &plan};
    struct writer w = {.ops = ops, .interactive = interactive};
    w.fp = open_memstream(&text, &len);
    assert_non_null(w.fp);
    assert_int_equal(ops->host_partial(&w, &run, sample_host()), 0);
    fclose(w.fp);
    return text;
}

static void writers_frame_the_record(void **state)
{
    (void)state;
    char *normal = written_by(&normal_writer_ops, false);
    char *terminal = written_by(&normal_writer_ops, true);
    char *grepable = written_by(&grepable_writer_ops, false);
    char *xml = written_by(&xml_writer_ops, false);
    assert_memory_equal(normal, "# cmap partial host 198.18.1.2 ", 31);
    assert_string_equal(terminal, "");
    assert_string_equal(grepable, normal);
    assert_memory_equal(xml, "<!-- cmap-partial host 198.18.1.2 ", 34);
    free(normal);
    free(terminal);
    free(grepable);
    free(xml);
}

/* ---- running: the command line, the file, the filter ---- */

static void only_the_exact_command_line_resumes(void **state)
{
    (void)state;
    unsetenv("NMAP_ARGS");
    assert_null(resume_open(2, (char *[]){"cmap", "--resume", NULL}));
    assert_null(resume_open(3, (char *[]){"cmap", "-resume", "x", NULL}));
    assert_null(resume_open(4, (char *[]){"cmap", "--resume", "x", "-v", NULL}));
    setenv("NMAP_ARGS", "-v", 1);
    assert_null(resume_open(3, (char *[]){"cmap", "--resume", "/nonexistent", NULL}));
    unsetenv("NMAP_ARGS");
    /* With other options the parser refuses --resume. */
    struct plan plan;
    int status = 0;
    char *out = NULL, *err = NULL;
    size_t ol, el;
    FILE *fo = open_memstream(&out, &ol), *fe = open_memstream(&err, &el);
    assert_int_equal(plan_from_args_io(4, (char *[]){"cmap", "-sT", "--resume", "x", NULL}, &plan,
                                       &status, fo, fe),
                     PLAN_EXIT);
    fclose(fo);
    fclose(fe);
    assert_int_equal(status, 1);
    assert_string_equal(err, "Cannot use --resume with other options. Usage: cmap --resume "
                             "<filename>\nQUITTING!\n");
    free(out);
    free(err);
}

/* Run fn in a child with stderr captured; returns its exit status. */
static int in_child(void (*fn)(const char *), const char *arg, char *err, size_t cap)
{
    char path[] = "/tmp/cmap-test-resume-XXXXXX";
    int tmp = mkstemp(path);
    assert_true(tmp >= 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(tmp, 2);
        fn(arg);
        fflush(NULL);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    ssize_t n = pread(tmp, err, cap - 1, 0);
    err[n > 0 ? n : 0] = '\0';
    close(tmp);
    unlink(path);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void open_file(const char *path)
{
    resume_free(resume_open(3, (char *[]){"cmap", "--resume", (char *)path, NULL}));
}

static char *temp_file(const char *content)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/cmap-test-resume-in-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return path;
}

static void unreadable_files_are_fatal(void **state)
{
    (void)state;
    char err[1024];
    assert_int_equal(in_child(open_file, "/nonexistent/r.gnmap", err, sizeof err), 1);
    assert_string_equal(err, "Could not mmap() /nonexistent/r.gnmap file: No such file or "
                             "directory (2)\n");
    char *empty = temp_file("");
    char want[256];
    assert_int_equal(in_child(open_file, empty, err, sizeof err), 1);
    snprintf(want, sizeof want, "Could not mmap() %s file: Invalid argument (22)\n", empty);
    assert_string_equal(err, want);
    unlink(empty);
    char *foreign = temp_file("just some text that is long enough\n");
    assert_int_equal(in_child(open_file, foreign, err, sizeof err), 1);
    snprintf(want, sizeof want,
             "Unable to parse supposed log file %s.  Are you sure this is an Nmap output "
             "file?\nQUITTING!\n",
             foreign);
    assert_string_equal(err, want);
    unlink(foreign);
    char *fresh = temp_file("# Nmap 7.93 scan initiated X as: nmap -sT 10.0.0.0/30\n");
    assert_int_equal(in_child(open_file, fresh, err, sizeof err), 0);
    assert_string_equal(err, "Warning: You asked for --resume but it doesn't look like any hosts "
                             "in the log file were successfully scanned.  Starting from the "
                             "beginning.\n");
    unlink(fresh);
}

static struct resume *open_text(const char *content)
{
    char *path = temp_file(content);
    struct resume *r = resume_open(3, (char *[]){"cmap", "--resume", path, NULL});
    unlink(path);
    assert_non_null(r);
    return r;
}

static bool kept(struct resume *r, const char *ip)
{
    struct target t = {0};
    assert_int_equal(net_addr_parse(ip, AF_UNSPEC, &t.addr), 0);
    return resume_filter(&t, r);
}

static void filter_skips_finished_targets(void **state)
{
    (void)state;
    struct resume *r = open_text("# cmap 0.1.0 scan initiated X as: cmap -p 1-9 10.0.0.1-8\n"
                                 "Nmap scan report for 10.0.0.1\n"
                                 "Nmap scan report for 10.0.0.3\n"
                                 "# cmap partial host 10.0.0.2 end\n"
                                 "# cmap partial host 10.0.0.5 tcp/closed/reset/0=1 end\n");
    int argc;
    char **argv;
    resume_args(r, &argc, &argv);
    assert_int_equal(argc, 5);
    assert_string_equal(argv[1], "--append-output");
    assert_string_equal(argv[4], "10.0.0.1-8");
    assert_false(kept(r, "10.0.0.1"));
    assert_false(kept(r, "10.0.0.2")); /* half-scanned: handed out as a group */
    assert_false(kept(r, "10.0.0.3"));
    assert_true(kept(r, "10.0.0.4"));
    assert_false(kept(r, "10.0.0.5"));
    assert_true(kept(r, "10.0.0.6"));
    assert_true(kept(r, "10.0.0.5")); /* only its first appearance */
    assert_int_equal(resume_plan_failed(r, 0), 0);
    resume_free(r);
    assert_int_equal(resume_plan_failed(NULL, 255), 255);
}

static bool drop_even(const struct target *t, void *ctx)
{
    (*(int *)ctx)++;
    return t->addr.bytes[3] % 2 == 1;
}

/* The iterator asks the filter about every target, shuffled or not. */
static void iterator_applies_the_filter(void **state)
{
    (void)state;
    for (int shuffled = 0; shuffled < 2; shuffled++) {
        char *specs[] = {"10.0.0.1-6"};
        struct plan plan = {.targets = specs,
                            .n_targets = 1,
                            .random_targets = -1,
                            .address_family = AF_INET,
                            .randomize_hosts = shuffled};
        struct target_iter *it = target_iter_new(&plan);
        int asked = 0;
        target_iter_set_filter(it, drop_even, &asked);
        struct target t;
        unsigned seen = 0;
        while (target_iter_next(it, &t) == 1) {
            seen |= 1u << t.addr.bytes[3];
            target_clear(&t);
        }
        target_iter_free(it);
        assert_int_equal(asked, 6);
        assert_int_equal(seen, (1u << 1) | (1u << 3) | (1u << 5));
    }
}

/* ---- the XML document ---- */

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void xml_document_is_reopened(void **state)
{
    (void)state;
    struct resume *r = open_text("# cmap 0.1.0 scan initiated X as: cmap -p 1 10.0.0.1\n");
    const char *body = "<nmaprun>\n<host><address addr=\"10.0.0.1\" addrtype=\"ipv4\"/>\n"
                       "</host>\n<!-- cmap-partial host 10.0.0.2 end -->\n";
    char content[1024];
    snprintf(content, sizeof content,
             "%s<runstats><finished time=\"1\" exit=\"success\"/><hosts up=\"1\" down=\"0\" "
             "total=\"1\"/>\n</runstats>\n</nmaprun>\n",
             body);
    char *path = temp_file(content);
    struct plan plan = {0};
    plan.output_path[OUT_XML] = path;
    resume_prepare(r, &plan);
    assert_true(plan.resuming);
    assert_string_equal(slurp(path), body);
    /* A document that was never closed (nmap's, after Ctrl-C) stays. */
    resume_prepare(r, &plan);
    assert_string_equal(slurp(path), body);

    /* The resumed writer adds no second head to it. */
    struct run run = {.plan = &plan};
    struct writer w = {.ops = &xml_writer_ops, .fp = fopen(path, "a")};
    assert_int_equal(xml_writer_ops.run_begin(&w, &run), 0);
    fclose(w.fp);
    assert_string_equal(slurp(path), body);
    unlink(path);
    plan.output_path[OUT_XML] = "/tmp/cmap-test-resume-none.xml";
    resume_prepare(r, &plan); /* a missing file is a new document */
    resume_free(r);
}

/* ---- half-scanned hosts ---- */

static void plan_with_ports(struct plan *plan, unsigned first, unsigned last)
{
    memset(plan, 0, sizeof *plan);
    plan->ports.count[PROTO_TCP] = last - first + 1;
    plan->ports.ports[PROTO_TCP] = malloc(plan->ports.count[PROTO_TCP] * sizeof(uint16_t));
    assert_non_null(plan->ports.ports[PROTO_TCP]);
    /* Reversed, so a test sees that the plan's order is kept. */
    for (unsigned p = first; p <= last; p++)
        plan->ports.ports[PROTO_TCP][last - p] = (uint16_t)p;
}

static void groups_share_port_lists(void **state)
{
    (void)state;
    struct resume *r =
        open_text("# cmap 0.1.0 scan initiated X as: cmap -p 1-100 10.0.0.1-3\n"
                  "# cmap partial host 10.0.0.1 name=a.example tcp/open/syn-ack/0=1-50 end\n"
                  "# cmap partial host 10.0.0.2 tcp/closed/reset/0=1-45 end\n"
                  "# cmap partial host 10.0.0.3 tcp/closed/reset/0=1-95 end\n");
    struct plan plan;
    plan_with_ports(&plan, 1, 100);
    struct resume_group g;

    /* Most ports left first (.2: 55), .1 (50 left, all within .2's) joins;
     * .3 (5 left) would scan 11 times its own: a group of its own. */
    assert_true(resume_next_group(r, &plan, &g));
    assert_int_equal(g.hosts.count, 2);
    assert_int_equal(g.plan.ports.count[PROTO_TCP], 55);
    assert_int_equal(g.plan.ports.ports[PROTO_TCP][0], 100);
    assert_int_equal(g.plan.ports.ports[PROTO_TCP][54], 46);
    struct host *h1 = g.hosts.hosts[1];
    assert_string_equal(h1->target_name, "a.example");

    /* The scan found the group's ports closed; .1's earlier ports return. */
    h1->ports = calloc(55, sizeof *h1->ports);
    for (unsigned i = 0; i < 55; i++)
        h1->ports[i] = (struct port_result){.port = (uint16_t)(46 + i),
                                            .proto = PROTO_TCP,
                                            .state = PORT_CLOSED,
                                            .reason = REASON_CONN_REFUSED};
    h1->n_ports = 55;
    resume_group_merge(r, &plan, &g);
    assert_int_equal(h1->n_ports, 100);
    unsigned open = 0, closed = 0, mask[4] = {0};
    for (size_t i = 0; i < h1->n_ports; i++) {
        unsigned p = h1->ports[i].port;
        assert_int_equal(mask[p / 32] & (1u << (p % 32)), 0);
        mask[p / 32] |= 1u << (p % 32);
        if (h1->ports[i].state == PORT_OPEN) {
            assert_true(p <= 50);
            open++;
        } else {
            assert_true(p > 50);
            closed++;
        }
    }
    assert_int_equal(open, 50);
    assert_int_equal(closed, 50);
    resume_group_free(&g);

    assert_true(resume_next_group(r, &plan, &g));
    assert_int_equal(g.hosts.count, 1);
    assert_int_equal(g.plan.ports.count[PROTO_TCP], 5);
    resume_group_free(&g);
    assert_false(resume_next_group(r, &plan, &g));
    portlist_free(&plan.ports);
    resume_free(r);
}

static int teardown(void **state)
{
    (void)state;
    resume_log_free(&log_);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(normal_file, teardown),
        cmocka_unit_test_teardown(normal_file_down_host_and_ipv6, teardown),
        cmocka_unit_test_teardown(grepable_file_wins_over_report_lines, teardown),
        cmocka_unit_test_teardown(xml_file_unescapes_the_command, teardown),
        cmocka_unit_test_teardown(xml_quoted_program_name, teardown),
        cmocka_unit_test_teardown(truncated_and_foreign_files, teardown),
        cmocka_unit_test_teardown(too_many_words, teardown),
        cmocka_unit_test_teardown(nothing_finished, teardown),
        cmocka_unit_test_teardown(partial_records_and_later_runs, teardown),
        cmocka_unit_test_teardown(partial_record_cut_short_is_an_error, teardown),
        cmocka_unit_test(partial_record_round_trip),
        cmocka_unit_test(zones_are_kept_but_not_compared),
        cmocka_unit_test(hostile_records),
        cmocka_unit_test(writers_frame_the_record),
        cmocka_unit_test(only_the_exact_command_line_resumes),
        cmocka_unit_test(unreadable_files_are_fatal),
        cmocka_unit_test(filter_skips_finished_targets),
        cmocka_unit_test(iterator_applies_the_filter),
        cmocka_unit_test(xml_document_is_reopened),
        cmocka_unit_test(groups_share_port_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
