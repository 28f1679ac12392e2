// SPDX-License-Identifier: MIT
// A getopt_long_only work-alike over the option table, with glibc's exact
// behaviour and messages: "-" or "--" before a long name, unique prefixes,
// "--name=value", glued short arguments ("-p80", "-v3"), clusters ("-nvv"),
// operands anywhere, "--" ending the options. Errors are written to `err`.
#ifndef CMAP_CLI_GETOPT_H
#define CMAP_CLI_GETOPT_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/options.h"

enum getopt_kind { GETOPT_END = 0, GETOPT_OPTION, GETOPT_OPERAND, GETOPT_ERROR };

struct cli_getopt {
    int argc;
    char **argv;
    FILE *err;
    int next;            /* index of the next argv element to look at */
    const char *cluster; /* rest of a short-option cluster, or NULL */
    bool operands_only;  /* after "--" */
};

struct getopt_item {
    enum getopt_kind kind;
    const struct cli_option *opt; /* GETOPT_OPTION */
    const char *arg;              /* option argument or operand; NULL when none */
    char spelling[64];            /* the option as typed, without "=value": "--trace", "-O" */
};

void cli_getopt_init(struct cli_getopt *g, int argc, char **argv, FILE *err);
/* Next item. On GETOPT_ERROR the glibc-style message is already on `err`. */
enum getopt_kind cli_getopt_next(struct cli_getopt *g, struct getopt_item *item);

#endif
