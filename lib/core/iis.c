/*
 * IIS audit: a streaming expat reader of applicationHost.config and the resolution of who
 * every site runs as. Rules and their sources: docs/iis.md.
 *
 * Reading keeps only what the audit needs (pools, sites, bindings, applications, the root
 * virtual directory's physicalPath, and the authentication sections of the server level and
 * of each <location>), so memory follows the number of sites, not the file size. The
 * resolution runs once the whole file is read, because pools, sites and locations may come
 * in any order.
 */
#include "iis_reader.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static void fail(reader *r, int rc, const char *fmt, ...) TL__PRINTF(3, 4);
static void fail(reader *r, int rc, const char *fmt, ...)
{
    if (r->rc)
        return;
    r->rc = rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    tl__xml_where(r->parser, &r->line, &r->column, &r->offset);
    XML_StopParser(r->parser, XML_FALSE);
}

static void oom(reader *r)
{
    fail(r, TL_ENOMEM, "out of memory");
}

static const char *keep(reader *r, const char *s)
{
    if (!s)
        return NULL;
    const char *p = tl__arena_strdup(r->arena, s);
    if (!p)
        oom(r);
    return p;
}

static void warn(reader *r, const char *fmt, ...) TL__PRINTF(2, 3);
static void warn(reader *r, const char *fmt, ...)
{
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    char *full = tl__asprintf("%s: line %lu: %s", r->file ? r->file : "applicationHost.config",
                              (unsigned long)XML_GetCurrentLineNumber(r->parser), text);
    const char *kept = full ? keep(r, full) : NULL;
    tl__free(full);
    if (!kept ||
        tl__array_grow(&r->warnings, &r->cap_warnings, r->nwarnings + 1, sizeof *r->warnings)) {
        oom(r);
        return;
    }
    r->warnings[r->nwarnings++] = kept;
}

static int parse_bool(reader *r, const char *name, const char *v, bool *out)
{
    if (tl__strcasecmp(v, "true") == 0)
        *out = true;
    else if (tl__strcasecmp(v, "false") == 0)
        *out = false;
    else {
        fail(r, TL_EPARSE, "attribute '%s' must be true or false, not '%.40s'", name, v);
        return -1;
    }
    return 0;
}

/* identityType accepts the names and the numeric values of the schema's enum
 * (LocalSystem 0, LocalService 1, NetworkService 2, SpecificUser 3, ApplicationPoolIdentity 4). */
static int parse_identity_type(reader *r, const char *v, tl_iis_identity_type *out)
{
    static const struct {
        const char *name, *num;
        tl_iis_identity_type type;
    } map[] = {
        {"ApplicationPoolIdentity", "4", TL_IIS_APPPOOL_IDENTITY},
        {"NetworkService", "2", TL_IIS_NETWORK_SERVICE},
        {"LocalService", "1", TL_IIS_LOCAL_SERVICE},
        {"LocalSystem", "0", TL_IIS_LOCAL_SYSTEM},
        {"SpecificUser", "3", TL_IIS_SPECIFIC_USER},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (tl__strcasecmp(v, map[i].name) == 0 || strcmp(v, map[i].num) == 0) {
            *out = map[i].type;
            return 0;
        }
    fail(r, TL_EPARSE, "unknown processModel identityType '%.60s'", v);
    return -1;
}

/* Why `v` cannot be the account an attribute names, or NULL. The forms Windows takes
 * (learn.microsoft.com/windows/win32/secauthn/user-name-formats): DOMAIN\\user (a NetBIOS
 * domain, one backslash, the account), user@suffix (a UPN), or a bare account name (this
 * machine's, or the domain's). An empty part, a second separator or a control character is
 * none of them: IIS cannot log such an account on (the pool does not start, anonymous
 * requests fail), so the audit says so instead of reporting it as an identity. */
static const char *account_problem(const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return "it holds a control character";
    const char *bs = strchr(v, '\\');
    if (bs) {
        if (bs == v)
            return "the domain before '\\' is empty";
        if (!bs[1])
            return "the account after '\\' is empty";
        if (strchr(bs + 1, '\\'))
            return "it has more than one '\\'";
        return NULL;
    }
    const char *at = strchr(v, '@');
    if (at) {
        if (at == v)
            return "the account before '@' is empty";
        if (!at[1])
            return "the suffix after '@' is empty";
        if (strchr(at + 1, '@'))
            return "it has more than one '@'";
    }
    return NULL;
}

static void check_account(reader *r, const char *what, const char *v)
{
    const char *why = *v ? account_problem(v) : NULL;
    if (why)
        warn(r,
             "%s \"%.100s\" is not an account name (DOMAIN\\user, user@domain or user): %s; "
             "IIS cannot log it on",
             what, v, why);
}

static void read_pm(reader *r, raw_pm *pm, const XML_Char **atts)
{
    const char *t = tl__xml_attr(atts, "identityType");
    if (t) {
        if (parse_identity_type(r, t, &pm->type) != 0)
            return;
        pm->set |= PM_TYPE;
    }
    /* userName only: the password attribute is deliberately never looked at. */
    const char *u = tl__xml_attr(atts, "userName");
    if (u) {
        check_account(r, "processModel userName", u);
        pm->user = keep(r, u);
        pm->set |= PM_USER;
    }
}

/* Location paths: "." and "" are the server level; trailing '/' is ignored. */
static size_t loc_index(reader *r, const char *path)
{
    size_t n = path ? strlen(path) : 0;
    while (n > 0 && (path[n - 1] == '/' || path[n - 1] == '\\'))
        n--;
    if (n == 1 && path[0] == '.')
        n = 0;
    const size_t *hit = tl__smap_get(&r->loc_map, n ? path : "", n);
    if (hit)
        return *hit;
    if (tl__array_grow(&r->locs, &r->cap_locs, r->nlocs + 1, sizeof *r->locs) != 0) {
        oom(r);
        return 0;
    }
    raw_loc *l = &r->locs[r->nlocs];
    memset(l, 0, sizeof *l);
    l->path = tl__arena_strndup(r->arena, n ? path : "", n);
    l->path_len = n;
    if (!l->path || tl__smap_put(&r->loc_map, l->path, n, r->nlocs) != 0) {
        oom(r);
        return 0;
    }
    return r->nlocs++;
}

/* lockAttributes="userName, enabled": a bit per attribute the audit models. */
static unsigned parse_lock_attrs(const char *v, const char *const *names, const unsigned *bits,
                                 size_t count)
{
    unsigned set = 0;
    while (v && *v) {
        while (*v == ' ' || *v == ',')
            v++;
        const char *e = v;
        while (*e && *e != ',')
            e++;
        size_t n = (size_t)(e - v);
        while (n && v[n - 1] == ' ')
            n--;
        for (size_t i = 0; i < count; i++)
            if (strlen(names[i]) == n && tl__strncasecmp(v, names[i], n) == 0)
                set |= bits[i];
        v = e;
    }
    return set;
}

static void read_anon(reader *r, const XML_Char **atts)
{
    raw_loc *l = &r->locs[r->cur_loc];
    l->has_anon = true;
    if (r->cur_deny)
        l->anon_lock = true;
    const char *v = tl__xml_attr(atts, "enabled");
    if (v) {
        if (parse_bool(r, "enabled", v, &l->anon_enabled) != 0)
            return;
        l->anon_set |= ANON_EN;
    }
    if ((v = tl__xml_attr(atts, "userName")) != NULL) {
        check_account(r, "anonymousAuthentication userName", v);
        l->anon_user = keep(r, v);
        l->anon_set |= ANON_USER;
    }
    static const char *const names[] = {"enabled", "userName"};
    static const unsigned bits[] = {ANON_EN, ANON_USER};
    l->anon_attr_lock |= parse_lock_attrs(tl__xml_attr(atts, "lockAttributes"), names, bits, 2);
}

static void read_win(reader *r, const XML_Char **atts)
{
    raw_loc *l = &r->locs[r->cur_loc];
    l->has_win = true;
    if (r->cur_deny)
        l->win_lock = true;
    const char *v;
    if ((v = tl__xml_attr(atts, "enabled")) != NULL) {
        if (parse_bool(r, "enabled", v, &l->win_enabled) != 0)
            return;
        l->win_set |= WIN_EN;
    }
    if ((v = tl__xml_attr(atts, "useKernelMode")) != NULL) {
        if (parse_bool(r, "useKernelMode", v, &l->win_kernel) != 0)
            return;
        l->win_set |= WIN_KERNEL;
    }
    if ((v = tl__xml_attr(atts, "useAppPoolCredentials")) != NULL) {
        if (parse_bool(r, "useAppPoolCredentials", v, &l->win_apc) != 0)
            return;
        l->win_set |= WIN_APC;
    }
    static const char *const names[] = {"enabled", "useKernelMode", "useAppPoolCredentials"};
    static const unsigned bits[] = {WIN_EN, WIN_KERNEL, WIN_APC};
    l->win_attr_lock |= parse_lock_attrs(tl__xml_attr(atts, "lockAttributes"), names, bits, 3);
}

static void add_op(reader *r, int op, const char *value)
{
    if (op != OP_CLEAR && !value) {
        fail(r, TL_EPARSE, "providers/%s needs a value attribute", op == OP_ADD ? "add" : "remove");
        return;
    }
    if (tl__array_grow(&r->ops, &r->cap_ops, r->nops + 1, sizeof *r->ops) != 0) {
        oom(r);
        return;
    }
    raw_op *o = &r->ops[r->nops];
    o->op = op;
    o->value = value ? keep(r, value) : NULL;
    o->next = 0;
    raw_loc *l = &r->locs[r->cur_loc];
    if (l->op_tail)
        r->ops[l->op_tail - 1].next = r->nops + 1;
    else
        l->op_head = r->nops + 1;
    l->op_tail = r->nops + 1;
    l->win_set |= WIN_PROVIDERS;
    l->has_win = true;
    if (r->cur_deny)
        l->win_lock = true;
    r->nops++;
}

/* ---- the element table ------------------------------------------------------------------
 * Each row: under PARENT, element NAME opens context CHILD after HANDLER (may be NULL) has
 * read its attributes. A handler returns the context to open (CTX_OTHER on failure, after
 * fail()). Elements not in the table open CTX_OTHER: their subtree is skipped. */

typedef ctx (*elem_handler)(reader *r, ctx child, const char *name, const XML_Char **atts);

/* <system.webServer> outside any <location>: the server level. */
static ctx el_server_level(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name, (void)atts;
    r->cur_loc = 0;
    r->cur_deny = false;
    return child;
}

/* Admins paste fragments: accept the two sections the audit reads, and say so. */
static ctx el_fragment(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    warn(r,
         "the root element is <%s>, not <configuration>: read as a fragment of "
         "applicationHost.config (sections outside it are unknown)",
         name);
    return child == CTX_SWS ? el_server_level(r, child, name, atts) : child;
}

static ctx el_location(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    r->cur_loc = loc_index(r, tl__xml_attr(atts, "path"));
    const char *om = tl__xml_attr(atts, "overrideMode");
    const char *ao = tl__xml_attr(atts, "allowOverride");
    const char *ih = tl__xml_attr(atts, "inheritInChildApplications");
    if (ih && tl__strcasecmp(ih, "false") == 0)
        r->locs[r->cur_loc].no_inherit = true;
    r->cur_deny =
        (om && tl__strcasecmp(om, "Deny") == 0) || (ao && tl__strcasecmp(ao, "false") == 0);
    return child;
}

static ctx el_pool(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    const char *pn = tl__xml_attr(atts, "name");
    if (!pn || !*pn) {
        fail(r, TL_EPARSE, "applicationPools/add without a name");
        return CTX_OTHER;
    }
    if (tl__array_grow(&r->pools, &r->cap_pools, r->npools + 1, sizeof *r->pools) != 0) {
        oom(r);
        return CTX_OTHER;
    }
    raw_pool *p = &r->pools[r->npools++];
    memset(p, 0, sizeof *p);
    p->name = keep(r, pn);
    return child;
}

static ctx el_pool_defaults_pm(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    read_pm(r, &r->pm_defaults, atts);
    return child;
}

static ctx el_pool_pm(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    read_pm(r, &r->pools[r->npools - 1].pm, atts);
    return child;
}

static ctx el_sites_defaults(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    const char *p = tl__xml_attr(atts, "applicationPool");
    if (p)
        r->global_default_pool = keep(r, p);
    return child;
}

static ctx el_site(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    const char *sn = tl__xml_attr(atts, "name");
    if (!sn || !*sn) {
        fail(r, TL_EPARSE, "site without a name");
        return CTX_OTHER;
    }
    if (tl__array_grow(&r->sites, &r->cap_sites, r->nsites + 1, sizeof *r->sites) != 0) {
        oom(r);
        return CTX_OTHER;
    }
    raw_site *s = &r->sites[r->nsites++];
    memset(s, 0, sizeof *s);
    s->name = keep(r, sn);
    const char *id = tl__xml_attr(atts, "id");
    s->id = 0;
    if (id) {
        /* a DWORD (IAppHostMappingExtension::GetSiteElementFromSiteId): decimal digits only,
         * at most 4294967295; strtoull would read "12abc" as 12 and "-1" as 2^64-1 */
        uint64_t v = 0;
        size_t k = 0;
        for (; id[k] >= '0' && id[k] <= '9' && v <= 0xFFFFFFFFu; k++)
            v = v * 10 + (uint64_t)(id[k] - '0');
        if (k == 0 || id[k] || v > 0xFFFFFFFFu) {
            fail(r, TL_EPARSE,
                 "site \"%.100s\": id \"%.40s\" is not a site id (a number from 0 to "
                 "4294967295)",
                 sn, id);
            return CTX_OTHER;
        }
        s->id = v;
    }
    s->bind_first = r->nbinds;
    s->app_first = r->napps;
    return child;
}

static ctx el_site_defaults(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    const char *p = tl__xml_attr(atts, "applicationPool");
    if (p)
        r->sites[r->nsites - 1].default_pool = keep(r, p);
    return child;
}

static ctx el_app(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    if (tl__array_grow(&r->apps, &r->cap_apps, r->napps + 1, sizeof *r->apps) != 0) {
        oom(r);
        return CTX_OTHER;
    }
    raw_app *a = &r->apps[r->napps++];
    memset(a, 0, sizeof *a);
    const char *p = tl__xml_attr(atts, "path");
    a->path = keep(r, p && *p ? p : "/");
    const char *pool = tl__xml_attr(atts, "applicationPool");
    a->pool = pool ? keep(r, pool) : NULL;
    r->sites[r->nsites - 1].app_count++;
    return child;
}

static ctx el_binding(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    const char *proto = tl__xml_attr(atts, "protocol");
    const char *info = tl__xml_attr(atts, "bindingInformation");
    size_t lp = proto ? strlen(proto) : 1, li = info ? strlen(info) : 0;
    char *b = tl__arena_alloc(r->arena, lp + li + 2);
    if (!b || tl__array_grow(&r->binds, &r->cap_binds, r->nbinds + 1, sizeof *r->binds) != 0) {
        oom(r);
        return CTX_OTHER;
    }
    memcpy(b, proto ? proto : "?", lp);
    b[lp] = ' ';
    memcpy(b + lp + 1, info ? info : "", li);
    b[lp + 1 + li] = '\0';
    r->binds[r->nbinds++] = b;
    r->sites[r->nsites - 1].bind_count++;
    return child;
}

static ctx el_vdir(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    const char *p = tl__xml_attr(atts, "path");
    const char *pp = tl__xml_attr(atts, "physicalPath");
    const char *cu = tl__xml_attr(atts, "userName");
    if (cu)
        check_account(r, "virtualDirectory userName", cu);
    raw_app *app = &r->apps[r->napps - 1];
    if (p && strcmp(p, "/") == 0) {
        if (pp)
            app->physical = keep(r, pp);
        if (cu && *cu)
            app->content_user = keep(r, cu);
    } else if (p && *p) {
        if (tl__array_grow(&r->vdirs, &r->cap_vdirs, r->nvdirs + 1, sizeof *r->vdirs) != 0) {
            oom(r);
            return CTX_OTHER;
        }
        if (!app->vdir_count)
            app->vdir_first = r->nvdirs;
        if (app->vdir_first + app->vdir_count == r->nvdirs) { /* contiguous per application */
            raw_vdir *v = &r->vdirs[r->nvdirs++];
            v->path = keep(r, p);
            v->physical = pp ? keep(r, pp) : NULL;
            app->vdir_count++;
        }
    }
    return child;
}

static ctx el_anon(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    read_anon(r, atts);
    return child;
}

static ctx el_win(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    (void)name;
    read_win(r, atts);
    return child;
}

/* providers/add, remove, clear (anything else under <providers> is a leaf too) */
static ctx el_provider(reader *r, ctx child, const char *name, const XML_Char **atts)
{
    if (strcmp(name, "add") == 0)
        add_op(r, OP_ADD, tl__xml_attr(atts, "value"));
    else if (strcmp(name, "remove") == 0)
        add_op(r, OP_REMOVE, tl__xml_attr(atts, "value"));
    else if (strcmp(name, "clear") == 0)
        add_op(r, OP_CLEAR, NULL);
    return child;
}

static const struct element {
    ctx parent;
    const char *name; /* NULL: any element (after the named rows of the same parent) */
    ctx child;
    elem_handler handler;
} elements[] = {
    {CTX_ROOT, "configuration", CTX_CONFIGURATION, NULL},
    {CTX_ROOT, "system.applicationHost", CTX_SAH, el_fragment},
    {CTX_ROOT, "system.webServer", CTX_SWS, el_fragment},
    {CTX_CONFIGURATION, "system.applicationHost", CTX_SAH, NULL},
    {CTX_CONFIGURATION, "system.webServer", CTX_SWS, el_server_level},
    {CTX_CONFIGURATION, "location", CTX_LOCATION, el_location},
    {CTX_LOCATION, "system.webServer", CTX_SWS, NULL},
    {CTX_SAH, "applicationPools", CTX_POOLS, NULL},
    {CTX_SAH, "sites", CTX_SITES, NULL},
    {CTX_POOLS, "applicationPoolDefaults", CTX_POOL_DEFAULTS, NULL},
    {CTX_POOLS, "add", CTX_POOL, el_pool},
    {CTX_POOL_DEFAULTS, "processModel", CTX_LEAF, el_pool_defaults_pm},
    {CTX_POOL, "processModel", CTX_LEAF, el_pool_pm},
    {CTX_SITES, "applicationDefaults", CTX_LEAF, el_sites_defaults},
    {CTX_SITES, "site", CTX_SITE, el_site},
    {CTX_SITE, "applicationDefaults", CTX_LEAF, el_site_defaults},
    {CTX_SITE, "bindings", CTX_BINDINGS, NULL},
    {CTX_SITE, "application", CTX_APP, el_app},
    {CTX_BINDINGS, "binding", CTX_LEAF, el_binding},
    {CTX_APP, "virtualDirectory", CTX_LEAF, el_vdir},
    {CTX_SWS, "security", CTX_SECURITY, NULL},
    {CTX_SECURITY, "authentication", CTX_AUTHN, NULL},
    {CTX_AUTHN, "anonymousAuthentication", CTX_LEAF, el_anon},
    {CTX_AUTHN, "windowsAuthentication", CTX_WIN, el_win},
    {CTX_WIN, "providers", CTX_PROVIDERS, NULL},
    {CTX_PROVIDERS, NULL, CTX_LEAF, el_provider},
};

static ctx child_ctx(reader *r, ctx parent, const char *name, const XML_Char **atts)
{
    for (size_t i = 0; i < sizeof elements / sizeof elements[0]; i++) {
        const struct element *e = &elements[i];
        if (e->parent != parent || (e->name && strcmp(e->name, name) != 0))
            continue;
        return e->handler ? e->handler(r, e->child, name, atts) : e->child;
    }
    if (parent == CTX_ROOT)
        fail(r, TL_EPARSE, "the root element is <%.40s>, not <configuration>", name);
    return CTX_OTHER;
}

/* configSource="file": the section's content lives in another file whose root element is
 * the section itself (IIS reads it relative to applicationHost.config's folder). The file is
 * parsed by the same state machine at the same depth, then the (empty) element resumes. */
static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts);
static void XMLCALL on_end(void *ud, const XML_Char *name);
static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal);
static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation);

static void include_section(reader *r, const char *name, const char *file)
{
    const tl_iis_options *o = r->options;
    if (r->including) {
        fail(r, TL_EPARSE, "configSource=\"%.80s\" inside a configSource file (IIS refuses it)",
             file);
        return;
    }
    if (!o || !o->config_dir) {
        fail(r, TL_EPARSE,
             "<%.40s configSource=\"%.80s\">: the text was not read from a file, "
             "so the section's file cannot be found",
             name, file);
        return;
    }
    if (!*file || file[0] == '/' || file[0] == '\\' || strchr(file, ':') || strstr(file, "..")) {
        fail(r, TL_EPARSE,
             "configSource=\"%.80s\" must be a file name relative to the "
             "configuration folder",
             file);
        return;
    }
    char *path = tl__asprintf("%s/%s", o->config_dir, file);
    if (!path) {
        oom(r);
        return;
    }
    for (char *p = path + strlen(o->config_dir); *p; p++)
        if (*p == '\\')
            *p = '/';
    size_t max = o->max_bytes ? o->max_bytes : TL_IIS_DEFAULT_MAX_BYTES;
    char *text = NULL;
    size_t len = 0;
    int kind = tl__path_kind(path);
    if (kind < 0) {
        oom(r);
        tl__free(path);
        return;
    }
    int rc = kind == TL__PATH_NONE   ? tl__error(TL_EIO, "cannot open it")
             : kind != TL__PATH_FILE ? tl__error(TL_EIO, "not a regular file")
                                     : tl__read_file(&text, &len, path, max);
    if (rc) {
        char why[160];
        snprintf(why, sizeof why, "%s", tl_error_last()->message);
        tl_error_clear();
        fail(r, rc == TL_ELIMIT ? TL_ELIMIT : TL_EIO,
             "<%.40s configSource=\"%.80s\">: %.120s cannot be read (%.140s)", name, file, path,
             why);
        tl__free(path);
        return;
    }
    XML_Parser inc = tl__xml_parser(r, on_start, on_end, on_doctype, on_entity);
    const char *kept = keep(r, path);
    tl__free(path);
    if (!inc || !kept) {
        if (inc)
            XML_ParserFree(inc);
        tl__free(text);
        oom(r);
        return;
    }
    warn(r, "<%s> read from configSource \"%s\"", name, kept);
    XML_Parser outer = r->parser;
    const char *outer_file = r->file;
    int depth = r->depth;
    unsigned long long last = r->last_event;
    r->parser = inc;
    r->file = kept;
    r->include_name = name;
    r->depth = depth - 1; /* the file's root element takes the section's place */
    r->including = depth;
    if (XML_Parse(inc, text, (int)(len > INT_MAX ? INT_MAX : len), 1) == XML_STATUS_ERROR &&
        !r->rc) {
        if (XML_GetErrorCode(inc) == XML_ERROR_NO_MEMORY) {
            oom(r);
        } else {
            r->rc = TL_EPARSE;
            snprintf(r->msg, sizeof r->msg, "%s", XML_ErrorString(XML_GetErrorCode(inc)));
            r->line = (unsigned long)XML_GetCurrentLineNumber(inc);
            r->column = (unsigned long)XML_GetCurrentColumnNumber(inc) + 1;
            r->offset = TL_NO_OFFSET;
        }
    }
    if (r->rc && r->rc != TL_ENOMEM && !r->err_file)
        r->err_file = kept;
    r->parser = outer;
    r->file = outer_file;
    r->including = 0;
    r->include_name = NULL;
    r->depth = depth;
    r->stack[depth] = CTX_OTHER; /* the element itself holds nothing more */
    r->last_event = last;
    XML_ParserFree(inc);
    tl__free(text);
    if (r->rc)
        XML_StopParser(outer, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    reader *r = ud;
    r->last_event = (unsigned long long)XML_GetCurrentByteIndex(r->parser);
    if (r->depth >= TL_IIS_MAX_DEPTH) {
        fail(r, TL_ELIMIT, "elements nested deeper than %d", TL_IIS_MAX_DEPTH);
        return;
    }
    ctx parent = r->stack[r->depth];
    if (r->including && r->depth + 1 == r->including && r->rc == 0 &&
        strcmp(name, r->include_name) != 0) {
        fail(r, TL_EPARSE, "the root element is <%.40s>, but the file replaces <%.40s>", name,
             r->include_name);
        return;
    }
    ctx c =
        (parent == CTX_OTHER || parent == CTX_LEAF) ? CTX_OTHER : child_ctx(r, parent, name, atts);
    r->stack[++r->depth] = c;
    const char *cs = c != CTX_OTHER ? tl__xml_attr(atts, "configSource") : NULL;
    if (cs && !r->rc)
        include_section(r, name, cs);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    reader *r = ud;
    (void)name;
    r->last_event = (unsigned long long)XML_GetCurrentByteIndex(r->parser);
    if (r->depth > 0)
        r->depth--;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    fail(ud, TL_EPARSE, "DOCTYPE is not allowed in applicationHost.config (no DTDs, no entities)");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid;
    (void)pubid, (void)notation;
    fail(ud, TL_EPARSE, "entity declarations are not allowed");
}

/* ---- driver -----------------------------------------------------------------------------------
 */

#define CHUNK 65536

typedef struct feeder {
    reader r;
    unsigned long long fed;
} feeder;

static void reader_free(reader *r)
{
    if (r->parser)
        XML_ParserFree(r->parser);
    r->parser = NULL;
    tl__free(r->pools);
    tl__free(r->sites);
    tl__free(r->binds);
    tl__free(r->vdirs);
    tl__free(r->apps);
    tl__free(r->locs);
    tl__free(r->ops);
    tl__free(r->warnings);
    tl__smap_free(&r->loc_map);
}

static int reader_init(feeder *f, tl_iis_audit *a, const tl_iis_options *options)
{
    memset(f, 0, sizeof *f);
    reader *r = &f->r;
    r->arena = &a->arena;
    r->options = options;
    r->parser = tl__xml_parser(r, on_start, on_end, on_doctype, on_entity);
    if (!r->parser)
        return tl__oom();
    r->stack[0] = CTX_ROOT;
    /* Location 0 is the server level: sections outside any <location>. */
    loc_index(r, "");
    return r->rc ? tl__oom() : TL_OK;
}

static int raise_reader(reader *r)
{
    char where[64];
    snprintf(where, sizeof where, "line %lu, column %lu", r->line, r->column);
    if (r->rc == TL_ENOMEM)
        return tl__oom();
    return tl__raise_at(r->rc, r->offset, where, "%s: %s: %s",
                        r->err_file ? r->err_file : "applicationHost.config", where, r->msg);
}

static void limit(reader *r, size_t offset, const char *msg)
{
    r->rc = TL_ELIMIT;
    snprintf(r->msg, sizeof r->msg, "%s", msg);
    r->line = (unsigned long)XML_GetCurrentLineNumber(r->parser);
    r->column = (unsigned long)XML_GetCurrentColumnNumber(r->parser) + 1;
    r->offset = offset;
}

/* Feed one chunk (`final` on the last). Returns TL_OK or the raised error. */
static int feed(feeder *f, const char *data, size_t n, int final)
{
    reader *r = &f->r;
    f->fed += n;
    size_t max =
        r->options && r->options->max_bytes ? r->options->max_bytes : TL_IIS_DEFAULT_MAX_BYTES;
    if (f->fed > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "the file is larger than the %zu-byte limit (option max_bytes)",
                 max);
        limit(r, max, msg);
        return raise_reader(r);
    }
    if (XML_Parse(r->parser, data, (int)n, final) == XML_STATUS_ERROR) {
        if (!r->rc && XML_GetErrorCode(r->parser) == XML_ERROR_NO_MEMORY)
            return tl__oom();
        if (!r->rc) {
            r->rc = TL_EPARSE;
            snprintf(r->msg, sizeof r->msg, "%s", XML_ErrorString(XML_GetErrorCode(r->parser)));
            r->line = (unsigned long)XML_GetCurrentLineNumber(r->parser);
            r->column = (unsigned long)XML_GetCurrentColumnNumber(r->parser) + 1;
            XML_Index idx = XML_GetCurrentByteIndex(r->parser);
            r->offset = idx < 0 ? TL_NO_OFFSET : (size_t)idx;
        }
        return raise_reader(r);
    }
    if (r->rc)
        return raise_reader(r);
    /* Without reparse deferral (expat < 2.6) an unfinished token is rescanned on every chunk;
     * bounding the bytes between markup events keeps a huge attribute, comment or text from
     * costing quadratic time. */
    if (f->fed - r->last_event > TL_IIS_MAX_TOKEN) {
        limit(r, (size_t)r->last_event,
              "more than 1 MiB without markup (a huge attribute, comment or text)");
        return raise_reader(r);
    }
    return TL_OK;
}

static int finish(feeder *f, tl_iis_audit *a, tl_iis_audit **out)
{
    int rc = tl__iis_build(&f->r, a);
    if (rc == TL_OK && f->r.nwarnings) {
        a->warnings = tl__arena_alloc(&a->arena, f->r.nwarnings * sizeof *a->warnings);
        if (!a->warnings)
            rc = tl__oom();
        else
            memcpy(a->warnings, f->r.warnings, f->r.nwarnings * sizeof *a->warnings);
        a->warning_count = a->warnings ? f->r.nwarnings : 0;
    }
    reader_free(&f->r);
    if (rc != TL_OK) {
        tl_iis_audit_free(a);
        return rc;
    }
    *out = a;
    tl_error_clear(); /* a successful call leaves no error behind */
    return TL_OK;
}

static int check_options(const tl_iis_options *o)
{
    if (o && o->version != TL_IIS_OPTIONS_VERSION)
        return tl__error(TL_EINVAL,
                         "tl_iis_options.version is %u, expected %u (use TL_IIS_OPTIONS_INIT)",
                         o->version, TL_IIS_OPTIONS_VERSION);
    return TL_OK;
}

int tl_iis_audit_parse(tl_iis_audit **out, const char *xml, size_t len,
                       const tl_iis_options *options)
{
    if (check_options(options))
        return TL_EINVAL;
    if (!out)
        return tl__error(TL_EINVAL, "out is NULL");
    if (!xml && len)
        return tl__error(TL_EINVAL, "xml is NULL");
    tl_iis_audit *a = tl__calloc(1, sizeof *a);
    if (!a)
        return tl__oom();
    feeder f;
    int rc = reader_init(&f, a, options);
    size_t off = 0;
    while (rc == TL_OK) {
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        int final = off + n == len;
        rc = feed(&f, xml ? xml + off : "", n, final);
        off += n;
        if (final)
            break;
    }
    if (rc != TL_OK) {
        reader_free(&f.r);
        tl_iis_audit_free(a);
        return rc;
    }
    return finish(&f, a, out);
}

int tl_iis_audit_load(tl_iis_audit **out, const char *path, const tl_iis_options *options)
{
    if (check_options(options))
        return TL_EINVAL;
    if (!out || !path)
        return tl__error(TL_EINVAL, "out or path is NULL");
    /* configSource files are relative to this file's folder unless the caller says otherwise */
    tl_iis_options local = TL_IIS_OPTIONS_INIT;
    if (options)
        local = *options;
    char *dir = NULL;
    if (!local.config_dir) {
        dir = tl__strdup(path);
        if (!dir)
            return tl__oom();
        char *sl = strrchr(dir, '/');
#ifdef _WIN32
        char *bs = strrchr(dir, '\\');
        if (bs && (!sl || bs > sl))
            sl = bs;
#endif
        if (sl)
            *sl = 0;
        else
            strcpy(dir, ".");
        local.config_dir = dir;
    }
    options = &local;
    FILE *fp = NULL;
    int orc = tl__file_open(&fp, path); /* never blocks: a FIFO or device is refused */
    if (orc != TL_OK) {
        tl__free(dir);
        return orc;
    }
    tl_iis_audit *a = tl__calloc(1, sizeof *a);
    char *chunk = tl__malloc(CHUNK);
    if (!a || !chunk) {
        fclose(fp);
        tl__free(a);
        tl__free(chunk);
        tl__free(dir);
        return tl__oom();
    }
    feeder f;
    int rc = reader_init(&f, a, options);
    while (rc == TL_OK) {
        size_t n = fread(chunk, 1, CHUNK, fp);
        if (n < CHUNK && ferror(fp)) {
            rc = tl__error(TL_EIO, "cannot read '%s'", path);
            break;
        }
        int final = n < CHUNK;
        rc = feed(&f, chunk, n, final);
        if (final)
            break;
    }
    fclose(fp);
    tl__free(chunk);
    if (rc != TL_OK) {
        reader_free(&f.r);
        tl_iis_audit_free(a);
        tl__free(dir);
        return rc;
    }
    rc = finish(&f, a, out);
    tl__free(dir);
    return rc;
}

void tl_iis_audit_free(tl_iis_audit *a)
{
    if (!a)
        return;
    tl__free(a->pools);
    tl__arena_free(&a->arena);
    tl__free(a);
}

/* ---- accessors ---------------------------------------------------------------------------- */

size_t tl_iis_warning_count(const tl_iis_audit *a)
{
    return a ? a->warning_count : 0;
}

const char *tl_iis_warning_at(const tl_iis_audit *a, size_t i)
{
    return a && i < a->warning_count ? a->warnings[i] : NULL;
}

size_t tl_iis_site_count(const tl_iis_audit *a)
{
    return a ? a->site_count : 0;
}

const tl_iis_site *tl_iis_site_at(const tl_iis_audit *a, size_t i)
{
    return a && i < a->site_count ? &a->sites[i] : NULL;
}

int tl_iis_site_find(size_t *out, const tl_iis_audit *a, const char *name)
{
    if (!out || !a || !name)
        return tl__error(TL_EINVAL, "NULL argument");
    for (size_t i = 0; i < a->site_count; i++)
        if (tl__strcasecmp(a->sites[i].name, name) == 0) {
            *out = i;
            return TL_OK;
        }
    return tl__error(TL_ENOTFOUND, "no site named '%s'", name);
}

const char *tl_iis_site_binding(const tl_iis_site *site, size_t i)
{
    return site && i < site->binding_count ? site->bindings[i] : NULL;
}

const tl_iis_app *tl_iis_site_app(const tl_iis_site *site, size_t i)
{
    return site && i < site->app_count ? &site->apps[i] : NULL;
}

const char *tl_iis_app_vdir_path(const tl_iis_app *app, size_t i)
{
    return app && i < app->vdir_count ? app->vdir_paths[i] : NULL;
}

const char *tl_iis_app_vdir_physical_path(const tl_iis_app *app, size_t i)
{
    return app && i < app->vdir_count ? app->vdir_physical[i] : NULL;
}

const char *tl_iis_auth_provider(const tl_iis_auth *auth, size_t i)
{
    if (!auth || i >= auth->provider_count)
        return NULL;
    /* every tl_iis_auth handed out is the `auth` member of an application */
    const tl_iis_app *app =
        (const tl_iis_app *)(const void *)((const char *)auth - offsetof(tl_iis_app, auth));
    return app->auth_providers[i];
}

const char *tl_iis_shared_site(const tl_iis_shared_identity *shared, size_t i)
{
    return shared && i < shared->site_count ? shared->sites[i] : NULL;
}

const char *tl_iis_finding_site(const tl_iis_finding *finding, size_t i)
{
    return finding && i < finding->site_count ? finding->sites[i] : NULL;
}

size_t tl_iis_pool_count(const tl_iis_audit *a)
{
    return a ? a->pool_count : 0;
}

const tl_iis_pool *tl_iis_pool_at(const tl_iis_audit *a, size_t i)
{
    return a && i < a->pool_count ? &a->pools[i] : NULL;
}

size_t tl_iis_shared_count(const tl_iis_audit *a)
{
    return a ? a->shared_count : 0;
}

const tl_iis_shared_identity *tl_iis_shared_at(const tl_iis_audit *a, size_t i)
{
    return a && i < a->shared_count ? &a->shared[i] : NULL;
}

size_t tl_iis_finding_count(const tl_iis_audit *a)
{
    return a ? a->finding_count : 0;
}

const tl_iis_finding *tl_iis_finding_at(const tl_iis_audit *a, size_t i)
{
    return a && i < a->finding_count ? &a->findings[i] : NULL;
}

const char *tl_iis_identity_type_name(tl_iis_identity_type t)
{
    switch (t) {
    case TL_IIS_APPPOOL_IDENTITY:
        return "ApplicationPoolIdentity";
    case TL_IIS_NETWORK_SERVICE:
        return "NetworkService";
    case TL_IIS_LOCAL_SERVICE:
        return "LocalService";
    case TL_IIS_LOCAL_SYSTEM:
        return "LocalSystem";
    case TL_IIS_SPECIFIC_USER:
        return "SpecificUser";
    }
    return "?";
}

const char *tl_iis_finding_kind_name(tl_iis_finding_kind k)
{
    switch (k) {
    case TL_IIS_FINDING_SHARED_ANONYMOUS:
        return "shared_anonymous_identity";
    case TL_IIS_FINDING_SHARED_POOL:
        return "shared_application_pool";
    case TL_IIS_FINDING_LOCAL_SYSTEM:
        return "local_system_pool";
    case TL_IIS_FINDING_NETWORK_IDENTITY:
        return "network_identity";
    case TL_IIS_FINDING_UNDECLARED_POOL:
        return "undeclared_pool";
    case TL_IIS_FINDING_LOCKED_SECTION:
        return "locked_section";
    case TL_IIS_FINDING_KERBEROS_KERNEL_MODE:
        return "kerberos_kernel_mode";
    }
    return "?";
}

const char *tl_iis_severity_name(tl_iis_severity s)
{
    switch (s) {
    case TL_IIS_INFO:
        return "info";
    case TL_IIS_WARNING:
        return "warning";
    case TL_IIS_CRITICAL:
        return "critical";
    }
    return "?";
}
