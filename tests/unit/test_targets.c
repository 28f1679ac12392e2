// SPDX-License-Identifier: MIT
// The target iterator end to end, against what nmap 7.93 -sL -n prints.
// Names used here either come from /etc/hosts (localhost) or fail inside the
// resolver library ("bad..name"), so the tests send no DNS queries.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <malloc.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/plan.h"
#include "target/randomip.h"
#include "target/targets.h"

static void plan_init(struct plan *p, int family, char **targets, size_t n)
{
    memset(p, 0, sizeof *p);
    p->address_family = family;
    p->random_targets = -1;
    p->targets = targets;
    p->n_targets = n;
}

/* Expand the plan into formatted addresses, one line each: "addr" or
 * "addr name". Returns the count; fills at most max lines. */
static size_t expand(const struct plan *p, char lines[][80], size_t max)
{
    struct target_iter *it = target_iter_new(p);
    struct target t;
    size_t n = 0;
    while (target_iter_next(it, &t)) {
        if (n < max) {
            char buf[NET_ADDR_STRLEN];
            net_addr_format(&t.addr, buf, sizeof buf);
            snprintf(lines[n], 80, "%s%s%s", buf, t.name ? " " : "", t.name ? t.name : "");
        }
        n++;
        target_clear(&t);
    }
    target_iter_free(it);
    return n;
}

static void expect_list(char **specs, size_t n_specs, int family, const char *const *want,
                        size_t n_want)
{
    struct plan p;
    char lines[64][80];
    plan_init(&p, family, specs, n_specs);
    assert_int_equal(expand(&p, lines, 64), n_want);
    for (size_t i = 0; i < n_want; i++)
        assert_string_equal(lines[i], want[i]);
}

static void octet_range_order(void **state)
{
    (void)state;
    char *specs[] = {"10.0.0-1.1-2", "10.0.0.5,1-2", "10.0.0-1,5.250-/31"};
    const char *want[] = {"10.0.0.1",   "10.0.0.2",   "10.0.1.1",   "10.0.1.2",   "10.0.0.1",
                          "10.0.0.2",   "10.0.0.5",   "10.0.0.250", "10.0.0.251", "10.0.0.252",
                          "10.0.0.253", "10.0.0.254", "10.0.0.255", "10.0.1.250", "10.0.1.251",
                          "10.0.1.252", "10.0.1.253", "10.0.1.254", "10.0.1.255", "10.0.5.250",
                          "10.0.5.251", "10.0.5.252", "10.0.5.253", "10.0.5.254", "10.0.5.255"};
    expect_list(specs, 3, AF_INET, want, sizeof want / sizeof want[0]);
}

static void large_ranges_count_first_last(void **state)
{
    (void)state;
    struct plan p;
    static char lines[2048][80];
    char *a[] = {"192.168.0-255.1,3,5-7"};
    plan_init(&p, AF_INET, a, 1);
    assert_int_equal(expand(&p, lines, 2048), 1280);
    assert_string_equal(lines[0], "192.168.0.1");
    assert_string_equal(lines[1], "192.168.0.3");
    assert_string_equal(lines[5], "192.168.1.1");
    assert_string_equal(lines[1279], "192.168.255.7");
    char *b[] = {"10.0.1-2.3/23"};
    plan_init(&p, AF_INET, b, 1);
    assert_int_equal(expand(&p, lines, 2048), 1024);
    assert_string_equal(lines[0], "10.0.0.0");
    assert_string_equal(lines[1023], "10.0.3.255");
    char *c[] = {"127.0.0.1/33", "10.0.0.-", "10.0.0.-5"};
    plan_init(&p, AF_INET, c, 3);
    assert_int_equal(expand(&p, lines, 2048), 1 + 256 + 6);
    assert_string_equal(lines[0], "127.0.0.1");
    assert_string_equal(lines[1], "10.0.0.0");
    assert_string_equal(lines[256], "10.0.0.255");
}

static void duplicates_and_unique(void **state)
{
    (void)state;
    char *specs[] = {"10.0.0.1", "10.0.0.0/31", "10.0.0.1"};
    const char *all[] = {"10.0.0.1", "10.0.0.0", "10.0.0.1", "10.0.0.1"};
    expect_list(specs, 3, AF_INET, all, 4);
    struct plan p;
    char lines[8][80];
    plan_init(&p, AF_INET, specs, 3);
    p.unique = true;
    assert_int_equal(expand(&p, lines, 8), 2);
    assert_string_equal(lines[0], "10.0.0.1");
    assert_string_equal(lines[1], "10.0.0.0");
}

static void exclusions_apply(void **state)
{
    (void)state;
    struct plan p;
    char lines[16][80];
    char *specs[] = {"10.0.0.0/29"};
    char *excl[] = {"10.0.0.2-3", "10.0.0.4/31"};
    plan_init(&p, AF_INET, specs, 1);
    p.excludes = excl;
    p.n_excludes = 2;
    assert_int_equal(expand(&p, lines, 16), 4);
    assert_string_equal(lines[0], "10.0.0.0");
    assert_string_equal(lines[1], "10.0.0.1");
    assert_string_equal(lines[2], "10.0.0.6");
    assert_string_equal(lines[3], "10.0.0.7");
}

/* A /8 minus a /9: iterated and checked address by address, never listed. */
static void slash8_exclusion_is_cheap(void **state)
{
    (void)state;
    struct plan p;
    char lines[1][80];
    char *specs[] = {"10.0.0.0/8"};
    char *excl[] = {"10.0.0.0/9", "10.200.0.0/16"};
    plan_init(&p, AF_INET, specs, 1);
    p.excludes = excl;
    p.n_excludes = 2;
    assert_int_equal(expand(&p, lines, 1), (1u << 23) - (1u << 16));
    assert_string_equal(lines[0], "10.128.0.0");
}

static void slash8_iterates_in_constant_memory(void **state)
{
    (void)state;
    struct plan p;
    char *specs[] = {"0.0.0.0/8"};
    plan_init(&p, AF_INET, specs, 1);
    struct target_iter *it = target_iter_new(&p);
    struct target t;
    size_t before = mallinfo2().uordblks, peak = before, n = 0;
    uint32_t last = 0;
    while (target_iter_next(it, &t)) {
        if (n > 0) assert_int_equal(net_addr_v4(&t.addr), last + 1);
        last = net_addr_v4(&t.addr);
        n++;
        target_clear(&t);
        if ((n & 0xFFFFF) == 0 && mallinfo2().uordblks > peak) peak = mallinfo2().uordblks;
    }
    target_iter_free(it);
    assert_int_equal(n, 1u << 24);
    assert_int_equal(last, 0x00FFFFFFu);
    assert_true(peak - before < 4096);
}

static char *write_temp(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/cmap-test-targets-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void input_file_with_comments(void **state)
{
    (void)state;
    char *path = write_temp("# header 10.9.9.9\n10.0.0.2 10.0.0.3#c 10.0.0.4\n\t10.0.0.5/31#\n");
    char *argv_targets[] = {"10.1.1.1"}; /* ignored with -iL, as in nmap */
    struct plan p;
    char lines[8][80];
    plan_init(&p, AF_INET, argv_targets, 1);
    p.input_file = path;
    assert_int_equal(expand(&p, lines, 8), 4);
    assert_string_equal(lines[0], "10.0.0.2");
    assert_string_equal(lines[1], "10.0.0.3");
    assert_string_equal(lines[2], "10.0.0.4");
    assert_string_equal(lines[3], "10.0.0.5");
    unlink(path);
    char *empty = write_temp("# nothing\n\n");
    p.input_file = empty;
    assert_int_equal(expand(&p, lines, 8), 0);
    unlink(empty);
}

/* Run fn in a child with stderr captured; returns the exit status. */
static int capture_stderr(void (*fn)(void *), void *arg, char *out, size_t len)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        fn(arg);
        fflush(NULL);
        _exit(0);
    }
    close(fds[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < len && (r = read(fds[0], out + got, len - 1 - got)) > 0)
        got += (size_t)r;
    out[got] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void run_plan(void *arg)
{
    char lines[4][80];
    expand(arg, lines, 4);
}

static void unreadable_files_are_fatal(void **state)
{
    (void)state;
    struct plan p;
    char err[512];
    plan_init(&p, AF_INET, NULL, 0);
    p.input_file = "/nonexistent/cmap-input";
    assert_int_equal(capture_stderr(run_plan, &p, err, sizeof err), 1);
    assert_string_equal(err, "Failed to open input file /nonexistent/cmap-input for reading: "
                             "No such file or directory (2)\n");
    plan_init(&p, AF_INET, NULL, 0);
    p.exclude_file = "/nonexistent/cmap-excl";
    assert_int_equal(capture_stderr(run_plan, &p, err, sizeof err), 1);
    assert_string_equal(err, "Failed to open exclude file /nonexistent/cmap-excl for reading: "
                             "No such file or directory (2)\n");
}

static void bad_exclude_is_fatal(void **state)
{
    (void)state;
    struct plan p;
    char err[512];
    char *excl[] = {"10.0.0.0/+1"};
    plan_init(&p, AF_INET, NULL, 0);
    p.excludes = excl;
    p.n_excludes = 1;
    assert_int_equal(capture_stderr(run_plan, &p, err, sizeof err), 1);
    assert_string_equal(err, "Error parsing netmask in \"10.0.0.0/+1\".\n\nQUITTING!\n");
}

static void overlong_input_spec_is_fatal(void **state)
{
    (void)state;
    char text[1100];
    memset(text, '1', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    char *path = write_temp(text);
    struct plan p;
    char err[512];
    plan_init(&p, AF_INET, NULL, 0);
    p.input_file = path;
    assert_int_equal(capture_stderr(run_plan, &p, err, sizeof err), 1);
    assert_string_equal(
        err, "One of the host specifications from your input file is too long (>= 1024 chars)\n");
    unlink(path);
}

/* nmap repeats the message for a last spec that fails after other targets. */
static void unresolved_messages_like_nmap(void **state)
{
    (void)state;
    struct plan p;
    char err[512];
    char *after[] = {"10.0.0.1", "bad..name"};
    plan_init(&p, AF_INET, after, 2);
    assert_int_equal(capture_stderr(run_plan, &p, err, sizeof err), 0);
    assert_string_equal(err,
                        "Failed to resolve \"bad..name\".\nFailed to resolve \"bad..name\".\n");
    char *alone[] = {"bad..name", "bad..x/24/24"};
    plan_init(&p, AF_INET, alone, 2);
    assert_int_equal(capture_stderr(run_plan, &p, err, sizeof err), 0);
    assert_string_equal(err, "Failed to resolve \"bad..name\".\n"
                             "Failed to resolve \"bad..x/24\".\n");
    char *v6[] = {"::1/64", "10.0.0.1/x"};
    plan_init(&p, AF_INET, v6, 2);
    assert_int_equal(capture_stderr(run_plan, &p, err, sizeof err), 0);
    assert_string_equal(err, "Illegal netmask in \"::1/64\". Assuming /32 (one host)\n"
                             "::1 looks like an IPv6 target specification -- you have to use the "
                             "-6 option.\n"
                             "Unable to split netmask from target expression: \"10.0.0.1/x\"\n");
    char *v4in6[] = {"127.0.0.1"};
    plan_init(&p, AF_INET6, v4in6, 1);
    assert_int_equal(capture_stderr(run_plan, &p, err, sizeof err), 0);
    assert_string_equal(err, "Warning: Hostname 127.0.0.1 resolves, but not to any IPv6 address. "
                             "Try scanning without -6\nFailed to resolve \"127.0.0.1\".\n");
}

static void record_skip(const char *spec, void *ctx)
{
    char *buf = ctx;
    strcat(buf, spec);
    strcat(buf, ";");
}

static void skip_hook_sees_invalid_specs(void **state)
{
    (void)state;
    struct plan p;
    char seen[256] = "";
    char *specs[] = {"bad..name", "10.0.0.1/+3", "::1", "10.0.0.1"};
    plan_init(&p, AF_INET, specs, 4);
    struct target_iter *it = target_iter_new(&p);
    target_iter_set_skip_hook(it, record_skip, seen);
    struct target t;
    int n = 0;
    while (target_iter_next(it, &t)) {
        n++;
        target_clear(&t);
    }
    target_iter_free(it);
    assert_int_equal(n, 1);
    assert_string_equal(seen, "10.0.0.1/+3;::1;");
}

static void ipv6_blocks_and_zones(void **state)
{
    (void)state;
    char *specs[] = {"fd00::fe/127", "fd00::1/126", "::1/129", "::ffff:1.2.3.4"};
    const char *want[] = {"fd00::fe", "fd00::ff", "fd00::", "fd00::1",
                          "fd00::2",  "fd00::3",  "::1",    "::ffff:1.2.3.4"};
    expect_list(specs, 4, AF_INET6, want, 8);
    struct plan p;
    char *zoned[] = {"fe80::1%lo", "fe80::1%lo/127", "fe80::1%nosuchif0"};
    plan_init(&p, AF_INET6, zoned, 3);
    struct target_iter *it = target_iter_new(&p);
    struct target t;
    int n = 0;
    while (target_iter_next(it, &t)) {
        assert_int_equal(t.addr.scope_id, if_nametoindex("lo"));
        assert_int_equal(t.addr.bytes[0], 0xfe);
        n++;
        target_clear(&t);
    }
    target_iter_free(it);
    assert_int_equal(n, 3);
}

static void hostnames_resolve_and_mask(void **state)
{
    (void)state;
    char *specs[] = {"localhost", "localhost/31"};
    const char *want[] = {"127.0.0.1 localhost", "127.0.0.0", "127.0.0.1 localhost"};
    expect_list(specs, 2, AF_INET, want, 3);
    struct plan p;
    char lines[8][80];
    plan_init(&p, AF_INET, specs, 1);
    p.resolve_all = true;
    size_t n = expand(&p, lines, 8);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++)
        assert_non_null(strstr(lines[i], " localhost"));
}

static void random_targets_count_and_exclusions(void **state)
{
    (void)state;
    struct plan p;
    char *excl[] = {"1.0.0.0/8", "2-5.*.*.*", "8.8.8.8"};
    plan_init(&p, AF_INET, NULL, 0);
    p.random_targets = 100000;
    p.excludes = excl;
    p.n_excludes = 3;
    struct target_iter *it = target_iter_new(&p);
    struct target t;
    size_t n = 0;
    while (target_iter_next(it, &t)) {
        uint32_t v = net_addr_v4(&t.addr);
        assert_false(random_ip_is_reserved(v));
        assert_true((v >> 24) < 1 || (v >> 24) > 5);
        assert_int_not_equal(v, 0x08080808u);
        n++;
    }
    target_iter_free(it);
    assert_int_equal(n, 100000);
}

static void next_formatted(struct target_iter *it, char *out, size_t len)
{
    struct target t;
    assert_int_equal(target_iter_next(it, &t), 1);
    net_addr_format(&t.addr, out, len);
    target_clear(&t);
}

/* Specs added while the run goes on (targets scripts add) come after the
 * run's own, even once the iterator has said it was done, and pass the
 * same exclusions and --unique. */
static void added_specs_follow_the_run_own(void **state)
{
    (void)state;
    struct plan p;
    char *specs[] = {"10.0.0.1"};
    char *excl[] = {"10.0.0.5"};
    plan_init(&p, AF_INET, specs, 1);
    p.excludes = excl;
    p.n_excludes = 1;
    p.unique = true;
    struct target_iter *it = target_iter_new(&p);
    char buf[NET_ADDR_STRLEN];
    target_iter_add(it, "10.0.0.2");
    next_formatted(it, buf, sizeof buf);
    assert_string_equal(buf, "10.0.0.1");
    next_formatted(it, buf, sizeof buf);
    assert_string_equal(buf, "10.0.0.2");
    struct target t;
    assert_int_equal(target_iter_next(it, &t), 0);
    target_iter_add(it, "10.0.0.4/30"); /* .4 to .7, minus the excluded .5 */
    target_iter_add(it, "10.0.0.1");    /* seen already: --unique drops it */
    const char *want[] = {"10.0.0.4", "10.0.0.6", "10.0.0.7"};
    for (size_t i = 0; i < 3; i++) {
        next_formatted(it, buf, sizeof buf);
        assert_string_equal(buf, want[i]);
    }
    assert_int_equal(target_iter_next(it, &t), 0);
    target_iter_free(it);
}

/* With -iR the added specs come once the random addresses are done. */
static void added_specs_follow_random_targets(void **state)
{
    (void)state;
    struct plan p;
    plan_init(&p, AF_INET, NULL, 0);
    p.random_targets = 2;
    struct target_iter *it = target_iter_new(&p);
    struct target t;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(target_iter_next(it, &t), 1);
        target_clear(&t);
    }
    assert_int_equal(target_iter_next(it, &t), 0);
    target_iter_add(it, "10.0.0.9");
    char buf[NET_ADDR_STRLEN];
    next_formatted(it, buf, sizeof buf);
    assert_string_equal(buf, "10.0.0.9");
    assert_int_equal(target_iter_next(it, &t), 0);
    target_iter_free(it);
}

static void randomize_hosts_shuffles_in_chunks(void **state)
{
    (void)state;
    struct plan p;
    char *specs[] = {"10.0.0.0/16"};
    plan_init(&p, AF_INET, specs, 1);
    p.randomize_hosts = true;
    static uint8_t seen[65536];
    memset(seen, 0, sizeof seen);
    struct target_iter *it = target_iter_new(&p);
    struct target t;
    size_t n = 0, in_order = 0;
    while (target_iter_next(it, &t)) {
        uint32_t low = net_addr_v4(&t.addr) & 0xFFFF;
        assert_int_equal(seen[low], 0);
        seen[low] = 1;
        assert_int_equal(low / 16384, n / 16384); /* stays in its chunk */
        in_order += low == n;
        n++;
    }
    target_iter_free(it);
    assert_int_equal(n, 65536);
    assert_true(in_order < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(octet_range_order),
        cmocka_unit_test(large_ranges_count_first_last),
        cmocka_unit_test(duplicates_and_unique),
        cmocka_unit_test(exclusions_apply),
        cmocka_unit_test(slash8_exclusion_is_cheap),
        cmocka_unit_test(slash8_iterates_in_constant_memory),
        cmocka_unit_test(input_file_with_comments),
        cmocka_unit_test(unreadable_files_are_fatal),
        cmocka_unit_test(bad_exclude_is_fatal),
        cmocka_unit_test(overlong_input_spec_is_fatal),
        cmocka_unit_test(unresolved_messages_like_nmap),
        cmocka_unit_test(skip_hook_sees_invalid_specs),
        cmocka_unit_test(ipv6_blocks_and_zones),
        cmocka_unit_test(hostnames_resolve_and_mask),
        cmocka_unit_test(random_targets_count_and_exclusions),
        cmocka_unit_test(randomize_hosts_shuffles_in_chunks),
        cmocka_unit_test(added_specs_follow_the_run_own),
        cmocka_unit_test(added_specs_follow_random_targets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
