// SPDX-License-Identifier: MIT
#include "core/clock.h"

#include <time.h>

int64_t clock_mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * USEC_PER_SEC + ts.tv_nsec / 1000;
}

void clock_wall(struct timeval *tv)
{
    gettimeofday(tv, NULL);
}
