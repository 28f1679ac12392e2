// SPDX-License-Identifier: MIT
// The SYN scheduler's retransmission rules on a hand-built engine (no
// sockets): a port is sent again only while it has no answer, a late reply
// to an earlier try still settles the port, tries stop at the allowed
// number, and a host is finished once nothing is in flight or queued.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "scan/syn_engine.h"
#include "scan/technique.h"

#define N_PORTS 3

struct fixture {
    struct syn_engine e;
    struct sy_host h;
    struct sy_host *incomplete[1];
    uint16_t ports[N_PORTS];
    uint8_t pstate[N_PORTS], tryno[N_PORTS], credits[N_PORTS];
    uint32_t sent_at[N_PORTS];
};

static struct fixture *setup_engine(unsigned tryno_cap)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct timing t = {.level = 3,
                       .min_rtt_timeout = 100000,
                       .max_rtt_timeout = 100000,
                       .initial_rtt_timeout = 100000,
                       .max_retries = (int)tryno_cap,
                       .scan_delay = -1};
    rtt_limits_from_timing(&f->e.cfg.lim, &t);
    cc_params_from_timing(&f->e.cfg.cc, &t);
    f->e.cfg.tryno_cap = tryno_cap;
    f->e.cfg.timing_level = 3;
    f->e.cfg.max_scan_delay = 1000000;
    f->e.cfg.first_delay = 5000;
    rl_params_default(&f->e.cfg.rl, 0, f->e.cfg.max_scan_delay);
    f->e.cfg.rate_checks = tryno_cap >= 2;
    f->e.tech = &tech_syn;
    f->e.start_us = 1000000;
    f->e.n_ports = N_PORTS;
    f->e.ports = f->ports;
    f->e.n_hosts = 1;
    f->e.hosts = &f->h;
    f->e.incomplete = f->incomplete;
    f->incomplete[0] = &f->h;
    f->e.n_incomplete = 1;
    rtt_init(&f->e.group_rtt, &f->e.cfg.lim);
    cwnd_init(&f->e.group_win, &f->e.cfg.cc, f->e.start_us);
    f->h.e = &f->e;
    f->h.pstate = f->pstate;
    f->h.tryno = f->tryno;
    f->h.sent_at = f->sent_at;
    f->h.credits = f->credits;
    f->h.check_port = -1;
    rtt_init(&f->h.rtt, &f->e.cfg.lim);
    cwnd_init(&f->h.win, &f->e.cfg.cc, f->e.start_us);
    return f;
}

static void teardown_engine(struct fixture *f)
{
    free(f->h.retry.v);
    free(f->h.bench.v);
    free(f->h.flight.v);
    free(f);
}

static void send_all(struct fixture *f, int64_t now)
{
    uint32_t idx;
    while (sy_next_host(&f->e, now) && sy_take_work(&f->h, &idx))
        sy_note_send(&f->e, &f->h, idx, now);
}

static void test_resend_only_unanswered(void **state)
{
    (void)state;
    struct fixture *f = setup_engine(2);
    int64_t t0 = f->e.start_us;
    send_all(f, t0);
    assert_int_equal(f->h.active, N_PORTS);
    assert_int_equal(f->e.in_flight, N_PORTS);
    /* Port 0 answers at once; 1 and 2 stay silent and time out. */
    sy_reply(&f->e, &f->h, 0, 0, false, false, t0 + 500);
    assert_int_equal(f->pstate[0], PS_DONE);
    sy_expire(&f->e, t0 + 200000);
    assert_int_equal(f->h.active, 0);
    assert_int_equal(f->pstate[1], PS_WAITING);
    assert_int_equal(f->tryno[1], 1);
    /* A late reply to try 0 of port 1 settles it before its resend. */
    sy_reply(&f->e, &f->h, 1, 0, false, false, t0 + 200100);
    assert_int_equal(f->pstate[1], PS_DONE);
    uint32_t idx;
    assert_true(sy_take_work(&f->h, &idx));
    assert_int_equal(idx, 2); /* port 1 is not sent again */
    sy_note_send(&f->e, &f->h, idx, t0 + 200200);
    assert_false(sy_take_work(&f->h, &idx));
    /* Port 2's second try times out too: with no retransmission ever
     * answered the allowed try number is 1, so it is benched, and the host
     * is finished. */
    sy_expire(&f->e, t0 + 400000);
    assert_int_equal(f->pstate[2], PS_BENCHED);
    sy_finish_hosts(&f->e);
    assert_int_equal(f->e.n_incomplete, 0);
    assert_true(f->h.done);
    teardown_engine(f);
}

static void test_tries_capped_by_max_retries(void **state)
{
    (void)state;
    struct fixture *f = setup_engine(0); /* --max-retries 0 */
    int64_t t0 = f->e.start_us;
    send_all(f, t0);
    sy_expire(&f->e, t0 + 200000);
    for (int i = 0; i < N_PORTS; i++)
        assert_int_equal(f->pstate[i], PS_BENCHED);
    uint32_t idx;
    assert_false(sy_take_work(&f->h, &idx));
    sy_finish_hosts(&f->e);
    assert_true(f->h.done);
    teardown_engine(f);
}

/* --defeat-rst-ratelimit: a reset answering a resend neither raises the
 * tries allowed nor shrinks the window (nmap), other answers still do. */
static void test_defeat_closed_resend_ignored(void **state)
{
    (void)state;
    struct fixture *f = setup_engine(5);
    f->e.cfg.defeat_closed = true;
    int64_t t0 = f->e.start_us;
    send_all(f, t0);
    sy_expire(&f->e, t0 + 200000);
    send_all(f, t0 + 200000);
    double cwnd = f->h.win.cwnd;
    sy_reply(&f->e, &f->h, 0, 1, true, true, t0 + 200300); /* a reset to try 1 */
    assert_int_equal(f->pstate[0], PS_DONE);
    assert_int_equal(f->h.max_ok_tryno, 0);
    assert_true(f->h.win.cwnd == cwnd);
    sy_reply(&f->e, &f->h, 1, 1, false, false, t0 + 200400); /* a SYN-ACK to try 1 */
    assert_int_equal(f->h.max_ok_tryno, 1);
    teardown_engine(f);
}

static void test_answered_retry_raises_limit(void **state)
{
    (void)state;
    struct fixture *f = setup_engine(5);
    int64_t t0 = f->e.start_us;
    send_all(f, t0);
    sy_expire(&f->e, t0 + 200000); /* all three wait for try 1 */
    send_all(f, t0 + 200000);
    sy_reply(&f->e, &f->h, 0, 1, false, false, t0 + 200300); /* try 1 answered */
    assert_int_equal(f->h.max_ok_tryno, 1);
    sy_expire(&f->e, t0 + 600000);
    /* Now try 2 is allowed for the others. */
    assert_int_equal(f->pstate[1], PS_WAITING);
    assert_int_equal(f->tryno[1], 2);
    /* An unsent probe (full socket buffer) goes back with its try number. */
    uint32_t idx;
    assert_true(sy_take_work(&f->h, &idx));
    sy_note_send(&f->e, &f->h, idx, t0 + 600000);
    sy_unsend(&f->e, &f->h, idx);
    assert_int_equal(f->pstate[idx], PS_WAITING);
    assert_int_equal(f->tryno[idx], 2);
    assert_int_equal(f->h.active, 0);
    teardown_engine(f);
}

/* Sends what the scheduler allows at now; returns how many probes. */
static int send_now(struct fixture *f, int64_t now)
{
    int n = 0;
    uint32_t idx;
    while (sy_next_host(&f->e, now)) {
        enum sy_work w = sy_take_work(&f->h, &idx);
        if (w == SY_WORK_NONE) break;
        assert_int_equal(w, SY_WORK_PROBE);
        sy_note_send(&f->e, &f->h, idx, now);
        n++;
    }
    return n;
}

/* Port 0 answers with an error, 1 and 2 time out; the first resend is
 * preceded by the rate check, a repeat of port 0's probe. */
static int64_t start_with_check(struct fixture *f)
{
    int64_t t0 = f->e.start_us;
    send_all(f, t0);
    sy_reply(&f->e, &f->h, 0, 0, true, false, t0 + 500);
    assert_int_equal(f->h.check_port, 0);
    sy_expire(&f->e, t0 + 200000);
    assert_int_equal(f->h.n_waiting, 2);
    int64_t t = t0 + 200000;
    uint32_t idx;
    assert_non_null(sy_next_host(&f->e, t));
    assert_int_equal(sy_take_work(&f->h, &idx), SY_WORK_CHECK);
    assert_int_equal(idx, 0);
    sy_note_check(&f->e, &f->h, t);
    /* Nothing else goes to this host while the check is out. */
    assert_null(sy_next_host(&f->e, t));
    assert_int_equal(sy_take_work(&f->h, &idx), SY_WORK_NONE);
    sy_finish_hosts(&f->e);
    assert_false(f->h.done);
    return t;
}

static void test_answered_check_lets_resends_go(void **state)
{
    (void)state;
    struct fixture *f = setup_engine(5);
    int64_t t = start_with_check(f);
    sy_error_echo(&f->e, &f->h, 0, t + 300);
    assert_false(f->h.check_out);
    assert_int_equal(f->h.rl.phase, RL_OFF);
    /* Both resends of try 1 go without another check. */
    assert_int_equal(send_now(f, t + 400), 2);
    assert_int_equal(f->h.checked_tryno, 1);
    teardown_engine(f);
}

static void test_silent_check_measures_then_paces(void **state)
{
    (void)state;
    struct fixture *f = setup_engine(5);
    int64_t t = start_with_check(f);
    /* Port 0 answered before and is silent now: the host rations errors. */
    sy_expire(&f->e, t + 100000);
    assert_int_equal(f->h.rl.phase, RL_MEASURE);
    t += 100000;
    /* Measuring probes take the waiting ports in turn, every 20 ms, and
     * spend no tries: after 100 of them both ports still wait. */
    for (int i = 0; i < 100; i++) {
        int64_t now = t + i * 20000;
        sy_expire(&f->e, now);
        assert_true(send_now(f, now) <= 1);
        assert_true(f->tryno[1] <= 5 && f->tryno[2] <= 5);
    }
    assert_int_equal(f->pstate[1] == PS_DONE || f->pstate[2] == PS_DONE, 0);
    assert_int_equal(f->tryno[1], 5);
    /* Errors once a second: two echoes of port 0 and port 2's answer. */
    int64_t r = t + 2000000;
    sy_error_echo(&f->e, &f->h, 0, r);
    sy_error_echo(&f->e, &f->h, 0, r + 1000000);
    sy_reply(&f->e, &f->h, 2, f->tryno[2], true, false, r + 2000000);
    assert_int_equal(f->h.rl.phase, RL_PACE);
    r += 2000000;
    sy_expire(&f->e, r + 200000); /* the last measuring probe times out */
    /* The token was spent: nothing until the next one accrues. */
    assert_int_equal(send_now(f, r + 500000), 0);
    int64_t next = sy_next_deadline(&f->e, r + 500000);
    assert_in_range(next, r + 1000000, r + 1040000);
    /* Port 1 is silent to two paced probes, each given its token back. */
    assert_int_equal(send_now(f, next), 1);
    assert_int_equal(f->credits[1], SY_CREDIT_OUT);
    sy_expire(&f->e, next + 100000);
    assert_int_equal(f->credits[1], 1);
    assert_int_equal(f->pstate[1], PS_WAITING);
    assert_int_equal(send_now(f, next + 100000), 1);
    sy_expire(&f->e, next + 200000);
    assert_int_equal(f->pstate[1], PS_BENCHED);
    sy_finish_hosts(&f->e);
    assert_true(f->h.done);
    teardown_engine(f);
}

static void test_no_check_without_an_error_or_retries(void **state)
{
    (void)state;
    /* --max-retries 1: speed asked for, no check. */
    struct fixture *f = setup_engine(1);
    int64_t t0 = f->e.start_us;
    send_all(f, t0);
    sy_reply(&f->e, &f->h, 0, 0, true, false, t0 + 500);
    sy_expire(&f->e, t0 + 200000);
    assert_int_equal(send_now(f, t0 + 200000), 2);
    teardown_engine(f);
    /* No port answered with an error: nothing to check with. */
    f = setup_engine(5);
    send_all(f, t0);
    sy_reply(&f->e, &f->h, 0, 0, false, false, t0 + 500);
    sy_expire(&f->e, t0 + 200000);
    assert_int_equal(send_now(f, t0 + 200000), 2);
    teardown_engine(f);
}

static void test_retry_answers_boost_delay_as_nmap(void **state)
{
    (void)state;
    struct fixture *f = setup_engine(10);
    f->e.cfg.rate_checks = false;
    int64_t t0 = f->e.start_us;
    send_all(f, t0);
    /* A port answering its fourth try (try number 3) is still fine; its
     * fifth (4) boosts the delay to the first step. */
    sy_reply(&f->e, &f->h, 0, 3, false, false, t0 + 500);
    assert_int_equal(f->h.delay_us, 0);
    sy_reply(&f->e, &f->h, 1, 4, false, false, t0 + 600);
    assert_int_equal(f->h.delay_us, 5000);
    teardown_engine(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resend_only_unanswered),
        cmocka_unit_test(test_tries_capped_by_max_retries),
        cmocka_unit_test(test_answered_retry_raises_limit),
        cmocka_unit_test(test_defeat_closed_resend_ignored),
        cmocka_unit_test(test_answered_check_lets_resends_go),
        cmocka_unit_test(test_silent_check_measures_then_paces),
        cmocka_unit_test(test_no_check_without_an_error_or_retries),
        cmocka_unit_test(test_retry_answers_boost_delay_as_nmap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
