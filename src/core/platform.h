// SPDX-License-Identifier: MIT
// The build's target triple in the GNU form nmap prints (-V's "Compiled
// ... for", the P= field of service fingerprints).
#ifndef CMAP_CORE_PLATFORM_H
#define CMAP_CORE_PLATFORM_H

const char *cmap_platform(void);

#endif
