// SPDX-License-Identifier: MIT
#include "report/progress.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* nmap keeps an unfinished host just short of done. */
#define HOST_FRACTION_CAP 0.9999
/* Below this there is too little to extrapolate from (nmap: 1%). */
#define ESTIMATE_MIN_FRACTION 0.01
/* The automatic -v line: nmap's limits in timing.cc. */
#define AUTO_FIRST_AFTER_S 30
#define AUTO_RECHECK_S 3
#define AUTO_INTERVAL_S 30
#define AUTO_MIN_FRACTION 0.003
#define AUTO_MIN_LEFT_S 30
#define AUTO_MIN_CHANGE_S 15
#define AUTO_MIN_CHANGE_SHARE 0.05

double progress_host_fraction(unsigned long finished, unsigned long sent, unsigned maxtries,
                              size_t n_ports)
{
    if (n_ports == 0 || maxtries == 0) return HOST_FRACTION_CAP;
    double done = (double)finished * (double)(maxtries - 1) + (double)sent;
    done /= (double)maxtries * (double)n_ports;
    return done >= HOST_FRACTION_CAP ? HOST_FRACTION_CAP : done;
}

void progress_estimate(double fraction, time_t begin, time_t now, struct progress_estimate *e)
{
    if (fraction < 0) fraction = 0;
    if (fraction > 1) fraction = 1;
    memset(e, 0, sizeof *e);
    e->percent = fraction * 100;
    if (fraction < ESTIMATE_MIN_FRACTION) return;
    double used = difftime(now, begin);
    /* nmap adds 0.5 "to get the effect of rounding in integer calculations". */
    e->remaining = used / fraction - used + 0.5;
    e->have_etc = true;
    e->etc = now + (time_t)e->remaining;
}

void progress_meter_start(struct progress_meter *m, time_t begin)
{
    *m = (struct progress_meter){.begin = begin, .last_test = begin};
}

static bool may_print(const struct progress_meter *m, time_t now)
{
    if (m->last_print == 0) return difftime(now, m->begin) > AUTO_FIRST_AFTER_S;
    if (difftime(now, m->last_test) < AUTO_RECHECK_S) return false;
    return difftime(now, m->last_print) >= AUTO_INTERVAL_S;
}

bool progress_meter_due(struct progress_meter *m, double fraction, time_t now, int verbosity,
                        int debugging)
{
    if (verbosity <= 0 || !may_print(m, now)) return false;
    m->last_test = now;
    if (fraction <= AUTO_MIN_FRACTION) return false;
    struct progress_estimate e;
    progress_estimate(fraction, m->begin, now, &e);
    double left = e.remaining - 0.5;
    if (left < AUTO_MIN_LEFT_S) return false;
    if (m->last_est == 0 || now > m->last_est) return true;
    double prev_total = difftime(m->last_est, m->begin);
    double prev_left = difftime(m->last_est, m->last_print);
    double change = fabs(prev_left - left);
    return debugging > 0 ||
           (change > AUTO_MIN_CHANGE_S && change > AUTO_MIN_CHANGE_SHARE * prev_total);
}

void progress_meter_printed(struct progress_meter *m, const struct progress_estimate *e, time_t now)
{
    m->last_print = now;
    if (e->have_etc) m->last_est = e->etc;
}

int progress_format_stats(char *buf, size_t len, long elapsed_s, unsigned long done,
                          unsigned long up, unsigned long active, const char *task)
{
    if (elapsed_s < 0) elapsed_s = 0;
    return snprintf(buf, len,
                    "Stats: %ld:%02ld:%02ld elapsed; %lu hosts completed (%lu up), %lu "
                    "undergoing %s",
                    elapsed_s / 3600, elapsed_s / 60 % 60, elapsed_s % 60, done, up, active, task);
}

/* "H:MM:SS" of a remaining time, nmap's way (floor of each part). */
static void format_hms(char *buf, size_t len, double s)
{
    long long t = s > 0 && s < 9e15 ? (long long)s : 0; /* floor, for s >= 0 */
    snprintf(buf, len, "%lld:%02lld:%02lld", t / 3600, t / 60 % 60, t % 60);
}

int progress_format_timing(char *buf, size_t len, const char *task,
                           const struct progress_estimate *e, const struct tm *etc_tm)
{
    if (!e->have_etc) return snprintf(buf, len, "%s Timing: About %.2f%% done", task, e->percent);
    char left[64];
    format_hms(left, sizeof left, e->remaining);
    if (!etc_tm)
        return snprintf(buf, len, "%s Timing: About %.2f%% done; ETC: Unknown (%s remaining)", task,
                        e->percent, left);
    return snprintf(buf, len, "%s Timing: About %.2f%% done; ETC: %02d:%02d (%s remaining)", task,
                    e->percent, etc_tm->tm_hour, etc_tm->tm_min, left);
}

int progress_format_live(char *buf, size_t len, size_t width, const char *task,
                         const struct progress_estimate *e, long task_elapsed_s)
{
    if (len == 0) return 0;
    if (task_elapsed_s < 0) task_elapsed_s = 0;
    char left[80] = "";
    if (e->have_etc) {
        char hms[64];
        format_hms(hms, sizeof hms, e->remaining);
        snprintf(left, sizeof left, ", ~%s left", hms);
    }
    int n = snprintf(buf, len, "%s: %.2f%% done, %ld:%02ld:%02ld elapsed%s", task, e->percent,
                     task_elapsed_s / 3600, task_elapsed_s / 60 % 60, task_elapsed_s % 60, left);
    if (n < 0) {
        buf[0] = '\0';
        return 0;
    }
    size_t cut = (size_t)n < len ? (size_t)n : len - 1;
    /* Leave the last column free: writing into it wraps on some terminals. */
    if (width > 0 && cut > width - 1) cut = width - 1;
    buf[cut] = '\0';
    return (int)cut;
}
