// SPDX-License-Identifier: MIT
// PCRE2 compilation and matching: file order, fallbacks, binary subjects,
// nmap's limits, and known answers from nmap 7.93's own probe file (checked
// against nmap 7.93 with --versiondb and a listener sending the banner).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "service/match.h"
#include "service/match_internal.h"

#define SYSTEM_PROBES "/usr/share/nmap/nmap-service-probes"

static struct vscan_db *compiled(const char *text, unsigned flags)
{
    char err[256];
    struct vscan_db *db = vscan_parse(text, strlen(text), "t", err, sizeof err);
    if (!db) fail_msg("%s", err);
    assert_int_equal(vscan_compile(db, flags, NULL, NULL), 0);
    return db;
}

static const char synthetic[] =
    "Probe TCP NULL q||\n"
    "match late m|^never|\n"
    "softmatch ftp m|^220 |\n"
    "match ftp m|^220 (\\S+) FTP| p/$1/\n"
    "match bin m|^\\0\\x01(..)(.)|s v/$I(1,\"<\")/ i/$2/\n"
    "match uni m|^U(.*)$|s p/$P(1)/\n"
    "Probe TCP Get q|GET|\n"
    "match http m|^HTTP/1\\.(\\d)|i p/web/ v/1.$1/ o/Linux/ d/router/ h/gw/ "
    "cpe:/a:Web:Srv:1.$1/ cpe:/o:linux:linux_kernel/a cpe:/x:bad/\n";

static void first_line_in_file_order_wins(void **state)
{
    (void)state;
    struct vscan_db *db = compiled(synthetic, 0);
    struct vscan_matcher *m = vscan_matcher_new(db, 0);
    assert_non_null(m);
    struct vscan_result r;
    const uint8_t ftp[] = "220 box FTP ready\r\n";
    /* The softmatch comes first in the file, so it wins, as in nmap. */
    assert_true(vscan_match_probe(m, db->null_probe, ftp, sizeof ftp - 1, &r));
    assert_string_equal(r.match->service, "ftp");
    assert_true(r.match->soft);
    assert_int_equal(r.match->line, 3);
    assert_string_equal(r.product, "");
    const uint8_t none[] = "SSH-2.0-x\r\n";
    assert_false(vscan_match_probe(m, db->null_probe, none, sizeof none - 1, &r));
    assert_null(r.match);
    vscan_matcher_free(m);
    vscan_free(db);
}

static void binary_subjects_and_templates(void **state)
{
    (void)state;
    struct vscan_db *db = compiled(synthetic, 0);
    struct vscan_matcher *m = vscan_matcher_new(db, 0);
    struct vscan_result r;
    const uint8_t bin[] = {0, 1, 0x34, 0x12, '\n'};
    assert_true(vscan_match_probe(m, db->null_probe, bin, sizeof bin, &r));
    assert_string_equal(r.match->service, "bin");
    assert_string_equal(r.version, "4660");
    assert_string_equal(r.info, ""); /* "\n" trimmed */
    const uint8_t uni[] = {'U', 'W', 0, 'O', 0, 'R', 0, 'K', 0};
    assert_true(vscan_match_probe(m, db->null_probe, uni, sizeof uni, &r));
    assert_string_equal(r.product, "WORK");
    vscan_matcher_free(m);
    vscan_free(db);
}

static void fallbacks_reach_the_null_probe(void **state)
{
    (void)state;
    struct vscan_db *db = compiled(synthetic, 0);
    struct vscan_matcher *m = vscan_matcher_new(db, 0);
    struct vscan_result r;
    const struct vscan_probe *get = &db->probes[1];
    const uint8_t http[] = "http/1.1 200 OK\r\n";
    assert_true(vscan_match_response(m, get, http, sizeof http - 1, &r));
    assert_ptr_equal(r.source, get);
    assert_string_equal(r.product, "web");
    assert_string_equal(r.version, "1.1");
    assert_string_equal(r.ostype, "Linux");
    assert_string_equal(r.devicetype, "router");
    assert_string_equal(r.hostname, "gw");
    assert_string_equal(r.cpe_a, "cpe:/a:Web:Srv:1.1");
    assert_string_equal(r.cpe_o, "cpe:/o:linux:linux_kernel");
    assert_string_equal(r.cpe_h, "");
    assert_int_equal(r.failed, 0);
    const uint8_t ftp[] = "220 x FTP\r\n";
    assert_true(vscan_match_response(m, get, ftp, sizeof ftp - 1, &r));
    assert_ptr_equal(r.source, db->null_probe);
    assert_int_equal(r.match->line, 3);
    /* The probe alone does not know FTP. */
    assert_false(vscan_match_probe(m, get, ftp, sizeof ftp - 1, &r));
    vscan_matcher_free(m);
    vscan_free(db);
}

static void failed_templates_are_flagged(void **state)
{
    (void)state;
    struct vscan_db *db = compiled("Probe TCP NULL q||\n"
                                   "match x m|^(a*)(b)?| p/$1/ v/$2/ i/$P(1)/ cpe:/a:$3/\n",
                                   0);
    struct vscan_matcher *m = vscan_matcher_new(db, 0);
    struct vscan_result r;
    uint8_t subject[100];
    memset(subject, 'a', sizeof subject);
    assert_true(vscan_match_probe(m, db->null_probe, subject, sizeof subject, &r));
    assert_string_equal(r.product, ""); /* 100 bytes do not fit in 80 */
    assert_string_equal(r.version, ""); /* $2 did not take part */
    assert_int_equal(strlen(r.info), 100);
    assert_int_equal(r.failed, (1u << VSCAN_PRODUCT) | (1u << VSCAN_VERSION) | VSCAN_FAILED_CPE);
    vscan_matcher_free(m);
    vscan_free(db);
}

static void pathological_patterns_hit_the_limit(void **state)
{
    (void)state;
    static const unsigned modes[] = {0, VSCAN_COMPILE_NO_JIT};
    for (size_t i = 0; i < 2; i++) {
        struct vscan_db *db = compiled("Probe TCP NULL q||\n"
                                       "match evil m=^(a|aa)+$=\n"
                                       "match fine m|^a|\n",
                                       modes[i]);
        struct vscan_matcher *m = vscan_matcher_new(db, 0);
        uint8_t subject[64];
        memset(subject, 'a', sizeof subject);
        subject[63] = 'b';
        struct vscan_result r;
        assert_true(vscan_match_probe(m, db->null_probe, subject, sizeof subject, &r));
        assert_string_equal(r.match->service, "fine");
        assert_int_equal(r.limit_hits, 1);
        assert_int_equal(r.last_limit_hit->line, 2);
        vscan_matcher_free(m);
        vscan_free(db);
    }
}

static void on_fail(void *ud, const struct vscan_match *mt, const char *msg)
{
    assert_non_null(strstr(msg, "at regex offset 1: "));
    *(unsigned *)ud = mt->line;
}

static void compile_failures_are_reported(void **state)
{
    (void)state;
    char err[128];
    const char text[] = "Probe TCP NULL q||\nmatch a m|(|\nmatch b m|b|\n";
    struct vscan_db *db = vscan_parse(text, strlen(text), "t", err, sizeof err);
    assert_non_null(db);
    unsigned line = 0;
    assert_int_equal(vscan_compile(db, 0, on_fail, &line), 1);
    assert_int_equal(line, 2);
    struct vscan_matcher *m = vscan_matcher_new(db, 0);
    struct vscan_result r;
    assert_true(vscan_match_probe(m, db->null_probe, (const uint8_t *)"b", 1, &r));
    assert_string_equal(r.match->service, "b");
    vscan_matcher_free(m);
    vscan_free(db);
}

struct known {
    const char *probe;
    unsigned line; /* nmap --version-trace: "matched with NULL line 3525" */
    const char *response;
    size_t len;
    const char *service, *product, *version, *info, *ostype, *cpe_a, *cpe_o;
};

#define RESP(s) s, sizeof s - 1

/* nmap 7.93's answers for these responses (same lines, same fields). */
static const struct known known[] = {
    {"NULL", 3525, RESP("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), "ssh", "OpenSSH",
     "9.2p1 Debian 2+deb12u3", "protocol 2.0", "Linux", "cpe:/a:openbsd:openssh:9.2p1",
     "cpe:/o:linux:linux_kernel"},
    {"NULL", 3592, RESP("SSH-2.0-VShell_4_0_3 VShell\r\n"), "ssh", "VanDyke VShell sshd", "4.0.3",
     "protocol 2.0", "", "cpe:/a:vandyke:vshell:4.0.3", ""},
    {"NULL", 789, RESP("220 (vsFTPd 3.0.3)\r\n"), "ftp", "vsftpd", "3.0.3", "", "Unix",
     "cpe:/a:vsftpd:vsftpd:3.0.3", ""},
    {"GetRequest", 6948,
     RESP("HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n\r\n"), "http",
     "nginx", "1.22.1", "", "", "cpe:/a:igor_sysoev:nginx:1.22.1", ""},
};

static void nmaps_file_gives_nmaps_answers(void **state)
{
    (void)state;
    if (access(SYSTEM_PROBES, R_OK) != 0) skip();
    char err[256];
    struct vscan_db *db = vscan_load(SYSTEM_PROBES, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(vscan_compile(db, 0, NULL, NULL), 0);
    static const unsigned flags[] = {0, VSCAN_MATCH_NO_JIT, VSCAN_MATCH_NO_PREFILTER};
    for (size_t f = 0; f < 3; f++) {
        struct vscan_matcher *m = vscan_matcher_new(db, flags[f]);
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
            const struct known *k = &known[i];
            const struct vscan_probe *p = vscan_probe_by_name(db, k->probe, PROTO_TCP);
            struct vscan_result r;
            assert_true(vscan_match_response(m, p, (const uint8_t *)k->response, k->len, &r));
            assert_int_equal(r.match->line, k->line);
            assert_string_equal(r.match->service, k->service);
            assert_string_equal(r.product, k->product);
            assert_string_equal(r.version, k->version);
            assert_string_equal(r.info, k->info);
            assert_string_equal(r.ostype, k->ostype);
            assert_string_equal(r.cpe_a, k->cpe_a);
            assert_string_equal(r.cpe_o, k->cpe_o);
        }
        vscan_matcher_free(m);
    }
    vscan_free(db);
}

/* Background JIT: the answers are the same before the JIT code is in
 * place (interpreted), and after the matcher has swapped it in; freeing a
 * database whose thread is still working waits for it. */
static void background_jit_gives_the_same_answers(void **state)
{
    (void)state;
    if (access(SYSTEM_PROBES, R_OK) != 0) skip();
    char err[256];
    struct vscan_db *db = vscan_load(SYSTEM_PROBES, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(vscan_compile(db, VSCAN_COMPILE_JIT_BACKGROUND, NULL, NULL), 0);
    struct vscan_matcher *m = vscan_matcher_new(db, 0);
    assert_non_null(m);
    bool adopted = !vscan_jit_active(db);
    for (int round = 0; round < 400 && !adopted; round++) {
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
            const struct known *k = &known[i];
            const struct vscan_probe *p = vscan_probe_by_name(db, k->probe, PROTO_TCP);
            struct vscan_result r;
            assert_true(vscan_match_response(m, p, (const uint8_t *)k->response, k->len, &r));
            assert_int_equal(r.match->line, k->line);
            assert_string_equal(r.product, k->product);
            assert_string_equal(r.version, k->version);
        }
        adopted = !db->compiled->jit_pending;
        if (!adopted) usleep(10000);
    }
    assert_true(adopted); /* the thread finished and its code was taken */
    vscan_matcher_free(m);
    vscan_free(db);
    /* Freed at once, while the thread is still compiling. */
    db = vscan_load(SYSTEM_PROBES, err, sizeof err);
    assert_non_null(db);
    assert_int_equal(vscan_compile(db, VSCAN_COMPILE_JIT_BACKGROUND, NULL, NULL), 0);
    vscan_free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_line_in_file_order_wins),
        cmocka_unit_test(binary_subjects_and_templates),
        cmocka_unit_test(fallbacks_reach_the_null_probe),
        cmocka_unit_test(failed_templates_are_flagged),
        cmocka_unit_test(pathological_patterns_hit_the_limit),
        cmocka_unit_test(compile_failures_are_reported),
        cmocka_unit_test(nmaps_file_gives_nmaps_answers),
        cmocka_unit_test(background_jit_gives_the_same_answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
