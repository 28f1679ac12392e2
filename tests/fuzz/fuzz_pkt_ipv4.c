// SPDX-License-Identifier: MIT
// ipv4_parse and ipv4_parse_quoted on arbitrary bytes: every accepted
// header is self-consistent, its views stay inside the input, and
// rebuilding it from the parsed fields gives back the same header bytes.
#include "fuzz_common.h"
#include "net/pkt/ipv4.h"

static void check_rebuild(const uint8_t *data, const struct ipv4_info *ip)
{
    const uint8_t *opts;
    size_t optlen;
    pb_span(&ip->options, &opts, &optlen);
    struct ipv4_params p = {.tos = ip->tos,
                            .id = ip->id,
                            .df = ip->df,
                            .ttl = ip->ttl,
                            .proto = ip->proto,
                            .options = opts,
                            .options_len = optlen};
    memcpy(p.src, ip->src, 4);
    memcpy(p.dst, ip->dst, 4);
    uint8_t hdr[60];
    size_t hl;
    FUZZ_CHECK(ipv4_build(hdr, sizeof hdr, &p, ip->total_len - ip->header_len, &hl) == PKT_OK);
    FUZZ_CHECK(hl == ip->header_len);
    /* Equal except the fragment field (MF and offset are not built) and the checksum. */
    FUZZ_CHECK(memcmp(hdr, data, 6) == 0 && memcmp(hdr + 8, data + 8, 2) == 0);
    FUZZ_CHECK(memcmp(hdr + 12, data + 12, hl - 12) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ipv4_info ip;
    if (ipv4_parse(data, size, &ip) == PKT_OK) {
        FUZZ_CHECK(ip.header_len >= IPV4_HDR_LEN && ip.header_len <= 60);
        FUZZ_CHECK(ip.header_len <= ip.total_len && ip.total_len <= size);
        FUZZ_CHECK(pb_ok(&ip.payload) && pb_len(&ip.payload) == ip.total_len - ip.header_len);
        FUZZ_CHECK(pb_len(&ip.options) == ip.header_len - IPV4_HDR_LEN);
        FUZZ_CHECK(ip.is_fragment == (ip.mf || ip.frag_offset != 0));
        check_rebuild(data, &ip);
    }
    if (ipv4_parse_quoted(pb_init(data, size), &ip) == PKT_OK) {
        FUZZ_CHECK(ip.header_len + pb_len(&ip.payload) <= size);
        FUZZ_CHECK(ip.payload_cut == (ip.total_len > size));
    }
    return 0;
}
