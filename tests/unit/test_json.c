// SPDX-License-Identifier: MIT
// JSON output: string escaping of hostile bytes, the emitter's separators,
// and -oJ / -oJL documents built from hostile names, each validated against
// docs/cmap-json.schema.json with python3-jsonschema (skipped where
// /usr/bin/python3 lacks it).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/plan.h"
#include "report/jsonesc.h"
#include "report/jsonw.h"
#include "report/model.h"
#include "report/writer.h"

/* ---- escaping ---- */

static char *escaped(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    json_put_string(mem, s);
    fclose(mem);
    return buf;
}

static void expect_json(const char *in, const char *want)
{
    char *got = escaped(in);
    assert_string_equal(got, want);
    free(got);
}

static void escapes_quotes_and_backslashes(void **state)
{
    (void)state;
    expect_json("plain text/ok", "\"plain text/ok\"");
    expect_json("", "\"\"");
    expect_json("a\"b\\c", "\"a\\\"b\\\\c\"");
    expect_json("\\\"", "\"\\\\\\\"\"");
}

static void escapes_control_bytes(void **state)
{
    (void)state;
    expect_json("\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"");
    expect_json("\x01\x1b[2J\x1f", "\"\\u0001\\u001b[2J\\u001f\"");
    expect_json("del\x7f", "\"del\\u007f\"");
    /* C1 controls are valid UTF-8 but drive some terminals (0x9b is CSI). */
    expect_json("\xc2\x80\xc2\x9b\xc2\x9f", "\"\\u0080\\u009b\\u009f\"");
    expect_json("\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"");
}

static void valid_utf8_passes(void **state)
{
    (void)state;
    expect_json("caf\xc3\xa9", "\"caf\xc3\xa9\"");
    expect_json("\xc2\xa0nbsp", "\"\xc2\xa0nbsp\"");
    expect_json("\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\"");
    expect_json("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
    expect_json("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""); /* U+10FFFF */
    expect_json("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");         /* a real U+FFFD */
}

static void invalid_utf8_becomes_replacement(void **state)
{
    (void)state;
    expect_json("\x80", "\"\\ufffd\"");                                  /* stray continuation */
    expect_json("\xff\xfe", "\"\\ufffd\\ufffd\"");                       /* never valid */
    expect_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");                       /* overlong '/' */
    expect_json("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");            /* overlong, 3 bytes */
    expect_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");            /* surrogate D800 */
    expect_json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
    expect_json("ab\xe2\x82", "\"ab\\ufffd\\ufffd\"");                   /* truncated at the end */
    expect_json("\xc3(x", "\"\\ufffd(x\"");              /* lead without continuation */
    expect_json("\xe2\x82\"", "\"\\ufffd\\ufffd\\\"\""); /* quote after a cut sequence */
    expect_json("\xc3\xa9\x80\xc3\xa9", "\"\xc3\xa9\\ufffd\xc3\xa9\"");
}

/* Every byte value at every position: the output is plain ASCII or valid
 * UTF-8 with no raw control byte, and the quotes stay balanced. */
static void any_byte_gives_clean_output(void **state)
{
    (void)state;
    for (unsigned a = 1; a < 256; a++) {
        for (unsigned b = 1; b < 256; b += 7) {
            char in[4] = {(char)a, (char)b, '\\', 0};
            char *out = escaped(in);
            size_t n = strlen(out);
            assert_true(n >= 2 && out[0] == '"' && out[n - 1] == '"');
            for (size_t i = 0; i < n; i++)
                assert_true((unsigned char)out[i] >= 0x20 && out[i] != 0x7f);
            free(out);
        }
    }
}

/* ---- emitter ---- */

static char *emit(void (*fn)(struct jw *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    struct jw j;
    jw_init(&j, mem);
    fn(&j);
    fclose(mem);
    return buf;
}

static void nested(struct jw *j)
{
    jw_object_begin(j);
    jw_kstring(j, "a", "x");
    jw_kint(j, "b", -5);
    jw_key(j, "c");
    jw_array_begin(j, false);
    jw_int(j, 1);
    jw_object_begin(j);
    jw_object_end(j);
    jw_array_begin(j, false);
    jw_array_end(j);
    jw_bool(j, false);
    jw_array_end(j);
    jw_key(j, "d");
    jw_fixed2(j, 1.005);
    jw_key(j, "e");
    jw_fixed2(j, NAN);
    jw_kbool(j, "f", true);
    jw_object_end(j);
}

static void emitter_places_commas(void **state)
{
    (void)state;
    char *out = emit(nested);
    assert_string_equal(out, "{\"a\":\"x\",\"b\":-5,\"c\":[1,{},[],false],\"d\":1.00,\"e\":0.00,"
                             "\"f\":true}");
    free(out);
}

static void lines(struct jw *j)
{
    jw_array_begin(j, true);
    jw_raw(j, "{\"r\":1}");
    jw_int(j, 2);
    jw_array_end(j);
    jw_array_begin(j, true);
    jw_array_end(j);
}

static void emitter_line_arrays(void **state)
{
    (void)state;
    char *out = emit(lines);
    assert_string_equal(out, "[\n{\"r\":1},\n2\n][]");
    free(out);
}

static void cut_short(struct jw *j)
{
    jw_object_begin(j);
    jw_key(j, "hosts");
    jw_array_begin(j, true);
    jw_object_begin(j);
    jw_key(j, "half");
    jw_close_to(j, 2);
    jw_array_end(j);
    jw_object_end(j);
}

static void emitter_closes_open_records(void **state)
{
    (void)state;
    char *out = emit(cut_short);
    assert_string_equal(out, "{\"hosts\":[\n{\"half\":null}\n]}");
    free(out);
}

/* ---- documents ---- */

struct doc {
    struct plan plan;
    struct run run;
    struct host host, down, listed;
    struct port_result ports[40];
    uint16_t scan_ports[40];
};

static void build_ports(struct doc *d)
{
    static const char *const names[3] = {"ssh", "we<ird>&\"svc\\\x02\xff", NULL};
    for (int i = 0; i < 40; i++) {
        d->scan_ports[i] = (uint16_t)(i < 3 ? (uint16_t[]){80, 22, 443}[i] : 1000 + i);
        bool open = i == 0;
        d->ports[i] = (struct port_result){.port = d->scan_ports[i],
                                           .proto = PROTO_TCP,
                                           .state = open ? PORT_OPEN : PORT_CLOSED,
                                           .reason = open ? REASON_SYN_ACK : REASON_CONN_REFUSED,
                                           .service = i < 3 ? names[i] : "x"};
    }
    d->plan.ports.ports[PROTO_TCP] = d->scan_ports;
    d->plan.ports.count[PROTO_TCP] = 40;
    d->host.ports = d->ports;
    d->host.n_ports = 40;
}

static void build_hostile(struct doc *d)
{
    memset(d, 0, sizeof *d);
    d->plan.command_line = "cmap -p 22 \"x\" 'y' \\ \x01\x1b[2J \xff\xfe \xc3\xa9";
    d->plan.tcp_scan = TCP_SCAN_CONNECT;
    d->run.plan = &d->plan;
    d->run.hosts_total = 3;
    d->run.hosts_up = 1;
    d->run.start_time.tv_sec = 1700000000;
    d->run.end_time = (struct timeval){.tv_sec = 1700000002, .tv_usec = 500000};
    net_addr_parse("fd00::7", AF_INET6, &d->host.addr);
    d->host.target_name = "evil\"name\\\x01\x07\x1b]0;title\x07";
    d->host.rdns = "ptr\xc3\x28invalid\xe2\x82utf8\x7f\xc2\x9b";
    d->host.state = HOST_STATE_UP;
    d->host.reason = REASON_USER_SET;
    d->host.have_times = true;
    d->host.srtt_us = 120, d->host.rttvar_us = 50, d->host.timeout_us = 100000;
    build_ports(d);
    net_addr_parse("198.18.1.9", AF_INET, &d->down.addr);
    d->down.state = HOST_STATE_DOWN;
    d->down.reason = REASON_NO_RESPONSE;
    net_addr_parse("198.18.1.10", AF_INET, &d->listed.addr);
    d->listed.state = HOST_STATE_UNKNOWN;
}

static char *render(const struct writer_ops *ops, struct doc *d, bool begin)
{
    char *buf = NULL;
    size_t len = 0;
    struct writer w = {.ops = ops, .fp = open_memstream(&buf, &len)};
    struct task_event t = {.name = "Connect \"Scan\"", .n_hosts = 1, .ports_per_host = 40};
    struct progress_event early = {.task = "Connect Scan", .percent = 0.5};
    struct progress_event later = {.task = "Connect Scan",
                                   .percent = 12.345,
                                   .have_etc = true,
                                   .remaining = 186.4,
                                   .etc = 1700000200};
    if (begin) {
        assert_int_equal(ops->run_begin(&w, &d->run), 0);
        assert_int_equal(ops->task_begin(&w, &d->run, &t), 0);
        assert_int_equal(ops->task_progress(&w, &d->run, &early), 0);
        assert_int_equal(ops->task_progress(&w, &d->run, &later), 0);
        assert_int_equal(ops->host_done(&w, &d->run, &d->host), 0);
        assert_int_equal(ops->task_end(&w, &d->run, &t), 0);
        assert_int_equal(ops->host_done(&w, &d->run, &d->down), 0);
        assert_int_equal(ops->host_done(&w, &d->run, &d->listed), 0);
    }
    assert_int_equal(ops->run_end(&w, &d->run), 0);
    if (ops->destroy) ops->destroy(&w);
    fclose(w.fp);
    return buf;
}

/* __FILE__ is relative to the build root, where meson runs the tests;
 * from elsewhere, find the build root from our own path. */
static const char *schema_path(void)
{
    static char path[4096];
    char file[2048], exe[2048] = "";
    snprintf(file, sizeof file, "%s", __FILE__);
    snprintf(path, sizeof path, "%s/../../docs/cmap-json.schema.json", dirname(file));
    if (path[0] == '/' || access(path, R_OK) == 0) return path;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) exe[n] = '\0';
    snprintf(file, sizeof file, "%s", __FILE__);
    snprintf(path, sizeof path, "%s/../../%s/../../docs/cmap-json.schema.json", dirname(exe),
             dirname(file));
    return path;
}

/* Parses the text as one document ("doc") or as JSON Lines ("lines") and
 * validates every value against the schema; prints the record types. */
static const char validator[] =
    "import json, sys, jsonschema\n"
    "schema = json.load(open(sys.argv[1]))\n"
    "jsonschema.Draft202012Validator.check_schema(schema)\n"
    "v = jsonschema.Draft202012Validator(schema)\n"
    "raw = open(sys.argv[3], 'rb').read()\n"
    "text = raw.decode('utf-8')\n"
    "if sys.argv[2] == 'doc':\n"
    "    values = [json.loads(text)]\n"
    "else:\n"
    "    assert text.endswith('\\n')\n"
    "    values = [json.loads(line) for line in text.split('\\n')[:-1]]\n"
    "for value in values:\n"
    "    error = jsonschema.exceptions.best_match(v.iter_errors(value))\n"
    "    if error:\n"
    "        sys.exit('invalid at %s: %s' % (list(error.absolute_path), error.message[:300]))\n"
    "print(' '.join(value['type'] for value in values))\n";

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* The record types the validator saw, space separated; skips the test
 * where python3-jsonschema is missing. */
static char *validate(const char *text, const char *mode)
{
    if (system("/usr/bin/python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) skip();
    char script[] = "/tmp/cmap-test-json-py-XXXXXX", data[] = "/tmp/cmap-test-json-XXXXXX";
    int fd1 = mkstemp(script), fd2 = mkstemp(data);
    assert_true(fd1 >= 0 && fd2 >= 0);
    close(fd1);
    close(fd2);
    write_file(script, validator);
    write_file(data, text);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s %s %s %s", script, schema_path(), mode, data);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *types = calloc(1, 4096);
    size_t n = fread(types, 1, 4095, p);
    types[n] = '\0';
    int rc = pclose(p);
    unlink(script);
    unlink(data);
    if (rc != 0) fail_msg("schema validation failed (%d) for:\n%.3000s", rc, text);
    types[strcspn(types, "\n")] = '\0';
    return types;
}

static void no_raw_control_bytes(const char *doc)
{
    for (const unsigned char *p = (const unsigned char *)doc; *p; p++)
        if (*p != '\n') assert_true(*p >= 0x20 && *p != 0x7f);
}

static void hostile_document_is_valid(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    d.plan.verbosity = 1;
    char *doc = render(&json_writer_ops, &d, true);
    no_raw_control_bytes(doc);
    assert_non_null(strstr(doc, "\"args\":\"cmap -p 22 \\\"x\\\" 'y' \\\\ \\u0001\\u001b[2J "
                                "\\ufffd\\ufffd \xc3\xa9\""));
    assert_non_null(strstr(doc, "{\"name\":\"evil\\\"name\\\\\\u0001\\u0007\\u001b]0;title"
                                "\\u0007\",\"type\":\"user\"}"));
    assert_non_null(strstr(doc, "{\"name\":\"ptr\\ufffd(invalid\\ufffd\\ufffdutf8\\u007f"
                                "\\u009b\",\"type\":\"PTR\"}"));
    assert_non_null(strstr(doc, "\"name\":\"we<ird>&\\\"svc\\\\\\u0002\\ufffd\""));
    assert_non_null(strstr(doc, "\"services\":\"22,80,443,1003-1039\""));
    assert_non_null(strstr(doc, "\"task\":\"Connect \\\"Scan\\\"\""));
    assert_non_null(strstr(doc, "\"extrainfo\":\"40 total ports\""));
    assert_non_null(strstr(doc, "{\"type\":\"taskprogress\",\"task\":\"Connect Scan\","
                                "\"time\":0,\"percent\":0.50}"));
    assert_non_null(strstr(doc, "\"percent\":12.35,\"remaining\":186,\"etc\":1700000200}"));
    assert_non_null(strstr(doc, "\"elapsed\":2.50,\"exit\":\"success\""));
    assert_non_null(strstr(doc, "\"hosts\":{\"up\":1,\"down\":2,\"total\":3}"));
    char *types = validate(doc, "doc");
    assert_string_equal(types, "run");
    free(types);
    free(doc);
}

/* Folded ports are summarised as in the XML and still listed one by one;
 * a port without a service name has no "service". */
static void every_port_listed_with_summary(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    char *doc = render(&json_writer_ops, &d, true);
    assert_non_null(strstr(doc, "\"extraports\":[{\"state\":\"closed\",\"count\":39,"
                                "\"extrareasons\":[{\"reason\":\"conn-refused\",\"count\":39,"
                                "\"proto\":\"tcp\",\"ports\":\"22,443,1003-1039\"}]}]"));
    size_t listed = 0;
    for (const char *p = doc; (p = strstr(p, "\"portid\":")); p++)
        listed++;
    assert_int_equal(listed, 40);
    assert_non_null(strstr(doc, "{\"protocol\":\"tcp\",\"portid\":443,\"state\":{\"state\":"
                                "\"closed\",\"reason\":\"conn-refused\",\"reason_ttl\":0}}"));
    /* Without -v, down hosts and task events are left out, as in the XML;
     * progress reports are not. */
    assert_null(strstr(doc, "198.18.1.9"));
    assert_null(strstr(doc, "taskbegin"));
    assert_non_null(strstr(doc, "\"tasks\":[\n{\"type\":\"taskprogress\""));
    free(validate(doc, "doc"));
    free(doc);
}

/* --open: a host without open ports is left out; others list only the
 * ports the XML shows. */
static void open_only_filters(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    d.plan.open_only = true;
    char *doc = render(&json_writer_ops, &d, true);
    size_t listed = 0;
    for (const char *p = doc; (p = strstr(p, "\"portid\":")); p++)
        listed++;
    assert_int_equal(listed, 1);
    free(validate(doc, "doc"));
    free(doc);
    d.ports[0].state = PORT_CLOSED;
    doc = render(&json_writer_ops, &d, true);
    assert_non_null(strstr(doc, "\"hosts\":[\n{\"type\":\"host\",\"status\":{\"state\":"
                                "\"unknown\""));
    assert_null(strstr(doc, "fd00::7"));
    free(validate(doc, "doc"));
    free(doc);
}

static void lines_are_records_in_order(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    d.plan.verbosity = 1;
    char *text = render(&jsonl_writer_ops, &d, true);
    no_raw_control_bytes(text);
    char *types = validate(text, "lines");
    assert_string_equal(types, "run taskbegin taskprogress taskprogress host taskend host host "
                               "runstats");
    free(types);
    /* Each record is on one line and starts with its type. */
    for (const char *line = text; *line; line = strchr(line, '\n') + 1)
        assert_int_equal(strncmp(line, "{\"type\":\"", 9), 0);
    free(text);
}

/* A run that dies before its first event still gets complete JSON. */
static void error_before_begin_is_complete(void **state)
{
    (void)state;
    struct doc d;
    build_hostile(&d);
    d.run.error_message = "Could not \"bind\" \x01 gone\xff";
    d.run.hosts_total = d.run.hosts_up = 0;
    char *doc = render(&json_writer_ops, &d, false);
    assert_non_null(strstr(doc, "\"hosts\":[],\"tasks\":[],\"runstats\":"));
    assert_non_null(strstr(doc, "\"exit\":\"error\",\"errormsg\":\"Could not \\\"bind\\\" "
                                "\\u0001 gone\\ufffd\""));
    free(validate(doc, "doc"));
    free(doc);
    char *text = render(&jsonl_writer_ops, &d, false);
    char *types = validate(text, "lines");
    assert_string_equal(types, "run runstats");
    free(types);
    free(text);
}

/* Writes that fail (a full disk) are reported, never swallowed. */
static void write_errors_are_reported(void **state)
{
    (void)state;
    const struct writer_ops *all[2] = {&json_writer_ops, &jsonl_writer_ops};
    for (int i = 0; i < 2; i++) {
        struct doc d;
        build_hostile(&d);
        FILE *full = fopen("/dev/full", "w");
        if (!full) skip();
        struct writer w = {.ops = all[i], .fp = full};
        assert_int_equal(all[i]->run_begin(&w, &d.run), -1);
        assert_int_equal(all[i]->host_done(&w, &d.run, &d.host), -1);
        assert_int_equal(all[i]->run_end(&w, &d.run), -1);
        if (all[i]->destroy) all[i]->destroy(&w);
        fclose(full);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escapes_quotes_and_backslashes),
        cmocka_unit_test(escapes_control_bytes),
        cmocka_unit_test(valid_utf8_passes),
        cmocka_unit_test(invalid_utf8_becomes_replacement),
        cmocka_unit_test(any_byte_gives_clean_output),
        cmocka_unit_test(emitter_places_commas),
        cmocka_unit_test(emitter_line_arrays),
        cmocka_unit_test(emitter_closes_open_records),
        cmocka_unit_test(hostile_document_is_valid),
        cmocka_unit_test(every_port_listed_with_summary),
        cmocka_unit_test(open_only_filters),
        cmocka_unit_test(lines_are_records_in_order),
        cmocka_unit_test(error_before_begin_is_complete),
        cmocka_unit_test(write_errors_are_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
