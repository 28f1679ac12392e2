// SPDX-License-Identifier: MIT
// Shared by the command-line tests: run plan_from_args_io on an argv with
// messages captured in memory, and check the outcome.
#ifndef CMAP_TESTS_OPTIONS_HARNESS_H
#define CMAP_TESTS_OPTIONS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "cli/plan.h"

#define MS 1000LL

struct outcome {
    enum plan_result result;
    int status;
    char *out;
    char *err;
    struct plan plan;
};

static struct outcome last;
static char datadir[64];

static inline void run_argv(const char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    size_t out_len, err_len;
    FILE *out = open_memstream(&last.out, &out_len);
    FILE *err = open_memstream(&last.err, &err_len);
    assert_non_null(out);
    assert_non_null(err);
    last.status = -1;
    last.result = plan_from_args_io(argc, (char **)argv, &last.plan, &last.status, out, err);
    fclose(out);
    fclose(err);
}

#define RUN(...) run_argv((const char *[]){"cmap", __VA_ARGS__, NULL})

/* Parsing must stop with `status`, printing exactly `err` on stderr. */
static inline void expect_exit(int status, const char *err)
{
    assert_int_equal(last.result, PLAN_EXIT);
    assert_int_equal(last.status, status);
    assert_string_equal(last.err, err);
}

static inline void expect_fatal(const char *message)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s\nQUITTING!\n", message);
    expect_exit(1, buf);
}

static inline void expect_refused(const char *spelling)
{
    char buf[256];
    snprintf(buf, sizeof buf, "cmap: %s is not supported yet\n", spelling);
    expect_exit(1, buf);
}

static inline void expect_run(void)
{
    if (last.result != PLAN_RUN) fprintf(stderr, "unexpected exit: %s", last.err);
    assert_int_equal(last.result, PLAN_RUN);
}

static inline int reset(void **state)
{
    (void)state;
    unsetenv("NMAP_PRIVILEGED");
    unsetenv("NMAP_UNPRIVILEGED");
    last = (struct outcome){0};
    return 0;
}

static inline int cleanup(void **state)
{
    (void)state;
    if (last.result == PLAN_RUN) plan_free(&last.plan);
    free(last.out);
    free(last.err);
    last = (struct outcome){0};
    return 0;
}

/* A data directory with a five-line nmap-services, for port selection. */
static inline int make_datadir(void **state)
{
    (void)state;
    snprintf(datadir, sizeof datadir, "/tmp/cmap-cli-test-XXXXXX");
    if (!mkdtemp(datadir)) return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/nmap-services", datadir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs("ssh\t22/tcp\t0.182286\n"
          "telnet\t23/tcp\t0.221265\n"
          "http\t80/tcp\t0.484143\n"
          "https\t443/tcp\t0.208669\n"
          "domain\t53/udp\t0.213496\n",
          f);
    fclose(f);
    return 0;
}

static inline int remove_datadir(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/nmap-services", datadir);
    unlink(path);
    rmdir(datadir);
    return 0;
}

#define USAGE_HINT "See the output of cmap -h for a summary of options.\n"

static inline void expect_usage_error(const char *first_line)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s\n%s", first_line, USAGE_HINT);
    expect_exit(255, buf);
}

#define T(f) cmocka_unit_test_setup_teardown(f, reset, cleanup)

#endif
