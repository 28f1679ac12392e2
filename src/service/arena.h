// SPDX-License-Identifier: MIT
// A bump allocator: the parsed nmap-service-probes is thousands of small
// strings and arrays that live exactly as long as the database, so they are
// carved out of a few large blocks and released together.
#ifndef CMAP_SERVICE_ARENA_H
#define CMAP_SERVICE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
};

/* n bytes, 8-byte aligned, zeroed; NULL when memory runs out. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* A copy of n bytes (binary safe). */
void *arena_memdup(struct arena *a, const void *p, size_t n);
void arena_free(struct arena *a);

#endif
