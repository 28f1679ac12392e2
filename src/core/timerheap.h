// SPDX-License-Identifier: MIT
// A binary min-heap of deadlines. Nodes are embedded in the caller's own
// structs (intrusive), so adding a timer allocates nothing but the occasional
// array growth, and a node knows its slot so cancelling is O(log n).
// Equal deadlines leave in insertion order.
#ifndef CMAP_CORE_TIMERHEAP_H
#define CMAP_CORE_TIMERHEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct timer_node {
    int64_t when; /* deadline, microseconds on the caller's clock */
    uint64_t seq; /* insertion order, breaks ties */
    size_t index; /* slot in the heap, TIMER_NODE_DETACHED when not in it */
};

#define TIMER_NODE_DETACHED SIZE_MAX

struct timerheap {
    struct timer_node **items;
    size_t len, cap;
    uint64_t next_seq;
};

void timerheap_init(struct timerheap *h);
/* Frees the heap's array; the nodes belong to the caller. */
void timerheap_free(struct timerheap *h);
/* Insert a detached node with the given deadline. -1 on allocation failure. */
int timerheap_push(struct timerheap *h, struct timer_node *n, int64_t when);
/* Earliest node, or NULL when empty. */
struct timer_node *timerheap_peek(const struct timerheap *h);
/* Remove and return the earliest node, or NULL when empty. */
struct timer_node *timerheap_pop(struct timerheap *h);
/* Remove a node wherever it is; a detached node is left alone. */
void timerheap_remove(struct timerheap *h, struct timer_node *n);
static inline bool timer_node_queued(const struct timer_node *n)
{
    return n->index != TIMER_NODE_DETACHED;
}

#endif
