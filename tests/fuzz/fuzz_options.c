// SPDX-License-Identifier: MIT
// The whole command-line parser: NMAP_ARGS splitting, getopt, every option
// handler, validation and the port list, as plan_from_args runs them, but
// with messages captured in memory. plan_from_args_io never exits, so each
// input is one in-process parse.
//
// Input: NUL-separated words. If the first byte is 0x01, the first word
// (after it) is the NMAP_ARGS value; the others are argv[1..].
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "data/services.h"
#include "fuzz_common.h"

#define MAX_WORDS 64

/* A small nmap-services, found through $NMAPDIR, keeps each parse fast and
 * independent of the system's data files. */
static const char services_text[] = "ftp\t21/tcp\t0.197667\n"
                                    "ssh\t22/tcp\t0.182286\n"
                                    "domain\t53/udp\t0.213496\n"
                                    "http\t80/tcp\t0.484143\n"
                                    "https\t443/tcp\t0.208669\n"
                                    "snmp\t161/udp\t0.433467\n";

static char data_dir[] = "/tmp/cmap-fuzz-options-XXXXXX";
static char services_path[sizeof data_dir + 16];

static void remove_data_dir(void)
{
    unlink(services_path);
    rmdir(data_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (!mkdtemp(data_dir)) abort();
    snprintf(services_path, sizeof services_path, "%s/nmap-services", data_dir);
    atexit(remove_data_dir);
    FILE *fp = fopen(services_path, "w");
    if (!fp || fputs(services_text, fp) < 0 || fclose(fp) != 0) abort();
    setenv("NMAPDIR", data_dir, 1);
    unsetenv("NMAP_ARGS");
    unsetenv("NMAP_PRIVILEGED");
    unsetenv("NMAP_UNPRIVILEGED");
    return 0;
}

static int split_words(const uint8_t *data, size_t size, char **env, char **words)
{
    size_t pos = 0;
    *env = NULL;
    if (size > 0 && data[0] == 0x01) {
        pos = 1;
        *env = fuzz_next_piece(data, size, &pos);
    }
    int n = 0;
    words[n++] = fuzz_cstring((const uint8_t *)"cmap", 4);
    while (n < MAX_WORDS && (words[n] = fuzz_next_piece(data, size, &pos)) != NULL)
        n++;
    words[n] = NULL;
    return n;
}

static void check_plan(const struct plan *p, int argc)
{
    FUZZ_CHECK(p->command_line && strncmp(p->command_line, "cmap", 4) == 0);
    FUZZ_CHECK(p->n_targets <= (size_t)argc);
    FUZZ_CHECK(p->timing.level >= 0 && p->timing.level <= 5);
    const struct timing *t = &p->timing;
    FUZZ_CHECK(!t->min_parallelism || !t->max_parallelism ||
               t->min_parallelism <= t->max_parallelism);
    FUZZ_CHECK(t->min_rate == 0.0 || t->max_rate == 0.0 || t->min_rate <= t->max_rate);
    /* An empty port list is allowed: "-p 600 --top-ports 2" with no
     * frequency for 600 makes nmap warn and skip the TCP scan. */
    if (!p->list_scan) FUZZ_CHECK(p->services != NULL && p->services_path != NULL);
    if (p->tcp_scan == TCP_SCAN_NONE) FUZZ_CHECK(p->list_scan || p->ports.count[PROTO_TCP] == 0);
}

static void parse(int argc, char **argv)
{
    char *out_text = NULL, *err_text = NULL;
    size_t out_len = 0, err_len = 0;
    FILE *out = fuzz_memstream(&out_text, &out_len);
    FILE *err = fuzz_memstream(&err_text, &err_len);
    struct plan plan;
    int status = -1;
    enum plan_result r = plan_from_args_io(argc, argv, &plan, &status, out, err);
    fclose(out);
    fclose(err);
    if (r == PLAN_RUN) {
        check_plan(&plan, argc);
        plan_free(&plan);
    } else {
        FUZZ_CHECK(r == PLAN_EXIT);
        FUZZ_CHECK(status == 0 || status == 1 || status == 255);
        FUZZ_CHECK(status == 0 || err_len > 0 || out_len > 0); /* a failure says why */
    }
    free(out_text);
    free(err_text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *words[MAX_WORDS + 1];
    char *env;
    int n = split_words(data, size, &env, words);
    int full_argc = 0;
    char *sink_text = NULL;
    size_t sink_len = 0;
    FILE *sink = fuzz_memstream(&sink_text, &sink_len);
    char **full = cli_args_with_env(env, n, words, &full_argc, sink);
    fclose(sink);
    if (full) {
        FUZZ_CHECK(full_argc >= 1 && (env || full_argc == n) && full[full_argc] == NULL);
        parse(full_argc, full);
        free(full);
    } else {
        FUZZ_CHECK(env != NULL && sink_len > 0);
    }
    free(sink_text);
    for (int i = 0; i < n; i++)
        free(words[i]);
    free(env);
    return 0;
}
