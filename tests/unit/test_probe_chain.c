// SPDX-License-Identifier: MIT
// Probe order and the meaning of a probe's ending: a small file for each
// rule, then nmap 7.93's own file against the orders nmap 7.93 was seen
// sending (--version-trace and its fingerprints, recorded in a namespace
// lab: port 2000 is in SSLSessionReq's, SSLv23SessionReq's and NCP's
// ports lines; port 2006 is in none).
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "service/probe_chain.h"

#define SYSTEM_PROBES "/usr/share/nmap/nmap-service-probes"

static const char small[] = "Probe TCP NULL q||\n"
                            "totalwaitms 6000\n"
                            "tcpwrappedms 3000\n"
                            "match ssh m|^SSH-|\n"
                            "Probe TCP Common q|a|\n"
                            "rarity 1\n"
                            "match http m|^HTTP/|\n"
                            "Probe TCP ForPort q|b|\n"
                            "rarity 9\n"
                            "ports 25,80\n"
                            "sslports 443\n"
                            "match smtp m|^220 |\n"
                            "Probe UDP Dns q|c|\n"
                            "rarity 1\n"
                            "match dns m|^x|\n"
                            "Probe TCP Rare q|d|\n"
                            "rarity 8\n"
                            "match ftp m|^220 |\n"
                            "Probe TCP Mid q|e|\n"
                            "rarity 5\n"
                            "match smtp m|^250 |\n"
                            "softmatch ftp m|^2|\n";

static struct vscan_db *load_small(void)
{
    char err[256];
    struct vscan_db *db = vscan_parse(small, strlen(small), "small", err, sizeof err);
    assert_non_null(db);
    return db;
}

/* The names the chain yields, space-separated, until it ends. */
static void walk(struct probe_chain *c, char *out, size_t cap)
{
    out[0] = '\0';
    const struct vscan_probe *p;
    while ((p = probe_chain_next(c))) {
        if (out[0]) strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, p->name, cap - strlen(out) - 1);
    }
}

static void null_first_then_port_probes_then_rarity(void **state)
{
    (void)state;
    struct vscan_db *db = load_small();
    struct probe_chain c;
    char names[512];
    probe_chain_init(&c, db, PROTO_TCP, 80, false, 7);
    walk(&c, names, sizeof names);
    /* ForPort names port 80 and goes first despite rarity 9; Rare (8) is
     * above the intensity. */
    assert_string_equal(names, "NULL ForPort Common Mid");
    probe_chain_init(&c, db, PROTO_TCP, 22, false, 7);
    walk(&c, names, sizeof names);
    assert_string_equal(names, "NULL Common Mid");
    probe_chain_init(&c, db, PROTO_TCP, 22, false, 9);
    walk(&c, names, sizeof names);
    assert_string_equal(names, "NULL Common ForPort Rare Mid");
    probe_chain_init(&c, db, PROTO_TCP, 22, false, 0);
    walk(&c, names, sizeof names);
    assert_string_equal(names, "NULL");
    vscan_free(db);
}

static void sslports_count_inside_tls_only(void **state)
{
    (void)state;
    struct vscan_db *db = load_small();
    struct probe_chain c;
    char names[512];
    probe_chain_init(&c, db, PROTO_TCP, 443, true, 2);
    walk(&c, names, sizeof names);
    assert_string_equal(names, "NULL ForPort Common");
    probe_chain_init(&c, db, PROTO_TCP, 443, false, 2);
    walk(&c, names, sizeof names);
    assert_string_equal(names, "NULL Common");
    vscan_free(db);
}

static void udp_has_no_null_probe(void **state)
{
    (void)state;
    struct vscan_db *db = load_small();
    struct probe_chain c;
    char names[512];
    probe_chain_init(&c, db, PROTO_UDP, 53, false, 7);
    walk(&c, names, sizeof names);
    assert_string_equal(names, "Dns");
    vscan_free(db);
}

static void soft_match_narrows_the_rest(void **state)
{
    (void)state;
    struct vscan_db *db = load_small();
    struct probe_chain c;
    probe_chain_init(&c, db, PROTO_TCP, 80, false, 9);
    assert_string_equal(probe_chain_next(&c)->name, "NULL");
    probe_chain_soft(&c, "ftp");
    probe_chain_soft(&c, "http"); /* only the first soft match counts */
    const struct vscan_probe *ahead[4];
    assert_int_equal(probe_chain_peek(&c, ahead, 4), 2);
    assert_string_equal(ahead[0]->name, "Rare");
    assert_string_equal(ahead[1]->name, "Mid");
    char names[512];
    walk(&c, names, sizeof names);
    assert_string_equal(names, "Rare Mid");
    vscan_free(db);
}

static void peek_does_not_advance(void **state)
{
    (void)state;
    struct vscan_db *db = load_small();
    struct probe_chain c;
    probe_chain_init(&c, db, PROTO_TCP, 25, false, 7);
    const struct vscan_probe *ahead[8];
    assert_int_equal(probe_chain_peek(&c, ahead, 8), 4);
    assert_string_equal(ahead[1]->name, "ForPort");
    assert_string_equal(probe_chain_next(&c)->name, "NULL");
    assert_int_equal(probe_chain_peek(&c, ahead, 2), 2);
    assert_string_equal(ahead[0]->name, "ForPort");
    assert_string_equal(ahead[1]->name, "Common");
    vscan_free(db);
}

static char *system_order(uint16_t port, int intensity, char *names, size_t cap)
{
    char err[512];
    struct vscan_db *db = vscan_load(SYSTEM_PROBES, err, sizeof err);
    assert_non_null(db);
    struct probe_chain c;
    probe_chain_init(&c, db, PROTO_TCP, port, false, intensity);
    walk(&c, names, cap);
    vscan_free(db);
    return names;
}

static void nmap_793_orders(void **state)
{
    (void)state;
    static char names[4096];
    static const char port2006[] =
        "NULL GenericLines GetRequest HTTPOptions RTSPRequest RPCCheck DNSVersionBindReqTCP "
        "DNSStatusRequestTCP Help SSLSessionReq TerminalServerCookie TLSSessionReq Kerberos "
        "SMBProgNeg X11Probe FourOhFourRequest LPDString LDAPSearchReq LDAPBindReq SIPOptions "
        "LANDesk-RC TerminalServer NCP NotesRPC JavaRMI WMSRequest oracle-tns ms-sql-s afp giop";
    static const char port2000[] =
        "NULL SSLSessionReq SSLv23SessionReq NCP GenericLines GetRequest HTTPOptions "
        "RTSPRequest RPCCheck DNSVersionBindReqTCP DNSStatusRequestTCP Help "
        "TerminalServerCookie TLSSessionReq Kerberos SMBProgNeg X11Probe FourOhFourRequest "
        "LPDString LDAPSearchReq LDAPBindReq SIPOptions LANDesk-RC TerminalServer NotesRPC "
        "JavaRMI WMSRequest oracle-tns ms-sql-s afp giop";
    assert_string_equal(system_order(2006, 7, names, sizeof names), port2006);
    assert_string_equal(system_order(2000, 7, names, sizeof names), port2000);
}

static enum probe_verdict judge(enum exec_end end, bool null, size_t len, int64_t ms,
                                bool *possible, bool *fp)
{
    struct probe_outcome o = {end, null, len, ms, 3000};
    return probe_judge(&o, possible, fp);
}

static void endings(void **state)
{
    (void)state;
    bool possible = true, fp = true;
    /* Closed at once without a word: tcpwrapped. */
    assert_int_equal(judge(EXEC_EOF, true, 0, 10, &possible, &fp), VERDICT_TCPWRAPPED);
    assert_false(fp);
    possible = true;
    assert_int_equal(judge(EXEC_RESET, true, 0, 2999, &possible, &fp), VERDICT_TCPWRAPPED);
    /* Too late for the NULL probe's tcpwrappedms: on to the next probe. */
    possible = true;
    assert_int_equal(judge(EXEC_EOF, true, 0, 3000, &possible, &fp), VERDICT_NEXT_NEW_CONN);
    assert_true(possible);
    /* A banner, then a close or a reset: never tcpwrapped; only the close
     * puts the banner in the fingerprint. */
    possible = true;
    assert_int_equal(judge(EXEC_EOF, true, 5, 10, &possible, &fp), VERDICT_NEXT_NEW_CONN);
    assert_true(fp);
    assert_false(possible);
    possible = true;
    assert_int_equal(judge(EXEC_RESET, true, 5, 10, &possible, &fp), VERDICT_NEXT_NEW_CONN);
    assert_false(fp);
    /* A timeout keeps the connection for the next probe and rules out
     * tcpwrapped even without data. */
    possible = true;
    assert_int_equal(judge(EXEC_TIMEOUT, true, 0, 6000, &possible, &fp), VERDICT_NEXT);
    assert_false(fp);
    assert_false(possible);
    assert_int_equal(judge(EXEC_EOF, true, 0, 10, &possible, &fp), VERDICT_NEXT_NEW_CONN);
    /* Only the NULL probe decides tcpwrapped early. */
    possible = true;
    assert_int_equal(judge(EXEC_EOF, false, 0, 1, &possible, &fp), VERDICT_NEXT_NEW_CONN);
    assert_true(possible);
    assert_int_equal(judge(EXEC_ERROR_NEXT, false, 0, 1, &possible, &fp), VERDICT_NEXT_NEW_CONN);
    assert_int_equal(judge(EXEC_INCOMPLETE, true, 0, 1, &possible, &fp), VERDICT_INCOMPLETE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(null_first_then_port_probes_then_rarity),
        cmocka_unit_test(sslports_count_inside_tls_only),
        cmocka_unit_test(udp_has_no_null_probe),
        cmocka_unit_test(soft_match_narrows_the_rest),
        cmocka_unit_test(peek_does_not_advance),
        cmocka_unit_test(nmap_793_orders),
        cmocka_unit_test(endings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
