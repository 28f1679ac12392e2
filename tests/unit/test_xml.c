// SPDX-License-Identifier: MIT
// XML writer: escaping rules, and documents built from hostile names,
// arguments and error messages must stay well formed and valid against
// nmap.dtd (checked with xmllint when it and the DTD are installed).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/plan.h"
#include "report/escape.h"
#include "report/model.h"
#include "report/writer.h"

#define NMAP_DTD "/usr/share/nmap/nmap.dtd"

static char *xml_of(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    put_xml(mem, s);
    fclose(mem);
    return buf;
}

static void expect_xml(const char *in, const char *want)
{
    char *got = xml_of(in);
    assert_string_equal(got, want);
    free(got);
}

static void escapes_like_nmap(void **state)
{
    (void)state;
    expect_xml("plain", "plain");
    expect_xml("<>&\"'", "&lt;&gt;&amp;&quot;&apos;");
    expect_xml("nmap --reason", "nmap -&#45;reason");
    expect_xml("---", "-&#45;&#45;");
    expect_xml("- -", "- -");
    expect_xml("a\tb\nc\r", "a&#x9;b&#xa;c&#xd;");
    expect_xml("caf\xc3\xa9", "caf&#xc3;&#xa9;");
    expect_xml("\xff\x7f", "&#xff;&#x7f;");
}

static void control_bytes_become_text(void **state)
{
    (void)state;
    /* XML 1.0 forbids these even as character references. */
    expect_xml("a\x01"
               "b\x1b[0m",
               "a\\x01b\\x1b[0m");
}

struct doc {
    struct plan plan;
    struct run run;
    struct host host;
    struct port_result ports[3];
    uint16_t scan_ports[3];
};

static void build_hostile(struct doc *d)
{
    memset(d, 0, sizeof *d);
    d->plan.command_line = "cmap --reason -p 22 \"x\" 'y' <z> & --a--b \x01\x1b[2J \xff\xfe";
    d->plan.stylesheet = "file:///tmp/a\"b<c>&--d.xsl";
    d->plan.tcp_scan = TCP_SCAN_CONNECT;
    d->plan.verbosity = 1;
    d->scan_ports[0] = 80, d->scan_ports[1] = 22, d->scan_ports[2] = 443;
    d->plan.ports.ports[PROTO_TCP] = d->scan_ports;
    d->plan.ports.count[PROTO_TCP] = 3;
    d->run.plan = &d->plan;
    d->run.hosts_total = d->run.hosts_up = 1;
    d->run.end_time.tv_sec = 2;
    net_addr_parse("fd00::7", AF_INET6, &d->host.addr);
    d->host.target_name = "evil--name<&>\"'\x01\x07\x1b]0;title\x07";
    d->host.rdns = "ptr\xc3\x28invalid\xe2\x82utf8\x7f\x80--";
    d->host.state = HOST_STATE_UP;
    d->host.reason = REASON_USER_SET;
    d->host.have_times = true;
    const char *names[3] = {"ssh", "we<ird>&\"svc--\x02", NULL};
    for (int i = 0; i < 3; i++) {
        d->ports[i] = (struct port_result){.port = d->scan_ports[i],
                                           .proto = PROTO_TCP,
                                           .state = i ? PORT_CLOSED : PORT_OPEN,
                                           .reason = i ? REASON_CONN_REFUSED : REASON_SYN_ACK,
                                           .service = names[i]};
    }
    d->host.ports = d->ports;
    d->host.n_ports = 3;
}

static char *write_doc(struct doc *d, bool begin)
{
    char *buf = NULL;
    size_t len = 0;
    struct writer w = {.ops = &xml_writer_ops, .fp = open_memstream(&buf, &len)};
    if (begin) {
        assert_int_equal(xml_writer_ops.run_begin(&w, &d->run), 0);
        assert_int_equal(xml_writer_ops.host_done(&w, &d->run, &d->host), 0);
    }
    assert_int_equal(xml_writer_ops.run_end(&w, &d->run), 0);
    fclose(w.fp);
    return buf;
}

/* 0 when xmllint accepts the document against nmap.dtd; skips the test
 * where the tools are missing. */
static int xmllint_valid(const char *doc)
{
    if (access(NMAP_DTD, R_OK) != 0 || system("command -v xmllint >/dev/null 2>&1") != 0) skip();
    char path[] = "/tmp/cmap-test-xml-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(doc, fp);
    assert_int_equal(fclose(fp), 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "xmllint --noout --dtdvalid " NMAP_DTD " %s >/dev/null 2>&1", path);
    int rc = system(cmd);
    unlink(path);
    return rc;
}

static void no_raw_control_bytes(const char *doc)
{
    for (const unsigned char *p = (const unsigned char *)doc; *p; p++)
        if (*p != '\n') assert_true(*p >= 0x20 && *p < 0x7f);
}

static void hostile_document_is_valid(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    char *doc = write_doc(&d, true);
    no_raw_control_bytes(doc);
    assert_non_null(strstr(doc, "args=\"cmap -&#45;reason -p 22 &quot;x&quot; &apos;y&apos; "
                                "&lt;z&gt; &amp; -&#45;a-&#45;b \\x01\\x1b[2J &#xff;&#xfe;\""));
    assert_non_null(strstr(doc, "<hostname name=\"evil-&#45;name&lt;&amp;&gt;&quot;&apos;"
                                "\\x01\\x07\\x1b]0;title\\x07\" type=\"user\"/>"));
    assert_non_null(strstr(doc, "type=\"PTR\"/>"));
    assert_non_null(strstr(doc, "href=\"file:///tmp/a&quot;b&lt;c&gt;&amp;-&#45;d.xsl\""));
    assert_non_null(strstr(doc, "addrtype=\"ipv6\""));
    assert_non_null(strstr(doc, "services=\"22,80,443\""));
    /* A port without an nmap-services name has no <service> element. */
    assert_non_null(strstr(doc, "portid=\"443\"><state state=\"closed\" reason=\"conn-refused\" "
                                "reason_ttl=\"0\"/></port>"));
    assert_int_equal(xmllint_valid(doc), 0);
    free(doc);
}

/* Only the comment's delimiters may contain "--". */
static void comment_has_no_double_dash(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    char *doc = write_doc(&d, true);
    const char *open = strstr(doc, "<!--"), *close = strstr(doc, "-->");
    assert_non_null(open);
    assert_non_null(close);
    for (const char *p = open + 4; p < close; p++)
        assert_false(p[0] == '-' && p[1] == '-');
    free(doc);
}

static void fatal_error_closes_document(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    d.run.error_message = "Could not \"bind\" <socket> -- \x01 gone";
    char *doc = write_doc(&d, true);
    assert_non_null(strstr(doc, " exit=\"error\" errormsg=\"Could not &quot;bind&quot; "
                                "&lt;socket&gt; -&#45; \\x01 gone\"/><hosts up=\"1\" down=\"0\" "
                                "total=\"1\"/>\n</runstats>\n</nmaprun>\n"));
    assert_int_equal(xmllint_valid(doc), 0);
    free(doc);
}

/* A run that dies before its first event still gets a complete document
 * (nmap writes a bare "<nmaprun><runstats>" there, which no parser takes). */
static void error_before_begin_is_valid(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    d.run.error_message = "early";
    d.run.hosts_total = d.run.hosts_up = 0;
    char *doc = write_doc(&d, false);
    assert_int_equal(strncmp(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39), 0);
    assert_non_null(strstr(doc, "exit=\"error\" errormsg=\"early\""));
    assert_int_equal(xmllint_valid(doc), 0);
    free(doc);
}

/* The validity checks above mean something only if invalid input fails. */
static void validator_rejects_bad_documents(void **state)
{
    (void)state;
    assert_int_not_equal(xmllint_valid("<nmaprun><runstats>"), 0);
    assert_int_not_equal(xmllint_valid("<?xml version=\"1.0\"?>\n<nmaprun>&#x1;</nmaprun>\n"), 0);
}

static void no_stylesheet_omits_pi(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    d.plan.no_stylesheet = true;
    char *doc = write_doc(&d, true);
    assert_null(strstr(doc, "xml-stylesheet"));
    free(doc);
    d.plan.no_stylesheet = false;
    d.plan.stylesheet = NULL;
    doc = write_doc(&d, true);
    assert_non_null(strstr(doc, "<?xml-stylesheet href=\"file:///usr/share/nmap/nmap.xsl\" "
                                "type=\"text/xsl\"?>\n"));
    free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_like_nmap),
        cmocka_unit_test(control_bytes_become_text),
        cmocka_unit_test(hostile_document_is_valid),
        cmocka_unit_test(comment_has_no_double_dash),
        cmocka_unit_test(fatal_error_closes_document),
        cmocka_unit_test(error_before_begin_is_valid),
        cmocka_unit_test(validator_rejects_bad_documents),
        cmocka_unit_test(no_stylesheet_omits_pi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
