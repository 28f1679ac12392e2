// SPDX-License-Identifier: MIT
// Times one command the way a user's shell runs it, minus the shell: spawn,
// wait, report wall-clock microseconds. bench/compare.sh used bash command
// substitution, whose fork of a subshell added about a millisecond to every
// run and so hid most of a two-port scan's difference.
//
// OUTFILE, when it is a regular file or absent, is removed and created
// afresh before the clock starts, and the child inherits it already open. Opening it with O_TRUNC in the child put
// the harness's own file-system work inside the timed run: truncating the
// previous run's output on ext4 arms auto_da_alloc, which flushes the new
// data when the scanner closes its stdout, about 0.45 ms per run on this
// VM (the same for nmap and cmap, a quarter of a two-port cmap scan).
//
// usage: spawn_time OUTFILE CMD [ARGS...]   (stdout of CMD goes to OUTFILE)
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s OUTFILE CMD [ARGS...]\n", argv[0]);
        return 2;
    }
    /* Only a regular file is replaced: /dev/null or a pipe is opened as it
     * is (removing /dev/null would leave a plain file in its place). */
    struct stat st;
    bool regular = lstat(argv[1], &st) == 0 && S_ISREG(st.st_mode);
    if (regular && unlink(argv[1]) != 0) {
        fprintf(stderr, "spawn_time: cannot remove %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    bool absent = regular || (lstat(argv[1], &st) != 0 && errno == ENOENT);
    int out = absent ? open(argv[1], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)
                     : open(argv[1], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (out < 0) {
        fprintf(stderr, "spawn_time: cannot create %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out, STDOUT_FILENO);
    pid_t pid;
    long long t0 = now_us();
    int rc = posix_spawnp(&pid, argv[2], &fa, NULL, argv + 2, environ);
    if (rc != 0) {
        fprintf(stderr, "spawn_time: cannot run %s\n", argv[2]);
        return 2;
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) return 2;
    long long t1 = now_us();
    posix_spawn_file_actions_destroy(&fa);
    close(out);
    printf("%lld\n", t1 - t0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
