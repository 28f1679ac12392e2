// SPDX-License-Identifier: MIT
// put_safe / safe_strdup on arbitrary bytes: what reaches a terminal must
// be valid UTF-8 holding no control character (C0, DEL or C1), printable
// text must pass unchanged, and both entry points must agree.
#include <locale.h>
#include <stdbool.h>
#include <wchar.h>

#include "fuzz_common.h"
#include "report/escape.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    /* glibc's decoder is the independent judge of valid UTF-8. */
    if (!setlocale(LC_CTYPE, "C.UTF-8")) abort();
    return 0;
}

static bool is_control(wchar_t wc)
{
    return wc < 0x20 || wc == 0x7f || (wc >= 0x80 && wc < 0xa0);
}

static void check_terminal_safe(const char *out)
{
    mbstate_t st = {0};
    size_t left = strlen(out);
    const char *p = out;
    while (left > 0) {
        wchar_t wc;
        size_t used = mbrtowc(&wc, p, left, &st);
        FUZZ_CHECK(used != (size_t)-1 && used != (size_t)-2 && used != 0);
        FUZZ_CHECK(!is_control(wc));
        FUZZ_CHECK(wc < 0xd800 || wc > 0xdfff);
        p += used;
        left -= used;
    }
}

static bool all_printable_ascii(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s >= 0x7f) return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *in = fuzz_cstring(data, size);
    char *out = NULL;
    size_t len = 0;
    FILE *fp = fuzz_memstream(&out, &len);
    put_safe(fp, in);
    fclose(fp);
    check_terminal_safe(out);
    size_t in_len = strlen(in);
    FUZZ_CHECK(len >= in_len && len <= 4 * in_len);
    if (all_printable_ascii(in)) FUZZ_CHECK(strcmp(in, out) == 0);
    char *dup = safe_strdup(in);
    FUZZ_CHECK(dup && strcmp(dup, out) == 0);
    free(dup);
    free(out);
    free(in);
    return 0;
}
