// SPDX-License-Identifier: MIT
// Privilege dropping. A drop cannot be undone, so every case that drops runs
// in a forked child which checks the kernel's view of itself (capget,
// prctl, getresuid) and reports through its exit status. Cases that need
// root are skipped without it. No packet is sent: raw sockets are only
// created, to prove CAP_NET_RAW is or is not held.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/plan.h"
#include "core/privdrop.h"

/* In a child: print what failed and exit 1, so the parent's check fails. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            _exit(1);                                                                              \
        }                                                                                          \
    } while (0)

struct capsets {
    uint64_t eff, prm, inh;
};

static struct capsets current_caps(void)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
    memset(d, 0, sizeof d);
    CHECK(syscall(SYS_capget, &hdr, d) == 0);
    return (struct capsets){
        .eff = d[0].effective | (uint64_t)d[1].effective << 32,
        .prm = d[0].permitted | (uint64_t)d[1].permitted << 32,
        .inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32,
    };
}

/* Run fn in a child and require that it exits 0 (no CHECK failed). _exit
 * keeps the child from running the parent's exit handlers. */
static void in_child(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static bool raw_socket_allowed(void)
{
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (fd >= 0) close(fd);
    return fd >= 0;
}

static struct privdrop_user nobody(void)
{
    struct privdrop_user u;
    char err[256];
    CHECK(privdrop_lookup_user("nobody", &u, err, sizeof err) == 0);
    return u;
}

static void require_root(void)
{
    if (geteuid() != 0) skip();
}

static void test_lookup_known_user(void **state)
{
    (void)state;
    struct privdrop_user u;
    char err[256] = "";
    assert_int_equal(privdrop_lookup_user("root", &u, err, sizeof err), 0);
    assert_int_equal(u.uid, 0);
    assert_int_equal(u.gid, 0);
    assert_string_equal(u.name, "root");
    struct passwd *pw = getpwnam("nobody");
    assert_non_null(pw);
    assert_int_equal(privdrop_lookup_user("nobody", &u, err, sizeof err), 0);
    assert_int_equal(u.uid, pw->pw_uid);
    assert_int_equal(u.gid, pw->pw_gid);
}

static void test_lookup_unknown_user(void **state)
{
    (void)state;
    struct privdrop_user u;
    char err[256] = "";
    assert_int_equal(privdrop_lookup_user("cmap-no-such-user", &u, err, sizeof err), -1);
    assert_string_equal(err, "--drop-user: no such user \"cmap-no-such-user\"");
    assert_int_equal(privdrop_lookup_user("", &u, err, sizeof err), -1);
    assert_string_equal(err, "--drop-user needs a user name");
}

static void test_caps_needed_by_plan(void **state)
{
    (void)state;
    struct plan plan = {.tcp_scan = TCP_SCAN_CONNECT};
    assert_int_equal(privdrop_caps_needed(&plan), PRIVDROP_KEEP_NONE);
    plan.tcp_scan = TCP_SCAN_SYN;
    assert_int_equal(privdrop_caps_needed(&plan), PRIVDROP_CAP(CAP_NET_RAW));
    plan.list_scan = true;
    assert_int_equal(privdrop_caps_needed(&plan), PRIVDROP_KEEP_NONE);
    /* scripts of a privileged run keep raw sockets and reserved ports */
    plan = (struct plan){.tcp_scan = TCP_SCAN_CONNECT, .script_scan = true};
    assert_int_equal(privdrop_caps_needed(&plan), PRIVDROP_KEEP_NONE);
    plan.privileged = true;
    assert_int_equal(privdrop_caps_needed(&plan),
                     PRIVDROP_CAP(CAP_NET_RAW) | PRIVDROP_CAP(CAP_NET_BIND_SERVICE));
}

static void child_raise_fd_limit(void)
{
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    CHECK(rl.rlim_max > 64);
    rl.rlim_cur = 64;
    CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    unsigned long got = privdrop_raise_fd_limit();
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    CHECK(rl.rlim_cur == rl.rlim_max);
    CHECK(rl.rlim_max == RLIM_INFINITY || got == rl.rlim_max);
}

static void test_raise_fd_limit(void **state)
{
    (void)state;
    in_child(child_raise_fd_limit);
}

static void child_drop_everything(void)
{
    char err[256];
    CHECK(raw_socket_allowed());
    CHECK(privdrop_apply(NULL, PRIVDROP_KEEP_NONE, err, sizeof err) == 0);
    struct capsets c = current_caps();
    CHECK(c.eff == 0 && c.prm == 0 && c.inh == 0);
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
    CHECK(prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) == 0);
    CHECK(prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) == 0);
    CHECK(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_RAW, 0, 0) == 0);
    CHECK(!raw_socket_allowed());
    CHECK(geteuid() == 0); /* no --drop-user: still uid 0, without its powers */
}

static void test_drop_everything(void **state)
{
    (void)state;
    require_root();
    in_child(child_drop_everything);
}

static void child_keep_net_raw(void)
{
    char err[256];
    privdrop_caps keep = PRIVDROP_CAP(CAP_NET_RAW);
    CHECK(privdrop_apply(NULL, keep, err, sizeof err) == 0);
    struct capsets c = current_caps();
    CHECK(c.eff == keep && c.prm == keep && c.inh == 0);
    CHECK(prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) == 1);
    CHECK(prctl(PR_CAPBSET_READ, CAP_NET_ADMIN, 0, 0, 0) == 0);
    CHECK(raw_socket_allowed());
}

static void test_keep_net_raw(void **state)
{
    (void)state;
    require_root();
    in_child(child_keep_net_raw);
}

static void child_switch_to_nobody(void)
{
    char err[256];
    struct privdrop_user u = nobody();
    CHECK(privdrop_apply(&u, PRIVDROP_KEEP_NONE, err, sizeof err) == 0);
    uid_t r, e, s;
    gid_t rg, eg, sg;
    CHECK(getresuid(&r, &e, &s) == 0 && r == u.uid && e == u.uid && s == u.uid);
    CHECK(getresgid(&rg, &eg, &sg) == 0 && rg == u.gid && eg == u.gid && sg == u.gid);
    gid_t groups[64];
    int n = getgroups(64, groups);
    CHECK(n >= 0);
    for (int i = 0; i < n; i++)
        CHECK(groups[i] != 0); /* root's group is gone */
    struct capsets c = current_caps();
    CHECK(c.eff == 0 && c.prm == 0);
    CHECK(setuid(0) == -1 && errno == EPERM);
    CHECK(!raw_socket_allowed());
}

static void test_switch_to_nobody(void **state)
{
    (void)state;
    require_root();
    in_child(child_switch_to_nobody);
}

/* A future raw engine runs as an ordinary user and still opens raw sockets. */
static void child_nobody_keeping_net_raw(void)
{
    char err[256];
    struct privdrop_user u = nobody();
    privdrop_caps keep = PRIVDROP_CAP(CAP_NET_RAW);
    CHECK(privdrop_apply(&u, keep, err, sizeof err) == 0);
    CHECK(getuid() == u.uid && geteuid() == u.uid);
    struct capsets c = current_caps();
    CHECK(c.eff == keep && c.prm == keep && c.inh == 0);
    CHECK(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0);
    CHECK(raw_socket_allowed());
}

static void test_nobody_keeping_net_raw(void **state)
{
    (void)state;
    require_root();
    in_child(child_nobody_keeping_net_raw);
}

/* An unprivileged run still drops what it can and sets no_new_privs; a
 * capability it never had cannot be kept. */
static void child_unprivileged(void)
{
    char err[256];
    struct privdrop_user u = nobody();
    CHECK(setgroups(0, NULL) == 0);
    CHECK(setresgid(u.gid, u.gid, u.gid) == 0 && setresuid(u.uid, u.uid, u.uid) == 0);
    CHECK(privdrop_check_can_switch(err, sizeof err) == -1);
    char want[128];
    snprintf(want, sizeof want, "--drop-user requires root privileges (cmap is running as uid %u)",
             (unsigned)u.uid);
    CHECK(strcmp(err, want) == 0);
    CHECK(privdrop_apply(&u, PRIVDROP_KEEP_NONE, err, sizeof err) == -1);
    CHECK(strstr(err, "Cannot set the groups of user \"nobody\"") == err);
    CHECK(privdrop_apply(NULL, PRIVDROP_CAP(CAP_NET_RAW), err, sizeof err) == 0);
    struct capsets c = current_caps();
    CHECK(c.eff == 0 && c.prm == 0);
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1);
}

static void test_unprivileged(void **state)
{
    (void)state;
    require_root();
    in_child(child_unprivileged);
}

static void test_root_may_switch(void **state)
{
    (void)state;
    require_root();
    char err[256] = "";
    assert_int_equal(privdrop_check_can_switch(err, sizeof err), 0);
}

static void *park(void *arg)
{
    int *fd = arg;
    char c;
    while (read(*fd, &c, 1) < 0 && errno == EINTR)
        ;
    return NULL;
}

/* Capabilities are per thread: dropping with a second thread alive would
 * leave that thread privileged, so it is refused. */
static void child_refuses_threads(void)
{
    char err[256];
    int p[2];
    CHECK(pipe(p) == 0);
    pthread_t t;
    CHECK(pthread_create(&t, NULL, park, &p[0]) == 0);
    CHECK(privdrop_apply(NULL, PRIVDROP_KEEP_NONE, err, sizeof err) == -1);
    CHECK(strcmp(err, "Cannot drop privileges: threads are already running") == 0);
    CHECK(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
    CHECK(geteuid() != 0 || raw_socket_allowed()); /* nothing was dropped */
    CHECK(write(p[1], "x", 1) == 1);
    CHECK(pthread_join(t, NULL) == 0);
}

static void test_refuses_threads(void **state)
{
    (void)state;
    in_child(child_refuses_threads);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup_known_user),   cmocka_unit_test(test_lookup_unknown_user),
        cmocka_unit_test(test_caps_needed_by_plan), cmocka_unit_test(test_raise_fd_limit),
        cmocka_unit_test(test_drop_everything),     cmocka_unit_test(test_keep_net_raw),
        cmocka_unit_test(test_switch_to_nobody),    cmocka_unit_test(test_nobody_keeping_net_raw),
        cmocka_unit_test(test_unprivileged),        cmocka_unit_test(test_root_may_switch),
        cmocka_unit_test(test_refuses_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
