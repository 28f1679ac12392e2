// SPDX-License-Identifier: MIT
// nmap-service-probes parser: the grammar, nmap's defaults and links, the
// errors with their line numbers, and nmap 7.93's own file.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/probes.h"

#define SYSTEM_PROBES "/usr/share/nmap/nmap-service-probes"

static struct vscan_db *parse(const char *text, char *err, size_t errlen)
{
    return vscan_parse(text, strlen(text), "t", err, errlen);
}

static const char sample[] =
    "# comment\n"
    "Exclude T:9100-9102,U:53\n"
    "\n"
    "Probe TCP NULL q||\n"
    "totalwaitms 6000\n"
    "tcpwrappedms 3000\n"
    "match ssh m|^SSH-([\\d.]+)-OpenSSH_(\\S+)|i p/OpenSSH/ v/$2/ i/protocol $1/ "
    "cpe:/a:openbsd:openssh:$2/a\n"
    "softmatch ftp m=^220 =s\n"
    "Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|\r\n"
    "rarity 1\r\n"
    "ports 80-85, 8080 ,8000-8000\r\n"
    "sslports 443\r\n"
    "fallback Other\r\n"
    "match http m%^HTTP/1\\.[01] \\d\\d\\d% p|x|  v=1= h/h/ o/o/ d/d/ p/last/\r\n"
    "match http m|^x| cpe:|h:vendor:box|\n"
    "match ftp m|^y|\n"
    "Probe UDP Other q|\\0\\x01\\xfFz\\\\\\!| no-payload\n"
    "rarity 9\n"
    "Probe TCP Other q|o|\n"
    "fallback GetRequest , Other\tNULL\n";

static void parses_probes_and_their_directives(void **state)
{
    (void)state;
    char err[256];
    struct vscan_db *db = parse(sample, err, sizeof err);
    assert_non_null(db);
    assert_string_equal(err, "");
    assert_int_equal(db->probe_count, 4);
    assert_int_equal(db->match_count, 4);
    assert_int_equal(db->softmatch_count, 1);
    const struct vscan_probe *null = &db->probes[0], *get = &db->probes[1];
    assert_ptr_equal(db->null_probe, null);
    assert_string_equal(null->name, "NULL");
    assert_int_equal(null->payload_len, 0);
    assert_int_equal(null->totalwaitms, 6000);
    assert_int_equal(null->tcpwrappedms, 3000);
    assert_int_equal(null->rarity, VSCAN_DEFAULT_RARITY);
    assert_int_equal(null->line, 4);
    assert_string_equal(get->name, "GetRequest");
    assert_int_equal(get->proto, PROTO_TCP);
    assert_int_equal(get->payload_len, 18);
    assert_memory_equal(get->payload, "GET / HTTP/1.0\r\n\r\n", 18);
    assert_int_equal(get->rarity, 1);
    assert_int_equal(get->totalwaitms, VSCAN_DEFAULT_WAITMS);
    assert_int_equal(get->tcpwrappedms, VSCAN_DEFAULT_TCPWRAPPEDMS);
    assert_false(get->no_payload);
    const struct vscan_probe *udp = &db->probes[2];
    assert_int_equal(udp->proto, PROTO_UDP);
    assert_true(udp->no_payload);
    assert_int_equal(udp->payload_len, 6);
    assert_memory_equal(udp->payload, "\0\x01\xffz\\!", 6);
    vscan_free(db);
}

static void parses_match_lines_with_any_delimiter(void **state)
{
    (void)state;
    char err[256];
    struct vscan_db *db = parse(sample, err, sizeof err);
    assert_non_null(db);
    const struct vscan_match *ssh = &db->probes[0].matches[0];
    assert_string_equal(ssh->service, "ssh");
    assert_string_equal(ssh->pattern, "^SSH-([\\d.]+)-OpenSSH_(\\S+)");
    assert_int_equal(ssh->pattern_len, strlen(ssh->pattern));
    assert_true(ssh->caseless);
    assert_false(ssh->dotall);
    assert_false(ssh->soft);
    assert_int_equal(ssh->line, 7);
    assert_string_equal(ssh->tmpl[VSCAN_PRODUCT], "OpenSSH");
    assert_string_equal(ssh->tmpl[VSCAN_VERSION], "$2");
    assert_string_equal(ssh->tmpl[VSCAN_INFO], "protocol $1");
    assert_null(ssh->tmpl[VSCAN_HOSTNAME]);
    assert_int_equal(ssh->cpe_count, 1);
    assert_string_equal(ssh->cpe[0], "cpe:/a:openbsd:openssh:$2");
    const struct vscan_match *ftp = &db->probes[0].matches[1];
    assert_true(ftp->soft);
    assert_true(ftp->dotall);
    assert_string_equal(ftp->pattern, "^220 ");
    const struct vscan_match *http = &db->probes[1].matches[0];
    assert_string_equal(http->pattern, "^HTTP/1\\.[01] \\d\\d\\d");
    assert_string_equal(http->tmpl[VSCAN_PRODUCT], "last"); /* a repeated field: last wins */
    assert_string_equal(http->tmpl[VSCAN_VERSION], "1");
    assert_string_equal(http->tmpl[VSCAN_HOSTNAME], "h");
    assert_string_equal(http->tmpl[VSCAN_OSTYPE], "o");
    assert_string_equal(http->tmpl[VSCAN_DEVICETYPE], "d");
    assert_string_equal(db->probes[1].matches[1].cpe[0], "cpe:/h:vendor:box");
    vscan_free(db);
}

static void ports_exclude_services_and_fallbacks(void **state)
{
    (void)state;
    char err[256];
    struct vscan_db *db = parse(sample, err, sizeof err);
    assert_non_null(db);
    const struct vscan_probe *null = &db->probes[0], *get = &db->probes[1];
    const struct vscan_probe *udp = &db->probes[2], *other = &db->probes[3];
    assert_true(vscan_port_probable(get, false, 80));
    assert_true(vscan_port_probable(get, false, 85));
    assert_true(vscan_port_probable(get, false, 8000));
    assert_true(vscan_port_probable(get, false, 8080));
    assert_false(vscan_port_probable(get, false, 86));
    assert_false(vscan_port_probable(get, false, 443));
    assert_true(vscan_port_probable(get, true, 443));
    assert_true(vscan_excluded(db, 9101, PROTO_TCP));
    assert_false(vscan_excluded(db, 9103, PROTO_TCP));
    assert_false(vscan_excluded(db, 9101, PROTO_UDP));
    assert_true(vscan_excluded(db, 53, PROTO_UDP));
    assert_false(vscan_excluded(db, 53, PROTO_SCTP));
    /* detectedServices: http and ftp, first appearance first. */
    assert_int_equal(get->service_count, 2);
    assert_string_equal(get->services[0], "http");
    assert_string_equal(get->services[1], "ftp");
    assert_true(vscan_service_possible(get, "ftp"));
    assert_false(vscan_service_possible(get, "ssh"));
    /* NULL: itself only. */
    assert_int_equal(null->fallback_count, 1);
    assert_ptr_equal(null->fallbacks[0], null);
    /* A TCP probe naming "Other" gets the TCP Other, though the UDP one
     * comes first in the file; then the NULL probe. */
    assert_int_equal(get->fallback_count, 3);
    assert_ptr_equal(get->fallbacks[0], get);
    assert_ptr_equal(get->fallbacks[1], other);
    assert_ptr_equal(get->fallbacks[2], null);
    /* UDP without a fallback directive: itself, and no NULL probe. */
    assert_int_equal(udp->fallback_count, 1);
    /* Commas and blanks separate names; NULL may be named explicitly. */
    assert_int_equal(other->fallback_count, 5);
    assert_ptr_equal(other->fallbacks[1], get);
    assert_ptr_equal(other->fallbacks[2], other);
    assert_ptr_equal(other->fallbacks[3], null);
    assert_ptr_equal(other->fallbacks[4], null);
    assert_ptr_equal(vscan_probe_by_name(db, "Other", PROTO_UDP), udp);
    assert_null(vscan_probe_by_name(db, "NULL", PROTO_UDP));
    vscan_free(db);
}

static void fallback_may_cross_protocols(void **state)
{
    (void)state;
    char err[256];
    struct vscan_db *db = parse("Probe TCP NULL q||\n"
                                "Probe UDP Bar q|x|\n"
                                "Probe TCP Foo q|y|\n"
                                "fallback Bar\n",
                                err, sizeof err);
    assert_non_null(db);
    const struct vscan_probe *foo = &db->probes[2];
    assert_int_equal(foo->fallback_count, 3);
    assert_ptr_equal(foo->fallbacks[1], &db->probes[1]);
    vscan_free(db);
}

static void expect_error(const char *text, const char *want)
{
    char err[256] = "";
    struct vscan_db *db = parse(text, err, sizeof err);
    if (db || strcmp(err, want) != 0)
        fail_msg("input:\n%s\ngot: %s\nwant: %s", text, db ? "(parsed)" : err, want);
}

static void errors_name_the_line(void **state)
{
    (void)state;
    expect_error("# x\nmatch ssh m|x|\n",
                 "t:2: line was expected to begin with \"Probe \" or \"Exclude \"");
    expect_error("Probe TCP NULL q||\nfrob 1\n", "t:2: unknown directive");
    expect_error("Probe TCP NULL q||\nExclude 80\n",
                 "t:2: the Exclude directive must precede all Probes");
    expect_error("Exclude 80\nExclude 81\n", "t:2: only 1 Exclude directive is allowed");
    expect_error("Probe SCTP X q|a|\n", "t:1: invalid protocol: a Probe is TCP or UDP");
    expect_error("Probe TCP -X q|a|\n", "t:1: bad probe name");
    expect_error("Probe TCP X\n", "t:1: nothing after the probe name");
    expect_error("Probe TCP X r|a|\n", "t:1: the probe string must begin with 'q'");
    expect_error("Probe TCP X q|a\n", "t:1: no ending delimiter for the probe string");
    expect_error("Probe TCP X q|\\q|\n", "t:1: bad escape in the probe string");
    expect_error("Probe TCP X q|\\x4|\n", "t:1: bad escape in the probe string");
    expect_error("Probe TCP X q|a| payload\n",
                 "t:1: unexpected text after the probe string: 'payload'");
    expect_error("Probe TCP X q|a|\nmatch ssh\n", "t:2: could not find the service name");
    expect_error("Probe TCP X q|a|\nmatch  m|x|\n", "t:2: empty service name");
    expect_error("Probe TCP X q|a|\nmatch ssh \n", "t:2: no regex after the service name");
    expect_error("Probe TCP X q|a|\nmatch ssh r|x|\n", "t:2: the regex must begin with 'm'");
    expect_error("Probe TCP X q|a|\nmatch ssh m|x|g\n", "t:2: illegal regex option 'g'");
    expect_error("Probe TCP X q|a|\nmatch ssh m|x\n", "t:2: no closing '|' for the m field");
    expect_error("Probe TCP X q|a|\nmatch ssh m|x| z/1/\n", "t:2: unknown template specifier 'z'");
    expect_error("Probe TCP X q|a|\nmatch ssh m|x| p\n", "t:2: missing delimiter after 'p'");
    expect_error("Probe TCP X q|a|\nmatch ssh m|x| p/1\n", "t:2: no closing '/' for the p field");
    expect_error("Probe TCP X q|a|\nrarity 0\n", "t:2: rarity must be a number between 1 and 9");
    expect_error("Probe TCP X q|a|\nrarity 5x\n", "t:2: rarity must be a number between 1 and 9");
    expect_error("Probe TCP X q|a|\ntotalwaitms 99\n",
                 "t:2: totalwaitms must be a number between 100 and 300000");
    expect_error("Probe TCP X q|a|\ntcpwrappedms 99999999999999999999\n",
                 "t:2: tcpwrappedms must be a number between 100 and 300000");
    expect_error("Probe TCP X q|a|\nports 70000\n",
                 "t:2: ports must be between 0 and 65535 inclusive");
    expect_error("Probe TCP X q|a|\nports 80-20\n", "t:2: port range 80-20 is backwards");
    expect_error("Probe TCP X q|a|\nports 80;81\n",
                 "t:2: an example of proper port list form is \"21-25,53,80\"");
    expect_error("Probe TCP X q|a|\nfallback Nope\n", "t:2: unknown fallback 'Nope' in probe X");
    expect_error("Probe TCP NULL q||\nProbe TCP Y q||\n",
                 "t:2: a second probe with an empty probe string (line 1 already has the "
                 "NULL probe)");
    expect_error("Exclude 80-20\n",
                 "t:1: bad Exclude directive: Your port range 80-20 is backwards. Did you mean "
                 "20-80?");
    static const char nul[] = "Probe TCP X q|a|\nmatch a m|\0|\n";
    char err[128];
    assert_null(vscan_parse(nul, sizeof nul - 1, "t", err, sizeof err));
    assert_string_equal(err, "t:2: NUL byte in line");
}

static void at_most_seventeen_named_fallbacks(void **state)
{
    (void)state;
    char text[512] = "Probe TCP X q|a|\nfallback X";
    for (int i = 1; i < 17; i++)
        strcat(text, ",X");
    char err[256];
    struct vscan_db *db = parse(text, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(db->probes[0].fallback_count, 18);
    vscan_free(db);
    strcat(text, ",X");
    expect_error(text, "t:2: too many fallbacks in probe X (at most 17)");
}

static void empty_and_comment_only_files_have_no_probes(void **state)
{
    (void)state;
    char err[64];
    struct vscan_db *db = parse("# only\n\n   \n", err, sizeof err);
    assert_non_null(db);
    assert_int_equal(db->probe_count, 0);
    assert_null(db->null_probe);
    assert_false(vscan_excluded(db, 9100, PROTO_TCP));
    vscan_free(db);
}

static void load_reports_io_errors(void **state)
{
    (void)state;
    char err[256];
    assert_null(vscan_load("/nonexistent/nmap-service-probes", err, sizeof err));
    assert_string_equal(err, "/nonexistent/nmap-service-probes: No such file or directory");
    char path[] = "/tmp/cmap-probes-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char bad[] = "Probe TCP NULL q||\nbogus\n";
    assert_int_equal(write(fd, bad, sizeof bad - 1), sizeof bad - 1);
    close(fd);
    assert_null(vscan_load(path, err, sizeof err));
    char want[300];
    snprintf(want, sizeof want, "%s:2: unknown directive", path);
    assert_string_equal(err, want);
    unlink(path);
}

static void loads_nmaps_own_file(void **state)
{
    (void)state;
    if (access(SYSTEM_PROBES, R_OK) != 0) skip();
    char err[256];
    struct vscan_db *db = vscan_load(SYSTEM_PROBES, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(db->probe_count, 148);
    assert_int_equal(db->match_count, 11721);
    assert_int_equal(db->softmatch_count, 196);
    assert_true(vscan_excluded(db, 9100, PROTO_TCP));
    assert_true(vscan_excluded(db, 9107, PROTO_TCP));
    assert_false(vscan_excluded(db, 9108, PROTO_TCP));
    assert_false(vscan_excluded(db, 9100, PROTO_UDP));
    const struct vscan_probe *null = db->null_probe;
    assert_non_null(null);
    assert_string_equal(null->name, "NULL");
    assert_int_equal(null->totalwaitms, 6000);
    assert_int_equal(null->tcpwrappedms, 3000);
    const struct vscan_probe *get = vscan_probe_by_name(db, "GetRequest", PROTO_TCP);
    assert_non_null(get);
    assert_int_equal(get->rarity, 1);
    assert_true(vscan_port_probable(get, false, 80));
    assert_true(vscan_port_probable(get, true, 443));
    assert_true(vscan_service_possible(get, "http"));
    const struct vscan_probe *bind = vscan_probe_by_name(db, "DNSVersionBindReqTCP", PROTO_TCP);
    assert_non_null(bind);
    assert_int_equal(bind->fallback_count, 3);
    assert_ptr_equal(bind->fallbacks[1], vscan_probe_by_name(db, "DNSVersionBindReq", PROTO_UDP));
    assert_ptr_equal(bind->fallbacks[2], null);
    vscan_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_probes_and_their_directives),
        cmocka_unit_test(parses_match_lines_with_any_delimiter),
        cmocka_unit_test(ports_exclude_services_and_fallbacks),
        cmocka_unit_test(fallback_may_cross_protocols),
        cmocka_unit_test(errors_name_the_line),
        cmocka_unit_test(at_most_seventeen_named_fallbacks),
        cmocka_unit_test(empty_and_comment_only_files_have_no_probes),
        cmocka_unit_test(load_reports_io_errors),
        cmocka_unit_test(loads_nmaps_own_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
