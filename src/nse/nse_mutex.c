// SPDX-License-Identifier: MIT
// Placeholder while this file is written (never merged into main as is).
#include "nse/nse_host.h"
