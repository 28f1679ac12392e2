// SPDX-License-Identifier: MIT
// Turning one spec string into a walk over its addresses, with nmap's
// messages on the way: bad netmasks, IPv6 without -6, names that do not
// resolve or resolve only to the other family.
#ifndef CMAP_TARGET_SPECSTART_H
#define CMAP_TARGET_SPECSTART_H

#include <stdbool.h>

#include "target/expand.h"
#include "target/targets.h"

struct spec_context {
    int family;
    bool resolve_all;
    int verbosity;
    target_skip_fn skip;
    void *skip_ctx;
};

enum spec_outcome {
    SPEC_READY,      /* the cursor walks the spec */
    SPEC_SKIPPED,    /* a syntax or family error was reported */
    SPEC_UNRESOLVED, /* a name (or IPv6 zone) did not resolve; reported */
};

/* Reset c and start it on spec. Messages go to stderr. */
enum spec_outcome spec_start(const struct spec_context *ctx, const char *spec,
                             struct spec_cursor *c);

/* Resolve a spec that came back SPEC_UNRESOLVED once more, for its messages
 * only: nmap's second attempt repeats the resolver's complaints but not the
 * parser's warnings. */
void spec_retry_unresolved(const struct spec_context *ctx, const char *spec);

#endif
