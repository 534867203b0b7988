/* Token snapshot JSON, schema version 1 (docs/token-snapshot.md). Writing is total; reading
 * is strict: every key is known, every type checked, every SID parsed, every error names its
 * JSON path. */
#include "internal.h"
#include "token_internal.h"
#include "tokenlens/whoami.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define VERSION_KEY "tokenlens_token"
#define MAX_STRING 1024 /* names, packages, domains: far above anything Windows produces */
#define TL__JSON_PATH_MAX 256

/* ---- writing ------------------------------------------------------------------------------ */

typedef struct jw {
    int failed; /* sticky: some jansson allocation returned NULL */
} jw;

static json_t *chk(jw *w, json_t *v)
{
    if (!v)
        w->failed = 1;
    return v;
}

/* jansson's *_new calls take `v` even when they fail (a NULL obj or arr included), so the
 * value never leaks; a NULL `v` (an earlier failed allocation) is just a failure. */
static void put(jw *w, json_t *obj, const char *key, json_t *v)
{
    if (json_object_set_new(obj, key, v) != 0)
        w->failed = 1;
}

static void append(jw *w, json_t *arr, json_t *v)
{
    if (json_array_append_new(arr, v) != 0)
        w->failed = 1;
}

static json_t *str_or_null(jw *w, const char *s)
{
    return chk(w, s ? json_string(s) : json_null());
}

static json_t *identity(jw *w, const tl_sid *sid)
{
    char buf[TL_SID_STRING_MAX];
    if (tl_sid_to_string(buf, sizeof buf, sid) != TL_OK) {
        w->failed = 1;
        return NULL;
    }
    json_t *o = chk(w, json_object());
    put(w, o, "sid", chk(w, json_string(buf)));
    char *name = NULL;
    if (tl_sid_lookup_name(&name, sid) == TL_OK && name) {
        put(w, o, "name", chk(w, json_string(name)));
        tl_free(name);
    } else {
        put(w, o, "name", chk(w, json_null()));
    }
    tl_error_clear(); /* a name we do not know is not an error */
    return o;
}

static json_t *flags_array(jw *w, uint32_t attributes, int is_group)
{
    char buf[256];
    int rc = is_group ? tl_group_attributes_string(buf, sizeof buf, attributes)
                      : tl_privilege_attributes_string(buf, sizeof buf, attributes);
    json_t *a = chk(w, json_array());
    if (rc != TL_OK) {
        w->failed = 1;
        return a;
    }
    for (char *p = buf; *p;) {
        char *sp = strchr(p, ' ');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        append(w, a, chk(w, json_stringn(p, n)));
        p += n;
        while (*p == ' ')
            p++;
    }
    return a;
}

static json_t *sid_list(jw *w, const tl_sid_and_attributes *list, size_t n)
{
    json_t *a = chk(w, json_array());
    for (size_t i = 0; i < n; i++) {
        json_t *g = identity(w, &list[i].sid);
        put(w, g, "attributes", chk(w, json_integer(list[i].attributes)));
        put(w, g, "flags", flags_array(w, list[i].attributes, 1));
        append(w, a, g);
    }
    return a;
}

json_t *tl__token_json(const tl_token *t)
{
    jw w = {0};
    json_t *o = chk(&w, json_object());
    put(&w, o, VERSION_KEY, chk(&w, json_integer(TL_TOKEN_JSON_VERSION)));
    put(&w, o, "type", str_or_null(&w, tl_token_type_name(t->type)));
    put(&w, o, "impersonation_level",
        str_or_null(&w, tl_impersonation_level_name(t->impersonation_level)));
    if (t->has_user) {
        json_t *u = identity(&w, &t->user);
        put(&w, u, "attributes", chk(&w, json_integer(t->user_attributes)));
        put(&w, o, "user", u);
    } else {
        put(&w, o, "user", chk(&w, json_null()));
    }
    put(&w, o, "user_name", str_or_null(&w, t->user_name));
    put(&w, o, "groups", sid_list(&w, t->groups, t->ngroups));
    put(&w, o, "restricted_sids",
        t->restricted_known ? sid_list(&w, t->restricted, t->nrestricted) : chk(&w, json_null()));
    json_t *privs = chk(&w, json_array());
    for (size_t i = 0; i < t->nprivileges; i++) {
        const tl_privilege *p = &t->privileges[i];
        json_t *po = chk(&w, json_object());
        put(&w, po, "name", p->name[0] ? chk(&w, json_string(p->name)) : chk(&w, json_null()));
        put(&w, po, "luid", chk(&w, json_integer((json_int_t)p->luid)));
        put(&w, po, "attributes", chk(&w, json_integer(p->attributes)));
        put(&w, po, "flags", flags_array(&w, p->attributes, 0));
        append(&w, privs, po);
    }
    put(&w, o, "privileges", privs);
    put(&w, o, "owner", t->has_owner ? identity(&w, &t->owner) : chk(&w, json_null()));
    put(&w, o, "primary_group",
        t->has_primary_group ? identity(&w, &t->primary_group) : chk(&w, json_null()));
    if (t->has_integrity) {
        char sid[32];
        snprintf(sid, sizeof sid, "S-1-16-%u", (unsigned)t->integrity_rid);
        json_t *il = chk(&w, json_object());
        put(&w, il, "sid", chk(&w, json_string(sid)));
        put(&w, il, "name", str_or_null(&w, tl_integrity_name(t->integrity_rid)));
        put(&w, o, "integrity_level", il);
    } else {
        put(&w, o, "integrity_level", chk(&w, json_null()));
    }
    put(&w, o, "elevated", chk(&w, t->elevated < 0 ? json_null() : json_boolean(t->elevated)));
    put(&w, o, "elevation_type", str_or_null(&w, tl_elevation_type_name(t->elevation_type)));
    put(&w, o, "session_id", chk(&w, json_integer(t->session_id)));
    if (t->has_logon_id || t->logon_package || t->logon_domain || t->logon_user ||
        t->logon_type != TL_LOGON_TYPE_UNKNOWN) {
        json_t *l = chk(&w, json_object());
        if (t->has_logon_id) {
            char luid[24];
            snprintf(luid, sizeof luid, "0x%llx", (unsigned long long)t->logon_id);
            put(&w, l, "luid", chk(&w, json_string(luid)));
        } else {
            put(&w, l, "luid", chk(&w, json_null()));
        }
        put(&w, l, "package", str_or_null(&w, t->logon_package));
        const char *tn = tl_logon_type_name(t->logon_type);
        put(&w, l, "type",
            chk(&w, tn                                       ? json_string(tn)
                    : t->logon_type == TL_LOGON_TYPE_UNKNOWN ? json_null()
                                                             : json_integer(t->logon_type)));
        put(&w, l, "domain", str_or_null(&w, t->logon_domain));
        put(&w, l, "user", str_or_null(&w, t->logon_user));
        put(&w, o, "logon", l);
    } else {
        put(&w, o, "logon", chk(&w, json_null()));
    }
    if (w.failed) {
        json_decref(o);
        tl__oom();
        return NULL;
    }
    return o;
}

int tl_token_to_json(char **out, const tl_token *token)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_token_to_json: out is NULL");
    *out = NULL;
    if (!token)
        return tl__error(TL_EINVAL, "tl_token_to_json: token is NULL");
    json_t *o = tl__token_json(token);
    if (!o)
        return TL_ENOMEM;
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!s)
        return tl__oom();
    *out = s; /* jansson allocates through tokenlens' allocator (util.c): tl_free() */
    return TL_OK;
}

int tl_token_save(const tl_token *token, const char *path)
{
    if (!path)
        return tl__error(TL_EINVAL, "tl_token_save: path is NULL");
    char *s = NULL;
    int rc = tl_token_to_json(&s, token);
    if (rc)
        return rc;
    tl__buf b = TL__BUF_INIT;
    tl__buf_put(&b, s);
    tl__buf_putc(&b, '\n');
    tl_free(s);
    char *text = NULL;
    if ((rc = tl__buf_detach(&b, &text)) != TL_OK)
        return rc;
    rc = tl__write_file(path, text, strlen(text));
    tl_free(text);
    return rc;
}

/* ---- reading ------------------------------------------------------------------------------ */

typedef struct jr {
    char path[TL__JSON_PATH_MAX];
} jr;

static int perr(const char *path, const char *fmt, const char *detail)
{
    return tl__error_path(TL_EPARSE, path, "%s: %s%s", path, fmt, detail ? detail : "");
}

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static int wrong_type(const char *path, const json_t *v, const char *want)
{
    return tl__error_path(TL_EPARSE, path, "%s: expected %s, found %s", path, want, type_name(v));
}

/* JSON paths are built here only; a path too deep for the buffer is truncated, which costs
 * precision in the message, never safety. */
static void path_fmt(char *dst, const char *fmt, ...) TL__PRINTF(2, 3);
static void path_fmt(char *dst, const char *fmt, ...)
{
    char tmp[TL__JSON_PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    memcpy(dst, tmp, sizeof tmp);
}

static void sub_key(char *dst, const char *path, const char *key)
{
    path_fmt(dst, "%s.%s", path, key);
}

/* Every key of `obj` must be in `allowed` (NULL-terminated). */
static int only_keys(const char *path, json_t *obj, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                ok = 1;
        if (!ok) {
            char sub[TL__JSON_PATH_MAX];
            sub_key(sub, path, key);
            return tl__error_path(TL_EPARSE, sub, "%s: unknown key \"%s\"", sub, key);
        }
    }
    return TL_OK;
}

/* Required member `key` (absent -> error). */
static int member(json_t **v, const char *path, json_t *obj, const char *key)
{
    *v = json_object_get(obj, key);
    if (!*v) {
        char sub[TL__JSON_PATH_MAX];
        sub_key(sub, path, key);
        return tl__error_path(TL_EPARSE, sub, "%s: missing required key", sub);
    }
    return TL_OK;
}

static int get_u32(uint32_t *out, const char *path, json_t *v)
{
    if (!json_is_integer(v))
        return wrong_type(path, v, "an integer");
    json_int_t n = json_integer_value(v);
    if (n < 0 || n > (json_int_t)UINT32_MAX)
        return tl__error_path(TL_EPARSE, path, "%s: %lld is not in 0..4294967295", path,
                              (long long)n);
    *out = (uint32_t)n;
    return TL_OK;
}

/* A string of at most MAX_STRING bytes without embedded NULs, or null when allowed. */
static int get_str(const char **out, const char *path, json_t *v, int nullable)
{
    *out = NULL;
    if (nullable && json_is_null(v))
        return TL_OK;
    if (!json_is_string(v))
        return wrong_type(path, v, nullable ? "a string or null" : "a string");
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (n > MAX_STRING)
        return tl__error_path(TL_EPARSE, path, "%s: string longer than %d bytes", path, MAX_STRING);
    if (strlen(s) != n)
        return perr(path, "string contains a NUL character", NULL);
    *out = s;
    return TL_OK;
}

/* A name (account, group, domain, privilege, logon package) as get_str, refusing the control
 * characters 1-31 no Windows name can hold ("Names also cannot include characters in the
 * range 1-31, which are nonprintable": USER_INFO_0 remarks, learn.microsoft.com; MS-SRVS
 * 2.2.2.8 lists 0x01-0x1F as invalid in user, group, domain and computer names). A snapshot
 * that has one was not written by Windows, and its names would reach a terminal. */
static int get_name(const char **out, const char *path, json_t *v, int nullable)
{
    int rc = get_str(out, path, v, nullable);
    if (rc || !*out)
        return rc;
    for (const unsigned char *c = (const unsigned char *)*out; *c; c++)
        if (*c < 0x20) {
            const char *name = *out;
            *out = NULL;
            return tl__error_path(TL_EPARSE, path,
                                  "%s: control character 0x%02x at byte %u of the name: Windows "
                                  "names cannot contain characters 1-31",
                                  path, *c, (unsigned)((const char *)c - name));
        }
    return TL_OK;
}

static int get_sid(tl_sid *out, const char *path, json_t *v)
{
    const char *s;
    int rc = get_str(&s, path, v, 0);
    if (rc)
        return rc;
    if (tl_sid_from_string(out, s) != TL_OK) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s", tl_error_last()->message);
        return tl__error_path(TL_EPARSE, path, "%s: invalid SID \"%.80s\" (%s)", path, s, msg);
    }
    return TL_OK;
}

/* {"sid": ..., "name": string|null [, "attributes": u32, "flags": [string...]]} */
static int get_identity(tl_sid *sid, uint32_t *attributes, const char *path, json_t *v)
{
    static const char *const keys_attr[] = {"sid", "name", "attributes", "flags", NULL};
    static const char *const keys_plain[] = {"sid", "name", NULL};
    if (!json_is_object(v))
        return wrong_type(path, v, "an object");
    int rc = only_keys(path, v, attributes ? keys_attr : keys_plain);
    if (rc)
        return rc;
    char sub[TL__JSON_PATH_MAX];
    json_t *m;
    if ((rc = member(&m, path, v, "sid")))
        return rc;
    sub_key(sub, path, "sid");
    if ((rc = get_sid(sid, sub, m)))
        return rc;
    if ((m = json_object_get(v, "name"))) {
        const char *ignored;
        sub_key(sub, path, "name");
        if ((rc = get_name(&ignored, sub, m, 1)))
            return rc;
    }
    if (!attributes)
        return TL_OK;
    if ((rc = member(&m, path, v, "attributes")))
        return rc;
    sub_key(sub, path, "attributes");
    if ((rc = get_u32(attributes, sub, m)))
        return rc;
    if ((m = json_object_get(v, "flags"))) {
        /* Informative only (derived from attributes); must still be well-formed. */
        sub_key(sub, path, "flags");
        if (!json_is_array(m))
            return wrong_type(sub, m, "an array");
        if (json_array_size(m) > 32)
            return tl__error_path(TL_ELIMIT, sub, "%s: more than 32 flags", sub);
        size_t i;
        json_t *f;
        json_array_foreach(m, i, f)
        {
            char fp[TL__JSON_PATH_MAX];
            path_fmt(fp, "%s[%u]", sub, (unsigned)i);
            const char *ignored;
            if ((rc = get_str(&ignored, fp, f, 0)))
                return rc;
        }
    }
    return TL_OK;
}

typedef int (*add_fn)(tl_token *, const tl_sid *, uint32_t);

static int get_sid_list(tl_token *t, const char *path, json_t *v, add_fn add)
{
    if (!json_is_array(v))
        return wrong_type(path, v, "an array");
    if (json_array_size(v) > TL_TOKEN_MAX_GROUPS)
        return tl__error_path(TL_ELIMIT, path, "%s: %lu entries, at most %d allowed", path,
                              (unsigned long)json_array_size(v), TL_TOKEN_MAX_GROUPS);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        char sub[TL__JSON_PATH_MAX];
        path_fmt(sub, "%s[%u]", path, (unsigned)i);
        tl_sid sid;
        uint32_t attr = 0;
        int rc = get_identity(&sid, &attr, sub, e);
        if (rc)
            return rc;
        if ((rc = add(t, &sid, attr)))
            return rc;
    }
    return TL_OK;
}

static int get_privileges(tl_token *t, const char *path, json_t *v)
{
    static const char *const keys[] = {"name", "luid", "attributes", "flags", NULL};
    if (!json_is_array(v))
        return wrong_type(path, v, "an array");
    if (json_array_size(v) > TL_TOKEN_MAX_PRIVILEGES)
        return tl__error_path(TL_ELIMIT, path, "%s: %lu entries, at most %d allowed", path,
                              (unsigned long)json_array_size(v), TL_TOKEN_MAX_PRIVILEGES);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        char p[TL__JSON_PATH_MAX], sub[TL__JSON_PATH_MAX];
        path_fmt(p, "%s[%u]", path, (unsigned)i);
        if (!json_is_object(e))
            return wrong_type(p, e, "an object");
        int rc = only_keys(p, e, keys);
        if (rc)
            return rc;
        json_t *m;
        const char *name = NULL;
        if ((m = json_object_get(e, "name"))) {
            sub_key(sub, p, "name");
            if ((rc = get_name(&name, sub, m, 1)))
                return rc;
            if (name && strlen(name) > TL_TOKEN_MAX_PRIVILEGE_NAME)
                return tl__error_path(TL_EPARSE, sub, "%s: privilege name longer than %u bytes",
                                      sub, (unsigned)TL_TOKEN_MAX_PRIVILEGE_NAME);
        }
        if ((rc = member(&m, p, e, "luid")))
            return rc;
        sub_key(sub, p, "luid");
        if (!json_is_integer(m))
            return wrong_type(sub, m, "an integer");
        if (json_integer_value(m) < 0)
            return perr(sub, "LUID is negative", NULL);
        uint64_t luid = (uint64_t)json_integer_value(m);
        uint32_t attr = 0;
        if ((rc = member(&m, p, e, "attributes")))
            return rc;
        sub_key(sub, p, "attributes");
        if ((rc = get_u32(&attr, sub, m)))
            return rc;
        if ((m = json_object_get(e, "flags")) && !json_is_array(m)) {
            sub_key(sub, p, "flags");
            return wrong_type(sub, m, "an array");
        }
        if ((rc = tl_token_add_privilege(t, name, luid, attr)))
            return rc;
    }
    return TL_OK;
}

static int get_logon(tl_token *t, const char *path, json_t *v)
{
    static const char *const keys[] = {"luid", "package", "type", "domain", "user", NULL};
    if (json_is_null(v))
        return TL_OK;
    if (!json_is_object(v))
        return wrong_type(path, v, "an object or null");
    int rc = only_keys(path, v, keys);
    if (rc)
        return rc;
    char sub[TL__JSON_PATH_MAX];
    json_t *m;
    if ((m = json_object_get(v, "luid")) && !json_is_null(m)) {
        sub_key(sub, path, "luid");
        const char *s;
        if ((rc = get_str(&s, sub, m, 0)))
            return rc;
        /* "0x3e7": hex as Windows tools print LUIDs. */
        char *end = NULL;
        size_t n = strlen(s);
        if (n < 3 || n > 18 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
            return perr(sub, "expected a LUID as \"0x\" and 1-16 hex digits", NULL);
        for (size_t i = 2; i < n; i++)
            if (!strchr("0123456789abcdefABCDEF", s[i]))
                return perr(sub, "expected a LUID as \"0x\" and 1-16 hex digits", NULL);
        unsigned long long luid = strtoull(s + 2, &end, 16);
        tl_token_set_logon_id(t, true, (uint64_t)luid);
    }
    const char *package = NULL, *domain = NULL, *user = NULL;
    tl_logon_type type = TL_LOGON_TYPE_UNKNOWN;
    if ((m = json_object_get(v, "package"))) {
        sub_key(sub, path, "package");
        if ((rc = get_name(&package, sub, m, 1)))
            return rc;
    }
    if ((m = json_object_get(v, "type")) && !json_is_null(m)) {
        sub_key(sub, path, "type");
        if (json_is_integer(m)) {
            json_int_t n = json_integer_value(m);
            if (n < 0 || n > 0xFFFF)
                return tl__error_path(TL_EPARSE, sub, "%s: logon type %lld out of range", sub,
                                      (long long)n);
            type = (tl_logon_type)n;
        } else if (json_is_string(m)) {
            if (tl_logon_type_from_name(&type, json_string_value(m)) != TL_OK)
                return tl__error_path(TL_EPARSE, sub, "%s: unknown logon type \"%.40s\"", sub,
                                      json_string_value(m));
        } else {
            return wrong_type(sub, m, "a logon type name, an integer or null");
        }
    }
    if ((m = json_object_get(v, "domain"))) {
        sub_key(sub, path, "domain");
        if ((rc = get_name(&domain, sub, m, 1)))
            return rc;
    }
    if ((m = json_object_get(v, "user"))) {
        sub_key(sub, path, "user");
        if ((rc = get_name(&user, sub, m, 1)))
            return rc;
    }
    return tl_token_set_logon_session(t, package, type, domain, user);
}

static int load_tree(tl_token *t, const char *path, json_t *root)
{
    static const char *const keys[] = {VERSION_KEY,
                                       "type",
                                       "impersonation_level",
                                       "user",
                                       "user_name",
                                       "groups",
                                       "restricted_sids",
                                       "privileges",
                                       "owner",
                                       "primary_group",
                                       "integrity_level",
                                       "elevated",
                                       "elevation_type",
                                       "session_id",
                                       "logon",
                                       NULL};
    char sub[TL__JSON_PATH_MAX];
    int rc;
    json_t *m;
    if (!json_is_object(root))
        return wrong_type(path, root, "an object");
    if ((rc = member(&m, path, root, VERSION_KEY)))
        return rc;
    sub_key(sub, path, VERSION_KEY);
    if (!json_is_integer(m))
        return wrong_type(sub, m, "an integer");
    if (json_integer_value(m) != TL_TOKEN_JSON_VERSION)
        return tl__error_path(TL_EPARSE, sub,
                              "%s: unsupported snapshot version %lld (this build reads %d)", sub,
                              (long long)json_integer_value(m), TL_TOKEN_JSON_VERSION);
    if ((rc = only_keys(path, root, keys)))
        return rc;

    if ((m = json_object_get(root, "type")) && !json_is_null(m)) {
        sub_key(sub, path, "type");
        const char *s = json_is_string(m) ? json_string_value(m) : NULL;
        if (!s)
            return wrong_type(sub, m, "\"primary\", \"impersonation\" or null");
        if (strcmp(s, "primary") == 0)
            t->type = TL_TOKEN_PRIMARY;
        else if (strcmp(s, "impersonation") == 0)
            t->type = TL_TOKEN_IMPERSONATION;
        else
            return tl__error_path(TL_EPARSE, sub, "%s: unknown token type \"%.40s\"", sub, s);
    }
    if ((m = json_object_get(root, "impersonation_level")) && !json_is_null(m)) {
        sub_key(sub, path, "impersonation_level");
        if (!json_is_string(m))
            return wrong_type(sub, m, "a level name or null");
        if (tl_impersonation_level_from_name(&t->impersonation_level, json_string_value(m)))
            return tl__error_path(TL_EPARSE, sub,
                                  "%s: unknown impersonation level \"%.40s\" (Anonymous, "
                                  "Identification, Impersonation or Delegation)",
                                  sub, json_string_value(m));
    }
    if ((m = json_object_get(root, "user")) && !json_is_null(m)) {
        sub_key(sub, path, "user");
        tl_sid sid;
        uint32_t attr = 0;
        if ((rc = get_identity(&sid, &attr, sub, m)) || (rc = tl_token_set_user(t, &sid, attr)))
            return rc;
    }
    if ((m = json_object_get(root, "user_name"))) {
        const char *name;
        sub_key(sub, path, "user_name");
        if ((rc = get_name(&name, sub, m, 1)) || (rc = tl_token_set_user_name(t, name)))
            return rc;
    }
    if ((m = json_object_get(root, "groups"))) {
        sub_key(sub, path, "groups");
        if ((rc = get_sid_list(t, sub, m, tl_token_add_group)))
            return rc;
    }
    if ((m = json_object_get(root, "restricted_sids")) && !json_is_null(m)) {
        sub_key(sub, path, "restricted_sids");
        tl_token_set_restricted_known(t, true);
        if ((rc = get_sid_list(t, sub, m, tl_token_add_restricted)))
            return rc;
    }
    if ((m = json_object_get(root, "privileges"))) {
        sub_key(sub, path, "privileges");
        if ((rc = get_privileges(t, sub, m)))
            return rc;
    }
    if ((m = json_object_get(root, "owner")) && !json_is_null(m)) {
        sub_key(sub, path, "owner");
        tl_sid sid;
        if ((rc = get_identity(&sid, NULL, sub, m)) || (rc = tl_token_set_owner(t, &sid)))
            return rc;
    }
    if ((m = json_object_get(root, "primary_group")) && !json_is_null(m)) {
        sub_key(sub, path, "primary_group");
        tl_sid sid;
        if ((rc = get_identity(&sid, NULL, sub, m)) || (rc = tl_token_set_primary_group(t, &sid)))
            return rc;
    }
    if ((m = json_object_get(root, "integrity_level")) && !json_is_null(m)) {
        sub_key(sub, path, "integrity_level");
        tl_sid sid;
        if ((rc = get_identity(&sid, NULL, sub, m)))
            return rc;
        if (tl_sid_authority(&sid) != 16 || sid.sub_authority_count != 1) {
            sub_key(sub, sub, "sid");
            return perr(sub, "an integrity level is a mandatory label S-1-16-<rid>", NULL);
        }
        tl_token_set_integrity(t, true, sid.sub_authority[0]);
    }
    if ((m = json_object_get(root, "elevated")) && !json_is_null(m)) {
        sub_key(sub, path, "elevated");
        if (!json_is_boolean(m))
            return wrong_type(sub, m, "a boolean or null");
        t->elevated = json_is_true(m) ? 1 : 0;
    }
    if ((m = json_object_get(root, "elevation_type")) && !json_is_null(m)) {
        sub_key(sub, path, "elevation_type");
        const char *s = json_is_string(m) ? json_string_value(m) : NULL;
        if (!s)
            return wrong_type(sub, m, "\"default\", \"full\", \"limited\" or null");
        if (strcmp(s, "default") == 0)
            t->elevation_type = TL_ELEVATION_TYPE_DEFAULT;
        else if (strcmp(s, "full") == 0)
            t->elevation_type = TL_ELEVATION_TYPE_FULL;
        else if (strcmp(s, "limited") == 0)
            t->elevation_type = TL_ELEVATION_TYPE_LIMITED;
        else
            return tl__error_path(TL_EPARSE, sub, "%s: unknown elevation type \"%.40s\"", sub, s);
    }
    if ((m = json_object_get(root, "session_id"))) {
        sub_key(sub, path, "session_id");
        if ((rc = get_u32(&t->session_id, sub, m)))
            return rc;
    }
    if ((m = json_object_get(root, "logon"))) {
        sub_key(sub, path, "logon");
        if ((rc = get_logon(t, sub, m)))
            return rc;
    }
    return TL_OK;
}

int tl__token_from_jansson(tl_token **out, json_t *root, const char *path)
{
    *out = NULL;
    tl_token *t = NULL;
    int rc = tl_token_new(&t);
    if (rc)
        return rc;
    if ((rc = load_tree(t, path ? path : "$", root)) != TL_OK) {
        tl_token_free(t);
        return rc;
    }
    *out = t;
    return TL_OK;
}

int tl__token_json_parse(json_t **out, const char *text, size_t len)
{
    *out = NULL;
    json_error_t err;
    int oom = 0;
    json_t *root = tl__json_loadb(text, len, JSON_REJECT_DUPLICATES, &err, &oom);
    if (oom)
        return tl__oom();
    if (!root)
        return tl__error_at(TL_EPARSE, (size_t)err.position,
                            "JSON syntax error at line %d, column %d (byte offset %d): %s",
                            err.line, err.column, err.position, err.text);
    *out = root;
    return TL_OK;
}

int tl_token_from_json(tl_token **out, const char *text, size_t len)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_token_from_json: out is NULL");
    *out = NULL;
    if (!text)
        return tl__error(TL_EINVAL, "tl_token_from_json: text is NULL");
    json_t *root = NULL;
    int rc = tl__token_json_parse(&root, text, len);
    if (rc)
        return rc;
    if (json_is_object(root) && !json_object_get(root, "tokenlens_token") &&
        (json_object_get(root, "process") || json_object_get(root, "thread") ||
         json_object_get(root, "effective"))) {
        /* `tokenlens whoami --json` output, which the CLI's help and Token.load's docstring
         * point to: its effective token (the one an access check on this thread uses). */
        json_decref(root);
        tl_whoami *w = NULL;
        if ((rc = tl_whoami_from_json(&w, text, len)) == TL_OK)
            rc = tl_token_copy(out, tl_whoami_effective(w));
        tl_whoami_free(w);
        return rc;
    }
    rc = tl__token_from_jansson(out, root, "$");
    json_decref(root);
    return rc;
}

int tl_token_load(tl_token **out, const char *path)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_token_load: out is NULL");
    *out = NULL;
    if (!path)
        return tl__error(TL_EINVAL, "tl_token_load: path is NULL");
    char *text = NULL;
    size_t len = 0;
    int rc = tl__read_file(&text, &len, path, TL_TOKEN_MAX_FILE);
    if (rc)
        return rc;
    rc = tl_token_from_json(out, text, len);
    tl__free(text);
    if (rc)
        tl__error_prefix("%s", path);
    return rc;
}
