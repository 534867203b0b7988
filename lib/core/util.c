/* Allocation (with a replaceable allocator), string buffers, bounded file I/O and UTF-8. */
#include "internal.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void *(*alloc_malloc)(size_t) = malloc;
static void *(*alloc_realloc)(void *, size_t) = realloc;
static void (*alloc_free)(void *) = free;

void tl_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
                      void (*free_fn)(void *))
{
    alloc_malloc = malloc_fn ? malloc_fn : malloc;
    alloc_realloc = realloc_fn ? realloc_fn : realloc;
    alloc_free = free_fn ? free_fn : free;
}

void *tl__malloc(size_t n) { return alloc_malloc(n ? n : 1); }

bool tl__allocator_is_default(void)
{
    return alloc_malloc == malloc && alloc_free == free;
}
void *tl__realloc(void *p, size_t n) { return alloc_realloc(p, n ? n : 1); }
void tl__free(void *p)
{
    if (p)
        alloc_free(p);
}
void tl_free(void *p) { tl__free(p); }

void *tl__calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = tl__malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

char *tl__strndup(const char *s, size_t n)
{
    char *p = tl__malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *tl__strdup(const char *s) { return s ? tl__strndup(s, strlen(s)) : NULL; }

char *tl__asprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = NULL;
    if (n >= 0 && (p = tl__malloc((size_t)n + 1)) != NULL)
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* ---- buffers ------------------------------------------------------------------------------ */

static int buf_reserve(tl__buf *b, size_t extra)
{
    if (b->failed)
        return -1;
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return -1;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = tl__realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

void tl__buf_putn(tl__buf *b, const char *s, size_t n)
{
    if (buf_reserve(b, n) == 0) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
    }
}

void tl__buf_put(tl__buf *b, const char *s) { tl__buf_putn(b, s, strlen(s)); }
void tl__buf_putc(tl__buf *b, char c) { tl__buf_putn(b, &c, 1); }

void tl__buf_printf(tl__buf *b, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && buf_reserve(b, (size_t)n) == 0) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    } else if (n < 0) {
        b->failed = 1;
    }
    va_end(ap2);
}

int tl__buf_detach(tl__buf *b, char **out)
{
    *out = NULL;
    if (!b->failed && !b->data && buf_reserve(b, 0) == 0)
        b->data[0] = '\0'; /* an empty buffer still hands out "" */
    if (b->failed) {
        tl__buf_free(b);
        return tl__oom();
    }
    *out = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return TL_OK;
}

void tl__buf_free(tl__buf *b)
{
    tl__free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->failed = 0;
}

/* ---- files -------------------------------------------------------------------------------- */

int tl__read_file(char **out, size_t *len, const char *path, size_t max_bytes)
{
    *out = NULL;
    if (len)
        *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return tl__error_native(TL_EIO, errno, "cannot open '%s': %s", path, strerror(errno));
    tl__buf b = TL__BUF_INIT;
    char chunk[65536];
    size_t n;
    int rc = TL_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > max_bytes) {
            rc = tl__error(TL_ELIMIT, "'%s' is larger than the %zu-byte limit", path, max_bytes);
            break;
        }
        tl__buf_putn(&b, chunk, n);
    }
    if (rc == TL_OK && ferror(f))
        rc = tl__error_native(TL_EIO, errno, "cannot read '%s': %s", path, strerror(errno));
    fclose(f);
    if (rc != TL_OK) {
        tl__buf_free(&b);
        return rc;
    }
    size_t total = b.len;
    if ((rc = tl__buf_detach(&b, out)) != TL_OK)
        return rc;
    if (len)
        *len = total;
    return TL_OK;
}

int tl__write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return tl__error_native(TL_EIO, errno, "cannot create '%s': %s", path, strerror(errno));
    size_t w = fwrite(data, 1, len, f);
    int bad = (w != len) | (fclose(f) != 0);
    if (bad)
        return tl__error_native(TL_EIO, errno, "cannot write '%s': %s", path, strerror(errno));
    return TL_OK;
}

/* ---- text --------------------------------------------------------------------------------- */

int tl__utf8_to_utf16(uint16_t **out, size_t *units, const char *s, size_t len)
{
    *out = NULL;
    *units = 0;
    /* At most one UTF-16 unit per input byte. */
    uint16_t *w = tl__calloc(len + 1, sizeof *w);
    if (!w)
        return tl__oom();
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n = 0;
    while (i < len) {
        uint32_t c = p[i];
        size_t k;
        uint32_t min;
        if (c < 0x80) { k = 0; min = 0; }
        else if ((c & 0xE0) == 0xC0) { k = 1; c &= 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { k = 2; c &= 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { k = 3; c &= 0x07; min = 0x10000; }
        else goto bad;
        if (k > len - i - 1)
            goto bad;
        for (size_t j = 1; j <= k; j++) {
            if ((p[i + j] & 0xC0) != 0x80)
                goto bad;
            c = (c << 6) | (p[i + j] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            goto bad;
        if (c >= 0x10000) {
            c -= 0x10000;
            w[n++] = (uint16_t)(0xD800 + (c >> 10));
            w[n++] = (uint16_t)(0xDC00 + (c & 0x3FF));
        } else {
            w[n++] = (uint16_t)c;
        }
        i += k + 1;
    }
    *out = w;
    *units = n;
    return TL_OK;
bad:
    tl__free(w);
    return tl__error_at(TL_EPARSE, i, "invalid UTF-8 at byte %zu", i);
}

static int ascii_lower(int c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

int tl__strncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int ca = ascii_lower((unsigned char)a[i]), cb = ascii_lower((unsigned char)b[i]);
        if (ca != cb)
            return ca - cb;
        if (!ca)
            return 0;
    }
    return 0;
}

int tl__strcasecmp(const char *a, const char *b) { return tl__strncasecmp(a, b, SIZE_MAX); }
