// SPDX-License-Identifier: MIT
// The set of outputs: nmap's open-failure messages and exit status, "-" on
// stdout replacing the interactive text, --append-output, and write errors
// (a full disk) reported instead of ignored.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/plan.h"
#include "report/model.h"
#include "report/writer.h"

/* Text written to fd (1 or 2) while fn runs, in a child process so that
 * exit() and pfatal() can be observed. Returns the child's exit status. */
static int capture(int fd, void (*fn)(struct plan *), struct plan *plan, char *out, size_t cap)
{
    char path[] = "/tmp/cmap-test-out-XXXXXX";
    int tmp = mkstemp(path);
    assert_true(tmp >= 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(tmp, fd);
        fn(plan);
        fflush(NULL);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    ssize_t n = pread(tmp, out, cap - 1, 0);
    out[n > 0 ? n : 0] = '\0';
    close(tmp);
    unlink(path);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static void open_only(struct plan *plan)
{
    outputs_free(outputs_open(plan));
}

static void expect_open_failure(enum output_format f, const char *kind)
{
    struct plan plan = {.silent_stdout = true};
    plan.output_path[f] = "/nonexistent-cmap-dir/out";
    char err[512], want[256];
    assert_int_equal(capture(2, open_only, &plan, err, sizeof err), 1);
    snprintf(want, sizeof want,
             "Failed to open %s output file /nonexistent-cmap-dir/out for writing: "
             "No such file or directory (2)\n",
             kind);
    assert_string_equal(err, want);
}

static void open_failures_use_nmap_words(void **state)
{
    (void)state;
    expect_open_failure(OUT_NORMAL, "normal");
    expect_open_failure(OUT_XML, "XML");
    expect_open_failure(OUT_GREPABLE, "machine"); /* nmap's word for -oG */
}

static void whole_run(struct plan *plan)
{
    struct run run = {.plan = plan, .hosts_total = 1};
    struct host host = {.state = HOST_STATE_UNKNOWN};
    net_addr_parse("198.18.0.1", AF_INET, &host.addr);
    struct outputs *o = outputs_open(plan);
    int rc = outputs_run_begin(o, &run);
    rc |= outputs_host_done(o, &run, &host);
    rc |= outputs_run_end(o, &run);
    outputs_free(o);
    exit(rc == 0 ? 0 : 3);
}

static void stdout_format_replaces_interactive(void **state)
{
    (void)state;
    struct plan plan = {.list_scan = true, .command_line = "cmap -sL -oG - 198.18.0.1"};
    plan.output_path[OUT_GREPABLE] = "-";
    char out[2048];
    assert_int_equal(capture(1, whole_run, &plan, out, sizeof out), 0);
    assert_int_equal(strncmp(out, "# cmap 0.1.0 scan initiated ", 28), 0);
    assert_non_null(strstr(out, "\nHost: 198.18.0.1 ()\tStatus: Unknown\n# Nmap done at "));
    assert_null(strstr(out, "Starting cmap"));
    assert_null(strstr(out, "Nmap scan report"));

    plan.output_path[OUT_GREPABLE] = NULL;
    assert_int_equal(capture(1, whole_run, &plan, out, sizeof out), 0);
    assert_int_equal(
        strncmp(out, "Starting cmap 0.1.0 ( https://github.com/cmap-scanner/cmap ) at ", 64), 0);
    assert_non_null(strstr(out, "Nmap scan report for 198.18.0.1\nNmap done: 1 IP address "));

    plan.silent_stdout = true; /* -v0 */
    assert_int_equal(capture(1, whole_run, &plan, out, sizeof out), 0);
    assert_string_equal(out, "");
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void append_output_keeps_earlier_runs(void **state)
{
    (void)state;
    char path[] = "/tmp/cmap-test-append-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct plan plan = {.list_scan = true, .silent_stdout = true, .command_line = "cmap -sL"};
    plan.output_path[OUT_NORMAL] = path;
    char out[4096], ignored[64];
    for (int i = 0; i < 2; i++)
        assert_int_equal(capture(1, whole_run, &plan, ignored, 64), 0);
    out[pread(fd, out, sizeof out - 1, 0)] = '\0';
    assert_int_equal(count(out, "# cmap 0.1.0 scan initiated"), 1);
    plan.append_output = true;
    assert_int_equal(capture(1, whole_run, &plan, ignored, 64), 0);
    out[pread(fd, out, sizeof out - 1, 0)] = '\0';
    assert_int_equal(count(out, "# cmap 0.1.0 scan initiated"), 2);
    assert_int_equal(count(out, "# Nmap done at "), 2);
    close(fd);
    unlink(path);
}

static void full_disk_is_reported(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0) skip();
    struct plan plan = {.list_scan = true, .silent_stdout = true, .command_line = "cmap -sL"};
    plan.output_path[OUT_XML] = "/dev/full";
    char err[1024];
    assert_int_equal(capture(2, whole_run, &plan, err, sizeof err), 3);
    /* Reported once, however many writes failed after the first. */
    assert_string_equal(err, "cmap: error writing /dev/full: No space left on device\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(open_failures_use_nmap_words),
        cmocka_unit_test(stdout_format_replaces_interactive),
        cmocka_unit_test(append_output_keeps_earlier_runs),
        cmocka_unit_test(full_disk_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
