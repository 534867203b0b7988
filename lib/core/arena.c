/* Arena, growable arrays and a case-insensitive string map: the containers the readers of
 * outside input share (IIS audit, web.config, whoami text). Declarations: arena.h. */
#include "arena.h"
#include <stdint.h>
#include <string.h>

/* ---- arena ------------------------------------------------------------------------------ */

#define ARENA_BLOCK 65536
#define ARENA_ALIGN 16

void *tl__arena_alloc(tl__arena *a, size_t n)
{
    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    size_t hdr = (sizeof(tl__arena_block) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    tl__arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        if (cap > SIZE_MAX - hdr)
            return NULL;
        tl__arena_block *nb = tl__malloc(hdr + cap);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->cap = cap;
        a->total += hdr + cap;
        if (b && n > ARENA_BLOCK) {
            /* A big allocation gets its own block behind the current one, which stays open. */
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = (char *)b + hdr + b->used;
    b->used += n;
    return p;
}

char *tl__arena_strndup(tl__arena *a, const char *s, size_t n)
{
    char *p = tl__arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *tl__arena_strdup(tl__arena *a, const char *s)
{
    return tl__arena_strndup(a, s, strlen(s));
}

void tl__arena_free(tl__arena *a)
{
    tl__arena_block *b = a->head;
    while (b) {
        tl__arena_block *n = b->next;
        tl__free(b);
        b = n;
    }
    a->head = NULL;
    a->total = 0;
}

/* ---- growable arrays and a case-insensitive string map ----------------------------------- */

int tl__array_grow(void *pp, size_t *cap, size_t need, size_t elem)
{
    void **p = pp;
    if (need <= *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    if (nc > SIZE_MAX / elem)
        return -1;
    void *np = tl__realloc(*p, nc * elem);
    if (!np)
        return -1;
    *p = np;
    *cap = nc;
    return 0;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static uint32_t hash_ci(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)lower(s[i]);
        h *= 16777619u;
    }
    return h;
}

static tl__smap_entry *map_slot(const tl__smap *m, const char *k, size_t n)
{
    size_t mask = m->cap - 1;
    for (size_t i = hash_ci(k, n) & mask;; i = (i + 1) & mask) {
        tl__smap_entry *e = &m->slots[i];
        if (!e->key || (e->klen == n && tl__strncasecmp(e->key, k, n) == 0))
            return e;
    }
}

const size_t *tl__smap_get(const tl__smap *m, const char *k, size_t n)
{
    if (!m->count)
        return NULL;
    tl__smap_entry *e = map_slot(m, k, n);
    return e->key ? &e->value : NULL;
}

int tl__smap_put(tl__smap *m, const char *k, size_t n, size_t value)
{
    if ((m->count + 1) * 2 > m->cap) {
        size_t nc = m->cap ? m->cap * 2 : 64;
        tl__smap_entry *ns = tl__calloc(nc, sizeof *ns);
        if (!ns)
            return -1;
        tl__smap grown = {ns, nc, 0};
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].key) {
                *map_slot(&grown, m->slots[i].key, m->slots[i].klen) = m->slots[i];
                grown.count++;
            }
        tl__free(m->slots);
        *m = grown;
    }
    tl__smap_entry *e = map_slot(m, k, n);
    if (!e->key) {
        e->key = k;
        e->klen = n;
        m->count++;
    }
    e->value = value;
    return 0;
}

void tl__smap_free(tl__smap *m)
{
    tl__free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}
