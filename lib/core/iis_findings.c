/* IIS audit findings: shared anonymous identities, shared pools, LocalSystem pools, network
 * identities, undeclared pools, locked sections and Kerberos with kernel-mode authentication,
 * each in plain words with the fix. Rules and sources: docs/iis.md. */
#include "iis_reader.h"
#include <stdlib.h>
#include <string.h>

/* ---- findings ------------------------------------------------------------------------------- */

/* "a and b", "a, b and c", "a, b, ... and 7 more" */
static void put_names(tl__buf *t, const char *const *names, size_t n)
{
    const size_t show = 8;
    size_t shown = n > show + 1 ? show : n;
    for (size_t i = 0; i < shown; i++) {
        if (i > 0)
            tl__buf_put(t, (i == shown - 1 && shown == n) ? " and " : ", ");
        tl__buf_put(t, names[i]);
    }
    if (shown < n)
        tl__buf_printf(t, " and %zu more", n - shown);
}

static int add_finding(builder *b, tl_iis_finding_kind kind, tl_iis_severity sev, tl__buf *text,
                       const char *fix, const char *const *sites, size_t nsites)
{
    if (text->failed || !text->data ||
        tl__array_grow(&b->findings, &b->cap_findings, b->nfindings + 1, sizeof *b->findings) !=
            0) {
        tl__buf_free(text);
        return tl__oom();
    }
    tl_iis_finding *f = &b->findings[b->nfindings];
    f->kind = kind;
    f->severity = sev;
    f->text = tl__arena_strdup(&b->a->arena, text->data);
    tl__buf_free(text);
    f->fix = fix;
    f->site_count = nsites;
    f->sites = sites;
    if (!f->text)
        return tl__oom();
    b->nfindings++;
    return TL_OK;
}

static const char **site_list(builder *b, size_t n)
{
    return tl__arena_alloc(&b->a->arena, (n ? n : 1) * sizeof(const char *));
}

static int shared_findings(builder *b)
{
    tl_iis_audit *a = b->a;
    for (size_t i = 0; i < a->shared_count; i++) {
        const tl_iis_shared_identity *g = &a->shared[i];
        tl__buf t = TL__BUF_INIT;
        tl__buf_put(&t, "sites ");
        put_names(&t, g->sites, g->site_count);
        tl__buf_printf(&t,
                       " %s serve anonymous requests as %s: ", g->site_count == 2 ? "both" : "all",
                       g->identity.name);
        tl__buf_put(&t, g->site_count == 2 ? "either can read the other's content"
                                           : "each can read the others' content");
        bool is_pool = strncmp(g->identity.name, "IIS APPPOOL\\", 12) == 0;
        const char *fix =
            is_pool ? "give each site its own application pool (one pool per site); with "
                      "anonymousAuthentication userName=\"\" each site's anonymous requests "
                      "then run as its own IIS APPPOOL\\<pool>, and each content folder can be "
                      "granted to that identity alone"
                    : "set anonymousAuthentication userName=\"\" so anonymous requests run as "
                      "the application pool identity, give each site its own application pool "
                      "(one pool per site), and grant each content folder to its own "
                      "IIS APPPOOL\\<pool> only";
        int rc = add_finding(b, TL_IIS_FINDING_SHARED_ANONYMOUS, TL_IIS_WARNING, &t, fix, g->sites,
                             g->site_count);
        if (rc != TL_OK)
            return rc;
    }
    return TL_OK;
}

/* Pools whose identity reaches other machines as the computer account (want =
 * TL_IIS_APPPOOL_IDENTITY) or anonymously (want = TL_IIS_LOCAL_SERVICE). */
static bool net_class(tl_iis_identity_type t, tl_iis_identity_type want)
{
    if (want == TL_IIS_LOCAL_SERVICE)
        return t == TL_IIS_LOCAL_SERVICE;
    return t == TL_IIS_APPPOOL_IDENTITY || t == TL_IIS_NETWORK_SERVICE || t == TL_IIS_LOCAL_SYSTEM;
}

static const char **sites_using(builder *b, tl_iis_identity_type want, size_t *n)
{
    tl_iis_audit *a = b->a;
    const char **list = site_list(b, a->site_count);
    *n = 0;
    if (!list)
        return NULL;
    for (size_t s = 0; s < a->site_count; s++)
        for (size_t k = 0; k < a->sites[s].app_count; k++) {
            const tl_iis_pool *p = a->sites[s].apps[k].pool;
            if (p->declared && net_class(p->identity_type, want)) {
                list[(*n)++] = a->sites[s].name;
                break;
            }
        }
    return list;
}

static int network_finding(builder *b, const char **pools, size_t np, tl_iis_identity_type want)
{
    tl__buf t = TL__BUF_INIT;
    tl__buf_printf(&t, "application pool%s ", np > 1 ? "s" : "");
    put_names(&t, pools, np);
    const char *fix;
    if (want == TL_IIS_LOCAL_SERVICE) {
        tl__buf_printf(&t,
                       " run%s as LocalService, which presents anonymous credentials on "
                       "the network: remote resources see ANONYMOUS LOGON",
                       np > 1 ? "" : "s");
        fix = "use ApplicationPoolIdentity (arrives as the computer account) or a domain "
              "account when the site needs remote resources";
    } else {
        tl__buf_printf(&t,
                       " run%s as ApplicationPoolIdentity, NetworkService or LocalSystem: "
                       "on this machine the process is IIS APPPOOL\\<pool> (or the built-in "
                       "account), but when it calls another machine (SQL Server, a file share) "
                       "without impersonating, it arrives as the computer account "
                       "DOMAIN\\HOST$ on a domain member (a workgroup machine has no "
                       "computer account the other side knows)",
                       np > 1 ? "" : "s");
        fix = "grant remote resources to the computer account (DOMAIN\\HOST$), not to "
              "IIS APPPOOL\\<pool>; or run the pool as a domain account or gMSA when the remote "
              "side must tell sites apart";
    }
    size_t ns = 0;
    const char **sites = sites_using(b, want, &ns);
    if (!sites) {
        tl__buf_free(&t);
        return tl__oom();
    }
    return add_finding(b, TL_IIS_FINDING_NETWORK_IDENTITY, TL_IIS_INFO, &t, fix, sites, ns);
}

static int pool_findings(builder *b)
{
    tl_iis_audit *a = b->a;
    size_t np = a->pool_count;
    const char ***lists = tl__calloc(np ? np : 1, sizeof *lists);
    size_t *counts = tl__calloc(np ? np : 1, sizeof *counts);
    size_t *last = tl__calloc(np ? np : 1, sizeof *last);
    const char **mpools = tl__calloc(np ? np : 1, sizeof *mpools);
    const char **lpools = tl__calloc(np ? np : 1, sizeof *lpools);
    size_t nm = 0, nl = 0;
    int rc = TL_OK;
    if (!lists || !counts || !last || !mpools || !lpools) {
        rc = tl__oom();
        goto out;
    }
    for (size_t p = 0; p < np; p++)
        if (!(lists[p] = site_list(b, a->pools[p].site_count))) {
            rc = tl__oom();
            goto out;
        }
    /* Sites per pool, each once, in site order. */
    for (size_t s = 0; s < a->site_count; s++)
        for (size_t k = 0; k < a->sites[s].app_count; k++) {
            size_t p = (size_t)(a->sites[s].apps[k].pool - a->pools);
            if (last[p] != s + 1) {
                last[p] = s + 1;
                lists[p][counts[p]++] = a->sites[s].name;
            }
        }
    for (size_t p = 0; p < np && rc == TL_OK; p++) {
        const tl_iis_pool *pool = &a->pools[p];
        if (!counts[p])
            continue;
        if (!pool->declared) {
            tl__buf t = TL__BUF_INIT;
            tl__buf_printf(&t, "application pool '%s' is used by site%s ", pool->name,
                           counts[p] > 1 ? "s" : "");
            put_names(&t, lists[p], counts[p]);
            tl__buf_put(&t, " but is not defined in applicationPools: IIS cannot start it and "
                            "answers 503 Service Unavailable");
            rc = add_finding(b, TL_IIS_FINDING_UNDECLARED_POOL, TL_IIS_CRITICAL, &t,
                             "define the pool under system.applicationHost/applicationPools, or "
                             "point the applications at an existing pool",
                             lists[p], counts[p]);
            continue;
        }
        if (counts[p] > 1) {
            tl__buf t = TL__BUF_INIT;
            tl__buf_put(&t, "sites ");
            put_names(&t, lists[p], counts[p]);
            tl__buf_printf(&t,
                           " share application pool '%s': their code runs as one process "
                           "identity (%s), so each can read and change whatever the other%s can",
                           pool->name, pool->identity.name, counts[p] == 2 ? "" : "s");
            rc = add_finding(b, TL_IIS_FINDING_SHARED_POOL, TL_IIS_WARNING, &t,
                             "give each site its own application pool (one pool per site)",
                             lists[p], counts[p]);
            if (rc != TL_OK)
                break;
        }
        if (pool->identity_type == TL_IIS_LOCAL_SYSTEM) {
            tl__buf t = TL__BUF_INIT;
            tl__buf_printf(&t,
                           "application pool '%s' runs as LocalSystem (NT AUTHORITY\\SYSTEM): "
                           "code in site%s ",
                           pool->name, counts[p] > 1 ? "s" : "");
            put_names(&t, lists[p], counts[p]);
            tl__buf_put(&t, " has full control of the machine, and acts as the computer "
                            "account on the network");
            rc = add_finding(b, TL_IIS_FINDING_LOCAL_SYSTEM, TL_IIS_CRITICAL, &t,
                             "run the pool as ApplicationPoolIdentity (or a dedicated "
                             "low-privilege account)",
                             lists[p], counts[p]);
            if (rc != TL_OK)
                break;
        }
        if (net_class(pool->identity_type, TL_IIS_APPPOOL_IDENTITY))
            mpools[nm++] = pool->name;
        else if (net_class(pool->identity_type, TL_IIS_LOCAL_SERVICE))
            lpools[nl++] = pool->name;
    }
    if (rc == TL_OK && nm)
        rc = network_finding(b, mpools, nm, TL_IIS_APPPOOL_IDENTITY);
    if (rc == TL_OK && nl)
        rc = network_finding(b, lpools, nl, TL_IIS_LOCAL_SERVICE);
out:
    tl__free(lists);
    tl__free(counts);
    tl__free(last);
    tl__free(mpools);
    tl__free(lpools);
    return rc;
}

/* Kernel-mode Windows authentication decrypts Kerberos service tickets with the computer
 * account's key; a pool running as a domain account whose HTTP SPN is registered on that
 * account needs useAppPoolCredentials="true" (or kernel mode off). */
static int kerberos_findings(builder *b)
{
    tl_iis_audit *a = b->a;
    for (size_t s = 0; s < a->site_count; s++)
        for (size_t k = 0; k < a->sites[s].app_count; k++) {
            const tl_iis_app *app = &a->sites[s].apps[k];
            bool negotiate = false;
            for (size_t i = 0; i < app->auth.provider_count; i++)
                if (tl__strncasecmp(app->auth_providers[i], "Negotiate", 9) == 0)
                    negotiate = true;
            if (!app->auth.windows_enabled || !negotiate || !app->auth.use_kernel_mode ||
                app->auth.use_app_pool_credentials ||
                app->pool->identity_type != TL_IIS_SPECIFIC_USER || !app->pool->declared)
                continue;
            const char **one = site_list(b, 1);
            if (!one)
                return tl__oom();
            one[0] = a->sites[s].name;
            tl__buf t = TL__BUF_INIT;
            tl__buf_printf(&t,
                           "site %s, application %s: Windows authentication runs in kernel "
                           "mode, which decrypts Kerberos tickets with the computer account, but "
                           "the pool runs as %s: if the site's HTTP SPN is registered on %s, "
                           "Kerberos requests fail with HTTP 401 (HTTP.sys cannot decrypt the "
                           "ticket; docs/rules.md iis.kernel-mode-key)",
                           a->sites[s].name, app->path, app->pool->identity.name,
                           app->pool->identity.name);
            int rc = add_finding(b, TL_IIS_FINDING_KERBEROS_KERNEL_MODE, TL_IIS_WARNING, &t,
                                 "set windowsAuthentication useAppPoolCredentials=\"true\" "
                                 "(keeping kernel mode) with the HTTP SPN on the pool account, or "
                                 "register the SPN on the computer account instead",
                                 one, 1);
            if (rc != TL_OK)
                return rc;
        }
    return TL_OK;
}

static int lock_findings(builder *b)
{
    tl_iis_audit *a = b->a;
    for (size_t s = 0; s < a->site_count; s++)
        for (size_t k = 0; k < a->sites[s].app_count; k++) {
            const tl_iis_app *app = &a->sites[s].apps[k];
            if (!app->config_error)
                continue;
            const char **one = site_list(b, 1);
            if (!one)
                return tl__oom();
            one[0] = a->sites[s].name;
            tl__buf t = TL__BUF_INIT;
            tl__buf_printf(&t, "site %s, application %s: %s", a->sites[s].name, app->path,
                           app->config_error);
            int rc = add_finding(b, TL_IIS_FINDING_LOCKED_SECTION, TL_IIS_WARNING, &t,
                                 "move the setting into the location that locks it, or unlock "
                                 "the section there with overrideMode=\"Allow\" (or take the "
                                 "attribute out of lockAttributes)",
                                 one, 1);
            if (rc != TL_OK)
                return rc;
        }
    return TL_OK;
}

/* Group sites by anonymous identity (its SID when known, else its name, case-insensitively). */
typedef struct grp {
    tl_iis_identity id;
    size_t count, last_site, slot;
} grp;

int tl__iis_group_shared(builder *b)
{
    tl_iis_audit *a = b->a;
    tl__smap groups = {0};
    grp *gs = NULL;
    size_t ng = 0, cap = 0;
    size_t *members = NULL, nmem = 0, capm = 0; /* (group, site) pairs in site order */
    int rc = TL_OK;
    for (size_t s = 0; s < a->site_count && rc == TL_OK; s++)
        for (size_t k = 0; k < a->sites[s].app_count; k++) {
            const tl_iis_identity *id = a->sites[s].apps[k].anonymous;
            if (!id)
                continue;
            char keybuf[TL_SID_STRING_MAX];
            const char *key = id->name;
            if (id->sid_known && tl_sid_to_string(keybuf, sizeof keybuf, &id->sid) == TL_OK)
                key = keybuf;
            const size_t *hit = tl__smap_get(&groups, key, strlen(key));
            size_t g;
            if (hit) {
                g = *hit;
            } else {
                char *k2 = tl__arena_strdup(&a->arena, key);
                if (!k2 || tl__array_grow(&gs, &cap, ng + 1, sizeof *gs) != 0 ||
                    tl__smap_put(&groups, k2, strlen(k2), ng) != 0) {
                    rc = tl__oom();
                    break;
                }
                g = ng++;
                memset(&gs[g], 0, sizeof gs[g]);
                gs[g].id = *id;
            }
            if (gs[g].last_site == s + 1)
                continue;
            gs[g].last_site = s + 1;
            gs[g].count++;
            if (tl__array_grow(&members, &capm, nmem + 2, sizeof *members) != 0) {
                rc = tl__oom();
                break;
            }
            members[nmem++] = g;
            members[nmem++] = s;
        }
    size_t nshared = 0;
    for (size_t g = 0; rc == TL_OK && g < ng; g++)
        if (gs[g].count > 1)
            nshared++;
    if (rc == TL_OK && nshared) {
        a->shared = tl__arena_alloc(&a->arena, nshared * sizeof *a->shared);
        if (!a->shared)
            rc = tl__oom();
        for (size_t g = 0; g < ng && rc == TL_OK; g++) {
            if (gs[g].count < 2)
                continue;
            tl_iis_shared_identity *sh = &a->shared[a->shared_count];
            sh->identity = gs[g].id;
            sh->site_count = 0;
            if (!(sh->sites = site_list(b, gs[g].count)))
                rc = tl__oom();
            gs[g].slot = ++a->shared_count;
        }
        for (size_t i = 0; rc == TL_OK && i < nmem; i += 2) {
            size_t g = members[i];
            if (!gs[g].slot)
                continue;
            tl_iis_shared_identity *sh = &a->shared[gs[g].slot - 1];
            ((const char **)sh->sites)[sh->site_count++] = a->sites[members[i + 1]].name;
        }
    }
    tl__free(gs);
    tl__free(members);
    tl__smap_free(&groups);
    return rc;
}

int tl__iis_findings(builder *b)
{
    int rc = shared_findings(b);
    if (rc == TL_OK)
        rc = pool_findings(b);
    if (rc == TL_OK)
        rc = lock_findings(b);
    if (rc == TL_OK)
        rc = kerberos_findings(b);
    return rc;
}
