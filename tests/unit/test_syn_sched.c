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
    sy_reply(&f->e, &f->h, 0, 0, false, t0 + 500);
    assert_int_equal(f->pstate[0], PS_DONE);
    sy_expire(&f->e, t0 + 200000);
    assert_int_equal(f->h.active, 0);
    assert_int_equal(f->pstate[1], PS_WAITING);
    assert_int_equal(f->tryno[1], 1);
    /* A late reply to try 0 of port 1 settles it before its resend. */
    sy_reply(&f->e, &f->h, 1, 0, false, t0 + 200100);
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

static void test_answered_retry_raises_limit(void **state)
{
    (void)state;
    struct fixture *f = setup_engine(5);
    int64_t t0 = f->e.start_us;
    send_all(f, t0);
    sy_expire(&f->e, t0 + 200000); /* all three wait for try 1 */
    send_all(f, t0 + 200000);
    sy_reply(&f->e, &f->h, 0, 1, false, t0 + 200300); /* try 1 answered */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resend_only_unanswered),
        cmocka_unit_test(test_tries_capped_by_max_retries),
        cmocka_unit_test(test_answered_retry_raises_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
