// SPDX-License-Identifier: MIT
// The event loop: file-descriptor readiness (epoll) and timers (a min-heap)
// dispatched to callbacks, in the shape of Redis's ae.c. One loop per thread;
// nothing in it is shared.
//
// A turn of the loop: run the prepare hook (where a scanner sends what it may),
// wait for readiness until the earliest timer, dispatch ready fds, then fire
// due timers. loop_run() repeats turns until nothing is watched, no timer is
// pending and the prepare hook has nothing more to do, loop_stop() is called, or
// scan_stop_requested becomes set.
#ifndef CMAP_CORE_LOOP_H
#define CMAP_CORE_LOOP_H

#include <stddef.h>
#include <stdint.h>

struct loop;
struct loop_timer;

/* Interest and readiness bits. LOOP_ERROR is only ever reported. */
enum { LOOP_READABLE = 1u, LOOP_WRITABLE = 2u, LOOP_ERROR = 4u };

typedef void (*loop_fd_fn)(struct loop *loop, int fd, unsigned events, void *arg);
typedef void (*loop_timer_fn)(struct loop *loop, struct loop_timer *timer, void *arg);
/* Returns nonzero when it has more to do at once: the turn then polls
 * without blocking, and the loop counts that as work pending. */
typedef int (*loop_hook_fn)(struct loop *loop, void *arg);

/* NULL (errno set) if epoll is unavailable or memory is short. */
struct loop *loop_new(void);
/* Frees pending timers; watched descriptors stay open (they are the caller's). */
void loop_free(struct loop *loop);

/* Watch fd for the given events, replacing any previous interest. 0 or -1. */
int loop_watch(struct loop *loop, int fd, unsigned events, loop_fd_fn fn, void *arg);
/* Stop watching fd. 0 or -1. */
int loop_unwatch(struct loop *loop, int fd);
/* Forget fd without a system call, for a descriptor about to be closed
 * (closing removes it from epoll). Saves an epoll_ctl per short-lived socket. */
void loop_forget(struct loop *loop, int fd);
size_t loop_watch_count(const struct loop *loop);

/* Call fn after delay_us, then every period_us if period_us > 0. The handle
 * stays valid until a one-shot timer's callback returns or the timer is
 * cancelled; cancelling from inside its own callback is allowed. NULL on
 * allocation failure. */
struct loop_timer *loop_timer_add(struct loop *loop, int64_t delay_us, int64_t period_us,
                                  loop_timer_fn fn, void *arg);
void loop_timer_cancel(struct loop *loop, struct loop_timer *timer);
size_t loop_timer_count(const struct loop *loop);

/* Hook run at the start of every turn, before waiting. */
void loop_set_prepare(struct loop *loop, loop_hook_fn fn, void *arg);

/* Cached monotonic time (microseconds), refreshed after every wait. */
int64_t loop_now(const struct loop *loop);
int64_t loop_refresh_now(struct loop *loop);

/* One turn, waiting at most max_wait_us (-1: until the next timer; never more
 * than 250 ms, so a stop request is noticed). Returns
 * the number of callbacks run, or -1 on a wait error other than EINTR. */
int loop_run_once(struct loop *loop, int64_t max_wait_us);
/* Turns until out of work or stopped. 0 when out of work or loop_stop()ped,
 * 1 when scan_stop_requested ended it, -1 on error. */
int loop_run(struct loop *loop);
void loop_stop(struct loop *loop);

#endif
