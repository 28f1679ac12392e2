// SPDX-License-Identifier: MIT
// The --resume reader (resume_log_parse) over a whole file, and the
// partial-host record parser on its own. Invariants: a parsed log has
// "cmap --append-output" and a NULL-terminated argv; every partial record
// it kept, written out again, parses back to the same ports; a record that
// parses round-trips the same way.
#include <stdbool.h>

#include "fuzz_common.h"
#include "report/partial.h"
#include "report/resume_log.h"

/* Write p as a record and parse it back: same host, same ports. */
static void round_trip(const struct partial_host *p)
{
    struct host h = {.addr = p->addr,
                     .target_name = p->name,
                     .other_addrs = p->others,
                     .n_other_addrs = p->n_others,
                     .ports = p->ports,
                     .n_ports = p->n_ports};
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    if (!fp) abort();
    FUZZ_CHECK(partial_record_put(fp, &h, "", "") == 0);
    fclose(fp);
    FUZZ_CHECK(len > 0 && text[len - 1] == '\n');
    FUZZ_CHECK(memmem(text, len, "--", 2) == NULL); /* stays a valid XML comment */
    struct partial_host q;
    char err[160];
    FUZZ_CHECK(partial_record_parse(text, len - 1, &q, err, sizeof err) == 0);
    FUZZ_CHECK(net_addr_equal(&q.addr, &p->addr));
    FUZZ_CHECK(q.n_ports == p->n_ports && q.n_others == p->n_others);
    FUZZ_CHECK((q.name == NULL) == (p->name == NULL || !*p->name));
    partial_host_free(&q);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly sized copies: the parsers take lengths, not NUL ends. */
    char *copy = malloc(size ? size : 1);
    if (!copy) abort();
    if (size) memcpy(copy, data, size);

    struct resume_log log;
    char err[512];
    if (resume_log_parse(copy, size, "fuzz", &log, err, sizeof err) == 0) {
        FUZZ_CHECK(log.argc >= 2 && log.argv[log.argc] == NULL);
        FUZZ_CHECK(strcmp(log.argv[1], "--append-output") == 0);
        for (size_t i = 0; i < log.n_partials; i++)
            round_trip(&log.partials[i].host);
        resume_log_free(&log);
    } else {
        FUZZ_CHECK(err[0] != '\0');
    }

    struct partial_host p;
    if (partial_record_parse(copy, size, &p, err, sizeof err) == 0) {
        round_trip(&p);
        partial_host_free(&p);
    }
    free(copy);
    return 0;
}
