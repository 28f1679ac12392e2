// SPDX-License-Identifier: MIT
#include "core/prefault.h"

#include <stdint.h>
#include <sys/mman.h>

void prefault_write(void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = 4096;
    /* The pages around the range belong to the same allocation's mapping
     * (heap or anonymous), so populating them too does no harm. */
    uintptr_t start = (uintptr_t)p & ~(page - 1);
    uintptr_t end = ((uintptr_t)p + len + page - 1) & ~(page - 1);
    if (len >= 16 * page) madvise((void *)start, end - start, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)len;
#endif
}
