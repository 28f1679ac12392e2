// SPDX-License-Identifier: MIT
// Placeholder while this library is written (never merged into main as is).
#include "nse/nse_host.h"

int luaopen_openssl(lua_State *L)
{
    return luaL_error(L, "openssl: not built yet");
}

void nse_push_bignum(lua_State *L, struct bignum_st *bn)
{
    (void)bn;
    luaL_error(L, "openssl: not built yet");
}
