/* Containers shared by the readers of outside input (IIS audit, web.config, whoami text):
 * a bump arena, one growth rule for hand-grown arrays, and a case-insensitive string map.
 * Names are tl__*; nothing here is exported. */
#ifndef TL_ARENA_H
#define TL_ARENA_H
#include "internal.h"

/* A bump allocator: every string and view of a result lives in it and is freed at once. */
typedef struct tl__arena_block {
    struct tl__arena_block *next;
    size_t used, cap;
    /* data follows, aligned to 16 */
} tl__arena_block;

typedef struct tl__arena {
    tl__arena_block *head;
    size_t total; /* bytes held, for benchmarks */
} tl__arena;

void *tl__arena_alloc(tl__arena *a, size_t n);
char *tl__arena_strndup(tl__arena *a, const char *s, size_t n);
char *tl__arena_strdup(tl__arena *a, const char *s);
void tl__arena_free(tl__arena *a);

/* Make room for `need` elements of `elem` bytes in the array *pp of capacity *cap (doubling,
 * from 16). 0 on success, -1 on overflow or out of memory (nothing raised, *pp kept). */
int tl__array_grow(void *pp, size_t *cap, size_t need, size_t elem);

/* Open-addressing map from a string (compared ASCII case-insensitively; the key must outlive
 * the map) to a size_t. */
typedef struct tl__smap_entry {
    const char *key; /* NULL = empty slot */
    size_t klen;
    size_t value;
} tl__smap_entry;

typedef struct tl__smap {
    tl__smap_entry *slots;
    size_t cap, count;
} tl__smap;

const size_t *tl__smap_get(const tl__smap *m, const char *k, size_t n);
/* Insert or replace; -1 on out of memory (nothing raised). */
int tl__smap_put(tl__smap *m, const char *k, size_t n, size_t value);
void tl__smap_free(tl__smap *m);

#endif
