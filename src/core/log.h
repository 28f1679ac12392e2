// SPDX-License-Identifier: MIT
// Messages to the user on stderr, with nmap's conventions: fatal() prints the
// message and "QUITTING!" and exits 1; pfatal() adds strerror and exits 1.
// Before exiting, a registered hook lets the run close its outputs (the XML
// gets exit="error") so nothing already found is lost.
#ifndef CMAP_CORE_LOG_H
#define CMAP_CORE_LOG_H

#include <stdarg.h>

#define CMAP_NAME "cmap"
#define CMAP_VERSION "0.1.0"
#define CMAP_URL "https://github.com/cmap-scanner/cmap"

/* Exit statuses, as nmap's. */
enum { EXIT_FATAL = 1, EXIT_USAGE = 255 };

typedef void (*fatal_hook_fn)(const char *message);
void log_set_fatal_hook(fatal_hook_fn hook);

/* "msg\nQUITTING!\n" on stderr, run the hook, exit(1). */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "msg: strerror (errno)\n" on stderr, run the hook, exit(1). */
_Noreturn void pfatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line on stderr. */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Format into a static-free caller buffer: helper for modules that report errors upward. */
void vfatal_message(char *buf, unsigned long len, const char *fmt, va_list ap);

#endif
