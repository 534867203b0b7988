/* tl_token_next_hop(): a captured token pair turned into a scenario and explained by the
 * engine (sim.c), with AD's facts filled in (ad_scenario.c) and the token's own evidence (its
 * impersonation level) overriding what it proves. */
#include "ad_internal.h"
#include "internal.h"
#include "scenario_names.h"
#include "tokenlens/nexthop.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static bool sid_is(const tl_sid *s, const char *text)
{
    tl_sid w;
    return s && tl_sid_from_string(&w, text) == TL_OK && tl_sid_equal(s, &w);
}

/* A name the scenario contract accepts for request.user / app_pool.user (DOMAIN\user). */
static bool domain_user(const char *n)
{
    return n && *n && !tl__account_problem(n, TL__ACCOUNT_DOMAIN_REQUIRED);
}

/* DOMAIN\name of the token's user: its recorded name, the well-known name, else the SID
 * (a name without a domain, or one the scenario format refuses, is not guessed at). */
static char *user_name(const tl_token *t)
{
    const char *n = tl_token_user_name(t);
    if (domain_user(n))
        return tl__strdup(n);
    const char *lu = tl_token_logon_user(t), *ld = tl_token_logon_domain(t);
    if (lu && *lu && ld && *ld) { /* the logon session's account is the token's user */
        char *c = tl__asprintf("%s\\%s", ld, lu);
        if (!c || domain_user(c))
            return c;
        tl__free(c);
    }
    char *w = NULL;
    if (tl_sid_lookup_name(&w, tl_token_user(t)) == TL_OK && w && domain_user(w)) {
        char *c = tl__strdup(w);
        tl_free(w);
        return c;
    }
    tl_free(w);
    char buf[TL_SID_STRING_MAX] = "";
    tl_sid_to_string(buf, sizeof buf, tl_token_user(t));
    return tl__strdup(buf);
}

static const char *after_backslash(const char *s)
{
    const char *b = strrchr(s, '\\');
    return b ? b + 1 : s;
}

/* logon types whose session holds the user's own credentials (LogonUser with a password) */
static const char *password_logon_method(tl_logon_type t)
{
    switch (t) {
    case TL_LOGON_INTERACTIVE:
    case TL_LOGON_REMOTE_INTERACTIVE:
    case TL_LOGON_CACHED_INTERACTIVE:
    case TL_LOGON_CACHED_REMOTE_INTERACTIVE:
    case TL_LOGON_UNLOCK:
    case TL_LOGON_CACHED_UNLOCK:
        return "Interactive";
    case TL_LOGON_BATCH:
    case TL_LOGON_SERVICE:
        return "Batch";
    case TL_LOGON_NETWORK_CLEARTEXT:
        return "ClearText";
    default:
        return NULL;
    }
}

static int build(json_t **out, const tl_token *eff, const tl_token *proc,
                 const char *const *targets, size_t count, const tl_next_hop_options *o)
{
    *out = NULL;
    json_t *root = json_object();
    if (!root)
        return tl__oom();
    json_object_set_new(root, "tokenlens_scenario", json_integer(1));
    json_object_set_new(root, "name", json_string("next hop of a captured token"));
    json_t *m = json_object();
    json_object_set_new(m, "name",
                        json_string(o->machine && *o->machine ? o->machine : "THISHOST"));
    json_object_set_new(m, "domain",
                        o->domain && *o->domain ? json_string(o->domain) : json_null());
    json_object_set_new(root, "machine", m);

    /* the process identity -> app_pool */
    const tl_sid *ps = tl_token_user(proc);
    char *pname = user_name(proc);
    if (!pname) {
        json_decref(root);
        return tl__oom();
    }
    json_t *pool = json_object();
    const char *ident = "SpecificUser";
    if (sid_is(ps, "S-1-5-18"))
        ident = "LocalSystem";
    else if (sid_is(ps, "S-1-5-19"))
        ident = "LocalService";
    else if (sid_is(ps, "S-1-5-20"))
        ident = "NetworkService";
    else if (ps && tl_sid_kind_of(ps) == TL_SID_KIND_IIS_APPPOOL)
        ident = "ApplicationPoolIdentity";
    json_object_set_new(pool, "name",
                        json_string(strcmp(ident, "ApplicationPoolIdentity") == 0
                                        ? after_backslash(pname)
                                        : "process"));
    json_object_set_new(pool, "identity", json_string(ident));
    if (strcmp(ident, "SpecificUser") == 0)
        json_object_set_new(pool, "user", json_string(pname));
    json_object_set_new(root, "app_pool", pool);
    tl__free(pname);

    /* the thread: who, through which package and logon type */
    bool imp = eff != NULL;
    const tl_sid *us = imp ? tl_token_user(eff) : NULL;
    bool anon = !imp || sid_is(us, "S-1-5-17") || sid_is(us, "S-1-5-7") ||
                tl_token_impersonation_level(eff) == TL_IMPERSONATION_ANONYMOUS;
    json_t *site = json_object(), *a = json_object(), *w = json_object(), *prov = json_array();
    json_object_set_new(site, "name", json_string("site"));
    json_object_set_new(a, "enabled", json_boolean(anon));
    json_object_set_new(a, "user", json_string(imp ? "IUSR" : ""));
    json_object_set_new(site, "anonymous", a);
    json_array_append_new(prov, json_string("Negotiate"));
    json_array_append_new(prov, json_string("NTLM"));
    json_object_set_new(w, "enabled", json_boolean(!anon));
    json_object_set_new(w, "providers", prov);
    /* the token exists, so IIS did decrypt the ticket: with a specific pool account that is
     * useAppPoolCredentials (kernel mode otherwise uses the machine key) */
    json_object_set_new(w, "use_app_pool_credentials",
                        json_boolean(strcmp(ident, "SpecificUser") == 0));
    json_object_set_new(w, "kernel_mode", json_true());
    json_object_set_new(site, "windows", w);
    json_object_set_new(site, "impersonate", json_boolean(imp));
    json_t *req = json_object(), *deleg = json_object();
    json_object_set_new(deleg, "to", json_array());
    if (anon) {
        json_object_set_new(req, "user", json_null());
        json_object_set_new(deleg, "mode", json_string("none"));
    } else {
        char *un = user_name(eff);
        if (!un) {
            json_decref(root);
            json_decref(site);
            json_decref(req);
            json_decref(deleg);
            return tl__oom();
        }
        json_object_set_new(req, "user", json_string(un));
        tl__free(un);
        const char *pkg = tl_token_logon_package(eff);
        const char *method = password_logon_method(tl_token_logon_type(eff));
        if (method) {
            /* LogonUser with a password: the session can authenticate onward as the user */
            json_t *basic = json_object();
            json_object_set_new(basic, "enabled", json_true());
            json_object_set_new(basic, "logon_method", json_string(method));
            json_object_set_new(site, "basic", basic);
            json_object_set_new(req, "protocol", json_string("basic"));
        } else {
            bool kerb = pkg && tl__strcasecmp(pkg, "Kerberos") == 0;
            json_object_set_new(req, "protocol", json_string(kerb ? "kerberos" : "ntlm"));
        }
        /* a Delegation-level token is the proof that a TGT was forwarded */
        bool deleg_level = tl_token_impersonation_level(eff) == TL_IMPERSONATION_DELEGATION;
        json_object_set_new(deleg, "mode", json_string(deleg_level ? "unconstrained" : "none"));
    }
    json_object_set_new(root, "site", site);
    json_object_set_new(root, "delegation", deleg);
    json_object_set_new(root, "request", req);
    json_t *hops = json_array();
    for (size_t i = 0; i < count; i++) {
        json_t *h = json_object();
        json_object_set_new(h, "target", json_string(targets[i]));
        json_object_set_new(h, "from", json_string("request_thread"));
        json_array_append_new(hops, h);
    }
    json_object_set_new(root, "hops", hops);
    *out = root;
    return TL_OK;
}

/* The token's evidence over AD's settings: a forwarded TGT (Delegation level) delegates
 * whatever AD says; an Impersonation-level Kerberos token cannot be unconstrained (no TGT). */
static void token_overrides(json_t *root, const tl_token *eff)
{
    if (!eff)
        return;
    json_t *d = json_object_get(root, "delegation");
    json_t *req = json_object_get(root, "request");
    const char *mode = json_string_value(json_object_get(d, "mode"));
    tl_impersonation_level lvl = tl_token_impersonation_level(eff);
    if (lvl == TL_IMPERSONATION_DELEGATION) {
        json_object_set_new(d, "mode", json_string("unconstrained"));
        if (json_is_object(req) && json_object_get(req, "sensitive"))
            json_object_set_new(req, "sensitive", json_false());
    } else if (mode && strcmp(mode, "unconstrained") == 0) {
        json_object_set_new(d, "mode", json_string("none"));
    }
}

static int make_doc(char **out, const tl_token *eff, const tl_token *proc,
                    const char *const *targets, size_t count, const tl_next_hop_options *opts)
{
    *out = NULL;
    tl_next_hop_options def = TL_NEXT_HOP_OPTIONS_INIT;
    if (!opts)
        opts = &def;
    if (opts->version != TL_NEXT_HOP_OPTIONS_VERSION)
        return tl__error(TL_EINVAL, "tl_next_hop_options.version is %u, this library knows %u",
                         opts->version, TL_NEXT_HOP_OPTIONS_VERSION);
    if (!proc || !tl_token_user(proc))
        return tl__error(TL_EINVAL, "tl_token_next_hop: a process token with a user is required");
    if (!targets || count == 0 || count > TL_NEXT_HOP_MAX_TARGETS)
        return tl__error(TL_EINVAL, "tl_token_next_hop: between 1 and %d targets",
                         TL_NEXT_HOP_MAX_TARGETS);
    for (size_t i = 0; i < count; i++)
        if (!targets[i] || !*targets[i] || strlen(targets[i]) > 1024)
            return tl__error(TL_EINVAL, "target %zu is empty or longer than 1024 bytes", i);
    if (eff && !tl_token_user(eff))
        return tl__error(TL_EINVAL, "tl_token_next_hop: the effective token has no user");
    /* with a directory but no --domain, the machine is taken to be in the DC's domain */
    tl_next_hop_options o2 = *opts;
    if (o2.ad && (!o2.domain || !*o2.domain))
        o2.domain = tl_ad_netbios_domain(o2.ad);
    opts = &o2;
    json_t *root;
    int rc = build(&root, eff, proc, targets, count, opts);
    if (rc != TL_OK)
        return rc;
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return tl__oom();
    if (opts->ad) {
        tl_ad_filled *f = NULL;
        rc = tl_ad_fill_scenario(&f, opts->ad, text, strlen(text));
        free(text);
        if (rc != TL_OK)
            return rc;
        root = json_loads(tl_ad_filled_json(f), 0, NULL);
        tl_ad_filled_free(f);
        if (!root)
            return tl__oom();
        token_overrides(root, eff);
        text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(root);
        if (!text)
            return tl__oom();
    }
    *out = tl__strdup(text);
    free(text);
    if (!*out)
        return tl__oom();
    tl_error_clear();
    return TL_OK;
}

tl_result tl_token_next_hop_scenario(char **out, const tl_token *effective, const tl_token *process,
                                     const char *const *targets, size_t count,
                                     const tl_next_hop_options *opts)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_token_next_hop_scenario: out is NULL");
    return make_doc(out, effective, process, targets, count, opts);
}

tl_result tl_token_next_hop(tl_explanation **out, const tl_token *effective,
                            const tl_token *process, const char *const *targets, size_t count,
                            const tl_next_hop_options *opts)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_token_next_hop: out is NULL");
    *out = NULL;
    char *doc = NULL;
    int rc = make_doc(&doc, effective, process, targets, count, opts);
    if (rc != TL_OK)
        return rc;
    tl_scenario *s = NULL;
    rc = tl_scenario_from_json(&s, doc, strlen(doc));
    tl__free(doc);
    if (rc != TL_OK) {
        tl__error_prefix("the scenario made from the token");
        return rc;
    }
    rc = tl_scenario_explain(out, s);
    tl_scenario_free(s);
    return rc;
}
