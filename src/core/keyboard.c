// SPDX-License-Identifier: MIT
#include "core/keyboard.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The terminal is one per process, and the exit and signal paths that
 * restore it cannot be handed a context: this state is process-wide. */
static volatile sig_atomic_t tty_fd = -1;
static struct termios saved_mode, raw_mode;
static bool handlers_installed;

static bool in_foreground(int fd)
{
    return tcgetpgrp(fd) == getpgrp();
}

/* Async-signal-safe: only tcsetattr. */
static void restore_mode(void)
{
    int fd = tty_fd;
    if (fd >= 0) tcsetattr(fd, TCSANOW, &saved_mode);
}

static void set_handler(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigfillset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void unblock_and_raise(int sig)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
}

/* SIGHUP, SIGQUIT: put the terminal back, then die of the signal as if
 * nothing had been caught. */
static void on_fatal_signal(int sig)
{
    restore_mode();
    set_handler(sig, SIG_DFL);
    unblock_and_raise(sig);
    _exit(128 + sig);
}

/* Ctrl-Z: the shell gets its terminal mode back while we are stopped; once
 * continued in the foreground, keys work again. */
static void on_stop_signal(int sig)
{
    int saved_errno = errno;
    restore_mode();
    set_handler(sig, SIG_DFL);
    unblock_and_raise(sig);
    set_handler(sig, on_stop_signal);
    int fd = tty_fd;
    if (fd >= 0 && in_foreground(fd)) tcsetattr(fd, TCSANOW, &raw_mode);
    errno = saved_errno;
}

static void install_handlers(void)
{
    if (handlers_installed) return;
    handlers_installed = true;
    set_handler(SIGHUP, on_fatal_signal);
    set_handler(SIGQUIT, on_fatal_signal);
    set_handler(SIGTSTP, on_stop_signal);
    atexit(keyboard_close);
}

bool keyboard_open(void)
{
    if (tty_fd >= 0) return true;
    int fd = open("/dev/tty", O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return false;
    if (!in_foreground(fd) || tcgetattr(fd, &saved_mode) != 0) {
        close(fd);
        return false;
    }
    raw_mode = saved_mode;
    raw_mode.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
    raw_mode.c_cc[VMIN] = 1;
    raw_mode.c_cc[VTIME] = 0;
    tty_fd = fd;
    install_handlers();
    if (tcsetattr(fd, TCSANOW, &raw_mode) != 0) {
        keyboard_close();
        return false;
    }
    return true;
}

int keyboard_getkey(void)
{
    int fd = tty_fd;
    /* Reading from the background would stop the process (SIGTTIN). */
    if (fd < 0 || !in_foreground(fd)) return -1;
    unsigned char c;
    if (read(fd, &c, 1) != 1) return -1;
    tcflush(fd, TCIFLUSH);
    return c;
}

void keyboard_close(void)
{
    int fd = tty_fd;
    if (fd < 0) return;
    /* From the background, tcsetattr would stop us with SIGTTOU unless
     * that signal is blocked; blocked, the mode is restored regardless. */
    sigset_t ttou, old;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    pthread_sigmask(SIG_BLOCK, &ttou, &old);
    restore_mode();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    tty_fd = -1;
    close(fd);
}
