// SPDX-License-Identifier: MIT
// The switches a user may change while a scan runs (nmap's runtime keys
// v/V, d/D, p/P): verbosity, debugging and packet tracing. The plan stays
// immutable; it only seeds these. Written by the keyboard handler on one
// thread, read by the engine's workers and the writers on others, so every
// field is atomic.
#ifndef CMAP_CORE_RUNTIME_H
#define CMAP_CORE_RUNTIME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct plan;

/* nmap caps both levels at 10 (-v/-d and the keys alike). */
#define RUNTIME_LEVEL_MAX 10

struct runtime {
    atomic_int verbosity;
    atomic_int debugging;
    atomic_bool packet_trace;
    int64_t start_us; /* monotonic time the run began: packet-trace times count from it */
};

void runtime_init(struct runtime *rt, const struct plan *plan);

int runtime_verbosity(const struct runtime *rt);
int runtime_debugging(const struct runtime *rt);
bool runtime_packet_trace(const struct runtime *rt);

/* Step a level by +1/-1 within 0..RUNTIME_LEVEL_MAX; returns the new level. */
int runtime_step_verbosity(struct runtime *rt, int delta);
int runtime_step_debugging(struct runtime *rt, int delta);
void runtime_set_packet_trace(struct runtime *rt, bool on);

/* Seconds since the run began, as nmap's TimeSinceStart(). */
double runtime_elapsed(const struct runtime *rt, int64_t now_us);

#endif
