// SPDX-License-Identifier: MIT
// Timing templates and the options that refine them. Templates change the
// values at once; explicit options are kept aside and applied after the
// whole command line (cli_finish_timing), so "-T4 --max-retries 2" and
// "--max-retries 2 -T4" both end with 2 retries, as in nmap.
#include <limits.h>
#include <stdlib.h>
#include <strings.h>

#include "cli/handlers.h"
#include "cli/timeval.h"

#define MS 1000LL /* microseconds */

/* nmap's setters keep min <= initial <= max by moving the other bounds. */
static void set_initial_rtt(struct timing *t, int64_t v)
{
    t->initial_rtt_timeout = v;
    if (v > t->max_rtt_timeout) t->max_rtt_timeout = v;
    if (v < t->min_rtt_timeout) t->min_rtt_timeout = v;
}

static void set_min_rtt(struct timing *t, int64_t v)
{
    t->min_rtt_timeout = v;
    if (v > t->max_rtt_timeout) t->max_rtt_timeout = v;
    if (v > t->initial_rtt_timeout) t->initial_rtt_timeout = v;
}

static void set_max_rtt(struct timing *t, int64_t v)
{
    t->max_rtt_timeout = v;
    if (v < t->min_rtt_timeout) t->min_rtt_timeout = v;
    if (v < t->initial_rtt_timeout) t->initial_rtt_timeout = v;
}

/* -T0..-T5 as nmap 7.93 sets them; -T3 ("normal") changes nothing. */
static void apply_template(struct timing *t, int level)
{
    switch (level) {
    case 0:
    case 1:
        t->level = level;
        t->max_parallelism = 1;
        t->scan_delay = (level == 0 ? 300000 : 15000) * MS;
        set_initial_rtt(t, t->scan_delay);
        break;
    case 2:
        t->level = 2;
        t->max_parallelism = 1;
        t->scan_delay = 400 * MS;
        break;
    case 4:
        t->level = 4;
        set_min_rtt(t, 100 * MS);
        set_max_rtt(t, 1250 * MS);
        set_initial_rtt(t, 500 * MS);
        t->max_scan_delay = 10 * MS;
        t->max_retries = 6;
        break;
    case 5:
        t->level = 5;
        set_min_rtt(t, 50 * MS);
        set_max_rtt(t, 300 * MS);
        set_initial_rtt(t, 250 * MS);
        t->host_timeout = 900000 * MS;
        t->max_scan_delay = 5 * MS;
        t->max_retries = 2;
        break;
    default:
        break;
    }
}

/* nmap decides by the first character, so "-T4x" is -T4; "-T11" is nmap's
 * "goes to eleven" joke and means -T5. */
static int template_level(struct cli_ctx *ctx, const char *arg)
{
    static const char *const names[] = {"paranoid", "sneaky",     "polite",
                                        "normal",   "aggressive", "insane"};
    if (arg[0] == '1' && arg[1] == '1') {
        cli_warn(ctx, "ok nigel");
        return 5;
    }
    if (arg[0] >= '0' && arg[0] <= '5') return arg[0] - '0';
    for (int i = 0; i < 6; i++)
        if (strcasecmp(arg, names[i]) == 0) return i;
    return -1;
}

int opt_template(struct cli_ctx *ctx, const struct getopt_item *item)
{
    int level = template_level(ctx, item->arg);
    if (level < 0)
        return cli_fatal(ctx, "Unknown timing mode (-T argument).  Use either \"Paranoid\", "
                              "\"Sneaky\", \"Polite\", \"Normal\", \"Aggressive\", \"Insane\" or "
                              "a number from 0 (Paranoid) to 5 (Insane)");
    apply_template(&ctx->plan->timing, level);
    return 0;
}

static bool has_unit(const char *arg)
{
    double secs;
    bool unit = false;
    return tval_parse(arg, &secs, &unit) && unit;
}

static int rtt_unit_fatal(struct cli_ctx *ctx, const char *name, const char *arg, long ms)
{
    return cli_fatal(ctx,
                     "Since April 2010, the default unit for --%s is seconds, so your time of "
                     "\"%s\" is %g seconds. Use \"%sms\" for %g milliseconds.",
                     name, arg, ms / 1000.0, arg, ms / 1000.0);
}

int opt_rtt_timeout(struct cli_ctx *ctx, const struct getopt_item *item)
{
    const char *arg = item->arg, *name = item->opt->name;
    long ms = tval_msecs(arg);
    enum opt_id id = item->opt->id;
    if (id == OPT_MAX_RTT_TIMEOUT && ms < 5)
        return cli_fatal(ctx, "Bogus --max-rtt-timeout argument specified, must be at least 5ms");
    if (id == OPT_MIN_RTT_TIMEOUT && ms < 0)
        return cli_fatal(ctx, "Bogus --min-rtt-timeout argument specified");
    if (id == OPT_INITIAL_RTT_TIMEOUT && ms <= 0)
        return cli_fatal(ctx, "Bogus --initial-rtt-timeout argument specified.  Must be positive");
    if (ms >= 50 * 1000 && !has_unit(arg)) return rtt_unit_fatal(ctx, name, arg, ms);
    if (id == OPT_MAX_RTT_TIMEOUT) {
        if (ms < 20)
            cli_warn(ctx,
                     "WARNING: You specified a round-trip time timeout (%ld ms) that is "
                     "EXTRAORDINARILY SMALL.  Accuracy may suffer.",
                     ms);
        ctx->pre.max_rtt = ms * MS;
    } else if (id == OPT_MIN_RTT_TIMEOUT) {
        ctx->pre.min_rtt = ms * MS;
    } else {
        ctx->pre.initial_rtt = ms * MS;
    }
    return 0;
}

int opt_delay(struct cli_ctx *ctx, const struct getopt_item *item)
{
    const char *arg = item->arg;
    long ms = tval_msecs(arg);
    bool max = item->opt->id == OPT_MAX_SCAN_DELAY;
    if (ms < 0) return cli_fatal(ctx, "Bogus --%s argument specified.", item->opt->name);
    if (ms >= 100 * 1000 && !has_unit(arg)) {
        if (max)
            return cli_fatal(ctx,
                             "Since April 2010, the default unit for --max-scan-delay is "
                             "seconds, so your time of \"%s\" is %.1f minutes. If this is what "
                             "you want, use \"%ss\".",
                             arg, ms / 1000.0 / 60, arg);
        return cli_fatal(ctx,
                         "Since April 2010, the default unit for --scan-delay is seconds, so "
                         "your time of \"%s\" is %.1f minutes. Use \"%sms\" for %g milliseconds.",
                         arg, ms / 1000.0 / 60, arg, ms / 1000.0);
    }
    if (max)
        ctx->pre.max_scan_delay = ms * MS;
    else
        ctx->pre.scan_delay = ms * MS;
    return 0;
}

int opt_host_timeout(struct cli_ctx *ctx, const struct getopt_item *item)
{
    const char *arg = item->arg;
    long ms = tval_msecs(arg);
    if (ms < 0) return cli_fatal(ctx, "Bogus --host-timeout argument specified");
    if (ms >= 10000 * 1000 && !has_unit(arg))
        return cli_fatal(ctx,
                         "Since April 2010, the default unit for --host-timeout is seconds, so "
                         "your time of \"%s\" is %.1f hours. If this is what you want, use "
                         "\"%ss\".",
                         arg, ms / 1000.0 / 60 / 60, arg);
    ctx->pre.host_timeout = ms * MS;
    return 0;
}

int opt_max_retries(struct cli_ctx *ctx, const struct getopt_item *item)
{
    int n = cli_atoi(item->arg);
    if (n < 0) return cli_fatal(ctx, "max-retries must be positive");
    ctx->pre.max_retries = n;
    return 0;
}

int opt_parallelism(struct cli_ctx *ctx, const struct getopt_item *item)
{
    int n = cli_atoi(item->arg);
    if (item->opt->id == OPT_MAX_PARALLELISM) {
        if (n < 1) return cli_fatal(ctx, "Argument to -M must be at least 1!");
        if (n > 900)
            cli_warn(ctx, "Warning: Your max-parallelism (-M) option is extraordinarily high, "
                          "which can hurt reliability");
        ctx->pre.max_parallelism = n;
        return 0;
    }
    if (n < 1) return cli_fatal(ctx, "Argument to --min-parallelism must be at least 1!");
    if (n > 100)
        cli_warn(ctx, "Warning: Your --min-parallelism option is pretty high!  This can hurt "
                      "reliability.");
    ctx->plan->timing.min_parallelism = n;
    return 0;
}

/* Host-group bounds are checked against each other as they are read, with
 * nmap's unsigned comparison (so a negative size counts as huge). */
int opt_hostgroup(struct cli_ctx *ctx, const struct getopt_item *item)
{
    struct timing *t = &ctx->plan->timing;
    int n = cli_atoi(item->arg);
    unsigned size = (unsigned)n;
    if (item->opt->id == OPT_MIN_HOSTGROUP) {
        if (size > (unsigned)t->max_hostgroup)
            return cli_fatal(ctx,
                             "Minimum host group size may not be set to greater than maximum "
                             "size (currently %d)\n",
                             t->max_hostgroup);
        t->min_hostgroup = (int)size;
        if (n > 100) cli_warn(ctx, "Warning: You specified a highly aggressive --min-hostgroup.");
        return 0;
    }
    if (size < (unsigned)t->min_hostgroup)
        return cli_fatal(ctx,
                         "Maximum host group size may not be set to less than the minimum size "
                         "(currently %d)\n",
                         t->min_hostgroup);
    if (size == 0) return cli_fatal(ctx, "Max host size must be at least 1");
    t->max_hostgroup = size > INT_MAX ? INT_MAX : (int)size;
    return 0;
}

/* nmap reads rates with sscanf("%f"): a leading number, junk after it ignored. */
int opt_rate(struct cli_ctx *ctx, const struct getopt_item *item)
{
    bool max = item->opt->id == OPT_MAX_RATE;
    char *end;
    double rate = strtod(item->arg, &end);
    if (end == item->arg || !(rate > 0.0) || rate > 1e30)
        return cli_fatal(ctx, "Argument to --%s must be a positive floating-point number",
                         max ? "max-rate" : "min-rate");
    if (max)
        ctx->plan->timing.max_rate = rate;
    else
        ctx->plan->timing.min_rate = rate;
    return 0;
}

/* nmap's apply_delayed_options for timing: explicit values over the template. */
int cli_finish_timing(struct cli_ctx *ctx)
{
    struct timing *t = &ctx->plan->timing;
    const struct timing_explicit *pre = &ctx->pre;
    if (pre->max_parallelism != -1) t->max_parallelism = pre->max_parallelism;
    if (pre->scan_delay != -1) {
        t->scan_delay = pre->scan_delay;
        if (t->scan_delay > t->max_scan_delay) t->max_scan_delay = t->scan_delay;
        if (pre->max_parallelism != -1 || t->min_parallelism != 0)
            cli_warn(ctx, "Warning: --min-parallelism and --max-parallelism are ignored with "
                          "--scan-delay.");
    }
    if (pre->max_scan_delay != -1) t->max_scan_delay = t->max_udp_scan_delay = pre->max_scan_delay;
    if (pre->initial_rtt != -1) set_initial_rtt(t, pre->initial_rtt);
    if (pre->min_rtt != -1) set_min_rtt(t, pre->min_rtt);
    if (pre->max_rtt != -1) set_max_rtt(t, pre->max_rtt);
    if (pre->max_retries != -1) t->max_retries = pre->max_retries;
    if (pre->host_timeout != -1) t->host_timeout = pre->host_timeout;
    return 0;
}
