/* The IIS audit as JSON (the `tokenlens iis --json` contract) and one site as an
 * explain-engine scenario (format v1). */
#include "iis_internal.h"
#include <jansson.h>
#include <string.h>

/* jansson setters that stay safe when a value could not be allocated: the object then ends up
 * missing a key, which dump_out() cannot detect, so every value is checked through `ok`. */
typedef struct jb {
    int ok;
} jb;

static json_t *chk(jb *b, json_t *v)
{
    if (!v)
        b->ok = 0;
    return v;
}

static void set(jb *b, json_t *o, const char *k, json_t *v)
{
    if (json_object_set_new(o, k, v) != 0) /* takes v even on failure, NULL o included */
        b->ok = 0;
}

static void push(jb *b, json_t *a, json_t *v)
{
    if (json_array_append_new(a, v) != 0) /* takes v even on failure, NULL a included */
        b->ok = 0;
}

static json_t *str_or_null(jb *b, const char *s)
{
    return chk(b, s ? json_string(s) : json_null());
}

static json_t *identity_json(jb *b, const tl_iis_identity *id)
{
    if (!id)
        return chk(b, json_null());
    json_t *o = chk(b, json_object());
    set(b, o, "name", str_or_null(b, id->name));
    char sid[TL_SID_STRING_MAX];
    if (id->sid_known && tl_sid_to_string(sid, sizeof sid, &id->sid) == TL_OK)
        set(b, o, "sid", chk(b, json_string(sid)));
    else
        set(b, o, "sid", chk(b, json_null()));
    return o;
}

static json_t *strings_json(jb *b, const char *const *v, size_t n)
{
    json_t *a = chk(b, json_array());
    for (size_t i = 0; i < n; i++)
        push(b, a, chk(b, json_string(v[i])));
    return a;
}

static json_t *windows_json(jb *b, const tl_iis_auth *au)
{
    json_t *w = chk(b, json_object());
    set(b, w, "enabled", chk(b, json_boolean(au->windows_enabled)));
    json_t *pv = chk(b, json_array());
    for (size_t i = 0; pv && i < au->provider_count; i++)
        push(b, pv, chk(b, json_string(tl_iis_auth_provider(au, i))));
    set(b, w, "providers", pv);
    set(b, w, "use_kernel_mode", chk(b, json_boolean(au->use_kernel_mode)));
    set(b, w, "use_app_pool_credentials", chk(b, json_boolean(au->use_app_pool_credentials)));
    return w;
}

static json_t *app_json(jb *b, const tl_iis_app *app)
{
    json_t *o = chk(b, json_object());
    set(b, o, "path", chk(b, json_string(app->path)));
    set(b, o, "app_pool", chk(b, json_string(app->app_pool)));
    set(b, o, "process_identity", identity_json(b, &app->pool->identity));
    set(b, o, "anonymous_identity", identity_json(b, app->anonymous));
    set(b, o, "anonymous_user_name",
        app->auth.anonymous_enabled ? chk(b, json_string(app->auth.anonymous_user))
                                    : chk(b, json_null()));
    set(b, o, "windows_authentication", windows_json(b, &app->auth));
    set(b, o, "physical_path", str_or_null(b, app->physical_path));
    set(b, o, "content_user", str_or_null(b, app->content_user));
    set(b, o, "config_error", str_or_null(b, app->config_error));
    return o;
}

/* ---- streaming (issue 18 item 2): one element at a time, dumped and freed -------------- */

/* Append jansson's dump text to the stream, indenting every line break by js->indent more
 * spaces: a value dumped at depth 0 and so re-indented is byte for byte what jansson writes
 * for it at that depth inside the whole document (JSON_INDENT(2); strings never hold a raw
 * line break, jansson escapes it). */
static int reindent(const char *text, size_t size, void *data)
{
    tl__jstream *js = data;
    size_t from = 0;
    for (size_t i = 0; i < size; i++)
        if (text[i] == '\n') {
            tl__buf_putn(&js->out, text + from, i + 1 - from);
            for (int k = 0; k < js->indent; k++)
                tl__buf_putc(&js->out, ' ');
            from = i + 1;
        }
    tl__buf_putn(&js->out, text + from, size - from);
    return js->out.failed ? -1 : 0;
}

/* Hand the pending text to the writer (at element boundaries only: every piece is whole
 * JSON tokens, so no UTF-8 sequence is split). */
static void flush(tl__jstream *js, bool force)
{
    if (js->rc || !js->write || (!force && js->out.len < 65536))
        return;
    if (js->out.failed) {
        js->rc = tl__oom();
        return;
    }
    if (js->out.len && js->write(js->out.data, js->out.len, js->ctx) != 0)
        js->rc = tl__error(TL_EIO, "writing the JSON output failed");
    js->out.len = 0;
    if (js->out.data)
        js->out.data[0] = '\0';
}

void tl__js_raw(tl__jstream *js, const char *text)
{
    if (!js->rc)
        tl__buf_put(&js->out, text);
}

void tl__js_value(tl__jstream *js, json_t *v, int depth)
{
    if (!v && !js->rc)
        js->rc = tl__oom();
    if (!js->rc) {
        js->indent = 2 * depth;
        if (json_dump_callback(v, reindent, js, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
            js->out.failed)
            js->rc = tl__oom();
    }
    json_decref(v);
    flush(js, false);
}

void tl__js_item(tl__jstream *js, json_t *v, int depth, size_t index)
{
    if (!js->rc) {
        tl__buf_put(&js->out, index ? ",\n" : "\n");
        for (int k = 0; k < 2 * depth; k++)
            tl__buf_putc(&js->out, ' ');
    }
    tl__js_value(js, v, depth);
}

void tl__js_end_array(tl__jstream *js, int depth, size_t count)
{
    if (js->rc)
        return;
    if (!count) {
        tl__buf_put(&js->out, "]");
        return;
    }
    tl__buf_putc(&js->out, '\n');
    for (int k = 0; k < 2 * depth; k++)
        tl__buf_putc(&js->out, ' ');
    tl__buf_putc(&js->out, ']');
}

int tl__js_finish(tl__jstream *js)
{
    if (!js->rc && js->out.failed)
        js->rc = tl__oom();
    flush(js, true);
    return js->rc;
}

int tl__js_detach(tl__jstream *js, int rc, char **out)
{
    char *text = NULL;
    if (rc == TL_OK)
        rc = tl__buf_detach(&js->out, &text);
    tl__buf_free(&js->out);
    if (rc != TL_OK)
        return rc;
    *out = text; /* untouched on failure */
    tl_error_clear();
    return TL_OK;
}

/* One site of the "sites" array. */
static json_t *site_json(const tl_iis_site *s)
{
    jb b = {1};
    const tl_iis_app *rootapp = &s->apps[0];
    json_t *o = chk(&b, json_object());
    set(&b, o, "name", chk(&b, json_string(s->name)));
    set(&b, o, "id", chk(&b, json_integer((json_int_t)s->id)));
    set(&b, o, "app_pool", chk(&b, json_string(rootapp->app_pool)));
    set(&b, o, "process_identity", identity_json(&b, &rootapp->pool->identity));
    set(&b, o, "anonymous_identity", identity_json(&b, rootapp->anonymous));
    set(&b, o, "anonymous_user_name",
        rootapp->auth.anonymous_enabled ? chk(&b, json_string(rootapp->auth.anonymous_user))
                                        : chk(&b, json_null()));
    set(&b, o, "windows_authentication", windows_json(&b, &rootapp->auth));
    set(&b, o, "bindings", strings_json(&b, s->bindings, s->binding_count));
    set(&b, o, "physical_path", str_or_null(&b, rootapp->physical_path));
    json_t *apps = chk(&b, json_array());
    for (size_t k = 0; k < s->app_count; k++)
        push(&b, apps, app_json(&b, &s->apps[k]));
    set(&b, o, "applications", apps);
    if (!b.ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *checked(jb *b, json_t *o)
{
    if (!b->ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int tl__iis_stream_json(const tl_iis_audit *a, tl__jstream *js, tl__iis_site_hook hook, void *hctx,
                        const char *extra_key, json_t *extra)
{
    tl__js_raw(js, "{\n  \"sites\": [");
    for (size_t i = 0; i < a->site_count && !js->rc; i++) {
        json_t *o = site_json(&a->sites[i]);
        if (o && hook && hook(o, i, hctx) != 0) {
            json_decref(o);
            o = NULL;
        }
        tl__js_item(js, o, 2, i);
    }
    tl__js_end_array(js, 1, a->site_count);
    tl__js_raw(js, ",\n  \"shared_anonymous_identities\": [");
    for (size_t i = 0; i < a->shared_count && !js->rc; i++) {
        jb b = {1};
        json_t *o = chk(&b, json_object());
        set(&b, o, "identity", identity_json(&b, &a->shared[i].identity));
        set(&b, o, "sites", strings_json(&b, a->shared[i].sites, a->shared[i].site_count));
        tl__js_item(js, checked(&b, o), 2, i);
    }
    tl__js_end_array(js, 1, a->shared_count);
    tl__js_raw(js, ",\n  \"application_pools\": [");
    for (size_t i = 0; i < a->pool_count && !js->rc; i++) {
        const tl_iis_pool *p = &a->pools[i];
        jb b = {1};
        json_t *o = chk(&b, json_object());
        set(&b, o, "name", chk(&b, json_string(p->name)));
        set(&b, o, "declared", chk(&b, json_boolean(p->declared)));
        set(&b, o, "identity_type",
            chk(&b, json_string(tl_iis_identity_type_name(p->identity_type))));
        set(&b, o, "user_name", str_or_null(&b, p->user_name));
        set(&b, o, "process_identity", identity_json(&b, &p->identity));
        set(&b, o, "site_count", chk(&b, json_integer((json_int_t)p->site_count)));
        tl__js_item(js, checked(&b, o), 2, i);
    }
    tl__js_end_array(js, 1, a->pool_count);
    tl__js_raw(js, ",\n  \"findings\": [");
    for (size_t i = 0; i < a->finding_count && !js->rc; i++) {
        const tl_iis_finding *f = &a->findings[i];
        jb b = {1};
        json_t *o = chk(&b, json_object());
        set(&b, o, "kind", chk(&b, json_string(tl_iis_finding_kind_name(f->kind))));
        set(&b, o, "severity", chk(&b, json_string(tl_iis_severity_name(f->severity))));
        set(&b, o, "text", chk(&b, json_string(f->text)));
        set(&b, o, "fix", chk(&b, json_string(f->fix)));
        set(&b, o, "sites", strings_json(&b, f->sites, f->site_count));
        tl__js_item(js, checked(&b, o), 2, i);
    }
    tl__js_end_array(js, 1, a->finding_count);
    tl__js_raw(js, ",\n  \"warnings\": ");
    {
        jb b = {1};
        json_t *w = strings_json(&b, a->warnings, a->warning_count);
        tl__js_value(js, checked(&b, w), 1);
    }
    if (extra_key) {
        tl__js_raw(js, ",\n  \"");
        tl__js_raw(js, extra_key);
        tl__js_raw(js, "\": ");
        tl__js_value(js, extra, 1);
    }
    tl__js_raw(js, "\n}");
    return tl__js_finish(js);
}

int tl_iis_audit_to_json(char **out, const tl_iis_audit *a)
{
    if (!out || !a)
        return tl__error(TL_EINVAL, "NULL argument");
    tl__jstream js = TL__JSTREAM_INIT(NULL, NULL);
    return tl__js_detach(&js, tl__iis_stream_json(a, &js, NULL, NULL, NULL, NULL), out);
}

int tl_iis_site_scenario_json(char **out, const tl_iis_audit *a, size_t site,
                              const tl_iis_scenario_options *opt)
{
    if (!out || !a)
        return tl__error(TL_EINVAL, "NULL argument");
    if (site >= a->site_count)
        return tl__error(TL_ERANGE, "site index %zu out of range (%zu sites)", site, a->site_count);
    tl_iis_scenario_options none = TL_IIS_SCENARIO_OPTIONS_INIT;
    if (!opt)
        opt = &none;
    if (opt->version != TL_IIS_SCENARIO_OPTIONS_VERSION)
        return tl__error(TL_EINVAL,
                         "tl_iis_scenario_options.version is %u, expected %u (use "
                         "TL_IIS_SCENARIO_OPTIONS_INIT)",
                         opt->version, TL_IIS_SCENARIO_OPTIONS_VERSION);
    const tl_iis_site *s = &a->sites[site];
    const tl_iis_app *app = &s->apps[0];
    if (opt->application) {
        size_t k;
        for (k = 0; k < s->app_count; k++)
            if (tl__strcasecmp(s->apps[k].path, opt->application) == 0)
                break;
        if (k == s->app_count)
            return tl__error(TL_ENOTFOUND, "site '%s' has no application '%s'", s->name,
                             opt->application);
        app = &s->apps[k];
    }
    jb b = {1};
    json_t *root = chk(&b, json_object());
    set(&b, root, "tokenlens_scenario", chk(&b, json_integer(1)));
    char *name = tl__asprintf("IIS site %s%s%s", s->name, strcmp(app->path, "/") ? " " : "",
                              strcmp(app->path, "/") ? app->path : "");
    set(&b, root, "name", chk(&b, name ? json_string(name) : NULL));
    tl__free(name);
    json_t *m = chk(&b, json_object());
    set(&b, m, "name", chk(&b, json_string(opt->machine ? opt->machine : "WEB01")));
    set(&b, m, "domain", str_or_null(&b, opt->domain));
    set(&b, root, "machine", m);
    json_t *pool = chk(&b, json_object());
    set(&b, pool, "name", chk(&b, json_string(app->app_pool)));
    set(&b, pool, "identity",
        chk(&b, json_string(tl_iis_identity_type_name(app->pool->identity_type))));
    if (app->pool->identity_type == TL_IIS_SPECIFIC_USER)
        set(&b, pool, "user", str_or_null(&b, app->pool->user_name));
    set(&b, root, "app_pool", pool);
    json_t *js = chk(&b, json_object());
    set(&b, js, "name", chk(&b, json_string(s->name)));
    json_t *anon = chk(&b, json_object());
    set(&b, anon, "enabled", chk(&b, json_boolean(app->auth.anonymous_enabled)));
    set(&b, anon, "user", chk(&b, json_string(app->auth.anonymous_user)));
    set(&b, js, "anonymous", anon);
    json_t *win = chk(&b, json_object());
    set(&b, win, "enabled", chk(&b, json_boolean(app->auth.windows_enabled)));
    set(&b, win, "providers", strings_json(&b, app->auth_providers, app->auth.provider_count));
    set(&b, win, "use_app_pool_credentials",
        chk(&b, json_boolean(app->auth.use_app_pool_credentials)));
    set(&b, win, "kernel_mode", chk(&b, json_boolean(app->auth.use_kernel_mode)));
    set(&b, js, "windows", win);
    /* The request thread impersonates the authenticated user (IIS does for static content and
     * ASP.NET with impersonation); the configuration cannot tell whether the code reverts. */
    set(&b, js, "impersonate", chk(&b, json_true()));
    set(&b, root, "site", js);
    json_t *del = chk(&b, json_object());
    set(&b, del, "mode", chk(&b, json_string("none")));
    set(&b, del, "to", chk(&b, json_array()));
    set(&b, root, "delegation", del);
    json_t *req = chk(&b, json_object());
    char *user = NULL;
    if (opt->request_user)
        user = tl__strdup(opt->request_user);
    else if (!app->auth.anonymous_enabled)
        user = tl__asprintf("%s\\alice",
                            opt->domain ? opt->domain : (opt->machine ? opt->machine : "WEB01"));
    set(&b, req, "user", user ? chk(&b, json_string(user)) : chk(&b, json_null()));
    /* An anonymous request authenticated with nothing: no protocol key. */
    if (user)
        set(&b, req, "protocol", chk(&b, json_string(opt->protocol ? opt->protocol : "ntlm")));
    tl__free(user);
    set(&b, req, "sensitive", chk(&b, json_false()));
    set(&b, root, "request", req);
    json_t *hops = chk(&b, json_array());
    if (opt->hop_target) {
        json_t *h = chk(&b, json_object());
        set(&b, h, "target", chk(&b, json_string(opt->hop_target)));
        set(&b, h, "from", chk(&b, json_string("request_thread")));
        push(&b, hops, h);
    }
    set(&b, root, "hops", hops);
    char *text = b.ok ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text)
        return tl__oom();
    char *copy = tl__strdup(text);
    tl__free(text); /* jansson allocates through the hook */
    if (!copy)
        return tl__oom();
    *out = copy; /* untouched on failure */
    tl_error_clear();
    return TL_OK;
}
