// SPDX-License-Identifier: MIT
// -oS: nmap's substitution rules (only those happen, at nmap's rates),
// replayable from a seed, and the writer's text is the terminal report
// letter for letter once the substitutions are mapped back.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "report/kiddie.h"
#include "report/model.h"
#include "report/writer.h"

/* Whether `out` may stand for `in` (followed by `next`, 0 at the end). */
static bool allowed(char in, char next, char out)
{
    if (out == in) return true;
    if (isalpha((unsigned char)in) &&
        out == (char)(isupper((unsigned char)in) ? tolower(in) : toupper(in)))
        return true;
    switch (in) {
    case 'A':
        return out == '4';
    case 'e':
    case 'E':
        return out == '3';
    case 'i':
    case 'I':
        return out == '!' || out == '|' || out == '1';
    case 'o':
    case 'O':
        return out == '0';
    case 's':
    case 'S':
        return out == (next && !isalnum((unsigned char)next) ? 'z' : '$');
    case 'z':
        return out == 's';
    case 'Z':
        return out == 'S';
    default:
        return false;
    }
}

static void expect_substitution_of(const char *in, const char *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char next = i + 1 < len ? in[i + 1] : '\0';
        if (!allowed(in[i], next, out[i]))
            fail_msg("byte %zu: '%c' became '%c' in \"%.*s\"", i, in[i], out[i], (int)len, out);
    }
}

static char *transformed(const char *in, uint64_t seed)
{
    char *s = strdup(in);
    struct kiddie_rng rng;
    kiddie_seed(&rng, seed);
    kiddie_transform(s, strlen(s), &rng);
    return s;
}

static const char sample[] =
    "Starting Nmap 7.93 ( https://nmap.org ) at 2026-11-22 14:05 UTC\n"
    "Nmap scan report for localhost (127.0.0.1)\n"
    "Host is up (0.00034s latency).\n"
    "PORT   STATE SERVICE\n22/tcp open  ssh\nZebra zone AEIOS aeios zz ss s\n"
    "caf\xc3\xa9 \xe6\x97\xa5 \x1b[0;1\n";

static void same_seed_same_text(void **state)
{
    (void)state;
    char *a = transformed(sample, 42), *b = transformed(sample, 42), *c = transformed(sample, 43);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_string_not_equal(a, sample);
    free(a);
    free(b);
    free(c);
}

static void only_nmaps_substitutions(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 200; seed++) {
        char *out = transformed(sample, seed);
        assert_int_equal(strlen(out), strlen(sample));
        expect_substitution_of(sample, out, strlen(sample));
        /* Non-letters, UTF-8 and escapes are never touched. */
        assert_non_null(strstr(out, "\xc3\xa9 \xe6\x97\xa5 \x1b[0;1\n"));
        free(out);
    }
}

/* Every byte value: only ASCII letters ever change. */
static void other_bytes_untouched(void **state)
{
    (void)state;
    char in[256], out[256];
    for (int i = 0; i < 255; i++)
        in[i] = (char)(i + 1);
    in[255] = '\0';
    for (uint64_t seed = 0; seed < 50; seed++) {
        memcpy(out, in, sizeof in);
        struct kiddie_rng rng;
        kiddie_seed(&rng, seed);
        kiddie_transform(out, 255, &rng);
        expect_substitution_of(in, out, 255);
        for (int i = 0; i < 255; i++)
            if (!isalpha((unsigned char)in[i])) assert_int_equal(out[i], in[i]);
    }
}

static size_t count(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

static char *repeated(char c, size_t n)
{
    char *s = malloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

/* Half of the letters are candidates for a substitution; of the others a
 * third flip case (nmap's 1/2 and 1/3). */
static void nmaps_rates(void **state)
{
    (void)state;
    enum { N = 20000 };
    char *o = repeated('o', N), *b = repeated('b', N), *i = repeated('i', N);
    char *to = transformed(o, 7), *tb = transformed(b, 7), *ti = transformed(i, 7);
    size_t zeros = count(to, '0'), upper_b = count(tb, 'B');
    assert_in_range(zeros, N * 45 / 100, N * 55 / 100);
    assert_in_range(count(to, 'O'), N * 13 / 100, N * 20 / 100); /* 1/2 x 1/3 */
    assert_in_range(upper_b, N * 13 / 100, N * 20 / 100);
    for (const char *c = "!|1"; *c; c++)
        assert_in_range(count(ti, *c), N * 13 / 100, N * 20 / 100); /* 1/2 x 1/3 each */
    free(o), free(b), free(i), free(to), free(tb), free(ti);
}

/* 's' becomes 'z' only before a non-alphanumeric byte, '$' otherwise,
 * including at the very end of the text. */
static void s_rule(void **state)
{
    (void)state;
    bool saw_z = false, saw_dollar_end = false;
    for (uint64_t seed = 0; seed < 64; seed++) {
        char *out = transformed("s ss", seed);
        assert_true(out[0] == 's' || out[0] == 'S' || out[0] == 'z');
        assert_true(out[2] == 's' || out[2] == 'S' || out[2] == '$');
        assert_true(out[3] == 's' || out[3] == 'S' || out[3] == '$');
        saw_z |= out[0] == 'z';
        saw_dollar_end |= out[3] == '$';
        free(out);
    }
    assert_true(saw_z);
    assert_true(saw_dollar_end);
}

/* ---- the writer ---- */

struct scene {
    struct plan plan;
    struct run run;
    struct host host;
    struct port_result ports[2];
    uint16_t scan_ports[2];
};

static void build_scene(struct scene *s, bool up)
{
    memset(s, 0, sizeof *s);
    s->plan.command_line = "cmap -p 22,80 198.18.1.2";
    s->plan.tcp_scan = TCP_SCAN_CONNECT;
    s->scan_ports[0] = 22, s->scan_ports[1] = 80;
    s->plan.ports.ports[PROTO_TCP] = s->scan_ports;
    s->plan.ports.count[PROTO_TCP] = 2;
    s->run.plan = &s->plan;
    s->run.hosts_total = 1;
    s->run.hosts_up = up ? 1 : 0;
    s->run.start_time.tv_sec = 1700000000;
    s->run.end_time.tv_sec = 1700000001;
    net_addr_parse("198.18.1.2", AF_INET, &s->host.addr);
    s->host.target_name = "Zeus.Example";
    s->host.state = up ? HOST_STATE_UP : HOST_STATE_DOWN;
    s->host.reason = REASON_SYN_ACK;
    s->ports[0] = (struct port_result){22, PROTO_TCP, PORT_OPEN, REASON_SYN_ACK, 0, "ssh", NULL};
    s->ports[1] = (struct port_result){80, PROTO_TCP, PORT_CLOSED, REASON_CONN_REFUSED, 0, "http", NULL};
    s->host.ports = s->ports;
    s->host.n_ports = 2;
}

static char *render(const struct writer_ops *ops, struct scene *s, bool interactive)
{
    char *buf = NULL;
    size_t len = 0;
    struct writer w = {.ops = ops, .fp = open_memstream(&buf, &len), .interactive = interactive};
    assert_int_equal(ops->run_begin(&w, &s->run), 0);
    assert_int_equal(ops->host_done(&w, &s->run, &s->host), 0);
    assert_int_equal(ops->run_end(&w, &s->run), 0);
    if (ops->destroy) ops->destroy(&w);
    fclose(w.fp);
    return buf;
}

/* The kiddie file is the terminal report ("Starting ...", "Nmap done:"),
 * not the -oN file ("# Nmap ... scan initiated"). */
static void writer_transforms_the_report(void **state)
{
    (void)state;
    struct scene s;
    build_scene(&s, true);
    char *plain = render(&normal_writer_ops, &s, true);
    char *kiddie = render(&kiddie_writer_ops, &s, false);
    assert_int_equal(strlen(kiddie), strlen(plain));
    expect_substitution_of(plain, kiddie, strlen(plain));
    assert_true(strncasecmp(kiddie, "$tart", 5) == 0 || strncasecmp(kiddie, "start", 5) == 0);
    free(plain);
    free(kiddie);
}

/* Terminal-only lines stay out: the "Host seems down" hint, and the -v
 * progress (the writer has no progress callbacks). */
static void terminal_hints_stay_out(void **state)
{
    (void)state;
    struct scene s;
    build_scene(&s, false);
    char *plain = render(&normal_writer_ops, &s, true);
    char *kiddie = render(&kiddie_writer_ops, &s, false);
    char *note = strstr(plain, "Note: Host seems down");
    assert_non_null(note);
    size_t note_len = strcspn(note, "\n") + 1;
    memmove(note, note + note_len, strlen(note + note_len) + 1);
    assert_int_equal(strlen(kiddie), strlen(plain));
    expect_substitution_of(plain, kiddie, strlen(plain));
    assert_null(kiddie_writer_ops.task_begin);
    assert_null(kiddie_writer_ops.task_end);
    assert_null(kiddie_writer_ops.port_found);
    free(plain);
    free(kiddie);
}

/* Two runs of the writer differ: each run draws a fresh seed. */
static void writer_seeds_each_run(void **state)
{
    (void)state;
    struct scene s;
    build_scene(&s, true);
    char *a = render(&kiddie_writer_ops, &s, false);
    char *b = render(&kiddie_writer_ops, &s, false);
    assert_string_not_equal(a, b);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_same_text),
        cmocka_unit_test(only_nmaps_substitutions),
        cmocka_unit_test(other_bytes_untouched),
        cmocka_unit_test(nmaps_rates),
        cmocka_unit_test(s_rule),
        cmocka_unit_test(writer_transforms_the_report),
        cmocka_unit_test(terminal_hints_stay_out),
        cmocka_unit_test(writer_seeds_each_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
