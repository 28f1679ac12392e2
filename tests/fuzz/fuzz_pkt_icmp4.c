// SPDX-License-Identifier: MIT
// icmp4_parse on arbitrary bytes: errors expose a whole quoted IPv4 header
// and at most 8 transport bytes, all inside the input; the quoted
// transport parsers accept those bytes safely.
#include "fuzz_common.h"
#include "net/pkt/icmp4.h"
#include "net/pkt/sctp.h"
#include "net/pkt/tcp.h"
#include "net/pkt/udp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct icmp4_info m;
    if (icmp4_parse(pb_init(data, size), &m) != PKT_OK) return 0;
    FUZZ_CHECK(size >= ICMP4_HDR_LEN);
    FUZZ_CHECK(pb_len(&m.body) == size - ICMP4_HDR_LEN);
    FUZZ_CHECK(m.is_error == icmp4_is_error(m.type));
    if (!m.is_error) return 0;
    FUZZ_CHECK(m.inner.header_len >= IPV4_HDR_LEN);
    FUZZ_CHECK(ICMP4_HDR_LEN + m.inner.header_len + pb_len(&m.inner_l4) <= size);
    FUZZ_CHECK(pb_len(&m.inner_l4) <= ICMP_QUOTE_L4_LEN && pb_ok(&m.inner_l4));
    struct tcp_info t;
    struct udp_info u;
    struct sctp_info s;
    bool whole = pb_len(&m.inner_l4) == ICMP_QUOTE_L4_LEN;
    FUZZ_CHECK((tcp_parse_quoted(m.inner_l4, &t) == PKT_OK) == whole);
    FUZZ_CHECK((udp_parse_quoted(m.inner_l4, &u) == PKT_OK) == whole);
    FUZZ_CHECK((sctp_parse_quoted(m.inner_l4, &s) == PKT_OK) == whole);
    return 0;
}
