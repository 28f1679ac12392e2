// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cli/plan.h"
#include "scan/rtt.h"

static struct timing defaults(int level)
{
    return (struct timing){.level = level,
                           .min_rtt_timeout = -1,
                           .max_rtt_timeout = -1,
                           .initial_rtt_timeout = -1,
                           .max_retries = -1,
                           .scan_delay = -1,
                           .max_scan_delay = -1};
}

static void starts_at_initial_timeout(void **state)
{
    (void)state;
    struct timing t = defaults(3);
    struct rtt_limits lim;
    struct rtt_est e;
    rtt_limits_from_timing(&lim, &t);
    assert_int_equal(lim.min_timeout, 100000);
    assert_int_equal(lim.max_timeout, 10000000);
    rtt_init(&e, &lim);
    assert_int_equal(e.srtt, -1);
    assert_int_equal(e.rttvar, -1);
    assert_int_equal(e.timeout, 1000000);
}

/* RFC 6298 2.2/2.3 with nmap's first RTTVAR: R=100 ms gives SRTT=R,
 * RTTVAR=R, RTO=SRTT+4*RTTVAR; then R'=50 ms: RTTVAR=3/4*RTTVAR+1/4*|SRTT-R'|,
 * SRTT=7/8*SRTT+1/8*R'. */
static void follows_rfc6298(void **state)
{
    (void)state;
    struct timing t = defaults(3);
    struct rtt_limits lim;
    struct rtt_est e;
    rtt_limits_from_timing(&lim, &t);
    rtt_init(&e, &lim);
    assert_true(rtt_sample(&e, 100000, &lim));
    assert_int_equal(e.srtt, 100000);
    assert_int_equal(e.rttvar, 100000);
    assert_int_equal(e.timeout, 500000);
    assert_true(rtt_sample(&e, 50000, &lim));
    assert_int_equal(e.srtt, 93750);
    assert_int_equal(e.rttvar, 87500);
    assert_int_equal(e.timeout, 93750 + 4 * 87500);
}

/* The <times srtt="116" rttvar="3775" to="100000"/> of a two-port loopback
 * scan in nmap's documentation follows from samples of 129 and 27 us: the
 * first RTTVAR is floored at 5 ms and the timeout at --min-rtt-timeout. */
static void reproduces_nmap_loopback_times(void **state)
{
    (void)state;
    struct timing t = defaults(3);
    struct rtt_limits lim;
    struct rtt_est e;
    rtt_limits_from_timing(&lim, &t);
    rtt_init(&e, &lim);
    assert_true(rtt_sample(&e, 129, &lim));
    assert_int_equal(e.rttvar, 5000);
    assert_int_equal(e.timeout, 100000);
    assert_true(rtt_sample(&e, 27, &lim));
    assert_int_equal(e.srtt, 116);
    assert_int_equal(e.rttvar, 3775);
    assert_int_equal(e.timeout, 100000);
}

static void clamps_and_rejects(void **state)
{
    (void)state;
    struct timing t = defaults(3);
    t.max_rtt_timeout = 300000;
    t.scan_delay = 400000;
    struct rtt_limits lim;
    struct rtt_est e;
    rtt_limits_from_timing(&lim, &t);
    rtt_init(&e, &lim);
    assert_true(rtt_sample(&e, 200000, &lim));
    /* 200000 + 4 * 200000 capped at 300000, then raised to the scan delay. */
    assert_int_equal(e.timeout, 400000);
    assert_false(rtt_sample(&e, 8000000, &lim)); /* 8 s or more: ignored */
    assert_false(rtt_sample(&e, -60000, &lim));  /* far negative: ignored */
    assert_int_equal(e.srtt, 200000);
    assert_true(rtt_sample(&e, -10, &lim)); /* small negative counts as 10 ms */
    assert_int_equal(e.srtt, 200000 + ((10000 - 200000) >> 3));
}

static void first_rttvar_is_capped_at_two_seconds(void **state)
{
    (void)state;
    struct timing t = defaults(3);
    struct rtt_limits lim;
    struct rtt_est e;
    rtt_limits_from_timing(&lim, &t);
    rtt_init(&e, &lim);
    assert_true(rtt_sample(&e, 3000000, &lim));
    assert_int_equal(e.rttvar, 2000000);
    assert_int_equal(e.timeout, 10000000);
}

static void window_grows_in_slow_start_then_linearly(void **state)
{
    (void)state;
    struct timing t = defaults(3);
    struct cc_params p;
    struct cwnd w;
    cc_params_from_timing(&p, &t);
    assert_true(p.low_cwnd == 1 && p.max_cwnd == 300 && p.initial_cwnd == 10);
    cwnd_init(&w, &p, 0);
    assert_true(cwnd_allows(&w, 9));
    assert_false(cwnd_allows(&w, 10));
    for (int i = 0; i < 65; i++) {
        cwnd_note_outcome(&w);
        cwnd_ack(&w, &p);
    }
    assert_true(w.cwnd == 75.0); /* slow start stops at ssthresh */
    cwnd_note_outcome(&w);
    cwnd_ack(&w, &p);
    assert_float_equal(w.cwnd, 75.0 + 1.0 / 75.0, 1e-9);
}

static void silent_probes_scale_up_the_growth(void **state)
{
    (void)state;
    struct timing t = defaults(3);
    struct cc_params p;
    struct cwnd w;
    cc_params_from_timing(&p, &t);
    cwnd_init(&w, &p, 0);
    /* Three outcomes, one reply: the reply counts three-fold. */
    cwnd_note_outcome(&w);
    cwnd_note_outcome(&w);
    cwnd_note_outcome(&w);
    cwnd_ack(&w, &p);
    assert_float_equal(w.cwnd, 13.0, 1e-9);
}

static void drops_cut_host_and_group_windows(void **state)
{
    (void)state;
    struct timing t = defaults(3);
    struct cc_params p;
    struct cwnd host, group;
    cc_params_from_timing(&p, &t);
    cwnd_init(&host, &p, 0);
    cwnd_init(&group, &p, 0);
    host.cwnd = group.cwnd = 40;
    cwnd_drop(&host, 30, &p, 5);
    assert_float_equal(host.cwnd, 1.0, 0);
    assert_int_equal(host.ssthresh, 20); /* 30 / 1.5 */
    assert_int_equal(host.last_drop, 5);
    cwnd_drop_group(&group, 2, &p, 6);
    assert_float_equal(group.cwnd, 20.0, 0);
    assert_int_equal(group.ssthresh, 2);
    struct timing t5 = defaults(5);
    cc_params_from_timing(&p, &t5);
    cwnd_drop(&host, 30, &p, 7);
    assert_int_equal(host.ssthresh, 24); /* 30 / 1.25 at -T5 */
}

static void parallelism_bounds_the_window(void **state)
{
    (void)state;
    struct timing t = defaults(3);
    t.max_parallelism = 4;
    struct cc_params p;
    struct cwnd w;
    cc_params_from_timing(&p, &t);
    assert_float_equal(p.initial_cwnd, 4.0, 0);
    cwnd_init(&w, &p, 0);
    for (int i = 0; i < 10; i++) {
        cwnd_note_outcome(&w);
        cwnd_ack(&w, &p);
    }
    assert_float_equal(w.cwnd, 4.0, 0);
    t.max_parallelism = 0;
    t.min_parallelism = 20;
    cc_params_from_timing(&p, &t);
    assert_float_equal(p.initial_cwnd, 20.0, 0);
    assert_float_equal(p.low_cwnd, 20.0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starts_at_initial_timeout),
        cmocka_unit_test(follows_rfc6298),
        cmocka_unit_test(reproduces_nmap_loopback_times),
        cmocka_unit_test(clamps_and_rejects),
        cmocka_unit_test(first_rttvar_is_capped_at_two_seconds),
        cmocka_unit_test(window_grows_in_slow_start_then_linearly),
        cmocka_unit_test(silent_probes_scale_up_the_growth),
        cmocka_unit_test(drops_cut_host_and_group_windows),
        cmocka_unit_test(parallelism_bounds_the_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
