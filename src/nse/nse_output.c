// SPDX-License-Identifier: MIT
// Script results into the model. A script's action returns a string, a
// structured value, or both (nse-c-api.md §1.2). The text normal output
// prints is the string, else nse_main.lua's _R.NSE_FORMAT_TABLE of the
// value; the XML structure is what _R.NSE_FORMAT_XML emits through
// cnse.xml_start_tag / xml_write_escaped / xml_end_tag, captured here as a
// script_elem tree. Both are made when the result arrives, so the model
// holds plain C data and no Lua references; writers print from it.
//
// Outside a capture the same xml_* functions write --script-help's XML.
#include <stdlib.h>
#include <string.h>

#include "cli/plan.h"
#include "core/log.h"
#include "nse/nse_engine.h"
#include "report/model.h"

/* ---- protect_xml: what nmap keeps of a string in XML --------------------- */

/* Printable ASCII, tab, CR and LF stay; any other byte becomes "\xHH", so
 * the document stays well-formed whatever a service sent. */
static void protect_xml(luaL_Buffer *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\r' || c == '\n') {
            luaL_addchar(b, (char)c);
        } else {
            char hex[5];
            snprintf(hex, sizeof hex, "\\x%02X", c);
            luaL_addlstring(b, hex, 4);
        }
    }
}

int nse_protect_xml(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    protect_xml(&b, s, len);
    luaL_pushresult(&b);
    return 1;
}

/* ---- the captured tree --------------------------------------------------- */

/* Deeper structures are refused: the tree is converted and freed by
 * recursion, and no script's output nests anywhere near this. */
#define MAX_DEPTH 10000

struct xml_node {
    char *key;
    char *value; /* text written into an <elem>; NULL until some is */
    size_t value_len;
    bool table;
    unsigned depth;
    struct xml_node *parent, *first, *last, *next;
    size_t n_children;
};

static void node_free(struct xml_node *n)
{
    while (n) {
        struct xml_node *next = n->next;
        node_free(n->first);
        free(n->key);
        free(n->value);
        free(n);
        n = next;
    }
}

void nse_output_reset(struct nse_engine *e)
{
    node_free(e->capture);
    e->capture = e->capture_at = NULL;
}

static void oom(lua_State *L)
{
    luaL_error(L, "out of memory storing script output");
}

/* Convert a node's children into the model's array (NULL, 0 when none). */
static bool to_elems(const struct xml_node *parent, struct script_elem **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!parent->n_children) return true;
    struct script_elem *e = calloc(parent->n_children, sizeof *e);
    if (!e) return false;
    size_t i = 0;
    for (const struct xml_node *c = parent->first; c; c = c->next, i++) {
        if (c->key && !(e[i].key = strdup(c->key))) goto fail;
        if (!c->table && !(e[i].value = strndup(c->value ? c->value : "", c->value_len))) goto fail;
        if (!to_elems(c, &e[i].children, &e[i].n_children)) goto fail;
    }
    *out = e;
    *n = parent->n_children;
    return true;
fail:
    script_elems_free(e, i + 1);
    return false;
}

static struct xml_node *new_node(lua_State *L, struct xml_node *parent)
{
    if (parent && parent->depth >= MAX_DEPTH)
        luaL_error(L, "script output nested more than %d levels deep", MAX_DEPTH);
    struct xml_node *n = calloc(1, sizeof *n);
    if (!n) oom(L);
    n->parent = parent;
    n->depth = parent ? parent->depth + 1 : 0;
    if (parent) {
        if (parent->last)
            parent->last->next = n;
        else
            parent->first = n;
        parent->last = n;
        parent->n_children++;
    }
    return n;
}

/* ---- cnse.xml_*: capture, or --script-help's document -------------------- */

static void help_escaped(FILE *fp, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (s[i]) {
        case '<':
            fputs("&lt;", fp);
            break;
        case '>':
            fputs("&gt;", fp);
            break;
        case '&':
            fputs("&amp;", fp);
            break;
        case '"':
            fputs("&quot;", fp);
            break;
        case '\'':
            fputs("&apos;", fp);
            break;
        case '\n':
            fputs("&#xa;", fp);
            break;
        case '\r':
            fputs("&#xd;", fp);
            break;
        case '\t':
            fputs("&#x9;", fp);
            break;
        default:
            fputc(s[i], fp);
        }
    }
}

static void help_close_start(struct nse_engine *e)
{
    if (e->help_tag_open) fputc('>', e->help_xml);
    e->help_tag_open = false;
}

int nse_xml_start_tag(lua_State *L)
{
    struct nse_engine *e = nse_engine_of(L);
    const char *name = luaL_checkstring(L, 1);
    if (e->capture_at) {
        struct xml_node *n = new_node(L, e->capture_at);
        n->table = strcmp(name, "table") == 0;
        e->capture_at = n;
        if (lua_type(L, 2) == LUA_TTABLE) {
            lua_getfield(L, 2, "key");
            const char *key = lua_tostring(L, -1);
            if (key && !(n->key = strdup(key))) oom(L);
            lua_pop(L, 1);
        }
        return 0;
    }
    if (!e->help_xml) return 0;
    help_close_start(e);
    fprintf(e->help_xml, "<%s", name);
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            if (lua_type(L, -2) == LUA_TSTRING) {
                size_t len;
                const char *v = luaL_tolstring(L, -1, &len);
                fprintf(e->help_xml, " %s=\"", lua_tostring(L, -3));
                help_escaped(e->help_xml, v, len);
                fputc('"', e->help_xml);
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
    }
    e->help_tag_open = true;
    /* The matching end tag needs the name: keep a stack of them. */
    lua_getfield(L, LUA_REGISTRYINDEX, "cmap.xml_help_tags");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "cmap.xml_help_tags");
    }
    lua_pushstring(L, name);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    return 0;
}

int nse_xml_end_tag(lua_State *L)
{
    struct nse_engine *e = nse_engine_of(L);
    if (e->capture_at) {
        if (e->capture_at != e->capture) e->capture_at = e->capture_at->parent;
        return 0;
    }
    if (!e->help_xml) return 0;
    help_close_start(e);
    lua_getfield(L, LUA_REGISTRYINDEX, "cmap.xml_help_tags");
    if (!lua_istable(L, -1)) return luaL_error(L, "xml_end_tag without a start tag");
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    if (n < 1) return luaL_error(L, "xml_end_tag without a start tag");
    lua_rawgeti(L, -1, n);
    fprintf(e->help_xml, "</%s>", lua_tostring(L, -1));
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_rawseti(L, -2, n);
    return 0;
}

int nse_xml_newline(lua_State *L)
{
    struct nse_engine *e = nse_engine_of(L);
    if (e->capture_at || !e->help_xml) return 0;
    help_close_start(e);
    fputc('\n', e->help_xml);
    return 0;
}

int nse_xml_write_escaped(lua_State *L)
{
    struct nse_engine *e = nse_engine_of(L);
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    struct xml_node *n = e->capture_at;
    if (n) {
        /* At the root: a value that is no table, the <script> element's own text. */
        char *grown = realloc(n->value, n->value_len + len + 1);
        if (!grown) oom(L);
        memcpy(grown + n->value_len, s, len);
        n->value_len += len;
        grown[n->value_len] = '\0';
        n->value = grown;
        return 0;
    }
    if (!e->help_xml) return 0;
    help_close_start(e);
    help_escaped(e->help_xml, s, len);
    return 0;
}

/* ---- one result ----------------------------------------------------------- */

/* Results are reported only when scripts were asked for (--script, -sC):
 * the version scripts -sV runs by itself change service fields, and nmap
 * shows none of their output. */
static bool reported(lua_State *L)
{
    return nse_engine_of(L)->ctx.plan->script_scan;
}

/* Build the result for id from (tab, str) at the given stack slots. */
static void make_result(lua_State *L, const char *id, int tab_idx, int str_idx,
                        struct script_result *r)
{
    struct nse_engine *e = nse_engine_of(L);
    tab_idx = lua_absindex(L, tab_idx);
    str_idx = lua_absindex(L, str_idx);
    memset(r, 0, sizeof *r);
    /* The text: the string, else the formatted value. */
    if (!lua_isnoneornil(L, str_idx)) {
        lua_pushvalue(L, str_idx);
    } else {
        lua_getfield(L, LUA_REGISTRYINDEX, "NSE_FORMAT_TABLE");
        lua_pushvalue(L, tab_idx);
        lua_call(L, 1, 1);
    }
    size_t len;
    const char *text = luaL_tolstring(L, -1, &len);
    r->output = malloc(len + 1);
    if (!r->output) oom(L);
    memcpy(r->output, text, len);
    r->output[len] = '\0';
    lua_pop(L, 2);
    if (!(r->id = strdup(id))) {
        free(r->output);
        oom(L);
    }
    if (lua_isnoneornil(L, tab_idx)) return;
    /* The structure: NSE_FORMAT_XML(tab), captured; a value that is no
     * table comes out as text at the root. */
    r->structured = true;
    nse_output_reset(e);
    e->capture = e->capture_at = new_node(L, NULL);
    lua_getfield(L, LUA_REGISTRYINDEX, "NSE_FORMAT_XML");
    lua_pushvalue(L, tab_idx);
    int rc = lua_pcall(L, 1, 0, 0);
    bool ok = rc == LUA_OK && to_elems(e->capture, &r->elems, &r->n_elems);
    if (ok && e->capture->value && !(r->text = strndup(e->capture->value, e->capture->value_len))) {
        script_elems_free(r->elems, r->n_elems);
        ok = false;
    }
    nse_output_reset(e);
    if (!ok) {
        free(r->id);
        free(r->output);
        if (rc != LUA_OK) lua_error(L);
        oom(L);
    }
}

static void append(lua_State *L, struct script_result **list, size_t *n,
                   const struct script_result *r)
{
    struct script_result *grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown) {
        free(r->id);
        free(r->output);
        script_elems_free(r->elems, r->n_elems);
        oom(L);
    }
    grown[(*n)++] = *r;
    *list = grown;
}

void nse_output_script(lua_State *L, const char *id, int tab_idx, int str_idx)
{
    struct nse_engine *e = nse_engine_of(L);
    if (!reported(L)) return;
    struct script_result r;
    make_result(L, id, tab_idx, str_idx, &r);
    struct run *run = e->ctx.run;
    if (e->phase == NSE_PHASE_POST)
        append(L, &run->post_scripts, &run->n_post_scripts, &r);
    else
        append(L, &run->pre_scripts, &run->n_pre_scripts, &r);
}

void nse_output_host(lua_State *L, struct host *h, const char *id, int tab_idx, int str_idx)
{
    if (!reported(L)) return;
    struct script_result r;
    make_result(L, id, tab_idx, str_idx, &r);
    append(L, &h->host_scripts, &h->n_host_scripts, &r);
}

void nse_output_port(lua_State *L, struct host *h, const struct port_result *p, const char *id,
                     int tab_idx, int str_idx)
{
    if (!reported(L)) return;
    struct script_result r;
    make_result(L, id, tab_idx, str_idx, &r);
    struct port_scripts *ps = NULL;
    for (size_t i = 0; i < h->n_port_scripts; i++)
        if (h->port_scripts[i].port == p->port && h->port_scripts[i].proto == p->proto)
            ps = &h->port_scripts[i];
    if (!ps) {
        struct port_scripts *grown =
            realloc(h->port_scripts, (h->n_port_scripts + 1) * sizeof *grown);
        if (!grown) {
            script_elems_free(r.elems, r.n_elems);
            free(r.id);
            free(r.output);
            oom(L);
        }
        h->port_scripts = grown;
        ps = &grown[h->n_port_scripts++];
        *ps = (struct port_scripts){.port = p->port, .proto = p->proto};
    }
    append(L, &ps->scripts, &ps->n_scripts, &r);
}
