// SPDX-License-Identifier: MIT
// The command line: spellings, nmap's error texts and statuses, timing
// templates, outputs, targets, refusals, ports and NMAP_ARGS.
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

static void run_argv(const char **argv)
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
static void expect_exit(int status, const char *err)
{
    assert_int_equal(last.result, PLAN_EXIT);
    assert_int_equal(last.status, status);
    assert_string_equal(last.err, err);
}

static void expect_fatal(const char *message)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s\nQUITTING!\n", message);
    expect_exit(1, buf);
}

static void expect_refused(const char *spelling)
{
    char buf[256];
    snprintf(buf, sizeof buf, "cmap: %s is not supported yet\n", spelling);
    expect_exit(1, buf);
}

static void expect_run(void)
{
    if (last.result != PLAN_RUN) fprintf(stderr, "unexpected exit: %s", last.err);
    assert_int_equal(last.result, PLAN_RUN);
}

static int reset(void **state)
{
    (void)state;
    unsetenv("NMAP_PRIVILEGED");
    unsetenv("NMAP_UNPRIVILEGED");
    last = (struct outcome){0};
    return 0;
}

static int cleanup(void **state)
{
    (void)state;
    if (last.result == PLAN_RUN) plan_free(&last.plan);
    free(last.out);
    free(last.err);
    last = (struct outcome){0};
    return 0;
}

/* A data directory with a five-line nmap-services, for port selection. */
static int make_datadir(void **state)
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

static int remove_datadir(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/nmap-services", datadir);
    unlink(path);
    rmdir(datadir);
    return 0;
}

static const char *hint = "See the output of cmap -h for a summary of options.\n";

static void expect_usage_error(const char *first_line)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s\n%s", first_line, hint);
    expect_exit(255, buf);
}

/* ---- mechanics: help, version, getopt messages ---- */

static void test_no_arguments_prints_usage(void **state)
{
    (void)state;
    run_argv((const char *[]){"cmap", NULL});
    expect_exit(255, "");
    assert_non_null(strstr(last.out, "Usage: cmap [Scan Type(s)] [Options]"));
}

static void test_help_anywhere(void **state)
{
    (void)state;
    RUN("-O", "--traceroute", "-h");
    expect_exit(0, "");
    assert_non_null(strstr(last.out, "TARGET SPECIFICATION:"));
    assert_non_null(strstr(last.out, "EXAMPLES:"));
    cleanup(state);
    RUN("--he"); /* a unique prefix */
    expect_exit(0, "");
    assert_non_null(strstr(last.out, "TIMING AND PERFORMANCE:"));
}

static void test_version(void **state)
{
    (void)state;
    RUN("-V");
    expect_exit(0, "");
    assert_true(strncmp(last.out, "cmap version 0.1.0 ( ", 21) == 0);
    assert_non_null(strstr(last.out, "\nPlatform: "));
    assert_non_null(strstr(last.out, "\nCompiled with: "));
}

static void test_thc(void **state)
{
    (void)state;
    RUN("--thc", "127.0.0.1");
    expect_exit(0, "");
    assert_string_equal(last.out,
                        "!!Greets to Van Hauser, Plasmoid, Skyper and the rest of THC!!\n");
}

static void test_unrecognized(void **state)
{
    (void)state;
    RUN("--bogus");
    expect_usage_error("cmap: unrecognized option '--bogus'");
}

static void test_underscore_is_not_an_alias(void **state)
{
    (void)state;
    RUN("--max_retries", "1");
    expect_usage_error("cmap: unrecognized option '--max_retries'");
}

static void test_single_dash_unrecognized_and_invalid(void **state)
{
    (void)state;
    RUN("-zzz");
    expect_usage_error("cmap: unrecognized option '-zzz'");
    cleanup(state);
    RUN("-nz");
    expect_usage_error("cmap: invalid option -- 'z'");
}

static void test_missing_arguments(void **state)
{
    (void)state;
    RUN("-p");
    expect_usage_error("cmap: option requires an argument -- 'p'");
    cleanup(state);
    RUN("--exclude");
    expect_usage_error("cmap: option '--exclude' requires an argument");
    cleanup(state);
    RUN("--exc");
    expect_usage_error("cmap: option '--exc' is ambiguous; possibilities: '--excludefile' "
                       "'--exclude' '--exclude-ports'");
}

static void test_argument_not_allowed(void **state)
{
    (void)state;
    RUN("--open=3");
    expect_usage_error("cmap: option '--open' doesn't allow an argument");
}

static void test_ambiguous(void **state)
{
    (void)state;
    RUN("--vers");
    expect_usage_error("cmap: option '--vers' is ambiguous; possibilities: '--version' "
                       "'--versiondb' '--version-trace' '--version-intensity' '--version-light' "
                       "'--version-all'");
    cleanup(state);
    RUN("-u");
    expect_usage_error("cmap: option '-u' is ambiguous; possibilities: '-unprivileged' '-unique'");
    cleanup(state);
    RUN("--max-r=1");
    expect_usage_error("cmap: option '--max-r=1' is ambiguous; possibilities: "
                       "'--max-rtt-timeout' '--max-retries' '--max-rate'");
}

static void test_spellings_of_long_options(void **state)
{
    (void)state;
    RUN("-sL", "--max-retr", "3", "-randomize-hosts", "--rH", "-iL", "list.txt", "-exclude=a,b",
        "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.timing.max_retries, 3);
    assert_true(last.plan.randomize_hosts);
    assert_string_equal(last.plan.input_file, "list.txt");
    assert_int_equal(last.plan.n_excludes, 2);
    cleanup(state);
    RUN("-sL", "--max-retries=4", "-max-retries", "5", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.timing.max_retries, 5);
}

static void test_operands_anywhere_and_double_dash(void **state)
{
    (void)state;
    RUN("10.0.0.1", "-sL", "-", "-n", "--", "-v", "10.0.0.2");
    expect_run();
    assert_int_equal(last.plan.n_targets, 4);
    assert_string_equal(last.plan.targets[0], "10.0.0.1");
    assert_string_equal(last.plan.targets[1], "-");
    assert_string_equal(last.plan.targets[2], "-v");
    assert_int_equal(last.plan.verbosity, 0);
    assert_int_equal(last.plan.dns, DNS_NEVER);
    assert_string_equal(last.plan.command_line, "cmap 10.0.0.1 -sL - -n -- -v 10.0.0.2");
}

static void test_verbosity_and_debugging(void **state)
{
    (void)state;
    RUN("-sL", "-v3", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.verbosity, 3);
    assert_true(last.plan.reason); /* -vv and more imply --reason */
    cleanup(state);
    RUN("-sL", "-vvv", "--vv", "-v", "--verbose", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.verbosity, 7);
    cleanup(state);
    RUN("-sL", "-v20", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.verbosity, 10);
    cleanup(state);
    RUN("-sL", "-d2", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.debugging, 2);
    assert_int_equal(last.plan.verbosity, 2);
    assert_true(last.plan.reason);
    cleanup(state);
    RUN("-sL", "-dd", "--debug=3", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.debugging, 3);
    cleanup(state);
    RUN("-sL", "-v", "127.0.0.1");
    expect_run();
    assert_false(last.plan.reason);
    assert_false(last.plan.silent_stdout);
    cleanup(state);
    RUN("-sL", "-v0", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.verbosity, 0);
    assert_true(last.plan.silent_stdout);
}

static void test_scan_letter_errors(void **state)
{
    (void)state;
    RUN("-sLq");
    expect_exit(255, "Scantype q not supported\n\n");
    assert_non_null(strstr(last.out, "Usage: cmap"));
    cleanup(state);
    RUN("-s", "127.0.0.1");
    expect_exit(255, "An option is required for -s, most common are -sT (tcp scan), -sS (SYN "
                     "scan), -sF (FIN scan), -sU (UDP scan) and -sn (Ping scan)\n");
}

static void test_privileges(void **state)
{
    (void)state;
    setenv("NMAP_PRIVILEGED", "1", 1);
    RUN("--unprivileged", "-sS", "127.0.0.1");
    expect_fatal("You requested a scan type which requires root privileges.");
    cleanup(state);
    unsetenv("NMAP_PRIVILEGED");
    setenv("NMAP_UNPRIVILEGED", "1", 1);
    RUN("-sU", "127.0.0.1");
    expect_fatal("You requested a scan type which requires root privileges.");
    cleanup(state);
    RUN("--privileged", "-sS", "127.0.0.1");
    expect_refused("-sS");
    cleanup(state);
    RUN("-sL", "127.0.0.1");
    expect_run();
    assert_false(last.plan.privileged);
    cleanup(state);
    RUN("-sL", "--privileged", "127.0.0.1");
    expect_run();
    assert_true(last.plan.privileged);
}

static void test_list_scan_plan(void **state)
{
    (void)state;
    RUN("-sL", "127.0.0.1");
    expect_run();
    assert_true(last.plan.list_scan);
    assert_int_equal(last.plan.tcp_scan, TCP_SCAN_NONE);
    assert_true(last.plan.skip_discovery);
    assert_null(last.plan.services);
    assert_int_equal(last.plan.ports.count[PROTO_TCP], 0);
    assert_non_null(last.plan.exe_path);
    assert_int_equal(last.plan.address_family, AF_INET);
    assert_int_equal(last.plan.random_targets, -1);
}

/* Commands nmap rejects with fatal(): the same text and status 1. */
static const struct {
    const char *args[6];
    const char *message;
} fatal_cases[] = {
    {{"-sS", "-sT"},
     "You specified more than one type of TCP scan.  Please choose only one of -sA, -b, -sT, "
     "-sF, -sI, -sM, -sN, -sS, -sW, and -sX"},
    {{"-sT", "-sI", "zombie"},
     "You specified more than one type of TCP scan.  Please choose only one of -sA, -b, -sT, "
     "-sF, -sI, -sM, -sN, -sS, -sW, and -sX"},
    {{"-sL", "-sS"}, "-sL and -sn (skip port scan) are not valid with any other scan types"},
    {{"-F", "-sL"},
     "You cannot use -F (fast scan) or -p (explicit port selection) when not doing a port scan"},
    {{"-sL", "-p", "80"},
     "You cannot use -F (fast scan) or -p (explicit port selection) when not doing a port scan"},
    {{"-F", "-p", "80"},
     "You cannot use -F (fast scan) with -p (explicit port selection) but see --top-ports and "
     "--port-ratio to fast scan a range of ports"},
    {{"--unprivileged", "-sS"}, "You requested a scan type which requires root privileges."},
    {{"-oA", "-"}, "Cannot display multiple output types to stdout."},
    {{"-oG-"}, "You are using a deprecated option in a dangerous way. Did you mean: -oG -"},
    {{"-oN", "-foo"},
     "Output filename begins with '-'. Try '-oN ./-foo' if you really want it to be named as "
     "such."},
    {{"-m", "-x"},
     "Output filename begins with '-'. Try '-oG ./-x' if you really want it to be named as "
     "such."},
    {{"-oH", "x"},
     "HTML output is not directly supported, though Nmap includes an XSL for transforming XML "
     "output into HTML.  See the man page."},
    {{"--min-hostgroup", "10", "--max-hostgroup", "5"},
     "Maximum host group size may not be set to less than the minimum size (currently 10)\n"},
    {{"--max-hostgroup", "5", "--min-hostgroup", "10"},
     "Minimum host group size may not be set to greater than maximum size (currently 5)\n"},
    {{"--min-parallelism", "5", "--max-parallelism", "2", "-sL"},
     "--min-parallelism=5 must be less than or equal to --max-parallelism=2"},
    {{"--min-rate", "5", "--max-rate", "2", "-sL"},
     "--min-rate=5 must be less than or equal to --max-rate=2"},
    {{"--defeat-rst-ratelimit", "-sL"},
     "Option --defeat-rst-ratelimit works only with a SYN scan (-sS)"},
    {{"-4", "-6"}, "Cannot use both -4 and -6 in one scan."},
    {{"-6", "-iR", "5", "-sL"},
     "Random targets, FTP bounce scan, and fragmentation are not supported with IPv6."},
    {{"-p", "1", "-p", "2"}, "Only 1 -p option allowed, separate multiple ranges with commas."},
    {{"--exclude-ports", "1", "--exclude-ports", "2"},
     "Only 1 --exclude-ports option allowed, separate multiple ranges with commas."},
    {{"-iL", "a", "-i", "b"}, "Only one input filename allowed"},
    {{"-vx"}, "Invalid argument to -v: \"x\"."},
    {{"-n", "\xe2\x80\x93p"}, "Unparseable option (dash, not '-') in argument 2"},
    {{"-dx"}, "Invalid argument to -d: \"x\"."},
    {{"-sB"}, "No scan type 'B', did you mean bounce scan (-b)?"},
    {{"--nsock-engine", "foo"}, "Unknown or non-available engine: foo"},
    {{"-PX"}, "Illegal Argument to -P, use -Pn, -PE, -PS, -PA, -PP, -PM, -PU, -PY, or -PO"},
    {{"-T9"},
     "Unknown timing mode (-T argument).  Use either \"Paranoid\", \"Sneaky\", \"Polite\", "
     "\"Normal\", \"Aggressive\", \"Insane\" or a number from 0 (Paranoid) to 5 (Insane)"},
    {{"--host-timeout", "5x"}, "Bogus --host-timeout argument specified"},
    {{"--host-timeout", "20000"},
     "Since April 2010, the default unit for --host-timeout is seconds, so your time of "
     "\"20000\" is 5.6 hours. If this is what you want, use \"20000s\"."},
    {{"--scan-delay", "1q"}, "Bogus --scan-delay argument specified."},
    {{"--scan-delay", "200"},
     "Since April 2010, the default unit for --scan-delay is seconds, so your time of "
     "\"200\" is 3.3 minutes. Use \"200ms\" for 200 milliseconds."},
    {{"--max-scan-delay", "200"},
     "Since April 2010, the default unit for --max-scan-delay is seconds, so your time of "
     "\"200\" is 3.3 minutes. If this is what you want, use \"200s\"."},
    {{"--max-rtt-timeout", "3ms"},
     "Bogus --max-rtt-timeout argument specified, must be at least 5ms"},
    {{"--max-rtt-timeout", "60"},
     "Since April 2010, the default unit for --max-rtt-timeout is seconds, so your time of "
     "\"60\" is 60 seconds. Use \"60ms\" for 60 milliseconds."},
    {{"--min-rtt-timeout", "-1"}, "Bogus --min-rtt-timeout argument specified"},
    {{"--initial-rtt-timeout", "0"},
     "Bogus --initial-rtt-timeout argument specified.  Must be positive"},
    {{"--max-retries", "-1"}, "max-retries must be positive"},
    {{"--min-rate", "abc"}, "Argument to --min-rate must be a positive floating-point number"},
    {{"--max-rate", "0"}, "Argument to --max-rate must be a positive floating-point number"},
    {{"--min-parallelism", "0"}, "Argument to --min-parallelism must be at least 1!"},
    {{"--max-parallelism", "0"}, "Argument to -M must be at least 1!"},
    {{"--max-hostgroup", "0"},
     "Maximum host group size may not be set to less than the minimum size (currently 1)\n"},
    {{"--top-ports", "0"}, "--top-ports should be an integer 1 or greater"},
    {{"--top-ports", "1.5"}, "--top-ports should be an integer 1 or greater"},
    {{"--port-ratio", "1"}, "--port-ratio should be between [0 and 1)"},
};

static void test_fatal_cases(void **state)
{
    setenv("NMAP_PRIVILEGED", "1", 1);
    for (size_t i = 0; i < sizeof fatal_cases / sizeof fatal_cases[0]; i++) {
        const char *argv[8] = {"cmap"};
        for (int j = 0; j < 6 && fatal_cases[i].args[j]; j++)
            argv[j + 1] = fatal_cases[i].args[j];
        run_argv(argv);
        expect_fatal(fatal_cases[i].message);
        cleanup(state);
    }
}

static void test_ipv6_plan(void **state)
{
    (void)state;
    RUN("-sL", "-6", "::1");
    expect_run();
    assert_int_equal(last.plan.address_family, AF_INET6);
}

/* ---- refusals ---- */

static void test_refusals(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"-O", "127.0.0.1", "-O"},
        {"--traceroute", "127.0.0.1", "--traceroute"},
        {"-trace", "127.0.0.1", "-trace"},
        {"--ttl", "300", "--ttl"}, /* the refusal wins over nmap's range error */
        {"-PS22", "127.0.0.1", "-PS"},
        {"-A", "127.0.0.1", "-A"},
        {"-sV", "127.0.0.1", "-sV"},
        {"--version-intensity", "10", "--version-intensity"},
        {"--nsock-engine", "poll", "--nsock-engine poll"},
        {"--script=default", "127.0.0.1", "--script"},
        {"-D", "1.2.3.4", "-D"},
    };
    setenv("NMAP_PRIVILEGED", "1", 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        RUN(cases[i][0], cases[i][1]);
        expect_refused(cases[i][2]);
        cleanup(state);
    }
}

static void test_refusal_after_whole_line(void **state)
{
    (void)state;
    RUN("-O", "--bogus");
    expect_usage_error("cmap: unrecognized option '--bogus'");
    cleanup(state);
    RUN("-sS", "-p", "80"); /* -p consumed its argument: no stray target */
    assert_int_equal(last.status, 1);
}

static void test_ping_options(void **state)
{
    (void)state;
    RUN("-v", "-Pn", "-sL", "127.0.0.1");
    expect_run();
    assert_string_equal(last.err, "Host discovery disabled (-Pn). All addresses will be marked "
                                  "'up' and scan times may be slower.\n");
    cleanup(state);
    RUN("-P0", "-sL", "-v", "127.0.0.1");
    expect_run();
    assert_string_equal(last.err, "Warning: The -P0 option is deprecated. Please use -Pn\n");
}

/* ---- timing ---- */

static void test_timing_defaults(void **state)
{
    (void)state;
    RUN("-sL", "127.0.0.1");
    expect_run();
    const struct timing *t = &last.plan.timing;
    assert_int_equal(t->level, 3);
    assert_int_equal(t->initial_rtt_timeout, 1000 * MS);
    assert_int_equal(t->min_rtt_timeout, 100 * MS);
    assert_int_equal(t->max_rtt_timeout, 10000 * MS);
    assert_int_equal(t->max_retries, 10);
    assert_int_equal(t->max_scan_delay, 1000 * MS);
    assert_int_equal(t->scan_delay, 0);
    assert_int_equal(t->host_timeout, 0);
    assert_int_equal(t->min_hostgroup, 1);
    assert_int_equal(t->max_hostgroup, 100000);
}

static void test_timing_templates(void **state)
{
    (void)state;
    RUN("-sL", "-T4", "127.0.0.1");
    expect_run();
    const struct timing *t = &last.plan.timing;
    assert_int_equal(t->level, 4);
    assert_int_equal(t->initial_rtt_timeout, 500 * MS);
    assert_int_equal(t->min_rtt_timeout, 100 * MS);
    assert_int_equal(t->max_rtt_timeout, 1250 * MS);
    assert_int_equal(t->max_retries, 6);
    assert_int_equal(t->max_scan_delay, 10 * MS);
    cleanup(state);
    RUN("-sL", "--timing", "Insane", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.timing.level, 5);
    assert_int_equal(last.plan.timing.host_timeout, 900000 * MS);
    assert_int_equal(last.plan.timing.max_retries, 2);
    cleanup(state);
    RUN("-sL", "-T0", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.timing.initial_rtt_timeout, 300000 * MS);
    assert_int_equal(last.plan.timing.max_rtt_timeout, 300000 * MS);
    assert_int_equal(last.plan.timing.scan_delay, 300000 * MS);
    assert_int_equal(last.plan.timing.max_parallelism, 1);
    cleanup(state);
    RUN("-sL", "-T4x", "127.0.0.1"); /* nmap looks at the first character only */
    expect_run();
    assert_int_equal(last.plan.timing.level, 4);
}

static void test_explicit_timing_beats_template(void **state)
{
    (void)state;
    RUN("-sL", "--max-retries", "2", "-T4", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.timing.max_retries, 2);
    cleanup(state);
    RUN("-sL", "-T5", "--host-timeout", "0", "--initial-rtt-timeout", "2s", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.timing.host_timeout, 0);
    assert_int_equal(last.plan.timing.initial_rtt_timeout, 2000 * MS);
    assert_int_equal(last.plan.timing.max_rtt_timeout, 2000 * MS); /* raised with it */
    cleanup(state);
    RUN("-sL", "--scan-delay", "2s", "--min-rtt-timeout", "20s", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.timing.scan_delay, 2000 * MS);
    assert_int_equal(last.plan.timing.max_scan_delay, 2000 * MS);
    assert_int_equal(last.plan.timing.min_rtt_timeout, 20000 * MS);
    assert_int_equal(last.plan.timing.max_rtt_timeout, 20000 * MS);
    assert_int_equal(last.plan.timing.initial_rtt_timeout, 20000 * MS);
    cleanup(state);
    RUN("-sL", "-M", "7", "--min-parallelism", "3", "--min-rate", "10.5", "--max-rate", "20x",
        "--min-hostgroup", "4", "--max-hostgroup", "8", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.timing.max_parallelism, 7);
    assert_int_equal(last.plan.timing.min_parallelism, 3);
    assert_true(last.plan.timing.min_rate == 10.5);
    assert_true(last.plan.timing.max_rate == 20.0);
    assert_int_equal(last.plan.timing.min_hostgroup, 4);
    assert_int_equal(last.plan.timing.max_hostgroup, 8);
}

static void test_small_rtt_warning(void **state)
{
    (void)state;
    RUN("-sL", "--max-rtt-timeout", "10ms", "127.0.0.1");
    expect_run();
    assert_string_equal(last.err, "WARNING: You specified a round-trip time timeout (10 ms) that "
                                  "is EXTRAORDINARILY SMALL.  Accuracy may suffer.\n");
    assert_int_equal(last.plan.timing.max_rtt_timeout, 10 * MS);
    assert_int_equal(last.plan.timing.min_rtt_timeout, 10 * MS);
}

/* ---- outputs ---- */

static void test_output_paths(void **state)
{
    (void)state;
    RUN("-sL", "-oN", "a.txt", "-oN", "b.txt", "-oX", "-", "-m", "g.txt", "127.0.0.1");
    expect_run();
    assert_string_equal(last.plan.output_path[OUT_NORMAL], "b.txt");
    assert_string_equal(last.plan.output_path[OUT_XML], "-");
    assert_string_equal(last.plan.output_path[OUT_GREPABLE], "g.txt");
    cleanup(state);
    RUN("-sL", "-oA", "base", "--append-output", "127.0.0.1");
    expect_run();
    assert_string_equal(last.plan.output_path[OUT_NORMAL], "base.nmap");
    assert_string_equal(last.plan.output_path[OUT_GREPABLE], "base.gnmap");
    assert_string_equal(last.plan.output_path[OUT_XML], "base.xml");
    assert_null(last.plan.output_path[OUT_KIDDIE]);
    assert_null(last.plan.output_path[OUT_JSON]);
    assert_true(last.plan.append_output);
    cleanup(state);
    /* -oJ is not an abbreviation of -oJL: an exact name wins. */
    RUN("-sL", "-oS", "k.txt", "-oJ", "j.json", "-oJL", "-", "127.0.0.1");
    expect_run();
    assert_string_equal(last.plan.output_path[OUT_KIDDIE], "k.txt");
    assert_string_equal(last.plan.output_path[OUT_JSON], "j.json");
    assert_string_equal(last.plan.output_path[OUT_JSONL], "-");
    cleanup(state);
    RUN("-sL", "-oJ", "-x.json", "127.0.0.1");
    expect_fatal("Output filename begins with '-'. Try '-oJ ./-x.json' if you really want it "
                 "to be named as such.");
}

static void test_output_path_expansion(void **state)
{
    (void)state;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char expected[32];
    strftime(expected, sizeof expected, "scan-%Y.xml", &tm);
    RUN("-sL", "-oX", "scan-%Y.xml", "127.0.0.1");
    expect_run();
    assert_string_equal(last.plan.output_path[OUT_XML], expected);
}

static void test_deprecations_need_verbose(void **state)
{
    (void)state;
    RUN("-sL", "-oM", "g.txt", "127.0.0.1");
    expect_run();
    assert_string_equal(last.err, "");
    cleanup(state);
    RUN("-sL", "-oM", "g.txt", "-o", "n.txt", "-v", "127.0.0.1");
    expect_run();
    assert_string_equal(last.err, "Warning: The -oM option is deprecated. Please use -oG\n"
                                  "Warning: The -o option is deprecated. Please use -oN\n");
    assert_string_equal(last.plan.output_path[OUT_NORMAL], "n.txt");
}

static void test_stylesheets_and_switches(void **state)
{
    (void)state;
    RUN("-sL", "--stylesheet", "x.xsl", "--reason", "--open", "--packet-trace", "--noninteractive",
        "--unique", "--resolve-all", "--system-dns", "-R", "127.0.0.1");
    expect_run();
    assert_string_equal(last.plan.stylesheet, "x.xsl");
    assert_false(last.plan.no_stylesheet);
    assert_true(last.plan.reason && last.plan.open_only && last.plan.packet_trace);
    assert_true(last.plan.noninteractive && last.plan.unique && last.plan.resolve_all);
    assert_true(last.plan.system_dns);
    assert_int_equal(last.plan.dns, DNS_ALWAYS);
    cleanup(state);
    RUN("-sL", "--webxml", "127.0.0.1");
    expect_run();
    assert_string_equal(last.plan.stylesheet, "https://svn.nmap.org/nmap/docs/nmap.xsl");
    cleanup(state);
    RUN("-sL", "--stylesheet", "x.xsl", "--no-stylesheet", "127.0.0.1");
    expect_run();
    assert_null(last.plan.stylesheet);
    assert_true(last.plan.no_stylesheet);
}

/* ---- targets ---- */

static void test_target_options(void **state)
{
    (void)state;
    RUN("-sL", "-iR", "5", "--exclude", "x", "--exclude", ",a,,b,", "--excludefile", "ex.txt",
        "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.random_targets, 5);
    assert_int_equal(last.plan.n_excludes, 4);
    assert_string_equal(last.plan.excludes[0], "");
    assert_string_equal(last.plan.excludes[1], "a");
    assert_string_equal(last.plan.excludes[2], "");
    assert_string_equal(last.plan.excludes[3], "b");
    assert_string_equal(last.plan.exclude_file, "ex.txt");
    cleanup(state);
    static const char *const bad_counts[] = {"5x", "abc", "-3", ""};
    for (size_t i = 0; i < 4; i++) {
        RUN("-iR", bad_counts[i]);
        expect_fatal("ERROR: -iR argument must be the maximum number of random IPs you wish to "
                     "scan (use 0 for unlimited)");
        cleanup(state);
    }
}

static void test_ident_and_quiet(void **state)
{
    (void)state;
    RUN("-sL", "-I", "-q", "--log-errors", "--nogcc", "--release-memory", "127.0.0.1");
    expect_run();
    assert_string_equal(last.err, "WARNING: identscan (-I) no longer supported.  Ignoring -I\n");
}

/* ---- ports ---- */

static void test_connect_scan_ports(void **state)
{
    (void)state;
    RUN("--datadir", datadir, "-p", "80,22", "-r", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.tcp_scan, TCP_SCAN_CONNECT);
    assert_non_null(last.plan.services);
    assert_int_equal(last.plan.ports.count[PROTO_TCP], 2);
    assert_int_equal(last.plan.ports.ports[PROTO_TCP][0], 22);
    assert_int_equal(last.plan.ports.ports[PROTO_TCP][1], 80);
    assert_non_null(strstr(last.plan.services_path, datadir));
    cleanup(state);
    RUN("--datadir", datadir, "--top-ports", "2", "-r", "-sT", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.ports.count[PROTO_TCP], 2);
    assert_int_equal(last.plan.ports.ports[PROTO_TCP][0], 23);
    assert_int_equal(last.plan.ports.ports[PROTO_TCP][1], 80);
}

static void test_servicedb_implies_fast(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/nmap-services", datadir);
    RUN("--servicedb", path, "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.ports.count[PROTO_TCP], 4);
    cleanup(state);
    RUN("--servicedb", path, "-p", "80", "127.0.0.1");
    expect_fatal("You cannot use -F (fast scan) with -p (explicit port selection) but see "
                 "--top-ports and --port-ratio to fast scan a range of ports");
    cleanup(state);
    RUN("--servicedb", "/nonexistent/cmap-services");
    assert_int_equal(last.status, 1);
    assert_non_null(strstr(last.err, "/nonexistent/cmap-services"));
    assert_non_null(strstr(last.err, "\nQUITTING!\n"));
}

static void test_port_errors(void **state)
{
    (void)state;
    RUN("--datadir", datadir, "-p", "80-20", "127.0.0.1");
    expect_fatal("Your port range 80-20 is backwards. Did you mean 20-80?");
    cleanup(state);
    setenv("NMAP_PRIVILEGED", "1", 1);
    RUN("--datadir", datadir, "--defeat-rst-ratelimit", "-p", "22", "127.0.0.1");
    expect_run(); /* nmap's default scan would be -sS here */
}

/* ---- NMAP_ARGS ---- */

static void test_nmap_args_prepended(void **state)
{
    (void)state;
    char *argv[] = {"cmap", "127.0.0.1", NULL};
    int argc = 0;
    char **args = cli_args_with_env("-sL  \"-n\"\t'-v' ", 2, argv, &argc, stderr);
    assert_non_null(args);
    assert_int_equal(argc, 5);
    assert_string_equal(args[0], "cmap");
    assert_string_equal(args[1], "-sL");
    assert_string_equal(args[2], "-n");
    assert_string_equal(args[3], "-v");
    assert_string_equal(args[4], "127.0.0.1");
    assert_null(args[5]);
    free(args);
    args = cli_args_with_env(NULL, 2, argv, &argc, stderr);
    assert_int_equal(argc, 2);
    assert_string_equal(args[1], "127.0.0.1");
    free(args);
}

static void test_nmap_args_errors(void **state)
{
    (void)state;
    char *argv[] = {"cmap", "127.0.0.1", NULL};
    char *msg = NULL;
    size_t len;
    int argc = 0;
    FILE *err = open_memstream(&msg, &len);
    assert_null(cli_args_with_env("-sL \"-n", 2, argv, &argc, err));
    fclose(err);
    assert_string_equal(msg, "NMAP_ARGS variable could not be parsed\nQUITTING!\n");
    free(msg);

    char *many = malloc(1000);
    for (int i = 0; i < 300; i++)
        memcpy(many + 3 * i, "-v ", 3);
    many[900] = '\0';
    err = open_memstream(&msg, &len);
    assert_null(cli_args_with_env(many, 2, argv, &argc, err));
    fclose(err);
    free(msg);
    free(many);
}

static void test_nmap_args_truncated(void **state)
{
    (void)state;
    char *argv[] = {"cmap", "127.0.0.1", NULL};
    char *msg = NULL, *env = malloc(3000);
    size_t len;
    int argc = 0;
    memset(env, 'a', 2999);
    env[2999] = '\0';
    FILE *err = open_memstream(&msg, &len);
    char **args = cli_args_with_env(env, 2, argv, &argc, err);
    fclose(err);
    assert_string_equal(msg, "Warning: NMAP_ARGS variable is too long, truncated\n");
    assert_int_equal(argc, 2); /* the target no longer fits, as in nmap */
    assert_int_equal(strlen(args[1]), 2047 - 5);
    free(args);
    free(msg);
    free(env);
}

static void test_plan_from_args_reads_nmap_args(void **state)
{
    (void)state;
    setenv("NMAP_ARGS", "-sL -n", 1);
    char *argv[] = {"cmap", "127.0.0.1", NULL};
    int status = -1;
    struct plan plan;
    enum plan_result r = plan_from_args(2, argv, &plan, &status);
    unsetenv("NMAP_ARGS");
    assert_int_equal(r, PLAN_RUN);
    assert_true(plan.list_scan);
    assert_int_equal(plan.dns, DNS_NEVER);
    assert_string_equal(plan.command_line, "cmap -sL -n 127.0.0.1");
    plan_free(&plan);
}

#define T(f) cmocka_unit_test_setup_teardown(f, reset, cleanup)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_no_arguments_prints_usage),
        T(test_help_anywhere),
        T(test_version),
        T(test_thc),
        T(test_unrecognized),
        T(test_underscore_is_not_an_alias),
        T(test_single_dash_unrecognized_and_invalid),
        T(test_missing_arguments),
        T(test_argument_not_allowed),
        T(test_ambiguous),
        T(test_spellings_of_long_options),
        T(test_operands_anywhere_and_double_dash),
        T(test_verbosity_and_debugging),
        T(test_scan_letter_errors),
        T(test_privileges),
        T(test_list_scan_plan),
        T(test_fatal_cases),
        T(test_ipv6_plan),
        T(test_refusals),
        T(test_refusal_after_whole_line),
        T(test_ping_options),
        T(test_timing_defaults),
        T(test_timing_templates),
        T(test_explicit_timing_beats_template),
        T(test_small_rtt_warning),
        T(test_output_paths),
        T(test_output_path_expansion),
        T(test_deprecations_need_verbose),
        T(test_stylesheets_and_switches),
        T(test_target_options),
        T(test_ident_and_quiet),
        T(test_connect_scan_ports),
        T(test_servicedb_implies_fast),
        T(test_port_errors),
        T(test_nmap_args_prepended),
        T(test_nmap_args_errors),
        T(test_nmap_args_truncated),
        T(test_plan_from_args_reads_nmap_args),
    };
    return cmocka_run_group_tests(tests, make_datadir, remove_datadir);
}
