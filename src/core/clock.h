// SPDX-License-Identifier: MIT
// Time for the engine: a monotonic microsecond clock for every interval the
// scheduler measures (immune to wall-clock steps), and wall time for the
// timestamps the writers print.
#ifndef CMAP_CORE_CLOCK_H
#define CMAP_CORE_CLOCK_H

#include <stdint.h>
#include <sys/time.h>

#define USEC_PER_SEC 1000000LL
#define USEC_PER_MSEC 1000LL

/* Microseconds on CLOCK_MONOTONIC. */
int64_t clock_mono_us(void);
/* Wall-clock time of day. */
void clock_wall(struct timeval *tv);

#endif
