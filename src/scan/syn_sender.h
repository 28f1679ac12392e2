// SPDX-License-Identifier: MIT
// A second sending thread for the raw scans. Moving a probe through a raw
// socket costs the kernel several microseconds, and on a veth or loopback
// path the target's own stack runs in the sender's context too: one thread
// sending 65535 SYNs is kernel-bound at about 0.48 s here, two at about
// 0.28 s (bench/syn_floor.c). So a large batch is split: this thread sends
// its second half while the engine sends the first. Only the system calls
// move; results are applied by the engine, in batch order.
#ifndef CMAP_SCAN_SYN_SENDER_H
#define CMAP_SCAN_SYN_SENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct raw_io;

/* What became of each message of a batch. */
enum send_outcome { SEND_SENT = 0, SEND_FAILED, SEND_UNSENT };

/* Sends msgs[from, to) through io: outcome[i] says what became of each
 * (SEND_FAILED: refused alone, e.g. by a local firewall; SEND_UNSENT: the
 * socket buffer was full, to be retried later). */
void send_range(struct raw_io *io, struct mmsghdr *msgs, uint8_t *outcome, unsigned from,
                unsigned to);

struct split_sender;

/* NULL when the machine has one CPU or the thread cannot start: the caller
 * then sends alone. */
struct split_sender *split_sender_start(struct raw_io *io);
/* send_range over [0, n), the second half by the thread when n is large
 * enough to pay for the hand-off. s may be NULL. */
void split_sender_send(struct split_sender *s, struct raw_io *io, struct mmsghdr *msgs,
                       uint8_t *outcome, unsigned n);
void split_sender_stop(struct split_sender *s);

#endif
