// SPDX-License-Identifier: MIT
#include "core/loop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/signals.h"
#include "core/timerheap.h"

#define EVENT_BATCH 256
/* Never sleep longer than this, so a stop request raised by a signal that
 * another thread received is noticed promptly. */
#define MAX_WAIT_MS 250

/* Each watch carries a generation that is also stored in the epoll event.
 * A callback may close an fd and open a new one with the same number while
 * events for the old one are still in the current batch; the generation
 * check drops those stale events instead of misreporting the new socket. */
struct watch {
    loop_fd_fn fn;
    void *arg;
    unsigned events;
    uint32_t generation;
    bool active;
};

struct loop_timer {
    struct timer_node node; /* first member: node pointer == timer pointer */
    int64_t period_us;
    loop_timer_fn fn;
    void *arg;
    bool in_callback, cancelled;
};

struct loop {
    int epfd;
    struct watch *watches; /* indexed by fd */
    size_t n_watches_alloc, n_active;
    struct timerheap timers;
    loop_hook_fn prepare;
    void *prepare_arg;
    int64_t now;
    bool stop;
};

struct loop *loop_new(void)
{
    struct loop *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->epfd < 0) {
        free(l);
        return NULL;
    }
    timerheap_init(&l->timers);
    l->now = clock_mono_us();
    return l;
}

void loop_free(struct loop *l)
{
    if (!l) return;
    struct timer_node *n;
    while ((n = timerheap_pop(&l->timers)))
        free(n);
    timerheap_free(&l->timers);
    close(l->epfd);
    free(l->watches);
    free(l);
}

static int grow_watches(struct loop *l, int fd)
{
    if ((size_t)fd < l->n_watches_alloc) return 0;
    size_t n = l->n_watches_alloc ? l->n_watches_alloc : 64;
    while (n <= (size_t)fd)
        n *= 2;
    struct watch *w = realloc(l->watches, n * sizeof *w);
    if (!w) return -1;
    memset(w + l->n_watches_alloc, 0, (n - l->n_watches_alloc) * sizeof *w);
    l->watches = w;
    l->n_watches_alloc = n;
    return 0;
}

static uint32_t to_epoll(unsigned events)
{
    return ((events & LOOP_READABLE) ? EPOLLIN : 0) | ((events & LOOP_WRITABLE) ? EPOLLOUT : 0);
}

static unsigned from_epoll(uint32_t ev)
{
    return ((ev & (EPOLLIN | EPOLLRDHUP)) ? LOOP_READABLE : 0) |
           ((ev & EPOLLOUT) ? LOOP_WRITABLE : 0) | ((ev & (EPOLLERR | EPOLLHUP)) ? LOOP_ERROR : 0);
}

int loop_watch(struct loop *l, int fd, unsigned events, loop_fd_fn fn, void *arg)
{
    if (fd < 0 || grow_watches(l, fd) < 0) {
        errno = fd < 0 ? EBADF : ENOMEM;
        return -1;
    }
    struct watch *w = &l->watches[fd];
    bool was_active = w->active;
    uint32_t gen = was_active ? w->generation : w->generation + 1;
    struct epoll_event ev = {.events = to_epoll(events),
                             .data.u64 = (uint64_t)gen << 32 | (uint32_t)fd};
    if (epoll_ctl(l->epfd, was_active ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0) return -1;
    *w = (struct watch){.fn = fn, .arg = arg, .events = events, .generation = gen, .active = true};
    if (!was_active) l->n_active++;
    return 0;
}

void loop_forget(struct loop *l, int fd)
{
    if (fd < 0 || (size_t)fd >= l->n_watches_alloc || !l->watches[fd].active) return;
    l->watches[fd].active = false;
    l->n_active--;
}

int loop_unwatch(struct loop *l, int fd)
{
    if (fd < 0 || (size_t)fd >= l->n_watches_alloc || !l->watches[fd].active) {
        errno = ENOENT;
        return -1;
    }
    loop_forget(l, fd);
    return epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
}

size_t loop_watch_count(const struct loop *l)
{
    return l->n_active;
}

struct loop_timer *loop_timer_add(struct loop *l, int64_t delay_us, int64_t period_us,
                                  loop_timer_fn fn, void *arg)
{
    struct loop_timer *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->node.index = TIMER_NODE_DETACHED;
    t->period_us = period_us > 0 ? period_us : 0;
    t->fn = fn;
    t->arg = arg;
    if (timerheap_push(&l->timers, &t->node, l->now + (delay_us > 0 ? delay_us : 0)) < 0) {
        free(t);
        return NULL;
    }
    return t;
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
    if (!t) return;
    timerheap_remove(&l->timers, &t->node);
    if (t->in_callback)
        t->cancelled = true; /* freed when its callback returns */
    else
        free(t);
}

size_t loop_timer_count(const struct loop *l)
{
    return l->timers.len;
}

void loop_set_prepare(struct loop *l, loop_hook_fn fn, void *arg)
{
    l->prepare = fn;
    l->prepare_arg = arg;
}

int64_t loop_now(const struct loop *l)
{
    return l->now;
}

int64_t loop_refresh_now(struct loop *l)
{
    l->now = clock_mono_us();
    return l->now;
}

void loop_stop(struct loop *l)
{
    l->stop = true;
}

/* Milliseconds for epoll_wait, rounded up so a timer never fires early. */
static int wait_ms(const struct loop *l, int64_t max_wait_us)
{
    int64_t wait = max_wait_us;
    struct timer_node *next = timerheap_peek(&l->timers);
    if (!next && l->n_active == 0) return 0; /* nothing could wake us */
    if (next) {
        int64_t until = next->when - l->now;
        if (until < 0) until = 0;
        if (wait < 0 || until < wait) wait = until;
    }
    if (wait < 0) return MAX_WAIT_MS;
    int64_t ms = (wait + USEC_PER_MSEC - 1) / USEC_PER_MSEC;
    return ms > MAX_WAIT_MS ? MAX_WAIT_MS : (int)ms;
}

static int dispatch_fds(struct loop *l, const struct epoll_event *evs, int n)
{
    int ran = 0;
    for (int i = 0; i < n; i++) {
        int fd = (int)(uint32_t)evs[i].data.u64;
        uint32_t gen = (uint32_t)(evs[i].data.u64 >> 32);
        if ((size_t)fd >= l->n_watches_alloc) continue;
        struct watch *w = &l->watches[fd];
        if (!w->active || w->generation != gen) continue;
        w->fn(l, fd, from_epoll(evs[i].events), w->arg);
        ran++;
    }
    return ran;
}

static int fire_timers(struct loop *l)
{
    int ran = 0;
    int64_t now = l->now;
    struct timer_node *n;
    /* Timers re-armed during this pass fire on a later turn, never twice now. */
    while ((n = timerheap_peek(&l->timers)) && n->when <= now) {
        struct loop_timer *t = (struct loop_timer *)n;
        timerheap_remove(&l->timers, n);
        if (t->period_us) timerheap_push(&l->timers, n, now + t->period_us);
        t->in_callback = true;
        t->fn(l, t, t->arg);
        t->in_callback = false;
        if (t->cancelled || !t->period_us) {
            timerheap_remove(&l->timers, n);
            free(t);
        }
        ran++;
    }
    return ran;
}

static int turn(struct loop *l, int64_t max_wait_us, bool *more)
{
    *more = l->prepare ? l->prepare(l, l->prepare_arg) != 0 : false;
    struct epoll_event evs[EVENT_BATCH];
    int ms = *more ? 0 : wait_ms(l, max_wait_us);
    int n = epoll_wait(l->epfd, evs, EVENT_BATCH, ms);
    if (n < 0 && errno != EINTR) return -1;
    loop_refresh_now(l);
    int ran = n > 0 ? dispatch_fds(l, evs, n) : 0;
    return ran + fire_timers(l);
}

int loop_run_once(struct loop *l, int64_t max_wait_us)
{
    bool more;
    return turn(l, max_wait_us, &more);
}

static bool idle(const struct loop *l)
{
    return l->n_active == 0 && l->timers.len == 0;
}

int loop_run(struct loop *l)
{
    l->stop = false;
    for (;;) {
        if (scan_stop_requested) return 1;
        bool more;
        if (turn(l, -1, &more) < 0) return -1;
        if (l->stop) return 0;
        if (!more && idle(l)) {
            /* Callbacks of this turn may have made room for work the hook
             * could not start before: ask once more before giving up. */
            more = l->prepare && l->prepare(l, l->prepare_arg);
            if (!more && idle(l)) return 0;
        }
    }
}
