/* Allocation (with a replaceable allocator), string buffers, bounded file I/O and UTF-8. */
#include "internal.h"
#include <jansson.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void *(*alloc_malloc)(size_t) = malloc;
static void *(*alloc_realloc)(void *, size_t) = realloc;
static void (*alloc_free)(void *) = free;

/* jansson's allocations (the JSON trees of snapshots, scenarios, audits) go through the same
 * hook, so failure injection reaches JSON out-of-memory paths too. The trampolines read the
 * current functions, so jansson follows every later tl_set_allocator(). */
static _Thread_local int json_alloc_failed;

/* jansson 2.14's lexer ignores a failed append to its token buffer (load.c lex_save) and then
 * asserts in lex_scan_string on the escape it lost, so a refused allocation in the middle of a
 * parse would abort the process. While tl__json_loadb() parses, a block the hook refuses is
 * recorded as a failure (the parse then reports TL_ENOMEM and frees the tree) and is served
 * from the C heap instead; json_release hands such blocks back to free(). */
static _Thread_local int json_parsing;
static _Thread_local void **json_spill;
static _Thread_local size_t json_spill_len, json_spill_cap;

static void *json_spill_alloc(size_t n)
{
    if (json_spill_len == json_spill_cap) {
        size_t cap = json_spill_cap ? json_spill_cap * 2 : 8;
        void **grown = realloc(json_spill, cap * sizeof *grown);
        if (!grown)
            return NULL;
        json_spill = grown;
        json_spill_cap = cap;
    }
    void *p = malloc(n ? n : 1);
    if (p)
        json_spill[json_spill_len++] = p;
    return p;
}

static void *json_alloc(size_t n)
{
    void *p = tl__malloc(n);
    if (!p) {
        json_alloc_failed = 1;
        if (json_parsing)
            p = json_spill_alloc(n);
    }
    return p;
}

static void json_release(void *p)
{
    for (size_t i = json_spill_len; i-- > 0;) {
        if (json_spill[i] == p) {
            json_spill[i] = json_spill[--json_spill_len];
            free(p);
            if (json_spill_len == 0) {
                free(json_spill);
                json_spill = NULL;
                json_spill_cap = 0;
            }
            return;
        }
    }
    tl__free(p);
}

/* Fill a jansson error the way its parser does (the code sits in the last byte of text). */
static void json_fail(json_error_t *err, size_t pos, const char *text, size_t len, const char *msg)
{
    int line = 1, col = 0;
    for (size_t i = 0; i < pos && i < len; i++) {
        if (text[i] == '\n') {
            line++;
            col = 0;
        } else {
            col++;
        }
    }
    err->line = line;
    err->column = col;
    err->position = pos > INT_MAX ? INT_MAX : (int)pos;
    snprintf(err->source, sizeof err->source, "<buffer>");
    snprintf(err->text, sizeof err->text, "%s", msg);
    err->text[JSON_ERROR_TEXT_LENGTH - 1] = (char)json_error_invalid_utf8;
}

/* What jansson would misreport: a UTF-8 byte order mark (Notepad and PowerShell 7's
 * "Out-File -Encoding utf8BOM" write one; RFC 8259 section 8.1 lets a parser ignore it) is
 * skipped; UTF-16 (Windows PowerShell 5.1's `>` and Out-File default) is named as such instead
 * of "unable to decode byte 0xff"; a raw NUL byte, never valid JSON text, is refused with its
 * offset (jansson accepts one right after a number). Returns the bytes to skip, or -1. */
static long json_text_check(const char *text, size_t len, json_error_t *err)
{
    const unsigned char *p = (const unsigned char *)text;
    const char *utf16 = NULL;
    if (len >= 2 && p[0] == 0xFF && p[1] == 0xFE)
        utf16 = "UTF-16 little-endian (byte order mark FF FE)";
    else if (len >= 2 && p[0] == 0xFE && p[1] == 0xFF)
        utf16 = "UTF-16 big-endian (byte order mark FE FF)";
    else if (len >= 2 && p[0] != 0 && p[1] == 0)
        utf16 = "UTF-16 little-endian (every other byte is NUL)";
    else if (len >= 2 && p[0] == 0 && p[1] != 0)
        utf16 = "UTF-16 big-endian (every other byte is NUL)";
    if (utf16) {
        char msg[JSON_ERROR_TEXT_LENGTH - 1];
        snprintf(msg, sizeof msg, "the text is %s; JSON must be UTF-8: re-save it as UTF-8", utf16);
        json_fail(err, 0, text, len, msg);
        return -1;
    }
    long skip = len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0;
    const char *nul = memchr(text, 0, len);
    if (nul) {
        json_fail(err, (size_t)(nul - text), text, len, "a NUL byte (binary data, not JSON text)");
        return -1;
    }
    return skip;
}

json_t *tl__json_loadb(const char *text, size_t len, size_t flags, json_error_t *err, int *oom)
{
    json_error_t local;
    if (!err)
        err = &local;
    *oom = 0;
    long skip = text ? json_text_check(text, len, err) : 0;
    if (skip < 0)
        return NULL;
    json_alloc_failed = 0;
    json_parsing = 1;
    json_t *root = json_loadb(text ? text + skip : text, len - (size_t)skip, flags, err);
    if (!root && skip && err->position >= 0 && err->position <= INT_MAX - skip)
        err->position += (int)skip; /* offsets count the byte order mark */
    if (!root && json_error_code(err) == json_error_null_character)
        /* jansson names its own flag ("... without JSON_ALLOW_NUL"): say it in JSON's terms */
        snprintf(err->text, sizeof err->text,
                 "a string holds \\u0000 (a NUL character), which "
                 "no tokenlens input allows");
    json_parsing = 0;
    *oom = json_alloc_failed || (!root && err && json_error_code(err) == json_error_out_of_memory);
    if (*oom && root) { /* jansson can drop a member it failed to allocate: never use the tree */
        json_decref(root);
        root = NULL;
    }
    json_alloc_failed = 0;
    return root;
}

void tl__json_oom_reset(void)
{
    json_alloc_failed = 0;
}

int tl__json_oom(const json_error_t *err)
{
    /* jansson reports some allocation failures as syntax errors, and returns NULL without a
     * code for others (lexer set-up): the hook saw them all. */
    return json_alloc_failed || (err && json_error_code(err) == json_error_out_of_memory);
}

void tl_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
                      void (*free_fn)(void *))
{
    alloc_malloc = malloc_fn ? malloc_fn : malloc;
    alloc_realloc = realloc_fn ? realloc_fn : realloc;
    alloc_free = free_fn ? free_fn : free;
    json_set_alloc_funcs(json_alloc, json_release);
}

void *tl__malloc(size_t n)
{
    return alloc_malloc(n ? n : 1);
}

bool tl__allocator_is_default(void)
{
    return alloc_malloc == malloc && alloc_free == free;
}
void *tl__realloc(void *p, size_t n)
{
    return alloc_realloc(p, n ? n : 1);
}
void tl__free(void *p)
{
    if (p)
        alloc_free(p);
}
void tl_free(void *p)
{
    tl__free(p);
}

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

char *tl__strdup(const char *s)
{
    return s ? tl__strndup(s, strlen(s)) : NULL;
}

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

void tl__buf_put(tl__buf *b, const char *s)
{
    tl__buf_putn(b, s, strlen(s));
}
void tl__buf_putc(tl__buf *b, char c)
{
    tl__buf_putn(b, &c, 1);
}

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

int tl__read_stream(char **out, size_t *len, FILE *f, const char *name, size_t max_bytes)
{
    *out = NULL;
    if (len)
        *len = 0;
    tl__buf b = TL__BUF_INIT;
    char chunk[65536];
    size_t n;
    int rc = TL_OK;
    /* Until end of file: one fread may return less than asked (a pipe, a signal), and stopping
     * there would hand a parser part of the input as if it were all of it. */
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n > max_bytes - b.len) {
            rc = tl__error(TL_ELIMIT, "%s is larger than the %zu-byte limit", name, max_bytes);
            break;
        }
        tl__buf_putn(&b, chunk, n);
        if (b.failed)
            break;
    }
    if (rc == TL_OK && ferror(f))
        rc = tl__error_native_kind(TL_EIO, TL_NATIVE_ERRNO, errno, "cannot read %s: %s", name,
                                   strerror(errno));
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

int tl__read_file(char **out, size_t *len, const char *path, size_t max_bytes)
{
    *out = NULL;
    if (len)
        *len = 0;
    FILE *f = NULL;
    int rc = tl__file_open(&f, path);
    if (rc != TL_OK)
        return rc;
    char *name = tl__asprintf("'%s'", path);
    rc = name ? tl__read_stream(out, len, f, name, max_bytes) : tl__oom();
    tl__free(name);
    fclose(f);
    return rc;
}

int tl__write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return tl__error_native_kind(TL_EIO, TL_NATIVE_ERRNO, errno, "cannot create '%s': %s", path,
                                     strerror(errno));
    size_t w = fwrite(data, 1, len, f);
    int bad = (w != len) | (fclose(f) != 0);
    if (bad)
        return tl__error_native_kind(TL_EIO, TL_NATIVE_ERRNO, errno, "cannot write '%s': %s", path,
                                     strerror(errno));
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
        if (c < 0x80) {
            k = 0;
            min = 0;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1;
            c &= 0x1F;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2;
            c &= 0x0F;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3;
            c &= 0x07;
            min = 0x10000;
        } else
            goto bad;
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

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

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

int tl__strcasecmp(const char *a, const char *b)
{
    return tl__strncasecmp(a, b, SIZE_MAX);
}
