// SPDX-License-Identifier: MIT
// Shared by match_compile.c and match.c: a compiled regex with the facts
// PCRE2 knows about where a match can start, used to skip most lines of a
// probe without entering pcre2_match at all.
#ifndef CMAP_SERVICE_MATCH_INTERNAL_H
#define CMAP_SERVICE_MATCH_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>

struct vscan_regex {
    pcre2_code *code; /* NULL when PCRE2 refused the pattern */
    uint32_t minlen;  /* no subject shorter than this can match */
    bool anchored;    /* can only match at offset 0 */
    bool has_first;   /* anchored, and the first byte is fixed ... */
    uint8_t first;    /* ... to this (ASCII lower-cased: see match_compile.c) */
    bool has_bitmap;  /* anchored, and the first byte is in bitmap */
    uint8_t bitmap[32];
};

struct vscan_compiled {
    struct vscan_regex *regs; /* one per match line */
    size_t count;
    uint32_t max_groups; /* largest capture count, for match data */
    bool jit;
    /* VSCAN_COMPILE_JIT_BACKGROUND: a thread JIT-compiles copies of the
     * patterns into jitted[]; it touches nothing else, and publishes them
     * with jit_ready, after which the matcher swaps them in (its thread
     * alone then owns regs again). */
    bool jit_pending;
    pthread_t jit_thread;
    pcre2_code **jitted;
    atomic_bool jit_ready;
};

/* Swaps in the background thread's JIT code once it is ready. */
void vscan_jit_adopt(struct vscan_compiled *c);

#endif
