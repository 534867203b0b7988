/* IIS audit resolution: once the whole file is read (pools, sites and locations come in any
 * order), who every site and application runs as: the pool after applicationPoolDefaults, the
 * process identity and its SID, authentication after the server level and every <location>
 * on the path, locked sections, and the anonymous identity. Rules and sources: docs/iis.md. */
#include "iis_reader.h"
#include <stdlib.h>
#include <string.h>

/* ---- resolution ----------------------------------------------------------------------------- */

static void identity_builtin(tl_iis_identity *id, const char *name, const char *sid)
{
    id->name = name;
    id->sid_known = tl_sid_from_string(&id->sid, sid) == TL_OK;
}

/* An account name from the configuration: well-known names and SID strings get their SID
 * and canonical name; anything else is a specific account whose SID needs its database. */
static int identity_account(builder *b, tl_iis_identity *id, const char *name)
{
    memset(id, 0, sizeof *id);
    size_t n = strlen(name);
    bool alias_like = n == 2 && !strchr(name, '\\'); /* "BA" is a user name here, not SDDL */
    tl_sid sid;
    if (!alias_like && tl_sid_resolve(&sid, name, NULL) == TL_OK) {
        char *canon = NULL;
        if (tl_sid_lookup_name(&canon, &sid) == TL_OK && canon) {
            id->name = tl__arena_strdup(&b->a->arena, canon);
            tl_free(canon);
        } else {
            id->name = tl__arena_strdup(&b->a->arena, name);
        }
        id->sid = sid;
        id->sid_known = true;
    } else {
        id->name = tl__arena_strdup(&b->a->arena, name);
    }
    tl_error_clear();
    return id->name ? TL_OK : tl__oom();
}

static int pool_identity(builder *b, tl_iis_pool *p)
{
    switch (p->identity_type) {
    case TL_IIS_APPPOOL_IDENTITY: {
        size_t n = strlen(p->name);
        char *name = tl__arena_alloc(&b->a->arena, n + 13);
        if (!name)
            return tl__oom();
        memcpy(name, "IIS APPPOOL\\", 12);
        memcpy(name + 12, p->name, n + 1);
        p->identity.name = name;
        p->identity.sid_known = tl_sid_iis_apppool(&p->identity.sid, p->name) == TL_OK;
        tl_error_clear();
        return TL_OK;
    }
    case TL_IIS_NETWORK_SERVICE:
        identity_builtin(&p->identity, "NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20");
        return TL_OK;
    case TL_IIS_LOCAL_SERVICE:
        identity_builtin(&p->identity, "NT AUTHORITY\\LOCAL SERVICE", "S-1-5-19");
        return TL_OK;
    case TL_IIS_LOCAL_SYSTEM:
        identity_builtin(&p->identity, "NT AUTHORITY\\SYSTEM", "S-1-5-18");
        return TL_OK;
    case TL_IIS_SPECIFIC_USER:
        if (!p->user_name || !*p->user_name) {
            p->identity.name = "(SpecificUser without userName)";
            return TL_OK;
        }
        return identity_account(b, &p->identity, p->user_name);
    }
    return TL_OK;
}

static int add_pool(builder *b, const char *name, const raw_pm *pm, bool declared, size_t *index)
{
    tl_iis_audit *a = b->a;
    const raw_pm *d = &b->r->pm_defaults;
    if (tl__array_grow(&a->pools, &b->cap_pools, a->pool_count + 1, sizeof *a->pools) != 0)
        return tl__oom();
    tl_iis_pool *p = &a->pools[a->pool_count];
    memset(p, 0, sizeof *p);
    p->name = name;
    p->declared = declared;
    /* Attributes the pool does not set come from applicationPoolDefaults, then from the
     * schema default (ApplicationPoolIdentity since IIS 7.5). */
    p->identity_type = (pm && (pm->set & PM_TYPE)) ? pm->type
                       : (d->set & PM_TYPE)        ? d->type
                                                   : TL_IIS_APPPOOL_IDENTITY;
    if (p->identity_type == TL_IIS_SPECIFIC_USER)
        p->user_name = (pm && (pm->set & PM_USER)) ? pm->user : (d->set & PM_USER) ? d->user : NULL;
    int rc = pool_identity(b, p);
    if (rc != TL_OK)
        return rc;
    if (tl__smap_put(&b->pool_map, name, strlen(name), a->pool_count) != 0)
        return tl__oom();
    *index = a->pool_count++;
    return TL_OK;
}

typedef struct eff {
    bool anon_en;
    const char *anon_user;
    bool win_en, kernel, apc;
    const char *anon_lock_at, *win_lock_at; /* section locked at this location path */
    unsigned anon_attr_lock, win_attr_lock;
    const char *anon_attr_lock_at, *win_attr_lock_at;
    const char *error;
} eff;

static int lock_error(builder *b, eff *e, const raw_loc *l, const char *what, const char *at,
                      const char *how)
{
    if (e->error)
        return TL_OK;
    tl__buf t = TL__BUF_INIT;
    tl__buf_printf(&t, "location '%s' sets %s, which is locked at ", l->path, what);
    if (*at)
        tl__buf_printf(&t, "location '%s'", at);
    else
        tl__buf_put(&t, "the server level");
    tl__buf_printf(&t, " (%s): IIS answers HTTP 500.19 for this path", how);
    if (t.failed || !t.data) {
        tl__buf_free(&t);
        return tl__oom();
    }
    e->error = tl__arena_strdup(&b->a->arena, t.data);
    tl__buf_free(&t);
    return e->error ? TL_OK : tl__oom();
}

static int prov_apply(builder *b, const raw_op *o)
{
    if (o->op == OP_CLEAR) {
        b->nprov = 0;
        return TL_OK;
    }
    size_t i;
    for (i = 0; i < b->nprov; i++)
        if (tl__strcasecmp(b->prov[i], o->value) == 0)
            break;
    if (o->op == OP_REMOVE) {
        if (i < b->nprov) {
            memmove(&b->prov[i], &b->prov[i + 1], (b->nprov - i - 1) * sizeof *b->prov);
            b->nprov--;
        }
        return TL_OK;
    }
    if (i < b->nprov)
        return TL_OK;
    if (tl__array_grow(&b->prov, &b->cap_prov, b->nprov + 1, sizeof *b->prov) != 0)
        return tl__oom();
    b->prov[b->nprov++] = o->value;
    return TL_OK;
}

/* One level of the hierarchy. A section or attribute locked at a shallower level makes the
 * path's configuration invalid (IIS: HTTP 500.19); the audit then keeps what was inherited,
 * ignores that element, and records why. */
static int apply_level(builder *b, eff *e, const raw_loc *l)
{
    reader *r = b->r;
    int rc;
    if (l->has_anon) {
        if (e->anon_lock_at) {
            if ((rc = lock_error(b, e, l, "anonymousAuthentication", e->anon_lock_at,
                                 "overrideMode=\"Deny\"")) != TL_OK)
                return rc;
        } else if (l->anon_set & e->anon_attr_lock) {
            if ((rc = lock_error(b, e, l, "a locked anonymousAuthentication attribute",
                                 e->anon_attr_lock_at, "lockAttributes")) != TL_OK)
                return rc;
        } else {
            if (l->anon_set & ANON_EN)
                e->anon_en = l->anon_enabled;
            if (l->anon_set & ANON_USER)
                e->anon_user = l->anon_user;
            if (l->anon_attr_lock) {
                e->anon_attr_lock |= l->anon_attr_lock;
                e->anon_attr_lock_at = l->path;
            }
            if (l->anon_lock)
                e->anon_lock_at = l->path;
        }
    }
    if (l->has_win) {
        if (e->win_lock_at) {
            if ((rc = lock_error(b, e, l, "windowsAuthentication", e->win_lock_at,
                                 "overrideMode=\"Deny\"")) != TL_OK)
                return rc;
        } else if (l->win_set & e->win_attr_lock) {
            if ((rc = lock_error(b, e, l, "a locked windowsAuthentication attribute",
                                 e->win_attr_lock_at, "lockAttributes")) != TL_OK)
                return rc;
        } else {
            if (l->win_set & WIN_EN)
                e->win_en = l->win_enabled;
            if (l->win_set & WIN_KERNEL)
                e->kernel = l->win_kernel;
            if (l->win_set & WIN_APC)
                e->apc = l->win_apc;
            for (size_t i = l->op_head; i; i = r->ops[i - 1].next)
                if ((rc = prov_apply(b, &r->ops[i - 1])) != TL_OK)
                    return rc;
            if (l->win_attr_lock) {
                e->win_attr_lock |= l->win_attr_lock;
                e->win_attr_lock_at = l->path;
            }
            if (l->win_lock)
                e->win_lock_at = l->path;
        }
    }
    return TL_OK;
}

/* Effective authentication of "site/app": schema defaults, then the server level, then each
 * <location> whose path is a prefix of the application's path, shallowest first. */
static int resolve_auth(builder *b, eff *e, const char *site, const char *app_path)
{
    reader *r = b->r;
    memset(e, 0, sizeof *e);
    /* Schema defaults: anonymous off with userName IUSR; Windows off, kernel mode on. */
    e->anon_user = "IUSR";
    e->kernel = true;
    b->nprov = 0;
    tl__buf full = TL__BUF_INIT;
    tl__buf_put(&full, site);
    size_t alen = strlen(app_path);
    while (alen > 0 && app_path[alen - 1] == '/')
        alen--;
    if (alen) {
        if (app_path[0] != '/')
            tl__buf_putc(&full, '/');
        tl__buf_putn(&full, app_path, alen);
    }
    if (full.failed) {
        tl__buf_free(&full);
        return tl__oom();
    }
    const char *p = full.data ? full.data : "";
    size_t n = full.len, slen = strlen(site);
    int rc = TL_OK;
    const size_t *hit = tl__smap_get(&r->loc_map, "", 0);
    if (hit && !r->locs[*hit].no_inherit)
        rc = apply_level(b, e, &r->locs[*hit]);
    for (size_t end = slen; rc == TL_OK && end <= n; end++) {
        if (end == 0 || (end < n && p[end] != '/'))
            continue;
        hit = tl__smap_get(&r->loc_map, p, end);
        /* inheritInChildApplications="false": the location's settings stop at its own path and
         * do not reach the applications below it. */
        if (hit && !(r->locs[*hit].no_inherit && end < n))
            rc = apply_level(b, e, &r->locs[*hit]);
    }
    tl__buf_free(&full);
    return rc;
}

static char *expand_vars(builder *b, const char *s)
{
    const tl_iis_options *o = b->r->options;
    if (!o || !o->variable_count || !strchr(s, '%'))
        return tl__arena_strdup(&b->a->arena, s);
    tl__buf out = TL__BUF_INIT;
    while (*s) {
        const char *q = s[0] == '%' ? strchr(s + 1, '%') : NULL;
        bool done = false;
        if (q) {
            size_t n = (size_t)(q - s - 1);
            for (size_t i = 0; i < o->variable_count && !done; i++) {
                const char *v = o->variables[i];
                const char *eq = v ? strchr(v, '=') : NULL;
                if (eq && (size_t)(eq - v) == n && tl__strncasecmp(v, s + 1, n) == 0) {
                    tl__buf_put(&out, eq + 1);
                    s = q + 1;
                    done = true;
                }
            }
        }
        if (!done)
            tl__buf_putc(&out, *s++);
    }
    if (out.failed) {
        tl__buf_free(&out);
        return NULL;
    }
    char *res = tl__arena_strdup(&b->a->arena, out.data ? out.data : "");
    tl__buf_free(&out);
    return res;
}

static int pool_for(builder *b, const char *name, size_t *index)
{
    const size_t *hit = tl__smap_get(&b->pool_map, name, strlen(name));
    if (hit) {
        *index = *hit;
        return TL_OK;
    }
    return add_pool(b, name, NULL, false, index);
}

static int build_app(builder *b, tl_iis_app *out, tl_iis_identity *anon, const raw_site *s,
                     const raw_app *ra, size_t *pool_index)
{
    tl_iis_audit *a = b->a;
    /* The pool: the application's own, else the site's applicationDefaults, else the
     * server's sites/applicationDefaults, else DefaultAppPool. */
    const char *pool = ra && ra->pool              ? ra->pool
                       : s->default_pool           ? s->default_pool
                       : b->r->global_default_pool ? b->r->global_default_pool
                                                   : "DefaultAppPool";
    int rc = pool_for(b, pool, pool_index);
    if (rc != TL_OK)
        return rc;
    memset(out, 0, sizeof *out);
    out->path = ra ? ra->path : "/";
    out->app_pool = a->pools[*pool_index].name;
    if (ra && ra->physical && !(out->physical_path = expand_vars(b, ra->physical)))
        return tl__oom();
    eff e;
    if ((rc = resolve_auth(b, &e, s->name, out->path)) != TL_OK)
        return rc;
    out->auth.anonymous_enabled = e.anon_en;
    out->auth.anonymous_user = e.anon_user ? e.anon_user : "";
    out->auth.windows_enabled = e.win_en;
    out->auth.use_kernel_mode = e.kernel;
    out->auth.use_app_pool_credentials = e.apc;
    out->auth.provider_count = b->nprov;
    if (b->nprov) {
        const char **pv = tl__arena_alloc(&a->arena, b->nprov * sizeof *pv);
        if (!pv)
            return tl__oom();
        memcpy(pv, b->prov, b->nprov * sizeof *pv);
        out->auth_providers = pv;
    }
    out->config_error = e.error;
    out->content_user = ra ? ra->content_user : NULL;
    if (ra && ra->vdir_count) {
        const char **vp = tl__arena_alloc(&a->arena, ra->vdir_count * sizeof *vp);
        const char **vf = tl__arena_alloc(&a->arena, ra->vdir_count * sizeof *vf);
        if (!vp || !vf)
            return tl__oom();
        for (size_t v = 0; v < ra->vdir_count; v++) {
            const raw_vdir *rv = &b->r->vdirs[ra->vdir_first + v];
            vp[v] = rv->path;
            vf[v] = NULL;
            if (rv->physical && !(vf[v] = expand_vars(b, rv->physical)))
                return tl__oom();
        }
        out->vdir_paths = vp;
        out->vdir_physical = vf;
        out->vdir_count = ra->vdir_count;
    }
    memset(anon, 0, sizeof *anon);
    if (e.anon_en) {
        /* userName="" means the application pool identity (filled in once pools are final). */
        if (!*out->auth.anonymous_user)
            *anon = a->pools[*pool_index].identity;
        else if (tl__strcasecmp(out->auth.anonymous_user, "IUSR") == 0 ||
                 tl__strcasecmp(out->auth.anonymous_user, "NT AUTHORITY\\IUSR") == 0)
            *anon = b->iusr;
        else if ((rc = identity_account(b, anon, out->auth.anonymous_user)) != TL_OK)
            return rc;
    }
    return TL_OK;
}

int tl__iis_build(reader *r, tl_iis_audit *a)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.r = r;
    b.a = a;
    int rc = TL_OK;
    identity_builtin(&b.iusr, "NT AUTHORITY\\IUSR", "S-1-5-17");
    for (size_t i = 0; i < r->npools && rc == TL_OK; i++) {
        size_t idx;
        if (tl__smap_get(&b.pool_map, r->pools[i].name, strlen(r->pools[i].name)))
            continue; /* a duplicate name: the first definition wins */
        rc = add_pool(&b, r->pools[i].name, &r->pools[i].pm, true, &idx);
    }
    /* Every site gets its root application first, synthesised when the file has none. */
    size_t total = 0;
    for (size_t s = 0; s < r->nsites; s++) {
        bool has_root = false;
        for (size_t k = 0; k < r->sites[s].app_count; k++)
            if (strcmp(r->apps[r->sites[s].app_first + k].path, "/") == 0)
                has_root = true;
        total += r->sites[s].app_count + (has_root ? 0 : 1);
    }
    const char **bs = NULL;
    size_t *app_pool = NULL;
    if (rc == TL_OK) {
        a->sites = tl__arena_alloc(&a->arena, (r->nsites ? r->nsites : 1) * sizeof *a->sites);
        a->apps = tl__arena_alloc(&a->arena, (total ? total : 1) * sizeof *a->apps);
        a->anon_ids = tl__arena_alloc(&a->arena, (total ? total : 1) * sizeof *a->anon_ids);
        bs = tl__arena_alloc(&a->arena, (r->nbinds ? r->nbinds : 1) * sizeof *bs);
        app_pool = tl__calloc(total ? total : 1, sizeof *app_pool);
        if (!a->sites || !a->apps || !a->anon_ids || !bs || !app_pool)
            rc = tl__oom();
        else if (r->nbinds)
            memcpy(bs, r->binds, r->nbinds * sizeof *bs);
    }
    for (size_t s = 0; s < r->nsites && rc == TL_OK; s++) {
        const raw_site *rs = &r->sites[s];
        tl_iis_site *site = &a->sites[a->site_count];
        memset(site, 0, sizeof *site);
        site->name = rs->name;
        site->id = rs->id;
        site->binding_count = rs->bind_count;
        site->bindings = &bs[rs->bind_first];
        size_t first = a->app_count;
        site->apps = &a->apps[first];
        const raw_app *root = NULL;
        for (size_t k = 0; k < rs->app_count && !root; k++)
            if (strcmp(r->apps[rs->app_first + k].path, "/") == 0)
                root = &r->apps[rs->app_first + k];
        rc = build_app(&b, &a->apps[a->app_count], &a->anon_ids[a->app_count], rs, root,
                       &app_pool[a->app_count]);
        a->app_count++;
        for (size_t k = 0; k < rs->app_count && rc == TL_OK; k++) {
            const raw_app *ra = &r->apps[rs->app_first + k];
            if (ra == root)
                continue;
            rc = build_app(&b, &a->apps[a->app_count], &a->anon_ids[a->app_count], rs, ra,
                           &app_pool[a->app_count]);
            a->app_count++;
        }
        site->app_count = a->app_count - first;
        a->site_count++;
    }
    /* Pools are final now (undeclared ones appended): point applications at them. */
    if (rc == TL_OK) {
        size_t *last = tl__calloc(a->pool_count ? a->pool_count : 1, sizeof *last);
        if (!last)
            rc = tl__oom();
        for (size_t s = 0; s < a->site_count && rc == TL_OK; s++)
            for (size_t k = 0; k < a->sites[s].app_count; k++) {
                size_t i = (size_t)(&a->sites[s].apps[k] - a->apps);
                tl_iis_app *app = &a->apps[i];
                size_t p = app_pool[i];
                app->pool = &a->pools[p];
                app->app_pool = a->pools[p].name;
                if (app->auth.anonymous_enabled) {
                    if (!*app->auth.anonymous_user)
                        a->anon_ids[i] = a->pools[p].identity;
                    app->anonymous = &a->anon_ids[i];
                }
                if (last[p] != s + 1) {
                    last[p] = s + 1;
                    a->pools[p].site_count++;
                }
            }
        tl__free(last);
    }
    tl__free(app_pool);
    if (rc == TL_OK)
        rc = tl__iis_group_shared(&b);
    if (rc == TL_OK)
        rc = tl__iis_findings(&b);
    if (rc == TL_OK && b.nfindings) {
        a->findings = tl__arena_alloc(&a->arena, b.nfindings * sizeof *a->findings);
        if (!a->findings)
            rc = tl__oom();
        else {
            /* Most severe first; insertion keeps the original order among equals. */
            for (size_t i = 0; i < b.nfindings; i++) {
                size_t j = i;
                while (j > 0 && a->findings[j - 1].severity < b.findings[i].severity) {
                    a->findings[j] = a->findings[j - 1];
                    j--;
                }
                a->findings[j] = b.findings[i];
            }
            a->finding_count = b.nfindings;
        }
    }
    tl__free(b.findings);
    tl__free(b.prov);
    tl__smap_free(&b.pool_map);
    return rc;
}
