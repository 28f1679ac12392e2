// SPDX-License-Identifier: MIT
// The watcher: reacts to keys and clocks on the engine's tick (any worker
// thread; one at a time, the others skip that tick) and writes through the
// outputs, which serialise every writer.
#include "report/watch.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/plan.h"
#include "core/clock.h"
#include "core/keyboard.h"
#include "core/log.h"
#include "core/runtime.h"
#include "report/progress.h"
#include "report/writer.h"
#include "scan/observer.h"

/* cmap's live line: only for scans long enough to wonder about, redrawn
 * once a second. */
#define LIVE_AFTER_US (2 * USEC_PER_SEC)
#define LIVE_EVERY_US USEC_PER_SEC
#define DEFAULT_COLUMNS 80
/* nmap's catch-up when --stats-every fell behind: half a second from now. */
#define STATS_CATCH_UP_US (500 * USEC_PER_MSEC)

struct watch {
    const struct plan *plan;
    struct runtime *rt;
    struct outputs *out;
    const struct run *run;
    pthread_mutex_t lock;
    bool live; /* the live line may be drawn: interactive text on a terminal */

    const char *task; /* NULL between tasks */
    time_t task_wall;
    int64_t task_us;
    unsigned long hosts_done, hosts_up, hosts_active;
    struct progress_meter meter;
    int64_t next_stats_us; /* --stats-every schedule; anchored at the run's start */
    int64_t last_live_us;
    struct scan_status last;
    unsigned long rate_probes; /* probes and time at the last status, for */
    int64_t rate_us;           /* "Current sending rates" */
};

static void message(struct watch *w, bool to_file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void message(struct watch *w, bool to_file, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    outputs_message(w->out, w->run, line, to_file);
}

static bool stdout_has_text(const struct plan *plan)
{
    if (plan->silent_stdout) return false;
    for (int f = 0; f < OUT_FORMAT_COUNT; f++)
        if (plan->output_path[f] && strcmp(plan->output_path[f], "-") == 0) return false;
    return true;
}

static bool live_line_wanted(const struct plan *plan)
{
    const char *term = getenv("TERM");
    if (plan->noninteractive || !isatty(STDOUT_FILENO)) return false;
    if (term && strcmp(term, "dumb") == 0) return false;
    return stdout_has_text(plan);
}

static long ms(int64_t us)
{
    return (long)(us / USEC_PER_MSEC);
}

/* nmap's UDP ceiling is separate from TCP's: -T4/-T5 lower only TCP's and
 * SCTP's, and --scan-delay raises a ceiling only when it is below the delay.
 * The plan keeps one ceiling, so UDP's is reconstructed from how it came
 * to differ from nmap's 1000 ms default. */
static long udp_scan_delay_ms(const struct timing *t)
{
    long tcp = ms(t->max_scan_delay), delay = ms(t->scan_delay);
    bool template_value = (t->level == 4 && tcp == 10) || (t->level == 5 && tcp == 5);
    bool raised_by_delay = delay > 0 && tcp == delay;
    if (template_value || raised_by_delay) return delay > 1000 ? delay : 1000;
    return tcp;
}

/* nmap's -d block (nmap.cc), on the interactive output and in -oN. */
static void timing_report(struct watch *w)
{
    const struct timing *t = &w->plan->timing;
    long tcp_delay = ms(t->max_scan_delay);
    message(w, true, "--------------- Timing report ---------------");
    message(w, true, "  hostgroups: min %d, max %d", t->min_hostgroup > 0 ? t->min_hostgroup : 1,
            t->max_hostgroup > 0 ? t->max_hostgroup : 100000);
    message(w, true, "  rtt-timeouts: init %ld, min %ld, max %ld", ms(t->initial_rtt_timeout),
            ms(t->min_rtt_timeout), ms(t->max_rtt_timeout));
    message(w, true, "  max-scan-delay: TCP %ld, UDP %ld, SCTP %ld", tcp_delay,
            udp_scan_delay_ms(t), tcp_delay);
    message(w, true, "  parallelism: min %d, max %d", t->min_parallelism, t->max_parallelism);
    message(w, true, "  max-retries: %d, host-timeout: %ld", t->max_retries,
            ms(t->host_timeout > 0 ? t->host_timeout : 0));
    message(w, true, "  min-rate: %g, max-rate: %g", t->min_rate, t->max_rate);
    message(w, true, "---------------------------------------------");
}

struct watch *watch_open(const struct plan *plan, struct runtime *rt, struct outputs *out,
                         const struct run *run)
{
    struct watch *w = calloc(1, sizeof *w);
    if (!w) fatal("Out of memory setting up the status display");
    *w = (struct watch){.plan = plan, .rt = rt, .out = out, .run = run};
    pthread_mutex_init(&w->lock, NULL);
    if (!plan->noninteractive) keyboard_open();
    w->live = live_line_wanted(plan);
    if (plan->stats_every > 0) w->next_stats_us = rt->start_us + plan->stats_every;
    if (runtime_debugging(rt) > 0) timing_report(w);
    return w;
}

void watch_task_begin(struct watch *w, const char *task, unsigned long hosts_done,
                      unsigned long hosts_up, unsigned long hosts_active)
{
    pthread_mutex_lock(&w->lock);
    w->task = task;
    w->task_wall = time(NULL);
    w->task_us = w->rate_us = w->last_live_us = clock_mono_us();
    w->hosts_done = hosts_done;
    w->hosts_up = hosts_up;
    w->hosts_active = hosts_active;
    w->last = (struct scan_status){0};
    w->rate_probes = 0;
    progress_meter_start(&w->meter, w->task_wall);
    pthread_mutex_unlock(&w->lock);
}

/* nmap's answers to the runtime keys. Returns true for a status request. */
static bool handle_key(struct watch *w, int key)
{
    switch (key) {
    case 'v':
        message(w, false, "Verbosity Increased to %d.", runtime_step_verbosity(w->rt, +1));
        return false;
    case 'V':
        message(w, false, "Verbosity Decreased to %d.", runtime_step_verbosity(w->rt, -1));
        return false;
    case 'd':
        message(w, false, "Debugging Increased to %d.", runtime_step_debugging(w->rt, +1));
        return false;
    case 'D':
        message(w, false, "Debugging Decreased to %d.", runtime_step_debugging(w->rt, -1));
        return false;
    case 'p':
        runtime_set_packet_trace(w->rt, true);
        message(w, false, "Packet Tracing enabled.");
        return false;
    case 'P':
        runtime_set_packet_trace(w->rt, false);
        message(w, false, "Packet Tracing disabled.");
        return false;
    case '?':
        message(w, false,
                "Interactive keyboard commands:\n"
                "?               Display this information\n"
                "v/V             Increase/decrease verbosity\n"
                "d/D             Increase/decrease debugging\n"
                "p/P             Enable/disable packet tracing\n"
                "anything else   Print status\n"
                "More help: https://nmap.org/book/man-runtime-interaction.html");
        return false;
    default:
        return true;
    }
}

static bool stats_due(struct watch *w, int64_t now_us)
{
    if (w->next_stats_us <= 0 || now_us < w->next_stats_us) return false;
    w->next_stats_us += w->plan->stats_every;
    if (w->next_stats_us <= now_us) w->next_stats_us = now_us + STATS_CATCH_UP_US;
    return true;
}

static void estimate(const struct watch *w, time_t now, struct progress_estimate *e)
{
    progress_estimate(w->last.fraction, w->task_wall, now, e);
}

static void print_status(struct watch *w, bool with_stats, int64_t now_us)
{
    struct timeval tv;
    clock_wall(&tv);
    struct progress_estimate e;
    estimate(w, tv.tv_sec, &e);
    struct tm etc_tm;
    bool have_tm = e.have_etc && localtime_r(&e.etc, &etc_tm);
    struct progress_event ev = {.task = w->task,
                                .time = tv,
                                .percent = e.percent,
                                .have_etc = e.have_etc,
                                .remaining = e.remaining,
                                .etc = e.etc,
                                .etc_tm = have_tm ? &etc_tm : NULL,
                                .with_stats = with_stats,
                                .elapsed = (long)runtime_elapsed(w->rt, now_us),
                                .hosts_done = w->hosts_done,
                                .hosts_up = w->hosts_up,
                                .hosts_active = w->hosts_active};
    outputs_task_progress(w->out, w->run, &ev);
    progress_meter_printed(&w->meter, &e, tv.tv_sec);
    if (with_stats && runtime_debugging(w->rt) > 0) {
        double secs = (double)(now_us - w->rate_us) / USEC_PER_SEC;
        double sent = (double)(w->last.probes_sent - w->rate_probes);
        message(w, false, "Current sending rates: %.2f packets / s.", secs > 0 ? sent / secs : 0);
    }
    w->rate_probes = w->last.probes_sent;
    w->rate_us = now_us;
}

static size_t terminal_columns(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return DEFAULT_COLUMNS;
}

static void draw_live_line(struct watch *w, int64_t now_us)
{
    if (!w->live || now_us - w->task_us < LIVE_AFTER_US) return;
    if (now_us - w->last_live_us < LIVE_EVERY_US) return;
    w->last_live_us = now_us;
    struct progress_estimate e;
    estimate(w, time(NULL), &e);
    char line[256];
    progress_format_live(line, sizeof line, terminal_columns(), w->task, &e,
                         (long)((now_us - w->task_us) / USEC_PER_SEC));
    outputs_live_line(w->out, line);
}

static void on_tick(void *ctx, const struct scan_status *st)
{
    struct watch *w = ctx;
    /* Another worker is already at it; this tick has nothing to add. The
     * final report must not be lost, so it waits. */
    if (st->finished)
        pthread_mutex_lock(&w->lock);
    else if (pthread_mutex_trylock(&w->lock) != 0)
        return;
    w->last = *st;
    if (!st->finished && w->task) {
        int64_t now_us = clock_mono_us();
        int key = keyboard_getkey();
        bool status = key >= 0 && handle_key(w, key);
        status = stats_due(w, now_us) || status;
        if (status)
            print_status(w, true, now_us);
        else if (progress_meter_due(&w->meter, st->fraction, time(NULL), runtime_verbosity(w->rt),
                                    runtime_debugging(w->rt)))
            print_status(w, false, now_us);
        draw_live_line(w, now_us);
    }
    pthread_mutex_unlock(&w->lock);
}

static void on_message(void *ctx, const char *line, bool to_file)
{
    struct watch *w = ctx;
    outputs_message(w->out, w->run, line, to_file);
}

void watch_observe(struct watch *w, struct scan_observer *obs)
{
    obs->tick = on_tick;
    obs->message = on_message;
    obs->watch_ctx = w;
    obs->rt = w->rt;
}

void watch_task_end(struct watch *w)
{
    pthread_mutex_lock(&w->lock);
    if (w->live) outputs_live_line(w->out, NULL);
    if (w->task && runtime_debugging(w->rt) > 0) {
        double secs = (double)(clock_mono_us() - w->task_us) / USEC_PER_SEC;
        double sent = (double)w->last.probes_sent;
        message(w, false, "Overall sending rates: %.2f packets / s.", secs > 0 ? sent / secs : 0);
    }
    w->task = NULL;
    pthread_mutex_unlock(&w->lock);
}

void watch_close(struct watch *w)
{
    keyboard_close();
    if (!w) return;
    if (w->live) outputs_live_line(w->out, NULL);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
