// SPDX-License-Identifier: MIT
// Faulting a fresh allocation in with one system call.
#ifndef CMAP_CORE_PREFAULT_H
#define CMAP_CORE_PREFAULT_H

#include <stddef.h>

/* Maps every page of [p, p+len) for writing at once (MADV_POPULATE_WRITE)
 * when the range spans at least 16 pages; a no-op on kernels without it.
 * On this kind of VM a page fault costs about 2.5 us, so a buffer of tens
 * of pages touched one fault at a time is a visible part of a short scan's
 * run time (measured with perf stat -e page-faults). */
void prefault_write(void *p, size_t len);

#endif
