// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/loop.h"
#include "core/signals.h"

struct record {
    int n;
};

static void note(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    ((struct record *)arg)->n++;
}

struct fire_ctx {
    int *log, *n, id;
};

static void fire(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    struct fire_ctx *c = arg;
    c->log[(*c->n)++] = c->id;
}

static void one_shot_timers_fire_in_deadline_order(void **state)
{
    (void)state;
    struct loop *loop = loop_new();
    int log[3], n = 0;
    struct fire_ctx c[3] = {{log, &n, 30}, {log, &n, 10}, {log, &n, 20}};
    int64_t t0 = clock_mono_us();
    for (int i = 0; i < 3; i++)
        assert_non_null(loop_timer_add(loop, c[i].id * 100, 0, fire, &c[i]));
    assert_int_equal(loop_timer_count(loop), 3);
    assert_int_equal(loop_run(loop), 0);
    assert_true(clock_mono_us() - t0 >= 3000);
    assert_int_equal(n, 3);
    assert_int_equal(log[0], 10);
    assert_int_equal(log[1], 20);
    assert_int_equal(log[2], 30);
    assert_int_equal(loop_timer_count(loop), 0);
    loop_free(loop);
}

struct periodic {
    int fired;
};

static void tick(struct loop *loop, struct loop_timer *t, void *arg)
{
    struct periodic *p = arg;
    if (++p->fired == 4) loop_timer_cancel(loop, t); /* cancel from inside */
}

static void periodic_timer_repeats_until_cancelled(void **state)
{
    (void)state;
    struct loop *loop = loop_new();
    struct periodic p = {0};
    int64_t t0 = clock_mono_us();
    assert_non_null(loop_timer_add(loop, 1000, 1000, tick, &p));
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(p.fired, 4);
    assert_true(clock_mono_us() - t0 >= 4000);
    loop_free(loop);
}

static void cancelled_timer_never_fires(void **state)
{
    (void)state;
    struct loop *loop = loop_new();
    struct record r = {.n = 0};
    struct loop_timer *t = loop_timer_add(loop, 1000, 0, note, &r);
    loop_timer_cancel(loop, t);
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(r.n, 0);
    loop_free(loop);
}

struct pipe_ctx {
    int reads;
    char got[8];
};

static void on_readable(struct loop *loop, int fd, unsigned events, void *arg)
{
    struct pipe_ctx *c = arg;
    assert_true(events & LOOP_READABLE);
    ssize_t n = read(fd, c->got, sizeof c->got - 1);
    assert_true(n > 0);
    c->reads++;
    loop_unwatch(loop, fd);
}

static void readable_fd_runs_its_callback(void **state)
{
    (void)state;
    struct loop *loop = loop_new();
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    struct pipe_ctx c = {0};
    assert_int_equal(loop_watch(loop, fds[0], LOOP_READABLE, on_readable, &c), 0);
    assert_int_equal(loop_watch_count(loop), 1);
    assert_int_equal(write(fds[1], "hi", 2), 2);
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(c.reads, 1);
    assert_string_equal(c.got, "hi");
    assert_int_equal(loop_watch_count(loop), 0);
    close(fds[0]);
    close(fds[1]);
    loop_free(loop);
}

static void never(struct loop *loop, int fd, unsigned events, void *arg)
{
    (void)loop;
    (void)fd;
    (void)events;
    (*(int *)arg)++;
}

static void forgotten_fd_is_not_dispatched(void **state)
{
    (void)state;
    struct loop *loop = loop_new();
    int fds[2], calls = 0;
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(loop_watch(loop, fds[1], LOOP_WRITABLE, never, &calls), 0);
    loop_forget(loop, fds[1]);
    close(fds[1]);
    assert_int_equal(loop_watch_count(loop), 0);
    assert_int_equal(loop_run_once(loop, 0), 0);
    assert_int_equal(calls, 0);
    close(fds[0]);
    loop_free(loop);
}

struct hook_ctx {
    int calls, work_left;
};

static int prepare(struct loop *loop, void *arg)
{
    (void)loop;
    struct hook_ctx *h = arg;
    h->calls++;
    if (h->work_left > 0) h->work_left--;
    return h->work_left > 0;
}

static void prepare_hook_keeps_loop_running_while_it_has_work(void **state)
{
    (void)state;
    struct loop *loop = loop_new();
    struct hook_ctx h = {.calls = 0, .work_left = 5};
    loop_set_prepare(loop, prepare, &h);
    int64_t t0 = clock_mono_us();
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(h.work_left, 0);
    assert_true(h.calls >= 5);
    assert_true(clock_mono_us() - t0 < 100000); /* it never blocked */
    loop_free(loop);
}

struct paced {
    int work_left, timers_fired;
    struct loop_timer *pending;
};

static void paced_tick(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    struct paced *p = arg;
    p->timers_fired++;
    p->pending = NULL;
}

/* Like a rate-limited scanner: one unit of work per timer tick, the next
 * tick armed by the hook itself, never returning "more". */
static int paced_prepare(struct loop *loop, void *arg)
{
    struct paced *p = arg;
    if (p->pending || p->work_left == 0) return 0;
    p->work_left--;
    if (p->work_left > 0) p->pending = loop_timer_add(loop, 1000, 0, paced_tick, p);
    return 0;
}

static void hook_that_only_arms_timers_runs_to_completion(void **state)
{
    (void)state;
    struct loop *loop = loop_new();
    struct paced p = {.work_left = 3};
    loop_set_prepare(loop, paced_prepare, &p);
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(p.work_left, 0);
    assert_int_equal(p.timers_fired, 2);
    loop_free(loop);
}

static void stop_from(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)t;
    (void)arg;
    loop_stop(loop);
}

static void loop_stop_ends_run_with_timers_pending(void **state)
{
    (void)state;
    struct loop *loop = loop_new();
    struct record r = {.n = 0};
    loop_timer_add(loop, 1000, 0, stop_from, NULL);
    loop_timer_add(loop, 10000000, 0, note, &r);
    assert_int_equal(loop_run(loop), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(loop_timer_count(loop), 1);
    loop_free(loop);
}

static void request_stop(struct loop *loop, struct loop_timer *t, void *arg)
{
    (void)loop;
    (void)t;
    (void)arg;
    scan_stop_requested = 2;
}

static void stop_request_ends_run(void **state)
{
    (void)state;
    struct loop *loop = loop_new();
    loop_timer_add(loop, 1000, 0, request_stop, NULL);
    loop_timer_add(loop, 10000000, 0, request_stop, NULL);
    int64_t t0 = clock_mono_us();
    assert_int_equal(loop_run(loop), 1);
    assert_true(clock_mono_us() - t0 < 1000000);
    scan_stop_requested = 0;
    loop_free(loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_shot_timers_fire_in_deadline_order),
        cmocka_unit_test(periodic_timer_repeats_until_cancelled),
        cmocka_unit_test(cancelled_timer_never_fires),
        cmocka_unit_test(readable_fd_runs_its_callback),
        cmocka_unit_test(forgotten_fd_is_not_dispatched),
        cmocka_unit_test(prepare_hook_keeps_loop_running_while_it_has_work),
        cmocka_unit_test(hook_that_only_arms_timers_runs_to_completion),
        cmocka_unit_test(loop_stop_ends_run_with_timers_pending),
        cmocka_unit_test(stop_request_ends_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
