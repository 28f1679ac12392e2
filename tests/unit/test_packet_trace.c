// SPDX-License-Identifier: MIT
// --packet-trace lines on fixed packets, each expected line written down
// from nmap 7.93's own trace of the same kind of packet in the lab (its
// spaces included), plus truncated and bogus packets and the byte counts
// of the "Raw packets sent" line.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "raw/packet_trace.h"

/* Hex string (spaces ignored) into buf; returns the length. */
static size_t unhex(const char *hex, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    while (*hex && n < cap) {
        if (*hex == ' ') {
            hex++;
            continue;
        }
        unsigned v;
        sscanf(hex, "%2x", &v);
        buf[n++] = (uint8_t)v;
        hex += 2;
    }
    return n;
}

static void expect_ip(const char *hex, const char *line)
{
    uint8_t pkt[512];
    size_t len = unhex(hex, pkt, sizeof pkt);
    char out[PTRACE_LINE_MAX];
    size_t n = ptrace_format_ip(pkt, len, out, sizeof out);
    assert_string_equal(out, line);
    assert_int_equal(n, strlen(line));
}

/* IPv4 header: ttl, id, total length, protocol, src 198.18.0.1, dst
 * 198.18.1.2 (or reversed). */
#define V4_OUT(len, id, ttl, proto) "45000" len id "0000" ttl proto "0000 c6120001 c6120102"
#define V4_IN(len, id, ttl, proto) "45000" len id "0000" ttl proto "0000 c6120102 c6120001"

static void test_tcp_syn(void **state)
{
    (void)state;
    expect_ip(V4_OUT("02c", "0dd9", "3a", "06") "cae1 0016 56f2d9c3 00000000 6002 0400 0000 0000"
                                                "020405b4",
              "TCP 198.18.0.1:51937 > 198.18.1.2:22 S ttl=58 id=3545 iplen=44  seq=1458756035 "
              "win=1024 <mss 1460>");
}

static void test_tcp_rst_ack_no_options(void **state)
{
    (void)state;
    /* Ethernet padding past the IP length is not part of the segment. */
    expect_ip(V4_IN("028", "0000", "40", "06") "0017 a3c0 00000000 12345678 5014 0000 0000 0000"
                                               "000000000000",
              "TCP 198.18.1.2:23 > 198.18.0.1:41920 RA ttl=64 id=0 iplen=40  seq=0 win=0 ");
}

static void test_tcp_options(void **state)
{
    (void)state;
    expect_ip(V4_IN("03c", "0000", "40", "06") "0016 a3c0 00000001 00000002 a012 faf0 0000 0000"
                                               "020405b4 0402 080a 0000000a 00000000 01 030307",
              "TCP 198.18.1.2:22 > 198.18.0.1:41920 SA ttl=64 id=0 iplen=60  seq=1 win=64240 "
              "<mss 1460,sackOK,timestamp 10 0,nop,wscale 7>");
    /* An option nmap does not know empties the list, as nmap's does. */
    expect_ip(V4_IN("030", "0000", "40", "06") "0016 a3c0 00000001 00000002 7012 faf0 0000 0000"
                                               "1e020101 01010101",
              "TCP 198.18.1.2:22 > 198.18.0.1:41920 SA ttl=64 id=0 iplen=48  seq=1 win=64240 ");
    /* Header longer than the packet. */
    expect_ip(V4_IN("02c", "0000", "40", "06") "0016 a3c0 00000001 00000002 f012 faf0 0000 0000"
                                               "020405b4",
              "TCP 198.18.1.2:22 > 198.18.0.1:41920 SA ttl=64 id=0 iplen=44  seq=1 win=64240 "
              "option incomplete");
}

static void test_tcp_truncated(void **state)
{
    (void)state;
    expect_ip(V4_IN("01a", "0001", "40", "06") "0016 a3c0 0000",
              "TCP 198.18.1.2:?? > 198.18.0.1:?? ?? ttl=64 id=1 iplen=26  (incomplete)");
    expect_ip(V4_IN("024", "0001", "40", "06") "0016 a3c0 00000007 00000000 5012 0400",
              "TCP 198.18.1.2:22 > 198.18.0.1:41920 SA ttl=64 id=1 iplen=36  seq=7 win=1024 "
              "(incomplete)");
}

static void test_udp(void **state)
{
    (void)state;
    expect_ip(V4_OUT("028", "095a", "2e", "11") "b336 0045 0014 0000 000000000000000000000000",
              "UDP 198.18.0.1:45878 > 198.18.1.2:69 ttl=46 id=2394 iplen=40 ");
}

static void test_sctp(void **state)
{
    (void)state;
    expect_ip(V4_OUT("034", "05b3", "2f", "84") "db05 0050 00000000 00000000"
                                                "0100001400000000000000000000000000000000",
              "SCTP 198.18.0.1:56069 > 198.18.1.2:80 ttl=47 id=1459 iplen=52 ");
}

static void test_icmp(void **state)
{
    (void)state;
    expect_ip(V4_OUT("01c", "007a", "38", "01") "0800 0000 c551 0000",
              "ICMP [198.18.0.1 > 198.18.1.2 Echo request (type=8/code=0) id=50513 seq=0] IP "
              "[ttl=56 id=122 iplen=28 ]");
    expect_ip(V4_OUT("028", "6470", "2e", "01") "0d00 0000 d301 0000 00000000 00000000 00000000",
              "ICMP [198.18.0.1 > 198.18.1.2 Timestamp request (type=13/code=0) id=54017 seq=0 "
              "orig=0 recv=0 trans=0] IP [ttl=46 id=25712 iplen=40 ]");
    expect_ip(V4_OUT("020", "9fd5", "30", "01") "1100 0000 e18e 0000 00000000",
              "ICMP [198.18.0.1 > 198.18.1.2 Address mask request (type=17/code=0) id=57742 "
              "seq=0 mask=0.0.0.0] IP [ttl=48 id=40917 iplen=32 ]");
    /* Port unreachable quoting exactly IP + 8 bytes: nmap leaves out the
     * port (its check is "more than 8"). */
    expect_ip(V4_IN("038", "665b", "40", "01") "0303 0000 00000000" V4_OUT(
                  "01c", "0001", "40", "11") "b68f 0009 0008 0000",
              "ICMP [198.18.1.2 > 198.18.0.1 Port unreachable (type=3/code=3) ] IP [ttl=64 "
              "id=26203 iplen=56 ]");
    expect_ip(
        V4_IN("048", "5eea", "40", "01") "030d 0000 00000000" V4_OUT(
            "02c", "0001", "40", "06") "b4a4 01bb 00000000 00000000 6002 0400 0000 0000 020405b4",
        "ICMP [198.18.1.2 > 198.18.0.1 Communication administratively prohibited by "
        "filtering (type=3/code=13) ] IP [ttl=64 id=24298 iplen=72 ]");
    expect_ip(V4_IN("050", "0001", "40", "01") "0302 0000 00000000" V4_OUT(
                  "034", "0001", "40",
                  "84") "b4a4 0016 00000000 00000000 0100001400000000 0000000000000000 00000000",
              "ICMP [198.18.1.2 > 198.18.0.1 Protocol 132 unreachable (type=3/code=2) ] IP "
              "[ttl=64 id=1 iplen=80 ]");
    /* An unreachable without its quoted datagram, and a 4-byte ICMP. */
    expect_ip(V4_IN("01c", "0001", "40", "01") "0303 0000 00000000",
              "ICMP 198.18.1.2 > 198.18.0.1 Destination unreachable (type=3/code=3) ttl=64 id=1 "
              "iplen=28 ");
    expect_ip(V4_IN("018", "0001", "40", "01") "0303 0000",
              "ICMP 198.18.1.2 > 198.18.0.1 [??] ttl=64 id=1 iplen=24 ");
}

static void test_ipv6(void **state)
{
    (void)state;
    const char *v6out = "fd000018000000000000000000000001 fd000018000100000000000000000004";
    const char *v6in = "fd000018000100000000000000000004 fd000018000000000000000000000001";
    char hex[600];
    snprintf(hex, sizeof hex,
             "60000000 0018 06 ff %s f1a3 0017 c2e0cc3e 00000000 6002 0400 "
             "0000 0000 020405b4",
             v6out);
    expect_ip(hex, "TCP fd00:18::1:61859 > fd00:18:1::4:23 S hopl=255 flow=0 payloadlen=24 "
                   "seq=3269512254 win=1024 <mss 1460>");
    snprintf(hex, sizeof hex,
             "60011531 0014 06 40 %s 0017 f1a3 00000000 c2e0cc3f 5014 0000 "
             "0000 0000",
             v6in);
    expect_ip(hex, "TCP fd00:18:1::4:23 > fd00:18::1:61859 RA hopl=64 flow=11531 payloadlen=20 "
                   "seq=0 win=0 ");
    snprintf(hex, sizeof hex, "600c434c 0008 3a 40 %s 8100 0000 0001 0000", v6in);
    expect_ip(hex, "ICMPv6 (58) fd00:18:1::4 > fd00:18::1 (type=129/code=0) hopl=64 "
                   "flow=c434c payloadlen=8");
    snprintf(hex, sizeof hex, "60000000 0008 11 ff %s ecf1 0035 0008 0000", v6out);
    expect_ip(hex, "UDP fd00:18::1:60657 > fd00:18:1::4:53 hopl=255 flow=0 payloadlen=8");
    /* A destination-options header before UDP is skipped. */
    snprintf(hex, sizeof hex, "60000000 0010 3c ff %s 1100 0000 00000000 ecf1 0035 0008 0000",
             v6out);
    expect_ip(hex, "UDP fd00:18::1:60657 > fd00:18:1::4:53 hopl=255 flow=0 payloadlen=16");
}

static void test_bogus_and_unknown(void **state)
{
    (void)state;
    expect_ip("", "BOGUS!  Can't parse supposed IP packet");
    expect_ip("4500 0014", "BOGUS!  Can't parse supposed IP packet");
    expect_ip("4f00 0014 00000000 4006 0000 c6120102 c6120001",
              "BOGUS!  Can't parse supposed IP packet");
    expect_ip(V4_IN("014", "0001", "40", "02"),
              "igmp (2) 198.18.1.2 > 198.18.0.1: ttl=64 id=1 iplen=20 ");
    expect_ip(V4_IN("014", "0001", "40", "fd"),
              "Unknown protocol (253) 198.18.1.2 > 198.18.0.1: ttl=64 id=1 iplen=20 ");
}

static void test_arp_and_nd(void **state)
{
    (void)state;
    uint8_t pkt[128];
    char out[PTRACE_LINE_MAX];
    size_t len =
        unhex("0001 0800 06 04 0001 ee3921a85fe2 c6120001 000000000000 c6120102", pkt, sizeof pkt);
    ptrace_format_any(pkt, len, PTRACE_ARP, PTRACE_LOW, out, sizeof out);
    assert_string_equal(out, "ARP who-has 198.18.1.2 tell 198.18.0.1");
    len = unhex("0001 0800 06 04 0002 d67abffebc43 c6120102 ee3921a85fe2 c6120001 0000", pkt,
                sizeof pkt);
    ptrace_format_any(pkt, len, PTRACE_ARP, PTRACE_LOW, out, sizeof out);
    assert_string_equal(out, "ARP reply 198.18.1.2 is-at D6:7A:BF:FE:BC:43");
    ptrace_format_any(pkt, 20, PTRACE_ARP, PTRACE_LOW, out, sizeof out);
    assert_string_equal(out, "ARP unknown");
    /* A neighbor advertisement with its target link-layer address. */
    len = unhex("60000000 0020 3a ff fd000018000100000000000000000004 "
                "fd000018000000000000000000000001 8800 0000 60000000 "
                "fd000018000100000000000000000004 0201 7a4b06d343cd",
                pkt, sizeof pkt);
    ptrace_format_any(pkt, len, PTRACE_ND, PTRACE_LOW, out, sizeof out);
    assert_string_equal(out, "neighbor advertisement fd00:18:1::4 > fd00:18::1 fd00:18:1::4 is "
                             "at 7a:4b:06:d3:43:cd");
    /* The port scans show the same packet as any ICMPv6 one. */
    ptrace_format_any(pkt, len, PTRACE_IP, PTRACE_LOW, out, sizeof out);
    assert_string_equal(out, "ICMPv6 (58) fd00:18:1::4 > fd00:18::1 (type=136/code=0) hopl=255 "
                             "flow=0 payloadlen=32");
}

static void expect_detail(const char *hex, int detail, const char *line)
{
    uint8_t pkt[512];
    size_t len = unhex(hex, pkt, sizeof pkt);
    char out[PTRACE_LINE_MAX];
    ptrace_format_ip_detail(pkt, len, detail, out, sizeof out);
    assert_string_equal(out, line);
}

/* -dd and -ddd: nmap's medium and high detail, lines from its lab trace. */
static void test_detail_levels(void **state)
{
    (void)state;
    expect_detail("4500002c 383d 0000 2a06 cb67 c6120001 c6120102 c0cd 0016 b0978919 00000000 "
                  "6002 0400 5a68 0000 020405b4",
                  PTRACE_MEDIUM,
                  "TCP [198.18.0.1:49357 > 198.18.1.2:22 S seq=2962721049 win=1024 csum=0x5A68 "
                  "<mss 1460>] IP [ttl=42 id=14397 proto=6 csum=0xcb67 iplen=44 ]");
    expect_detail("4500002c 0000 4000 4006 ada4 c6120102 c6120001 0016 9011 c0a0d701 ca1e734e "
                  "6012 faf0 8d46 0000 020405b4",
                  PTRACE_HIGH,
                  "TCP [198.18.1.2:22 > 198.18.0.1:36881 SA seq=3231766273 ack=3390993230 off=6 "
                  "res=0 win=64240 csum=0x8D46 urp=0 <mss 1460>] IP [ver=4 ihl=5 tos=0x00 "
                  "iplen=44 id=0 flg=D foff=0 ttl=64 proto=6 csum=0xada4]");
    expect_detail(V4_OUT("028", "095a", "2e", "11") "b336 0045 0014 abcd 000000000000000000000000",
                  PTRACE_MEDIUM,
                  "UDP [198.18.0.1:45878 > 198.18.1.2:69 csum=0xABCD] IP [ttl=46 id=2394 proto=17 "
                  "csum=0x0000 iplen=40 ]");
    expect_detail(V4_OUT("028", "095a", "2e", "11") "b336 0045 0014 abcd 000000000000000000000000",
                  PTRACE_HIGH,
                  "UDP [198.18.0.1:45878 > 198.18.1.2:69 len=20 csum=0xABCD] IP [ver=4 ihl=5 "
                  "tos=0x00 iplen=40 id=2394 foff=0 ttl=46 proto=17 csum=0x0000]");
    expect_detail("60a12345 0008 3a 40 fd000018000100000000000000000004 "
                  "fd000018000000000000000000000001 8100 0000 0001 0000",
                  PTRACE_MEDIUM,
                  "ICMPv6 (58) fd00:18:1::4 > fd00:18::1 (type=129/code=0) hopl=64 tclass=10 "
                  "flow=12345 payloadlen=8");
    expect_detail("60a12345 0008 3a 40 fd000018000100000000000000000004 "
                  "fd000018000000000000000000000001 8100 0000 0001 0000",
                  PTRACE_HIGH,
                  "ICMPv6 (58) fd00:18:1::4 > fd00:18::1 (type=129/code=0) ver=6, tclass=a "
                  "flow=12345 payloadlen=8 nh=ipv6-icmp hopl=64 ");
    expect_detail(V4_IN("01c", "0001", "40", "01") "0303 0000 00000000", PTRACE_MEDIUM,
                  "ICMP 198.18.1.2 > 198.18.0.1 Destination unreachable (original datagram "
                  "missing) (type=3/code=3) ttl=64 id=1 proto=1 csum=0x0000 iplen=28 ");
}

static void test_bounded_output(void **state)
{
    (void)state;
    uint8_t pkt[64];
    size_t len = unhex(V4_OUT("02c", "0dd9", "3a", "06") "cae1 0016 56f2d9c3 00000000 6002 0400 "
                                                         "0000 0000 020405b4",
                       pkt, sizeof pkt);
    char out[16];
    size_t n = ptrace_format_ip(pkt, len, out, sizeof out);
    assert_int_equal(n, 15);
    assert_string_equal(out, "TCP 198.18.0.1:");
}

static void test_byte_counts(void **state)
{
    (void)state;
    char b[32];
    ptrace_format_bytes(88, b, sizeof b);
    assert_string_equal(b, "88B");
    ptrace_format_bytes(999, b, sizeof b);
    assert_string_equal(b, "999B");
    ptrace_format_bytes(4392, b, sizeof b);
    assert_string_equal(b, "4.392KB");
    ptrace_format_bytes(1234000, b, sizeof b);
    assert_string_equal(b, "1.234MB");
    struct ptrace_counts c = {.sent = 4, .sent_bytes = 160, .rcvd = 101, .rcvd_bytes = 4036};
    char line[160];
    ptrace_format_counts(&c, line, sizeof line);
    assert_string_equal(line, "Raw packets sent: 4 (160B) | Rcvd: 101 (4.036KB)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_syn),
        cmocka_unit_test(test_tcp_rst_ack_no_options),
        cmocka_unit_test(test_tcp_options),
        cmocka_unit_test(test_tcp_truncated),
        cmocka_unit_test(test_udp),
        cmocka_unit_test(test_sctp),
        cmocka_unit_test(test_icmp),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_bogus_and_unknown),
        cmocka_unit_test(test_arp_and_nd),
        cmocka_unit_test(test_bounded_output),
        cmocka_unit_test(test_detail_levels),
        cmocka_unit_test(test_byte_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
