// SPDX-License-Identifier: MIT
// Reading an earlier run's output file (normal, grepable or XML, from cmap
// or nmap) for --resume: the command line it ran, the last host it
// finished, and the hosts it left half-scanned (cmap's partial records).
// A pure function over a buffer, so every byte of a hostile file is
// bounds-checked and the parser can be tested and fuzzed on its own.
#ifndef CMAP_REPORT_RESUME_LOG_H
#define CMAP_REPORT_RESUME_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/addr.h"
#include "report/partial.h"

/* A host an earlier run left unfinished. */
struct resume_entry {
    struct partial_host host; /* its latest record */
    bool finished;            /* a later run then finished it */
};

struct resume_log {
    /* "cmap", "--append-output", then the earlier run's arguments;
     * NULL-terminated, one allocation. */
    char **argv;
    int argc;
    bool randomized; /* the arguments hold --randomize-hosts */
    /* The last host reported complete, not counting hosts finished out
     * of target order (partial hosts a resumed run took up first). */
    bool have_last;
    struct net_addr last;
    struct resume_entry *partials;
    size_t n_partials;
};

/* The same host: outputs print addresses without an IPv6 zone, targets
 * and partial records keep it, so the zone is not compared. */
bool resume_same_host(const struct net_addr *a, const struct net_addr *b);

/* Parse the file's text; fname is only for messages. 0 and *out filled,
 * or -1 with nmap's message (for fatal()) in err. */
int resume_log_parse(const char *buf, size_t len, const char *fname, struct resume_log *out,
                     char *err, size_t errlen);
void resume_log_free(struct resume_log *log);

#endif
