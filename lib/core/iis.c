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
#include "iis_internal.h"
#include <expat.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

/* ---- raw configuration, as read ------------------------------------------------------------ */

enum { PM_TYPE = 1, PM_USER = 2 };
typedef struct raw_pm {
    unsigned set;
    tl_iis_identity_type type;
    const char *user;
} raw_pm;

typedef struct raw_pool {
    const char *name;
    raw_pm pm;
} raw_pool;

typedef struct raw_app {
    const char *path;
    const char *pool;         /* NULL: from applicationDefaults */
    const char *physical;     /* root virtual directory's physicalPath */
    const char *content_user; /* its userName ("connect as"); the password is never read */
} raw_app;

typedef struct raw_site {
    const char *name;
    uint64_t id;
    const char *default_pool; /* site/applicationDefaults/@applicationPool */
    size_t bind_first, bind_count;
    size_t app_first, app_count;
} raw_site;

enum { ANON_EN = 1, ANON_USER = 2 };
enum { WIN_EN = 1, WIN_KERNEL = 2, WIN_APC = 4, WIN_PROVIDERS = 8 };
enum { OP_ADD, OP_REMOVE, OP_CLEAR };

typedef struct raw_op {
    int op;
    const char *value;
    size_t next; /* index + 1 of the next op of the same location, 0 = end */
} raw_op;

typedef struct raw_loc {
    const char *path; /* normalised: no trailing '/', "" = server level */
    size_t path_len;
    bool no_inherit; /* inheritInChildApplications="false" */
    bool has_anon, anon_lock;
    unsigned anon_set, anon_attr_lock;
    bool anon_enabled;
    const char *anon_user;
    bool has_win, win_lock;
    unsigned win_set, win_attr_lock;
    bool win_enabled, win_kernel, win_apc;
    size_t op_head, op_tail; /* index + 1 into ops */
} raw_loc;

/* Element contexts of the state machine; anything unknown is CTX_OTHER with its subtree. */
typedef enum ctx {
    CTX_ROOT,
    CTX_CONFIGURATION,
    CTX_OTHER,
    CTX_SAH,
    CTX_POOLS,
    CTX_POOL_DEFAULTS,
    CTX_POOL,
    CTX_SITES,
    CTX_SITE,
    CTX_BINDINGS,
    CTX_APP,
    CTX_LOCATION,
    CTX_SWS,
    CTX_SECURITY,
    CTX_AUTHN,
    CTX_WIN,
    CTX_PROVIDERS,
    CTX_LEAF
} ctx;

typedef struct reader {
    XML_Parser parser;
    tl__arena *arena;
    const tl_iis_options *options;
    int rc;
    char msg[256];
    unsigned long line, column;
    size_t offset;
    int depth;
    ctx stack[TL_IIS_MAX_DEPTH + 2];
    unsigned long long last_event; /* byte index of the last markup event */

    raw_pm pm_defaults;
    raw_pool *pools;
    size_t npools, cap_pools;
    raw_site *sites;
    size_t nsites, cap_sites;
    const char **binds;
    size_t nbinds, cap_binds;
    raw_app *apps;
    size_t napps, cap_apps;
    raw_loc *locs;
    size_t nlocs, cap_locs;
    raw_op *ops;
    size_t nops, cap_ops;
    tl__smap loc_map;
    const char *global_default_pool; /* sites/applicationDefaults/@applicationPool */
    size_t cur_loc;                  /* location whose sections are being read */
    const char **warnings;
    size_t nwarnings, cap_warnings;
    int including;       /* depth of the element whose configSource is being read, 0: none */
    const char *file;    /* the file being read, for messages (NULL: the main text) */
    const char *include_name; /* the element the included file replaces */
    const char *err_file;     /* the configSource file an error is in, or NULL */
    bool cur_deny; /* that <location> has overrideMode="Deny" / allowOverride="false" */
} reader;

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
    r->line = (unsigned long)XML_GetCurrentLineNumber(r->parser);
    r->column = (unsigned long)XML_GetCurrentColumnNumber(r->parser) + 1;
    XML_Index idx = XML_GetCurrentByteIndex(r->parser);
    r->offset = idx < 0 ? TL_NO_OFFSET : (size_t)idx;
    XML_StopParser(r->parser, XML_FALSE);
}

static void oom(reader *r)
{
    fail(r, TL_ENOMEM, "out of memory");
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (; atts[0]; atts += 2)
        if (strcmp(atts[0], name) == 0)
            return atts[1];
    return NULL;
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
    if (!kept || tl__array_grow(&r->warnings, &r->cap_warnings, r->nwarnings + 1, sizeof *r->warnings)) {
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

static void read_pm(reader *r, raw_pm *pm, const XML_Char **atts)
{
    const char *t = attr(atts, "identityType");
    if (t) {
        if (parse_identity_type(r, t, &pm->type) != 0)
            return;
        pm->set |= PM_TYPE;
    }
    /* userName only: the password attribute is deliberately never looked at. */
    const char *u = attr(atts, "userName");
    if (u) {
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
    const char *v = attr(atts, "enabled");
    if (v) {
        if (parse_bool(r, "enabled", v, &l->anon_enabled) != 0)
            return;
        l->anon_set |= ANON_EN;
    }
    if ((v = attr(atts, "userName")) != NULL) {
        l->anon_user = keep(r, v);
        l->anon_set |= ANON_USER;
    }
    static const char *const names[] = {"enabled", "userName"};
    static const unsigned bits[] = {ANON_EN, ANON_USER};
    l->anon_attr_lock |= parse_lock_attrs(attr(atts, "lockAttributes"), names, bits, 2);
}

static void read_win(reader *r, const XML_Char **atts)
{
    raw_loc *l = &r->locs[r->cur_loc];
    l->has_win = true;
    if (r->cur_deny)
        l->win_lock = true;
    const char *v;
    if ((v = attr(atts, "enabled")) != NULL) {
        if (parse_bool(r, "enabled", v, &l->win_enabled) != 0)
            return;
        l->win_set |= WIN_EN;
    }
    if ((v = attr(atts, "useKernelMode")) != NULL) {
        if (parse_bool(r, "useKernelMode", v, &l->win_kernel) != 0)
            return;
        l->win_set |= WIN_KERNEL;
    }
    if ((v = attr(atts, "useAppPoolCredentials")) != NULL) {
        if (parse_bool(r, "useAppPoolCredentials", v, &l->win_apc) != 0)
            return;
        l->win_set |= WIN_APC;
    }
    static const char *const names[] = {"enabled", "useKernelMode", "useAppPoolCredentials"};
    static const unsigned bits[] = {WIN_EN, WIN_KERNEL, WIN_APC};
    l->win_attr_lock |= parse_lock_attrs(attr(atts, "lockAttributes"), names, bits, 3);
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

static ctx child_ctx(reader *r, ctx parent, const char *name, const XML_Char **atts)
{
    switch (parent) {
    case CTX_ROOT:
        /* admins paste fragments: accept the two sections the audit reads, and say so */
        if (strcmp(name, "system.applicationHost") == 0 || strcmp(name, "system.webServer") == 0) {
            warn(r, "the root element is <%s>, not <configuration>: read as a fragment of "
                    "applicationHost.config (sections outside it are unknown)",
                 name);
            if (name[7] == 'w') {
                r->cur_loc = 0;
                r->cur_deny = false;
                return CTX_SWS;
            }
            return CTX_SAH;
        }
        if (strcmp(name, "configuration") != 0) {
            fail(r, TL_EPARSE, "the root element is <%.40s>, not <configuration>", name);
            return CTX_OTHER;
        }
        return CTX_CONFIGURATION;
    case CTX_CONFIGURATION:
        if (strcmp(name, "system.applicationHost") == 0)
            return CTX_SAH;
        if (strcmp(name, "system.webServer") == 0) {
            r->cur_loc = 0;
            r->cur_deny = false;
            return CTX_SWS;
        }
        if (strcmp(name, "location") == 0) {
            r->cur_loc = loc_index(r, attr(atts, "path"));
            const char *om = attr(atts, "overrideMode");
            const char *ao = attr(atts, "allowOverride");
            const char *ih = attr(atts, "inheritInChildApplications");
            if (ih && tl__strcasecmp(ih, "false") == 0)
                r->locs[r->cur_loc].no_inherit = true;
            r->cur_deny =
                (om && tl__strcasecmp(om, "Deny") == 0) || (ao && tl__strcasecmp(ao, "false") == 0);
            return CTX_LOCATION;
        }
        return CTX_OTHER;
    case CTX_LOCATION:
        return strcmp(name, "system.webServer") == 0 ? CTX_SWS : CTX_OTHER;
    case CTX_SAH:
        if (strcmp(name, "applicationPools") == 0)
            return CTX_POOLS;
        if (strcmp(name, "sites") == 0)
            return CTX_SITES;
        return CTX_OTHER;
    case CTX_POOLS:
        if (strcmp(name, "applicationPoolDefaults") == 0)
            return CTX_POOL_DEFAULTS;
        if (strcmp(name, "add") == 0) {
            const char *pn = attr(atts, "name");
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
            return CTX_POOL;
        }
        return CTX_OTHER;
    case CTX_POOL_DEFAULTS:
        if (strcmp(name, "processModel") == 0) {
            read_pm(r, &r->pm_defaults, atts);
            return CTX_LEAF;
        }
        return CTX_OTHER;
    case CTX_POOL:
        if (strcmp(name, "processModel") == 0) {
            read_pm(r, &r->pools[r->npools - 1].pm, atts);
            return CTX_LEAF;
        }
        return CTX_OTHER;
    case CTX_SITES:
        if (strcmp(name, "applicationDefaults") == 0) {
            const char *p = attr(atts, "applicationPool");
            if (p)
                r->global_default_pool = keep(r, p);
            return CTX_LEAF;
        }
        if (strcmp(name, "site") == 0) {
            const char *sn = attr(atts, "name");
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
            const char *id = attr(atts, "id");
            s->id = id ? strtoull(id, NULL, 10) : 0;
            s->bind_first = r->nbinds;
            s->app_first = r->napps;
            return CTX_SITE;
        }
        return CTX_OTHER;
    case CTX_SITE: {
        raw_site *s = &r->sites[r->nsites - 1];
        if (strcmp(name, "applicationDefaults") == 0) {
            const char *p = attr(atts, "applicationPool");
            if (p)
                s->default_pool = keep(r, p);
            return CTX_LEAF;
        }
        if (strcmp(name, "bindings") == 0)
            return CTX_BINDINGS;
        if (strcmp(name, "application") == 0) {
            if (tl__array_grow(&r->apps, &r->cap_apps, r->napps + 1, sizeof *r->apps) != 0) {
                oom(r);
                return CTX_OTHER;
            }
            raw_app *a = &r->apps[r->napps++];
            memset(a, 0, sizeof *a);
            const char *p = attr(atts, "path");
            a->path = keep(r, p && *p ? p : "/");
            const char *pool = attr(atts, "applicationPool");
            a->pool = pool ? keep(r, pool) : NULL;
            s->app_count++;
            return CTX_APP;
        }
        return CTX_OTHER;
    }
    case CTX_BINDINGS:
        if (strcmp(name, "binding") == 0) {
            const char *proto = attr(atts, "protocol");
            const char *info = attr(atts, "bindingInformation");
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
            return CTX_LEAF;
        }
        return CTX_OTHER;
    case CTX_APP:
        if (strcmp(name, "virtualDirectory") == 0) {
            const char *p = attr(atts, "path");
            const char *pp = attr(atts, "physicalPath");
            const char *cu = attr(atts, "userName");
            if (p && strcmp(p, "/") == 0) {
                if (pp)
                    r->apps[r->napps - 1].physical = keep(r, pp);
                if (cu && *cu)
                    r->apps[r->napps - 1].content_user = keep(r, cu);
            }
            return CTX_LEAF;
        }
        return CTX_OTHER;
    case CTX_SWS:
        return strcmp(name, "security") == 0 ? CTX_SECURITY : CTX_OTHER;
    case CTX_SECURITY:
        return strcmp(name, "authentication") == 0 ? CTX_AUTHN : CTX_OTHER;
    case CTX_AUTHN:
        if (strcmp(name, "anonymousAuthentication") == 0) {
            read_anon(r, atts);
            return CTX_LEAF;
        }
        if (strcmp(name, "windowsAuthentication") == 0) {
            read_win(r, atts);
            return CTX_WIN;
        }
        return CTX_OTHER;
    case CTX_WIN:
        return strcmp(name, "providers") == 0 ? CTX_PROVIDERS : CTX_OTHER;
    case CTX_PROVIDERS:
        if (strcmp(name, "add") == 0)
            add_op(r, OP_ADD, attr(atts, "value"));
        else if (strcmp(name, "remove") == 0)
            add_op(r, OP_REMOVE, attr(atts, "value"));
        else if (strcmp(name, "clear") == 0)
            add_op(r, OP_CLEAR, NULL);
        return CTX_LEAF;
    default:
        return CTX_OTHER;
    }
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
static void *XMLCALL x_malloc(size_t n);
static void *XMLCALL x_realloc(void *p, size_t n);
static void XMLCALL x_free(void *p);

static void include_section(reader *r, const char *name, const char *file)
{
    const tl_iis_options *o = r->options;
    if (r->including) {
        fail(r, TL_EPARSE, "configSource=\"%.80s\" inside a configSource file (IIS refuses it)",
             file);
        return;
    }
    if (!o || !o->config_dir) {
        fail(r, TL_EPARSE, "<%.40s configSource=\"%.80s\">: the text was not read from a file, "
                           "so the section's file cannot be found",
             name, file);
        return;
    }
    if (!*file || file[0] == '/' || file[0] == '\\' || strchr(file, ':') || strstr(file, "..")) {
        fail(r, TL_EPARSE, "configSource=\"%.80s\" must be a file name relative to the "
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
    struct stat st;
    char *text = NULL;
    size_t len = 0;
    int rc = stat(path, &st) != 0   ? tl__error(TL_EIO, "cannot open it")
             : !S_ISREG(st.st_mode) ? tl__error(TL_EIO, "not a regular file")
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
    static const XML_Memory_Handling_Suite mem = {x_malloc, x_realloc, x_free};
    XML_Parser inc = XML_ParserCreate_MM(NULL, &mem, NULL);
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
    XML_SetUserData(inc, r);
    XML_SetElementHandler(inc, on_start, on_end);
    XML_SetStartDoctypeDeclHandler(inc, on_doctype);
    XML_SetEntityDeclHandler(inc, on_entity);
    XML_SetParamEntityParsing(inc, XML_PARAM_ENTITY_PARSING_NEVER);
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
    const char *cs = c != CTX_OTHER ? attr(atts, "configSource") : NULL;
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

/* ---- resolution ----------------------------------------------------------------------------- */

typedef struct builder {
    reader *r;
    tl_iis_audit *a;
    tl__smap pool_map; /* pool name -> index in a->pools */
    size_t cap_pools;
    tl_iis_identity iusr;
    const char **prov; /* scratch provider list */
    size_t nprov, cap_prov;
    tl_iis_finding *findings;
    size_t nfindings, cap_findings;
} builder;

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
        out->auth.providers = pv;
    }
    out->config_error = e.error;
    out->content_user = ra ? ra->content_user : NULL;
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
        tl__array_grow(&b->findings, &b->cap_findings, b->nfindings + 1, sizeof *b->findings) != 0) {
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
                if (tl__strncasecmp(app->auth.providers[i], "Negotiate", 9) == 0)
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
                           "Kerberos fails and browsers fall back to NTLM (which cannot be "
                           "delegated)",
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

static int group_shared(builder *b)
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

static int build(reader *r, tl_iis_audit *a)
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
        rc = group_shared(&b);
    if (rc == TL_OK)
        rc = shared_findings(&b);
    if (rc == TL_OK)
        rc = pool_findings(&b);
    if (rc == TL_OK)
        rc = lock_findings(&b);
    if (rc == TL_OK)
        rc = kerberos_findings(&b);
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
    tl__free(r->apps);
    tl__free(r->locs);
    tl__free(r->ops);
    tl__free(r->warnings);
    tl__smap_free(&r->loc_map);
}

static void *XMLCALL x_malloc(size_t n)
{
    return tl__malloc(n);
}
static void *XMLCALL x_realloc(void *p, size_t n)
{
    return tl__realloc(p, n);
}
static void XMLCALL x_free(void *p)
{
    tl__free(p);
}

static int reader_init(feeder *f, tl_iis_audit *a, const tl_iis_options *options)
{
    memset(f, 0, sizeof *f);
    reader *r = &f->r;
    r->arena = &a->arena;
    r->options = options;
    static const XML_Memory_Handling_Suite mem = {x_malloc, x_realloc, x_free};
    r->parser = XML_ParserCreate_MM(NULL, &mem, NULL);
    if (!r->parser)
        return tl__oom();
    XML_SetUserData(r->parser, r);
    XML_SetElementHandler(r->parser, on_start, on_end);
    XML_SetStartDoctypeDeclHandler(r->parser, on_doctype);
    XML_SetEntityDeclHandler(r->parser, on_entity);
    XML_SetParamEntityParsing(r->parser, XML_PARAM_ENTITY_PARSING_NEVER);
    r->stack[0] = CTX_ROOT;
    /* Location 0 is the server level: sections outside any <location>. */
    loc_index(r, "");
    return r->rc ? tl__oom() : TL_OK;
}

static int raise_at(int code, size_t offset, const char *path, const char *fmt, ...)
    TL__PRINTF(4, 5);
static int raise_at(int code, size_t offset, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl__error_full(code, offset, path, 0, fmt, ap);
    va_end(ap);
    return code;
}

static int raise_reader(reader *r)
{
    char where[64];
    snprintf(where, sizeof where, "line %lu, column %lu", r->line, r->column);
    if (r->rc == TL_ENOMEM)
        return tl__oom();
    return raise_at(r->rc, r->offset, where, "%s: %s: %s",
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
    size_t max = r->options && r->options->max_bytes ? r->options->max_bytes
                                                     : TL_IIS_DEFAULT_MAX_BYTES;
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
    int rc = build(&f->r, a);
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
    return TL_OK;
}

int tl_iis_audit_parse(tl_iis_audit **out, const char *xml, size_t len,
                       const tl_iis_options *options)
{
    if (!out)
        return tl__error(TL_EINVAL, "out is NULL");
    *out = NULL;
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
    if (!out || !path)
        return tl__error(TL_EINVAL, "out or path is NULL");
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return tl__error(TL_EIO, "cannot open '%s'", path);
    if (S_ISDIR(st.st_mode))
        return tl__error(TL_EIO, "'%s' is a directory, not applicationHost.config", path);
    if (!S_ISREG(st.st_mode))
        return tl__error(TL_EIO, "'%s' is not a regular file (a FIFO, socket or device)", path);
    /* configSource files are relative to this file's folder unless the caller says otherwise */
    tl_iis_options local;
    memset(&local, 0, sizeof local);
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
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        tl__free(dir);
        return tl__error(TL_EIO, "cannot open '%s'", path);
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
