/* A whole IIS server: applicationHost.config (redirection.config, configSource), every
 * application's web.config through path maps, ASP.NET configuration inheritance from parent
 * applications, and the explain engine's answer for every off-box target (diagnose).
 * The explain engine is used through its public API (scenario JSON in, explanation out).
 * Rules and sources: docs/diagnose.md. */
#include "iis_internal.h"
#include "tokenlens/server.h"
#include "tokenlens/sim.h"
#include "webconfig_internal.h"
#include "xml.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct vdir_wc {
    size_t app;  /* index in audit->apps */
    size_t vdir; /* index of the virtual directory in that application */
    tl_webconfig *wc;
} vdir_wc;

struct tl_server {
    tl_iis_audit *audit;
    tl_webconfig **wc; /* per application, indexed like audit->apps */
    size_t napps;
    vdir_wc *vwc; /* web.config files of non-root virtual directories */
    size_t nvwc, cap_vwc;
    char **notes;
    size_t nnotes, cap_notes;
    char *machine, *domain;
    char *config; /* the file read */
};

static size_t app_index(const tl_server *s, const tl_iis_app *app)
{
    return (size_t)(app - s->audit->apps);
}

void tl_server_free(tl_server *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->napps; i++)
        tl_webconfig_free(s->wc[i]);
    tl__free(s->wc);
    for (size_t i = 0; i < s->nvwc; i++)
        tl_webconfig_free(s->vwc[i].wc);
    tl__free(s->vwc);
    tl__strlist_free(s->notes, s->nnotes);
    tl__free(s->machine);
    tl__free(s->domain);
    tl__free(s->config);
    tl_iis_audit_free(s->audit);
    tl__free(s);
}

static int add_note(tl_server *s, const char *fmt, ...) TL__PRINTF(2, 3);
static int add_note(tl_server *s, const char *fmt, ...)
{
    if (s->nnotes >= 1000)
        return TL_OK;
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return tl__strlist_add(&s->notes, &s->nnotes, &s->cap_notes, text);
}

/* ---- paths ---------------------------------------------------------------------------------- */

/* "C:\inetpub\wwwroot" -> "<DIR>/inetpub/wwwroot" through the longest matching map; NULL
 * (no error) when no map covers it, or on out of memory (*oom set). */
static char *map_path(const tl_server_options *o, const char *win, bool *oom)
{
    size_t best = 0;
    const char *dir = NULL;
    for (size_t i = 0; i < o->map_count; i++) {
        const char *m = o->maps[i];
        const char *eq = m ? strchr(m, '=') : NULL;
        if (!eq)
            continue;
        size_t n = (size_t)(eq - m);
        while (n && (m[n - 1] == '\\' || m[n - 1] == '/'))
            n--;
        bool match = n && strlen(win) >= n;
        for (size_t k = 0; match && k < n; k++) {
            char a = m[k] == '/' ? '\\' : m[k], b = win[k] == '/' ? '\\' : win[k];
            if ((a | 0x20) != (b | 0x20) && a != b)
                match = false;
        }
        if (match && win[n] && win[n] != '\\' && win[n] != '/')
            match = false;
        if (match && n > best) {
            best = n;
            dir = eq + 1;
        }
    }
    if (!dir)
        return NULL;
    char *r = tl__asprintf("%s%s", dir, win + best);
    if (!r) {
        *oom = true;
        return NULL;
    }
    for (char *p = r + strlen(dir); *p; p++)
        if (*p == '\\')
            *p = '/';
    return r;
}

static char *dirname_of(const char *path)
{
    char *d = tl__strdup(path);
    if (!d)
        return NULL;
    char *sl = strrchr(d, '/');
#ifdef _WIN32
    char *bs = strrchr(d, '\\');
    if (bs && (!sl || bs > sl))
        sl = bs;
#endif
    if (sl)
        *sl = 0;
    else
        strcpy(d, ".");
    return d;
}

/* ---- redirection.config --------------------------------------------------------------------- */

typedef struct redir {
    XML_Parser p;
    int rc;
    bool enabled;
    char *path;
    int depth;
} redir;

static void XMLCALL r_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    redir *r = ud;
    r->depth++;
    if (r->depth > 16) {
        r->rc = TL_ELIMIT;
        XML_StopParser(r->p, XML_FALSE);
        return;
    }
    if (strcmp(name, "configurationRedirection"))
        return;
    for (int i = 0; atts[i]; i += 2) {
        if (!strcmp(atts[i], "enabled"))
            r->enabled = !tl__strcasecmp(atts[i + 1], "true");
        else if (!strcmp(atts[i], "path")) {
            tl__free(r->path);
            r->path = tl__strdup(atts[i + 1]);
            if (!r->path) {
                r->rc = TL_ENOMEM;
                XML_StopParser(r->p, XML_FALSE);
            }
        }
    }
}

static void XMLCALL r_end(void *ud, const XML_Char *name)
{
    (void)name;
    ((redir *)ud)->depth--;
}

static void XMLCALL r_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                              const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    redir *r = ud;
    r->rc = TL_EPARSE;
    XML_StopParser(r->p, XML_FALSE);
}

/* If `dir`/redirection.config turns redirection on, *target receives the folder it names. */
static int read_redirection(const char *dir, char **target)
{
    *target = NULL;
    char *file = tl__asprintf("%s/redirection.config", dir);
    if (!file)
        return tl__oom();
    int kind = tl__path_kind(file);
    if (kind < 0) {
        tl__free(file);
        return kind;
    }
    if (kind != TL__PATH_FILE) {
        tl__free(file);
        return TL_OK;
    }
    char *text = NULL;
    size_t len = 0;
    int rc = tl__read_file(&text, &len, file, 1u << 20);
    if (rc) {
        tl__free(file);
        return rc;
    }
    redir r;
    memset(&r, 0, sizeof r);
    r.p = tl__xml_parser(&r, r_start, r_end, r_doctype, NULL);
    if (!r.p) {
        tl__free(text);
        tl__free(file);
        return tl__oom();
    }
    if (XML_Parse(r.p, text, (int)len, 1) == XML_STATUS_ERROR || r.rc) {
        rc = r.rc == TL_ENOMEM
                 ? tl__oom()
                 : tl__error_path(r.rc ? r.rc : TL_EPARSE, "redirection.config", "%s: line %lu: %s",
                                  file, (unsigned long)XML_GetCurrentLineNumber(r.p),
                                  r.rc ? "DOCTYPE or nesting not allowed"
                                       : XML_ErrorString(XML_GetErrorCode(r.p)));
    }
    XML_ParserFree(r.p);
    tl__free(text);
    tl__free(file);
    if (!rc && r.enabled && r.path && *r.path)
        *target = r.path;
    else
        tl__free(r.path);
    return rc;
}

/* ---- load ----------------------------------------------------------------------------------- */

static const char *const default_vars[] = {
    "SystemDrive=C:",
    "SystemRoot=C:\\Windows",
    "windir=C:\\Windows",
    "ProgramFiles=C:\\Program Files",
    "ProgramFiles(x86)=C:\\Program Files (x86)",
    "ProgramData=C:\\ProgramData",
    "PUBLIC=C:\\Users\\Public",
    "ALLUSERSPROFILE=C:\\ProgramData",
};

/* %SystemDrive% and the like, as Windows defines them, for what --var left unexpanded
 * (on Windows the live environment's values). */
static char *expand_defaults(const char *s)
{
    tl__buf out = TL__BUF_INIT;
    tl__buf_put(&out, "");
    while (*s) {
        const char *q = s[0] == '%' ? strchr(s + 1, '%') : NULL;
        bool done = false;
        if (q) {
            size_t n = (size_t)(q - s - 1);
#ifdef _WIN32
            char name[128];
            if (n < sizeof name) {
                memcpy(name, s + 1, n);
                name[n] = 0;
                const char *v = getenv(name);
                if (v) {
                    tl__buf_put(&out, v);
                    s = q + 1;
                    done = true;
                }
            }
#endif
            for (size_t i = 0; !done && i < sizeof default_vars / sizeof default_vars[0]; i++) {
                const char *v = default_vars[i], *eq = strchr(v, '=');
                if ((size_t)(eq - v) == n && !tl__strncasecmp(v, s + 1, n)) {
                    tl__buf_put(&out, eq + 1);
                    s = q + 1;
                    done = true;
                }
            }
        }
        if (!done)
            tl__buf_putc(&out, *s++);
    }
    char *r = NULL;
    return tl__buf_detach(&out, &r) == TL_OK ? r : NULL;
}

/* The web.config in the folder `physical` (a Windows path) of application `app`'s virtual
 * directory `vpath`, through the maps: *out stays NULL when there is none. */
static int read_webconfig(tl_server *s, const tl_server_options *o, const tl_iis_app *app,
                          const char *vpath, const char *physical, tl_webconfig **out,
                          size_t *unmapped)
{
    bool oom = false;
    char *winpath = expand_defaults(physical);
    char *local = winpath ? map_path(o, winpath, &oom) : NULL;
#ifdef _WIN32
    if (winpath && !local && !oom && !o->map_count)
        local = tl__strdup(winpath);
#endif
    if (!winpath || oom) {
        tl__free(winpath);
        return tl__oom();
    }
    if (!local) {
        (*unmapped)++;
        int rc = o->map_count
                     ? add_note(s, "%s: not under any --map: its web.config is not read", winpath)
                     : TL_OK;
        tl__free(winpath);
        return rc;
    }
    tl__free(winpath);
    char *file = tl__asprintf("%s/web.config", local);
    tl__free(local);
    if (!file)
        return tl__oom();
    int rc = tl__path_kind(file);
    if (rc > TL__PATH_NONE) {
        rc = tl_webconfig_load(out, file, NULL);
        if (rc)
            tl__error_prefix("application %s%s%s (%s)", app->path,
                             strcmp(vpath, "/") ? ", virtual directory " : "",
                             strcmp(vpath, "/") ? vpath : "", physical);
    }
    tl__free(file);
    return rc;
}

tl_result tl_server_load(tl_server **out, const char *config, const tl_server_options *options)
{
    if (!out || !config)
        return tl__error(TL_EINVAL, "out or config is NULL");
    if (options && options->version != TL_SERVER_OPTIONS_VERSION)
        return tl__error(TL_EINVAL, "tl_server_options.version is %u, expected %u",
                         options->version, TL_SERVER_OPTIONS_VERSION);
    tl_server_options none = TL_SERVER_OPTIONS_INIT;
    const tl_server_options *o = options ? options : &none;
    for (size_t i = 0; i < o->map_count; i++)
        if (!o->maps[i] || !strchr(o->maps[i], '=') || o->maps[i][0] == '=')
            return tl__error(TL_EINVAL, "map '%s' is not WINPATH=DIR",
                             o->maps[i] ? o->maps[i] : "(null)");
    tl_server *s = tl__calloc(1, sizeof *s);
    if (!s)
        return tl__oom();
    s->machine = tl__strdup(o->machine ? o->machine : "WEB01");
    s->domain = o->domain ? tl__strdup(o->domain) : NULL;
    char *dir = dirname_of(config);
    int rc = !s->machine || (o->domain && !s->domain) || !dir ? tl__oom() : TL_OK;
    char *real = NULL;
    if (!rc) {
        char *target = NULL;
        rc = read_redirection(dir, &target);
        if (!rc && target) {
            bool oom = false;
            char *mapped = map_path(o, target, &oom);
#ifdef _WIN32
            if (!mapped && !oom && !o->map_count)
                mapped = tl__strdup(target);
#endif
            if (oom || (!mapped && o->map_count == 0 && false))
                rc = tl__oom();
            else if (!mapped)
                rc = tl__error(TL_EIO,
                               "%s/redirection.config sends the configuration to %s: give "
                               "--map for that path",
                               dir, target);
            else {
                real = tl__asprintf("%s/applicationHost.config", mapped);
                rc = real ? add_note(s, "redirection.config: the configuration is read from %s",
                                     target)
                          : tl__oom();
            }
            tl__free(mapped);
            tl__free(target);
        }
    }
    if (!rc && !real && !(real = tl__strdup(config)))
        rc = tl__oom();
    if (!rc) {
        s->config = real;
        real = NULL;
        tl_iis_options io = TL_IIS_OPTIONS_INIT;
        io.variables = o->variables;
        io.variable_count = o->variable_count;
        io.max_bytes = o->max_bytes;
        rc = tl_iis_audit_load(&s->audit, s->config, &io);
    }
    tl__free(real);
    tl__free(dir);
    if (!rc) {
        s->napps = s->audit->app_count;
        s->wc = tl__calloc(s->napps ? s->napps : 1, sizeof *s->wc);
        if (!s->wc)
            rc = tl__oom();
    }
    size_t unmapped = 0;
    for (size_t i = 0; !rc && i < s->napps; i++) {
        const tl_iis_app *app = &s->audit->apps[i];
        if (app->physical_path)
            rc = read_webconfig(s, o, app, "/", app->physical_path, &s->wc[i], &unmapped);
        for (size_t v = 0; !rc && v < app->vdir_count; v++) {
            const char *phys = tl_iis_app_vdir_physical_path(app, v);
            tl_webconfig *w = NULL;
            if (phys)
                rc = read_webconfig(s, o, app, tl_iis_app_vdir_path(app, v), phys, &w, &unmapped);
            if (!rc && w) {
                if (tl__array_grow(&s->vwc, &s->cap_vwc, s->nvwc + 1, sizeof *s->vwc)) {
                    tl_webconfig_free(w);
                    rc = tl__oom();
                    break;
                }
                s->vwc[s->nvwc].app = i;
                s->vwc[s->nvwc].vdir = v;
                s->vwc[s->nvwc].wc = w;
                s->nvwc++;
            }
        }
    }
    if (!rc && unmapped && !o->map_count)
        rc = add_note(s, "no --map given: the web.config of %zu application(s) is not read",
                      unmapped);
    if (rc) {
        tl_server_free(s);
        return rc;
    }
    *out = s;
    tl_error_clear();
    return TL_OK;
}

const tl_iis_audit *tl_server_audit(const tl_server *s)
{
    return s ? s->audit : NULL;
}

const tl_webconfig *tl_server_webconfig(const tl_server *s, size_t site, size_t app)
{
    if (!s || site >= s->audit->site_count || app >= s->audit->sites[site].app_count)
        return NULL;
    return s->wc[app_index(s, &s->audit->sites[site].apps[app])];
}

size_t tl_server_note_count(const tl_server *s)
{
    return s ? s->nnotes : 0;
}

const char *tl_server_note_at(const tl_server *s, size_t i)
{
    return s && i < s->nnotes ? s->notes[i] : NULL;
}

/* ---- inheritance ---------------------------------------------------------------------------- */

/* Is application path `parent` an ancestor of (or equal to) `child`? ("/" of everything) */
static bool ancestor(const char *parent, const char *child)
{
    size_t n = strlen(parent);
    while (n && parent[n - 1] == '/')
        n--;
    if (n == 0)
        return true;
    return !tl__strncasecmp(parent, child, n) && (child[n] == 0 || child[n] == '/');
}

/* The web.configs that apply to application `k` of site `site`, root first (at most 64). */
static size_t chain(const tl_server *s, const tl_iis_site *site, size_t k, const tl_webconfig **out,
                    const char **owner)
{
    size_t n = 0;
    const char *path = site->apps[k].path;
    /* ancestors by increasing path length */
    size_t order[64], no = 0;
    for (size_t j = 0; j < site->app_count && no < 64; j++)
        if (ancestor(site->apps[j].path, path))
            order[no++] = j;
    for (size_t a = 1; a < no; a++)
        for (size_t b = a;
             b > 0 && strlen(site->apps[order[b - 1]].path) > strlen(site->apps[order[b]].path);
             b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
    for (size_t a = 0; a < no; a++) {
        const tl_webconfig *w = s->wc[app_index(s, &site->apps[order[a]])];
        if (w) {
            owner[n] = site->apps[order[a]].path;
            out[n++] = w;
        }
    }
    return n;
}

typedef struct eff {
    bool impersonate;
    const char *impersonate_user;
    const char *auth_mode;
    const tl_webconfig *own; /* the application's own file (ASP.NET Core settings) */
    const tl__wc_conn *conns[256];
    size_t nconns;
    const char *unc[256];
    const char *unc_where[256];
    size_t nunc;
    const tl_webconfig *files[64];
    const char *owners[64]; /* the application path each file belongs to */
    size_t nfiles;
    const tl_webconfig *vfiles[64]; /* non-root virtual directories' own files */
    const char *vpaths[64];
    size_t nv;
} eff;

/* Does <location path="loc"> in the web.config of application `owner` cover application
 * `path`? (loc is relative to the owner: "api" covers /api and /api/v2 under "/".) */
static bool location_covers(const char *owner, const char *loc, const char *path)
{
    size_t on = strlen(owner);
    while (on && owner[on - 1] == '/')
        on--;
    if (tl__strncasecmp(owner, path, on) != 0)
        return false;
    const char *rest = path + on;
    while (*rest == '/')
        rest++;
    while (*loc == '/')
        loc++;
    size_t ln = strlen(loc);
    while (ln && loc[ln - 1] == '/')
        ln--;
    return ln && !tl__strncasecmp(rest, loc, ln) && (rest[ln] == 0 || rest[ln] == '/');
}

static void effective(const tl_server *s, const tl_iis_site *site, size_t k, eff *e)
{
    memset(e, 0, sizeof *e);
    e->nfiles = chain(s, site, k, e->files, e->owners);
    e->own = s->wc[app_index(s, &site->apps[k])];
    size_t ai = app_index(s, &site->apps[k]);
    for (size_t v = 0; v < s->nvwc && e->nv < 64; v++)
        if (s->vwc[v].app == ai) {
            e->vfiles[e->nv] = s->vwc[v].wc;
            e->vpaths[e->nv++] = tl_iis_app_vdir_path(&site->apps[k], s->vwc[v].vdir);
        }
    for (size_t f = 0; f < e->nfiles; f++) {
        const tl_webconfig *w = e->files[f];
        if (w->root.impersonate >= 0) {
            e->impersonate = w->root.impersonate == 1;
            e->impersonate_user = w->root.impersonate_user;
        }
        if (w->root.authentication_mode)
            e->auth_mode = w->root.authentication_mode;
        /* a parent's <location path="child"> applies to the child application too */
        for (size_t l = 0; l < w->nlocs; l++) {
            const tl__wc_scope *sc = &w->locs[l];
            if (!location_covers(e->owners[f], sc->path, site->apps[k].path))
                continue;
            if (sc->impersonate >= 0) {
                e->impersonate = sc->impersonate == 1;
                e->impersonate_user = sc->impersonate_user;
            }
            if (sc->authentication_mode)
                e->auth_mode = sc->authentication_mode;
        }
        for (size_t c = 0; c < w->nconns; c++) {
            size_t slot = e->nconns;
            for (size_t q = 0; q < e->nconns; q++)
                if (e->conns[q]->where == w->conns[c].where &&
                    !tl__strcasecmp(e->conns[q]->name, w->conns[c].name))
                    slot = q; /* the child's entry of the same name replaces the parent's */
            if (slot < 256) {
                e->conns[slot] = &w->conns[c];
                if (slot == e->nconns)
                    e->nconns++;
            }
        }
        for (size_t u = 0; u < w->nunc && e->nunc < 256; u++) {
            bool dup = false;
            for (size_t q = 0; q < e->nunc; q++)
                dup |= !tl__strcasecmp(e->unc[q], w->unc[u]);
            if (!dup) {
                e->unc_where[e->nunc] = u < w->nunc_where ? w->unc_where[u] : "";
                e->unc[e->nunc++] = w->unc[u];
            }
        }
    }
}

/* ---- JSON ----------------------------------------------------------------------------------- */

static int add_hop(json_t *a, const char *target, const char *source, const char *path)
{
    json_t *h = json_object();
    if (!h || json_object_set_new(h, "target", json_string(target)) ||
        json_object_set_new(h, "source", json_string(source)) ||
        (path && json_object_set_new(h, "path", json_string(path))) ||
        json_array_append_new(a, h)) {
        json_decref(h);
        return -1;
    }
    return 0;
}

/* The off-box targets of connections and UNC paths; `prefix` ("/images: ") names a virtual
 * directory's own file. */
static int file_hops(json_t *a, const tl__wc_conn *const *conns, size_t nconns,
                     const tl__wc_conn *plain, size_t nplain, const char *const *unc,
                     const char *const *unc_where, size_t nunc, const char *prefix)
{
    for (size_t c = 0; c < nconns + nplain; c++) {
        const tl__wc_conn *wc = c < nconns ? conns[c] : &plain[c - nconns];
        const tl_connection *cn = wc->conn;
        if (!cn->spn || !cn->integrated)
            continue;
        char *src = tl__asprintf("%s%s/%s", prefix, wc->where, wc->name);
        int bad = !src || add_hop(a, cn->spn, src, NULL);
        tl__free(src);
        if (bad)
            return -1;
    }
    for (size_t u = 0; u < nunc; u++) {
        char *spn = tl__unc_spn(unc[u]);
        char *src =
            tl__asprintf("%s%s", prefix, unc_where[u] && *unc_where[u] ? unc_where[u] : unc[u]);
        int bad = !spn || !src || add_hop(a, spn, src, unc[u]);
        tl__free(spn);
        tl__free(src);
        if (bad)
            return -1;
    }
    return 0;
}

static json_t *hops_json(const eff *e)
{
    json_t *a = json_array();
    if (!a || file_hops(a, e->conns, e->nconns, NULL, 0, e->unc, e->unc_where, e->nunc, "")) {
        json_decref(a);
        return NULL;
    }
    for (size_t v = 0; v < e->nv; v++) {
        const tl_webconfig *w = e->vfiles[v];
        char *prefix = tl__asprintf("%s: ", e->vpaths[v]);
        int bad = !prefix || file_hops(a, NULL, 0, w->conns, w->nconns, (const char *const *)w->unc,
                                       (const char *const *)w->unc_where,
                                       w->nunc < w->nunc_where ? w->nunc : w->nunc_where, prefix);
        tl__free(prefix);
        if (bad) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *webconfig_json(const eff *e)
{
    if (!e->nfiles)
        return json_null();
    const tl_webconfig *base = e->own ? e->own : e->files[e->nfiles - 1];
    json_t *o = tl__webconfig_json(base);
    if (!o)
        return NULL;
    int bad = json_object_set_new(o, "impersonate", json_boolean(e->impersonate));
    bad |=
        json_object_set_new(o, "impersonate_user",
                            e->impersonate_user ? json_string(e->impersonate_user) : json_null());
    bad |= json_object_set_new(o, "authentication_mode",
                               e->auth_mode ? json_string(e->auth_mode) : json_null());
    if (!e->own)
        bad |= json_object_set_new(o, "aspnetcore", json_null());
    json_t *conns = json_array();
    bad |= !conns;
    for (size_t c = 0; conns && c < e->nconns; c++) {
        json_t *j = tl__connection_json(e->conns[c]->conn), *x = json_object();
        if (!j || !x || json_object_set_new(x, "name", json_string(e->conns[c]->name)) ||
            json_object_set_new(x, "where", json_string(e->conns[c]->where)) ||
            json_object_update(x, j) || json_array_append_new(conns, x)) {
            json_decref(j);
            json_decref(x);
            bad = 1;
            break;
        }
        json_decref(j);
    }
    bad |= json_object_set_new(o, "connections", conns);
    json_t *unc = json_array();
    for (size_t u = 0; unc && u < e->nunc; u++)
        bad |= json_array_append_new(unc, json_string(e->unc[u]));
    bad |= json_object_set_new(o, "unc_paths", unc);
    json_t *from = json_array();
    for (size_t f = 0; from && f < e->nfiles; f++)
        bad |= json_array_append_new(from, json_string(e->files[f]->name));
    bad |= json_object_set_new(o, "files", from);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int dump(char **out, json_t *j)
{
    char *t = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(j);
    if (!t)
        return tl__oom();
    *out = tl__strdup(t);
    tl__free(t); /* jansson allocates through the hook */
    if (!*out)
        return tl__oom();
    tl_error_clear();
    return TL_OK;
}

static json_t *notes_json(const tl_server *s)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < s->nnotes; i++)
        if (json_array_append_new(a, json_string(s->notes[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* Per site of the streamed document: each application gains "web_config", "hops" and
 * "virtual_directories". */
typedef struct site_hook_ctx {
    const tl_server *s;
    eff *e;
} site_hook_ctx;

static int add_server_keys(json_t *sj, size_t i, void *ctx)
{
    const tl_server *s = ((site_hook_ctx *)ctx)->s;
    eff *e = ((site_hook_ctx *)ctx)->e;
    const tl_iis_site *site = &s->audit->sites[i];
    json_t *apps = json_object_get(sj, "applications");
    int bad = 0;
    for (size_t k = 0; k < site->app_count && !bad; k++) {
        json_t *aj = json_array_get(apps, k);
        effective(s, site, k, e);
        json_t *wj = webconfig_json(e), *hj = hops_json(e);
        if (!aj || !wj || !hj) {
            json_decref(wj);
            json_decref(hj);
            return -1;
        }
        bad |= json_object_set_new(aj, "web_config", wj);
        bad |= json_object_set_new(aj, "hops", hj);
        const tl_iis_app *app = &site->apps[k];
        json_t *vd = json_array();
        bad |= !vd;
        for (size_t v = 0; vd && v < app->vdir_count && !bad; v++) {
            const tl_webconfig *w = NULL;
            for (size_t q = 0; q < s->nvwc; q++)
                if (s->vwc[q].app == app_index(s, app) && s->vwc[q].vdir == v)
                    w = s->vwc[q].wc;
            const char *pp = tl_iis_app_vdir_physical_path(app, v);
            json_t *x = json_object();
            bad |= !x ||
                   json_object_set_new(x, "path", json_string(tl_iis_app_vdir_path(app, v))) ||
                   json_object_set_new(x, "physical_path", pp ? json_string(pp) : json_null()) ||
                   json_object_set_new(x, "web_config", w ? tl__webconfig_json(w) : json_null()) ||
                   json_array_append_new(vd, x);
        }
        bad |= json_object_set_new(aj, "virtual_directories", vd);
    }
    return bad ? -1 : 0;
}

static int stream(const tl_server *s, tl__jstream *js)
{
    eff *e = tl__malloc(sizeof *e);
    if (!e) {
        tl__buf_free(&js->out);
        return tl__oom();
    }
    site_hook_ctx hc = {s, e};
    int rc = tl__iis_stream_json(s->audit, js, add_server_keys, &hc, "server_notes", notes_json(s));
    tl__free(e);
    return rc;
}

tl_result tl_server_write_json(const tl_server *s, tl_server_json_writer write, void *ctx)
{
    if (!s || !write)
        return tl__error(TL_EINVAL, "server or writer is NULL");
    tl__jstream js = TL__JSTREAM_INIT(write, ctx);
    int rc = stream(s, &js);
    tl__buf_free(&js.out);
    if (rc == TL_OK)
        tl_error_clear();
    return rc;
}

tl_result tl_server_to_json(char **out, const tl_server *s)
{
    if (!out || !s)
        return tl__error(TL_EINVAL, "out or server is NULL");
    tl__jstream js = TL__JSTREAM_INIT(NULL, NULL);
    return tl__js_detach(&js, stream(s, &js), out);
}

/* ---- diagnose ------------------------------------------------------------------------------- */

static json_t *str_or_null(const char *v)
{
    return v ? json_string(v) : json_null();
}

static json_t *identity(const char *name, const char *sid)
{
    if (!name)
        return json_null();
    return json_pack("{s:s,s:o}", "name", name, "sid", str_or_null(sid));
}

/* The explain answer for every hop of one application (one scenario with all its hops),
 * appended to `out`; the process identity goes to *process. Error raised on failure. */
static int explain_app(const tl_server *s, size_t si, const tl_iis_app *app, const eff *e,
                       json_t *hl, json_t *out, json_t **process)
{
    if (!json_array_size(hl))
        return TL_OK;
    tl_iis_scenario_options so = TL_IIS_SCENARIO_OPTIONS_INIT;
    so.machine = s->machine;
    so.domain = s->domain;
    so.hop_target = json_string_value(json_object_get(json_array_get(hl, 0), "target"));
    so.application = app->path;
    char *text = NULL;
    int rc = tl_iis_site_scenario_json(&text, s->audit, si, &so);
    if (rc)
        return rc;
    json_t *sc = json_loads(text, 0, NULL);
    tl_free(text);
    json_t *site = sc ? json_object_get(sc, "site") : NULL;
    json_t *hops = sc ? json_object_get(sc, "hops") : NULL;
    json_t *hop0 = json_array_get(hops, 0);
    if (!site || !hop0) {
        json_decref(sc);
        return tl__oom();
    }
    bool core = e->own && e->own->aspnetcore;
    bool fixed_user = !core && e->impersonate && e->impersonate_user;
    /* ASP.NET impersonates only with <identity impersonate="true"/>; ASP.NET Core never does */
    json_object_set_new(site, "impersonate", json_boolean(!core && e->impersonate));
    for (size_t i = 1; i < json_array_size(hl); i++) {
        json_t *h = json_deep_copy(hop0);
        if (!h ||
            json_object_set_new(h, "target",
                                json_incref(json_object_get(json_array_get(hl, i), "target"))) ||
            json_array_append_new(hops, h)) {
            json_decref(sc);
            return tl__oom();
        }
    }
    tl_scenario *scn = NULL;
    /* optional 0.2 fields first; an engine that does not know them gets the v1 scenario */
    for (int attempt = 0; attempt < 2 && !scn; attempt++) {
        if (attempt == 0 && core)
            json_object_set_new(sc, "app",
                                json_pack("{s:s,s:s,s:b}", "framework", "aspnetcore",
                                          "hosting_model", e->own->hosting_model,
                                          "run_impersonated", 0));
        if (attempt == 1)
            json_object_del(sc, "app");
        size_t i;
        json_t *h;
        json_array_foreach(hops, i, h)
        {
            if (attempt == 0 && fixed_user) {
                json_object_set_new(h, "from", json_string("new_credentials"));
                json_object_set_new(h, "credentials", json_string(e->impersonate_user));
            } else if (attempt == 1) {
                json_object_set_new(h, "from", json_string("request_thread"));
                json_object_del(h, "credentials");
            }
        }
        char *t = json_dumps(sc, JSON_COMPACT);
        if (!t)
            break;
        rc = tl_scenario_from_json(&scn, t, strlen(t));
        tl__free(t); /* jansson allocates through the hook */
        if (rc) {
            scn = NULL;
            if (!core && !fixed_user)
                break; /* nothing optional to drop */
        }
    }
    json_decref(sc);
    if (!scn)
        return tl_error_last()->code ? tl_error_last()->code : tl__oom();
    tl_explanation *ex = NULL;
    rc = tl_scenario_explain(&ex, scn);
    tl_scenario_free(scn);
    if (rc)
        return rc;
    /* Each hop exactly as `tokenlens explain --json` writes it (the engine's own JSON), plus
     * where the target came from. */
    char *doc = NULL;
    rc = tl_explanation_to_json(&doc, ex);
    if (rc) {
        tl_explanation_free(ex);
        return rc;
    }
    json_error_t jerr;
    int oom = 0;
    json_t *dj = tl__json_loadb(doc, strlen(doc), 0, &jerr, &oom);
    tl_free(doc);
    json_t *xh = json_object_get(dj, "hops");
    if (!json_is_array(xh)) {
        json_decref(dj);
        tl_explanation_free(ex);
        return oom ? tl__oom() : tl__error(TL_ERROR, "explain JSON without hops");
    }
    for (size_t i = 0; i < json_array_size(xh) && i < json_array_size(hl); i++) {
        json_t *x = json_array_get(xh, i);
        if (json_object_set_new(x, "source",
                                json_incref(json_object_get(json_array_get(hl, i), "source"))) ||
            json_array_append(out, x)) {
            json_decref(dj);
            tl_explanation_free(ex);
            return tl__oom();
        }
    }
    json_decref(dj);
    if (process && !*process)
        *process = identity(tl_explanation_process_name(ex), tl_explanation_process_sid(ex));
    tl_explanation_free(ex);
    return TL_OK;
}

static json_t *diagnose_json(const tl_server *s)
{
    json_t *root = json_object(), *sites = json_array();
    eff *e = tl__malloc(sizeof *e);
    if (!root || !sites || !e) {
        json_decref(root);
        json_decref(sites);
        tl__free(e);
        tl__oom();
        return NULL;
    }
    json_t *machine = json_pack("{s:s,s:s?}", "name", s->machine, "domain", s->domain);
    json_object_set_new(root, "machine", machine ? machine : json_null());
    json_object_set_new(root, "sites", sites);
    for (size_t i = 0; i < s->audit->site_count; i++) {
        const tl_iis_site *site = &s->audit->sites[i];
        json_t *so = json_object(), *apps = json_array();
        json_t *process = NULL;
        if (!so || !apps || json_array_append_new(sites, so) ||
            json_object_set_new(so, "name", json_string(site->name)) ||
            json_object_set_new(so, "applications", apps)) {
            json_decref(apps);
            goto fail;
        }
        for (size_t k = 0; k < site->app_count; k++) {
            const tl_iis_app *app = &site->apps[k];
            effective(s, site, k, e);
            json_t *hl = hops_json(e), *out = json_array(), *ao = json_object();
            if (!hl || !out || !ao || json_array_append_new(apps, ao) ||
                json_object_set_new(ao, "path", json_string(app->path)) ||
                json_object_set_new(ao, "app_pool", json_string(app->app_pool)) ||
                json_object_set_new(ao, "hops", out)) {
                json_decref(hl);
                json_decref(process);
                goto fail;
            }
            if (explain_app(s, i, app, e, hl, out, &process)) {
                json_decref(hl);
                json_decref(process);
                goto fail;
            }
            json_decref(hl);
            if (process) {
                json_object_set_new(ao, "process", process);
                process = NULL;
            }
        }
    }
    json_object_set_new(root, "notes", notes_json(s));
    tl__free(e);
    return root;
fail:
    tl__free(e);
    json_decref(root);
    if (tl_error_last()->code == TL_OK)
        tl__oom();
    return NULL;
}

static const char *jstr(json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static void dot_quote(tl__buf *b, const char *s)
{
    tl__buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            tl__buf_putc(b, '\\');
        tl__buf_putc(b, *s);
    }
    tl__buf_putc(b, '"');
}

static int render_text(char **out, const tl_server *s, json_t *d)
{
    tl__buf b = TL__BUF_INIT;
    const char *dom = s->domain;
    tl__buf_printf(&b, "Server %s%s%s%s (%s)\n", dom ? dom : "", dom ? "\\" : "", s->machine,
                   dom ? "" : ", a workgroup machine", s->config);
    size_t i;
    json_t *site;
    json_array_foreach(json_object_get(d, "sites"), i, site)
    {
        const tl_iis_site *ts = &s->audit->sites[i];
        tl__buf_printf(&b, "\n%s (pool %s, runs as %s)\n", jstr(site, "name"), ts->apps[0].app_pool,
                       ts->apps[0].pool->identity.name);
        size_t k, nh = 0;
        json_t *app;
        json_array_foreach(json_object_get(site, "applications"), k, app)
        {
            size_t h;
            json_t *hop;
            json_array_foreach(json_object_get(app, "hops"), h, hop)
            {
                nh++;
                json_t *aa = json_object_get(hop, "arrives_as");
                const char *who = json_is_object(aa) ? jstr(aa, "name") : "";
                json_t *steps = json_object_get(hop, "steps");
                json_t *last = json_array_get(steps, json_array_size(steps) - 1);
                const char *proto = jstr(hop, "protocol");
                const char *path = jstr(app, "path");
                bool denied = !strcmp(jstr(hop, "outcome"), "denied") || !*who;
                tl__buf_printf(&b, "  %s%s → %s (%s): ", jstr(site, "name"),
                               strcmp(path, "/") ? path : "", jstr(hop, "target"),
                               jstr(hop, "source"));
                if (denied)
                    tl__buf_printf(&b, "never made: %s\n", last ? jstr(last, "text") : "");
                else {
                    /* the engine's sentence continues "because ...": lower-case its first
                     * letter unless it starts an acronym or a name ("NTLM", "CONTOSO\\") */
                    const char *why = last ? jstr(last, "text") : "";
                    char first = why[0];
                    if (first >= 'A' && first <= 'Z' && why[1] >= 'a' && why[1] <= 'z')
                        first = (char)(first - 'A' + 'a');
                    tl__buf_printf(&b, "arrives as %s%s%s%s%s because %c%s\n", who,
                                   *proto ? " (" : "", proto, *proto ? ")" : "",
                                   json_is_true(json_object_get(hop, "unsettled")) ? " (unsettled)"
                                                                                   : "",
                                   first ? first : ' ', first ? why + 1 : "");
                }
                const char *fix = jstr(hop, "fix");
                if (*fix && strcmp(jstr(hop, "outcome"), "ok"))
                    tl__buf_printf(&b, "    fix: %s\n", fix);
            }
        }
        if (!nh)
            tl__buf_printf(&b, "  no off-box target found in its configuration\n");
    }
    for (size_t n = 0; n < s->nnotes; n++)
        tl__buf_printf(&b, "\nnote: %s", s->notes[n]);
    if (s->nnotes)
        tl__buf_putc(&b, '\n');
    return tl__buf_detach(&b, out);
}

static int render_dot(char **out, const tl_server *s, json_t *d)
{
    tl__buf b = TL__BUF_INIT;
    tl__buf_put(&b,
                "digraph server {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n");
    size_t i;
    json_t *site;
    json_array_foreach(json_object_get(d, "sites"), i, site)
    {
        const tl_iis_site *ts = &s->audit->sites[i];
        tl__buf_printf(&b, "  s%zu [label=", i);
        char *l = tl__asprintf("site %s", ts->name);
        dot_quote(&b, l ? l : "?");
        tl__free(l);
        tl__buf_put(&b, ", style=filled, fillcolor=\"#e8f0fe\"];\n");
        size_t k;
        json_t *app;
        json_array_foreach(json_object_get(site, "applications"), k, app)
        {
            const tl_iis_app *ta = &ts->apps[k];
            tl__buf_put(&b, "  ");
            char *pool = tl__asprintf("pool %s", ta->app_pool);
            dot_quote(&b, pool ? pool : "?");
            tl__buf_put(&b, " -> ");
            dot_quote(&b, ta->pool->identity.name);
            tl__buf_put(&b, ";\n");
            tl__buf_printf(&b, "  s%zu -> ", i);
            dot_quote(&b, pool ? pool : "?");
            tl__buf_put(&b, " [label=");
            dot_quote(&b, ta->path);
            tl__buf_put(&b, "];\n");
            tl__free(pool);
            size_t h;
            json_t *hop;
            json_array_foreach(json_object_get(app, "hops"), h, hop)
            {
                const char *oc = jstr(hop, "outcome");
                const char *color = !strcmp(oc, "ok")          ? "darkgreen"
                                    : !strcmp(oc, "anonymous") ? "orange"
                                                               : "red";
                json_t *aa = json_object_get(hop, "arrives_as");
                tl__buf_put(&b, "  ");
                dot_quote(&b, jstr(hop, "target"));
                tl__buf_put(&b, " [shape=cylinder];\n  ");
                dot_quote(&b, ta->pool->identity.name);
                tl__buf_put(&b, " -> ");
                dot_quote(&b, jstr(hop, "target"));
                tl__buf_printf(&b, " [color=%s, fontcolor=%s, label=", color, color);
                char *lab = tl__asprintf("%s%s: %s as %s", ts->name, ta->path, jstr(hop, "source"),
                                         json_is_object(aa) ? jstr(aa, "name") : "refused");
                dot_quote(&b, lab ? lab : "?");
                tl__free(lab);
                tl__buf_put(&b, "];\n");
            }
        }
    }
    tl__buf_put(&b, "}\n");
    return tl__buf_detach(&b, out);
}

tl_result tl_server_diagnose(char **out, const tl_server *s, tl_diagnose_format format)
{
    if (!out || !s)
        return tl__error(TL_EINVAL, "out or server is NULL");
    if (format != TL_DIAGNOSE_JSON && format != TL_DIAGNOSE_TEXT && format != TL_DIAGNOSE_DOT)
        return tl__error(TL_EINVAL, "unknown diagnose format %d", (int)format);
    json_t *d = diagnose_json(s);
    if (!d)
        return tl_error_last()->code ? tl_error_last()->code : tl__oom();
    if (format == TL_DIAGNOSE_JSON)
        return dump(out, d);
    char *r = NULL;
    int rc = format == TL_DIAGNOSE_TEXT ? render_text(&r, s, d) : render_dot(&r, s, d);
    json_decref(d);
    if (rc)
        return rc;
    *out = r;
    tl_error_clear();
    return TL_OK;
}
