// SPDX-License-Identifier: MIT
// The certificate object of socket:get_ssl_certificate() and
// nmap.socket.parse_ssl_certificate(der) (nse-c-api.md §3.1): a userdata
// holding the X509 whose fields read like a table - subject, issuer,
// sig_algorithm, validity, pem, extensions, pubkey - built once when the
// object is made, plus the method digest(alg). Certificates come from the
// network: every field is read through OpenSSL's accessors, and a field
// OpenSSL cannot decode is left out (or marked error=true for extensions)
// rather than guessed.
#include "nse/nse_socket.h"

#include <ctype.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct cert_ud {
    X509 *x;
};

/* An OID nmap has no name for becomes the array of its arcs as strings. */
static void push_oid_key(lua_State *L, const ASN1_OBJECT *obj)
{
    int nid = OBJ_obj2nid(obj);
    if (nid != NID_undef) {
        lua_pushstring(L, OBJ_nid2ln(nid));
        return;
    }
    char txt[256];
    int n = OBJ_obj2txt(txt, sizeof txt, obj, 1);
    lua_newtable(L);
    if (n <= 0 || (size_t)n >= sizeof txt) return;
    int i = 0;
    for (char *p = txt, *dot; *p; p = dot + 1) {
        dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        lua_pushlstring(L, p, len);
        lua_rawseti(L, -2, ++i);
        if (!dot) break;
    }
}

static void push_name(lua_State *L, const X509_NAME *name)
{
    lua_newtable(L);
    if (!name) return;
    int n = X509_NAME_entry_count(name);
    for (int i = 0; i < n; i++) {
        const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
        push_oid_key(L, X509_NAME_ENTRY_get_object(e));
        lua_pushlstring(L, (const char *)ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v));
        lua_settable(L, -3);
    }
}

static void push_time(lua_State *L, const ASN1_TIME *t)
{
    struct tm tm;
    if (!t) {
        lua_pushnil(L);
        return;
    }
    memset(&tm, 0, sizeof tm);
    if (ASN1_TIME_to_tm(t, &tm) != 1) {
        lua_pushlstring(L, (const char *)ASN1_STRING_get0_data(t), (size_t)ASN1_STRING_length(t));
        ERR_clear_error();
        return;
    }
    lua_createtable(L, 0, 6);
    lua_pushinteger(L, tm.tm_year + 1900);
    lua_setfield(L, -2, "year");
    lua_pushinteger(L, tm.tm_mon + 1);
    lua_setfield(L, -2, "month");
    lua_pushinteger(L, tm.tm_mday);
    lua_setfield(L, -2, "day");
    lua_pushinteger(L, tm.tm_hour);
    lua_setfield(L, -2, "hour");
    lua_pushinteger(L, tm.tm_min);
    lua_setfield(L, -2, "min");
    lua_pushinteger(L, tm.tm_sec);
    lua_setfield(L, -2, "sec");
}

static void push_bio(lua_State *L, BIO *b)
{
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    lua_pushlstring(L, p ? p : "", n > 0 ? (size_t)n : 0);
}

static void push_extensions(lua_State *L, X509 *x)
{
    int n = X509_get_ext_count(x);
    lua_createtable(L, n > 0 ? n : 0, 0);
    for (int i = 0; i < n; i++) {
        X509_EXTENSION *ext = X509_get_ext(x, i);
        lua_newtable(L);
        const ASN1_OBJECT *obj = X509_EXTENSION_get_object(ext);
        int nid = OBJ_obj2nid(obj);
        if (nid != NID_undef) {
            lua_pushstring(L, OBJ_nid2ln(nid));
        } else {
            char txt[256];
            OBJ_obj2txt(txt, sizeof txt, obj, 1);
            lua_pushstring(L, txt);
        }
        lua_setfield(L, -2, "name");
        if (X509_EXTENSION_get_critical(ext)) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, "critical");
        }
        BIO *b = BIO_new(BIO_s_mem());
        if (b && X509V3_EXT_print(b, ext, 0, 0) == 1) {
            push_bio(L, b);
            lua_setfield(L, -2, "value");
        } else {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, "error");
        }
        BIO_free(b);
        ERR_clear_error();
        lua_rawseti(L, -2, i + 1);
    }
}

static void push_bn_param(lua_State *L, EVP_PKEY *pk, const char *param, const char *field)
{
    BIGNUM *bn = NULL;
    if (EVP_PKEY_get_bn_param(pk, param, &bn) == 1 && bn) {
        nse_push_bignum(L, (struct bignum_st *)bn);
        lua_setfield(L, -2, field);
    }
    ERR_clear_error();
}

static void push_pubkey(lua_State *L, X509 *x)
{
    lua_newtable(L);
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (!pk) {
        ERR_clear_error();
        return;
    }
    int id = EVP_PKEY_get_base_id(pk);
    const char *type;
    switch (id) {
    case EVP_PKEY_RSA:
        type = "rsa";
        break;
    case EVP_PKEY_DSA:
        type = "dsa";
        break;
    case EVP_PKEY_DH:
        type = "dh";
        break;
    case EVP_PKEY_EC:
        type = "ec";
        break;
    default:
        type = id != NID_undef ? OBJ_nid2sn(id) : NULL;
        break;
    }
    if (type) {
        lua_pushstring(L, type);
        lua_setfield(L, -2, "type");
    }
    lua_pushinteger(L, EVP_PKEY_get_bits(pk));
    lua_setfield(L, -2, "bits");
    if (id == EVP_PKEY_RSA) {
        push_bn_param(L, pk, OSSL_PKEY_PARAM_RSA_E, "exponent");
        push_bn_param(L, pk, OSSL_PKEY_PARAM_RSA_N, "modulus");
    } else if (id == EVP_PKEY_EC) {
        char group[80];
        size_t glen = 0;
        lua_newtable(L); /* ecdhparams */
        lua_newtable(L); /* curve_params */
        if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) == 1) {
            lua_pushliteral(L, "namedcurve");
            lua_setfield(L, -2, "ec_curve_type");
            lua_pushlstring(L, group, glen);
            lua_setfield(L, -2, "curve");
        } else {
            lua_pushliteral(L, "explicit");
            lua_setfield(L, -2, "ec_curve_type");
        }
        ERR_clear_error();
        lua_setfield(L, -2, "curve_params");
        lua_setfield(L, -2, "ecdhparams");
    }
}

static int cert_digest(lua_State *L)
{
    struct cert_ud *c = luaL_checkudata(L, 1, NSE_SSL_CERT_MT);
    const char *alg = luaL_checkstring(L, 2);
    const EVP_MD *md = EVP_get_digestbyname(alg);
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!md || !c->x || X509_digest(c->x, md, out, &n) != 1) {
        ERR_clear_error();
        lua_pushnil(L);
        return 1;
    }
    lua_pushlstring(L, (const char *)out, n);
    return 1;
}

/* __index: the method, else the attribute table (the user value). */
static int cert_index(lua_State *L)
{
    luaL_checkudata(L, 1, NSE_SSL_CERT_MT);
    if (lua_type(L, 2) == LUA_TSTRING && !strcmp(lua_tostring(L, 2), "digest")) {
        lua_pushcfunction(L, cert_digest);
        return 1;
    }
    lua_getiuservalue(L, 1, 1);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    return 1;
}

static int cert_gc(lua_State *L)
{
    struct cert_ud *c = luaL_checkudata(L, 1, NSE_SSL_CERT_MT);
    X509_free(c->x);
    c->x = NULL;
    return 0;
}

void nse_push_ssl_cert(lua_State *L, struct x509_st *x)
{
    struct cert_ud *c = lua_newuserdatauv(L, sizeof *c, 1);
    c->x = x;
    if (luaL_newmetatable(L, NSE_SSL_CERT_MT)) {
        lua_pushcfunction(L, cert_index);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, cert_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);

    lua_newtable(L);
    push_name(L, X509_get_subject_name(x));
    lua_setfield(L, -2, "subject");
    push_name(L, X509_get_issuer_name(x));
    lua_setfield(L, -2, "issuer");

    int sig = X509_get_signature_nid(x);
    if (sig != NID_undef) {
        lua_pushstring(L, OBJ_nid2ln(sig));
        lua_setfield(L, -2, "sig_algorithm");
    }

    lua_newtable(L);
    push_time(L, X509_get0_notBefore(x));
    lua_setfield(L, -2, "notBefore");
    push_time(L, X509_get0_notAfter(x));
    lua_setfield(L, -2, "notAfter");
    lua_setfield(L, -2, "validity");

    BIO *b = BIO_new(BIO_s_mem());
    if (b && PEM_write_bio_X509(b, x) == 1) {
        push_bio(L, b);
        lua_setfield(L, -2, "pem");
    }
    BIO_free(b);

    push_extensions(L, x);
    lua_setfield(L, -2, "extensions");
    push_pubkey(L, x);
    lua_setfield(L, -2, "pubkey");
    ERR_clear_error();
    lua_setiuservalue(L, -2, 1);
}

int nse_parse_ssl_certificate(lua_State *L)
{
    size_t n;
    const unsigned char *der = (const unsigned char *)luaL_checklstring(L, 1, &n);
    const unsigned char *p = der;
    X509 *x = n <= 0x7fffffff ? d2i_X509(NULL, &p, (long)n) : NULL;
    if (!x) {
        ERR_clear_error();
        lua_pushnil(L);
        return 1;
    }
    nse_push_ssl_cert(L, x);
    return 1;
}
