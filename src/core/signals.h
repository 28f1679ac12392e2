// SPDX-License-Identifier: MIT
// SIGINT/SIGTERM ask the run to stop; the scan returns what it has and the
// outputs are finished before exiting with 128+signal.
#ifndef CMAP_CORE_SIGNALS_H
#define CMAP_CORE_SIGNALS_H

#include <signal.h>

extern volatile sig_atomic_t scan_stop_requested; /* signal number, 0 = run on */

void signals_install(void);

#endif
