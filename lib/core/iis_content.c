/* Content-folder descriptors for the isolation verdict (tokenlens/iis_content.h): the
 * SITE=SDDL reader the CLI and the bindings share. */
#include "internal.h"
#include "tokenlens/iis_content.h"
#include <string.h>

struct tl_iis_content {
    size_t count, cap;
    char **sites;
    tl_sd **sds;
};

int tl_iis_content_new(tl_iis_content **out)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_iis_content_new: out is NULL");
    *out = tl__calloc(1, sizeof **out);
    return *out ? TL_OK : tl__oom();
}

void tl_iis_content_free(tl_iis_content *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++) {
        tl__free(c->sites[i]);
        tl_sd_free(c->sds[i]);
    }
    tl__free(c->sites);
    tl__free(c->sds);
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

/* Append `site` (n bytes, copied) and `sd` (taken: freed on failure). */
static int append(tl_iis_content *c, const char *site, size_t n, tl_sd *sd)
{
    if (c->count >= TL_IIS_CONTENT_MAX_SITES) {
        tl_sd_free(sd);
        return tl__error(TL_ELIMIT, "more than %d content descriptors", TL_IIS_CONTENT_MAX_SITES);
    }
    if (c->count == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 8;
        char **sites = tl__realloc(c->sites, cap * sizeof *sites);
        if (sites)
            c->sites = sites;
        tl_sd **sds = sites ? tl__realloc(c->sds, cap * sizeof *sds) : NULL;
        if (sds)
            c->sds = sds;
        if (!sites || !sds) {
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
    c->sites[c->count] = copy;
    c->sds[c->count] = sd;
    c->count++;
    return TL_OK;
}

/* Parse `sddl` for `site` (n bytes) and append the pair. */
static int add_n(tl_iis_content *c, const char *site, size_t n, const char *sddl)
{
    if (n == 0)
        return tl__error(TL_EINVAL, "content descriptor without a site name");
    tl_sd *sd = NULL;
    int rc = tl_sd_from_sddl(&sd, sddl, NULL);
    if (rc != TL_OK) {
        tl__error_prefix("%.*s", (int)(n > 200 ? 200 : n), site);
        return rc;
    }
    return append(c, site, n, sd);
}

int tl_iis_content_add(tl_iis_content *c, const char *site, const char *sddl)
{
    if (!c || !site || !sddl)
        return tl__error(TL_EINVAL, "tl_iis_content_add: NULL argument");
    return add_n(c, site, strlen(site), sddl);
}

int tl_iis_content_add_spec(tl_iis_content *c, const char *spec)
{
    if (!c || !spec)
        return tl__error(TL_EINVAL, "tl_iis_content_add_spec: NULL argument");
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return tl__error_at(TL_EPARSE, 0, "expected SITE=SDDL, not '%.200s'", spec);
    return add_n(c, spec, (size_t)(eq - spec), eq + 1);
}

static bool blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r';
}

int tl_iis_content_parse(tl_iis_content *c, const char *text, size_t len)
{
    if (!c || (!text && len))
        return tl__error(TL_EINVAL, "tl_iis_content_parse: NULL argument");
    if (len > TL_IIS_CONTENT_MAX_FILE)
        return tl__error(TL_ELIMIT, "content file larger than %u bytes",
                         (unsigned)TL_IIS_CONTENT_MAX_FILE);
    unsigned line = 0;
    for (size_t at = 0; at < len;) {
        size_t end = at;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        size_t b = at, e = end;
        while (b < e && blank(text[b]))
            b++;
        while (e > b && blank(text[e - 1]))
            e--;
        at = end + 1;
        if (b == e || text[b] == '#')
            continue;
        char where[32];
        snprintf(where, sizeof where, "line %u", line);
        if (memchr(text + b, '\0', e - b))
            return tl__error_path(TL_EPARSE, where, "%s: NUL byte in a content line", where);
        char *spec = tl__malloc(e - b + 1);
        if (!spec)
            return tl__oom();
        memcpy(spec, text + b, e - b);
        spec[e - b] = '\0';
        int rc = tl_iis_content_add_spec(c, spec);
        tl__free(spec);
        if (rc == TL_EPARSE || rc == TL_EINVAL || rc == TL_ELIMIT) {
            /* name the line, in the message and as the error's path */
            char msg[600];
            snprintf(msg, sizeof msg, "%s: %s", where, tl_error_last()->message);
            return tl__error_path(rc, where, "%s", msg);
        }
        if (rc != TL_OK)
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
