/* The isolation verdict (issue 9 item 4): can one site's anonymous identity read another
 * site's content? An offline access check per distinct (anonymous identity, descriptor) pair,
 * on top of tokenlens/access.h.
 *
 * Cost (issue 18 item 2): the answer is a readers x contents matrix, bounded by
 * TL_IIS_ISOLATION_MAX_CHECKS; the access checks run once per distinct (identity SID,
 * descriptor) pair, since the token Windows builds for an anonymous request depends only on
 * the identity's SID (subject() below) and the check only on the token and the descriptor.
 * Sites are found through a hash map, so nothing is count x site_count. */
#include "iis_internal.h"
#include "tokenlens/access.h"
#include <string.h>

struct tl_iis_isolation {
    tl__arena arena;
    tl_iis_isolation_check *checks;
    size_t count;
    size_t distinct; /* access checks run */
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

/* ---- descriptor classes: byte-identical binary forms are one class --------------------- */

typedef struct sd_key {
    uint8_t *bin;
    size_t len;
    size_t cls;
} sd_key;

static uint64_t fnv(const uint8_t *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

/* Class of each descriptor in cls[]; returns the number of classes, or (size_t)-1 with the
 * error raised. */
static size_t sd_classes(size_t *cls, const tl_sd *const *sds, size_t count)
{
    size_t cap = 16;
    while (cap < 2 * count)
        cap *= 2;
    sd_key *table = tl__calloc(cap, sizeof *table);
    if (!table) {
        tl__oom();
        return (size_t)-1;
    }
    size_t n = 0, fail = 0;
    for (size_t i = 0; i < count && !fail; i++) {
        uint8_t *bin = NULL;
        size_t len = 0;
        if (tl_sd_to_binary(&bin, &len, sds[i]) != TL_OK) {
            tl__error_prefix("content %zu", i + 1);
            fail = 1;
            break;
        }
        size_t at = (size_t)fnv(bin, len) & (cap - 1);
        while (table[at].bin && (table[at].len != len || memcmp(table[at].bin, bin, len) != 0))
            at = (at + 1) & (cap - 1);
        if (table[at].bin) {
            tl_free(bin);
            cls[i] = table[at].cls;
        } else {
            table[at].bin = bin;
            table[at].len = len;
            table[at].cls = cls[i] = n++;
        }
    }
    for (size_t i = 0; i < cap; i++)
        tl_free(table[i].bin);
    tl__free(table);
    return fail ? (size_t)-1 : n;
}

/* ---- the verdict ------------------------------------------------------------------------ */

typedef struct memo {
    bool done, can_read;
    const char *reason;
} memo;

int tl_iis_isolation_evaluate(tl_iis_isolation **out, const tl_iis_audit *audit,
                              const char *const *sites, const tl_sd *const *descriptors,
                              size_t count)
{
    if (!out)
        return tl__error(TL_EINVAL, "out is NULL");
    if (!audit || (count && (!sites || !descriptors)))
        return tl__error(TL_EINVAL, "NULL argument");
    for (size_t i = 0; i < count; i++)
        if (!sites[i] || !descriptors[i])
            return tl__error(TL_EINVAL, "content %zu has no site name or descriptor", i);
    int rc = TL_OK;
    tl__smap by_name = {0}, given = {0}, by_sid = {0};
    size_t *idx = tl__calloc(count ? count : 1, sizeof *idx);
    size_t *sdc = tl__calloc(count ? count : 1, sizeof *sdc);
    size_t *reader = tl__calloc(count ? count : 1, sizeof *reader); /* content index */
    size_t *idc = tl__calloc(count ? count : 1, sizeof *idc);       /* per reader */
    const tl_iis_identity **rep = tl__calloc(count ? count : 1, sizeof *rep);
    memo *m = NULL;
    tl_iis_isolation *iso = tl__calloc(1, sizeof *iso);
    char(*sidtext)[TL_SID_STRING_MAX] = tl__calloc(count ? count : 1, sizeof *sidtext);
    if (!idx || !sdc || !reader || !idc || !rep || !iso || !sidtext) {
        rc = tl__oom();
        goto done;
    }
    /* site names -> index, once (the first of equal names, as tl_iis_site_find) */
    for (size_t i = 0; i < audit->site_count && count; i++) {
        const char *nm = audit->sites[i].name;
        if (!tl__smap_get(&by_name, nm, strlen(nm)) &&
            tl__smap_put(&by_name, nm, strlen(nm), i) != 0) {
            rc = tl__oom();
            goto done;
        }
    }
    size_t nreaders = 0;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(sites[i]);
        const size_t *hit = tl__smap_get(&by_name, sites[i], n);
        if (!hit) {
            rc = tl__error(TL_ENOTFOUND, "no site named '%.200s'", sites[i]);
            goto done;
        }
        const size_t *dup = tl__smap_get(&given, sites[i], n);
        if (dup) {
            /* one folder, two descriptors: which one is true cannot be guessed */
            rc = tl__error(TL_EINVAL, "site '%.200s' is given twice (content %zu and %zu)",
                           sites[i], *dup + 1, i + 1);
            goto done;
        }
        if (tl__smap_put(&given, sites[i], n, i) != 0) {
            rc = tl__oom();
            goto done;
        }
        idx[i] = *hit;
        if (audit->sites[*hit].apps[0].anonymous)
            reader[nreaders++] = i;
    }
    if (nreaders && count > TL_IIS_ISOLATION_MAX_CHECKS / nreaders) {
        rc = tl__error(TL_ELIMIT,
                       "%zu sites with anonymous access x %zu content folders is more than the "
                       "%u checks of one isolation verdict",
                       nreaders, count, (unsigned)TL_IIS_ISOLATION_MAX_CHECKS);
        goto done;
    }
    /* identity classes: one per distinct SID among the readers */
    size_t nid = 0;
    for (size_t r = 0; r < nreaders; r++) {
        const tl_iis_identity *id = audit->sites[idx[reader[r]]].apps[0].anonymous;
        idc[r] = (size_t)-1;
        if (!id->sid_known)
            continue;
        if (tl_sid_to_string(sidtext[r], sizeof sidtext[r], &id->sid) != TL_OK) {
            rc = tl__error(TL_EINVAL, "site '%s': anonymous identity has an invalid SID",
                           audit->sites[idx[reader[r]]].name);
            goto done;
        }
        const size_t *hit = tl__smap_get(&by_sid, sidtext[r], strlen(sidtext[r]));
        if (hit)
            idc[r] = *hit;
        else {
            if (tl__smap_put(&by_sid, sidtext[r], strlen(sidtext[r]), nid) != 0) {
                rc = tl__oom();
                goto done;
            }
            rep[nid] = id;
            idc[r] = nid++;
        }
    }
    size_t nsd = 0;
    if (nid) {
        nsd = sd_classes(sdc, descriptors, count);
        if (nsd == (size_t)-1) {
            rc = tl_error_last()->code ? tl_error_last()->code : TL_ENOMEM;
            goto done;
        }
        m = tl__calloc(nid * nsd, sizeof *m); /* <= nreaders x count, bounded above */
        if (!m) {
            rc = tl__oom();
            goto done;
        }
    }
    iso->holds = true;
    iso->checks =
        tl__arena_alloc(&iso->arena, (nreaders ? nreaders * count : 1) * sizeof *iso->checks);
    if (!iso->checks) {
        rc = tl__oom();
        goto done;
    }
    tl_access_options opts;
    memset(&opts, 0, sizeof opts);
    opts.object = TL_OBJECT_FILE;
    for (size_t r = 0; r < nreaders && rc == TL_OK; r++) {
        const tl_iis_site *rs = &audit->sites[idx[reader[r]]];
        const tl_iis_identity *id = rs->apps[0].anonymous;
        for (size_t j = 0; j < count; j++) {
            tl_iis_isolation_check *c = &iso->checks[iso->count++];
            memset(c, 0, sizeof *c);
            c->reader = rs->name;
            c->identity = id;
            c->content = audit->sites[idx[j]].name;
            if (idc[r] == (size_t)-1) {
                c->reason = "the anonymous account's SID is not known offline";
                if (idx[reader[r]] != idx[j])
                    iso->holds = false; /* not shown is not "holds" (issue 18: no false safe) */
                continue;
            }
            memo *e = &m[idc[r] * nsd + sdc[j]];
            if (!e->done) {
                tl_sid subj[8];
                size_t ns = subject(subj, rep[idc[r]]);
                tl_access_result *res = NULL;
                rc = tl_access_check_sids(&res, descriptors[j], subj, ns, TL_FILE_GENERIC_READ,
                                          &opts);
                if (rc != TL_OK)
                    break;
                iso->distinct++;
                e->can_read = tl_access_result_allowed(res);
                e->reason = reason_text(&iso->arena, res);
                tl_access_result_free(res);
                if (!e->reason) {
                    rc = tl__oom();
                    break;
                }
                e->done = true;
            }
            c->known = true;
            c->can_read = e->can_read;
            c->reason = e->reason;
            if (c->can_read && idx[reader[r]] != idx[j])
                iso->holds = false;
        }
    }
done:
    tl__smap_free(&by_name);
    tl__smap_free(&given);
    tl__smap_free(&by_sid);
    tl__free(idx);
    tl__free(sdc);
    tl__free(reader);
    tl__free(idc);
    tl__free(rep);
    tl__free(m);
    tl__free(sidtext);
    if (rc != TL_OK) {
        tl_iis_isolation_free(iso);
        return rc;
    }
    *out = iso;
    tl_error_clear();
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

size_t tl_iis_isolation_access_checks(const tl_iis_isolation *iso)
{
    return iso ? iso->distinct : 0;
}

const tl_iis_isolation_check *tl_iis_isolation_at(const tl_iis_isolation *iso, size_t i)
{
    return iso && i < iso->count ? &iso->checks[i] : NULL;
}

bool tl_iis_isolation_holds(const tl_iis_isolation *iso)
{
    return iso && iso->holds;
}
