// SPDX-License-Identifier: MIT
// The NSE `openssl` and `zlib` Lua modules (src/nse/nse_openssl.c,
// nse_zlib.c) on their own: a bare Lua state with both required, Lua
// assertions against published vectors (RFC 1320/1321/2202/4231, FIPS
// 180, NIST SP 800-38A, the LM hash, RC4), data made by Python's gzip and
// zlib, round trips, and the errors a hostile argument must produce.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <lualib.h>
#include <openssl/bn.h>

#include "nse/nse_host.h"

/* hex()/unhex() helpers and `eq(got, want, what)` for the chunks below. */
static const char prelude[] =
    "function hex(s) return (s:gsub('.', function(c) return string.format('%02x', c:byte()) end)) end\n"
    "function unhex(h) return (h:gsub('%x%x', function(x) return string.char(tonumber(x, 16)) end)) end\n"
    "function eq(got, want, what)\n"
    "  if got ~= want then error(('%s: got %s, want %s'):format(what, tostring(got), tostring(want)), 2) end\n"
    "end\n"
    "function fails(pattern, f, ...)\n"
    "  local ok, err = pcall(f, ...)\n"
    "  if ok then error('expected an error matching ' .. pattern, 2) end\n"
    "  if not tostring(err):find(pattern, 1, true) then\n"
    "    error(('error %q does not contain %q'):format(tostring(err), pattern), 2)\n"
    "  end\n"
    "end\n";

static lua_State *new_state(void)
{
    lua_State *L = luaL_newstate();
    assert_non_null(L);
    luaL_openlibs(L);
    luaL_requiref(L, "openssl", luaopen_openssl, 1);
    luaL_requiref(L, "zlib", luaopen_zlib, 1);
    lua_pop(L, 2);
    assert_int_equal(luaL_dostring(L, prelude), LUA_OK);
    return L;
}

/* Runs chunk in a fresh state; fails the test with Lua's message. */
static void run(const char *chunk)
{
    lua_State *L = new_state();
    if (luaL_dostring(L, chunk) != LUA_OK) {
        fprintf(stderr, "Lua: %s\n", lua_tostring(L, -1));
        lua_close(L);
        fail();
    }
    lua_gc(L, LUA_GCCOLLECT, 0);
    lua_close(L);
}

static void test_digests(void **state)
{
    (void)state;
    run("eq(hex(openssl.md4('')), '31d6cfe0d16ae931b73c59d7e0c089c0', 'md4 empty')\n"
        "eq(hex(openssl.md4('abc')), 'a448017aaf21d8525fc10ae87aa6729d', 'md4 abc')\n"
        /* NTLM hash of 'password': md4 over UTF-16LE */
        "eq(hex(openssl.md4(('password'):gsub('.', '%0\\0'))), '8846f7eaee8fb117ad06bdd830b7586c', 'ntlm')\n"
        "eq(hex(openssl.md5('')), 'd41d8cd98f00b204e9800998ecf8427e', 'md5 empty')\n"
        "eq(hex(openssl.md5('abc')), '900150983cd24fb0d6963f7d28e17f72', 'md5 abc')\n"
        "eq(hex(openssl.sha1('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d', 'sha1 abc')\n"
        "eq(hex(openssl.ripemd160('abc')), '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc', 'ripemd160')\n"
        "eq(hex(openssl.digest('sha256', 'abc')),\n"
        "   'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'sha256')\n"
        "eq(hex(openssl.digest('SHA1', 'abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d', 'SHA1 name')\n"
        "eq(hex(openssl.digest('md4', 'abc')), 'a448017aaf21d8525fc10ae87aa6729d', 'digest md4')\n"
        "eq(#openssl.sha1(string.rep('x', 100000)), 20, 'long input')\n");
}

static void test_hmac(void **state)
{
    (void)state;
    run(/* RFC 2202 test case 1 (MD5 and SHA-1), 2 */
        "eq(hex(openssl.hmac('md5', string.rep('\\11', 16), 'Hi There')),\n"
        "   '9294727a3638bb1c13f48ef8158bfc9d', 'hmac md5 1')\n"
        "eq(hex(openssl.hmac('SHA1', string.rep('\\11', 20), 'Hi There')),\n"
        "   'b617318655057264e28bc0b6fb378c8ef146be00', 'hmac sha1 1')\n"
        "eq(hex(openssl.hmac('MD5', 'Jefe', 'what do ya want for nothing?')),\n"
        "   '750c783e6ab0b503eaa86e310a5db738', 'hmac md5 2')\n"
        /* RFC 4231 test case 2 */
        "eq(hex(openssl.hmac('sha256', 'Jefe', 'what do ya want for nothing?')),\n"
        "   '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'hmac sha256')\n"
        /* a key longer than the block is hashed first (RFC 2202 case 6) */
        "eq(hex(openssl.hmac('sha1', string.rep('\\170', 80),\n"
        "   'Test Using Larger Than Block-Size Key - Hash Key First')),\n"
        "   'aa4ae5e15272d00e95705637ce8a3b55ed402112', 'hmac long key')\n");
}

static void test_ciphers(void **state)
{
    (void)state;
    run(/* NIST SP 800-38A F.2.1, first block */
        "local k, iv = unhex('2b7e151628aed2a6abf7158809cf4f3c'), unhex('000102030405060708090a0b0c0d0e0f')\n"
        "local p = unhex('6bc1bee22e409f96e93d7e117393172a')\n"
        "local c = openssl.encrypt('AES-128-CBC', k, iv, p)\n"
        "eq(hex(c), '7649abac8119b246cee98e9b12e9197d', 'aes-128-cbc')\n"
        "eq(openssl.decrypt('aes-128-cbc', k, iv, c), p, 'aes decrypt')\n"
        /* SP 800-38A F.1.1 AES-128-ECB, no iv */
        "eq(hex(openssl.encrypt('aes-128-ecb', k, nil, p)), '3ad77bb40d7a3660a89ecaf32466ef97', 'ecb')\n"
        /* padding: 5 bytes become one padded block and come back */
        "local e = openssl.encrypt('AES-128-CBC', k, iv, 'hello', true)\n"
        "eq(#e, 16, 'padded length')\n"
        "eq(openssl.decrypt('AES-128-CBC', k, iv, e, true), 'hello', 'unpad')\n"
        /* LM hash of 'password': DES('KGS!@#$%') under each 7-byte half */
        "local pw = 'PASSWORD' .. string.rep('\\0', 6)\n"
        "local lm = openssl.encrypt('DES', openssl.DES_string_to_key(pw:sub(1, 7)), nil, 'KGS!@#$%')\n"
        "        .. openssl.encrypt('DES', openssl.DES_string_to_key(pw:sub(8, 14)), nil, 'KGS!@#$%')\n"
        "eq(hex(lm), 'e52cac67419a9a224a3b108f3fa6cb6d', 'lm hash')\n"
        "eq(hex(openssl.encrypt('des-ecb', openssl.DES_string_to_key(string.rep('\\0', 7)), nil,\n"
        "   'KGS!@#$%')), 'aad3b435b51404ee', 'lm empty half')\n"
        /* RC4 (legacy provider), variable key length */
        "eq(hex(openssl.encrypt('rc4', 'Key', nil, 'Plaintext')), 'bbf316e8d940af0ad3', 'rc4')\n"
        /* round trips of the other names scripts use */
        "for _, a in ipairs{{'aes-192-cbc', 24, 16}, {'cast5-cbc', 16, 8}, {'DES-CBC', 8, 8},\n"
        "                   {'des-ede3-cbc', 24, 8}} do\n"
        "  local key, iv = string.rep('k', a[2]), string.rep('i', a[3])\n"
        "  local data = string.rep('0123456789abcdef', 4)\n"
        "  local x = openssl.encrypt(a[1], key, iv, data)\n"
        "  eq(#x, #data, a[1] .. ' length')\n"
        "  assert(x ~= data, a[1] .. ' changed nothing')\n"
        "  eq(openssl.decrypt(a[1], key, iv, x), data, a[1] .. ' round trip')\n"
        "end\n"
        "eq(openssl.encrypt('aes-128-cbc', k, iv, ''), '', 'empty data')\n");
}

static void test_des_key(void **state)
{
    (void)state;
    run("eq(hex(openssl.DES_string_to_key(string.rep('\\0', 7))), '0101010101010101', 'zero')\n"
        "eq(hex(openssl.DES_string_to_key(string.rep('\\255', 7))), 'fefefefefefefefe', 'ones')\n"
        /* 0x80 then zeros: the top bit goes to byte 0's top bit */
        "eq(hex(openssl.DES_string_to_key('\\128' .. string.rep('\\0', 6))), '8001010101010101', 'top')\n"
        /* the lowest input bit lands in byte 7 bit 1 */
        "eq(hex(openssl.DES_string_to_key(string.rep('\\0', 6) .. '\\1')), '0101010101010102', 'low')\n"
        "fails('length of 7', openssl.DES_string_to_key, 'short')\n");
}

static void test_bignum(void **state)
{
    (void)state;
    run("local a = openssl.bignum_dec2bn('4')\n"
        "local r = openssl.bignum_mod_exp(a, openssl.bignum_dec2bn('13'), openssl.bignum_dec2bn('497'))\n"
        "eq(openssl.bignum_bn2dec(r), '445', 'mod_exp')\n"
        "eq(r:todec(), '445', 'method todec')\n"
        "local big = openssl.bignum_hex2bn('10000000000000000000000000')\n"
        "eq(big:todec(), '1267650600228229401496703205376', '2^100 dec')\n"
        "eq(openssl.bignum_bn2hex(big), '10000000000000000000000000', '2^100 hex')\n"
        "eq(tostring(openssl.bignum_dec2bn('255')), 'FF', '__tostring')\n"
        "eq(openssl.bignum_num_bits(big), 101, 'num_bits')\n"
        "eq(big:num_bytes(), 13, 'num_bytes')\n"
        "eq(hex(openssl.bignum_bn2bin(openssl.bignum_dec2bn('65537'))), '010001', 'bn2bin')\n"
        "eq(openssl.bignum_bin2bn('\\1\\0\\1'):todec(), '65537', 'bin2bn')\n"
        "eq(openssl.bignum_bin2bn(''):todec(), '0', 'bin2bn empty')\n"
        "eq(openssl.bignum_bn2bin(openssl.bignum_bin2bn('')), '', 'zero to bin')\n"
        "eq(openssl.bignum_add(big, openssl.bignum_dec2bn('1')):todec(), '1267650600228229401496703205377', 'add')\n"
        "local q, m = openssl.bignum_div(openssl.bignum_dec2bn('100'), openssl.bignum_dec2bn('7'))\n"
        "eq(q:todec() .. ' ' .. m:todec(), '14 2', 'div')\n"
        /* round trips of a large value through every representation */
        "local x = openssl.bignum_hex2bn('C90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22')\n"
        "eq(openssl.bignum_dec2bn(x:todec()):tohex(), x:tohex(), 'dec round trip')\n"
        "eq(openssl.bignum_bin2bn(x:tobin()):tohex(), x:tohex(), 'bin round trip')\n"
        /* bits */
        "local b = openssl.bignum_dec2bn('0')\n"
        "openssl.bignum_set_bit(b, 10); eq(b:todec(), '1024', 'set_bit')\n"
        "b:set_bit(0); eq(b:todec(), '1025', 'method set_bit')\n"
        "eq(openssl.bignum_is_bit_set(b, 10), true, 'is_bit_set')\n"
        "eq(b:is_bit_set(5), false, 'bit clear')\n"
        "eq(b:is_bit_set(5000), false, 'bit far above')\n"
        "openssl.bignum_clear_bit(b, 10); eq(b:todec(), '1', 'clear_bit')\n"
        "b:clear_bit(900); eq(b:todec(), '1', 'clear above top')\n"
        /* primes: 2^127-1 (Mersenne), 23 = 2*11+1 safe, 13 prime not safe */
        "eq(openssl.bignum_is_prime(openssl.bignum_hex2bn('7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF')), true, 'M127')\n"
        "eq(openssl.bignum_dec2bn('561'):is_prime(), false, 'carmichael 561')\n"
        "local s, p = openssl.bignum_is_safe_prime(openssl.bignum_dec2bn('23'))\n"
        "eq(tostring(s) .. tostring(p), 'truetrue', 'safe 23')\n"
        "s, p = openssl.bignum_dec2bn('13'):is_safe_prime()\n"
        "eq(tostring(s) .. tostring(p), 'falsetrue', '13')\n"
        "s, p = openssl.bignum_is_safe_prime(openssl.bignum_dec2bn('15'))\n"
        "eq(tostring(s) .. tostring(p), 'falsefalse', '15')\n"
        /* the 1024-bit Oakley group 2 prime is safe (ssl-dh-params) */
        "local g2 = openssl.bignum_hex2bn('FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1' ..\n"
        "  '29024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437' ..\n"
        "  '4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5' ..\n"
        "  'AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF')\n"
        "eq(select(1, openssl.bignum_is_safe_prime(g2)), true, 'oakley 2')\n"
        /* random */
        "local r1 = openssl.bignum_rand(256)\n"
        "assert(r1:num_bits() <= 256, 'rand bits')\n"
        "assert(openssl.bignum_pseudo_rand(64):num_bits() <= 64, 'pseudo rand')\n"
        "eq(openssl.bignum_rand(0):todec(), '0', 'rand 0')\n"
        /* what ssh2 does: DH with g^x mod p */
        "local x2 = openssl.bignum_rand(160)\n"
        "local e = openssl.bignum_mod_exp(openssl.bignum_dec2bn('2'), x2, g2)\n"
        "assert(e:num_bits() <= 1024 and e:num_bits() > 900, 'dh value size')\n"
        /* prefix parsing (nmap's): junk after digits is ignored, none gives 0 */
        "eq(openssl.bignum_dec2bn('12xyz'):todec(), '12', 'dec prefix')\n"
        "eq(openssl.bignum_dec2bn('xyz'):todec(), '0', 'dec junk')\n"
        "eq(openssl.bignum_dec2bn('-5'):todec(), '-5', 'negative')\n");
}

static void test_random_and_lists(void **state)
{
    (void)state;
    run("eq(#openssl.rand_bytes(32), 32, 'rand_bytes')\n"
        "eq(#openssl.rand_pseudo_bytes(7), 7, 'rand_pseudo_bytes')\n"
        "eq(openssl.rand_bytes(0), '', 'zero bytes')\n"
        "assert(openssl.rand_bytes(16) ~= openssl.rand_bytes(16), 'random differs')\n"
        "local function has(t, n) for _, v in ipairs(t) do if v:lower() == n then return true end end end\n"
        "local d, c = openssl.supported_digests(), openssl.supported_ciphers()\n"
        "assert(#d > 5 and has(d, 'md5') and has(d, 'sha256') and has(d, 'md4'), 'digests')\n"
        "assert(#c > 10 and has(c, 'aes-128-cbc') and has(c, 'des-cbc') and has(c, 'rc4'), 'ciphers')\n");
}

/* Every error is a Lua error with a message, never a crash. */
static void test_openssl_errors(void **state)
{
    (void)state;
    run("local k16 = string.rep('k', 16)\n"
        "fails('Unknown cipher algorithm: nope', openssl.encrypt, 'nope', k16, nil, 'x')\n"
        "fails('Unknown digest algorithm: nope', openssl.digest, 'nope', 'x')\n"
        "fails('Unknown digest algorithm: nope', openssl.hmac, 'nope', 'k', 'x')\n"
        "fails('key length 5 is invalid for aes-128-cbc (expected 16)', openssl.encrypt,\n"
        "      'aes-128-cbc', 'short', string.rep('i', 16), 'x')\n"
        "fails('key length 3 is invalid', openssl.decrypt, 'DES', 'abc', nil, '12345678')\n"
        "fails('Length of iv is 3; should be 16', openssl.encrypt, 'aes-128-cbc', k16, 'abc', 'x')\n"
        "fails('whole blocks', openssl.encrypt, 'aes-128-cbc', k16, nil, 'not a block')\n"
        "fails('openssl.decrypt: aes-128-cbc failed', openssl.decrypt, 'aes-128-cbc', k16, nil,\n"
        "      string.rep('z', 16), true)\n"
        "fails('modulus is zero', openssl.bignum_mod_exp, openssl.bignum_dec2bn('2'),\n"
        "      openssl.bignum_dec2bn('2'), openssl.bignum_dec2bn('0'))\n"
        "fails('division by zero', openssl.bignum_div, openssl.bignum_dec2bn('2'), openssl.bignum_dec2bn('0'))\n"
        "fails('BIGNUM expected', openssl.bignum_add, 1, 2)\n"
        "fails('BIGNUM expected', openssl.bignum_bn2dec, 'x')\n"
        "fails('bit position out of range', openssl.bignum_set_bit, openssl.bignum_dec2bn('1'), -1)\n"
        "fails('bit position out of range', openssl.bignum_set_bit, openssl.bignum_dec2bn('1'), 2^40)\n"
        "fails('bit count out of range', openssl.bignum_rand, -1)\n"
        "fails('byte count out of range', openssl.rand_bytes, -1)\n"
        "fails('byte count out of range', openssl.rand_bytes, 2^40)\n"
        "fails('number expected', openssl.rand_bytes, 'x')\n"
        "fails('string expected', openssl.md5, nil)\n");
}

/* nse_push_bignum: the certificate parser's way in, before and after the
 * module is loaded. */
static void test_push_bignum(void **state)
{
    (void)state;
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    BIGNUM *bn = BN_new();
    assert_true(BN_set_word(bn, 65537));
    nse_push_bignum(L, bn); /* before openssl is required */
    lua_setglobal(L, "e");
    luaL_requiref(L, "openssl", luaopen_openssl, 1);
    lua_pop(L, 1);
    int rc = luaL_dostring(L, "assert(e:todec() == '65537'); assert(tostring(e) == '010001');\n"
                              "assert(openssl.bignum_num_bits(e) == 17)");
    if (rc != LUA_OK) fprintf(stderr, "Lua: %s\n", lua_tostring(L, -1));
    assert_int_equal(rc, LUA_OK);
    nse_push_bignum(L, NULL);
    assert_true(lua_isnil(L, -1));
    lua_close(L); /* __gc frees bn: ASan reports a leak otherwise */
}

static void test_zlib_inflate(void **state)
{
    (void)state;
    run(/* http.lua's own vector, read as http.lua does */
        "local gz = unhex('1f8b0800000000000000f348cdc9c9d75108cf2fca49510400d0c34aec0d000000')\n"
        "eq(zlib.inflate(gz):read('*a'), 'Hello, World!', 'gzip *a')\n"
        "eq(zlib.inflate(gz):read(6), 'Hello,', 'read(n)')\n"
        "eq(zlib.inflate(gz):read(14), 'Hello, World!', 'read past end')\n"
        "local s = zlib.inflate(gz)\n"
        "eq(s:read(5), 'Hello', 'first'); eq(s:read(100), ', World!', 'rest'); eq(s:read(1), nil, 'eof')\n"
        "eq(s:read('*a'), '', '*a at eof'); eq(s:read(0), nil, 'read(0) at eof')\n"
        "eq(s:close(), true, 'close'); eq(s:close(), true, 'close twice')\n"
        "fails('closed zlib stream', s.read, s, 1)\n"
        /* http.lua: a corrupt body makes the pcall'd read fail, close still works */
        "local bad = zlib.inflate(unhex('2f8b0800000000000000f348cdc9c9d75108cf2fca49510400d0c34aec0d000000'))\n"
        "local ok, err = pcall(bad.read, bad, '*a')\n"
        "assert(not ok and err:find('zlib.inflate'), 'corrupt: ' .. tostring(err))\n"
        "eq(bad:close(), true, 'close after error')\n"
        /* an empty body is empty, not an error (http.lua's test) */
        "local e = zlib.inflate(''); local v = e:read('*a'); assert(v == nil or v == '', 'empty')\n"
        /* Python gzip.compress(b'line one\\nline two\\r\\nline three\\rlast', mtime=0) */
        "local lines = unhex('1f8b0800000000000203cbc9cc4b55c8cf4be5ca01314acaf379a1ac8ca2d454de9cc4e21200994d24b122000000')\n"
        "local got = {}\n"
        "for l in zlib.inflate(lines):lines() do got[#got + 1] = l end\n"
        "eq(table.concat(got, '|'), 'line one|line two|line three|last', 'lines')\n"
        "local z = zlib.inflate(lines)\n"
        "local a, b, c = z:read('*l', 4, '*a')\n"
        "eq(a, 'line one', 'multi 1'); eq(b, 'line', 'multi 2'); eq(c, ' two\\r\\nline three\\rlast', 'multi 3')\n"
        "eq(zlib.inflate(lines):read('*L'), 'line one\\n', '*L keeps the newline')\n"
        "eq(zlib.inflate(lines):read(), 'line one', 'default is a line')\n"
        /* zlib format and raw deflate (Python's zlib) */
        "eq(zlib.inflate(unhex('789cf348cdc9c9d75108cf2fca495104001f9e046a')):read('*a'), 'Hello, World!', 'zlib')\n"
        "eq(zlib.inflate(unhex('2b4a2c5728426000'), -15):read('*a'), 'raw raw raw raw', 'raw')\n"
        /* truncated data ends quietly with what was decoded */
        "local t = zlib.inflate(gz:sub(1, 15)):read('*a')\n"
        "assert(type(t) == 'string' and ('Hello, World!'):sub(1, #t) == t, 'truncated: ' .. tostring(t))\n"
        /* sources: a function handing out one byte at a time, an object with :read */
        "local pos = 0\n"
        "local f = zlib.inflate(function() pos = pos + 1; if pos <= #gz then return gz:sub(pos, pos) end end)\n"
        "eq(f:read('*a'), 'Hello, World!', 'byte source')\n"
        "local obj = {data = gz, read = function(self) local d = self.data; self.data = nil; return d end}\n"
        "eq(zlib.inflate(obj):read('*a'), 'Hello, World!', 'object source')\n"
        "fails('source must return a string or nil', function() return zlib.inflate(function() return {} end):read(1) end)\n"
        "fails('no :read function', zlib.inflate, {})\n"
        "fails('invalid format', function() return zlib.inflate(gz):read('*x') end)\n"
        "fails('negative byte count', function() return zlib.inflate(gz):read(-1) end)\n");
}

static void test_zlib_deflate(void **state)
{
    (void)state;
    run("local text = {}\n"
        "for i = 1, 5000 do text[#text + 1] = ('%05d the quick brown fox\\n'):format(i) end\n"
        "text = table.concat(text)\n"
        /* deflate into a function sink, write in pieces, gunzip back */
        "local out = {}\n"
        "local d = zlib.deflate(function(s) out[#out + 1] = s end, 9, nil, 31)\n"
        "eq(d:write(text:sub(1, 1000), text:sub(1001, 50000)), true, 'write')\n"
        "eq(d:write(text:sub(50001)), true, 'write rest')\n"
        "eq(d:flush('sync'), true, 'flush')\n"
        "eq(d:close(), true, 'close')\n"
        "local gz = table.concat(out)\n"
        "eq(gz:sub(1, 2), '\\31\\139', 'gzip magic')\n"
        "assert(#gz < #text / 5, 'compressed')\n"
        "eq(zlib.inflate(gz):read('*a'), text, 'gzip round trip')\n"
        /* an object sink with :write, zlib format */
        "local sink = {parts = {}, write = function(self, s) self.parts[#self.parts + 1] = s end}\n"
        "local d2 = zlib.deflate(sink)\n"
        "d2:write('Hello, '); d2:write('World!'); d2:close()\n"
        "local zs = table.concat(sink.parts)\n"
        "eq(zlib.decompress(zs), 'Hello, World!', 'zlib round trip')\n"
        "eq(zlib.inflate(zs):read('*a'), 'Hello, World!', 'inflate of deflate')\n"
        "fails('closed zlib stream', d2.write, d2, 'more')\n"
        /* a preset dictionary: needed to inflate, given as the third argument */
        "local dparts = {}\n"
        "local dd = zlib.deflate(function(s) dparts[#dparts + 1] = s end, 9, 8, 15, 8, 0, 'abcdefgh dict')\n"
        "dd:write(('abcdefgh'):rep(100)); dd:close()\n"
        "local dz = table.concat(dparts)\n"
        "fails('a dictionary is needed', function() return zlib.inflate(dz):read('*a') end)\n"
        "eq(zlib.inflate(dz, 15, 'abcdefgh dict'):read('*a'), ('abcdefgh'):rep(100), 'dictionary')\n"
        /* a source with :peek: inflate consumes only the compressed bytes */
        "local buf = dz .. 'TRAILER'\n"
        "local src = {pos = 1}\n"
        "function src:peek(n) return buf:sub(self.pos, self.pos + n - 1) end\n"
        "function src:read(n) local s = buf:sub(self.pos, self.pos + n - 1); self.pos = self.pos + n; return s end\n"
        "eq(zlib.inflate(src, 15, 'abcdefgh dict'):read('*a'), ('abcdefgh'):rep(100), 'peek source')\n"
        "eq(buf:sub(src.pos), 'TRAILER', 'peek leaves the rest')\n"
        /* one-shot */
        "local c, code = zlib.compress(text)\n"
        "eq(code, 1, 'Z_STREAM_END'); eq(zlib.decompress(c), text, 'compress round trip')\n"
        "eq(zlib.decompress((zlib.compress(''))), '', 'empty')\n"
        "eq(zlib.decompress(zlib.compress(text, 1, 8, -15), -15), text, 'raw one-shot')\n"
        "fails('zlib.decompress: truncated', zlib.decompress, c:sub(1, #c - 10))\n"
        "fails('zlib.decompress:', zlib.decompress, 'not zlib data at all')\n"
        "eq(select(1, zlib.compress('x', 42)), nil, 'bad level gives nil')\n"
        "fails('invalid parameters', zlib.deflate, function() end, 42)\n"
        "fails('sink has no :write', zlib.deflate, {})\n"
        "fails('not an inflate stream', function() local s = zlib.deflate(function() end); return s:read(1) end)\n"
        /* checksums (Python's zlib.crc32 / adler32 of 'Hello, World!') */
        "eq(zlib.crc32(zlib.crc32(), 'Hello, World!'), 3964322768, 'crc32')\n"
        "eq(zlib.adler32(zlib.adler32(), 'Hello, World!'), 530449514, 'adler32')\n"
        "eq(zlib.crc32(zlib.crc32(zlib.crc32(), 'Hello, '), 'World!'), 3964322768, 'crc32 chained')\n"
        "assert(zlib.version():match('^%d+%.%d+'), 'version')\n"
        "assert(tostring(zlib.inflate('')):find('inflate stream'), 'tostring')\n");
}

/* A small body that inflates past the cap is refused, not buffered. */
static void test_zlib_bomb(void **state)
{
    (void)state;
    run("local c = zlib.compress(string.rep('\\0', 80 * 1024 * 1024), 9)\n"
        "assert(#c < 200000, 'bomb is small')\n"
        "fails('larger than 64 MiB', function() return zlib.inflate(c):read('*a') end)\n"
        "fails('larger than 64 MiB', zlib.decompress, c)\n"
        "eq(#zlib.inflate(c):read(1000), 1000, 'a bounded read is fine')\n");
}

/* nselib's own test suites of the libraries that use openssl or zlib
 * (http's gzip bodies, smbauth's LM/NTLM, sasl, mssql, vnc), loaded from
 * nmap's installed nselib with a minimal stand-in for the `nmap` module
 * (their suites use no sockets). Skipped where nmap's files are absent. */
static const char nselib_driver[] =
    "package.path = '/usr/share/nmap/nselib/?.lua'\n"
    "local noop = function() end\n"
    "local out = {}\n"
    "package.loaded.nmap = {registry = {args = {}}, verbosity = function() return 0 end,\n"
    "  debugging = function() return 1 end, log_write = function(_, s) out[#out + 1] = s end,\n"
    "  clock_ms = function() return 0 end, clock = os.clock, timing_level = function() return 3 end,\n"
    "  address_family = function() return 'inet' end, is_privileged = function() return false end,\n"
    "  mutex = function() return function() return true end end, condvar = function() return noop end,\n"
    "  socket = {sleep = noop}, fetchfile = noop}\n"
    "rawset(require 'stdnse', 'silent_require', require)\n"
    "local libs = {'http', 'smbauth', 'sasl', 'mssql', 'vnc'}\n"
    "local fails = require('unittest').run_tests(libs)\n"
    "for lib, n in pairs(fails) do error(('%s: %s failed'):format(lib, tostring(n))) end\n"
    "local suites = 0\n"
    "for a, b in table.concat(out):gmatch('(%d+) of (%d+) tests passed') do\n"
    "  suites = suites + 1\n"
    "  eq(a, b, 'tests passed')\n"
    "end\n"
    /* a library that fails to load is only logged: count the suites */
    "eq(suites, #libs, 'suites run (' .. table.concat(out):gsub('%s+', ' ') .. ')')\n"
    /* http's gzip cases ran: its suite has them only when zlib loads */
    "assert(table.concat(out):find('Testing http'), 'http suite')\n";

static void test_nselib_suites(void **state)
{
    (void)state;
    FILE *f = fopen("/usr/share/nmap/nselib/unittest.lua", "r");
    if (!f) skip();
    fclose(f);
    run(nselib_driver);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digests),
        cmocka_unit_test(test_hmac),
        cmocka_unit_test(test_ciphers),
        cmocka_unit_test(test_des_key),
        cmocka_unit_test(test_bignum),
        cmocka_unit_test(test_random_and_lists),
        cmocka_unit_test(test_openssl_errors),
        cmocka_unit_test(test_push_bignum),
        cmocka_unit_test(test_zlib_inflate),
        cmocka_unit_test(test_zlib_deflate),
        cmocka_unit_test(test_zlib_bomb),
        cmocka_unit_test(test_nselib_suites),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
