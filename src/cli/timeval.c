// SPDX-License-Identifier: MIT
#include "cli/timeval.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

#include "cli/plan.h"

static bool unit_scale(const char *unit, double *scale)
{
    if (*unit == '\0' || strcasecmp(unit, "s") == 0)
        *scale = 1.0;
    else if (strcasecmp(unit, "ms") == 0)
        *scale = 0.001;
    else if (strcasecmp(unit, "m") == 0)
        *scale = 60.0;
    else if (strcasecmp(unit, "h") == 0)
        *scale = 3600.0;
    else
        return false;
    return true;
}

bool tval_parse(const char *s, double *seconds, bool *has_unit)
{
    char *tail;
    double scale;

    if (!s || *s == '\0') return false;
    errno = 0;
    double d = strtod(s, &tail);
    if (errno != 0 || tail == s || !isfinite(d)) return false;
    if (!unit_scale(tail, &scale)) return false;
    *seconds = d * scale;
    if (!isfinite(*seconds)) return false; /* "1e308h" overflows when scaled */
    *has_unit = *tail != '\0';
    return true;
}

long tval_msecs(const char *s)
{
    double secs;
    bool has_unit;
    if (!tval_parse(s, &secs, &has_unit)) return -1;
    double ms = secs * 1000.0;
    if (ms >= (double)LONG_MAX || ms <= (double)LONG_MIN) return -1;
    return (long)ms;
}

int64_t parse_time_value(const char *s)
{
    double secs;
    bool has_unit;
    if (!tval_parse(s, &secs, &has_unit) || secs < 0) return -1;
    double us = secs * 1e6;
    if (us >= (double)INT64_MAX) return -1;
    return (int64_t)us;
}
