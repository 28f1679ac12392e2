// SPDX-License-Identifier: MIT
// The command line: spellings, nmap's error texts and statuses, scan types,
// privileges, refusals and discovery options.
#include "options_harness.h"

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

/* Every raw TCP letter picks its type; -sU adds UDP to it; --scanflags
 * takes nmap's numbers and names and refuses the rest at once. */
static void test_raw_techniques(void **state)
{
    (void)state;
    static const struct {
        const char *arg;
        enum tcp_scan_type type;
    } letters[] = {{"-sA", TCP_SCAN_ACK},  {"-sW", TCP_SCAN_WINDOW}, {"-sM", TCP_SCAN_MAIMON},
                   {"-sN", TCP_SCAN_NULL}, {"-sF", TCP_SCAN_FIN},    {"-sX", TCP_SCAN_XMAS}};
    for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++) {
        RUN("--privileged", letters[i].arg, "127.0.0.1");
        expect_run();
        assert_int_equal(last.plan.tcp_scan, letters[i].type);
        assert_false(last.plan.udp_scan);
        cleanup(state);
    }
    RUN("--privileged", "-sU", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.tcp_scan, TCP_SCAN_NONE);
    assert_true(last.plan.udp_scan);
    assert_int_equal(last.plan.ports.count[PROTO_TCP], 0);
    assert_int_equal(last.plan.ports.count[PROTO_UDP], 1000);
    cleanup(state);
    RUN("--privileged", "-sS", "-sU", "-p", "53", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.tcp_scan, TCP_SCAN_SYN);
    assert_true(last.plan.udp_scan);
    assert_int_equal(last.plan.ports.count[PROTO_TCP], 1);
    assert_int_equal(last.plan.ports.count[PROTO_UDP], 1);
    cleanup(state);
    static const struct {
        const char *arg;
        int flags;
    } flags[] = {{"SYN", 0x02}, {"0x12", 0x12}, {"18", 0x12},     {"finACK", 0x11},
                 {"URGPSHFOO", 0x28}, {"ECECWR", 0xc0}, {"", 0}, {"0", 0}, {"255", 0xff}};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        RUN("--privileged", "--scanflags", flags[i].arg, "127.0.0.1");
        expect_run();
        assert_true(last.plan.scanflags_set);
        assert_int_equal(last.plan.scanflags, flags[i].flags);
        assert_int_equal(last.plan.tcp_scan, TCP_SCAN_SYN); /* nmap's base */
        cleanup(state);
    }
    static const char *const bad[] = {"256", "12x", "0x100", "9999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        RUN("--privileged", "--scanflags", bad[i], "127.0.0.1");
        expect_fatal("--scanflags option must be a number between 0 and 255 (inclusive) or a "
                     "string like \"URGPSHFIN\".");
        cleanup(state);
    }
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
    RUN("--privileged", "-sO", "127.0.0.1");
    expect_run();
    assert_true(last.plan.ip_proto_scan);
    assert_int_equal(last.plan.ports.count[PROTO_IP], 256);
    cleanup(state);
    RUN("--unprivileged", "-sO", "127.0.0.1");
    expect_fatal("You requested a scan type which requires root privileges.");
    cleanup(state);
    RUN("--privileged", "-sO", "-sS", "127.0.0.1");
    expect_fatal("Sorry, the IPProtoscan (-sO) must currently be used alone rather than combined "
                 "with other scan types.");
    cleanup(state);
    /* nmap 7.93: a protocol name matches but selects nothing. */
    RUN("--privileged", "-sO", "-p", "icmp,gre,255", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.ports.count[PROTO_IP], 1);
    cleanup(state);
    RUN("--privileged", "-sO", "-p", "icmp", "127.0.0.1");
    expect_fatal("No ports specified -- If you really don't want to scan any ports use ping "
                 "scan...");
    cleanup(state);
    RUN("--privileged", "-sO", "-p", "[250-255]", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.ports.count[PROTO_IP], 2); /* 253, 254 have names */
    cleanup(state);
    RUN("--privileged", "-sO", "-p", "256", "127.0.0.1");
    expect_fatal("Protocols specified must be between 0 and 255 inclusive");
    cleanup(state);
    RUN("--privileged", "-sA", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.tcp_scan, TCP_SCAN_ACK);
    cleanup(state);
    RUN("--privileged", "-sS", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.tcp_scan, TCP_SCAN_SYN);
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
    assert_false(last.plan.skip_discovery);
    assert_false(last.plan.ping_scan);
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
        {"--ttl", "300", "--ttl"}, /* the refusal wins over nmap's range error */
        {"--badsum", "127.0.0.1", "--badsum"},
        {"-A", "127.0.0.1", "-A"},
        {"--versiondb", "x", "--versiondb"},
        {"--nsock-engine", "poll", "--nsock-engine poll"},
        {"-D", "1.2.3.4", "-D"},
    };
    setenv("NMAP_PRIVILEGED", "1", 1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        RUN(cases[i][0], cases[i][1]);
        expect_refused(cases[i][2]);
        cleanup(state);
    }
}

/* -sV and its options, with nmap's intensity rules (atoi, 0-9). */
static void test_version_detection(void **state)
{
    RUN("-sV", "127.0.0.1");
    expect_run();
    assert_true(last.plan.version_scan);
    assert_int_equal(last.plan.version_intensity, 7);
    cleanup(state);
    RUN("-sV", "--version-light", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.version_intensity, 2);
    cleanup(state);
    RUN("-sTV", "--version-all", "--allports", "127.0.0.1");
    expect_run();
    assert_true(last.plan.version_scan);
    assert_true(last.plan.version_all_ports);
    assert_int_equal(last.plan.version_intensity, 9);
    cleanup(state);
    RUN("-sV", "--version-intensity", "abc", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.version_intensity, 0);
    cleanup(state);
    RUN("-sV", "--version-trace", "127.0.0.1");
    expect_run();
    assert_true(last.plan.version_trace);
    assert_int_equal(last.plan.debugging, 1);
    assert_false(last.plan.reason);
    cleanup(state);
    RUN("-sL", "-sV", "127.0.0.1"); /* accepted by nmap; nothing to probe */
    expect_run();
    assert_false(last.plan.version_scan);
    cleanup(state);
    RUN("-sV", "--version-intensity", "10", "127.0.0.1");
    expect_fatal("version-intensity must be between 0 and 9");
    cleanup(state);
    RUN("--version-intensity", "-1", "127.0.0.1");
    expect_fatal("version-intensity must be between 0 and 9");
}

/* The script options reach the plan as nse_main.lua wants them: --script
 * split at commas (repeats add up), the rest as typed. */
static void test_script_options(void **state)
{
    RUN("--script", "http-title,ssh-*", "--script=+x", "127.0.0.1");
    expect_run();
    assert_true(last.plan.script_scan);
    assert_int_equal(last.plan.n_script_rules, 3);
    assert_string_equal(last.plan.script_rules[0], "http-title");
    assert_string_equal(last.plan.script_rules[1], "ssh-*");
    assert_string_equal(last.plan.script_rules[2], "+x");
    assert_false(last.plan.script_trace);
    cleanup(state);
    RUN("-sC", "--script-args", "a=1,b={2,3}", "--script-args-file", "f", "--script-trace",
        "--script-timeout", "1.5s", "127.0.0.1");
    expect_run();
    assert_true(last.plan.script_scan);
    assert_int_equal(last.plan.n_script_rules, 0);
    assert_string_equal(last.plan.script_args, "a=1,b={2,3}");
    assert_string_equal(last.plan.script_args_file, "f");
    assert_true(last.plan.script_trace);
    assert_true(last.plan.script_timeout > 1.49 && last.plan.script_timeout < 1.51);
    cleanup(state);
    RUN("--script-help", "ftp-*", "--script-updatedb", "--packet-trace");
    expect_run();
    assert_false(last.plan.script_scan);
    assert_true(last.plan.script_help);
    assert_true(last.plan.script_updatedb);
    assert_true(last.plan.script_trace);
    assert_int_equal(last.plan.n_script_rules, 1);
    cleanup(state);
    /* -T5's ten minutes, unless --script-timeout is given, before or after. */
    RUN("-T5", "127.0.0.1");
    expect_run();
    assert_true(last.plan.script_timeout == 600);
    cleanup(state);
    RUN("--script-timeout", "90s", "-T5", "127.0.0.1");
    expect_run();
    assert_true(last.plan.script_timeout == 90);
    cleanup(state);
    RUN("-T4", "127.0.0.1");
    expect_run();
    assert_true(last.plan.script_timeout == 0);
    cleanup(state);
    RUN("--script-timeout", "abc", "127.0.0.1");
    expect_fatal("Bogus --script-timeout argument specified");
    cleanup(state);
    RUN("--script-timeout", "-1", "127.0.0.1");
    expect_fatal("Bogus --script-timeout argument specified");
}

static void test_refusal_after_whole_line(void **state)
{
    (void)state;
    RUN("-O", "--bogus");
    expect_usage_error("cmap: unrecognized option '--bogus'");
    cleanup(state);
    RUN("-O", "-p", "80"); /* -p consumed its argument: no stray target */
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
        T(test_raw_techniques),
        T(test_privileges),
        T(test_list_scan_plan),
        T(test_fatal_cases),
        T(test_ipv6_plan),
        T(test_refusals),
        T(test_version_detection),
        T(test_script_options),
        T(test_refusal_after_whole_line),
        T(test_ping_options),
    };
    return cmocka_run_group_tests(tests, make_datadir, remove_datadir);
}
