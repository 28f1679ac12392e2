// SPDX-License-Identifier: MIT
// core/nsock_trace.c against lines nmap 7.93 printed (-sV --version-trace
// and -d4 against the lab's daemons), times masked.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/nsock_trace.h"

struct capture {
    char *buf;
    size_t len;
    FILE *f;
};

static void cap_open(struct capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
}

/* The captured text with every "[N.NNNNs]" made "[T]". */
static char *cap_text(struct capture *c)
{
    fclose(c->f);
    char *out = malloc(c->len + 1), *o = out;
    assert_non_null(out);
    for (const char *p = c->buf; *p;) {
        if (p[0] == '[' && p[1] >= '0' && p[1] <= '9') {
            const char *q = p + 1;
            while ((*q >= '0' && *q <= '9') || *q == '.')
                q++;
            if (q[0] == 's' && q[1] == ']') {
                memcpy(o, "[T]", 3);
                o += 3;
                p = q + 2;
                continue;
            }
        }
        *o++ = *p++;
    }
    *o = '\0';
    free(c->buf);
    return out;
}

static void level_follows_nmap(void **state)
{
    (void)state;
    assert_int_equal(nsock_trace_level_for(0, false), NSOCK_TRACE_OFF);
    assert_int_equal(nsock_trace_level_for(1, false), NSOCK_TRACE_OFF);
    assert_int_equal(nsock_trace_level_for(1, true), NSOCK_TRACE_INFO);
    assert_int_equal(nsock_trace_level_for(2, false), NSOCK_TRACE_INFO);
    assert_int_equal(nsock_trace_level_for(4, false), NSOCK_TRACE_DEBUG);
    assert_int_equal(nsock_trace_level_for(6, true), NSOCK_TRACE_DEBUG);
    assert_int_equal(nsock_trace_level_for(7, false), NSOCK_TRACE_FULL);
}

/* nmap -sV --version-trace -p 22 against OpenSSH. */
static void info_ssh_banner(void **state)
{
    (void)state;
    struct capture c;
    cap_open(&c);
    struct nsock_trace t;
    nsock_trace_init(&t, NSOCK_TRACE_INFO, clock_mono_us(), c.f);
    const char *peer = "198.18.1.10:22";
    unsigned long iod = nsock_trace_iod_new(&t);
    long conn = nsock_trace_connect(&t, iod, NSOCK_CONN_TCP, peer, 5000);
    nsock_trace_callback(&t, conn, NSOCK_ST_SUCCESS, 0, peer, NULL, 0, false);
    long rd = nsock_trace_read(&t, iod, peer, 6000);
    nsock_trace_event_delete(&t, iod, conn);
    static const char banner[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n";
    nsock_trace_callback(&t, rd, NSOCK_ST_SUCCESS, 0, peer, banner, sizeof banner - 1, false);
    nsock_trace_iod_delete(&t, iod, NULL, 0);
    nsock_trace_event_delete(&t, iod, rd);
    char *text = cap_text(&c);
    assert_string_equal(
        text,
        "NSOCK INFO [T] nsock_iod_new2(): nsock_iod_new (IOD #1)\n"
        "NSOCK INFO [T] nsock_connect_tcp(): TCP connection requested to 198.18.1.10:22 (IOD #1) "
        "EID 8\n"
        "NSOCK INFO [T] nsock_trace_handler_callback(): Callback: CONNECT SUCCESS for EID 8 "
        "[198.18.1.10:22]\n"
        "NSOCK INFO [T] nsock_read(): Read request from IOD #1 [198.18.1.10:22] (timeout: 6000ms) "
        "EID 18\n"
        "NSOCK INFO [T] nsock_trace_handler_callback(): Callback: READ SUCCESS for EID 18 "
        "[198.18.1.10:22] (41 bytes): SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10..\n"
        "NSOCK INFO [T] nsock_iod_delete(): nsock_iod_delete (IOD #1)\n");
    free(text);
}

/* Event ids: serial << 3 | type, one serial per request of any kind. */
static void eids_carry_type_in_low_bits(void **state)
{
    (void)state;
    struct capture c;
    cap_open(&c);
    struct nsock_trace t;
    nsock_trace_init(&t, NSOCK_TRACE_INFO, clock_mono_us(), c.f);
    unsigned long a = nsock_trace_iod_new(&t), b = nsock_trace_iod_new(&t);
    assert_int_equal(a, 1);
    assert_int_equal(b, 2);
    assert_int_equal(nsock_trace_connect(&t, a, NSOCK_CONN_TCP, "x:1", 5000), 8);
    assert_int_equal(nsock_trace_connect(&t, b, NSOCK_CONN_SSL, "x:2", 8000), 17);
    assert_int_equal(nsock_trace_read(&t, a, "x:1", 6000), 26);
    assert_int_equal(nsock_trace_write(&t, b, "x:2", "ab", 2, 5000), 35);
    assert_int_equal(nsock_trace_connect(&t, a, NSOCK_CONN_UDP, "x:1", 0), 40);
    free(cap_text(&c));
}

/* Callbacks other than a read's success, SSL and UDP requests, and writes
 * as nmap printed them. */
static void info_other_lines(void **state)
{
    (void)state;
    struct capture c;
    cap_open(&c);
    struct nsock_trace t;
    nsock_trace_init(&t, NSOCK_TRACE_INFO, clock_mono_us(), c.f);
    t.next_iod = 10;
    t.next_serial = 31;
    const char *p = "198.18.1.10:465";
    unsigned long iod = nsock_trace_iod_new(&t);
    long ssl = nsock_trace_connect(&t, iod, NSOCK_CONN_SSL, p, 8000);
    nsock_trace_callback(&t, ssl, NSOCK_ST_SUCCESS, 0, p, NULL, 0, false);
    long rd = nsock_trace_read(&t, iod, p, 6000);
    nsock_trace_callback(&t, rd, NSOCK_ST_TIMEOUT, 0, p, NULL, 0, false);
    long wr = nsock_trace_write(&t, iod, p, "GET / HTTP/1.0\r\n\r\n", 18, 5000);
    nsock_trace_callback(&t, wr, NSOCK_ST_SUCCESS, 0, p, NULL, 0, false);
    long rd2 = nsock_trace_read(&t, iod, p, 5000);
    nsock_trace_callback(&t, rd2, NSOCK_ST_EOF, 0, p, NULL, 0, false);
    nsock_trace_callback(&t, rd2, NSOCK_ST_ERROR, 104, p, NULL, 0, false);
    nsock_trace_callback(&t, ssl, NSOCK_ST_ERROR, 111, p, NULL, 0, false);
    unsigned long u = nsock_trace_iod_new(&t);
    nsock_trace_connect(&t, u, NSOCK_CONN_UDP, "198.18.1.10:161", -1);
    /* 80 bytes and more: the count only. */
    char big[80];
    memset(big, 'a', sizeof big);
    nsock_trace_callback(&t, rd2, NSOCK_ST_SUCCESS, 0, p, big, sizeof big, false);
    nsock_trace_callback(&t, rd2, NSOCK_ST_SUCCESS, 0, p, "\x00\x01z", 3, true);
    char *text = cap_text(&c);
    const char *fn = "NSOCK INFO [T] nsock_trace_handler_callback(): ";
    char want[4096];
    snprintf(want, sizeof want,
             "NSOCK INFO [T] nsock_iod_new2(): nsock_iod_new (IOD #10)\n"
             "NSOCK INFO [T] nsock_connect_ssl(): SSL connection requested to "
             "198.18.1.10:465/tcp (IOD #10) EID 249\n"
             "%sCallback: SSL-CONNECT SUCCESS for EID 249 [198.18.1.10:465]\n"
             "NSOCK INFO [T] nsock_read(): Read request from IOD #10 [198.18.1.10:465] "
             "(timeout: 6000ms) EID 258\n"
             "%sCallback: READ TIMEOUT for EID 258 [198.18.1.10:465]\n"
             "NSOCK INFO [T] nsock_write(): Write request for 18 bytes to IOD #10 EID 267 "
             "[198.18.1.10:465]\n"
             "%sCallback: WRITE SUCCESS for EID 267 [198.18.1.10:465]\n"
             "NSOCK INFO [T] nsock_read(): Read request from IOD #10 [198.18.1.10:465] "
             "(timeout: 5000ms) EID 274\n"
             "%sCallback: READ EOF for EID 274 [198.18.1.10:465]\n"
             "%sCallback: READ ERROR [Connection reset by peer (104)] for EID 274 "
             "[198.18.1.10:465]\n"
             "%sCallback: SSL-CONNECT ERROR [Connection refused (111)] for EID 249 "
             "[198.18.1.10:465]\n"
             "NSOCK INFO [T] nsock_iod_new2(): nsock_iod_new (IOD #11)\n"
             "NSOCK INFO [T] nsock_connect_udp(): UDP connection requested to "
             "198.18.1.10:161 (IOD #11) EID 280\n"
             "%sCallback: READ SUCCESS for EID 274 [198.18.1.10:465] (80 bytes)\n"
             "%sCallback: READ SUCCESS for EID 274 [198.18.1.10:465] [EOF](3 bytes): ..z\n",
             fn, fn, fn, fn, fn, fn, fn, fn);
    assert_string_equal(text, want);
    free(text);
}

/* The requests only NSE's sockets make (nmap --script-trace's wording). */
static void info_script_socket_lines(void **state)
{
    (void)state;
    struct capture c;
    cap_open(&c);
    struct nsock_trace t;
    nsock_trace_start(&t, NSOCK_TRACE_INFO, clock_mono_us(), c.f);
    const char *p = "198.18.1.10:25";
    unsigned long iod = nsock_trace_iod_new(&t);
    long tls = nsock_trace_reconnect_ssl(&t, iod, 5000);
    long bytes = nsock_trace_read_count(&t, iod, p, 4, false, 5000);
    long lines = nsock_trace_read_count(&t, iod, p, 2, true, 5000);
    unsigned long u = nsock_trace_iod_new(&t);
    nsock_trace_setup_udp(&t, u);
    long snd = nsock_trace_sendto(&t, u, "198.18.1.10:53", 30);
    long timer = nsock_trace_timer(&t, 250);
    nsock_trace_callback(&t, timer, NSOCK_ST_SUCCESS, 0, NULL, NULL, 0, false);
    nsock_trace_cancel(&t, nsock_trace_timer(&t, 1000));
    nsock_trace_callback(&t, lines, NSOCK_ST_CANCELLED, 0, p, NULL, 0, false);
    assert_int_equal(tls, 9);
    assert_int_equal(bytes, 18);
    assert_int_equal(snd, 35);
    char *text = cap_text(&c);
    assert_string_equal(
        text, "NSOCK INFO [T] nsock_iod_new2(): nsock_iod_new (IOD #1)\n"
              "NSOCK INFO [T] nsock_reconnect_ssl(): SSL reconnection requested (IOD #1) EID 9\n"
              "NSOCK INFO [T] nsock_readbytes(): Read request for 4 bytes from IOD #1 "
              "[198.18.1.10:25] EID 18\n"
              "NSOCK INFO [T] nsock_readlines(): Read request for 2 lines from IOD #1 "
              "[198.18.1.10:25] EID 26\n"
              "NSOCK INFO [T] nsock_iod_new2(): nsock_iod_new (IOD #2)\n"
              "NSOCK INFO [T] nsock_setup_udp(): UDP unconnected socket (IOD #2)\n"
              "NSOCK INFO [T] nsock_sendto(): Sendto request for 30 bytes to IOD #2 EID 35 "
              "[198.18.1.10:53]\n"
              "NSOCK INFO [T] nsock_timer_create(): Timer created - 250ms from now.  EID 44\n"
              "NSOCK INFO [T] nsock_trace_handler_callback(): Callback: TIMER SUCCESS for EID 44\n"
              "NSOCK INFO [T] nsock_timer_create(): Timer created - 1000ms from now.  EID 52\n"
              "NSOCK INFO [T] nsock_event_cancel(): Event #52 (type TIMER) cancelled\n"
              "NSOCK INFO [T] nsock_trace_handler_callback(): Callback: READ CANCELLED for EID "
              "26 [198.18.1.10:25]\n");
    free(text);
}

/* nmap -sV -d4 -sU -p 53 against dnsmasq, the service scan's lines. */
static void debug_udp_dns(void **state)
{
    (void)state;
    struct capture c;
    cap_open(&c);
    struct nsock_trace t;
    nsock_trace_init(&t, NSOCK_TRACE_DEBUG, clock_mono_us(), c.f);
    const char *p = "198.18.1.10:53";
    unsigned long iod = nsock_trace_iod_new(&t);
    long conn = nsock_trace_connect(&t, iod, NSOCK_CONN_UDP, p, -1);
    nsock_trace_loop(&t);
    nsock_trace_callback(&t, conn, NSOCK_ST_SUCCESS, 0, p, NULL, 0, false);
    long wr = nsock_trace_write(&t, iod, p, "0123456789abcdefghijklmnopqrst", 30, 5000);
    long rd = nsock_trace_read(&t, iod, p, 5000);
    nsock_trace_event_delete(&t, iod, conn);
    nsock_trace_callback(&t, wr, NSOCK_ST_SUCCESS, 0, p, NULL, 0, false);
    nsock_trace_event_delete(&t, iod, wr);
    long pending[1] = {rd};
    nsock_trace_iod_delete(&t, iod, pending, 1);
    char *text = cap_text(&c);
    /* Two values vary by run: the logger's address and the wall clock. */
    char *fnp = strstr(text, "function: 0x");
    assert_non_null(fnp);
    char *nl = strchr(fnp, '\n');
    memmove(fnp + 12, nl, strlen(nl) + 1);
    char *neg = strstr(text, "(timeout in -");
    assert_non_null(neg);
    char *ms = strstr(neg, "ms)");
    assert_true(ms - neg > 20); /* minus milliseconds since 1970 */
    memmove(neg + 13, ms, strlen(ms) + 1);
    assert_string_equal(
        text,
        "NSOCK DEBUG [T] nsock_set_log_function(): Registered external logging function: 0x\n"
        "NSOCK DEBUG [T] nsock_set_loglevel(): Set log level to DEBUG\n"
        "NSOCK INFO [T] nsock_iod_new2(): nsock_iod_new (IOD #1)\n"
        "NSOCK DEBUG [T] event_new(): event_new (IOD #1) (EID #8)\n"
        "NSOCK INFO [T] nsock_connect_udp(): UDP connection requested to 198.18.1.10:53 (IOD #1) "
        "EID 8\n"
        "NSOCK DEBUG [T] nsock_pool_add_event(): NSE #8: Adding event (timeout in -ms)\n"
        "NSOCK DEBUG [T] nsock_loop(): nsock_loop() started (no timeout). 1 events pending\n"
        "NSOCK INFO [T] nsock_trace_handler_callback(): Callback: CONNECT SUCCESS for EID 8 "
        "[198.18.1.10:53]\n"
        "NSOCK DEBUG [T] event_new(): event_new (IOD #1) (EID #19)\n"
        "NSOCK INFO [T] nsock_write(): Write request for 30 bytes to IOD #1 EID 19 "
        "[198.18.1.10:53]\n"
        "NSOCK DEBUG [T] nsock_pool_add_event(): NSE #19: Adding event (timeout in 5000ms)\n"
        "NSOCK DEBUG [T] event_new(): event_new (IOD #1) (EID #26)\n"
        "NSOCK INFO [T] nsock_read(): Read request from IOD #1 [198.18.1.10:53] (timeout: 5000ms) "
        "EID 26\n"
        "NSOCK DEBUG [T] nsock_pool_add_event(): NSE #26: Adding event (timeout in 5000ms)\n"
        "NSOCK DEBUG [T] event_delete(): event_delete (IOD #1) (EID #8)\n"
        "NSOCK INFO [T] nsock_trace_handler_callback(): Callback: WRITE SUCCESS for EID 19 "
        "[198.18.1.10:53]\n"
        "NSOCK DEBUG [T] event_delete(): event_delete (IOD #1) (EID #19)\n"
        "NSOCK INFO [T] nsock_iod_delete(): nsock_iod_delete (IOD #1)\n"
        "NSOCK DEBUG [T] event_delete(): event_delete (IOD #1) (EID #26)\n");
    free(text);
}

/* At FULL DEBUG a short write shows its data; off, nothing is written. */
static void full_shows_write_data_and_off_is_silent(void **state)
{
    (void)state;
    struct capture c;
    cap_open(&c);
    struct nsock_trace t;
    nsock_trace_init(&t, NSOCK_TRACE_FULL, clock_mono_us(), c.f);
    nsock_trace_write(&t, 1, "h:7", "stats\r\n", 7, 5000);
    char *text = cap_text(&c);
    /* Only nsock's engine-internal lines are "DEBUG FULL"; cmap has none. */
    assert_null(strstr(text, "NSOCK DEBUG FULL"));
    assert_non_null(strstr(text, "Set log level to FULL DEBUG\n"));
    assert_non_null(
        strstr(text, "nsock_write(): Write request for 7 bytes to IOD #1 EID 11 [h:7]: stats..\n"));
    free(text);

    cap_open(&c);
    nsock_trace_init(&t, NSOCK_TRACE_OFF, clock_mono_us(), c.f);
    assert_int_equal(nsock_trace_iod_new(&t), 0);
    assert_int_equal(nsock_trace_connect(&t, 0, NSOCK_CONN_TCP, "h:1", 5000), 0);
    nsock_trace_callback(&t, 8, NSOCK_ST_SUCCESS, 0, "h:1", "x", 1, false);
    nsock_trace_loop(&t);
    text = cap_text(&c);
    assert_string_equal(text, "");
    free(text);
}

static void printable_replaces_and_bounds(void **state)
{
    (void)state;
    char out[5];
    nsock_trace_printable("a\tb\x7f\xff~xyz", 9, out, sizeof out);
    assert_string_equal(out, "a.b.");
    nsock_trace_printable("", 0, out, sizeof out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(level_follows_nmap),
        cmocka_unit_test(info_ssh_banner),
        cmocka_unit_test(eids_carry_type_in_low_bits),
        cmocka_unit_test(info_other_lines),
        cmocka_unit_test(info_script_socket_lines),
        cmocka_unit_test(debug_udp_dns),
        cmocka_unit_test(full_shows_write_data_and_off_is_silent),
        cmocka_unit_test(printable_replaces_and_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
