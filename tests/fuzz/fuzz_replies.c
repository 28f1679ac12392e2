// SPDX-License-Identifier: MIT
// The raw engines' reply readers on arbitrary captured frames: the port
// scan's (raw/reply.c: link layer, IPv4/IPv6, TCP, UDP, SCTP, ICMP errors
// quoting a probe), -sO's (raw/reply_ipproto.c and its verdict) and host
// discovery's (discovery/dreply.c, ARP and ND included).
// The first byte picks the link type. Whatever they accept must describe a
// packet that fits in the input, and the SYN and SCTP verdicts must be a
// state and reason nmap has.
#include "discovery/dreply.h"
#include "fuzz_common.h"
#include "raw/reply.h"
#include "report/model.h"
#include "scan/technique.h"

static const int dlts[] = {LINK_NULL,       LINK_EN10MB,     LINK_RAW,
                           LINK_LINUX_SLL,  LINK_RAW_ALT,    LINK_LINUX_SLL2};

/* -sO's reader and verdict: at most two replies, each naming a protocol
 * as its "port", and only nmap's states and reasons. */
static void check_ipproto(const uint8_t *l3, size_t len)
{
    struct raw_reply rs[2];
    size_t n = 99;
    if (reply_parse_ipproto(l3, len, rs, &n) != PKT_OK) return;
    FUZZ_CHECK(n >= 1 && n <= 2);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(rs[i].family == 2 || rs[i].family == 10);
        FUZZ_CHECK(rs[i].kind == REPLY_PROTO || rs[i].kind == REPLY_ICMP4 ||
                   rs[i].kind == REPLY_ICMP6);
        FUZZ_CHECK(rs[i].target_port == rs[i].proto);
        uint32_t seq;
        if (tech_ipproto.echo(&tech_ipproto, &rs[i], &seq) == ECHO_NONE) continue;
        uint8_t state, reason;
        if (tech_ipproto.classify(&tech_ipproto, &rs[i], &state, &reason)) {
            FUZZ_CHECK(state > PORT_UNKNOWN && state < PORT_STATE_COUNT);
            FUZZ_CHECK(reason < REASON_COUNT);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int dlt = dlts[data[0] % (sizeof dlts / sizeof dlts[0])];
    const uint8_t *frame = data + 1;
    size_t len = size - 1;

    const uint8_t *l3;
    size_t l3_len;
    if (reply_strip_link(dlt, frame, len, &l3, &l3_len)) {
        FUZZ_CHECK(l3 >= frame && l3 + l3_len <= frame + len);
        struct raw_reply r;
        if (reply_parse(l3, l3_len, &r) == PKT_OK) {
            FUZZ_CHECK(r.family == 2 || r.family == 10); /* AF_INET, AF_INET6 */
            FUZZ_CHECK(r.kind >= REPLY_TCP && r.kind <= REPLY_SCTP);
            uint8_t state, reason;
            if (reply_classify_syn(&r, &state, &reason)) {
                FUZZ_CHECK(state > PORT_UNKNOWN && state < PORT_STATE_COUNT);
                FUZZ_CHECK(reason < REASON_COUNT);
            }
            const struct scan_technique *sctp[] = {&tech_sctp_init, &tech_sctp_cookie};
            for (size_t i = 0; i < 2; i++) {
                uint32_t seq;
                (void)sctp[i]->echo(sctp[i], &r, &seq);
                if (sctp[i]->classify(sctp[i], &r, &state, &reason)) {
                    FUZZ_CHECK(state > PORT_UNKNOWN && state < PORT_STATE_COUNT);
                    FUZZ_CHECK(reason < REASON_COUNT);
                }
            }
        }
        check_ipproto(l3, l3_len);
    }
    struct dreply d;
    (void)dreply_parse(dlt, frame, len, &d);
    return 0;
}
