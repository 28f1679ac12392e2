// SPDX-License-Identifier: MIT
// --packet-trace's formatters (raw/packet_trace.c) on arbitrary packets in
// exactly-sized heap blocks: every kind (IP, ARP, ND), every level of detail
// and several output
// sizes must give a NUL-terminated line of the reported length within the
// buffer, made of printable characters, and never read past the input.
#include <ctype.h>

#include "fuzz_common.h"
#include "raw/packet_trace.h"

static void check(const uint8_t *pkt, size_t len, enum ptrace_kind kind, int detail, size_t outlen)
{
    char *out = malloc(outlen);
    if (!out) abort();
    size_t n = ptrace_format_any(pkt, len, kind, detail, out, outlen);
    FUZZ_CHECK(n < outlen);
    FUZZ_CHECK(strlen(out) == n);
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK(isprint((unsigned char)out[i]));
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *pkt = malloc(size ? size : 1);
    if (!pkt) abort();
    if (size) memcpy(pkt, data, size);
    for (int detail = PTRACE_LOW; detail <= PTRACE_HIGH; detail++)
        check(pkt, size, PTRACE_IP, detail, PTRACE_LINE_MAX);
    check(pkt, size, PTRACE_ARP, PTRACE_LOW, PTRACE_LINE_MAX);
    check(pkt, size, PTRACE_ND, PTRACE_LOW, PTRACE_LINE_MAX);
    check(pkt, size, PTRACE_IP, 1 + (size ? data[0] % 3 : 0), 1 + (size ? data[0] % 64 : 0));
    free(pkt);
    return 0;
}
