// SPDX-License-Identifier: MIT
#include "report/textfmt.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "report/escape.h"
#include "report/writer.h"

void fmt_ctime(time_t t, char *buf, size_t len)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    if (!localtime_r(&t, &tm) || tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 ||
        tm.tm_mon > 11) {
        snprintf(buf, len, "%lld", (long long)t);
        return;
    }
    snprintf(buf, len, "%s %s %2d %02d:%02d:%02d %d", days[tm.tm_wday], months[tm.tm_mon],
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
}

/* 10^n, exact for the small n latencies and times need. Written here
 * rather than taken from libm: cmap links no libm, one shared object less
 * to map at every start. */
static double pow10i(int n)
{
    double p = 1.0;
    for (int i = 0; i < (n < 0 ? -n : n) && i < 400; i++)
        p *= 10.0;
    return n < 0 ? 1.0 / p : p;
}

/* floor(log10(a)) for a finite a > 0. */
static int decimal_exponent(double a)
{
    int e = 0;
    while (a >= 10.0 && e < 400) {
        a /= 10.0;
        e++;
    }
    while (a < 1.0 && e > -400) {
        a *= 10.0;
        e--;
    }
    return e;
}

void fmt_sigdigits(double d, int digits, char *buf, size_t len)
{
    int shift = -digits;
    if (d != 0.0 && isfinite(d)) {
        shift = decimal_exponent(fabs(d)) - digits + 1;
        double scale = pow10i(shift);
        d = floor(d / scale + 0.5) * scale;
    }
    snprintf(buf, len, "%.*f", shift < 0 ? -shift : 0, d);
}

double run_elapsed(const struct run *run)
{
    double s = (double)(run->end_time.tv_sec - run->start_time.tv_sec) +
               (double)(run->end_time.tv_usec - run->start_time.tv_usec) / 1e6;
    return s < 0 ? 0 : s;
}

void fmt_run_summary(const struct run *run, char *buf, size_t len)
{
    snprintf(buf, len, "%lu IP address%s (%lu host%s up) scanned in %.2f seconds", run->hosts_total,
             run->hosts_total == 1 ? "" : "es", run->hosts_up, run->hosts_up == 1 ? "" : "s",
             run_elapsed(run));
}

unsigned long run_hosts_down(const struct run *run)
{
    return run->hosts_total > run->hosts_up ? run->hosts_total - run->hosts_up : 0;
}

void put_name_ip(FILE *fp, const struct host *h)
{
    char ip[NET_ADDR_STRLEN];
    net_addr_format(&h->addr, ip, sizeof ip);
    const char *name = h->target_name ? h->target_name : h->rdns;
    if (name && *name) {
        put_safe(fp, name);
        fprintf(fp, " (%s)", ip);
    } else {
        fputs(ip, fp);
    }
}

void fmt_dirname(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(buf, len, ".");
        return;
    }
    size_t n = (size_t)(slash - path);
    if (n == 0) n = 1; /* "/nmap-services" lives in "/" */
    snprintf(buf, len, "%.*s", (int)n, path);
}

int flush_status(FILE *fp)
{
    if (fflush(fp) != 0) return -1;
    if (ferror(fp)) {
        if (errno == 0) errno = EIO;
        return -1;
    }
    return 0;
}

bool task_extrainfo(const struct task_event *t, char *buf, size_t len)
{
    if (t->total_hosts) {
        snprintf(buf, len, "%zu total hosts", t->n_hosts);
        return true;
    }
    if (t->ports_per_host) {
        snprintf(buf, len, "%zu total ports", t->ports_per_host * t->n_hosts);
        return true;
    }
    if (t->n_services) {
        snprintf(buf, len, "%zu service%s on %zu host%s", t->n_services,
                 t->n_services == 1 ? "" : "s", t->n_hosts, t->n_hosts == 1 ? "" : "s");
        return true;
    }
    return false;
}
