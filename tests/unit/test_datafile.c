// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "data/datafile.h"

#ifndef CMAP_DATADIR
#define CMAP_DATADIR "/usr/local/share/cmap"
#endif

/* A scratch tree standing in for --datadir, $NMAPDIR and an installed
 * binary: root/datadir, root/nmapdir, root/bin/cmap, root/share/{cmap,nmap}. */
struct tree {
    char root[128];
    char name[64];
    char exe[PATH_MAX];
};

static void path_of(const struct tree *t, const char *sub, char *out)
{
    snprintf(out, PATH_MAX, "%s/%s", t->root, sub);
}

static void put_file(const struct tree *t, const char *dir)
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s/%s", t->root, dir, t->name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("x\n", f);
    fclose(f);
}

static void drop_file(const struct tree *t, const char *dir)
{
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s/%s", t->root, dir, t->name);
    assert_int_equal(unlink(path), 0);
}

static int make_tree(void **state)
{
    static struct tree t;
    static const char *const dirs[] = {"datadir", "nmapdir",    "bin",
                                       "share",   "share/cmap", "share/nmap"};
    strcpy(t.root, "/tmp/cmap-datafile-XXXXXX");
    assert_non_null(mkdtemp(t.root));
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char p[PATH_MAX];
        path_of(&t, dirs[i], p);
        assert_int_equal(mkdir(p, 0755), 0);
    }
    snprintf(t.name, sizeof t.name, "cmap-test-%ld.dat", (long)getpid());
    path_of(&t, "bin/cmap", t.exe);
    *state = &t;
    return 0;
}

static int remove_tree(void **state)
{
    struct tree *t = *state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->root);
    return system(cmd) == 0 ? 0 : -1;
}

static void expect_found(const struct datafile_ctx *ctx, const struct tree *t, const char *dir,
                         const char *shown_dir)
{
    char out[PATH_MAX], want[PATH_MAX * 3], want_dir[PATH_MAX * 2];
    snprintf(want_dir, sizeof want_dir, "%s/%s", t->root, shown_dir ? shown_dir : dir);
    snprintf(want, sizeof want, "%s/%s", want_dir, t->name);
    assert_int_equal(datafile_find(ctx, t->name, out, sizeof out), 0);
    assert_string_equal(out, want);
    assert_string_equal(datafile_last_dir(), want_dir);
}

static void search_order_first_readable_wins(void **state)
{
    struct tree *t = *state;
    char datadir[PATH_MAX], nmapdir[PATH_MAX];
    path_of(t, "datadir", datadir);
    path_of(t, "nmapdir", nmapdir);
    struct datafile_ctx ctx = {.datadir = datadir, .exe_path = t->exe, .debugging = 0};
    setenv("NMAPDIR", nmapdir, 1);
    const char *dirs[] = {"datadir", "nmapdir", "bin", "share/cmap", "share/nmap"};
    for (size_t i = 0; i < 5; i++)
        put_file(t, dirs[i]);
    expect_found(&ctx, t, "datadir", NULL);
    drop_file(t, "datadir");
    expect_found(&ctx, t, "nmapdir", NULL);
    drop_file(t, "nmapdir");
    expect_found(&ctx, t, "bin", NULL);
    drop_file(t, "bin");
    expect_found(&ctx, t, "share/cmap", "bin/../share/cmap");
    drop_file(t, "share/cmap");
    expect_found(&ctx, t, "share/nmap", "bin/../share/nmap");
    drop_file(t, "share/nmap");
    unsetenv("NMAPDIR");
}

static void missing_datadir_is_not_an_error(void **state)
{
    struct tree *t = *state;
    char nmapdir[PATH_MAX];
    path_of(t, "nmapdir", nmapdir);
    struct datafile_ctx ctx = {.datadir = "/nonexistent/cmap-datadir", .exe_path = NULL};
    setenv("NMAPDIR", nmapdir, 1);
    put_file(t, "nmapdir");
    expect_found(&ctx, t, "nmapdir", NULL);
    drop_file(t, "nmapdir");
    unsetenv("NMAPDIR");
}

static void directories_are_not_data_files(void **state)
{
    struct tree *t = *state;
    char datadir[PATH_MAX], as_dir[PATH_MAX * 2];
    path_of(t, "datadir", datadir);
    snprintf(as_dir, sizeof as_dir, "%s/%s", datadir, t->name);
    assert_int_equal(mkdir(as_dir, 0755), 0);
    put_file(t, "bin");
    struct datafile_ctx ctx = {.datadir = datadir, .exe_path = t->exe};
    expect_found(&ctx, t, "bin", NULL);
    drop_file(t, "bin");
    assert_int_equal(rmdir(as_dir), 0);
}

static void failure_names_every_place(void **state)
{
    struct tree *t = *state;
    char datadir[PATH_MAX], out[8192], want[8192];
    path_of(t, "datadir", datadir);
    struct datafile_ctx ctx = {.datadir = datadir, .exe_path = t->exe};
    unsetenv("NMAPDIR");
    const struct passwd *pw = getpwuid(getuid());
    assert_non_null(pw);
    const char *n = t->name;
    int len =
        snprintf(want, sizeof want,
                 "Unable to find %s; searched: %s/%s, %s/.nmap/%s, %s/bin/%s, "
                 "%s/bin/../share/cmap/%s, %s/bin/../share/nmap/%s, %s/%s",
                 n, datadir, n, pw->pw_dir, n, t->root, n, t->root, n, t->root, n, CMAP_DATADIR, n);
    if (strcmp(CMAP_DATADIR, "/usr/share/nmap") != 0)
        snprintf(want + len, sizeof want - (size_t)len, ", /usr/share/nmap/%s", n);
    assert_int_equal(datafile_find(&ctx, n, out, sizeof out), -1);
    assert_string_equal(out, want);
    assert_int_equal(datafile_find(&ctx, "", out, sizeof out), -1);
}

static void nmapdir_takes_part_in_the_message(void **state)
{
    struct tree *t = *state;
    char out[8192], expect[PATH_MAX * 2];
    struct datafile_ctx ctx = {0};
    setenv("NMAPDIR", "/nonexistent/nmapdir", 1);
    snprintf(expect, sizeof expect, "searched: /nonexistent/nmapdir/%s, ", t->name);
    assert_int_equal(datafile_find(&ctx, t->name, out, sizeof out), -1);
    assert_non_null(strstr(out, expect));
    unsetenv("NMAPDIR");
}

/* -dd prints "Fetchfile found <path>" on stdout, as nmap does. */
static void debug_prints_fetchfile_found(void **state)
{
    struct tree *t = *state;
    char datadir[PATH_MAX], out[PATH_MAX], captured[PATH_MAX * 2] = {0}, want[PATH_MAX * 2];
    char cap_path[PATH_MAX + 16];
    path_of(t, "datadir", datadir);
    snprintf(cap_path, sizeof cap_path, "%s/stdout.txt", t->root);
    put_file(t, "datadir");
    struct datafile_ctx ctx = {.datadir = datadir, .debugging = 2};
    fflush(stdout);
    int saved = dup(1), fd = open(cap_path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, 1);
    int rc = datafile_find(&ctx, t->name, out, sizeof out);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    close(fd);
    assert_int_equal(rc, 0);
    FILE *f = fopen(cap_path, "r");
    assert_non_null(f);
    assert_non_null(fgets(captured, sizeof captured, f));
    fclose(f);
    snprintf(want, sizeof want, "Fetchfile found %s\n", out);
    assert_string_equal(captured, want);
    drop_file(t, "datadir");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(search_order_first_readable_wins),
        cmocka_unit_test(missing_datadir_is_not_an_error),
        cmocka_unit_test(directories_are_not_data_files),
        cmocka_unit_test(failure_names_every_place),
        cmocka_unit_test(nmapdir_takes_part_in_the_message),
        cmocka_unit_test(debug_prints_fetchfile_found),
    };
    return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
