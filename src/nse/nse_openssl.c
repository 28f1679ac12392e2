// SPDX-License-Identifier: MIT
// The `openssl` Lua module (nse-c-api.md §2.3, nselib/openssl.luadoc):
// multiprecision integers as a "BIGNUM" userdata, random bytes, digests,
// HMAC, EVP ciphers by name and the DES key spreading of smbauth. Scripts
// hand it attacker-chosen data (server nonces, key exchange values), so
// every argument is checked and every OpenSSL failure becomes a Lua error
// with a message, never a crash or a leak: OpenSSL objects are either owned
// by a Lua userdata (freed by __gc) or released before luaL_error runs.
#include "nse/nse_host.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/objects.h>
#include <openssl/opensslv.h>
#include <openssl/rand.h>
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
#include <openssl/provider.h>
#endif

#define BIGNUM_MT "BIGNUM"

/* The largest bignum a script may ask for by bit count (bignum_rand,
 * set_bit): 16 Mbit = 2 MiB, far above any real key, so a hostile or buggy
 * position cannot make OpenSSL allocate gigabytes. */
#define MAX_BN_BITS (1 << 24)
/* rand_bytes and friends: 16 MiB per call. */
#define MAX_RAND_BYTES (1 << 24)

#if OPENSSL_VERSION_NUMBER >= 0x30000000L
/* The providers luaopen_openssl loads, kept for the life of the process. */
static OSSL_PROVIDER *legacy_prov, *default_prov;
#endif

/* What to add to "not available" errors: MD4, DES, RC4 and CAST5 need the
 * legacy provider. */
static const char *legacy_hint(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    if (!legacy_prov) return " (OpenSSL's legacy provider could not be loaded)";
#endif
    return "";
}

struct lua_bn {
    BIGNUM *bn; /* NULL only after __gc */
};

/* ---- errors ---- */

/* The newest OpenSSL error queue entry as text (empties the queue), into
 * buf; `what` when the queue is empty. */
static const char *ossl_err(char *buf, size_t len, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    if (e == 0) {
        snprintf(buf, len, "%s", what);
    } else {
        char reason[256];
        ERR_error_string_n(e, reason, sizeof reason);
        snprintf(buf, len, "%s (%s)", what, reason);
    }
    ERR_clear_error();
    return buf;
}

/* ---- BIGNUM userdata ---- */

static int bn_gc(lua_State *L)
{
    struct lua_bn *u = luaL_checkudata(L, 1, BIGNUM_MT);
    if (u->bn) {
        BN_clear_free(u->bn);
        u->bn = NULL;
    }
    return 0;
}

static BIGNUM *check_bn(lua_State *L, int idx)
{
    struct lua_bn *u = luaL_checkudata(L, idx, BIGNUM_MT);
    if (!u->bn) luaL_argerror(L, idx, "BIGNUM already freed");
    return u->bn;
}

static void push_bn_metatable(lua_State *L);

/* A new BIGNUM userdata with a fresh zero value (owned by the userdata from
 * the start, so a later Lua error cannot leak it). */
static BIGNUM *new_bn(lua_State *L)
{
    struct lua_bn *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->bn = NULL;
    push_bn_metatable(L);
    lua_setmetatable(L, -2);
    u->bn = BN_new();
    if (!u->bn) luaL_error(L, "openssl: out of memory for a BIGNUM");
    return u->bn;
}

/* bn NULL (a key without that component) pushes nil. */
void nse_push_bignum(lua_State *L, struct bignum_st *bn)
{
    if (!bn) {
        lua_pushnil(L);
        return;
    }
    struct lua_bn *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->bn = bn;
    push_bn_metatable(L);
    lua_setmetatable(L, -2);
}

static int check_bitpos(lua_State *L, int idx)
{
    lua_Integer n = luaL_checkinteger(L, idx);
    luaL_argcheck(L, n >= 0 && n < MAX_BN_BITS, idx, "bit position out of range");
    return (int)n;
}

static int l_bn_bin2bn(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    luaL_argcheck(L, len <= INT_MAX, 1, "string too long");
    BIGNUM *bn = new_bn(L);
    if (!BN_bin2bn((const unsigned char *)s, (int)len, bn))
        return luaL_error(L, "openssl.bignum_bin2bn: out of memory");
    return 1;
}

/* dec2bn and hex2bn: OpenSSL reads the longest valid prefix (nmap's
 * behaviour); a string with no digits at all gives 0. */
static int str2bn(lua_State *L, int (*conv)(BIGNUM **, const char *))
{
    const char *s = luaL_checkstring(L, 1);
    BIGNUM *bn = new_bn(L);
    ERR_clear_error();
    if (!conv(&bn, s) && ERR_peek_last_error() != 0) {
        char buf[300];
        return luaL_error(L, "%s", ossl_err(buf, sizeof buf, "openssl: cannot convert the number"));
    }
    return 1;
}

static int l_bn_dec2bn(lua_State *L) { return str2bn(L, BN_dec2bn); }
static int l_bn_hex2bn(lua_State *L) { return str2bn(L, BN_hex2bn); }

static int l_bn_rand(lua_State *L)
{
    lua_Integer bits = luaL_checkinteger(L, 1);
    luaL_argcheck(L, bits >= 0 && bits <= MAX_BN_BITS, 1, "bit count out of range");
    BIGNUM *bn = new_bn(L);
    if (!BN_rand(bn, (int)bits, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)) {
        char buf[300];
        return luaL_error(L, "%s", ossl_err(buf, sizeof buf, "openssl.bignum_rand failed"));
    }
    return 1;
}

/* Runs an operation that needs a BN_CTX; the context is freed before any
 * error is raised. */
static BN_CTX *bn_ctx(lua_State *L)
{
    BN_CTX *ctx = BN_CTX_new();
    if (!ctx) luaL_error(L, "openssl: out of memory for a BN_CTX");
    return ctx;
}

static int l_bn_mod_exp(lua_State *L)
{
    BIGNUM *a = check_bn(L, 1), *p = check_bn(L, 2), *m = check_bn(L, 3);
    luaL_argcheck(L, !BN_is_zero(m), 3, "modulus is zero");
    BIGNUM *r = new_bn(L);
    BN_CTX *ctx = bn_ctx(L);
    int ok = BN_mod_exp(r, a, p, m, ctx);
    BN_CTX_free(ctx);
    if (!ok) {
        char buf[300];
        return luaL_error(L, "%s", ossl_err(buf, sizeof buf, "openssl.bignum_mod_exp failed"));
    }
    return 1;
}

static int l_bn_div(lua_State *L)
{
    BIGNUM *a = check_bn(L, 1), *b = check_bn(L, 2);
    luaL_argcheck(L, !BN_is_zero(b), 2, "division by zero");
    BIGNUM *q = new_bn(L);
    BIGNUM *r = new_bn(L);
    BN_CTX *ctx = bn_ctx(L);
    int ok = BN_div(q, r, a, b, ctx);
    BN_CTX_free(ctx);
    if (!ok) {
        char buf[300];
        return luaL_error(L, "%s", ossl_err(buf, sizeof buf, "openssl.bignum_div failed"));
    }
    return 2;
}

static int l_bn_add(lua_State *L)
{
    BIGNUM *a = check_bn(L, 1), *b = check_bn(L, 2);
    BIGNUM *r = new_bn(L);
    if (!BN_add(r, a, b)) return luaL_error(L, "openssl.bignum_add: out of memory");
    return 1;
}

static int l_bn_num_bits(lua_State *L)
{
    lua_pushinteger(L, BN_num_bits(check_bn(L, 1)));
    return 1;
}

static int l_bn_num_bytes(lua_State *L)
{
    lua_pushinteger(L, BN_num_bytes(check_bn(L, 1)));
    return 1;
}

static int l_bn_set_bit(lua_State *L)
{
    BIGNUM *bn = check_bn(L, 1);
    if (!BN_set_bit(bn, check_bitpos(L, 2)))
        return luaL_error(L, "openssl.bignum_set_bit: out of memory");
    return 0;
}

static int l_bn_clear_bit(lua_State *L)
{
    BIGNUM *bn = check_bn(L, 1);
    /* Clearing a bit above the top one is a no-op that OpenSSL reports as
     * a failure; the value is unchanged either way. */
    (void)BN_clear_bit(bn, check_bitpos(L, 2));
    ERR_clear_error();
    return 0;
}

static int l_bn_is_bit_set(lua_State *L)
{
    BIGNUM *bn = check_bn(L, 1);
    lua_pushboolean(L, BN_is_bit_set(bn, check_bitpos(L, 2)));
    return 1;
}

/* 1 prime, 0 composite; raises on an OpenSSL failure. Miller-Rabin with
 * OpenSSL's round count for the size (false positive rate <= 2^-128 for
 * 3.x, within the documented 2^-80). */
static int bn_prime(lua_State *L, const BIGNUM *bn)
{
    BN_CTX *ctx = bn_ctx(L);
    int r = BN_check_prime(bn, ctx, NULL);
    BN_CTX_free(ctx);
    if (r < 0) {
        char buf[300];
        return luaL_error(L, "%s", ossl_err(buf, sizeof buf, "openssl: primality test failed"));
    }
    return r;
}

static int l_bn_is_prime(lua_State *L)
{
    lua_pushboolean(L, bn_prime(L, check_bn(L, 1)));
    return 1;
}

/* is_safe, is_prime: p is a safe prime when p and (p-1)/2 are both prime. */
static int l_bn_is_safe_prime(lua_State *L)
{
    BIGNUM *p = check_bn(L, 1);
    int prime = bn_prime(L, p);
    int safe = 0;
    if (prime) {
        BIGNUM *q = new_bn(L); /* on the stack, owned by Lua */
        if (!BN_rshift1(q, p)) return luaL_error(L, "openssl.bignum_is_safe_prime: out of memory");
        /* p odd (any prime above 2): (p-1)/2 == p>>1. p == 2 gives q == 1,
         * which is not prime, so 2 is correctly not safe. */
        safe = bn_prime(L, q);
        lua_pop(L, 1);
    }
    lua_pushboolean(L, safe);
    lua_pushboolean(L, prime);
    return 2;
}

static int l_bn_bn2bin(lua_State *L)
{
    BIGNUM *bn = check_bn(L, 1);
    int n = BN_num_bytes(bn);
    luaL_Buffer b;
    unsigned char *p = (unsigned char *)luaL_buffinitsize(L, &b, (size_t)n);
    int len = BN_bn2bin(bn, p);
    luaL_pushresultsize(&b, (size_t)len);
    return 1;
}

static int bn2str(lua_State *L, char *(*conv)(const BIGNUM *))
{
    BIGNUM *bn = check_bn(L, 1);
    char *s = conv(bn);
    if (!s) return luaL_error(L, "openssl: out of memory converting a BIGNUM");
    lua_pushstring(L, s); /* may raise: s is leaked only on a Lua OOM */
    OPENSSL_free(s);
    return 1;
}

static int l_bn_bn2dec(lua_State *L) { return bn2str(L, BN_bn2dec); }
static int l_bn_bn2hex(lua_State *L) { return bn2str(L, BN_bn2hex); }

/* ---- random ---- */

static int rand_common(lua_State *L, const char *name)
{
    lua_Integer n = luaL_checkinteger(L, 1);
    luaL_argcheck(L, n >= 0 && n <= MAX_RAND_BYTES, 1, "byte count out of range");
    luaL_Buffer b;
    unsigned char *p = (unsigned char *)luaL_buffinitsize(L, &b, (size_t)n);
    if (n > 0 && RAND_bytes(p, (int)n) != 1) {
        char buf[300];
        char what[64];
        snprintf(what, sizeof what, "openssl.%s: PRNG not seeded", name);
        return luaL_error(L, "%s", ossl_err(buf, sizeof buf, what));
    }
    luaL_pushresultsize(&b, (size_t)n);
    return 1;
}

static int l_rand_bytes(lua_State *L) { return rand_common(L, "rand_bytes"); }
/* OpenSSL 3 dropped the weaker generator; the strong one serves both. */
static int l_rand_pseudo_bytes(lua_State *L) { return rand_common(L, "rand_pseudo_bytes"); }

/* ---- digests ---- */

/* The digest named `name`, NULL when OpenSSL (with the providers loaded)
 * does not know it. Aliases ("SHA1", "sha-1", "RSA-MD5") come from the
 * object name table; provider-only algorithms from an explicit fetch. */
static const EVP_MD *find_md(const char *name, EVP_MD **fetched)
{
    *fetched = NULL;
    const EVP_MD *md = EVP_get_digestbyname(name);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    if (!md) {
        *fetched = EVP_MD_fetch(NULL, name, NULL);
        md = *fetched;
    }
#endif
    ERR_clear_error();
    return md;
}

static void free_md(EVP_MD *fetched)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    EVP_MD_free(fetched);
#else
    (void)fetched;
#endif
}

/* Pushes the digest of msg; raises with a message on failure. */
static int push_digest(lua_State *L, const EVP_MD *md, EVP_MD *fetched, const char *alg,
                       const char *msg, size_t len)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int outlen = 0;
    int ok = EVP_Digest(msg, len, out, &outlen, md, NULL);
    free_md(fetched);
    if (!ok) {
        char buf[300], what[128];
        snprintf(what, sizeof what, "openssl: digest %s failed", alg);
        return luaL_error(L, "%s", ossl_err(buf, sizeof buf, what));
    }
    lua_pushlstring(L, (const char *)out, outlen);
    return 1;
}

static int named_digest(lua_State *L, const char *alg)
{
    size_t len;
    const char *msg = luaL_checklstring(L, 1, &len);
    EVP_MD *fetched;
    const EVP_MD *md = find_md(alg, &fetched);
    if (!md) return luaL_error(L, "openssl: digest %s is not available%s", alg, legacy_hint());
    return push_digest(L, md, fetched, alg, msg, len);
}

static int l_md4(lua_State *L) { return named_digest(L, "MD4"); }
static int l_md5(lua_State *L) { return named_digest(L, "MD5"); }
static int l_sha1(lua_State *L) { return named_digest(L, "SHA1"); }
static int l_ripemd160(lua_State *L) { return named_digest(L, "RIPEMD160"); }

static int l_digest(lua_State *L)
{
    const char *alg = luaL_checkstring(L, 1);
    size_t len;
    const char *msg = luaL_checklstring(L, 2, &len);
    EVP_MD *fetched;
    const EVP_MD *md = find_md(alg, &fetched);
    if (!md) return luaL_error(L, "Unknown digest algorithm: %s%s", alg, legacy_hint());
    return push_digest(L, md, fetched, alg, msg, len);
}

static int l_hmac(lua_State *L)
{
    const char *alg = luaL_checkstring(L, 1);
    size_t klen, mlen;
    const char *key = luaL_checklstring(L, 2, &klen);
    const char *msg = luaL_checklstring(L, 3, &mlen);
    luaL_argcheck(L, klen <= INT_MAX, 2, "key too long");
    EVP_MD *fetched;
    const EVP_MD *md = find_md(alg, &fetched);
    if (!md) return luaL_error(L, "Unknown digest algorithm: %s%s", alg, legacy_hint());
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int outlen = 0;
    unsigned char *r = HMAC(md, key, (int)klen, (const unsigned char *)msg, mlen, out, &outlen);
    free_md(fetched);
    if (!r) {
        char buf[300], what[128];
        snprintf(what, sizeof what, "openssl.hmac: %s failed", alg);
        return luaL_error(L, "%s", ossl_err(buf, sizeof buf, what));
    }
    lua_pushlstring(L, (const char *)out, outlen);
    return 1;
}

/* ---- algorithm lists ---- */

struct name_list {
    lua_State *L;
    lua_Integer n;
};

static void add_name(const OBJ_NAME *name, void *arg)
{
    struct name_list *nl = arg;
    lua_pushstring(nl->L, name->name);
    lua_rawseti(nl->L, -2, ++nl->n);
}

static int name_list(lua_State *L, int type)
{
    lua_newtable(L);
    struct name_list nl = {L, 0};
    OBJ_NAME_do_all_sorted(type, add_name, &nl);
    return 1;
}

static int l_supported_digests(lua_State *L) { return name_list(L, OBJ_NAME_TYPE_MD_METH); }
static int l_supported_ciphers(lua_State *L) { return name_list(L, OBJ_NAME_TYPE_CIPHER_METH); }

/* ---- ciphers ---- */

/* encrypt/decrypt(alg, key, iv, data[, padding=false]). An empty or nil iv
 * means none (the cipher's zero IV, what smbauth's "DES" relies on); any
 * other iv must have the cipher's IV length. The key length must be one the
 * cipher accepts. The output goes into a Lua buffer and the cipher context
 * is freed before any error is raised. */
static int cipher(lua_State *L, int enc)
{
    const char *fname = enc ? "openssl.encrypt" : "openssl.decrypt";
    const char *alg = luaL_checkstring(L, 1);
    size_t klen, ivlen, dlen;
    const char *key = luaL_checklstring(L, 2, &klen);
    const char *iv = luaL_optlstring(L, 3, "", &ivlen);
    const char *data = luaL_checklstring(L, 4, &dlen);
    int padding = lua_toboolean(L, 5);
    luaL_argcheck(L, klen <= INT_MAX, 2, "key too long");
    luaL_argcheck(L, dlen <= INT_MAX - 2 * EVP_MAX_BLOCK_LENGTH, 4, "data too long");

    const EVP_CIPHER *c = EVP_get_cipherbyname(alg);
    EVP_CIPHER *fetched = NULL;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    if (!c) c = fetched = EVP_CIPHER_fetch(NULL, alg, NULL);
#endif
    ERR_clear_error();
    if (!c) return luaL_error(L, "Unknown cipher algorithm: %s%s", alg, legacy_hint());

    luaL_Buffer b;
    unsigned char *out = (unsigned char *)luaL_buffinitsize(L, &b, dlen + 2 * EVP_MAX_BLOCK_LENGTH);

    char err[400];
    err[0] = '\0';
    int outlen = 0, finlen = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx) {
        snprintf(err, sizeof err, "%s: out of memory", fname);
        goto done;
    }
    if (!EVP_CipherInit_ex(ctx, c, NULL, NULL, NULL, enc)) {
        ossl_err(err, sizeof err, "cannot set up the cipher");
        goto done;
    }
    if ((int)klen != EVP_CIPHER_CTX_key_length(ctx) &&
        !EVP_CIPHER_CTX_set_key_length(ctx, (int)klen)) {
        ERR_clear_error();
        snprintf(err, sizeof err, "%s: key length %zu is invalid for %s (expected %d)", fname, klen,
                 alg, EVP_CIPHER_CTX_key_length(ctx));
        goto done;
    }
    EVP_CIPHER_CTX_set_padding(ctx, padding);
    if (ivlen > 0 && (int)ivlen != EVP_CIPHER_CTX_iv_length(ctx)) {
        snprintf(err, sizeof err, "Length of iv is %zu; should be %d", ivlen,
                 EVP_CIPHER_CTX_iv_length(ctx));
        goto done;
    }
    if (!EVP_CipherInit_ex(ctx, NULL, NULL, (const unsigned char *)key,
                           ivlen > 0 ? (const unsigned char *)iv : NULL, enc) ||
        !EVP_CipherUpdate(ctx, out, &outlen, (const unsigned char *)data, (int)dlen) ||
        !EVP_CipherFinal_ex(ctx, out + outlen, &finlen)) {
        char what[160];
        snprintf(what, sizeof what, "%s: %s failed%s", fname, alg,
                 padding ? "" : " (without padding the data must fill whole blocks)");
        ossl_err(err, sizeof err, what);
        goto done;
    }
done:
    EVP_CIPHER_CTX_free(ctx);
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    EVP_CIPHER_free(fetched);
#endif
    if (err[0]) return luaL_error(L, "%s", err);
    luaL_pushresultsize(&b, (size_t)outlen + (size_t)finlen);
    return 1;
}

static int l_encrypt(lua_State *L) { return cipher(L, 1); }
static int l_decrypt(lua_State *L) { return cipher(L, 0); }

/* The 56 key bits of a 7-byte string spread over 8 bytes, 7 bits each in
 * the high bits, the low bit of each byte set for odd parity (DES's key
 * format, as LM and NTLM hashing need). */
static int l_DES_string_to_key(lua_State *L)
{
    size_t len;
    const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
    if (len != 7) return luaL_error(L, "String must have length of 7 bytes.");
    uint64_t v = 0;
    for (int i = 0; i < 7; i++) v = (v << 8) | s[i];
    unsigned char key[8];
    for (int i = 0; i < 8; i++) {
        unsigned char k = (unsigned char)(((v >> (49 - 7 * i)) & 0x7f) << 1);
        int ones = 0;
        for (unsigned char t = k; t; t >>= 1) ones += t & 1;
        key[i] = (unsigned char)(k | ((ones & 1) ? 0 : 1));
    }
    lua_pushlstring(L, (const char *)key, 8);
    return 1;
}

/* ---- registration ---- */

static const luaL_Reg bn_methods[] = {
    {"num_bits", l_bn_num_bits},
    {"num_bytes", l_bn_num_bytes},
    {"tobin", l_bn_bn2bin},
    {"todec", l_bn_bn2dec},
    {"tohex", l_bn_bn2hex},
    {"is_bit_set", l_bn_is_bit_set},
    {"set_bit", l_bn_set_bit},
    {"clear_bit", l_bn_clear_bit},
    {"is_prime", l_bn_is_prime},
    {"is_safe_prime", l_bn_is_safe_prime},
    {"__tostring", l_bn_bn2hex},
    {"__gc", bn_gc},
    {NULL, NULL},
};

/* Pushes the "BIGNUM" metatable, creating it on first use: the certificate
 * parser may push a BIGNUM before anything required openssl. */
static void push_bn_metatable(lua_State *L)
{
    if (luaL_newmetatable(L, BIGNUM_MT)) {
        luaL_setfuncs(L, bn_methods, 0);
        lua_pushvalue(L, -1);
        lua_setfield(L, -2, "__index");
    }
}

static const luaL_Reg openssl_funcs[] = {
    {"bignum_num_bits", l_bn_num_bits},
    {"bignum_num_bytes", l_bn_num_bytes},
    {"bignum_set_bit", l_bn_set_bit},
    {"bignum_clear_bit", l_bn_clear_bit},
    {"bignum_is_bit_set", l_bn_is_bit_set},
    {"bignum_is_prime", l_bn_is_prime},
    {"bignum_is_safe_prime", l_bn_is_safe_prime},
    {"bignum_bin2bn", l_bn_bin2bn},
    {"bignum_dec2bn", l_bn_dec2bn},
    {"bignum_hex2bn", l_bn_hex2bn},
    {"bignum_rand", l_bn_rand},
    {"bignum_pseudo_rand", l_bn_rand}, /* an alias, as documented */
    {"bignum_mod_exp", l_bn_mod_exp},
    {"bignum_div", l_bn_div},
    {"bignum_add", l_bn_add},
    {"bignum_bn2bin", l_bn_bn2bin},
    {"bignum_bn2dec", l_bn_bn2dec},
    {"bignum_bn2hex", l_bn_bn2hex},
    {"rand_bytes", l_rand_bytes},
    {"rand_pseudo_bytes", l_rand_pseudo_bytes},
    {"md4", l_md4},
    {"md5", l_md5},
    {"sha1", l_sha1},
    {"ripemd160", l_ripemd160},
    {"digest", l_digest},
    {"hmac", l_hmac},
    {"encrypt", l_encrypt},
    {"decrypt", l_decrypt},
    {"DES_string_to_key", l_DES_string_to_key},
    {"supported_digests", l_supported_digests},
    {"supported_ciphers", l_supported_ciphers},
    {NULL, NULL},
};

/* OpenSSL 3 keeps MD4, DES, RC4, CAST5 and RIPEMD-160 (before 3.0.7) in the
 * legacy provider, which scripts need (smbauth, vnc, ...). Loading any
 * provider explicitly turns off the implicit default one, so both are
 * loaded, once per process, into the default library context. A missing
 * legacy.so only makes those algorithms fail with "not available". */
static void load_providers(void)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    static int done;
    if (done) return;
    done = 1;
    legacy_prov = OSSL_PROVIDER_load(NULL, "legacy");
    default_prov = OSSL_PROVIDER_load(NULL, "default");
    ERR_clear_error();
#endif
}

int luaopen_openssl(lua_State *L)
{
    load_providers();
    push_bn_metatable(L);
    lua_pop(L, 1);
    luaL_newlib(L, openssl_funcs);
    return 1;
}
