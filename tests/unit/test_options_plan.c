// SPDX-License-Identifier: MIT
// The command line into the plan: timing templates, outputs, targets, ports
// and NMAP_ARGS.
#include "options_harness.h"

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
    /* --traceroute and its unique prefix (nmap's -trace) */
    RUN("-sn", "-trace", "127.0.0.1");
    expect_run();
    assert_true(last.plan.traceroute);
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
    /* nmap's default technique: connect scan without privilege, SYN with. */
    RUN("--datadir", datadir, "--privileged", "-p", "80", "127.0.0.1");
    expect_run();
    assert_int_equal(last.plan.tcp_scan, TCP_SCAN_SYN);
    assert_true(last.plan.tcp_scan_default);
    cleanup(state);
    RUN("--datadir", datadir, "--privileged", "-sS", "-p", "80", "127.0.0.1");
    expect_run();
    assert_false(last.plan.tcp_scan_default);
    cleanup(state);
    RUN("--datadir", datadir, "--unprivileged", "-p", "80,22", "-r", "127.0.0.1");
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

static void test_ping_probe_lists(void **state)
{
    (void)state;
    setenv("NMAP_PRIVILEGED", "1", 1);
    RUN("-sn", "-PS22,80-82", "-PA", "-PU53", "-PY", "-PO", "-PE", "-PP", "-PM", "127.0.0.1");
    unsetenv("NMAP_PRIVILEGED");
    expect_run();
    const struct ping_probes *pp = &last.plan.ping;
    assert_true(last.plan.ping_scan);
    assert_false(last.plan.skip_discovery);
    assert_true(pp->given && pp->echo && pp->timestamp && pp->mask);
    assert_int_equal(pp->n_syn, 4);
    assert_int_equal(pp->syn[0], 22);
    assert_int_equal(pp->syn[3], 82);
    assert_int_equal(pp->n_ack, 1);
    assert_int_equal(pp->ack[0], 80); /* nmap's default for a bare -PA */
    assert_int_equal(pp->n_udp, 1);
    assert_int_equal(pp->udp[0], 53);
    assert_int_equal(pp->n_sctp, 1);
    assert_int_equal(pp->sctp[0], 80);
    assert_int_equal(pp->n_protos, 3); /* 1,2,4 */
    assert_int_equal(pp->protos[2], 4);
}

static void test_ping_defaults_and_switches(void **state)
{
    (void)state;
    RUN("-Pn", "--disable-arp-ping", "--send-ip", "--discovery-ignore-rst", "-sn", "127.0.0.1");
    expect_run();
    assert_true(last.plan.skip_discovery);
    assert_true(last.plan.disable_arp && last.plan.send_ip && last.plan.ignore_rst);
    assert_false(last.plan.ping.given);
    cleanup(state);
    RUN("-PU40125", "-PR", "-sn", "--privileged", "127.0.0.1");
    expect_run();
    assert_true(last.plan.ping.given);
    assert_int_equal(last.plan.ping.n_udp, 1);
    assert_int_equal(last.plan.ping.udp[0], 40125);
    cleanup(state);
    RUN("-PB", "--privileged", "-sn", "127.0.0.1");
    expect_run();
    assert_true(last.plan.ping.echo);
    assert_int_equal(last.plan.ping.n_ack, 1);
}

static void test_ping_errors(void **state)
{
    (void)state;
    RUN("-PS22", "-PS23", "127.0.0.1");
    expect_fatal("Only one -PS option is allowed. Combine port ranges with commas.");
    cleanup(state);
    RUN("-PO300", "--privileged", "127.0.0.1");
    expect_fatal("Protocols specified must be between 0 and 255 inclusive");
    cleanup(state);
    RUN("-PX", "127.0.0.1");
    expect_fatal("Illegal Argument to -P, use -Pn, -PE, -PS, -PA, -PP, -PM, -PU, -PY, or -PO");
    cleanup(state);
    RUN("-PO", "--unprivileged", "-sn", "127.0.0.1");
    expect_fatal("Sorry, IPProto Ping (-PO) only works if you are root (because we need to read "
                 "raw responses off the wire)");
    cleanup(state);
    RUN("-PU", "--unprivileged", "-sn", "127.0.0.1");
    expect_fatal("Sorry, UDP Ping (-PU) only works if you are root (because we need to read raw "
                 "responses off the wire)");
    cleanup(state);
    RUN("-PP", "-6", "--privileged", "-sn", "::1");
    expect_fatal("ICMP Timestamp and Address Mask pings are only valid for IPv4.");
    cleanup(state);
    RUN("-PE", "--unprivileged", "-sn", "127.0.0.1");
    expect_run();
    assert_string_equal(last.err, "Warning:  You are not root -- using TCP pingscan rather than "
                                  "ICMP\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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
        T(test_ping_probe_lists),
        T(test_ping_defaults_and_switches),
        T(test_ping_errors),
    };
    return cmocka_run_group_tests(tests, make_datadir, remove_datadir);
}
