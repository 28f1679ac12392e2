// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "core/timerheap.h"

#define N 1000

static void pops_in_deadline_order(void **state)
{
    (void)state;
    static struct timer_node nodes[N];
    struct timerheap h;
    timerheap_init(&h);
    srand(7);
    for (int i = 0; i < N; i++) {
        nodes[i].index = TIMER_NODE_DETACHED;
        assert_int_equal(timerheap_push(&h, &nodes[i], rand() % 5000), 0);
    }
    int64_t last = -1;
    for (int i = 0; i < N; i++) {
        struct timer_node *n = timerheap_pop(&h);
        assert_non_null(n);
        assert_true(n->when >= last);
        assert_false(timer_node_queued(n));
        last = n->when;
    }
    assert_null(timerheap_pop(&h));
    assert_null(timerheap_peek(&h));
    timerheap_free(&h);
}

static void equal_deadlines_leave_in_insertion_order(void **state)
{
    (void)state;
    struct timer_node nodes[5];
    struct timerheap h;
    timerheap_init(&h);
    for (int i = 0; i < 5; i++) {
        nodes[i].index = TIMER_NODE_DETACHED;
        timerheap_push(&h, &nodes[i], 42);
    }
    for (int i = 0; i < 5; i++)
        assert_ptr_equal(timerheap_pop(&h), &nodes[i]);
    timerheap_free(&h);
}

static void remove_takes_out_any_node(void **state)
{
    (void)state;
    static struct timer_node nodes[N];
    struct timerheap h;
    timerheap_init(&h);
    for (int i = 0; i < N; i++) {
        nodes[i].index = TIMER_NODE_DETACHED;
        timerheap_push(&h, &nodes[i], (i * 7919) % N);
    }
    /* Cancel every third node, some twice: the second time is a no-op. */
    for (int i = 0; i < N; i += 3) {
        timerheap_remove(&h, &nodes[i]);
        timerheap_remove(&h, &nodes[i]);
        assert_false(timer_node_queued(&nodes[i]));
    }
    assert_int_equal(h.len, N - (N + 2) / 3);
    int64_t last = -1;
    struct timer_node *n;
    size_t popped = 0;
    while ((n = timerheap_pop(&h))) {
        assert_true(n->when >= last);
        assert_int_not_equal((n - nodes) % 3, 0);
        last = n->when;
        popped++;
    }
    assert_int_equal(popped, N - (N + 2) / 3);
    timerheap_free(&h);
}

static void peek_is_the_minimum_after_removing_it(void **state)
{
    (void)state;
    struct timer_node a = {.index = TIMER_NODE_DETACHED}, b = a, c = a;
    struct timerheap h;
    timerheap_init(&h);
    timerheap_push(&h, &a, 30);
    timerheap_push(&h, &b, 10);
    timerheap_push(&h, &c, 20);
    assert_ptr_equal(timerheap_peek(&h), &b);
    timerheap_remove(&h, &b);
    assert_ptr_equal(timerheap_peek(&h), &c);
    timerheap_free(&h);
    assert_false(timer_node_queued(&a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pops_in_deadline_order),
        cmocka_unit_test(equal_deadlines_leave_in_insertion_order),
        cmocka_unit_test(remove_takes_out_any_node),
        cmocka_unit_test(peek_is_the_minimum_after_removing_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
