// SPDX-License-Identifier: MIT
#include "service/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Large enough that the real file (about 2.5 MB of text) needs a few dozen
 * blocks, small enough that a tiny test file wastes little. */
#define ARENA_BLOCK_SIZE (64u * 1024u)

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
};

static struct arena_block *new_block(size_t size)
{
    struct arena_block *b = calloc(1, sizeof *b + size);
    if (b) b->size = size;
    return b;
}

void *arena_alloc(struct arena *a, size_t n)
{
    if (n > SIZE_MAX - 8) return NULL;
    size_t need = (n + 7u) & ~(size_t)7u;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        /* An oversized request gets a block of its own, linked behind the
         * current one so the current block's free space stays usable. */
        size_t size = need > ARENA_BLOCK_SIZE ? need : ARENA_BLOCK_SIZE;
        struct arena_block *nb = new_block(size);
        if (!nb) return NULL;
        if (b && need > ARENA_BLOCK_SIZE) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    return p;
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
    void *q = arena_alloc(a, n ? n : 1);
    if (q && n) memcpy(q, p, n);
    return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX) return NULL;
    char *q = arena_alloc(a, n + 1);
    if (!q) return NULL;
    if (n) memcpy(q, s, n);
    q[n] = '\0';
    return q;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}
