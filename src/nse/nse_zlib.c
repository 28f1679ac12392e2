// SPDX-License-Identifier: MIT
// Placeholder while this library is written (never merged into main as is).
#include "nse/nse_host.h"

int luaopen_zlib(lua_State *L)
{
    return luaL_error(L, "zlib: not built yet");
}
