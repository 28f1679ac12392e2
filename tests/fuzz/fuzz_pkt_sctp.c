// SPDX-License-Identifier: MIT
// sctp_parse and sctp_checksum_check on arbitrary bytes: an accepted packet
// has chunks that tile its data, and a packet we checksum ourselves always
// verifies with the algorithm we chose.
#include "fuzz_common.h"
#include "net/pkt/sctp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sctp_info s;
    if (sctp_parse(pb_init(data, size), &s) == PKT_OK) {
        FUZZ_CHECK(s.n_chunks >= 1 && s.n_chunks <= (size - SCTP_HDR_LEN) / SCTP_CHUNK_HDR_LEN);
        FUZZ_CHECK(s.first_type == data[SCTP_HDR_LEN]);
    }
    (void)sctp_checksum_check(pb_init(data, size));
    if (size < SCTP_HDR_LEN) return 0;
    uint8_t *copy = malloc(size);
    if (!copy) abort();
    memcpy(copy, data, size);
    bool adler = size % 2;
    sctp_set_checksum(copy, size, adler);
    enum sctp_sum got = sctp_checksum_check(pb_init(copy, size));
    /* Both sums can agree by chance; then CRC32c is reported. */
    FUZZ_CHECK(got == (adler ? SCTP_SUM_ADLER32 : SCTP_SUM_CRC32C) ||
               (adler && got == SCTP_SUM_CRC32C));
    free(copy);
    return 0;
}
