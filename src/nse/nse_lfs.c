// SPDX-License-Identifier: MIT
// The `lfs` library (the LuaFileSystem subset nmap ships): the engine
// lists script directories with lfs.dir (--script <dir>, script.db
// rebuilds); http-fetch makes directories with lfs.mkdir. Errors are
// returned as `nil, message` like LuaFileSystem's; only lfs.dir on a
// directory that cannot be opened raises, as nmap's does.
#include "nse/nse_host.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_META "lfs.dir"

struct lfs_dir {
    DIR *d; /* NULL once the listing ended or was closed */
};

static int dir_close(lua_State *L)
{
    struct lfs_dir *ld = luaL_checkudata(L, 1, DIR_META);
    if (ld->d) closedir(ld->d);
    ld->d = NULL;
    return 0;
}

static int dir_next(lua_State *L)
{
    struct lfs_dir *ld = luaL_checkudata(L, 1, DIR_META);
    if (!ld->d) return luaL_error(L, "calling 'next' on bad self (closed directory)");
    errno = 0;
    struct dirent *e = readdir(ld->d);
    if (e) {
        lua_pushstring(L, e->d_name);
        return 1;
    }
    closedir(ld->d);
    ld->d = NULL;
    return 0;
}

/* lfs.dir(path) -> iterator, dir object: `for name in lfs.dir(p)`. */
static int l_dir(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    lua_pushcfunction(L, dir_next);
    struct lfs_dir *ld = lua_newuserdatauv(L, sizeof *ld, 0);
    ld->d = NULL;
    luaL_setmetatable(L, DIR_META);
    ld->d = opendir(path);
    if (!ld->d) return luaL_error(L, "cannot open %s: %s", path, strerror(errno));
    return 2;
}

static int push_result(lua_State *L, int rc, const char *what)
{
    if (rc == 0) {
        lua_pushboolean(L, 1);
        return 1;
    }
    int e = errno;
    lua_pushnil(L);
    lua_pushfstring(L, "%s: %s", what, strerror(e));
    lua_pushinteger(L, e);
    return 3;
}

static int l_mkdir(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    return push_result(L, mkdir(path, 0777), path);
}

static int l_rmdir(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    return push_result(L, rmdir(path), path);
}

/* lfs.link(target, name[, symlink]) */
static int l_link(lua_State *L)
{
    const char *target = luaL_checkstring(L, 1);
    const char *name = luaL_checkstring(L, 2);
    bool sym = lua_toboolean(L, 3);
    return push_result(L, sym ? symlink(target, name) : link(target, name), name);
}

static int l_currentdir(lua_State *L)
{
    char buf[4096];
    if (!getcwd(buf, sizeof buf)) {
        int e = errno;
        lua_pushnil(L);
        lua_pushstring(L, strerror(e));
        lua_pushinteger(L, e);
        return 3;
    }
    lua_pushstring(L, buf);
    return 1;
}

static int l_get_path_separator(lua_State *L)
{
    lua_pushliteral(L, "/");
    return 1;
}

static const char *mode_name(mode_t m)
{
    if (S_ISREG(m)) return "file";
    if (S_ISDIR(m)) return "directory";
    if (S_ISLNK(m)) return "link";
    if (S_ISSOCK(m)) return "socket";
    if (S_ISFIFO(m)) return "named pipe";
    if (S_ISCHR(m)) return "char device";
    if (S_ISBLK(m)) return "block device";
    return "other";
}

/* lfs.attributes(path[, field]): the stat fields LuaFileSystem names, as a
 * table or the one asked for. */
static int l_attributes(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    struct stat st;
    if (stat(path, &st) != 0) return push_result(L, -1, path);
    lua_createtable(L, 0, 11);
    lua_pushstring(L, mode_name(st.st_mode));
    lua_setfield(L, -2, "mode");
    lua_pushinteger(L, (lua_Integer)st.st_size);
    lua_setfield(L, -2, "size");
    lua_pushinteger(L, (lua_Integer)st.st_mtime);
    lua_setfield(L, -2, "modification");
    lua_pushinteger(L, (lua_Integer)st.st_atime);
    lua_setfield(L, -2, "access");
    lua_pushinteger(L, (lua_Integer)st.st_ctime);
    lua_setfield(L, -2, "change");
    lua_pushinteger(L, (lua_Integer)st.st_dev);
    lua_setfield(L, -2, "dev");
    lua_pushinteger(L, (lua_Integer)st.st_ino);
    lua_setfield(L, -2, "ino");
    lua_pushinteger(L, (lua_Integer)st.st_nlink);
    lua_setfield(L, -2, "nlink");
    lua_pushinteger(L, (lua_Integer)st.st_uid);
    lua_setfield(L, -2, "uid");
    lua_pushinteger(L, (lua_Integer)st.st_gid);
    lua_setfield(L, -2, "gid");
    char perm[10];
    const char *rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++)
        perm[i] = st.st_mode & (0400 >> i) ? rwx[i] : '-';
    perm[9] = '\0';
    lua_pushstring(L, perm);
    lua_setfield(L, -2, "permissions");
    if (lua_type(L, 2) == LUA_TSTRING) {
        lua_getfield(L, -1, lua_tostring(L, 2));
        return 1;
    }
    return 1;
}

static const luaL_Reg lfslib[] = {
    {"dir", l_dir},
    {"mkdir", l_mkdir},
    {"rmdir", l_rmdir},
    {"link", l_link},
    {"currentdir", l_currentdir},
    {"attributes", l_attributes},
    {"get_path_separator", l_get_path_separator},
    {NULL, NULL},
};

int luaopen_lfs(lua_State *L)
{
    if (luaL_newmetatable(L, DIR_META)) {
        lua_pushcfunction(L, dir_close);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, dir_close);
        lua_setfield(L, -2, "__close");
        lua_newtable(L);
        lua_pushcfunction(L, dir_next);
        lua_setfield(L, -2, "next");
        lua_pushcfunction(L, dir_close);
        lua_setfield(L, -2, "close");
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    luaL_newlib(L, lfslib);
    return 1;
}
