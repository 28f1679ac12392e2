// SPDX-License-Identifier: MIT
// Single-key input from the controlling terminal for nmap's runtime
// interaction (v/V, d/D, p/P, ?, any other key for status). Like nmap it
// reads /dev/tty, not stdin (stdin may carry -iL - targets), and only while
// the process is in the terminal's foreground group. The terminal's mode is
// put back on close, at exit, and on the signals that end or stop the
// process, so a shell is never left without echo.
#ifndef CMAP_CORE_KEYBOARD_H
#define CMAP_CORE_KEYBOARD_H

#include <stdbool.h>

/* Switch the terminal to non-canonical, no-echo input. Returns false (and
 * does nothing) without a controlling terminal or when in the background. */
bool keyboard_open(void);
/* The next key pressed, or -1 when none is waiting; type-ahead after it is
 * discarded, as nmap does, so holding a key does not queue a flood. */
int keyboard_getkey(void);
/* Restore the terminal. Safe to call when not open, and more than once. */
void keyboard_close(void);

#endif
