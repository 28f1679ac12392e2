// SPDX-License-Identifier: MIT
// nmap's <time> values ("500ms", "2s", "1.5m", "1h", "30"): the three views
// the CLI uses must agree with each other on every input.
#include <math.h>
#include <stdbool.h>

#include "cli/plan.h"
#include "cli/timeval.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size < 256 ? size : 256);
    double secs = NAN;
    bool has_unit = false;
    bool ok = tval_parse(s, &secs, &has_unit);
    int64_t us = parse_time_value(s);
    long ms = tval_msecs(s);

    FUZZ_CHECK(us >= -1);
    FUZZ_CHECK(ms >= -1 || (ok && secs < 0));
    if (!ok) {
        FUZZ_CHECK(us == -1 && ms == -1);
    } else {
        FUZZ_CHECK(isfinite(secs));
        FUZZ_CHECK(!has_unit || strpbrk(s, "smhSMH") != NULL);
        if (secs < 0) FUZZ_CHECK(us == -1);
    }
    if (us >= 0) {
        FUZZ_CHECK(ok && secs >= 0);
        /* Both truncate the same number of seconds; they differ by at most
         * one millisecond of rounding where doubles are still exact. */
        if (us < (int64_t)1e15) FUZZ_CHECK(ms >= 0 && labs(ms - (long)(us / 1000)) <= 1);
    }
    free(s);
    return 0;
}
