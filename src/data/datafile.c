// SPDX-License-Identifier: MIT
// Data-file search in nmap 7.93's order (nmap_fetchfile_sub, confirmed with
// strace): --datadir, $NMAPDIR, ~/.nmap of the real then the effective UID
// (from the password database, not $HOME), the binary's directory and
// ../share/{cmap,nmap} beside it, the compiled-in directory, /usr/share/nmap.
#include "data/datafile.h"

#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef CMAP_DATADIR
#define CMAP_DATADIR "/usr/local/share/cmap"
#endif

#define SYSTEM_NMAP_DATADIR "/usr/share/nmap"
#define MAX_PLACES 10

/* Per thread: NSE may load its scripts in a thread of its own (nse.c). */
static _Thread_local char last_dir[PATH_MAX];

/* The directories to try, in order; each is a prefix to which "/name" is
 * appended. Storage for the composed ones lives in `store`. */
struct places {
    const char *dir[MAX_PLACES];
    size_t count;
    char store[5][PATH_MAX];
    size_t stored;
};

static void add_dir(struct places *pl, const char *dir)
{
    if (dir && *dir && pl->count < MAX_PLACES) pl->dir[pl->count++] = dir;
}

/* Composes printf-style into the next storage slot and adds it; a result that
 * does not fit is skipped, as nmap skips paths that overflow its buffer. */
static void add_composed(struct places *pl, const char *a, const char *b)
{
    if (pl->stored >= sizeof pl->store / sizeof pl->store[0]) return;
    char *slot = pl->store[pl->stored];
    int n = snprintf(slot, PATH_MAX, "%s%s", a, b);
    if (n <= 0 || n >= PATH_MAX) return;
    pl->stored++;
    add_dir(pl, slot);
}

static void add_user_dir(struct places *pl, uid_t uid)
{
    const struct passwd *pw = getpwuid(uid);
    if (pw && pw->pw_dir) add_composed(pl, pw->pw_dir, "/.nmap");
}

static void add_exe_dirs(struct places *pl, const char *exe_path)
{
    const char *slash = exe_path ? strrchr(exe_path, '/') : NULL;
    if (!slash) return;
    char dir[PATH_MAX];
    size_t len = (size_t)(slash - exe_path);
    if (len >= sizeof dir) return;
    memcpy(dir, exe_path, len);
    dir[len] = '\0';
    add_composed(pl, len ? dir : "", len ? "" : "/");
    add_composed(pl, dir, "/../share/cmap");
    add_composed(pl, dir, "/../share/nmap");
}

static void collect_places(const struct datafile_ctx *ctx, struct places *pl)
{
    memset(pl, 0, sizeof *pl);
    add_dir(pl, ctx ? ctx->datadir : NULL);
    add_dir(pl, getenv("NMAPDIR"));
    add_user_dir(pl, getuid());
    if (geteuid() != getuid()) add_user_dir(pl, geteuid());
    add_exe_dirs(pl, ctx ? ctx->exe_path : NULL);
    add_dir(pl, CMAP_DATADIR);
    if (strcmp(CMAP_DATADIR, SYSTEM_NMAP_DATADIR) != 0) add_dir(pl, SYSTEM_NMAP_DATADIR);
}

static bool readable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* nmap never reads data files from the working directory, but says so once
 * when one is there, so a user editing ./nmap-services is not surprised. */
static void warn_about_local_copy(const char *name, const char *found)
{
    static bool warned;
    char local[PATH_MAX];
    if (warned || found[0] == '.') return;
    int n = snprintf(local, sizeof local, "./%s", name);
    if (n <= 0 || (size_t)n >= sizeof local) return;
    if (!readable_file(local) || same_file(local, found)) return;
    warned = true;
    fflush(stdout);
    fprintf(stderr,
            "Warning: File %s exists, but Nmap is using %s for security and consistency "
            "reasons.  set NMAPDIR=. to give priority to files in your local directory (may "
            "affect the other data files too).\n",
            local, found);
}

static void remember_dir(const char *dir)
{
    size_t len = strlen(dir);
    if (len >= sizeof last_dir) len = sizeof last_dir - 1;
    memcpy(last_dir, dir, len);
    last_dir[len] = '\0';
}

/* "Unable to find NAME; searched: a/NAME, b/NAME" (truncated to fit). */
static void not_found_message(const struct places *pl, const char *name, char *out, size_t outlen)
{
    size_t used = 0;
    int n = snprintf(out, outlen, "Unable to find %s; searched: ", name);
    if (n < 0 || (size_t)n >= outlen) return;
    used = (size_t)n;
    for (size_t i = 0; i < pl->count; i++) {
        const char *sep = (i + 1 < pl->count) ? ", " : "";
        n = snprintf(out + used, outlen - used, "%s/%s%s", pl->dir[i], name, sep);
        if (n < 0 || (size_t)n >= outlen - used) return;
        used += (size_t)n;
    }
}

static bool readable_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode) && access(path, R_OK | X_OK) == 0;
}

/* The search itself: 1 for a file, 2 for a directory (when dirs_ok), -1. */
static int find_in_places(const struct datafile_ctx *ctx, const char *name, bool dirs_ok, char *out,
                          size_t outlen)
{
    struct places pl;
    char path[PATH_MAX];
    if (!out || outlen == 0) return -1;
    if (!name || !*name) {
        snprintf(out, outlen, "Unable to find a data file with an empty name");
        return -1;
    }
    collect_places(ctx, &pl);
    for (size_t i = 0; i < pl.count; i++) {
        int n = snprintf(path, sizeof path, "%s/%s", pl.dir[i], name);
        if (n <= 0 || (size_t)n >= sizeof path || (size_t)n >= outlen) continue;
        int kind = readable_file(path) ? 1 : dirs_ok && readable_dir(path) ? 2 : 0;
        if (!kind) continue;
        memcpy(out, path, (size_t)n + 1);
        remember_dir(pl.dir[i]);
        if (kind == 1) warn_about_local_copy(name, path);
        if (ctx && ctx->debugging >= 2) printf("Fetchfile found %s\n", path);
        return kind;
    }
    not_found_message(&pl, name, out, outlen);
    return -1;
}

int datafile_find(const struct datafile_ctx *ctx, const char *name, char *out, size_t outlen)
{
    return find_in_places(ctx, name, false, out, outlen) < 0 ? -1 : 0;
}

int datafile_find_entry(const struct datafile_ctx *ctx, const char *name, char *out, size_t outlen)
{
    return find_in_places(ctx, name, true, out, outlen);
}

const char *datafile_last_dir(void)
{
    return last_dir;
}
