/* Content-folder descriptors for the isolation verdict (tokenlens/iis_content.h): the
 * SITE=SDDL reader the CLI and the bindings share. Whole input or nothing: a NUL byte, bytes
 * that are not UTF-8, a UTF-16 file, an over-long line or a site given twice is an error that
 * names the line, and a failed parse leaves the list as it was (never a verdict from part of
 * the input). */
#include "arena.h"
#include "internal.h"
#include "tokenlens/iis_content.h"
#include <stdarg.h>
#include <string.h>

struct tl_iis_content {
    size_t count, cap;
    char **sites;
    tl_sd **sds;
    unsigned *lines; /* line of the content file each pair came from, 0: added directly */
    tl__smap index;  /* site name (ASCII case-insensitive, as IIS compares) -> pair */
};

int tl_iis_content_new(tl_iis_content **out)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_iis_content_new: out is NULL");
    *out = tl__calloc(1, sizeof **out);
    return *out ? TL_OK : tl__oom();
}

/* Drop the pairs from `keep` on and rebuild the index (a failed parse's rollback). */
static void truncate_to(tl_iis_content *c, size_t keep)
{
    for (size_t i = keep; i < c->count; i++) {
        tl__free(c->sites[i]);
        tl_sd_free(c->sds[i]);
    }
    c->count = keep;
    tl__smap_free(&c->index);
    memset(&c->index, 0, sizeof c->index);
    for (size_t i = 0; i < keep; i++)
        if (tl__smap_put(&c->index, c->sites[i], strlen(c->sites[i]), i) != 0)
            break; /* out of memory: duplicates among the kept pairs are then found by
                      tl_iis_isolation_evaluate(), which checks again */
}

void tl_iis_content_free(tl_iis_content *c)
{
    if (!c)
        return;
    truncate_to(c, 0);
    tl__smap_free(&c->index);
    tl__free(c->sites);
    tl__free(c->sds);
    tl__free(c->lines);
    tl__free(c);
}

size_t tl_iis_content_count(const tl_iis_content *c)
{
    return c ? c->count : 0;
}

const char *tl_iis_content_site(const tl_iis_content *c, size_t i)
{
    return c && i < c->count ? c->sites[i] : NULL;
}

const tl_sd *tl_iis_content_sd(const tl_iis_content *c, size_t i)
{
    return c && i < c->count ? c->sds[i] : NULL;
}

static int grow(void **p, size_t cap, size_t elem)
{
    void *n = tl__realloc(*p, cap * elem);
    if (!n)
        return -1;
    *p = n;
    return 0;
}

/* Append `site` (n bytes, copied) and `sd` (taken: freed on failure), from `line`. */
static int append(tl_iis_content *c, const char *site, size_t n, tl_sd *sd, unsigned line)
{
    const size_t *dup = tl__smap_get(&c->index, site, n);
    if (dup) {
        unsigned first = c->lines[*dup];
        tl_sd_free(sd);
        if (first)
            return tl__error(TL_EPARSE, "site '%.*s' is given twice (first on line %u)",
                             (int)(n > 200 ? 200 : n), site, first);
        return tl__error(TL_EPARSE,
                         "site '%.*s' is given twice (pair %zu, added before this one: with "
                         "--content or tl_iis_content_add)",
                         (int)(n > 200 ? 200 : n), site, *dup + 1);
    }
    if (c->count >= TL_IIS_CONTENT_MAX_SITES) {
        tl_sd_free(sd);
        return tl__error(TL_ELIMIT, "more than %d content descriptors", TL_IIS_CONTENT_MAX_SITES);
    }
    if (c->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 8;
        if (grow((void **)&c->sites, cap, sizeof *c->sites) ||
            grow((void **)&c->sds, cap, sizeof *c->sds) ||
            grow((void **)&c->lines, cap, sizeof *c->lines)) {
            tl_sd_free(sd);
            return tl__oom();
        }
        c->cap = cap;
    }
    char *copy = tl__malloc(n + 1);
    if (!copy) {
        tl_sd_free(sd);
        return tl__oom();
    }
    memcpy(copy, site, n);
    copy[n] = '\0';
    if (tl__smap_put(&c->index, copy, n, c->count) != 0) {
        tl__free(copy);
        tl_sd_free(sd);
        return tl__oom();
    }
    c->sites[c->count] = copy;
    c->sds[c->count] = sd;
    c->lines[c->count] = line;
    c->count++;
    return TL_OK;
}

/* Parse `sddl` for `site` (n bytes) and append the pair. */
static int add_n(tl_iis_content *c, const char *site, size_t n, const char *sddl, unsigned line)
{
    if (n == 0)
        return tl__error(TL_EINVAL, "content descriptor without a site name");
    tl_sd *sd = NULL;
    int rc = tl_sd_from_sddl(&sd, sddl, NULL);
    if (rc != TL_OK) {
        tl__error_prefix("%.*s", (int)(n > 200 ? 200 : n), site);
        return rc;
    }
    return append(c, site, n, sd, line);
}

int tl_iis_content_add(tl_iis_content *c, const char *site, const char *sddl)
{
    if (!c || !site || !sddl)
        return tl__error(TL_EINVAL, "tl_iis_content_add: NULL argument");
    return add_n(c, site, strlen(site), sddl, 0);
}

static int add_spec(tl_iis_content *c, const char *spec, unsigned line)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return tl__error_at(TL_EPARSE, 0, "expected SITE=SDDL, not '%.200s'", spec);
    return add_n(c, spec, (size_t)(eq - spec), eq + 1, line);
}

int tl_iis_content_add_spec(tl_iis_content *c, const char *spec)
{
    if (!c || !spec)
        return tl__error(TL_EINVAL, "tl_iis_content_add_spec: NULL argument");
    return add_spec(c, spec, 0);
}

static bool blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Length of the valid UTF-8 prefix of s[0..n) (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF). */
static size_t utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF)
            k = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (k > n - i - 1 || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t j = 2; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return i;
        i += k + 1;
    }
    return n;
}

static int error_at_line(int rc, size_t offset, const char *where, const char *fmt, ...)
    TL__PRINTF(4, 5);
static int error_at_line(int rc, size_t offset, const char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl__error_full(rc, offset, where, 0, fmt, ap);
    va_end(ap);
    return rc;
}

/* Raise `rc` for line `line`, starting at byte `offset` of the text: "line N: message", with
 * "line N" as the error's path and the offset as its offset. */
static int line_error(int rc, unsigned line, size_t offset, const char *msg)
{
    char where[32];
    snprintf(where, sizeof where, "line %u", line);
    return error_at_line(rc, offset, where, "%s: %s", where, msg);
}

static int parse_lines(tl_iis_content *c, const char *text, size_t len)
{
    unsigned line = 0;
    size_t at = 0;
    /* A UTF-8 byte order mark is what Windows editors put first; UTF-16 (PowerShell 5's
     * Out-File and '>' default) is refused by name. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        at = 3;
    else if (len >= 2 && (memcmp(text, "\xFF\xFE", 2) == 0 || memcmp(text, "\xFE\xFF", 2) == 0))
        return line_error(TL_EPARSE, 1, 0,
                          "the file is UTF-16; re-save it as UTF-8 (PowerShell: Set-Content "
                          "-Encoding utf8)");
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        line++;
        if (end - at > TL_IIS_CONTENT_MAX_LINE) {
            char msg[96];
            snprintf(msg, sizeof msg, "line longer than the %u-byte limit",
                     (unsigned)TL_IIS_CONTENT_MAX_LINE);
            return line_error(TL_ELIMIT, line, at, msg);
        }
        const char *nul = memchr(text + at, '\0', end - at);
        if (nul) {
            char msg[64];
            snprintf(msg, sizeof msg, "NUL byte at column %zu", (size_t)(nul - text - at) + 1);
            return line_error(TL_EPARSE, line, at, msg);
        }
        size_t ok = utf8_valid((const unsigned char *)text + at, end - at);
        if (ok != end - at) {
            char msg[80];
            snprintf(msg, sizeof msg, "invalid UTF-8 (byte 0x%02x at column %zu)",
                     (unsigned char)text[at + ok], ok + 1);
            return line_error(TL_EPARSE, line, at, msg);
        }
        size_t b = at, e = end;
        while (b < e && blank(text[b]))
            b++;
        while (e > b && blank(text[e - 1]))
            e--;
        at = end + 1;
        if (b == e || text[b] == '#')
            continue;
        char *spec = tl__malloc(e - b + 1);
        if (!spec)
            return tl__oom();
        memcpy(spec, text + b, e - b);
        spec[e - b] = '\0';
        int rc = add_spec(c, spec, line);
        tl__free(spec);
        if (rc == TL_EPARSE || rc == TL_EINVAL || rc == TL_ELIMIT) {
            /* name the line, in the message and as the error's path */
            char msg[600];
            snprintf(msg, sizeof msg, "%s", tl_error_last()->message);
            return line_error(rc, line, b, msg);
        }
        if (rc != TL_OK)
            return rc;
    }
    return TL_OK;
}

int tl_iis_content_parse(tl_iis_content *c, const char *text, size_t len)
{
    if (!c || (!text && len))
        return tl__error(TL_EINVAL, "tl_iis_content_parse: NULL argument");
    if (len > TL_IIS_CONTENT_MAX_FILE)
        return tl__error(TL_ELIMIT, "content file larger than %u bytes",
                         (unsigned)TL_IIS_CONTENT_MAX_FILE);
    size_t keep = c->count;
    int rc = parse_lines(c, text, len);
    if (rc != TL_OK) {
        truncate_to(c, keep);
        return rc;
    }
    tl_error_clear();
    return TL_OK;
}

int tl_iis_content_load(tl_iis_content *c, const char *path)
{
    if (!c || !path)
        return tl__error(TL_EINVAL, "tl_iis_content_load: NULL argument");
    char *text = NULL;
    size_t len = 0;
    int rc = tl__read_file(&text, &len, path, TL_IIS_CONTENT_MAX_FILE);
    if (rc == TL_ELIMIT)
        rc = tl__error(TL_ELIMIT,
                       "'%s' is larger than the %u-byte content file limit: nothing of it was "
                       "read",
                       path, (unsigned)TL_IIS_CONTENT_MAX_FILE);
    if (rc != TL_OK)
        return rc;
    rc = tl_iis_content_parse(c, text, len);
    tl__free(text);
    if (rc != TL_OK && rc != TL_ENOMEM)
        tl__error_prefix("%s", path);
    return rc;
}

int tl_iis_content_evaluate(tl_iis_isolation **out, const tl_iis_audit *audit,
                            const tl_iis_content *c)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_iis_content_evaluate: out is NULL");
    *out = NULL;
    if (!c)
        return tl__error(TL_EINVAL, "tl_iis_content_evaluate: content is NULL");
    return tl_iis_isolation_evaluate(out, audit, (const char *const *)c->sites,
                                     (const tl_sd *const *)c->sds, c->count);
}
