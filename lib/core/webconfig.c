/* web.config reader: expat with the IIS reader's hardening (no DOCTYPE or entities, depth,
 * size and token limits), reporting what decides who the application runs as and where it
 * goes off the box. Sources for each rule: docs/webconfig.md. */
#include "arena.h"
#include "webconfig_internal.h"
#include "xml.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHUNK (1u << 20)
#define MAX_TOKEN (1024u * 1024u)
#define MAX_INCLUDES 64
#define MAX_ITEMS 100000 /* connections, notes, UNC paths, locations */

typedef struct reader {
    XML_Parser parser;
    tl_webconfig *w;
    const char *file; /* for messages */
    const char *dir;  /* folder of the file (includes), NULL when read from memory */
    tl__buf path;     /* element path from <configuration>, '/'-separated, without <location> */
    size_t offs[TL_WEBCONFIG_MAX_DEPTH + 8];
    bool is_loc[TL_WEBCONFIG_MAX_DEPTH + 8];
    int depth;
    int base_depth; /* elements pre-pushed for an included section */
    bool root_seen;
    tl__wc_scope *scope; /* current scope */
    size_t scope_index;  /* SIZE_MAX: root */
    int rc;
    char msg[256];
    unsigned long line, column;
    size_t offset;
    unsigned long long last_event;
    const tl_webconfig_options *opt;
    int include_depth;
    char *section_encrypted; /* element path of a section with configProtectionProvider */
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
    tl__xml_where(r->parser, &r->line, &r->column, &r->offset);
    XML_StopParser(r->parser, XML_FALSE);
}

static void oom(reader *r)
{
    fail(r, TL_ENOMEM, "out of memory");
}

static void note(reader *r, const char *fmt, ...) TL__PRINTF(2, 3);
static void note(reader *r, const char *fmt, ...)
{
    if (r->rc)
        return;
    if (r->w->nnotes >= MAX_ITEMS) {
        fail(r, TL_ELIMIT, "more than %d notes", MAX_ITEMS);
        return;
    }
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    char *full = tl__asprintf("%s:%lu: %s", r->file,
                              (unsigned long)XML_GetCurrentLineNumber(r->parser), text);
    if (!full || tl__strlist_add(&r->w->notes, &r->w->nnotes, &r->w->cap_notes, full))
        oom(r);
    tl__free(full);
}

/* "true"/"false" as IIS and System.Configuration read them (case-insensitive). */
static int boolean(reader *r, const char *name, const char *v)
{
    if (!v)
        return -1;
    if (!tl__strcasecmp(v, "true"))
        return 1;
    if (!tl__strcasecmp(v, "false"))
        return 0;
    note(r, "%s=\"%.60s\" is not true or false (ignored; IIS would answer 500.19)", name, v);
    return -1;
}

static char *dup_or_oom(reader *r, const char *s)
{
    if (!s)
        return NULL;
    char *d = tl__strdup(s);
    if (!d)
        oom(r);
    return d;
}

static void set_str(reader *r, char **slot, const char *v)
{
    char *d = dup_or_oom(r, v);
    if (v && !d)
        return;
    tl__free(*slot);
    *slot = d;
}

/* The element path without the leading "configuration/". */
static const char *rel(reader *r)
{
    const char *p = r->path.data ? r->path.data : "";
    if (!strncmp(p, "configuration/", 14))
        return p + 14;
    return !strcmp(p, "configuration") ? "" : p;
}

static void scan_unc(reader *r, const char *v, const char *where)
{
    tl_webconfig *w = r->w;
    if (w->nunc >= MAX_ITEMS) {
        fail(r, TL_ELIMIT, "more than %d UNC paths", MAX_ITEMS);
        return;
    }
    if (tl__unc_scan(v, &w->unc, &w->nunc, &w->cap_unc)) {
        oom(r);
        return;
    }
    while (w->nunc_where < w->nunc)
        if (tl__strlist_add(&w->unc_where, &w->nunc_where, &w->cap_unc_where, where)) {
            oom(r);
            return;
        }
}

static void add_conn(reader *r, const char *name, const char *where, const char *text,
                     const char *provider, bool required)
{
    if (r->w->nconns >= MAX_ITEMS) {
        fail(r, TL_ELIMIT, "more than %d connection strings", MAX_ITEMS);
        return;
    }
    tl_connection *c = NULL;
    int rc = tl_connection_parse(&c, text, provider);
    if (rc == TL_ENOMEM) {
        oom(r);
        return;
    }
    if (rc) {
        if (required)
            note(r, "connection string '%.80s' does not parse: %s", name ? name : "",
                 tl_error_last()->message);
        tl_error_clear();
        return;
    }
    if (!required) {
        /* an appSettings value counts when it names a server and says how to log on */
        if (!tl_connection_server(c) || c->provider != TL_PROVIDER_SQLCLIENT ||
            (!tl_connection_get(c, "integrated security") && !tl_connection_get(c, "user id") &&
             !tl_connection_get(c, "initial catalog"))) {
            tl_connection_free(c);
            return;
        }
    }
    if (tl__array_grow(&r->w->conns, &r->w->cap_conns, r->w->nconns + 1, sizeof *r->w->conns)) {
        tl_connection_free(c);
        oom(r);
        return;
    }
    tl__wc_conn *slot = &r->w->conns[r->w->nconns];
    slot->name = tl__strdup(name ? name : "");
    slot->where = where;
    slot->conn = c;
    slot->line = (unsigned long)XML_GetCurrentLineNumber(r->parser);
    if (!slot->name) {
        tl_connection_free(c);
        oom(r);
        return;
    }
    r->w->nconns++;
}

static void remove_conn(reader *r, const char *name, const char *where)
{
    for (size_t i = 0; i < r->w->nconns;) {
        tl__wc_conn *c = &r->w->conns[i];
        if (c->where == where && (!name || !tl__strcasecmp(c->name, name))) {
            tl__free(c->name);
            tl_connection_free(c->conn);
            memmove(c, c + 1, (r->w->nconns - i - 1) * sizeof *c);
            r->w->nconns--;
        } else {
            i++;
        }
    }
}

static void encrypted(reader *r, const char *section)
{
    for (size_t i = 0; i < r->w->nencrypted; i++)
        if (!strcmp(r->w->encrypted[i], section))
            return;
    if (tl__strlist_add(&r->w->encrypted, &r->w->nencrypted, &r->w->cap_encrypted, section))
        oom(r);
    else
        note(r,
             "<%s> is encrypted (configProtectionProvider): its values cannot be read "
             "here and are not guessed",
             section);
}

static int read_include(reader *r, const char *attr_name, const char *file, bool required);

static void providers_op(reader *r, tl__wc_auth *a, const char *op, const char *value)
{
    a->present = true;
    a->providers_set = true;
    if (!strcmp(op, "clear")) {
        tl__strlist_free(a->providers, a->nproviders);
        a->providers = NULL;
        a->nproviders = 0;
        return;
    }
    if (!value)
        return;
    for (size_t i = 0; i < a->nproviders; i++)
        if (!tl__strcasecmp(a->providers[i], value)) {
            if (!strcmp(op, "remove")) {
                tl__free(a->providers[i]);
                memmove(&a->providers[i], &a->providers[i + 1],
                        (a->nproviders - i - 1) * sizeof *a->providers);
                a->nproviders--;
            }
            return;
        }
    if (!strcmp(op, "add")) {
        size_t cap = a->nproviders; /* grow by one: provider lists are short */
        if (a->nproviders >= 64) {
            fail(r, TL_ELIMIT, "more than 64 authentication providers");
            return;
        }
        if (tl__strlist_add(&a->providers, &a->nproviders, &cap, value))
            oom(r);
    }
}

static const char *const locked_note =
    "is locked at server level by default (applicationHost.config: overrideModeDefault=\"Deny\"); "
    "unless the server unlocks it for this path, IIS answers HTTP 500.19 for every request";

#define PROVIDERS "system.webServer/security/authentication/windowsAuthentication/providers/"

static void element(reader *r, const char *name, const XML_Char **atts)
{
    tl_webconfig *w = r->w;
    const char *p = rel(r);
    tl__wc_scope *sc = r->scope;
    const char *v;

    /* xdt transforms and encryption are reported wherever they appear */
    const char *tr = tl__xml_attr(atts, "xdt:Transform");
    if (tr || tl__xml_attr(atts, "xdt:Locator")) {
        if (!w->transform)
            note(r, "this is an XML-Document-Transform file (Web.<config>.config): its "
                    "transforms are reported, not applied");
        w->transform = true;
        note(r, "<%s> xdt:Transform=\"%.60s\"%s%.60s%s", name, tr ? tr : "",
             tl__xml_attr(atts, "xdt:Locator") ? " xdt:Locator=\"" : "",
             tl__xml_attr(atts, "xdt:Locator") ? tl__xml_attr(atts, "xdt:Locator") : "",
             tl__xml_attr(atts, "xdt:Locator") ? "\"" : "");
    }
    if (tl__xml_attr(atts, "configProtectionProvider"))
        encrypted(r, p);
    if (!strcmp(name, "EncryptedData")) {
        /* the parent section is encrypted even without the attribute */
        size_t cut = r->offs[r->depth - 1];
        char *parent = tl__strndup(r->path.data, cut);
        if (!parent) {
            oom(r);
            return;
        }
        const char *pp = !strncmp(parent, "configuration/", 14) ? parent + 14 : parent;
        encrypted(r, pp);
        tl__free(parent);
    }
    const char *key = tl__xml_attr(atts, "key");
    for (int i = 0; atts[i]; i += 2) {
        if (!strchr(atts[i + 1], '\\'))
            continue;
        char *where = !strcmp(p, "appSettings/add") && key ? tl__asprintf("appSettings/%s", key)
                      : !strcmp(p, "connectionStrings/add") && tl__xml_attr(atts, "name")
                          ? tl__asprintf("connectionStrings/%s", tl__xml_attr(atts, "name"))
                          : tl__asprintf("%s/@%s", p, atts[i]);
        if (!where) {
            oom(r);
            return;
        }
        scan_unc(r, atts[i + 1], where);
        tl__free(where);
    }

    if (!strcmp(p, "system.web/identity")) {
        int b = boolean(r, "impersonate", tl__xml_attr(atts, "impersonate"));
        if (b >= 0)
            sc->impersonate = b;
        if ((v = tl__xml_attr(atts, "userName")))
            set_str(r, &sc->impersonate_user, *v ? v : NULL);
    } else if (!strcmp(p, "system.web/authentication")) {
        if ((v = tl__xml_attr(atts, "mode")))
            set_str(r, &sc->authentication_mode, v);
    } else if (!strcmp(p, "system.webServer/aspNetCore")) {
        w->aspnetcore = true;
        if ((v = tl__xml_attr(atts, "processPath")))
            set_str(r, &w->process_path, v);
        if ((v = tl__xml_attr(atts, "hostingModel"))) {
            if (!tl__strcasecmp(v, "inprocess")) {
                w->hosting_model = "inprocess";
                w->hosting_model_written = true;
            } else if (!tl__strcasecmp(v, "outofprocess")) {
                w->hosting_model = "outofprocess";
                w->hosting_model_written = true;
            } else if (*v) {
                note(r, "hostingModel=\"%.40s\" is neither inprocess nor outofprocess", v);
            }
        }
        int b =
            boolean(r, "forwardWindowsAuthToken", tl__xml_attr(atts, "forwardWindowsAuthToken"));
        if (b >= 0)
            w->forward_windows_auth_token = b;
    } else if (!strcmp(p, "system.webServer/handlers/add")) {
        v = tl__xml_attr(atts, "modules");
        if (v &&
            (!tl__strcasecmp(v, "AspNetCoreModuleV2") || !tl__strcasecmp(v, "AspNetCoreModule")))
            set_str(r, &w->aspnetcore_module,
                    !tl__strcasecmp(v, "AspNetCoreModuleV2") ? "AspNetCoreModuleV2"
                                                             : "AspNetCoreModule");
    } else if (!strcmp(p, "system.webServer/security/authentication/anonymousAuthentication")) {
        sc->anonymous.present = true;
        int b = boolean(r, "enabled", tl__xml_attr(atts, "enabled"));
        if (b >= 0)
            sc->anonymous.enabled = b;
        if ((v = tl__xml_attr(atts, "userName"))) {
            set_str(r, &sc->anonymous.user, v);
            sc->anonymous.user_set = true;
        }
        note(r, "anonymousAuthentication %s", locked_note);
    } else if (!strcmp(p, "system.webServer/security/authentication/windowsAuthentication")) {
        sc->windows.present = true;
        int b = boolean(r, "enabled", tl__xml_attr(atts, "enabled"));
        if (b >= 0)
            sc->windows.enabled = b;
        if ((b = boolean(r, "useAppPoolCredentials",
                         tl__xml_attr(atts, "useAppPoolCredentials"))) >= 0)
            sc->windows.use_app_pool_credentials = b;
        if ((b = boolean(r, "useKernelMode", tl__xml_attr(atts, "useKernelMode"))) >= 0)
            sc->windows.use_kernel_mode = b;
        note(r, "windowsAuthentication %s", locked_note);
    } else if (!strncmp(p, PROVIDERS, sizeof PROVIDERS - 1)) {
        providers_op(r, &sc->windows, name, tl__xml_attr(atts, "value"));
    } else if (!strcmp(p, "connectionStrings")) {
        if ((v = tl__xml_attr(atts, "configSource")))
            read_include(r, "configSource", v, true);
    } else if (!strcmp(p, "connectionStrings/add")) {
        const char *cs = tl__xml_attr(atts, "connectionString");
        if (cs)
            add_conn(r, tl__xml_attr(atts, "name"), "connectionStrings", cs,
                     tl__xml_attr(atts, "providerName"), true);
    } else if (!strcmp(p, "connectionStrings/remove")) {
        remove_conn(r, tl__xml_attr(atts, "name"), "connectionStrings");
    } else if (!strcmp(p, "connectionStrings/clear")) {
        remove_conn(r, NULL, "connectionStrings");
    } else if (!strcmp(p, "appSettings")) {
        if ((v = tl__xml_attr(atts, "configSource")))
            read_include(r, "configSource", v, true);
        if ((v = tl__xml_attr(atts, "file")))
            read_include(r, "file", v, false);
    } else if (!strcmp(p, "appSettings/add")) {
        const char *val = tl__xml_attr(atts, "value");
        if (val)
            add_conn(r, tl__xml_attr(atts, "key"), "appSettings", val, NULL, false);
    } else if (!strcmp(p, "appSettings/remove")) {
        remove_conn(r, tl__xml_attr(atts, "key"), "appSettings");
    } else if (!strcmp(p, "appSettings/clear")) {
        remove_conn(r, NULL, "appSettings");
    } else if (strchr(p, '/') == NULL && *p && (v = tl__xml_attr(atts, "configSource"))) {
        /* another section read from its own file (system.web, ...): follow it */
        read_include(r, "configSource", v, true);
    } else if (!strcmp(p, "system.web") || !strcmp(p, "system.webServer")) {
        if ((v = tl__xml_attr(atts, "configSource")))
            read_include(r, "configSource", v, true);
    }
}

static void push_scope(reader *r, const XML_Char **atts)
{
    const char *path = tl__xml_attr(atts, "path");
    int allow = -1;
    const char *ao = tl__xml_attr(atts, "allowOverride"), *om = tl__xml_attr(atts, "overrideMode");
    if (ao)
        allow = !tl__strcasecmp(ao, "false") ? 0 : 1;
    else if (om && !tl__strcasecmp(om, "Deny"))
        allow = 0;
    else if (om && !tl__strcasecmp(om, "Allow"))
        allow = 1;
    if (!path || !*path || !strcmp(path, ".")) {
        r->scope = &r->w->root;
        if (allow >= 0)
            r->w->root.allow_override = allow;
        return;
    }
    tl_webconfig *w = r->w;
    for (size_t i = 0; i < w->nlocs; i++)
        if (!tl__strcasecmp(w->locs[i].path, path)) {
            r->scope = &w->locs[i];
            return;
        }
    if (w->nlocs >= MAX_ITEMS) {
        fail(r, TL_ELIMIT, "more than %d <location> paths", MAX_ITEMS);
        return;
    }
    if (tl__array_grow(&w->locs, &w->cap_locs, w->nlocs + 1, sizeof *w->locs)) {
        oom(r);
        return;
    }
    r->scope = &w->root; /* the array may have moved: re-pointed below */
    tl__wc_scope *s = &w->locs[w->nlocs];
    memset(s, 0, sizeof *s);
    s->impersonate = -1;
    s->anonymous.enabled = s->windows.enabled = -1;
    s->windows.use_app_pool_credentials = s->windows.use_kernel_mode = -1;
    s->allow_override = allow;
    s->path = tl__strdup(path);
    if (!s->path) {
        oom(r);
        return;
    }
    w->nlocs++;
    r->scope = s;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    reader *r = ud;
    if (r->rc)
        return;
    r->last_event = (unsigned long long)XML_GetCurrentByteIndex(r->parser);
    if (r->depth >= TL_WEBCONFIG_MAX_DEPTH) {
        fail(r, TL_ELIMIT, "elements nested deeper than %d", TL_WEBCONFIG_MAX_DEPTH);
        return;
    }
    if (r->depth == 0 && r->base_depth == 0 && strcmp(name, "configuration")) {
        fail(r, TL_EPARSE, "the root element is <%.60s>, not <configuration>: not a web.config",
             name);
        return;
    }
    if (r->depth == r->base_depth && r->base_depth > 0 && !r->root_seen) {
        r->root_seen = true;
        /* an included file's root is the section it replaces */
        const char *want = strrchr(r->path.data, '/');
        want = want ? want + 1 : r->path.data;
        r->depth--; /* compare with the pre-pushed section name */
        r->path.len = r->offs[r->depth];
        r->path.data[r->path.len] = 0;
        if (strcmp(name, want)) {
            r->depth++;
            fail(r, TL_EPARSE,
                 "the root element is <%.60s>, the section <%.60s> it replaces "
                 "was expected",
                 name, want);
            return;
        }
    }
    bool loc = r->depth == 1 && !strcmp(name, "location") && !strcmp(r->path.data, "configuration");
    r->offs[r->depth] = r->path.len;
    r->is_loc[r->depth] = loc;
    if (!loc) {
        if (r->path.len)
            tl__buf_putc(&r->path, '/');
        tl__buf_put(&r->path, name);
        if (r->path.failed) {
            oom(r);
            return;
        }
    }
    r->depth++;
    if (loc)
        push_scope(r, atts);
    else
        element(r, name, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    (void)name;
    reader *r = ud;
    if (r->rc || r->depth <= 0)
        return;
    r->last_event = (unsigned long long)XML_GetCurrentByteIndex(r->parser);
    r->depth--;
    if (r->is_loc[r->depth])
        r->scope = &r->w->root;
    r->path.len = r->offs[r->depth];
    if (r->path.data)
        r->path.data[r->path.len] = 0;
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    fail(ud, TL_EPARSE, "DOCTYPE is not allowed in web.config (no DTDs, no entities)");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)sysid;
    (void)pubid, (void)notation;
    fail(ud, TL_EPARSE, "entity declarations are not allowed");
}

static int raise_reader(reader *r)
{
    if (r->rc == TL_ENOMEM)
        return tl__oom();
    char where[64];
    snprintf(where, sizeof where, "line %lu, column %lu", r->line, r->column);
    return tl__raise_at(r->rc, r->offset, where, "%s: %s: %s", r->file, where, r->msg);
}

/* Parse one document into r->w. `prefix`: element path pre-pushed for an included section
 * ("configuration/connectionStrings"), or NULL. */
static int parse_doc(tl_webconfig *w, const char *file, const char *dir, const char *xml,
                     size_t len, const char *prefix, tl__wc_scope *scope,
                     const tl_webconfig_options *opt, int include_depth)
{
    reader r;
    memset(&r, 0, sizeof r);
    r.w = w;
    r.file = file;
    r.dir = dir;
    r.opt = opt;
    r.scope = scope;
    r.include_depth = include_depth;
    r.parser = tl__xml_parser(&r, on_start, on_end, on_doctype, on_entity);
    if (!r.parser)
        return tl__oom();
    if (prefix) {
        const char *p = prefix;
        while (*p) {
            const char *e = strchr(p, '/');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            r.offs[r.depth] = r.path.len;
            if (r.path.len)
                tl__buf_putc(&r.path, '/');
            tl__buf_putn(&r.path, p, n);
            r.depth++;
            p += n;
            if (*p == '/')
                p++;
        }
        r.base_depth = r.depth;
        if (r.path.failed) {
            XML_ParserFree(r.parser);
            tl__buf_free(&r.path);
            return tl__oom();
        }
    }
    int rc = TL_OK;
    size_t off = 0;
    for (;;) {
        size_t n = len - off < CHUNK ? len - off : CHUNK;
        int final = off + n == len;
        if (XML_Parse(r.parser, xml + off, (int)n, final) == XML_STATUS_ERROR) {
            if (!r.rc && XML_GetErrorCode(r.parser) == XML_ERROR_NO_MEMORY)
                r.rc = TL_ENOMEM;
            if (!r.rc) {
                r.rc = TL_EPARSE;
                snprintf(r.msg, sizeof r.msg, "%s", XML_ErrorString(XML_GetErrorCode(r.parser)));
                r.line = (unsigned long)XML_GetCurrentLineNumber(r.parser);
                r.column = (unsigned long)XML_GetCurrentColumnNumber(r.parser) + 1;
                XML_Index idx = XML_GetCurrentByteIndex(r.parser);
                r.offset = idx < 0 ? TL_NO_OFFSET : (size_t)idx;
            }
        }
        off += n;
        if (!r.rc && off - r.last_event > MAX_TOKEN) {
            r.rc = TL_ELIMIT;
            snprintf(r.msg, sizeof r.msg,
                     "more than 1 MiB without markup (a huge attribute, comment or text)");
            r.line = (unsigned long)XML_GetCurrentLineNumber(r.parser);
            r.column = (unsigned long)XML_GetCurrentColumnNumber(r.parser) + 1;
            r.offset = (size_t)r.last_event;
        }
        if (r.rc || final)
            break;
    }
    if (r.rc)
        rc = raise_reader(&r);
    XML_ParserFree(r.parser);
    tl__buf_free(&r.path);
    return rc;
}

/* Read a regular file: tl__read_file refuses a directory, FIFO or device before reading. */
static int read_regular(char **out, size_t *len, const char *path, size_t max)
{
    return tl__read_file(out, len, path, max);
}

static int read_include(reader *r, const char *attr_name, const char *file, bool required)
{
    if (r->rc)
        return r->rc;
    if (!r->dir || !r->opt->follow_includes) {
        note(r, "%s=\"%.120s\" is not followed (%s)", attr_name, file,
             r->dir ? "includes are switched off" : "the text was not read from a file");
        return TL_OK;
    }
    if (r->include_depth >= 1) {
        note(r,
             "%s=\"%.120s\" inside an included file is not followed (.NET refuses nested "
             "configSource)",
             attr_name, file);
        return TL_OK;
    }
    if (r->w->nincludes >= MAX_INCLUDES) {
        fail(r, TL_ELIMIT, "more than %d included files", MAX_INCLUDES);
        return r->rc;
    }
    /* .NET: configSource is a relative path inside the application's folder */
    if (!*file || file[0] == '/' || file[0] == '\\' || strchr(file, ':') || strstr(file, "..")) {
        if (required)
            fail(r, TL_EPARSE,
                 "%s=\"%.120s\" must be a relative path inside the application "
                 "folder",
                 attr_name, file);
        else
            note(r, "%s=\"%.120s\" is outside the application folder: not followed", attr_name,
                 file);
        return r->rc;
    }
    char *path = tl__asprintf("%s/%s", r->dir, file);
    if (!path) {
        oom(r);
        return r->rc;
    }
    for (char *p = path + strlen(r->dir); *p; p++)
        if (*p == '\\')
            *p = '/';
    char *text = NULL;
    size_t len = 0;
    size_t max = r->opt->max_bytes ? r->opt->max_bytes : TL_WEBCONFIG_MAX_BYTES;
    int rc = read_regular(&text, &len, path, max);
    if (rc) {
        if (!required) {
            tl_error_clear();
            note(r, "appSettings file=\"%.120s\" does not exist (.NET ignores a missing file)",
                 file);
            tl__free(path);
            return TL_OK;
        }
        char msg[200];
        snprintf(msg, sizeof msg, "%s", tl_error_last()->message);
        fail(r, TL_EIO, "%s=\"%.120s\" cannot be read: %s", attr_name, file, msg);
        tl__free(path);
        return r->rc;
    }
    if (tl__strlist_add(&r->w->includes, &r->w->nincludes, &r->w->cap_includes, path)) {
        tl__free(text);
        tl__free(path);
        oom(r);
        return r->rc;
    }
    rc = parse_doc(r->w, path, r->dir, text, len, r->path.data, r->scope, r->opt,
                   r->include_depth + 1);
    tl__free(text);
    tl__free(path);
    if (rc) {
        /* keep the included file's own message (it names that file and line) */
        char msg[256];
        snprintf(msg, sizeof msg, "%s", tl_error_last()->message);
        r->rc = rc == TL_ENOMEM ? TL_ENOMEM : TL_EPARSE;
        snprintf(r->msg, sizeof r->msg, "in %.20s=\"%.40s\": %.180s", attr_name, file, msg);
        r->line = (unsigned long)XML_GetCurrentLineNumber(r->parser);
        r->column = (unsigned long)XML_GetCurrentColumnNumber(r->parser) + 1;
        r->offset = TL_NO_OFFSET;
        XML_StopParser(r->parser, XML_FALSE);
    }
    return rc;
}

static void auth_free(tl__wc_auth *a)
{
    tl__free(a->user);
    tl__strlist_free(a->providers, a->nproviders);
}

static void scope_free(tl__wc_scope *s)
{
    tl__free(s->path);
    tl__free(s->impersonate_user);
    tl__free(s->authentication_mode);
    auth_free(&s->anonymous);
    auth_free(&s->windows);
}

void tl_webconfig_free(tl_webconfig *w)
{
    if (!w)
        return;
    tl__free(w->name);
    scope_free(&w->root);
    for (size_t i = 0; i < w->nlocs; i++)
        scope_free(&w->locs[i]);
    tl__free(w->locs);
    tl__free(w->aspnetcore_module);
    tl__free(w->process_path);
    for (size_t i = 0; i < w->nconns; i++) {
        tl__free(w->conns[i].name);
        tl_connection_free(w->conns[i].conn);
    }
    tl__free(w->conns);
    tl__strlist_free(w->unc, w->nunc);
    tl__strlist_free(w->unc_where, w->nunc_where);
    tl__strlist_free(w->notes, w->nnotes);
    tl__strlist_free(w->includes, w->nincludes);
    tl__strlist_free(w->encrypted, w->nencrypted);
    tl__free(w);
}

static tl_webconfig *wc_new(const char *name)
{
    tl_webconfig *w = tl__calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->name = tl__strdup(name ? name : "web.config");
    if (!w->name) {
        tl__free(w);
        return NULL;
    }
    w->root.impersonate = -1;
    w->root.anonymous.enabled = w->root.windows.enabled = -1;
    w->root.windows.use_app_pool_credentials = w->root.windows.use_kernel_mode = -1;
    w->root.allow_override = -1;
    w->forward_windows_auth_token = true; /* the module's default */
    return w;
}

static int wc_finish(tl_webconfig *w)
{
    if (w->aspnetcore) {
        if (!w->hosting_model) /* the module's default when hostingModel is not set */
            w->hosting_model = "outofprocess";
        if (w->aspnetcore_module && !strcmp(w->aspnetcore_module, "AspNetCoreModule") &&
            !strcmp(w->hosting_model, "inprocess")) {
            w->hosting_model = "outofprocess";
            char *n = tl__asprintf("%s: hostingModel=\"inprocess\" needs AspNetCoreModuleV2; "
                                   "the V1 module (AspNetCoreModule) only hosts out of process",
                                   w->name);
            if (!n || tl__strlist_add(&w->notes, &w->nnotes, &w->cap_notes, n)) {
                tl__free(n);
                return tl__oom();
            }
            tl__free(n);
        }
    }
    return TL_OK;
}

static const tl_webconfig_options *opts_or_default(const tl_webconfig_options *o,
                                                   tl_webconfig_options *buf)
{
    if (o)
        return o;
    tl_webconfig_options d = TL_WEBCONFIG_OPTIONS_INIT;
    *buf = d;
    return buf;
}

static int check_opts(const tl_webconfig_options *o)
{
    if (o && o->version != TL_WEBCONFIG_OPTIONS_VERSION)
        return tl__error(TL_EINVAL, "tl_webconfig_options.version is %u, expected %u", o->version,
                         TL_WEBCONFIG_OPTIONS_VERSION);
    return TL_OK;
}

tl_result tl_webconfig_parse(tl_webconfig **out, const char *xml, size_t len, const char *name,
                             const tl_webconfig_options *options)
{
    if (!out || (!xml && len))
        return tl__error(TL_EINVAL, "out or xml is NULL");
    int rc = check_opts(options);
    if (rc)
        return rc;
    tl_webconfig_options buf;
    const tl_webconfig_options *o = opts_or_default(options, &buf);
    size_t max = o->max_bytes ? o->max_bytes : TL_WEBCONFIG_MAX_BYTES;
    const char *nm = name ? name : "web.config";
    if (len > max)
        return tl__error(TL_ELIMIT, "%s: larger than the %zu-byte limit", nm, max);
    tl_webconfig *w = wc_new(nm);
    if (!w)
        return tl__oom();
    rc = parse_doc(w, w->name, NULL, xml ? xml : "", len, NULL, &w->root, o, 0);
    if (!rc)
        rc = wc_finish(w);
    if (rc) {
        tl_webconfig_free(w);
        return rc;
    }
    *out = w;
    tl_error_clear();
    return TL_OK;
}

tl_result tl_webconfig_load(tl_webconfig **out, const char *path,
                            const tl_webconfig_options *options)
{
    if (!out || !path)
        return tl__error(TL_EINVAL, "out or path is NULL");
    int rc = check_opts(options);
    if (rc)
        return rc;
    tl_webconfig_options buf;
    const tl_webconfig_options *o = opts_or_default(options, &buf);
    size_t max = o->max_bytes ? o->max_bytes : TL_WEBCONFIG_MAX_BYTES;
    char *text = NULL;
    size_t len = 0;
    if ((rc = read_regular(&text, &len, path, max)))
        return rc;
    tl_webconfig *w = wc_new(path);
    char *dir = tl__strdup(path);
    if (!w || !dir) {
        tl__free(text);
        tl__free(dir);
        tl_webconfig_free(w);
        return tl__oom();
    }
    char *slash = strrchr(dir, '/');
#ifdef _WIN32
    char *bs = strrchr(dir, '\\');
    if (bs && (!slash || bs > slash))
        slash = bs;
#endif
    if (slash)
        *slash = 0;
    else
        strcpy(dir, ".");
    rc = parse_doc(w, w->name, dir, text, len, NULL, &w->root, o, 0);
    tl__free(text);
    tl__free(dir);
    if (!rc)
        rc = wc_finish(w);
    if (rc) {
        tl_webconfig_free(w);
        return rc;
    }
    *out = w;
    tl_error_clear();
    return TL_OK;
}

/* ---- getters -------------------------------------------------------------------------------- */

bool tl_webconfig_impersonate(const tl_webconfig *w)
{
    return w && w->root.impersonate == 1;
}
const char *tl_webconfig_impersonate_user(const tl_webconfig *w)
{
    return w ? w->root.impersonate_user : NULL;
}
const char *tl_webconfig_authentication_mode(const tl_webconfig *w)
{
    return w ? w->root.authentication_mode : NULL;
}
bool tl_webconfig_is_aspnetcore(const tl_webconfig *w)
{
    return w && w->aspnetcore;
}
const char *tl_webconfig_hosting_model(const tl_webconfig *w)
{
    return w && w->aspnetcore ? w->hosting_model : NULL;
}
bool tl_webconfig_forward_windows_auth_token(const tl_webconfig *w)
{
    return w && w->aspnetcore && w->forward_windows_auth_token;
}
size_t tl_webconfig_connection_count(const tl_webconfig *w)
{
    return w ? w->nconns : 0;
}
const tl_connection *tl_webconfig_connection_at(const tl_webconfig *w, size_t i)
{
    return w && i < w->nconns ? w->conns[i].conn : NULL;
}
const char *tl_webconfig_connection_name(const tl_webconfig *w, size_t i)
{
    return w && i < w->nconns ? w->conns[i].name : NULL;
}
const char *tl_webconfig_connection_where(const tl_webconfig *w, size_t i)
{
    return w && i < w->nconns ? w->conns[i].where : NULL;
}
size_t tl_webconfig_unc_count(const tl_webconfig *w)
{
    return w ? w->nunc : 0;
}
const char *tl_webconfig_unc_at(const tl_webconfig *w, size_t i)
{
    return w && i < w->nunc ? w->unc[i] : NULL;
}
size_t tl_webconfig_note_count(const tl_webconfig *w)
{
    return w ? w->nnotes : 0;
}
const char *tl_webconfig_note_at(const tl_webconfig *w, size_t i)
{
    return w && i < w->nnotes ? w->notes[i] : NULL;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *strlist(char **l, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_string(l[i]))) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *auth_json(const tl__wc_auth *a, bool windows)
{
    if (!a->present)
        return json_null();
    json_t *o = json_object();
    int bad = !o;
    if (o) {
        bad |= json_object_set_new(o, "enabled",
                                   a->enabled < 0 ? json_null() : json_boolean(a->enabled));
        if (windows) {
            bad |= json_object_set_new(o, "providers",
                                       a->providers_set ? strlist(a->providers, a->nproviders)
                                                        : json_null());
            bad |= json_object_set_new(o, "useAppPoolCredentials",
                                       a->use_app_pool_credentials < 0
                                           ? json_null()
                                           : json_boolean(a->use_app_pool_credentials));
            bad |= json_object_set_new(o, "useKernelMode",
                                       a->use_kernel_mode < 0 ? json_null()
                                                              : json_boolean(a->use_kernel_mode));
        } else {
            bad |= json_object_set_new(o, "userName", a->user_set ? jstr(a->user) : json_null());
        }
        bad |= json_object_set_new(o, "locked_by_default", json_true());
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *overrides_json(const tl__wc_scope *s)
{
    json_t *o = json_object();
    if (!o || json_object_set_new(o, "anonymous", auth_json(&s->anonymous, false)) ||
        json_object_set_new(o, "windows", auth_json(&s->windows, true))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *tl__webconfig_json(const tl_webconfig *w)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= json_object_set_new(o, "file", json_string(w->name));
    bad |= json_object_set_new(o, "impersonate", json_boolean(w->root.impersonate == 1));
    bad |= json_object_set_new(o, "impersonate_user", jstr(w->root.impersonate_user));
    bad |= json_object_set_new(o, "authentication_mode", jstr(w->root.authentication_mode));
    if (w->aspnetcore) {
        json_t *a = json_object();
        bad |= !a;
        if (a) {
            bad |= json_object_set_new(a, "hosting_model", json_string(w->hosting_model));
            bad |= json_object_set_new(a, "forward_windows_auth_token",
                                       json_boolean(w->forward_windows_auth_token));
            bad |= json_object_set_new(a, "hosting_model_written",
                                       json_boolean(w->hosting_model_written));
            bad |= json_object_set_new(a, "module", jstr(w->aspnetcore_module));
            bad |= json_object_set_new(a, "process_path", jstr(w->process_path));
        }
        bad |= json_object_set_new(o, "aspnetcore", a);
    } else {
        bad |= json_object_set_new(o, "aspnetcore", json_null());
    }
    json_t *conns = json_array();
    bad |= !conns;
    for (size_t i = 0; conns && i < w->nconns; i++) {
        json_t *c = tl__connection_json(w->conns[i].conn);
        json_t *e = json_object();
        if (!c || !e || json_object_set_new(e, "name", json_string(w->conns[i].name)) ||
            json_object_set_new(e, "where", json_string(w->conns[i].where)) ||
            json_object_update(e, c) || json_array_append_new(conns, e)) {
            json_decref(c);
            json_decref(e);
            bad = 1;
            break;
        }
        json_decref(c);
    }
    bad |= json_object_set_new(o, "connections", conns);
    bad |= json_object_set_new(o, "unc_paths", strlist(w->unc, w->nunc));
    json_t *targets = json_array();
    bad |= !targets;
    for (size_t i = 0; targets && i < w->nunc; i++) {
        char *spn = tl__unc_spn(w->unc[i]);
        json_t *t = json_object();
        if (!spn || !t || json_object_set_new(t, "path", json_string(w->unc[i])) ||
            json_object_set_new(t, "spn", json_string(spn)) ||
            json_object_set_new(t, "where",
                                json_string(i < w->nunc_where ? w->unc_where[i] : "")) ||
            json_array_append_new(targets, t)) {
            tl__free(spn);
            json_decref(t);
            bad = 1;
            break;
        }
        tl__free(spn);
    }
    bad |= json_object_set_new(o, "unc_targets", targets);
    bad |= json_object_set_new(o, "auth_overrides", overrides_json(&w->root));
    json_t *locs = json_array();
    bad |= !locs;
    for (size_t i = 0; locs && i < w->nlocs; i++) {
        const tl__wc_scope *s = &w->locs[i];
        json_t *l = json_object();
        if (!l || json_object_set_new(l, "path", json_string(s->path)) ||
            json_object_set_new(l, "impersonate",
                                s->impersonate < 0 ? json_null() : json_boolean(s->impersonate)) ||
            json_object_set_new(l, "impersonate_user", jstr(s->impersonate_user)) ||
            json_object_set_new(l, "authentication_mode", jstr(s->authentication_mode)) ||
            json_object_set_new(l, "auth_overrides", overrides_json(s)) ||
            json_object_set_new(l, "allow_override",
                                s->allow_override < 0 ? json_null()
                                                      : json_boolean(s->allow_override)) ||
            json_array_append_new(locs, l)) {
            json_decref(l);
            bad = 1;
            break;
        }
    }
    bad |= json_object_set_new(o, "locations", locs);
    bad |= json_object_set_new(o, "transform", json_boolean(w->transform));
    bad |= json_object_set_new(o, "encrypted_sections", strlist(w->encrypted, w->nencrypted));
    bad |= json_object_set_new(o, "includes", strlist(w->includes, w->nincludes));
    bad |= json_object_set_new(o, "notes", strlist(w->notes, w->nnotes));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

tl_result tl_webconfig_to_json(char **out, const tl_webconfig *w)
{
    if (!out || !w)
        return tl__error(TL_EINVAL, "out or webconfig is NULL");
    json_t *j = tl__webconfig_json(w);
    char *s = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
    json_decref(j);
    if (!s)
        return tl__oom();
    char *r = tl__strdup(s);
    tl__free(s); /* jansson allocates through the hook */
    if (!r)
        return tl__oom();
    *out = r;
    tl_error_clear();
    return TL_OK;
}
