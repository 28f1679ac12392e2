// SPDX-License-Identifier: MIT
// Placeholder while this library is written (never merged into main as is).
#include "nse/nse_host.h"

int luaopen_nse_socket(lua_State *L)
{
    return luaL_error(L, "nse_socket: not built yet");
}
