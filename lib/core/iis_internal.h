/* Internal layout of tl_iis_audit, shared by the reader (iis.c), JSON (iis_json.c) and the
 * isolation verdict (iis_isolation.c). */
#ifndef TL_IIS_INTERNAL_H
#define TL_IIS_INTERNAL_H

#include "internal.h"
#include "tokenlens/iis.h"

/* A bump allocator: every string and view of an audit lives in it and is freed at once. */
typedef struct tl__arena_block {
    struct tl__arena_block *next;
    size_t used, cap;
    /* data follows, aligned to max_align_t via the union in the allocation */
} tl__arena_block;

typedef struct tl__arena {
    tl__arena_block *head;
    size_t total; /* bytes held, for benchmarks */
} tl__arena;

void *tl__arena_alloc(tl__arena *a, size_t n);
char *tl__arena_strndup(tl__arena *a, const char *s, size_t n);
char *tl__arena_strdup(tl__arena *a, const char *s);
void tl__arena_free(tl__arena *a);

struct tl_iis_audit {
    tl__arena arena;
    tl_iis_site *sites;
    size_t site_count;
    tl_iis_app *apps; /* all applications; sites point into it */
    size_t app_count;
    tl_iis_identity *anon_ids; /* parallel to apps */
    tl_iis_pool *pools;
    size_t pool_count;
    tl_iis_shared_identity *shared;
    size_t shared_count;
    tl_iis_finding *findings;
    size_t finding_count;
    const char **warnings; /* in the arena */
    size_t warning_count;
};

#endif
