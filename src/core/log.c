// SPDX-License-Identifier: MIT
#include "core/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fatal_hook_fn fatal_hook;

void log_set_fatal_hook(fatal_hook_fn hook)
{
    fatal_hook = hook;
}

static _Noreturn void finish(const char *msg)
{
    fatal_hook_fn hook = fatal_hook;
    fatal_hook = NULL; /* a hook that fails must not recurse */
    if (hook) hook(msg);
    exit(EXIT_FATAL);
}

void vfatal_message(char *buf, unsigned long len, const char *fmt, va_list ap)
{
    vsnprintf(buf, len, fmt, ap);
}

void fatal(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "%s\nQUITTING!\n", msg);
    finish(msg);
}

void pfatal(const char *fmt, ...)
{
    int saved = errno;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof msg)
        snprintf(msg + n, sizeof msg - (size_t)n, ": %s (%d)", strerror(saved), saved);
    fflush(stdout);
    fprintf(stderr, "%s\n", msg);
    finish(msg);
}

void error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
