// SPDX-License-Identifier: MIT
// The raw scans' second sending thread (see syn_sender.h for why).
#include "scan/syn_sender.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "raw/rawio.h"

/* Below this many messages the hand-off (two wake-ups) costs more than
 * the half it saves. */
#define SPLIT_MIN 16

void send_range(struct raw_io *io, struct mmsghdr *msgs, uint8_t *outcome, unsigned from,
                unsigned to)
{
    unsigned done = from;
    while (done < to) {
        int rc = raw_io_send(io, msgs + done, to - done);
        if (rc < 0) {
            outcome[done++] = SEND_FAILED;
            continue;
        }
        for (int i = 0; i < rc; i++)
            outcome[done + (unsigned)i] = SEND_SENT;
        done += (unsigned)rc;
        if (rc == 0) break;
    }
    for (; done < to; done++)
        outcome[done] = SEND_UNSENT;
}

struct split_sender {
    pthread_t tid;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct raw_io *io;
    /* The job: posted by the engine, cleared by the thread when done. */
    struct mmsghdr *msgs;
    uint8_t *outcome;
    unsigned from, to;
    bool busy, quit;
};

static void *sender_main(void *arg)
{
    struct split_sender *s = arg;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->busy && !s->quit)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->quit) break;
        pthread_mutex_unlock(&s->mu);
        send_range(s->io, s->msgs, s->outcome, s->from, s->to);
        pthread_mutex_lock(&s->mu);
        s->busy = false;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

struct split_sender *split_sender_start(struct raw_io *io)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0 || CPU_COUNT(&set) < 2) return NULL;
    struct split_sender *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->io = io;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->tid, NULL, sender_main, s) != 0) {
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

void split_sender_send(struct split_sender *s, struct raw_io *io, struct mmsghdr *msgs,
                       uint8_t *outcome, unsigned n)
{
    if (!s || n < SPLIT_MIN) {
        send_range(io, msgs, outcome, 0, n);
        return;
    }
    unsigned half = n / 2;
    pthread_mutex_lock(&s->mu);
    s->msgs = msgs;
    s->outcome = outcome;
    s->from = half;
    s->to = n;
    s->busy = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    send_range(io, msgs, outcome, 0, half);
    pthread_mutex_lock(&s->mu);
    while (s->busy)
        pthread_cond_wait(&s->cv, &s->mu);
    pthread_mutex_unlock(&s->mu);
}

void split_sender_stop(struct split_sender *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->quit = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->tid, NULL);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}
