// SPDX-License-Identifier: MIT
// What a --resume run carries, shared by resume.c (loading, the target
// filter) and resume_hosts.c (the half-scanned hosts). Not for other
// modules: they use resume.h.
#ifndef CMAP_REPORT_RESUME_STATE_H
#define CMAP_REPORT_RESUME_STATE_H

#include <stdbool.h>

#include "report/resume_log.h"

struct resume {
    char *path;
    struct resume_log log;
    bool skipping;   /* still before the last finished host */
    bool *consumed;  /* per record: its host was taken out of the targets */
    bool *scheduled; /* per record: its host was handed out in a group */
};

#endif
