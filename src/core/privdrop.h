// SPDX-License-Identifier: MIT
// Least privilege. Once the run holds everything that needed privilege (its
// output files, data files, target and exclusion files, the descriptor
// limit), it gives up every capability a later phase will not use, can
// become an unprivileged user (--drop-user, like tcpdump's -Z), and forbids
// regaining privilege through execve, all before the first probe is sent
// and so before the first byte from the network is parsed.
#ifndef CMAP_CORE_PRIVDROP_H
#define CMAP_CORE_PRIVDROP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct plan;

/* A set of capabilities, bit n standing for capability n (CAP_NET_RAW...). */
typedef uint64_t privdrop_caps;
#define PRIVDROP_CAP(cap) ((privdrop_caps)1 << (cap))
#define PRIVDROP_KEEP_NONE ((privdrop_caps)0)

/* The account --drop-user names. `name` is borrowed from the caller. */
struct privdrop_user {
    const char *name;
    uid_t uid;
    gid_t gid;
};

/* Find a user in the password database. 0, or -1 with the reason in err. */
int privdrop_lookup_user(const char *name, struct privdrop_user *user, char *err, size_t errlen);

/* 0 when this process may change its user (it holds CAP_SETUID and
 * CAP_SETGID, as root does); -1 with the reason in err otherwise. */
int privdrop_check_can_switch(char *err, size_t errlen);

/* Raise the soft descriptor limit to the hard one (no privilege needed for
 * that) and return the new soft limit. */
unsigned long privdrop_raise_fd_limit(void);

/* The capabilities the phases of this plan still need after setup: none
 * for a connect or list scan, CAP_NET_RAW for a raw-socket scan. */
privdrop_caps privdrop_caps_needed(const struct plan *plan);

/* Drop privileges: clear the bounding set except `keep` (where permitted)
 * and the whole ambient set, switch to `user` (NULL: stay who we are) with
 * its supplementary groups, leave exactly `keep` (as far as it is held
 * now) in the permitted and effective sets, nothing inheritable, and set
 * no_new_privs. Capabilities belong to threads, so this must run before
 * any thread is started; it refuses otherwise. 0, or -1 with the reason in
 * err (the process may then be partly dropped and should exit). */
int privdrop_apply(const struct privdrop_user *user, privdrop_caps keep, char *err, size_t errlen);

/* The run's step between setup and the first probe: raise the descriptor
 * limit, then drop to what the plan needs (and to plan->drop_user).
 * Exits through fatal() when that fails. */
void privdrop_for_run(const struct plan *plan);

#endif
