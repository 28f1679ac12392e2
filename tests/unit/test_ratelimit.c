// SPDX-License-Identifier: MIT
// The rate-limit model's decisions (scan/ratelimit.h): when measuring turns
// into pacing or gives up, what interval it measures, and when the bucket
// model lets a probe go.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scan/ratelimit.h"

#define SEC 1000000LL
#define MS 1000LL

static struct rl_params params(void)
{
    struct rl_params p;
    rl_params_default(&p, 0, SEC); /* no --scan-delay, nmap's 1 s cap */
    return p;
}

/* Linux's default: one error a second; replies land up to a measuring
 * interval after their token. Returns the state after n replies. */
static enum rl_event measure_linux(struct rl_state *s, const struct rl_params *p, int n, int64_t t0)
{
    enum rl_event ev = RL_NOTHING;
    rl_start(s, t0);
    for (int i = 1; i <= n && ev == RL_NOTHING; i++)
        ev = rl_error_reply(s, p, t0 + i * SEC + (i % 2) * 15 * MS);
    return ev;
}

static void test_measures_a_once_a_second_refill(void **state)
{
    (void)state;
    struct rl_params p = params();
    struct rl_state s;
    int64_t t0 = 5 * SEC;
    rl_start(&s, t0);
    assert_int_equal(s.phase, RL_MEASURE);
    /* Two replies a second apart are not enough to go on. */
    assert_int_equal(rl_error_reply(&s, &p, t0 + SEC + 15 * MS), RL_NOTHING);
    assert_int_equal(rl_error_reply(&s, &p, t0 + 2 * SEC), RL_NOTHING);
    assert_int_equal(rl_error_reply(&s, &p, t0 + 3 * SEC + 15 * MS), RL_PACING);
    assert_int_equal(s.phase, RL_PACE);
    assert_in_range(s.interval, 990 * MS, 1010 * MS);
    /* Paced 2% slower than measured. */
    assert_in_range(rl_pace_interval(&s, &p), 1010 * MS, 1031 * MS);
}

static void test_fast_replies_are_not_a_limit(void **state)
{
    (void)state;
    struct rl_params p = params();
    struct rl_state s;
    rl_start(&s, 0);
    /* Every measuring probe answered: the host keeps up with 50 a second. */
    assert_int_equal(rl_error_reply(&s, &p, 20 * MS), RL_NOTHING);
    assert_int_equal(rl_error_reply(&s, &p, 40 * MS), RL_NOTHING);
    assert_int_equal(rl_error_reply(&s, &p, 60 * MS), RL_NOT_LIMITED);
    assert_int_equal(s.phase, RL_OFF);
}

static void test_a_limit_slower_than_the_cap_is_left_to_nmap(void **state)
{
    (void)state;
    struct rl_params p;
    rl_params_default(&p, 0, 500 * MS); /* --max-scan-delay 500ms */
    struct rl_state s;
    assert_int_equal(measure_linux(&s, &p, 3, 0), RL_TOO_SLOW);
    assert_int_equal(s.phase, RL_OFF);
    /* A second cap is paced: Linux's second measured with jitter. */
    p = params();
    assert_int_equal(measure_linux(&s, &p, 3, 0), RL_PACING);
}

static void test_silence_ends_measuring(void **state)
{
    (void)state;
    struct rl_params p = params();
    struct rl_state s;
    rl_start(&s, SEC);
    assert_int_equal(rl_deadline(&s, &p), SEC + p.measure_max_gap);
    assert_int_equal(rl_tick(&s, &p, SEC + p.measure_max_gap - 1), RL_NOTHING);
    /* A reply moves the deadline. */
    assert_int_equal(rl_error_reply(&s, &p, 2 * SEC), RL_NOTHING);
    assert_int_equal(rl_tick(&s, &p, SEC + p.measure_max_gap), RL_NOTHING);
    assert_int_equal(rl_tick(&s, &p, 2 * SEC + p.measure_max_gap), RL_NO_REPLIES);
    assert_int_equal(s.phase, RL_OFF);
    assert_int_equal(rl_deadline(&s, &p), -1);
}

static void test_measuring_probes_are_spaced(void **state)
{
    (void)state;
    struct rl_params p = params();
    struct rl_state s;
    rl_start(&s, 0);
    assert_false(rl_may_send(&s, &p, SEC, SEC + 19 * MS));
    assert_true(rl_may_send(&s, &p, SEC, SEC + 20 * MS));
    assert_int_equal(rl_next_send(&s, &p, SEC, SEC), SEC + 20 * MS);
    /* --scan-delay 100ms slows measuring too. */
    rl_params_default(&p, 100 * MS, SEC);
    assert_false(rl_may_send(&s, &p, SEC, SEC + 99 * MS));
}

static void test_paced_probe_waits_for_its_token(void **state)
{
    (void)state;
    struct rl_params p = params();
    struct rl_state s;
    assert_int_equal(measure_linux(&s, &p, 3, 0), RL_PACING);
    int64_t t = 3 * SEC + 15 * MS; /* the last reply took the token */
    int64_t pace = rl_pace_interval(&s, &p);
    assert_false(rl_may_send(&s, &p, t, t + pace - 2));
    int64_t next = rl_next_send(&s, &p, t, t);
    assert_in_range(next, t + pace - 1, t + pace + 1);
    assert_true(rl_may_send(&s, &p, t, t + pace + 1));
    /* The probe holds the token: nothing more until it resolves. */
    rl_sent(&s, 1);
    assert_false(rl_may_send(&s, &p, t + pace, t + pace + 10 * MS));
    /* Silent (timed out): the token is given back, another may go at once. */
    rl_resolved(&s, 1);
    assert_true(rl_may_send(&s, &p, t + pace, t + pace + 100 * MS));
    /* Answered with an error: the token is spent. */
    rl_sent(&s, 1);
    assert_int_equal(rl_error_reply(&s, &p, t + pace + 101 * MS), RL_NOTHING);
    rl_resolved(&s, 1);
    assert_false(rl_may_send(&s, &p, t + pace + 101 * MS, t + pace + 200 * MS));
    assert_in_range(rl_available(&s, &p, t + pace + 101 * MS), 0.05, 0.15);
}

static void test_unplanned_error_delays_the_next_probe(void **state)
{
    (void)state;
    struct rl_params p = params();
    struct rl_state s;
    assert_int_equal(measure_linux(&s, &p, 3, 0), RL_PACING);
    int64_t t = 3 * SEC + 15 * MS;
    int64_t pace = rl_pace_interval(&s, &p);
    /* A late answer to a measuring probe took the token that accrued. */
    assert_int_equal(rl_error_reply(&s, &p, t + pace), RL_NOTHING);
    assert_false(rl_may_send(&s, &p, t, t + pace + 1));
    assert_true(rl_may_send(&s, &p, t, t + 2 * pace + 1));
}

static void test_bucket_model_saves_at_most_burst(void **state)
{
    (void)state;
    struct rl_params p = params();
    struct rl_state s;
    assert_int_equal(measure_linux(&s, &p, 3, 0), RL_PACING);
    int64_t t = 3 * SEC + 15 * MS;
    /* A minute without probes saves only `burst` tokens. */
    assert_true(rl_available(&s, &p, t + 60 * SEC) <= p.burst + 1e-9);
    assert_true(rl_available(&s, &p, t + 60 * SEC) >= p.burst - 1e-9);
    /* With `burst` tokens held by probes out, only a resolution frees one. */
    rl_sent(&s, 2);
    assert_int_equal(rl_next_send(&s, &p, t, t + 60 * SEC), -1);
    rl_resolved(&s, 1);
    assert_true(rl_may_send(&s, &p, t, t + 60 * SEC));
}

static void test_scan_delay_is_a_floor_when_paced(void **state)
{
    (void)state;
    struct rl_params p;
    rl_params_default(&p, 2 * SEC, 3 * SEC); /* --scan-delay 2s */
    struct rl_state s;
    rl_start(&s, 0);
    /* Measuring at --scan-delay: replies every probe, 2 s apart. */
    assert_int_equal(rl_error_reply(&s, &p, 2 * SEC), RL_NOTHING);
    assert_int_equal(rl_error_reply(&s, &p, 4 * SEC), RL_NOTHING);
    assert_int_equal(rl_error_reply(&s, &p, 6 * SEC), RL_NOT_LIMITED);
    /* With --scan-delay 500ms every other probe meets a token: too few
     * probes per refill to call it a limit. */
    rl_params_default(&p, 500 * MS, 3 * SEC);
    assert_int_equal(measure_linux(&s, &p, 3, 0), RL_NOT_LIMITED);
    /* --scan-delay 200ms: a refill a second is paced, never faster than
     * the delay, once the span measured is 50 measuring intervals (each
     * reply may be a whole interval late). */
    rl_params_default(&p, 200 * MS, 3 * SEC);
    assert_int_equal(measure_linux(&s, &p, 10, 0), RL_NOTHING);
    assert_int_equal(measure_linux(&s, &p, 11, 0), RL_PACING);
    s.interval = 100 * MS;
    assert_int_equal(rl_pace_interval(&s, &p), 200 * MS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measures_a_once_a_second_refill),
        cmocka_unit_test(test_fast_replies_are_not_a_limit),
        cmocka_unit_test(test_a_limit_slower_than_the_cap_is_left_to_nmap),
        cmocka_unit_test(test_silence_ends_measuring),
        cmocka_unit_test(test_measuring_probes_are_spaced),
        cmocka_unit_test(test_paced_probe_waits_for_its_token),
        cmocka_unit_test(test_unplanned_error_delays_the_next_probe),
        cmocka_unit_test(test_bucket_model_saves_at_most_burst),
        cmocka_unit_test(test_scan_delay_is_a_floor_when_paced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
