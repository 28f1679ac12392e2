// SPDX-License-Identifier: MIT
// The service fingerprint against real ones: nmap 7.93 -sV was run in a
// network namespace against two Python listeners (one answering every
// probe with "ERR unknown command <bytes received>\r\n", one sending a
// binary banner and staying silent), and its normal output is copied
// below. cmap must produce the same text from the same responses. That
// run had --version-trace, under which nmap keeps longer fingerprints.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/fingerprint.h"
#include "service/probes.h"

#define SYSTEM_PROBES "/usr/share/nmap/nmap-service-probes"

static const char nmap_fp_2006[] =
    "SF-Port2006-TCP:V=7.93%I=7%D=11/22%Time=6B032A49%P=x86_64-pc-linux-gnu%r(G\n"
    "SF:enericLines,17,\"ERR\\x20unknown\\x20command\\x204\\r\\n\")%r(GetRequest,18,\"E\n"
    "SF:RR\\x20unknown\\x20command\\x2018\\r\\n\")%r(HTTPOptions,18,\"ERR\\x20unknown\\x\n"
    "SF:20command\\x2022\\r\\n\")%r(RTSPRequest,18,\"ERR\\x20unknown\\x20command\\x2022\n"
    "SF:\\r\\n\")%r(RPCCheck,18,\"ERR\\x20unknown\\x20command\\x2044\\r\\n\")%r(DNSVersio\n"
    "SF:nBindReqTCP,18,\"ERR\\x20unknown\\x20command\\x2032\\r\\n\")%r(DNSStatusReques\n"
    "SF:tTCP,18,\"ERR\\x20unknown\\x20command\\x2014\\r\\n\")%r(Help,17,\"ERR\\x20unknow\n"
    "SF:n\\x20command\\x206\\r\\n\")%r(SSLSessionReq,18,\"ERR\\x20unknown\\x20command\\x\n"
    "SF:2088\\r\\n\")%r(TerminalServerCookie,18,\"ERR\\x20unknown\\x20command\\x2042\\r\n"
    "SF:\\n\")%r(TLSSessionReq,19,\"ERR\\x20unknown\\x20command\\x20110\\r\\n\")%r(Kerbe\n"
    "SF:ros,19,\"ERR\\x20unknown\\x20command\\x20117\\r\\n\")%r(SMBProgNeg,19,\"ERR\\x20\n"
    "SF:unknown\\x20command\\x20168\\r\\n\")%r(X11Probe,18,\"ERR\\x20unknown\\x20comman\n"
    "SF:d\\x2012\\r\\n\")%r(FourOhFourRequest,18,\"ERR\\x20unknown\\x20command\\x2053\\r\n"
    "SF:\\n\")%r(LPDString,17,\"ERR\\x20unknown\\x20command\\x209\\r\\n\")%r(LDAPSearchR\n"
    "SF:eq,18,\"ERR\\x20unknown\\x20command\\x2051\\r\\n\")%r(LDAPBindReq,18,\"ERR\\x20u\n"
    "SF:nknown\\x20command\\x2014\\r\\n\")%r(SIPOptions,19,\"ERR\\x20unknown\\x20comman\n"
    "SF:d\\x20223\\r\\n\")%r(LANDesk-RC,18,\"ERR\\x20unknown\\x20command\\x2016\\r\\n\")%r\n"
    "SF:(TerminalServer,18,\"ERR\\x20unknown\\x20command\\x2011\\r\\n\")%r(NCP,18,\"ERR\n"
    "SF:\\x20unknown\\x20command\\x2023\\r\\n\")%r(NotesRPC,18,\"ERR\\x20unknown\\x20com\n"
    "SF:mand\\x2060\\r\\n\")%r(JavaRMI,17,\"ERR\\x20unknown\\x20command\\x207\\r\\n\")%r(W\n"
    "SF:MSRequest,19,\"ERR\\x20unknown\\x20command\\x20175\\r\\n\")%r(oracle-tns,18,\"E\n"
    "SF:RR\\x20unknown\\x20command\\x2090\\r\\n\")%r(ms-sql-s,18,\"ERR\\x20unknown\\x20c\n"
    "SF:ommand\\x2052\\r\\n\")%r(afp,18,\"ERR\\x20unknown\\x20command\\x2018\\r\\n\")%r(gi\n"
    "SF:op,18,\"ERR\\x20unknown\\x20command\\x2048\\r\\n\");";
static const char nmap_fp_2000[] =
    "SF-Port2000-TCP:V=7.93%I=7%D=11/22%Time=6B032A44%P=x86_64-pc-linux-gnu%r(N\n"
    "SF:ULL,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAA\n"
    "SF:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(SSLv23SessionReq,4D,\"\n"
    "SF:HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAA\n"
    "SF:AAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(NCP,4D,\"HELLO\\0\\x01\\x20weird\\\n"
    "SF:x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    "SF:AA\\xff\\xfe9\\x009\")%r(GenericLines,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\\n"
    "SF:]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\\n"
    "SF:x009\")%r(GetRequest,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(\n"
    "SF:1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(HTTPO\n"
    "SF:ptions,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAA\n"
    "SF:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(RTSPRequest,4D,\"HE\n"
    "SF:LLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAA\n"
    "SF:AAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(RPCCheck,4D,\"HELLO\\0\\x01\\x20wei\n"
    "SF:rd\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    "SF:AAAAA\\xff\\xfe9\\x009\")%r(DNSVersionBindReqTCP,4D,\"HELLO\\0\\x01\\x20weird\\x\n"
    "SF:20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    "SF:A\\xff\\xfe9\\x009\")%r(DNSStatusRequestTCP,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[b\n"
    "SF:anner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\n"
    "SF:\\xfe9\\x009\")%r(Help,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(\n"
    "SF:1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(Termi\n"
    "SF:nalServerCookie,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\\n"
    "SF:r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(TLSSessio\n"
    "SF:nReq,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAA\n"
    "SF:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(Kerberos,4D,\"HELLO\\0\n"
    "SF:\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAA\n"
    "SF:AAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(SMBProgNeg,4D,\"HELLO\\0\\x01\\x20weird\\\n"
    "SF:x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    "SF:AA\\xff\\xfe9\\x009\")%r(X11Probe,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x2\n"
    "SF:0\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\n"
    "SF:\")%r(FourOhFourRequest,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\\n"
    "SF:t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(LP\n"
    "SF:DString,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAA\n"
    "SF:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(LDAPSearchReq,4D,\n"
    "SF:\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAA\n"
    "SF:AAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(LDAPBindReq,4D,\"HELLO\\0\\x01\\\n"
    "SF:x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    "SF:AAAAAAAAAAA\\xff\\xfe9\\x009\")%r(SIPOptions,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[\n"
    "SF:banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xf\n"
    "SF:f\\xfe9\\x009\")%r(LANDesk-RC,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"\n"
    "SF:x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%\n"
    "SF:r(TerminalServer,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\n"
    "SF:\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(NotesRPC\n"
    "SF:,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAA\n"
    "SF:AAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(JavaRMI,4D,\"HELLO\\0\\x01\\\n"
    "SF:x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    "SF:AAAAAAAAAAA\\xff\\xfe9\\x009\")%r(WMSRequest,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[\n"
    "SF:banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xf\n"
    "SF:f\\xfe9\\x009\")%r(oracle-tns,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"\n"
    "SF:x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%\n"
    "SF:r(ms-sql-s,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAA\n"
    "SF:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(afp,4D,\"HELLO\\\n"
    "SF:0\\x01\\x20weird\\x20\\[banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAA\n"
    "SF:AAAAAAAAAAAAAAAAA\\xff\\xfe9\\x009\")%r(giop,4D,\"HELLO\\0\\x01\\x20weird\\x20\\[\n"
    "SF:banner\\]\\x20\\\"x\\\"\\t\\(1\\)\\r\\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\\xf\n"
    "SF:f\\xfe9\\x009\");";

static const char *const order_2006[] = {"GenericLines",
                                         "GetRequest",
                                         "HTTPOptions",
                                         "RTSPRequest",
                                         "RPCCheck",
                                         "DNSVersionBindReqTCP",
                                         "DNSStatusRequestTCP",
                                         "Help",
                                         "SSLSessionReq",
                                         "TerminalServerCookie",
                                         "TLSSessionReq",
                                         "Kerberos",
                                         "SMBProgNeg",
                                         "X11Probe",
                                         "FourOhFourRequest",
                                         "LPDString",
                                         "LDAPSearchReq",
                                         "LDAPBindReq",
                                         "SIPOptions",
                                         "LANDesk-RC",
                                         "TerminalServer",
                                         "NCP",
                                         "NotesRPC",
                                         "JavaRMI",
                                         "WMSRequest",
                                         "oracle-tns",
                                         "ms-sql-s",
                                         "afp",
                                         "giop"};

/* The SSLSessionReq answer is missing: the listener reset that connection. */
static const char *const order_2000[] = {"NULL",
                                         "SSLv23SessionReq",
                                         "NCP",
                                         "GenericLines",
                                         "GetRequest",
                                         "HTTPOptions",
                                         "RTSPRequest",
                                         "RPCCheck",
                                         "DNSVersionBindReqTCP",
                                         "DNSStatusRequestTCP",
                                         "Help",
                                         "TerminalServerCookie",
                                         "TLSSessionReq",
                                         "Kerberos",
                                         "SMBProgNeg",
                                         "X11Probe",
                                         "FourOhFourRequest",
                                         "LPDString",
                                         "LDAPSearchReq",
                                         "LDAPBindReq",
                                         "SIPOptions",
                                         "LANDesk-RC",
                                         "TerminalServer",
                                         "NotesRPC",
                                         "JavaRMI",
                                         "WMSRequest",
                                         "oracle-tns",
                                         "ms-sql-s",
                                         "afp",
                                         "giop"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int utc(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    tzset();
    return 0;
}

static void answers_to_every_probe(void **state)
{
    (void)state;
    char err[512];
    struct vscan_db *db = vscan_load(SYSTEM_PROBES, err, sizeof err);
    assert_non_null(db);
    static char text[N(order_2006)][64];
    struct vscan_fp_response r[N(order_2006)];
    for (size_t i = 0; i < N(order_2006); i++) {
        const struct vscan_probe *p = vscan_probe_by_name(db, order_2006[i], PROTO_TCP);
        assert_non_null(p);
        int n = snprintf(text[i], sizeof text[i], "ERR unknown command %zu\r\n", p->payload_len);
        r[i] = (struct vscan_fp_response){order_2006[i], (const uint8_t *)text[i], (size_t)n};
    }
    struct vscan_fp_input in = {
        .port = 2006,
        .proto = PROTO_TCP,
        .intensity = 7,
        .debug = true,
        .when = 0x6B032A49,
        .responses = r,
        .n_responses = N(r),
    };
    char *fp = vscan_fingerprint(&in);
    assert_non_null(fp);
    assert_string_equal(fp, nmap_fp_2006);
    free(fp);
    vscan_free(db);
}

static void binary_banner_escapes(void **state)
{
    (void)state;
    static const uint8_t banner[] = "HELLO\0\x01 weird [banner] \"x\"\t(1)\r\n"
                                    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\xff\xfe"
                                    "9\0"
                                    "9";
    struct vscan_fp_response r[N(order_2000)];
    for (size_t i = 0; i < N(order_2000); i++)
        r[i] = (struct vscan_fp_response){order_2000[i], banner, sizeof banner - 1};
    struct vscan_fp_input in = {
        .port = 2000,
        .proto = PROTO_TCP,
        .intensity = 7,
        .debug = true,
        .when = 0x6B032A44,
        .responses = r,
        .n_responses = N(r),
    };
    char *fp = vscan_fingerprint(&in);
    assert_non_null(fp);
    assert_string_equal(fp, nmap_fp_2000);
    free(fp);
}

/* The text without its line breaks, as XML's servicefp holds it. */
static char *unwrap(char *fp)
{
    char *w = fp;
    for (const char *r = fp; *r;) {
        if (strncmp(r, "\nSF:", 4) == 0)
            r += 4;
        else
            *w++ = *r++;
    }
    *w = '\0';
    return fp;
}

static char *unwrap(char *fp);

/* Without -d or --version-trace nmap stops after 2200 characters: the
 * lab's unknown banner (37 bytes) got 23 answers written of 30. */
static void shorter_without_debugging(void **state)
{
    (void)state;
    static const uint8_t banner[] = "HELLO\0\x01 cmlab [banner] \"x\"\t(1)\r\n\xff\xfe"
                                    "9\0"
                                    "9";
    struct vscan_fp_response r[N(order_2006) + 1];
    r[0] = (struct vscan_fp_response){"NULL", banner, sizeof banner - 1};
    for (size_t i = 0; i < N(order_2006); i++)
        r[i + 1] = (struct vscan_fp_response){order_2006[i], banner, sizeof banner - 1};
    struct vscan_fp_input in = {.port = 2005,
                                .proto = PROTO_TCP,
                                .intensity = 7,
                                .when = 1,
                                .responses = r,
                                .n_responses = N(r)};
    char *fp = unwrap(vscan_fingerprint(&in));
    assert_non_null(strstr(fp, "%r(NCP,25,"));
    assert_null(strstr(fp, "%r(NotesRPC"));
    free(fp);
    in.debug = true;
    fp = unwrap(vscan_fingerprint(&in));
    assert_non_null(strstr(fp, "%r(giop,25,"));
    free(fp);
}

static void header_fields(void **state)
{
    (void)state;
    static const uint8_t one[] = "x";
    struct vscan_fp_response r = {"Help", one, 1};
    struct vscan_fp_input in = {
        .port = 161,
        .proto = PROTO_UDP,
        .ssl = false,
        .intensity = 9,
        .when = 86400 * 40,
        .responses = &r,
        .n_responses = 1,
    };
    char *fp = unwrap(vscan_fingerprint(&in));
    assert_non_null(fp);
    assert_non_null(strstr(fp, "SF-Port161-UDP:V=7.93%I=9%D=2/10%Time=34BC00%P="));
    assert_non_null(strstr(fp, "%r(Help,1,\"x\");"));
    free(fp);
    in.proto = PROTO_TCP;
    in.ssl = true;
    fp = unwrap(vscan_fingerprint(&in));
    assert_non_null(strstr(fp, "SF-Port161-TCP:V=7.93%T=SSL%I=9%D=2/10"));
    free(fp);
}

static void long_answers_are_bounded(void **state)
{
    (void)state;
    static uint8_t big[1 << 20];
    memset(big, 0x01, sizeof big);
    struct vscan_fp_response r[40];
    for (size_t i = 0; i < N(r); i++)
        r[i] = (struct vscan_fp_response){"GetRequest", big, sizeof big};
    struct vscan_fp_input in = {.port = 1,
                                .proto = PROTO_TCP,
                                .intensity = 7,
                                .when = 1,
                                .responses = r,
                                .n_responses = N(r)};
    char *fp = vscan_fingerprint(&in);
    assert_non_null(fp);
    for (char *nl = strchr(fp, '\n'); nl; nl = strchr(nl + 1, '\n'))
        assert_true(nl - fp >= 74 && strncmp(nl, "\nSF:", 4) == 0);
    unwrap(fp);
    /* The full length is given; the text stays small. */
    assert_non_null(strstr(fp, "%r(GetRequest,100000,\""));
    assert_true(strlen(fp) < 40000);
    free(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(answers_to_every_probe),    cmocka_unit_test(binary_banner_escapes),
        cmocka_unit_test(shorter_without_debugging), cmocka_unit_test(header_fields),
        cmocka_unit_test(long_answers_are_bounded),
    };
    return cmocka_run_group_tests(tests, utc, NULL);
}
