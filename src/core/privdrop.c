// SPDX-License-Identifier: MIT
// Dropping privileges with the raw capget/capset system calls (no libcap):
// the kernel's version 3 interface holds each set as two 32-bit words.
#include "core/privdrop.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli/plan.h"
#include "scan/techniques.h"
#include "core/log.h"

/* getpwnam_r's buffer starts here and doubles up to the cap on ERANGE
 * (an entry with a huge gecos field must not make the lookup fail). */
#define PW_BUF_START 1024
#define PW_BUF_MAX (1u << 20)
/* Capability numbers fit in the 64 bits of privdrop_caps. */
#define CAP_BITS 64

struct capsets {
    privdrop_caps effective, permitted, inheritable;
};

/* Format the reason for a failure into err; returns -1 for the caller. */
static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen) vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int caps_get(struct capsets *c)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capget, &hdr, data) != 0) return -1;
    c->effective = data[0].effective | (privdrop_caps)data[1].effective << 32;
    c->permitted = data[0].permitted | (privdrop_caps)data[1].permitted << 32;
    c->inheritable = data[0].inheritable | (privdrop_caps)data[1].inheritable << 32;
    return 0;
}

static int caps_set(const struct capsets *c)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++) {
        data[i].effective = (uint32_t)(c->effective >> (32 * i));
        data[i].permitted = (uint32_t)(c->permitted >> (32 * i));
        data[i].inheritable = (uint32_t)(c->inheritable >> (32 * i));
    }
    return (int)syscall(SYS_capset, &hdr, data);
}

int privdrop_lookup_user(const char *name, struct privdrop_user *user, char *err, size_t errlen)
{
    if (!name || !*name) return fail(err, errlen, "--drop-user needs a user name");
    for (size_t size = PW_BUF_START;; size *= 2) {
        char *buf = malloc(size);
        if (!buf) return fail(err, errlen, "Out of memory looking up user \"%s\"", name);
        struct passwd pw, *found = NULL;
        int rc = getpwnam_r(name, &pw, buf, size, &found);
        free(buf);
        if (rc == ERANGE && size < PW_BUF_MAX) continue;
        if (found) {
            *user = (struct privdrop_user){.name = name, .uid = pw.pw_uid, .gid = pw.pw_gid};
            return 0;
        }
        /* getpwnam_r(3): "not found" may be 0, ENOENT, ESRCH, EBADF or EPERM. */
        if (rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM)
            return fail(err, errlen, "--drop-user: no such user \"%s\"", name);
        return fail(err, errlen, "--drop-user: cannot look up user \"%s\": %s", name, strerror(rc));
    }
}

int privdrop_check_can_switch(char *err, size_t errlen)
{
    privdrop_caps need = PRIVDROP_CAP(CAP_SETUID) | PRIVDROP_CAP(CAP_SETGID);
    struct capsets c;
    if (caps_get(&c) == 0 && (c.effective & need) == need) return 0;
    if (geteuid() == 0)
        return fail(err, errlen,
                    "--drop-user needs the CAP_SETUID and CAP_SETGID capabilities, which this "
                    "root process lacks");
    return fail(err, errlen, "--drop-user requires root privileges (cmap is running as uid %u)",
                (unsigned)geteuid());
}

unsigned long privdrop_raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1024;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur == RLIM_INFINITY ? 1ul << 20 : (unsigned long)rl.rlim_cur;
}

privdrop_caps privdrop_caps_needed(const struct plan *plan)
{
    /* Scripts of a privileged run (nmap.is_privileged() is true) open
     * pcap and raw sockets and bind reserved ports (rpc.lua). */
    if ((plan->script_scan || plan->version_scan) && plan->privileged)
        return PRIVDROP_CAP(CAP_NET_RAW) | PRIVDROP_CAP(CAP_NET_BIND_SERVICE);
    if (plan_uses_raw(plan)) return PRIVDROP_CAP(CAP_NET_RAW);
    return PRIVDROP_KEEP_NONE;
}

/* Threads of this process, or 0 when /proc cannot tell. */
static int thread_count(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

/* The bounding set limits what any later execve can grant. Changing it
 * takes CAP_SETPCAP; a process without it keeps its set, and no_new_privs
 * then stops execve from granting anything anyway. */
static int drop_bounding(privdrop_caps keep, char *err, size_t errlen)
{
    /* Dropping a capability the set no longer holds succeeds, so there is
     * no PR_CAPBSET_READ first: one system call per capability, not two. */
    for (int cap = 0; cap < CAP_BITS; cap++) {
        if (keep & PRIVDROP_CAP(cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0) continue;
        if (errno == EINVAL) return 0; /* past the kernel's last capability */
        if (errno == EPERM) return 0;
        return fail(err, errlen, "Cannot drop capability %d from the bounding set: %s", cap,
                    strerror(errno));
    }
    return 0;
}

/* Ambient capabilities only serve programs we would execve; we run none.
 * Kernels before 4.3 have no ambient set (EINVAL), so nothing to clear. */
static int clear_ambient(char *err, size_t errlen)
{
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == 0 || errno == EINVAL) return 0;
    return fail(err, errlen, "Cannot clear ambient capabilities: %s", strerror(errno));
}

/* Groups first: after setresuid we no longer hold CAP_SETGID. */
static int switch_user(const struct privdrop_user *u, char *err, size_t errlen)
{
    if (initgroups(u->name, u->gid) != 0)
        return fail(err, errlen, "Cannot set the groups of user \"%s\": %s", u->name,
                    strerror(errno));
    if (setresgid(u->gid, u->gid, u->gid) != 0)
        return fail(err, errlen, "Cannot switch to group %u: %s", (unsigned)u->gid,
                    strerror(errno));
    if (setresuid(u->uid, u->uid, u->uid) != 0)
        return fail(err, errlen, "Cannot switch to user \"%s\": %s", u->name, strerror(errno));
    return 0;
}

/* Trust the kernel's view, not the return codes: read everything back. */
static int verify(const struct privdrop_user *u, privdrop_caps keep, char *err, size_t errlen)
{
    struct capsets c;
    if (caps_get(&c) != 0 || c.permitted != keep || c.effective != keep || c.inheritable != 0)
        return fail(err, errlen, "Capabilities are still held after dropping them");
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
        return fail(err, errlen, "no_new_privs did not stay set");
    if (!u) return 0;
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0)
        return fail(err, errlen, "Cannot read back the user ids: %s", strerror(errno));
    if (ruid != u->uid || euid != u->uid || suid != u->uid || rgid != u->gid || egid != u->gid ||
        sgid != u->gid)
        return fail(err, errlen, "The switch to user \"%s\" did not take", u->name);
    return 0;
}

/* setresuid away from root clears the permitted set unless keep-caps is
 * on; turn it on only for the switch when something must survive it. */
static int switch_user_keeping(const struct privdrop_user *u, privdrop_caps keep, char *err,
                               size_t errlen)
{
    if (keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0)
        return fail(err, errlen, "Cannot keep capabilities across the user switch: %s",
                    strerror(errno));
    if (switch_user(u, err, errlen) != 0) return -1;
    if (keep && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0)
        return fail(err, errlen, "Cannot reset keep-caps: %s", strerror(errno));
    return 0;
}

int privdrop_apply(const struct privdrop_user *user, privdrop_caps keep, char *err, size_t errlen)
{
    if (thread_count() > 1)
        return fail(err, errlen, "Cannot drop privileges: threads are already running");
    struct capsets now;
    if (caps_get(&now) != 0)
        return fail(err, errlen, "Cannot read capabilities: %s", strerror(errno));
    keep &= now.permitted;
    if (drop_bounding(keep, err, errlen) != 0 || clear_ambient(err, errlen) != 0) return -1;
    if (user && switch_user_keeping(user, keep, err, errlen) != 0) return -1;
    struct capsets want = {.effective = keep, .permitted = keep, .inheritable = 0};
    if (caps_set(&want) != 0)
        return fail(err, errlen, "Cannot drop capabilities: %s", strerror(errno));
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return fail(err, errlen, "Cannot set no_new_privs: %s", strerror(errno));
    return verify(user, keep, err, errlen);
}

void privdrop_for_run(const struct plan *plan)
{
    char err[256];
    privdrop_raise_fd_limit();
    struct privdrop_user user;
    const struct privdrop_user *target = NULL;
    if (plan->drop_user) {
        if (privdrop_lookup_user(plan->drop_user, &user, err, sizeof err) != 0 ||
            privdrop_check_can_switch(err, sizeof err) != 0)
            fatal("%s", err);
        target = &user;
    }
    if (privdrop_apply(target, privdrop_caps_needed(plan), err, sizeof err) != 0) fatal("%s", err);
}
