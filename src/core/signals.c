// SPDX-License-Identifier: MIT
#include "core/signals.h"

#include <string.h>

volatile sig_atomic_t scan_stop_requested;

static void on_stop(int sig)
{
    scan_stop_requested = sig;
}

void signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}
