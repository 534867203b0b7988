/*
 * Scenario format v1 loader (PRODUCT.md, docs/explain.md). Strict: every key is known, every
 * value has the right type and range, and every error names its JSON path. Optional keys get
 * the defaults IIS itself uses (anonymous enabled as IUSR, Windows authentication off with
 * providers Negotiate+NTLM, kernel mode on, ASP.NET impersonation off, no delegation).
 */
#include "scenario_names.h"
#include "sim_internal.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct ld {
    char path[256];
} ld;

#define perr(path, ...) tl__error_path(TL_EPARSE, (path), __VA_ARGS__)

/* Build "$.a.b" paths into a small fixed buffer (paths are bounded by the format's depth). */
static const char *join(char *buf, size_t n, const char *base, const char *key)
{
    snprintf(buf, n, "%s.%s", base, key);
    return buf;
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

/* Reject keys of `obj` not in the NULL-terminated `allowed` list. */
static int only_keys(const json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                ok = true;
        if (!ok) {
            char p[300];
            snprintf(p, sizeof p, "%s.%s", path, key);
            return perr(p, "unknown key '%s'", key);
        }
    }
    return TL_OK;
}

static int get_object(json_t **out, const json_t *parent, const char *path, const char *key,
                      bool required)
{
    char p[300];
    json_t *v = json_object_get(parent, key);
    *out = NULL;
    join(p, sizeof p, path, key);
    if (!v)
        return required ? perr(p, "missing required key '%s'", key) : TL_OK;
    if (!json_is_object(v))
        return tl__error_path(TL_EPARSE, p, "expected an object, got %s", type_name(v));
    *out = v;
    return TL_OK;
}

/* A string value (copied). allow_null: JSON null gives *out = NULL. */
static int get_string(char **out, const json_t *parent, const char *path, const char *key,
                      bool required, bool allow_null, bool allow_empty)
{
    char p[300];
    json_t *v = json_object_get(parent, key);
    *out = NULL;
    join(p, sizeof p, path, key);
    if (!v)
        return required ? perr(p, "missing required key '%s'", key) : TL_OK;
    if (json_is_null(v)) {
        if (allow_null)
            return TL_OK;
        return perr(p, "'%s' must be a string, not null", key);
    }
    if (!json_is_string(v))
        return tl__error_path(TL_EPARSE, p, "expected a string, got %s", type_name(v));
    size_t len = json_string_length(v);
    if (len == 0 && !allow_empty)
        return perr(p, "'%s' must not be empty", key);
    if (len > TL__SCENARIO_MAX_STRING)
        return tl__error_path(TL_ELIMIT, p, "string longer than %d bytes", TL__SCENARIO_MAX_STRING);
    *out = tl__strndup(json_string_value(v), len);
    return *out ? TL_OK : tl__oom();
}

static int get_bool(bool *out, const json_t *parent, const char *path, const char *key, bool def)
{
    char p[300];
    json_t *v = json_object_get(parent, key);
    *out = def;
    if (!v)
        return TL_OK;
    if (!json_is_boolean(v))
        return tl__error_path(TL_EPARSE, join(p, sizeof p, path, key), "expected a boolean, got %s",
                              type_name(v));
    *out = json_is_true(v);
    return TL_OK;
}

/* Map a string to an enum through a table of names (case-insensitive, as IIS compares). */
static int get_enum(int *out, const json_t *parent, const char *path, const char *key,
                    bool required, int def, const char *const *names, const char *expected)
{
    char p[300];
    json_t *v = json_object_get(parent, key);
    *out = def;
    join(p, sizeof p, path, key);
    if (!v)
        return required ? perr(p, "missing required key '%s'", key) : TL_OK;
    if (!json_is_string(v))
        return tl__error_path(TL_EPARSE, p, "expected a string, got %s", type_name(v));
    const char *s = json_string_value(v);
    if (strlen(s) == json_string_length(v))
        for (int i = 0; names[i]; i++)
            if (tl__strcasecmp(names[i], s) == 0) {
                *out = i;
                return TL_OK;
            }
    return perr(p, "unexpected value; expected %s", expected);
}

static bool has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20)
            return true;
    return false;
}

static int check_name(const char *s, const char *path)
{
    if (s && has_ctl(s))
        return perr(path, "control characters are not allowed");
    return TL_OK;
}

/* A name rule's verdict as an error naming the path and a valid value. */
static int name_err(const char *path, const char *problem, const char *expected)
{
    return perr(path, "%s; expected %s", problem, expected);
}

static int check_account(const char *s, const char *path, unsigned flags, const char *expected)
{
    const char *problem = s ? tl__account_problem(s, flags) : NULL;
    return problem ? name_err(path, problem, expected) : TL_OK;
}

static int load_machine(tl_scenario *s, const json_t *root)
{
    static const char *const keys[] = {"name", "domain", "local_system_use_machine_id", NULL};
    json_t *m;
    int rc = get_object(&m, root, "$", "machine", true);
    if (rc || (rc = only_keys(m, "$.machine", keys)))
        return rc;
    if ((rc = get_string(&s->machine, m, "$.machine", "name", true, false, false)))
        return rc;
    const char *problem = tl__computer_name_problem(s->machine);
    if (problem)
        return name_err("$.machine.name", problem, EXPECT_COMPUTER);
    if ((rc = get_string(&s->domain, m, "$.machine", "domain", false, true, false)))
        return rc;
    if (s->domain && (problem = tl__domain_name_problem(s->domain)))
        return name_err("$.machine.domain", problem, EXPECT_DOMAIN);
    if ((rc = get_bool(&s->local_system_use_machine_id, m, "$.machine",
                       "local_system_use_machine_id", true)))
        return rc;
    return TL_OK;
}

static int load_pool(tl_scenario *s, const json_t *root)
{
    static const char *const keys[] = {"name", "identity", "user", NULL};
    static const char *const ids[] = {"ApplicationPoolIdentity",
                                      "NetworkService",
                                      "LocalService",
                                      "LocalSystem",
                                      "SpecificUser",
                                      NULL};
    json_t *p;
    int id = 0, rc = get_object(&p, root, "$", "app_pool", true);
    if (rc || (rc = only_keys(p, "$.app_pool", keys)))
        return rc;
    if ((rc = get_string(&s->pool, p, "$.app_pool", "name", true, false, false)) ||
        (rc = check_name(s->pool, "$.app_pool.name")))
        return rc;
    if (strchr(s->pool, '\\'))
        return perr("$.app_pool.name", "a pool name has no '\\'");
    if ((rc = get_enum(&id, p, "$.app_pool", "identity", true, 0, ids,
                       "ApplicationPoolIdentity, NetworkService, LocalService, LocalSystem or "
                       "SpecificUser")))
        return rc;
    s->pool_identity = (tl__pool_identity)id;
    bool specific = s->pool_identity == TL__POOL_SPECIFICUSER;
    if ((rc = get_string(&s->pool_user, p, "$.app_pool", "user", specific, false, false)))
        return rc;
    if (!specific && s->pool_user)
        return perr("$.app_pool.user", "only allowed when identity is SpecificUser");
    return check_account(s->pool_user, "$.app_pool.user", TL__ACCOUNT_SID_OK,
                         "DOMAIN\\user such as CONTOSO\\svc-web (or a local account's name)");
}

static int load_providers(tl_scenario *s, const json_t *w)
{
    json_t *a = json_object_get(w, "providers");
    if (!a) {
        s->providers = TL__PROV_NEGOTIATE | TL__PROV_NTLM; /* IIS default */
        return TL_OK;
    }
    if (!json_is_array(a))
        return tl__error_path(TL_EPARSE, "$.site.windows.providers", "expected an array, got %s",
                              type_name(a));
    if (json_array_size(a) > 8)
        return tl__error_path(TL_ELIMIT, "$.site.windows.providers", "more than 8 providers");
    s->providers = 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v)
    {
        char p[64];
        snprintf(p, sizeof p, "$.site.windows.providers[%zu]", i);
        if (!json_is_string(v))
            return tl__error_path(TL_EPARSE, p, "expected a string, got %s", type_name(v));
        const char *n = json_string_value(v);
        unsigned bit = 0;
        if (strlen(n) == json_string_length(v)) {
            if (tl__strcasecmp(n, "Negotiate") == 0)
                bit = TL__PROV_NEGOTIATE;
            else if (tl__strcasecmp(n, "NTLM") == 0)
                bit = TL__PROV_NTLM;
            else if (tl__strcasecmp(n, "Negotiate:Kerberos") == 0)
                bit = TL__PROV_NEGOTIATE_KERBEROS;
        }
        if (!bit)
            return perr(p, "unknown provider; expected Negotiate, NTLM or Negotiate:Kerberos");
        if (s->providers & bit)
            return perr(p, "provider listed twice");
        s->providers |= bit;
    }
    return TL_OK;
}

/* Shared value lists (names in enum order). */
static const char *const logon_methods[] = {"ClearText", "Interactive", "Batch", "Network", NULL};
#define LOGON_METHODS "ClearText, Interactive, Batch or Network"
static const char *const spn_states[] = {"registered", "missing", "duplicate", NULL};
#define SPN_STATES "registered, missing or duplicate"

static int load_site(tl_scenario *s, const json_t *root)
{
    static const char *const keys[] = {"name",  "anonymous",   "windows",
                                       "basic", "impersonate", NULL};
    static const char *const akeys[] = {"enabled", "user", "logon_method", NULL};
    static const char *const wkeys[] = {"enabled",     "providers", "use_app_pool_credentials",
                                        "kernel_mode", "spn",       NULL};
    static const char *const bkeys[] = {"enabled", "logon_method", NULL};
    json_t *site, *a, *w, *b;
    int v = 0;
    int rc = get_object(&site, root, "$", "site", true);
    if (rc || (rc = only_keys(site, "$.site", keys)))
        return rc;
    if ((rc = get_string(&s->site, site, "$.site", "name", false, true, false)) ||
        (rc = check_name(s->site, "$.site.name")))
        return rc;
    if ((rc = get_object(&a, site, "$.site", "anonymous", false)))
        return rc;
    s->anon_enabled = true;
    if (a) {
        if ((rc = only_keys(a, "$.site.anonymous", akeys)) ||
            (rc = get_bool(&s->anon_enabled, a, "$.site.anonymous", "enabled", true)) ||
            (rc = get_string(&s->anon_user, a, "$.site.anonymous", "user", false, false, true)) ||
            (rc = check_name(s->anon_user, "$.site.anonymous.user")) ||
            (s->anon_user && s->anon_user[0] &&
             (rc = check_account(s->anon_user, "$.site.anonymous.user", 0,
                                 "\"IUSR\", \"\" (the pool identity) or " EXPECT_ACCOUNT))) ||
            (rc = get_enum(&v, a, "$.site.anonymous", "logon_method", false, 0, logon_methods,
                           LOGON_METHODS)))
            return rc;
        s->anon_logon = (tl__logon_method)v;
    }
    if ((rc = get_object(&b, site, "$.site", "basic", false)))
        return rc;
    if (b) {
        if ((rc = only_keys(b, "$.site.basic", bkeys)) ||
            (rc = get_bool(&s->basic_enabled, b, "$.site.basic", "enabled", false)) ||
            (rc = get_enum(&v, b, "$.site.basic", "logon_method", false, 0, logon_methods,
                           LOGON_METHODS)))
            return rc;
        s->basic_logon = (tl__logon_method)v;
    }
    if (!s->anon_user && !(s->anon_user = tl__strdup("IUSR")))
        return tl__oom();
    if ((rc = get_object(&w, site, "$.site", "windows", false)))
        return rc;
    s->kernel_mode = true;
    s->providers = TL__PROV_NEGOTIATE | TL__PROV_NTLM;
    if (w) {
        if ((rc = only_keys(w, "$.site.windows", wkeys)) ||
            (rc = get_bool(&s->win_enabled, w, "$.site.windows", "enabled", false)) ||
            (rc = load_providers(s, w)) ||
            (rc = get_bool(&s->use_app_pool_credentials, w, "$.site.windows",
                           "use_app_pool_credentials", false)) ||
            (rc = get_bool(&s->kernel_mode, w, "$.site.windows", "kernel_mode", true)) ||
            (rc = get_enum(&v, w, "$.site.windows", "spn", false, 0, spn_states, SPN_STATES)))
            return rc;
        s->site_spn = (tl__spn_state)v;
    }
    return get_bool(&s->impersonate, site, "$.site", "impersonate", false);
}

static int load_delegation(tl_scenario *s, const json_t *root)
{
    static const char *const keys[] = {"mode", "to", NULL};
    static const char *const modes[] = {"none", "unconstrained", "constrained",
                                        "constrained_any_protocol", NULL};
    json_t *d;
    int mode = 0, rc = get_object(&d, root, "$", "delegation", false);
    if (rc || !d)
        return rc;
    if ((rc = only_keys(d, "$.delegation", keys)) ||
        (rc = get_enum(&mode, d, "$.delegation", "mode", true, 0, modes,
                       "none, unconstrained, constrained or constrained_any_protocol")))
        return rc;
    s->deleg = (tl__deleg_mode)mode;
    json_t *to = json_object_get(d, "to");
    if (!to)
        return TL_OK;
    if (!json_is_array(to))
        return tl__error_path(TL_EPARSE, "$.delegation.to", "expected an array, got %s",
                              type_name(to));
    size_t n = json_array_size(to);
    if (n > TL__SCENARIO_MAX_SPNS)
        return tl__error_path(TL_ELIMIT, "$.delegation.to", "more than %d SPNs",
                              TL__SCENARIO_MAX_SPNS);
    if (n && (s->deleg == TL__DELEG_NONE || s->deleg == TL__DELEG_UNCONSTRAINED))
        return perr("$.delegation.to", "SPNs are only meaningful for constrained modes");
    if (n && !(s->deleg_to = tl__calloc(n, sizeof *s->deleg_to)))
        return tl__oom();
    for (size_t i = 0; i < n; i++) {
        char p[64];
        json_t *v = json_array_get(to, i);
        snprintf(p, sizeof p, "$.delegation.to[%zu]", i);
        if (!json_is_string(v))
            return tl__error_path(TL_EPARSE, p, "expected a string, got %s", type_name(v));
        size_t len = json_string_length(v);
        const char *spn = json_string_value(v);
        if (len == 0 || len > TL__SCENARIO_MAX_STRING || strlen(spn) != len)
            return perr(p, "expected an SPN such as MSSQLSvc/db01.contoso.com:1433");
        if (has_ctl(spn))
            return perr(p, "control characters are not allowed");
        const char *problem = tl__spn_problem(spn);
        if (problem)
            return name_err(p, problem, EXPECT_SPN);
        if (!(s->deleg_to[i] = tl__strndup(spn, len)))
            return tl__oom();
        s->deleg_to_count = i + 1;
    }
    return TL_OK;
}

static int load_client(tl_scenario *s, const json_t *r)
{
    static const char *const keys[] = {"kind", "delegation_allowed", "credential_guard", NULL};
    static const char *const kinds[] = {"ie", "edge", "chrome", "firefox", "app", NULL};
    json_t *c;
    int kind = 0, rc = get_object(&c, r, "$.request", "client", false);
    if (rc || !c)
        return rc;
    if ((rc = only_keys(c, "$.request.client", keys)) ||
        (rc = get_enum(&kind, c, "$.request.client", "kind", true, 0, kinds,
                       "ie, edge, chrome, firefox or app")))
        return rc;
    s->has_client = true;
    s->client_kind = (tl__client_kind)kind;
    /* A browser delegates only where its policy says so; an application asks for delegation
     * (ISC_REQ_DELEGATE) and gets it whenever the ticket is OK-AS-DELEGATE. Internet Explorer
     * sends Kerberos without a prompt only to the Intranet (or a Trusted) zone, where it
     * delegates: absent, it is assumed to allow it (rule client.ie-zone-assumed, unsettled). */
    s->client_delegation_given = json_object_get(c, "delegation_allowed") != NULL;
    if ((rc = get_bool(&s->client_delegation_allowed, c, "$.request.client", "delegation_allowed",
                       s->client_kind == TL__CLIENT_APP || s->client_kind == TL__CLIENT_IE)))
        return rc;
    return get_bool(&s->client_credential_guard, c, "$.request.client", "credential_guard", false);
}

static int load_app(tl_scenario *s, const json_t *root)
{
    static const char *const keys[] = {"framework", "hosting_model", "run_impersonated", NULL};
    static const char *const fws[] = {"aspnet", "aspnetcore", NULL};
    static const char *const models[] = {"inprocess", "outofprocess", NULL};
    json_t *a;
    int v = 0, rc = get_object(&a, root, "$", "app", false);
    if (rc || !a)
        return rc;
    if ((rc = only_keys(a, "$.app", keys)) ||
        (rc = get_enum(&v, a, "$.app", "framework", false, 0, fws, "aspnet or aspnetcore")))
        return rc;
    s->framework = (tl__framework)v;
    if (s->framework != TL__FW_ASPNETCORE && json_object_get(a, "hosting_model"))
        return perr("$.app.hosting_model", "only meaningful with framework aspnetcore");
    if ((rc = get_enum(&v, a, "$.app", "hosting_model", false, 0, models,
                       "inprocess or outofprocess")))
        return rc;
    s->hosting = (tl__hosting)v;
    return get_bool(&s->run_impersonated, a, "$.app", "run_impersonated", false);
}

/* An account name list such as hops[].allowed_to_act. */
static int get_accounts(char ***out, size_t *count, const json_t *parent, const char *path,
                        const char *key)
{
    char p[300];
    json_t *a = json_object_get(parent, key);
    join(p, sizeof p, path, key);
    if (!a)
        return TL_OK;
    if (!json_is_array(a))
        return tl__error_path(TL_EPARSE, p, "expected an array, got %s", type_name(a));
    size_t n = json_array_size(a);
    int rc;
    if (n > TL__SCENARIO_MAX_SPNS)
        return tl__error_path(TL_ELIMIT, p, "more than %d accounts", TL__SCENARIO_MAX_SPNS);
    if (n && !(*out = tl__calloc(n, sizeof **out)))
        return tl__oom();
    for (size_t i = 0; i < n; i++) {
        char ip[320];
        json_t *v = json_array_get(a, i);
        snprintf(ip, sizeof ip, "%s[%zu]", p, i);
        if (!json_is_string(v))
            return tl__error_path(TL_EPARSE, ip, "expected a string, got %s", type_name(v));
        size_t len = json_string_length(v);
        const char *name = json_string_value(v);
        if (len == 0 || strlen(name) != len)
            return perr(ip, "expected an account name such as CONTOSO\\WEB01$");
        if (len > TL__SCENARIO_MAX_STRING)
            return tl__error_path(TL_ELIMIT, ip, "string longer than %d bytes",
                                  TL__SCENARIO_MAX_STRING);
        if (has_ctl(name))
            return perr(ip, "control characters are not allowed");
        if ((rc = check_account(name, ip, TL__ACCOUNT_SID_OK,
                                "an account such as CONTOSO\\WEB01$, WEB01$ or a SID string")))
            return rc;
        if (!((*out)[i] = tl__strndup(name, len)))
            return tl__oom();
        *count = i + 1;
    }
    return TL_OK;
}

static int load_request(tl_scenario *s, const json_t *root)
{
    static const char *const keys[] = {"user",   "protocol", "sensitive", "protected_users",
                                       "forest", "client",   NULL};
    static const char *const protos[] = {"ntlm", "kerberos", "basic", NULL};
    static const char *const forests[] = {"same", "other", NULL};
    json_t *r;
    int proto = 0, v = 0, rc = get_object(&r, root, "$", "request", true);
    if (rc || (rc = only_keys(r, "$.request", keys)))
        return rc;
    if ((rc = get_string(&s->req_user, r, "$.request", "user", true, true, false)) ||
        (rc = check_name(s->req_user, "$.request.user")) ||
        (rc = check_account(s->req_user, "$.request.user",
                            TL__ACCOUNT_DOMAIN_REQUIRED | TL__ACCOUNT_SID_OK, EXPECT_DOMAIN_USER)))
        return rc;
    json_t *pv = json_object_get(r, "protocol");
    if (!s->req_user) {
        /* An anonymous request carries no credentials: a protocol it names (0.2 contract) is
         * still checked, then ignored, and the explanation says so. */
        if (pv && !json_is_null(pv)) {
            if ((rc = get_enum(&proto, r, "$.request", "protocol", false, 0, protos,
                               "ntlm, kerberos or basic")))
                return rc;
            s->req_proto_given = true;
        }
    } else if ((rc = get_enum(&proto, r, "$.request", "protocol", true, 0, protos,
                              "ntlm, kerberos or basic"))) {
        return rc;
    }
    s->req_proto = (tl__proto)proto;
    if ((rc = get_bool(&s->req_sensitive, r, "$.request", "sensitive", false)) ||
        (rc = get_bool(&s->req_protected_users, r, "$.request", "protected_users", false)) ||
        (rc = get_enum(&v, r, "$.request", "forest", false, 0, forests, "same or other")))
        return rc;
    s->req_forest_other = v == 1;
    return load_client(s, r);
}

static int load_hops(tl_scenario *s, const json_t *root)
{
    static const char *const keys[] = {"target", "from",        "spn", "allowed_to_act",
                                       "domain", "credentials", NULL};
    static const char *const froms[] = {"request_thread", "thread_pool", "after_revert",
                                        "new_credentials", NULL};
    json_t *a = json_object_get(root, "hops");
    if (!a)
        return perr("$.hops", "missing required key '%s'", "hops");
    if (!json_is_array(a))
        return tl__error_path(TL_EPARSE, "$.hops", "expected an array, got %s", type_name(a));
    size_t n = json_array_size(a);
    if (n > TL__SCENARIO_MAX_HOPS)
        return tl__error_path(TL_ELIMIT, "$.hops", "more than %d hops", TL__SCENARIO_MAX_HOPS);
    if (n && !(s->hops = tl__calloc(n, sizeof *s->hops)))
        return tl__oom();
    for (size_t i = 0; i < n; i++) {
        char p[64];
        int from = 0, rc;
        json_t *h = json_array_get(a, i);
        snprintf(p, sizeof p, "$.hops[%zu]", i);
        if (!json_is_object(h))
            return tl__error_path(TL_EPARSE, p, "expected an object, got %s", type_name(h));
        s->hop_count = i + 1;
        if ((rc = only_keys(h, p, keys)) ||
            (rc = get_string(&s->hops[i].target, h, p, "target", true, false, false)) ||
            (rc = get_enum(&from, h, p, "from", false, 0, froms,
                           "request_thread, thread_pool, after_revert or new_credentials")))
            return rc;
        tl__scn_hop *sh = &s->hops[i];
        sh->from = (tl__from)from;
        const char *t = sh->target;
        char tp[80];
        snprintf(tp, sizeof tp, "%s.target", p);
        if (has_ctl(t))
            return perr(tp, "control characters are not allowed");
        bool local = tl__strcasecmp(t, "local") == 0;
        const char *problem = local ? NULL : tl__spn_problem(t);
        if (problem)
            return perr(tp,
                        "%s; expected an SPN service/host[:port] such as "
                        "MSSQLSvc/db01.contoso.com:1433, or \"local\"",
                        problem);
        int spn = 0;
        if ((rc = get_enum(&spn, h, p, "spn", false, 0, spn_states, SPN_STATES)) ||
            (rc = get_accounts(&sh->allowed_to_act, &sh->allowed_to_act_count, h, p,
                               "allowed_to_act")) ||
            (rc = get_string(&sh->domain, h, p, "domain", false, false, false)) ||
            (rc = get_string(&sh->credentials, h, p, "credentials", false, false, false)))
            return rc;
        sh->spn = (tl__spn_state)spn;
        char kp[96];
        static const char *const spn_only[] = {"spn", "allowed_to_act", "domain"};
        for (size_t k = 0; local && k < 3; k++)
            if (json_object_get(h, spn_only[k])) {
                snprintf(kp, sizeof kp, "%s.%s", p, spn_only[k]);
                return perr(kp, "only meaningful for an SPN target, not \"local\"");
            }
        snprintf(kp, sizeof kp, "%s.domain", p);
        if (sh->domain && (problem = tl__domain_name_problem(sh->domain)))
            return name_err(kp, problem, "a NetBIOS domain name such as EMEA");
        snprintf(kp, sizeof kp, "%s.credentials", p);
        if (sh->from == TL__FROM_NEW_CREDENTIALS && !sh->credentials)
            return perr(kp, "missing required key 'credentials' (from is new_credentials)");
        if (sh->from != TL__FROM_NEW_CREDENTIALS && sh->credentials)
            return perr(kp, "only allowed when from is new_credentials");
        if ((rc = check_name(sh->credentials, kp)) ||
            (rc = check_account(sh->credentials, kp, 0, "an account such as CONTOSO\\svc-share")))
            return rc;
    }
    return TL_OK;
}

void tl_scenario_free(tl_scenario *s)
{
    if (!s)
        return;
    tl__free(s->name);
    tl__free(s->machine);
    tl__free(s->domain);
    tl__free(s->pool);
    tl__free(s->pool_user);
    tl__free(s->site);
    tl__free(s->anon_user);
    for (size_t i = 0; i < s->deleg_to_count; i++)
        tl__free(s->deleg_to[i]);
    tl__free(s->deleg_to);
    tl__free(s->req_user);
    for (size_t i = 0; i < s->hop_count; i++) {
        tl__scn_hop *h = &s->hops[i];
        tl__free(h->target);
        for (size_t k = 0; k < h->allowed_to_act_count; k++)
            tl__free(h->allowed_to_act[k]);
        tl__free(h->allowed_to_act);
        tl__free(h->domain);
        tl__free(h->credentials);
    }
    tl__free(s->hops);
    tl__free(s);
}

static int load_root(tl_scenario *s, const json_t *root)
{
    static const char *const keys[] = {
        "tokenlens_scenario", "name",    "description", "machine", "app_pool", "site", "app",
        "delegation",         "request", "hops",        NULL};
    int rc;
    if (!json_is_object(root))
        return tl__error_path(TL_EPARSE, "$", "expected an object, got %s", type_name(root));
    json_t *ver = json_object_get(root, "tokenlens_scenario");
    if (!ver)
        return perr("$.tokenlens_scenario", "missing required key '%s'", "tokenlens_scenario");
    if (!json_is_integer(ver) || json_integer_value(ver) != 1)
        return perr("$.tokenlens_scenario", "unsupported scenario format (this build reads %s)",
                    "1");
    if ((rc = only_keys(root, "$", keys)))
        return rc;
    char *desc = NULL;
    if ((rc = get_string(&s->name, root, "$", "name", false, true, true)) ||
        (rc = get_string(&desc, root, "$", "description", false, true, true)))
        return rc;
    tl__free(desc); /* documentation only */
    if ((rc = load_machine(s, root)) || (rc = load_pool(s, root)) || (rc = load_site(s, root)) ||
        (rc = load_app(s, root)) || (rc = load_delegation(s, root)) ||
        (rc = load_request(s, root)) || (rc = load_hops(s, root)))
        return rc;
    return TL_OK;
}

int tl_scenario_from_json(tl_scenario **out, const char *text, size_t len)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_scenario_from_json: out is NULL");
    *out = NULL;
    if (!text)
        return tl__error(TL_EINVAL, "tl_scenario_from_json: text is NULL");
    if (len > TL_SCENARIO_MAX_BYTES)
        return tl__error(TL_ELIMIT, "scenario larger than %d bytes", TL_SCENARIO_MAX_BYTES);
    json_error_t jerr;
    int oom = 0;
    json_t *root = tl__json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr, &oom);
    if (!root) {
        if (oom)
            return tl__oom();
        return tl__error_at(TL_EPARSE, (size_t)jerr.position,
                            "scenario JSON: %s (line %d, column %d)", jerr.text, jerr.line,
                            jerr.column);
    }
    tl_scenario *s = tl__calloc(1, sizeof *s);
    if (!s) {
        json_decref(root);
        return tl__oom();
    }
    int rc = load_root(s, root);
    json_decref(root);
    if (rc) {
        tl_scenario_free(s);
        return rc;
    }
    *out = s;
    tl_error_clear(); /* a successful load leaves no error behind (the name checks may) */
    return TL_OK;
}

int tl_scenario_load(tl_scenario **out, const char *path)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_scenario_load: out is NULL");
    *out = NULL;
    if (!path)
        return tl__error(TL_EINVAL, "tl_scenario_load: path is NULL");
    char *text = NULL;
    size_t len = 0;
    int rc = tl__read_file(&text, &len, path, TL_SCENARIO_MAX_BYTES);
    if (rc)
        return rc;
    rc = tl_scenario_from_json(out, text, len);
    tl__free(text);
    return rc;
}

const char *tl_scenario_name(const tl_scenario *s)
{
    return s ? s->name : NULL;
}

/* ---- writing a loaded scenario back (every default spelled out) ------------------------- */

/* json_object_set_new takes v even when it fails; a NULL container must not leak it either. */
static void jset(json_t *o, const char *k, json_t *v, int *bad)
{
    if (!o) {
        json_decref(v);
        *bad = 1;
    } else if (!v || json_object_set_new(o, k, v) != 0) {
        *bad = 1;
    }
}

static json_t *jstr_or_null(const char *v)
{
    return v ? json_string(v) : json_null();
}

static json_t *jstrings(char *const *v, size_t n, int *bad)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_string(v[i])) != 0)
            *bad = 1;
    if (!a)
        *bad = 1;
    return a;
}

tl_result tl_scenario_to_json(char **out, const tl_scenario *s)
{
    static const char *const pools[] = {"ApplicationPoolIdentity", "NetworkService", "LocalService",
                                        "LocalSystem", "SpecificUser"};
    static const char *const modes[] = {"none", "unconstrained", "constrained",
                                        "constrained_any_protocol"};
    static const char *const protos[] = {"ntlm", "kerberos", "basic"};
    static const char *const kinds[] = {"ie", "edge", "chrome", "firefox", "app"};
    if (!out)
        return tl__error(TL_EINVAL, "tl_scenario_to_json: out is NULL");
    *out = NULL;
    if (!s)
        return tl__error(TL_EINVAL, "tl_scenario_to_json: scenario is NULL");
    int bad = 0;
    json_t *root = json_object();
    jset(root, "tokenlens_scenario", json_integer(1), &bad);
    jset(root, "name", jstr_or_null(s->name), &bad);
    json_t *m = json_object();
    jset(m, "name", json_string(s->machine), &bad);
    jset(m, "domain", jstr_or_null(s->domain), &bad);
    jset(m, "local_system_use_machine_id", json_boolean(s->local_system_use_machine_id), &bad);
    jset(root, "machine", m, &bad);
    json_t *p = json_object();
    jset(p, "name", json_string(s->pool), &bad);
    jset(p, "identity", json_string(pools[s->pool_identity]), &bad);
    if (s->pool_user)
        jset(p, "user", json_string(s->pool_user), &bad);
    jset(root, "app_pool", p, &bad);
    json_t *site = json_object(), *an = json_object(), *w = json_object(), *b = json_object();
    jset(site, "name", jstr_or_null(s->site), &bad);
    jset(an, "enabled", json_boolean(s->anon_enabled), &bad);
    jset(an, "user", json_string(s->anon_user), &bad);
    jset(an, "logon_method", json_string(logon_methods[s->anon_logon]), &bad);
    jset(site, "anonymous", an, &bad);
    jset(w, "enabled", json_boolean(s->win_enabled), &bad);
    json_t *prov = json_array();
    if (!prov)
        bad = 1;
    static const struct {
        unsigned bit;
        const char *name;
    } provs[] = {{TL__PROV_NEGOTIATE_KERBEROS, "Negotiate:Kerberos"},
                 {TL__PROV_NEGOTIATE, "Negotiate"},
                 {TL__PROV_NTLM, "NTLM"}};
    for (size_t k = 0; prov && k < 3; k++)
        if ((s->providers & provs[k].bit) &&
            json_array_append_new(prov, json_string(provs[k].name)) != 0)
            bad = 1;
    jset(w, "providers", prov, &bad);
    jset(w, "use_app_pool_credentials", json_boolean(s->use_app_pool_credentials), &bad);
    jset(w, "kernel_mode", json_boolean(s->kernel_mode), &bad);
    jset(w, "spn", json_string(spn_states[s->site_spn]), &bad);
    jset(site, "windows", w, &bad);
    jset(b, "enabled", json_boolean(s->basic_enabled), &bad);
    jset(b, "logon_method", json_string(logon_methods[s->basic_logon]), &bad);
    jset(site, "basic", b, &bad);
    jset(site, "impersonate", json_boolean(s->impersonate), &bad);
    jset(root, "site", site, &bad);
    json_t *app = json_object();
    jset(app, "framework", json_string(s->framework == TL__FW_ASPNETCORE ? "aspnetcore" : "aspnet"),
         &bad);
    if (s->framework == TL__FW_ASPNETCORE)
        jset(app, "hosting_model",
             json_string(s->hosting == TL__HOST_OUTOFPROCESS ? "outofprocess" : "inprocess"), &bad);
    jset(app, "run_impersonated", json_boolean(s->run_impersonated), &bad);
    jset(root, "app", app, &bad);
    json_t *d = json_object();
    jset(d, "mode", json_string(modes[s->deleg]), &bad);
    jset(d, "to", jstrings(s->deleg_to, s->deleg_to_count, &bad), &bad);
    jset(root, "delegation", d, &bad);
    json_t *r = json_object();
    jset(r, "user", jstr_or_null(s->req_user), &bad);
    jset(r, "protocol",
         s->req_user || s->req_proto_given ? json_string(protos[s->req_proto]) : json_null(), &bad);
    jset(r, "sensitive", json_boolean(s->req_sensitive), &bad);
    jset(r, "protected_users", json_boolean(s->req_protected_users), &bad);
    jset(r, "forest", json_string(s->req_forest_other ? "other" : "same"), &bad);
    if (s->has_client) {
        json_t *c = json_object();
        jset(c, "kind", json_string(kinds[s->client_kind]), &bad);
        jset(c, "delegation_allowed", json_boolean(s->client_delegation_allowed), &bad);
        jset(c, "credential_guard", json_boolean(s->client_credential_guard), &bad);
        jset(r, "client", c, &bad);
    }
    jset(root, "request", r, &bad);
    json_t *hops = json_array();
    if (!hops)
        bad = 1;
    for (size_t i = 0; hops && i < s->hop_count; i++) {
        const tl__scn_hop *h = &s->hops[i];
        json_t *o = json_object();
        bool local = tl__strcasecmp(h->target, "local") == 0;
        jset(o, "target", json_string(h->target), &bad);
        jset(o, "from", json_string(tl_explain_from_name((tl_explain_from)h->from)), &bad);
        if (!local) {
            jset(o, "spn", json_string(spn_states[h->spn]), &bad);
            jset(o, "allowed_to_act", jstrings(h->allowed_to_act, h->allowed_to_act_count, &bad),
                 &bad);
            if (h->domain)
                jset(o, "domain", json_string(h->domain), &bad);
        }
        if (h->credentials)
            jset(o, "credentials", json_string(h->credentials), &bad);
        if (!o || json_array_append_new(hops, o) != 0)
            bad = 1;
    }
    jset(root, "hops", hops, &bad);
    char *text =
        bad ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    if (!text)
        return tl__oom();
    *out = text; /* jansson allocated it through the hook: the caller's tl_free() matches */
    tl_error_clear();
    return TL_OK;
}
