// SPDX-License-Identifier: MIT
#include "core/runtime.h"

#include "cli/plan.h"
#include "core/clock.h"

static int clamp_level(int v)
{
    return v < 0 ? 0 : v > RUNTIME_LEVEL_MAX ? RUNTIME_LEVEL_MAX : v;
}

void runtime_init(struct runtime *rt, const struct plan *plan)
{
    atomic_init(&rt->verbosity, clamp_level(plan->verbosity));
    atomic_init(&rt->debugging, clamp_level(plan->debugging));
    atomic_init(&rt->packet_trace, plan->packet_trace);
    rt->start_us = clock_mono_us();
}

int runtime_verbosity(const struct runtime *rt)
{
    return atomic_load_explicit(&rt->verbosity, memory_order_relaxed);
}

int runtime_debugging(const struct runtime *rt)
{
    return atomic_load_explicit(&rt->debugging, memory_order_relaxed);
}

bool runtime_packet_trace(const struct runtime *rt)
{
    return atomic_load_explicit(&rt->packet_trace, memory_order_relaxed);
}

/* Only the keyboard handler writes, one key at a time, so a plain
 * load-then-store cannot lose an update. */
static int step(atomic_int *level, int delta)
{
    int v = clamp_level(atomic_load_explicit(level, memory_order_relaxed) + delta);
    atomic_store_explicit(level, v, memory_order_relaxed);
    return v;
}

int runtime_step_verbosity(struct runtime *rt, int delta)
{
    return step(&rt->verbosity, delta);
}

int runtime_step_debugging(struct runtime *rt, int delta)
{
    return step(&rt->debugging, delta);
}

void runtime_set_packet_trace(struct runtime *rt, bool on)
{
    atomic_store_explicit(&rt->packet_trace, on, memory_order_relaxed);
}

double runtime_elapsed(const struct runtime *rt, int64_t now_us)
{
    return (double)(now_us - rt->start_us) / (double)USEC_PER_SEC;
}
