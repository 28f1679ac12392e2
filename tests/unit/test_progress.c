// SPDX-License-Identifier: MIT
// Progress arithmetic (nmap's completion fraction and ETC), the status-line
// texts, the -v automatic schedule, the runtime switches, and how the
// normal and XML writers render a progress event and a log line.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/runtime.h"
#include "report/progress.h"
#include "report/writer.h"

static void host_fraction_follows_nmap(void **state)
{
    (void)state;
    /* 10 ports, try limit 1 (maxtries 2): 3 finished, 5 sent ->
     * (3*1 + 5) / (2*10) = 0.4 */
    assert_float_equal(progress_host_fraction(3, 5, 2, 10), 0.4, 1e-9);
    /* Never reported done before the host is: capped at 0.9999. */
    assert_float_equal(progress_host_fraction(10, 40, 2, 10), 0.9999, 1e-9);
    assert_float_equal(progress_host_fraction(0, 0, 2, 10), 0.0, 1e-9);
    assert_float_equal(progress_host_fraction(0, 0, 2, 0), 0.9999, 1e-9);
}

static void estimate_uses_whole_seconds_and_rounds(void **state)
{
    (void)state;
    struct progress_estimate e;
    /* 2.10% after 4 s: 4/0.021 - 4 = 186.48, + 0.5 -> 186.98 */
    progress_estimate(0.021, 1000, 1004, &e);
    assert_true(e.have_etc);
    assert_float_equal(e.percent, 2.1, 1e-9);
    assert_float_equal(e.remaining, 4 / 0.021 - 4 + 0.5, 1e-9);
    assert_int_equal(e.etc, 1004 + 186);
    /* Half done after 10 s: 10 s left, plus nmap's 0.5. */
    progress_estimate(0.5, 1000, 1010, &e);
    assert_float_equal(e.remaining, 10.5, 1e-9);
    assert_int_equal(e.etc, 1020);
}

static void estimate_needs_one_percent(void **state)
{
    (void)state;
    struct progress_estimate e;
    progress_estimate(0.005, 1000, 1100, &e);
    assert_false(e.have_etc);
    assert_float_equal(e.percent, 0.5, 1e-9);
    progress_estimate(1.7, 1000, 1100, &e);
    assert_float_equal(e.percent, 100.0, 1e-9);
}

static void stats_line_text(void **state)
{
    (void)state;
    char buf[256];
    progress_format_stats(buf, sizeof buf, 4, 0, 1, 1, "Connect Scan");
    assert_string_equal(
        buf, "Stats: 0:00:04 elapsed; 0 hosts completed (1 up), 1 undergoing Connect Scan");
    progress_format_stats(buf, sizeof buf, 3723, 12, 10, 256, "Connect Scan");
    assert_string_equal(
        buf, "Stats: 1:02:03 elapsed; 12 hosts completed (10 up), 256 undergoing Connect Scan");
}

static void timing_line_text(void **state)
{
    (void)state;
    char buf[256];
    struct progress_estimate e = {.percent = 2.1, .have_etc = true, .remaining = 186.98};
    struct tm tm = {.tm_hour = 14, .tm_min = 9};
    progress_format_timing(buf, sizeof buf, "Connect Scan", &e, &tm);
    assert_string_equal(buf,
                        "Connect Scan Timing: About 2.10% done; ETC: 14:09 (0:03:06 remaining)");
    e.remaining = 3 * 3600 + 61.5;
    progress_format_timing(buf, sizeof buf, "Connect Scan", &e, NULL);
    assert_string_equal(buf,
                        "Connect Scan Timing: About 2.10% done; ETC: Unknown (3:01:01 remaining)");
    e = (struct progress_estimate){.percent = 0.5};
    progress_format_timing(buf, sizeof buf, "Connect Scan", &e, &tm);
    assert_string_equal(buf, "Connect Scan Timing: About 0.50% done");
}

static void automatic_line_schedule(void **state)
{
    (void)state;
    struct progress_meter m;
    progress_meter_start(&m, 1000);
    /* Not without -v, not in the first 30 s, not when nearly done. */
    assert_false(progress_meter_due(&m, 0.1, 1040, 0, 0));
    assert_false(progress_meter_due(&m, 0.1, 1030, 1, 0));
    assert_false(progress_meter_due(&m, 0.9, 1040, 1, 0));
    assert_true(progress_meter_due(&m, 0.1, 1040, 1, 0));
    struct progress_estimate e;
    progress_estimate(0.1, 1000, 1040, &e);
    progress_meter_printed(&m, &e, 1040);
    /* At most every 30 s, and only for a noticeable change: the estimate
     * said 360 s left at 1040; 355 s left at 1070 is no news, 900 s is. */
    assert_false(progress_meter_due(&m, 0.1, 1060, 1, 0));
    assert_false(progress_meter_due(&m, 70.0 / 425, 1070, 1, 0));
    assert_true(progress_meter_due(&m, 0.1, 1100, 1, 0));
    progress_estimate(0.1, 1000, 1100, &e);
    progress_meter_printed(&m, &e, 1100);
    /* At -d any change will do. */
    assert_false(progress_meter_due(&m, 130.0 / 995, 1130, 1, 0));
    assert_true(progress_meter_due(&m, 130.0 / 995, 1133, 1, 1));
}

static void live_line_fits_the_terminal(void **state)
{
    (void)state;
    char buf[256];
    struct progress_estimate e = {.percent = 42.1, .have_etc = true, .remaining = 7.5};
    int n = progress_format_live(buf, sizeof buf, 200, "Connect Scan", &e, 5);
    assert_string_equal(buf, "Connect Scan: 42.10% done, 0:00:05 elapsed, ~0:00:07 left");
    assert_int_equal(n, (int)strlen(buf));
    n = progress_format_live(buf, sizeof buf, 21, "Connect Scan", &e, 5);
    assert_int_equal(n, 20);
    assert_string_equal(buf, "Connect Scan: 42.10%");
    e.have_etc = false;
    progress_format_live(buf, sizeof buf, 0, "Connect Scan", &e, 65);
    assert_string_equal(buf, "Connect Scan: 42.10% done, 0:01:05 elapsed");
}

static void runtime_levels_clamp(void **state)
{
    (void)state;
    struct plan plan = {.verbosity = 9, .debugging = 0, .packet_trace = false};
    struct runtime rt;
    runtime_init(&rt, &plan);
    assert_int_equal(runtime_step_verbosity(&rt, +1), 10);
    assert_int_equal(runtime_step_verbosity(&rt, +1), 10);
    assert_int_equal(runtime_step_debugging(&rt, -1), 0);
    assert_int_equal(runtime_step_debugging(&rt, +1), 1);
    assert_int_equal(runtime_verbosity(&rt), 10);
    assert_int_equal(runtime_debugging(&rt), 1);
    assert_false(runtime_packet_trace(&rt));
    runtime_set_packet_trace(&rt, true);
    assert_true(runtime_packet_trace(&rt));
}

/* Render through a writer into memory. */
static char *render(const struct writer_ops *ops, bool interactive, const struct progress_event *e,
                    const char *line, bool to_file)
{
    static char buf[1024];
    memset(buf, 0, sizeof buf);
    FILE *fp = fmemopen(buf, sizeof buf - 1, "w");
    assert_non_null(fp);
    struct plan plan = {0};
    struct run run = {.plan = &plan};
    struct writer w = {.ops = ops, .fp = fp, .to_stdout = interactive, .interactive = interactive};
    if (e) assert_int_equal(ops->task_progress(&w, &run, e), 0);
    if (line) assert_int_equal(ops->message(&w, &run, line, to_file), 0);
    fclose(fp);
    return buf;
}

static const struct tm etc_tm = {.tm_hour = 14, .tm_min = 9};

static struct progress_event sample_event(void)
{
    return (struct progress_event){.task = "Connect Scan",
                                   .time = {.tv_sec = 1795362478},
                                   .percent = 16.07,
                                   .have_etc = true,
                                   .remaining = 5.5,
                                   .etc = 1795362483,
                                   .etc_tm = &etc_tm,
                                   .with_stats = true,
                                   .elapsed = 1,
                                   .hosts_up = 1,
                                   .hosts_active = 1};
}

static void normal_writer_status_lines(void **state)
{
    (void)state;
    struct progress_event e = sample_event();
    assert_string_equal(render(&normal_writer_ops, true, &e, NULL, false),
                        "Stats: 0:00:01 elapsed; 0 hosts completed (1 up), 1 undergoing "
                        "Connect Scan\n"
                        "Connect Scan Timing: About 16.07% done; ETC: 14:09 (0:00:05 remaining)\n");
    /* Status lines are for the terminal, not for -oN. */
    assert_string_equal(render(&normal_writer_ops, false, &e, NULL, false), "");
    e.with_stats = false;
    e.have_etc = false;
    assert_string_equal(render(&normal_writer_ops, true, &e, NULL, false),
                        "Connect Scan Timing: About 16.07% done\n");
}

static void normal_writer_log_lines(void **state)
{
    (void)state;
    const char *conn = "CONN (0.0149s) TCP localhost > 127.0.0.1:22 => Connected";
    assert_string_equal(render(&normal_writer_ops, true, NULL, conn, true),
                        "CONN (0.0149s) TCP localhost > 127.0.0.1:22 => Connected\n");
    assert_string_equal(render(&normal_writer_ops, false, NULL, conn, true),
                        "CONN (0.0149s) TCP localhost > 127.0.0.1:22 => Connected\n");
    assert_string_equal(render(&normal_writer_ops, false, NULL, "Verbosity Increased to 1.", false),
                        "");
}

static void xml_taskprogress(void **state)
{
    (void)state;
    struct progress_event e = sample_event();
    /* nmap prints remaining with "%.f": 5.5 rounds to even. */
    assert_string_equal(render(&xml_writer_ops, false, &e, NULL, false),
                        "<taskprogress task=\"Connect Scan\" time=\"1795362478\" percent=\"16.07\" "
                        "remaining=\"6\" etc=\"1795362483\"/>\n");
    e.have_etc = false;
    e.percent = 0.5;
    assert_string_equal(
        render(&xml_writer_ops, false, &e, NULL, false),
        "<taskprogress task=\"Connect Scan\" time=\"1795362478\" percent=\"0.50\"/>\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(host_fraction_follows_nmap),
        cmocka_unit_test(estimate_uses_whole_seconds_and_rounds),
        cmocka_unit_test(estimate_needs_one_percent),
        cmocka_unit_test(stats_line_text),
        cmocka_unit_test(timing_line_text),
        cmocka_unit_test(automatic_line_schedule),
        cmocka_unit_test(live_line_fits_the_terminal),
        cmocka_unit_test(runtime_levels_clamp),
        cmocka_unit_test(normal_writer_status_lines),
        cmocka_unit_test(normal_writer_log_lines),
        cmocka_unit_test(xml_taskprogress),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
