// SPDX-License-Identifier: MIT
#include "core/platform.h"

const char *cmap_platform(void)
{
#if defined(__x86_64__)
    return "x86_64-pc-linux-gnu";
#elif defined(__aarch64__)
    return "aarch64-unknown-linux-gnu";
#elif defined(__i386__)
    return "i686-pc-linux-gnu";
#elif defined(__arm__)
    return "arm-unknown-linux-gnueabihf";
#elif defined(__riscv)
    return "riscv64-unknown-linux-gnu";
#else
    return "unknown-unknown-linux-gnu";
#endif
}
