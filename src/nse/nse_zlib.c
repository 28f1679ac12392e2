// SPDX-License-Identifier: MIT
// The `zlib` Lua module scripts see (nse-c-api.md §2.4, nselib/zlib.luadoc):
// the lzlib API nmap ships. One-shot compress/decompress and checksums, and
// file-like streams: inflate(source) reads decompressed data from a string,
// a function or an object with :read (http.lua gunzips bodies with
// zlib.inflate(body):read(n or "*a")), deflate(sink) writes compressed data
// to a function or an object with :write.
//
// Compressed input comes from servers, so a corrupt stream raises a Lua
// error (http.lua pcalls the read), truncated input simply ends the data,
// and no single result may exceed MAX_INFLATED (a small gzip body can
// expand a thousandfold). The z_stream lives inside the Lua userdata (Lua
// never moves it) and __gc releases zlib's state, so a Lua error at any
// point leaks nothing.
#include "nse/nse_host.h"

#include <limits.h>
#include <string.h>

#include <zlib.h>

#define ZSTREAM_MT "zlib:zstream"

/* The most one read("*a") or decompress() returns: 64 MiB, far above the
 * body sizes http.lua accepts (2 MB by default). */
#define MAX_INFLATED ((size_t)64 << 20)

enum zs_state { ZS_CLOSED, ZS_INFLATE, ZS_DEFLATE };

/* Uservalues of the stream userdata: the source or sink, the input string
 * being consumed (keeps `in` alive), the inflate dictionary. */
enum { UV_IO = 1, UV_INPUT = 2, UV_DICT = 3, UV_COUNT = 3 };

struct zs {
    z_stream z;
    enum zs_state state;
    int eos;      /* inflate: the end of the compressed stream was seen */
    int peek;     /* the source has :peek; :read(n) then consumes n bytes */
    const char *in; /* current input (UV_INPUT), in_pos bytes used */
    size_t in_len, in_pos;
    size_t out_start, out_len; /* inflated bytes waiting in out[] */
    unsigned char out[16384];
};

static void zs_end(struct zs *s)
{
    if (s->state == ZS_INFLATE) inflateEnd(&s->z);
    else if (s->state == ZS_DEFLATE) deflateEnd(&s->z);
    s->state = ZS_CLOSED;
    s->in = NULL;
    s->in_len = s->in_pos = 0;
}

/* Also forgets the Lua values it referenced. idx: the userdata. */
static void zs_close(lua_State *L, int idx, struct zs *s)
{
    zs_end(s);
    idx = lua_absindex(L, idx);
    for (int i = 1; i <= UV_COUNT; i++) {
        lua_pushnil(L);
        lua_setiuservalue(L, idx, i);
    }
}

static int zs_gc(lua_State *L)
{
    struct zs *s = luaL_checkudata(L, 1, ZSTREAM_MT);
    zs_end(s);
    return 0;
}

static struct zs *zs_new(lua_State *L)
{
    struct zs *s = lua_newuserdatauv(L, sizeof *s, UV_COUNT);
    memset(s, 0, sizeof *s);
    s->state = ZS_CLOSED;
    luaL_setmetatable(L, ZSTREAM_MT);
    return s;
}

static struct zs *zs_check(lua_State *L, int idx, enum zs_state want)
{
    struct zs *s = luaL_checkudata(L, idx, ZSTREAM_MT);
    if (s->state == ZS_CLOSED) luaL_argerror(L, idx, "attempt to use a closed zlib stream");
    if (s->state != want)
        luaL_argerror(L, idx, want == ZS_INFLATE ? "not an inflate stream" : "not a deflate stream");
    return s;
}

static int opt_int(lua_State *L, int idx, int dflt)
{
    lua_Integer v = luaL_optinteger(L, idx, dflt);
    luaL_argcheck(L, v >= INT_MIN && v <= INT_MAX, idx, "out of range");
    return (int)v;
}

static const char *zerr(const z_stream *z, int r)
{
    return z->msg ? z->msg : zError(r);
}

/* ---- inflate streams ---- */

/* Makes the next input chunk current: the rest of the current string, else
 * what the source returns (nil or "" meaning none for now). */
static int fetch_input(lua_State *L, int self, struct zs *s)
{
    if (s->in && s->in_pos < s->in_len) return 1;
    s->in = NULL;
    s->in_len = s->in_pos = 0;
    lua_pushnil(L);
    lua_setiuservalue(L, self, UV_INPUT);

    int t = lua_getiuservalue(L, self, UV_IO);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    if (t == LUA_TFUNCTION) {
        lua_pushinteger(L, (lua_Integer)sizeof s->out);
        lua_call(L, 1, 1);
    } else {
        lua_getfield(L, -1, s->peek ? "peek" : "read");
        lua_insert(L, -2);
        lua_pushinteger(L, (lua_Integer)sizeof s->out);
        lua_call(L, 2, 1);
    }
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    if (!lua_isstring(L, -1)) luaL_error(L, "zlib.inflate: the source must return a string or nil");
    size_t len;
    const char *p = lua_tolstring(L, -1, &len);
    if (len == 0) {
        lua_pop(L, 1);
        return 0;
    }
    s->in = p;
    s->in_len = len;
    s->in_pos = 0;
    lua_setiuservalue(L, self, UV_INPUT); /* keeps p alive */
    return 1;
}

/* Inflates more into out[] (after the pending bytes). Returns the number of
 * new bytes; 0 means the end: the stream ended, or the input ran out
 * (truncated data ends quietly, as lzlib does). Raises on corrupt data. */
static size_t inflate_more(lua_State *L, int self, struct zs *s)
{
    if (s->out_start > 0) {
        memmove(s->out, s->out + s->out_start, s->out_len);
        s->out_start = 0;
    }
    size_t produced = 0;
    while (!s->eos && produced == 0 && s->out_len < sizeof s->out) {
        int have = fetch_input(L, self, s);
        size_t avail = have ? s->in_len - s->in_pos : 0;
        s->z.next_in = have ? (Bytef *)(s->in + s->in_pos) : Z_NULL;
        s->z.avail_in = (uInt)(avail > UINT_MAX ? UINT_MAX : avail);
        uInt given = s->z.avail_in;
        s->z.next_out = s->out + s->out_len;
        s->z.avail_out = (uInt)(sizeof s->out - s->out_len);
        uInt room = s->z.avail_out;

        int r = inflate(&s->z, Z_SYNC_FLUSH);
        if (r == Z_NEED_DICT) {
            size_t dlen = 0;
            const char *dict = NULL;
            if (lua_getiuservalue(L, self, UV_DICT) == LUA_TSTRING) dict = lua_tolstring(L, -1, &dlen);
            r = dict && dlen <= UINT_MAX ? inflateSetDictionary(&s->z, (const Bytef *)dict, (uInt)dlen)
                                         : Z_NEED_DICT;
            lua_pop(L, 1);
            if (r == Z_OK) r = inflate(&s->z, Z_SYNC_FLUSH);
        }
        if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
            char msg[200];
            snprintf(msg, sizeof msg, "zlib.inflate: %s",
                     r == Z_NEED_DICT ? "a dictionary is needed" : zerr(&s->z, r));
            zs_close(L, self, s);
            s->out_len = 0;
            luaL_error(L, "%s", msg);
        }
        size_t used = given - s->z.avail_in;
        produced = room - s->z.avail_out;
        s->out_len += produced;
        if (have) s->in_pos += used;
        if (s->peek && have) { /* consume what inflate used */
            lua_getiuservalue(L, self, UV_IO);
            lua_getfield(L, -1, "read");
            lua_insert(L, -2);
            lua_pushinteger(L, (lua_Integer)used);
            lua_call(L, 2, 0);
            /* the peeked string is no longer the source's next data */
            s->in = NULL;
            s->in_len = s->in_pos = 0;
        }
        if (r == Z_STREAM_END) {
            s->eos = 1;
            s->in = NULL;
            s->in_len = s->in_pos = 0;
            lua_pushnil(L);
            lua_setiuservalue(L, self, UV_INPUT);
        }
        if (produced == 0 && (!have || used == 0)) break; /* no input, no progress */
    }
    return produced;
}

/* Pending bytes or, when none, a new batch; 0 at the end. */
static size_t pending(lua_State *L, int self, struct zs *s)
{
    if (s->out_len > 0) return s->out_len;
    s->out_start = 0;
    return inflate_more(L, self, s);
}

static void take(struct zs *s, luaL_Buffer *b, size_t n)
{
    luaL_addlstring(b, (const char *)s->out + s->out_start, n);
    s->out_start += n;
    s->out_len -= n;
}

/* Up to n bytes (all: everything), never more than MAX_INFLATED. Pushes
 * the string; returns whether it is a result ("*a" always is, a count only
 * when something was read). */
static int read_chars(lua_State *L, int self, struct zs *s, size_t n, int all)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t got = 0;
    while (got < n) {
        size_t have = pending(L, self, s);
        if (have == 0) break;
        size_t k = n - got < have ? n - got : have;
        if (got + k > MAX_INFLATED) {
            zs_close(L, self, s);
            luaL_error(L, "zlib.inflate: decompressed data larger than %d MiB", (int)(MAX_INFLATED >> 20));
        }
        take(s, &b, k);
        got += k;
    }
    luaL_pushresult(&b);
    return all || got > 0;
}

/* One line without its end ("\n", "\r\n" or a lone "\r"); keep_nl keeps a
 * "\n" end as Lua's "L" format does. */
static int read_line(lua_State *L, int self, struct zs *s, int keep_nl)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t got = 0;
    for (;;) {
        size_t have = pending(L, self, s);
        if (have == 0) break;
        const unsigned char *p = s->out + s->out_start;
        size_t i = 0;
        while (i < have && p[i] != '\n' && p[i] != '\r') i++;
        if (got + i > MAX_INFLATED) {
            zs_close(L, self, s);
            luaL_error(L, "zlib.inflate: line longer than %d MiB", (int)(MAX_INFLATED >> 20));
        }
        take(s, &b, i);
        got += i;
        if (i < have) {
            int cr = s->out[s->out_start] == '\r';
            s->out_start++;
            s->out_len--;
            if (cr && pending(L, self, s) > 0 && s->out[s->out_start] == '\n') {
                s->out_start++;
                s->out_len--;
            }
            if (keep_nl) luaL_addchar(&b, '\n');
            luaL_pushresult(&b);
            return 1;
        }
    }
    luaL_pushresult(&b);
    return got > 0;
}

/* stream:read(...) with io.read's formats: a byte count (0 tests for the
 * end), "*l"/"l", "*L"/"L", "*a"/"a"; none means "*l". nil for the first
 * format that finds the end, and nothing after it. */
static int zs_read(lua_State *L)
{
    struct zs *s = zs_check(L, 1, ZS_INFLATE);
    int nargs = lua_gettop(L) - 1;
    if (nargs == 0) {
        if (!read_line(L, 1, s, 0)) {
            lua_pop(L, 1);
            lua_pushnil(L);
        }
        return 1;
    }
    luaL_checkstack(L, nargs + LUA_MINSTACK, "too many arguments");
    int n, ok = 1;
    for (n = 2; n <= nargs + 1 && ok; n++) {
        if (lua_type(L, n) == LUA_TNUMBER) {
            lua_Integer k = luaL_checkinteger(L, n);
            luaL_argcheck(L, k >= 0, n, "negative byte count");
            if (k == 0) {
                lua_pushliteral(L, "");
                ok = pending(L, 1, s) > 0;
            } else {
                ok = read_chars(L, 1, s, (size_t)k, 0);
            }
        } else {
            const char *f = luaL_checkstring(L, n);
            if (*f == '*') f++;
            switch (*f) {
            case 'l': ok = read_line(L, 1, s, 0); break;
            case 'L': ok = read_line(L, 1, s, 1); break;
            case 'a': ok = read_chars(L, 1, s, SIZE_MAX, 1); break;
            default: return luaL_argerror(L, n, "invalid format");
            }
        }
        if (!ok) {
            lua_pop(L, 1);
            lua_pushnil(L);
        }
    }
    return n - 2;
}

static int zs_lines_iter(lua_State *L)
{
    struct zs *s = zs_check(L, lua_upvalueindex(1), ZS_INFLATE);
    lua_pushvalue(L, lua_upvalueindex(1));
    int self = lua_gettop(L);
    if (!read_line(L, self, s, 0)) return 0;
    return 1;
}

static int zs_lines(lua_State *L)
{
    zs_check(L, 1, ZS_INFLATE);
    lua_settop(L, 1);
    lua_pushcclosure(L, zs_lines_iter, 1);
    return 1;
}

/* zlib.inflate(source[, windowBits=15[, dictionary]]). windowBits 8..15
 * also accept gzip (auto-detected, as lzlib does); negative: raw deflate. */
static int l_inflate(lua_State *L)
{
    int peek = 0;
    int t = lua_type(L, 1);
    if (t == LUA_TTABLE || t == LUA_TUSERDATA) {
        lua_getfield(L, 1, "read");
        luaL_argcheck(L, lua_isfunction(L, -1), 1, "the source has no :read function");
        lua_getfield(L, 1, "peek");
        peek = lua_isfunction(L, -1);
        lua_pop(L, 2);
    } else if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TFUNCTION) {
        return luaL_argerror(L, 1, "the source must be a string, function, table or userdata");
    }
    int wbits = opt_int(L, 2, 15);
    if (wbits > 0 && wbits < 16) wbits |= 32;
    int has_dict = !lua_isnoneornil(L, 3);
    if (has_dict) luaL_checkstring(L, 3);

    struct zs *s = zs_new(L);
    int self = lua_gettop(L);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        size_t len;
        lua_pushvalue(L, 1);
        s->in = lua_tolstring(L, -1, &len);
        s->in_len = len;
        lua_setiuservalue(L, self, UV_INPUT);
    } else {
        lua_pushvalue(L, 1);
        lua_setiuservalue(L, self, UV_IO);
    }
    if (has_dict) {
        lua_pushvalue(L, 3);
        lua_setiuservalue(L, self, UV_DICT);
    }
    int r = inflateInit2(&s->z, wbits);
    if (r != Z_OK) return luaL_error(L, "zlib.inflate: cannot start (%s)", zerr(&s->z, r));
    s->state = ZS_INFLATE;
    s->peek = peek;
    if (has_dict && wbits < 0) { /* raw streams take the dictionary up front */
        size_t dlen;
        const char *d = lua_tolstring(L, 3, &dlen);
        if (dlen > UINT_MAX || inflateSetDictionary(&s->z, (const Bytef *)d, (uInt)dlen) != Z_OK)
            return luaL_error(L, "zlib.inflate: cannot set the dictionary");
    }
    return 1;
}

/* ---- deflate streams ---- */

/* Hands n bytes of out[] to the sink (function or :write). */
static void emit(lua_State *L, int self, struct zs *s, size_t n)
{
    int t = lua_getiuservalue(L, self, UV_IO);
    if (t == LUA_TFUNCTION) {
        lua_pushlstring(L, (const char *)s->out, n);
        lua_call(L, 1, 0);
    } else {
        lua_getfield(L, -1, "write");
        lua_insert(L, -2);
        lua_pushlstring(L, (const char *)s->out, n);
        lua_call(L, 2, 0);
    }
}

/* Feeds data (may be empty) with the flush mode. Pushes true, or false and
 * a message (the stream is then closed). */
static int deflate_feed(lua_State *L, int self, struct zs *s, const char *data, size_t len, int flush)
{
    s->z.next_in = (Bytef *)data;
    s->z.avail_in = 0;
    for (;;) {
        /* zlib counts input in uInt: feed huge strings in slices */
        if (s->z.avail_in == 0 && len > 0) {
            uInt k = len > UINT_MAX ? UINT_MAX : (uInt)len;
            s->z.avail_in = k;
            len -= k;
        }
        int mode = len > 0 ? Z_NO_FLUSH : flush;
        s->z.next_out = s->out;
        s->z.avail_out = sizeof s->out;
        int r = deflate(&s->z, mode);
        if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) {
            const char *m = zerr(&s->z, r);
            lua_pushboolean(L, 0);
            lua_pushfstring(L, "zlib.deflate: %s", m);
            zs_close(L, self, s);
            return 2;
        }
        size_t produced = sizeof s->out - s->z.avail_out;
        if (produced > 0) emit(L, self, s, produced);
        if (r == Z_STREAM_END) {
            zs_close(L, self, s);
            break;
        }
        if (s->z.avail_in == 0 && len == 0 && s->z.avail_out != 0) break;
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int zs_write(lua_State *L)
{
    struct zs *s = zs_check(L, 1, ZS_DEFLATE);
    int top = lua_gettop(L);
    for (int i = 2; i <= top; i++) luaL_checkstring(L, i);
    for (int i = 2; i <= top; i++) {
        size_t len;
        const char *p = lua_tolstring(L, i, &len);
        int n = deflate_feed(L, 1, s, p, len, Z_NO_FLUSH);
        if (n != 1 || s->state != ZS_DEFLATE) return n;
        lua_pop(L, 1);
    }
    lua_pushboolean(L, 1);
    return 1;
}

static int zs_flush(lua_State *L)
{
    static const char *const names[] = {"sync", "full", "finish", NULL};
    static const int modes[] = {Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH};
    struct zs *s = zs_check(L, 1, ZS_DEFLATE);
    int m = luaL_checkoption(L, 2, "sync", names);
    return deflate_feed(L, 1, s, "", 0, modes[m]);
}

/* Deflate: finishes the stream (the sink gets the rest). Both: releases
 * it. Closing a closed stream is fine (http.lua closes after a failed
 * read). */
static int zs_close_m(lua_State *L)
{
    struct zs *s = luaL_checkudata(L, 1, ZSTREAM_MT);
    if (s->state == ZS_DEFLATE) return deflate_feed(L, 1, s, "", 0, Z_FINISH);
    zs_close(L, 1, s);
    lua_pushboolean(L, 1);
    return 1;
}

static int zs_adler(lua_State *L)
{
    struct zs *s = luaL_checkudata(L, 1, ZSTREAM_MT);
    if (s->state == ZS_CLOSED) luaL_argerror(L, 1, "attempt to use a closed zlib stream");
    lua_pushinteger(L, (lua_Integer)s->z.adler);
    return 1;
}

static int zs_tostring(lua_State *L)
{
    struct zs *s = luaL_checkudata(L, 1, ZSTREAM_MT);
    if (s->state == ZS_CLOSED) lua_pushliteral(L, "zlib stream (closed)");
    else lua_pushfstring(L, "zlib %s stream (%p)", s->state == ZS_INFLATE ? "inflate" : "deflate",
                         (void *)s);
    return 1;
}

/* zlib.deflate(sink[, level, method, windowBits, memLevel, strategy,
 * dictionary]) */
static int l_deflate(lua_State *L)
{
    int t = lua_type(L, 1);
    if (t == LUA_TTABLE || t == LUA_TUSERDATA) {
        lua_getfield(L, 1, "write");
        luaL_argcheck(L, lua_isfunction(L, -1), 1, "the sink has no :write function");
        lua_pop(L, 1);
    } else if (t != LUA_TFUNCTION) {
        return luaL_argerror(L, 1, "the sink must be a function, table or userdata");
    }
    int level = opt_int(L, 2, Z_DEFAULT_COMPRESSION);
    int method = opt_int(L, 3, Z_DEFLATED);
    int wbits = opt_int(L, 4, 15);
    int memlevel = opt_int(L, 5, 8);
    int strategy = opt_int(L, 6, Z_DEFAULT_STRATEGY);
    size_t dlen = 0;
    const char *dict = luaL_optlstring(L, 7, NULL, &dlen);

    struct zs *s = zs_new(L);
    int self = lua_gettop(L);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, self, UV_IO);
    int r = deflateInit2(&s->z, level, method, wbits, memlevel, strategy);
    if (r != Z_OK) return luaL_error(L, "zlib.deflate: invalid parameters (%s)", zError(r));
    s->state = ZS_DEFLATE;
    if (dict && (dlen > UINT_MAX || deflateSetDictionary(&s->z, (const Bytef *)dict, (uInt)dlen) != Z_OK))
        return luaL_error(L, "zlib.deflate: cannot set the dictionary");
    return 1;
}

/* ---- one-shot functions ---- */

/* compress(buf[, level, method, windowBits, memLevel, strategy]) -> the
 * compressed string and zlib's final code (Z_STREAM_END = 1), as lzlib. */
static int l_compress(lua_State *L)
{
    size_t len;
    const char *in = luaL_checklstring(L, 1, &len);
    int level = opt_int(L, 2, Z_DEFAULT_COMPRESSION);
    int method = opt_int(L, 3, Z_DEFLATED);
    int wbits = opt_int(L, 4, 15);
    int memlevel = opt_int(L, 5, 8);
    int strategy = opt_int(L, 6, Z_DEFAULT_STRATEGY);
    lua_settop(L, 1);
    struct zs *s = zs_new(L); /* owns the z_stream: freed by __gc on errors */
    int r = deflateInit2(&s->z, level, method, wbits, memlevel, strategy);
    if (r != Z_OK) {
        lua_pushnil(L);
        lua_pushinteger(L, r);
        return 2;
    }
    s->state = ZS_DEFLATE;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    s->z.next_in = (Bytef *)in;
    size_t left = len;
    do {
        if (s->z.avail_in == 0 && left > 0) {
            uInt k = left > UINT_MAX ? UINT_MAX : (uInt)left;
            s->z.avail_in = k;
            left -= k;
        }
        s->z.next_out = (Bytef *)luaL_prepbuffer(&b);
        s->z.avail_out = LUAL_BUFFERSIZE;
        r = deflate(&s->z, left > 0 ? Z_NO_FLUSH : Z_FINISH);
        luaL_addsize(&b, LUAL_BUFFERSIZE - s->z.avail_out);
    } while (r == Z_OK || (r == Z_BUF_ERROR && left > 0));
    zs_end(s);
    luaL_pushresult(&b);
    lua_pushinteger(L, r);
    return 2;
}

/* decompress(buf[, windowBits=15]) -> the whole decompressed string.
 * Raises on corrupt or truncated data and above MAX_INFLATED. */
static int l_decompress(lua_State *L)
{
    size_t len;
    const char *in = luaL_checklstring(L, 1, &len);
    int wbits = opt_int(L, 2, 15);
    luaL_argcheck(L, len <= UINT_MAX, 1, "too long");
    lua_settop(L, 1);
    struct zs *s = zs_new(L);
    int r = inflateInit2(&s->z, wbits);
    if (r != Z_OK) return luaL_error(L, "zlib.decompress: cannot start (%s)", zerr(&s->z, r));
    s->state = ZS_INFLATE;
    s->z.next_in = (Bytef *)in;
    s->z.avail_in = (uInt)len;
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t total = 0;
    for (;;) {
        s->z.next_out = (Bytef *)luaL_prepbuffer(&b);
        s->z.avail_out = LUAL_BUFFERSIZE;
        r = inflate(&s->z, Z_NO_FLUSH);
        size_t got = LUAL_BUFFERSIZE - s->z.avail_out;
        luaL_addsize(&b, got);
        total += got;
        if (r == Z_STREAM_END) break;
        const char *why = NULL;
        if (r == Z_NEED_DICT) why = "a dictionary is needed";
        else if (r != Z_OK && r != Z_BUF_ERROR) why = zerr(&s->z, r);
        else if (s->z.avail_in == 0 && s->z.avail_out != 0) why = "truncated data";
        else if (total > MAX_INFLATED) why = "decompressed data larger than 64 MiB";
        if (why) {
            char msg[200];
            snprintf(msg, sizeof msg, "zlib.decompress: %s", why);
            zs_end(s);
            return luaL_error(L, "%s", msg);
        }
    }
    zs_end(s);
    luaL_pushresult(&b);
    return 1;
}

static int l_version(lua_State *L)
{
    lua_pushstring(L, zlibVersion());
    return 1;
}

/* adler32()/crc32() -> the initial value; (v, buf) -> v updated with buf. */
static int checksum(lua_State *L, uLong (*fn)(uLong, const Bytef *, uInt))
{
    if (lua_gettop(L) == 0) {
        lua_pushinteger(L, (lua_Integer)fn(0L, Z_NULL, 0));
        return 1;
    }
    uLong v = (uLong)luaL_checkinteger(L, 1) & 0xffffffffUL;
    size_t len;
    const unsigned char *p = (const unsigned char *)luaL_checklstring(L, 2, &len);
    while (len > 0) {
        uInt k = len > UINT_MAX ? UINT_MAX : (uInt)len;
        v = fn(v, p, k);
        p += k;
        len -= k;
    }
    lua_pushinteger(L, (lua_Integer)v);
    return 1;
}

static int l_adler32(lua_State *L) { return checksum(L, adler32); }
static int l_crc32(lua_State *L) { return checksum(L, crc32); }

static const luaL_Reg stream_methods[] = {
    {"read", zs_read},
    {"lines", zs_lines},
    {"write", zs_write},
    {"flush", zs_flush},
    {"close", zs_close_m},
    {"adler", zs_adler},
    {"__tostring", zs_tostring},
    {"__gc", zs_gc},
    {NULL, NULL},
};

static const luaL_Reg zlib_funcs[] = {
    {"version", l_version},
    {"adler32", l_adler32},
    {"crc32", l_crc32},
    {"compress", l_compress},
    {"decompress", l_decompress},
    {"deflate", l_deflate},
    {"inflate", l_inflate},
    {NULL, NULL},
};

int luaopen_zlib(lua_State *L)
{
    if (luaL_newmetatable(L, ZSTREAM_MT)) {
        luaL_setfuncs(L, stream_methods, 0);
        lua_pushvalue(L, -1);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    luaL_newlib(L, zlib_funcs);
    return 1;
}
