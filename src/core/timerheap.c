// SPDX-License-Identifier: MIT
#include "core/timerheap.h"

#include <stdlib.h>

static bool earlier(const struct timer_node *a, const struct timer_node *b)
{
    return a->when < b->when || (a->when == b->when && a->seq < b->seq);
}

static void place(struct timerheap *h, size_t i, struct timer_node *n)
{
    h->items[i] = n;
    n->index = i;
}

static void sift_up(struct timerheap *h, size_t i)
{
    struct timer_node *n = h->items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(n, h->items[parent])) break;
        place(h, i, h->items[parent]);
        i = parent;
    }
    place(h, i, n);
}

static void sift_down(struct timerheap *h, size_t i)
{
    struct timer_node *n = h->items[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->len) break;
        if (child + 1 < h->len && earlier(h->items[child + 1], h->items[child])) child++;
        if (!earlier(h->items[child], n)) break;
        place(h, i, h->items[child]);
        i = child;
    }
    place(h, i, n);
}

void timerheap_init(struct timerheap *h)
{
    h->items = NULL;
    h->len = h->cap = 0;
    h->next_seq = 0;
}

void timerheap_free(struct timerheap *h)
{
    for (size_t i = 0; i < h->len; i++)
        h->items[i]->index = TIMER_NODE_DETACHED;
    free(h->items);
    timerheap_init(h);
}

int timerheap_push(struct timerheap *h, struct timer_node *n, int64_t when)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        struct timer_node **items = realloc(h->items, cap * sizeof *items);
        if (!items) return -1;
        h->items = items;
        h->cap = cap;
    }
    n->when = when;
    n->seq = h->next_seq++;
    h->items[h->len] = n;
    n->index = h->len++;
    sift_up(h, n->index);
    return 0;
}

struct timer_node *timerheap_peek(const struct timerheap *h)
{
    return h->len ? h->items[0] : NULL;
}

struct timer_node *timerheap_pop(struct timerheap *h)
{
    struct timer_node *top = timerheap_peek(h);
    if (top) timerheap_remove(h, top);
    return top;
}

void timerheap_remove(struct timerheap *h, struct timer_node *n)
{
    size_t i = n->index;
    if (i == TIMER_NODE_DETACHED || i >= h->len || h->items[i] != n) return;
    n->index = TIMER_NODE_DETACHED;
    struct timer_node *last = h->items[--h->len];
    if (last == n) return;
    /* The moved node may belong above or below the hole. */
    place(h, i, last);
    if (i > 0 && earlier(last, h->items[(i - 1) / 2]))
        sift_up(h, i);
    else
        sift_down(h, i);
}
