/* The isolation verdict (issue 9 item 4): can one site's anonymous identity read another
 * site's content? An offline access check per pair, on top of tokenlens/access.h. */
#include "iis_internal.h"
#include "tokenlens/access.h"
#include <string.h>

struct tl_iis_isolation {
    tl__arena arena;
    tl_iis_isolation_check *checks;
    size_t count;
    bool holds;
};

/* The groups Windows puts in the tokens IIS uses for anonymous requests (docs/iis.md): every
 * token has Everyone, Authenticated Users and BUILTIN\Users; worker-process identities also
 * get SERVICE and (unless manualGroupMembership) IIS_IUSRS. */
static size_t subject(tl_sid *out, const tl_iis_identity *id)
{
    static const char *const common[] = {"S-1-1-0", "S-1-5-11", "S-1-5-32-545"};
    static const char *const worker[] = {"S-1-5-6", "S-1-5-32-568"};
    size_t n = 0;
    out[n++] = id->sid;
    for (size_t i = 0; i < 3; i++)
        tl_sid_from_string(&out[n++], common[i]);
    char buf[TL_SID_STRING_MAX];
    bool iusr =
        tl_sid_to_string(buf, sizeof buf, &id->sid) == TL_OK && strcmp(buf, "S-1-5-17") == 0;
    if (!iusr)
        for (size_t i = 0; i < 2; i++)
            tl_sid_from_string(&out[n++], worker[i]);
    return n;
}

static const char *reason_text(tl__arena *a, const tl_access_result *r)
{
    tl__buf t = TL__BUF_INIT;
    size_t n = tl_access_result_reason_count(r);
    for (size_t i = 0; i < n; i++) {
        const tl_access_reason *why = tl_access_result_reason_at(r, i);
        if (!why || !why->text)
            continue;
        if (t.len)
            tl__buf_put(&t, "; ");
        tl__buf_put(&t, why->text);
    }
    if (t.failed) {
        tl__buf_free(&t);
        return NULL;
    }
    const char *s = tl__arena_strdup(a, t.data ? t.data : "");
    tl__buf_free(&t);
    return s;
}

int tl_iis_isolation_evaluate(tl_iis_isolation **out, const tl_iis_audit *audit,
                              const char *const *sites, const tl_sd *const *descriptors,
                              size_t count)
{
    if (!out)
        return tl__error(TL_EINVAL, "out is NULL");
    if (!audit || (count && (!sites || !descriptors)))
        return tl__error(TL_EINVAL, "NULL argument");
    size_t *idx = tl__calloc(count ? count : 1, sizeof *idx);
    if (!idx)
        return tl__oom();
    for (size_t i = 0; i < count; i++) {
        if (!sites[i] || !descriptors[i]) {
            tl__free(idx);
            return tl__error(TL_EINVAL, "content %zu has no site name or descriptor", i);
        }
        int rc = tl_iis_site_find(&idx[i], audit, sites[i]);
        if (rc != TL_OK) {
            tl__free(idx);
            return rc;
        }
    }
    tl_iis_isolation *iso = tl__calloc(1, sizeof *iso);
    if (!iso) {
        tl__free(idx);
        return tl__oom();
    }
    iso->holds = true;
    int rc = TL_OK;
    iso->checks = tl__arena_alloc(&iso->arena, (count ? count * count : 1) * sizeof *iso->checks);
    if (!iso->checks)
        rc = tl__oom();
    tl_access_options opts;
    memset(&opts, 0, sizeof opts);
    opts.object = TL_OBJECT_FILE;
    for (size_t i = 0; i < count && rc == TL_OK; i++) {
        const tl_iis_site *reader = tl_iis_site_at(audit, idx[i]);
        const tl_iis_identity *id = reader->apps[0].anonymous;
        if (!id)
            continue; /* no anonymous requests, nothing to isolate */
        for (size_t j = 0; j < count && rc == TL_OK; j++) {
            tl_iis_isolation_check *c = &iso->checks[iso->count++];
            memset(c, 0, sizeof *c);
            c->reader = reader->name;
            c->identity = id;
            c->content = tl_iis_site_at(audit, idx[j])->name;
            if (!id->sid_known) {
                c->reason = "the anonymous account's SID is not known offline";
                continue;
            }
            tl_sid subj[8];
            size_t ns = subject(subj, id);
            tl_access_result *res = NULL;
            rc = tl_access_check_sids(&res, descriptors[j], subj, ns, TL_FILE_GENERIC_READ, &opts);
            if (rc != TL_OK)
                break;
            c->known = true;
            c->can_read = tl_access_result_allowed(res);
            c->reason = reason_text(&iso->arena, res);
            tl_access_result_free(res);
            if (!c->reason)
                rc = tl__oom();
            if (c->can_read && idx[i] != idx[j])
                iso->holds = false;
        }
    }
    tl__free(idx);
    if (rc != TL_OK) {
        tl_iis_isolation_free(iso);
        return rc;
    }
    *out = iso;
    return TL_OK;
}

void tl_iis_isolation_free(tl_iis_isolation *iso)
{
    if (!iso)
        return;
    tl__arena_free(&iso->arena);
    tl__free(iso);
}

size_t tl_iis_isolation_count(const tl_iis_isolation *iso)
{
    return iso ? iso->count : 0;
}

const tl_iis_isolation_check *tl_iis_isolation_at(const tl_iis_isolation *iso, size_t i)
{
    return iso && i < iso->count ? &iso->checks[i] : NULL;
}

bool tl_iis_isolation_holds(const tl_iis_isolation *iso)
{
    return iso && iso->holds;
}
