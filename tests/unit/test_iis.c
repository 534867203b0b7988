/* IIS audit: identities per site and application, location overrides and locks, shared
 * anonymous identities, findings, hostile XML, allocation failures. Data: tests/data/iis/. */
#include "tl_test.h"
#include "internal.h"
#include "tokenlens/iis.h"
#include "tokenlens/sim.h"
#include "tokenlens/sd.h"
#include "tokenlens/server.h"
#include <jansson.h>
#include <malloc.h> /* malloc_usable_size / _msize: the byte counter of test_streamed_json */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tl_iis_audit *load(const char *file)
{
    tl_iis_audit *a = NULL;
    static const char *const vars[] = {"IIS_SITES_HOME=C:\\Users\\me\\Documents\\My Web Sites"};
    tl_iis_options o = TL_IIS_OPTIONS_INIT;
    o.variables = vars;
    o.variable_count = 1;
    assert_tl_ok(tl_iis_audit_load(&a, tl_test_data(file), &o));
    return a;
}

static const tl_iis_app *find_app(const tl_iis_audit *a, const char *site, const char *path)
{
    size_t i;
    if (tl_iis_site_find(&i, a, site) != TL_OK)
        return NULL;
    const tl_iis_site *s = tl_iis_site_at(a, i);
    for (size_t k = 0; k < s->app_count; k++)
        if (strcmp(tl_iis_site_app(s, k)->path, path) == 0)
            return tl_iis_site_app(s, k);
    return NULL;
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const char *sid_text(const tl_iis_identity *id, char *buf)
{
    if (!id || !id->sid_known)
        return NULL;
    return tl_sid_to_string(buf, TL_SID_STRING_MAX, &id->sid) == TL_OK ? buf : "?";
}

/* One row per application: what IIS would run it as. NULL anon = anonymous off. */
typedef struct app_row {
    const char *file, *site, *path;
    const char *pool, *process, *process_sid;
    const char *anon, *anon_sid;
    int windows;
    const char *providers; /* comma-joined, in order */
    int kernel, apc;
    const char *error; /* substring of config_error, or NULL */
    const char *physical;
} app_row;

#define COKE_SID "S-1-5-82-2346938391-3125840486-1306306810-1705824326-1878068061"
#define PEPSI_SID "S-1-5-82-879463526-3507018075-3562439838-1272300402-3951147617"
#define DEFAULT_SID "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415"

static const app_row app_rows[] = {
    /* The seed's pair: one pool each, anonymous as IUSR. */
    {"iis/coke-pepsi.config", "coke", "/", "Coke", "IIS APPPOOL\\Coke", COKE_SID,
     "NT AUTHORITY\\IUSR", "S-1-5-17", 0, "Negotiate,NTLM", 1, 0, NULL, "D:\\sites\\coke"},
    {"iis/coke-pepsi.config", "pepsi", "/", "Pepsi", "IIS APPPOOL\\Pepsi", PEPSI_SID,
     "NT AUTHORITY\\IUSR", "S-1-5-17", 0, "Negotiate,NTLM", 1, 0, NULL, "D:\\sites\\pepsi"},
    /* The fix: userName="" -> each site's own pool identity. */
    {"iis/coke-pepsi-isolated.config", "coke", "/", "Coke", "IIS APPPOOL\\Coke", COKE_SID,
     "IIS APPPOOL\\Coke", COKE_SID, 0, "Negotiate,NTLM", 1, 0, NULL, "D:\\sites\\coke"},
    {"iis/coke-pepsi-isolated.config", "pepsi", "/", "Pepsi", "IIS APPPOOL\\Pepsi", PEPSI_SID,
     "IIS APPPOOL\\Pepsi", PEPSI_SID, 0, "Negotiate,NTLM", 1, 0, NULL, "D:\\sites\\pepsi"},
    /* Defaults: applicationDefaults pool, ApplicationPoolIdentity, anonymous off without a
     * server-level section, IUSR when a location only enables it. */
    {"iis/defaults.config", "plain", "/", "DefaultAppPool", "IIS APPPOOL\\DefaultAppPool",
     DEFAULT_SID, NULL, NULL, 0, "", 1, 0, NULL, "%SystemDrive%\\inetpub\\wwwroot"},
    {"iis/defaults.config", "site-default", "/", "Reports", "IIS APPPOOL\\Reports", NULL,
     "NT AUTHORITY\\IUSR", "S-1-5-17", 0, "", 1, 0, NULL, "D:\\reports"},
    {"iis/defaults.config", "site-default", "/archive", "DefaultAppPool",
     "IIS APPPOOL\\DefaultAppPool", DEFAULT_SID, "NT AUTHORITY\\IUSR", "S-1-5-17", 0, "", 1, 0,
     NULL, "D:\\reports-archive"},
    {"iis/defaults.config", "noroot", "/", "DefaultAppPool", "IIS APPPOOL\\DefaultAppPool",
     DEFAULT_SID, NULL, NULL, 0, "", 1, 0, NULL, NULL},
    /* applicationPoolDefaults inheritance and every identityType. */
    {"iis/pool-identities.config", "a", "/", "inherits", "NT AUTHORITY\\NETWORK SERVICE",
     "S-1-5-20", "NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20", 0, "", 1, 0, NULL, NULL},
    {"iis/pool-identities.config", "b", "/", "local-service", "NT AUTHORITY\\LOCAL SERVICE",
     "S-1-5-19", "NT AUTHORITY\\LOCAL SERVICE", "S-1-5-19", 0, "", 1, 0, NULL, NULL},
    {"iis/pool-identities.config", "c", "/", "system", "NT AUTHORITY\\SYSTEM", "S-1-5-18",
     "NT AUTHORITY\\SYSTEM", "S-1-5-18", 0, "", 1, 0, NULL, NULL},
    {"iis/pool-identities.config", "d", "/", "svc", "CONTOSO\\svc-web", NULL, "CONTOSO\\svc-web",
     NULL, 0, "", 1, 0, NULL, NULL},
    {"iis/pool-identities.config", "e", "/", "apppool", "IIS APPPOOL\\apppool", NULL,
     "IIS APPPOOL\\apppool", NULL, 0, "", 1, 0, NULL, NULL},
    /* Location overrides at site and application level. */
    {"iis/locations.config", "shop", "/", "Shop", "IIS APPPOOL\\Shop", NULL, "IIS APPPOOL\\Shop",
     NULL, 0, "Negotiate,NTLM", 1, 0, NULL, NULL},
    {"iis/locations.config", "shop", "/api", "ShopApi", "CONTOSO\\svc-shopapi", NULL, NULL, NULL, 1,
     "Negotiate", 0, 1, NULL, NULL},
    {"iis/locations.config", "shop", "/static", "Shop", "IIS APPPOOL\\Shop", NULL,
     "IIS APPPOOL\\Shop", NULL, 0, "Negotiate,NTLM", 1, 0, NULL, NULL},
    {"iis/locations.config", "blog", "/", "Blog", "IIS APPPOOL\\Blog", NULL, "CONTOSO\\anon-blog",
     NULL, 0, "Negotiate,NTLM", 1, 0, NULL, NULL},
    {"iis/locations.config", "intranet", "/", "Intranet", "IIS APPPOOL\\Intranet", NULL, NULL, NULL,
     1, "Negotiate", 1, 0, NULL, NULL},
    /* Locks: the locked value stays and the path is flagged. */
    {"iis/locked.config", "coke", "/", "Coke", "IIS APPPOOL\\Coke", COKE_SID, "NT AUTHORITY\\IUSR",
     "S-1-5-17", 0, "", 1, 0, "locked at the server level", NULL},
    {"iis/locked.config", "pepsi", "/", "Pepsi", "IIS APPPOOL\\Pepsi", PEPSI_SID,
     "NT AUTHORITY\\IUSR", "S-1-5-17", 0, "", 1, 0, NULL, NULL},
    {"iis/locked.config", "pepsi", "/app", "Pepsi", "IIS APPPOOL\\Pepsi", PEPSI_SID,
     "NT AUTHORITY\\IUSR", "S-1-5-17", 0, "", 1, 0, "locked at location 'pepsi'", NULL},
    {"iis/locked.config", "fanta", "/", "Fanta", "IIS APPPOOL\\Fanta", NULL, "NT AUTHORITY\\IUSR",
     "S-1-5-17", 1, "", 1, 0, NULL, NULL},
    {"iis/locked.config", "fanta", "/app", "Fanta", "IIS APPPOOL\\Fanta", NULL,
     "NT AUTHORITY\\IUSR", "S-1-5-17", 0, "", 1, 0, NULL, NULL},
    /* IIS Express: %IIS_SITES_HOME%, userName="", applicationDefaults' pool. */
    {"iis/iisexpress.config", "WebSite1", "/", "Clr4IntegratedAppPool",
     "IIS APPPOOL\\Clr4IntegratedAppPool", NULL, "IIS APPPOOL\\Clr4IntegratedAppPool", NULL, 0,
     "Negotiate,NTLM", 1, 0, NULL, "C:\\Users\\me\\Documents\\My Web Sites\\WebSite1"},
    {"iis/iisexpress.config", "MyApp", "/", "Clr4IntegratedAppPool",
     "IIS APPPOOL\\Clr4IntegratedAppPool", NULL, "IIS APPPOOL\\Clr4IntegratedAppPool", NULL, 1,
     "Negotiate,NTLM", 1, 0, NULL, "C:\\src\\MyApp"},
    /* A fresh IIS 10 install. */
    {"iis/iis10-default.config", "Default Web Site", "/", "DefaultAppPool",
     "IIS APPPOOL\\DefaultAppPool", DEFAULT_SID, "NT AUTHORITY\\IUSR", "S-1-5-17", 0,
     "Negotiate,NTLM", 1, 0, NULL, "%SystemDrive%\\inetpub\\wwwroot"},
    /* inheritInChildApplications="false" stops at the site's own application. */
    {"iis/inherit.config", "portal", "/", "Portal", "IIS APPPOOL\\Portal", NULL,
     "IIS APPPOOL\\Portal", NULL, 0, "Negotiate,NTLM", 1, 0, NULL, NULL},
    {"iis/inherit.config", "portal", "/app", "PortalApp", "IIS APPPOOL\\PortalApp", NULL,
     "NT AUTHORITY\\IUSR", "S-1-5-17", 0, "Negotiate,NTLM", 1, 0, NULL, NULL},
    {"iis/inherit.config", "extranet", "/", "Extranet", "CONTOSO\\svc-extranet", NULL, NULL, NULL,
     1, "Negotiate,NTLM", 1, 0, NULL, "\\\\files\\extranet$"},
    /* Shared pool; an undeclared pool still resolves (from the defaults). */
    {"iis/shared-pool.config", "orphan", "/", "Missing", "IIS APPPOOL\\Missing", NULL,
     "IIS APPPOOL\\Missing", NULL, 0, "", 1, 0, NULL, NULL},
};

static void test_app_rows(void **state)
{
    (void)state;
    int failures = 0;
    char b1[TL_SID_STRING_MAX], b2[TL_SID_STRING_MAX];
    for (size_t i = 0; i < sizeof app_rows / sizeof app_rows[0]; i++) {
        const app_row *r = &app_rows[i];
        tl_iis_audit *a = load(r->file);
        const tl_iis_app *app = find_app(a, r->site, r->path);
        if (!app) {
            print_error("row %zu: %s %s%s not found\n", i, r->file, r->site, r->path);
            failures++;
            tl_iis_audit_free(a);
            continue;
        }
        char prov[256] = "";
        for (size_t k = 0; k < app->auth.provider_count; k++) {
            if (k)
                strcat(prov, ",");
            strncat(prov, tl_iis_auth_provider(&app->auth, k), sizeof prov - strlen(prov) - 1);
        }
        const char *psid = sid_text(&app->pool->identity, b1);
        const char *asid = sid_text(app->anonymous, b2);
        int ok = same(app->app_pool, r->pool) && same(app->pool->identity.name, r->process) &&
                 (!r->process_sid || same(psid, r->process_sid)) &&
                 same(app->anonymous ? app->anonymous->name : NULL, r->anon) &&
                 (!r->anon_sid || same(asid, r->anon_sid)) &&
                 app->auth.windows_enabled == (bool)r->windows && strcmp(prov, r->providers) == 0 &&
                 app->auth.use_kernel_mode == (bool)r->kernel &&
                 app->auth.use_app_pool_credentials == (bool)r->apc &&
                 (r->error ? app->config_error && strstr(app->config_error, r->error)
                           : !app->config_error) &&
                 same(app->physical_path, r->physical);
        /* A pool identity always has its S-1-5-82 SID. */
        if (app->pool->identity_type == TL_IIS_APPPOOL_IDENTITY &&
            (!psid || strncmp(psid, "S-1-5-82-", 9) != 0))
            ok = 0;
        if (!ok) {
            print_error("row %zu (%s %s%s): pool=%s process=%s (%s) anon=%s (%s) windows=%d "
                        "[%s] kernel=%d apc=%d error=%s path=%s\n",
                        i, r->file, r->site, r->path, app->app_pool, app->pool->identity.name,
                        psid ? psid : "null", app->anonymous ? app->anonymous->name : "off",
                        asid ? asid : "null", app->auth.windows_enabled, prov,
                        app->auth.use_kernel_mode, app->auth.use_app_pool_credentials,
                        app->config_error ? app->config_error : "none",
                        app->physical_path ? app->physical_path : "null");
            failures++;
        }
        tl_iis_audit_free(a);
    }
    assert_int_equal(failures, 0);
}

/* Which sites share an anonymous identity; "" = none. */
typedef struct shared_row {
    const char *file;
    const char *groups; /* "identity:site,site;identity:site,site" */
} shared_row;

static const shared_row shared_rows[] = {
    {"iis/coke-pepsi.config", "NT AUTHORITY\\IUSR:coke,pepsi"},
    {"iis/coke-pepsi-isolated.config", ""},
    {"iis/defaults.config", ""},
    {"iis/pool-identities.config", ""},
    {"iis/locations.config", ""},
    {"iis/locked.config", "NT AUTHORITY\\IUSR:coke,pepsi,fanta"},
    {"iis/iisexpress.config", "IIS APPPOOL\\Clr4IntegratedAppPool:WebSite1,MyApp"},
    {"iis/shared-pool.config", "IIS APPPOOL\\Drinks:coke,pepsi"},
    {"iis/inherit.config", ""},
    {"iis/iis10-default.config", ""},
};

static void test_shared_rows(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof shared_rows / sizeof shared_rows[0]; i++) {
        tl_iis_audit *a = load(shared_rows[i].file);
        char got[512] = "";
        for (size_t g = 0; g < tl_iis_shared_count(a); g++) {
            const tl_iis_shared_identity *s = tl_iis_shared_at(a, g);
            if (g)
                strcat(got, ";");
            strncat(got, s->identity.name, sizeof got - strlen(got) - 1);
            strcat(got, ":");
            for (size_t k = 0; k < s->site_count; k++) {
                if (k)
                    strcat(got, ",");
                strncat(got, tl_iis_shared_site(s, k), sizeof got - strlen(got) - 1);
            }
        }
        if (strcmp(got, shared_rows[i].groups) != 0) {
            print_error("%s: shared '%s', expected '%s'\n", shared_rows[i].file, got,
                        shared_rows[i].groups);
            failures++;
        }
        tl_iis_audit_free(a);
    }
    assert_int_equal(failures, 0);
}

/* Findings: kinds present (in order of appearance) per file. */
typedef struct finding_row {
    const char *file;
    const char *kinds; /* comma-joined tl_iis_finding_kind_name()s */
} finding_row;

static const finding_row finding_rows[] = {
    {"iis/coke-pepsi.config", "shared_anonymous_identity,network_identity"},
    {"iis/coke-pepsi-isolated.config", "network_identity"},
    {"iis/pool-identities.config", "local_system_pool,network_identity,network_identity"},
    {"iis/shared-pool.config",
     "undeclared_pool,shared_anonymous_identity,shared_application_pool,network_identity"},
    {"iis/locked.config",
     "shared_anonymous_identity,locked_section,locked_section,network_identity"},
    {"iis/inherit.config", "kerberos_kernel_mode,network_identity"},
    {"iis/iis10-default.config", "network_identity"},
};

static void test_findings(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof finding_rows / sizeof finding_rows[0]; i++) {
        tl_iis_audit *a = load(finding_rows[i].file);
        char got[512] = "";
        for (size_t k = 0; k < tl_iis_finding_count(a); k++) {
            const tl_iis_finding *f = tl_iis_finding_at(a, k);
            if (k)
                strcat(got, ",");
            strcat(got, tl_iis_finding_kind_name(f->kind));
            if (!f->text[0] || !f->fix[0] || !f->site_count)
                failures++;
        }
        if (strcmp(got, finding_rows[i].kinds) != 0) {
            print_error("%s: findings '%s', expected '%s'\n", finding_rows[i].file, got,
                        finding_rows[i].kinds);
            failures++;
        }
        tl_iis_audit_free(a);
    }
    assert_int_equal(failures, 0);
}

/* The seed's sentence, word for word, with its fix. */
static void test_coke_pepsi_words(void **state)
{
    (void)state;
    tl_iis_audit *a = load("iis/coke-pepsi.config");
    const tl_iis_finding *f = tl_iis_finding_at(a, 0);
    assert_non_null(f);
    assert_string_equal(f->text, "sites coke and pepsi both serve anonymous requests as "
                                 "NT AUTHORITY\\IUSR: either can read the other's content");
    assert_non_null(strstr(f->fix, "userName=\"\""));
    assert_non_null(strstr(f->fix, "one pool per site"));
    tl_iis_audit_free(a);
}

static void test_json_contract(void **state)
{
    (void)state;
    tl_iis_audit *a = load("iis/pool-identities.config");
    char *text = NULL;
    assert_tl_ok(tl_iis_audit_to_json(&text, a));
    /* Passwords are never read, so they cannot leak. */
    assert_null(strstr(text, "Secr3t"));
    assert_null(strstr(text, "never-print"));
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    assert_non_null(j);
    json_t *sites = json_object_get(j, "sites");
    assert_int_equal(json_array_size(sites), 5);
    json_t *d = json_array_get(sites, 3);
    assert_string_equal(json_string_value(json_object_get(d, "name")), "d");
    json_t *pid = json_object_get(d, "process_identity");
    assert_string_equal(json_string_value(json_object_get(pid, "name")), "CONTOSO\\svc-web");
    assert_true(json_is_null(json_object_get(pid, "sid")));
    assert_true(json_is_array(json_object_get(d, "applications")));
    assert_true(json_is_array(json_object_get(j, "shared_anonymous_identities")));
    json_decref(j);
    tl_free(text);
    tl_iis_audit_free(a);

    /* The "connect as" account of a virtual directory is reported; its password is not. */
    a = load("iis/inherit.config");
    const tl_iis_app *ex = find_app(a, "extranet", "/");
    assert_non_null(ex);
    assert_string_equal(ex->content_user, "CONTOSO\\content-reader");
    assert_null(find_app(a, "portal", "/")->content_user);
    assert_tl_ok(tl_iis_audit_to_json(&text, a));
    assert_null(strstr(text, "never-print"));
    assert_non_null(strstr(text, "\"content_user\": \"CONTOSO\\\\content-reader\""));
    tl_free(text);
    tl_iis_audit_free(a);

    a = load("iis/coke-pepsi.config");
    assert_tl_ok(tl_iis_audit_to_json(&text, a));
    j = json_loads(text, 0, &err);
    json_t *g = json_array_get(json_object_get(j, "shared_anonymous_identities"), 0);
    json_t *id = json_object_get(g, "identity");
    assert_string_equal(json_string_value(json_object_get(id, "sid")), "S-1-5-17");
    assert_int_equal(json_array_size(json_object_get(g, "sites")), 2);
    json_t *coke = json_array_get(json_object_get(j, "sites"), 0);
    json_t *anon = json_object_get(coke, "anonymous_identity");
    assert_string_equal(json_string_value(json_object_get(anon, "name")), "NT AUTHORITY\\IUSR");
    json_decref(j);
    tl_free(text);
    tl_iis_audit_free(a);
}

static void test_scenario(void **state)
{
    (void)state;
    tl_iis_audit *a = load("iis/coke-pepsi-isolated.config");
    tl_iis_scenario_options o = TL_IIS_SCENARIO_OPTIONS_INIT;
    o.machine = "WEB01";
    o.domain = "CONTOSO";
    o.hop_target = "MSSQLSvc/db01.contoso.com:1433";
    char *text = NULL;
    assert_tl_ok(tl_iis_site_scenario_json(&text, a, 1, &o));
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "tokenlens_scenario")), 1);
    json_t *pool = json_object_get(j, "app_pool");
    assert_string_equal(json_string_value(json_object_get(pool, "name")), "Pepsi");
    assert_string_equal(json_string_value(json_object_get(pool, "identity")),
                        "ApplicationPoolIdentity");
    json_t *anon = json_object_get(json_object_get(j, "site"), "anonymous");
    assert_string_equal(json_string_value(json_object_get(anon, "user")), "");
    assert_true(json_is_null(json_object_get(json_object_get(j, "request"), "user")));
    json_decref(j);
    /* The explain engine accepts it. */
    tl_scenario *sc = NULL;
    assert_tl_ok(tl_scenario_from_json(&sc, text, strlen(text)));
    tl_scenario_free(sc);
    tl_free(text);
    assert_tl_error(tl_iis_site_scenario_json(&text, a, 9, NULL), TL_ERANGE);
    tl_iis_scenario_options bad = TL_IIS_SCENARIO_OPTIONS_INIT;
    bad.application = "/nope";
    assert_tl_error(tl_iis_site_scenario_json(&text, a, 0, &bad), TL_ENOTFOUND);
    tl_iis_scenario_options old = {0}; /* an unversioned struct is refused, not misread */
    assert_tl_error(tl_iis_site_scenario_json(&text, a, 0, &old), TL_EINVAL);
    tl_iis_options oldo;
    memset(&oldo, 0, sizeof oldo);
    tl_iis_audit *none = NULL;
    assert_tl_error(tl_iis_audit_parse(&none, "<configuration/>", 16, &oldo), TL_EINVAL);
    assert_null(none);
    tl_iis_audit_free(a);
}

/* Hostile and broken files: the error code and the line it names. */
typedef struct bad_row {
    const char *file;
    int code;
    const char *where; /* prefix of tl_error::path */
} bad_row;

static const bad_row bad_rows[] = {
    {"iis/hostile/billion-laughs.config", TL_EPARSE, "line 2,"},
    {"iis/hostile/external-entity.config", TL_EPARSE, "line 2,"},
    {"iis/hostile/undefined-entity.config", TL_EPARSE, "line 4,"},
    {"iis/hostile/deep-nesting.config", TL_ELIMIT, "line 3,"},
    {"iis/hostile/truncated.config", TL_EPARSE, "line "},
    {"iis/hostile/wrong-root.config", TL_EPARSE, "line 2,"},
    {"iis/hostile/bad-identity-type.config", TL_EPARSE, "line 5,"},
};

static void test_hostile_files(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof bad_rows / sizeof bad_rows[0]; i++) {
        tl_iis_audit *a = (tl_iis_audit *)1;
        int rc = tl_iis_audit_load(&a, tl_test_data(bad_rows[i].file), NULL);
        const tl_error *e = tl_error_last();
        if (rc != bad_rows[i].code || a != (tl_iis_audit *)1 || /* untouched on failure */
            strncmp(e->path, bad_rows[i].where, strlen(bad_rows[i].where)) != 0 ||
            !strstr(e->message, "line ")) {
            print_error("%s: rc=%s path='%s' message='%s'\n", bad_rows[i].file, tl_error_name(rc),
                        e->path, e->message);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
    tl_iis_audit *a = NULL;
    assert_tl_error(tl_iis_audit_load(&a, tl_test_data("iis/no-such-file.config"), NULL), TL_EIO);
    assert_tl_error(tl_iis_audit_parse(NULL, "", 0, NULL), TL_EINVAL);
    assert_tl_error(tl_iis_audit_parse(&a, "", 0, NULL), TL_EPARSE);
}

/* A 2 MiB attribute is refused after 1 MiB without markup, quickly. */
static void test_huge_attribute(void **state)
{
    (void)state;
    const char *head = "<configuration><system.applicationHost><sites><site name=\"";
    size_t n = 2u * 1024u * 1024u;
    char *xml = malloc(strlen(head) + n + 64);
    assert_non_null(xml);
    strcpy(xml, head);
    memset(xml + strlen(head), 'A', n);
    strcpy(xml + strlen(head) + n, "\" /></sites></system.applicationHost></configuration>");
    tl_iis_audit *a = NULL;
    assert_tl_error(tl_iis_audit_parse(&a, xml, strlen(xml), NULL), TL_ELIMIT);
    assert_non_null(strstr(tl_error_last()->path, "line 1"));
    free(xml);
}

/* The size limit is an option: beyond it a file is refused even when every byte is markup;
 * the default admits files past the 0.1 limit of 64 MiB (a 50,000-site server is 105 MiB). */
static void test_too_large(void **state)
{
    (void)state;
    const char *head = "<configuration>";
    size_t n = (size_t)TL_IIS_MAX_BYTES + 4096;
    char *xml = malloc(n + 32);
    assert_non_null(xml);
    memcpy(xml, head, strlen(head));
    size_t i = strlen(head);
    for (; i + 4 <= n; i += 4)
        memcpy(xml + i, "<a/>", 4);
    size_t len = i;
    tl_iis_audit *a = NULL;
    tl_iis_options o = TL_IIS_OPTIONS_INIT;
    o.max_bytes = 1u << 20;
    assert_tl_error(tl_iis_audit_parse(&a, xml, len, &o), TL_ELIMIT);
    assert_null(a);
    assert_non_null(strstr(tl_error_last()->message, "max_bytes"));
    memcpy(xml + len, "</configuration>", 16);
    assert_tl_ok(tl_iis_audit_parse(&a, xml, len + 16, NULL));
    assert_int_equal(tl_iis_site_count(a), 0);
    tl_iis_audit_free(a);
    free(xml);
}

/* A failing call leaves its output as it was (API rule), and a success clears the error. */
static void test_outputs_untouched(void **state)
{
    (void)state;
    static int sentinel;
    tl_iis_audit *a = (tl_iis_audit *)(void *)&sentinel;
    const char *bad = "<configuration><system.applicationHost><sites><site/></sites>";
    assert_tl_error(tl_iis_audit_parse(&a, bad, strlen(bad), NULL), TL_EPARSE);
    assert_ptr_equal(a, (void *)&sentinel);
    assert_tl_error(tl_iis_audit_load(&a, "/nonexistent/applicationHost.config", NULL), TL_EIO);
    assert_ptr_equal(a, (void *)&sentinel);
    const char *good = "<configuration/>";
    tl_iis_audit *ok = NULL;
    assert_tl_ok(tl_iis_audit_parse(&ok, good, strlen(good), NULL));
    assert_int_equal(tl_error_last()->code, TL_OK);
    char *text = (char *)(void *)&sentinel;
    assert_tl_error(tl_iis_site_scenario_json(&text, ok, 5, NULL), TL_ERANGE);
    assert_ptr_equal(text, (void *)&sentinel);
    tl_iis_audit_free(ok);
}

/* UTF-16LE with a BOM (Notepad's "Unicode") reads the same as UTF-8. */
static void test_utf16(void **state)
{
    (void)state;
    const char *src = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><configuration>"
                      "<system.applicationHost><applicationPools><add name=\"P\" />"
                      "</applicationPools><sites><site name=\"s\" id=\"1\"><application "
                      "path=\"/\" applicationPool=\"P\" /></site></sites>"
                      "</system.applicationHost></configuration>";
    size_t n = strlen(src);
    char *w = malloc(2 * n + 2);
    assert_non_null(w);
    w[0] = (char)0xFF;
    w[1] = (char)0xFE;
    for (size_t i = 0; i < n; i++) {
        w[2 + 2 * i] = src[i];
        w[3 + 2 * i] = 0;
    }
    tl_iis_audit *a = NULL;
    assert_tl_ok(tl_iis_audit_parse(&a, w, 2 * n + 2, NULL));
    assert_int_equal(tl_iis_site_count(a), 1);
    assert_string_equal(tl_iis_site_app(tl_iis_site_at(a, 0), 0)->pool->identity.name,
                        "IIS APPPOOL\\P");
    tl_iis_audit_free(a);
    free(w);
}

/* Every allocation failure is reported as TL_ENOMEM and leaks nothing. */
static void test_alloc_failures(void **state)
{
    (void)state;
    char *xml = NULL;
    size_t len = 0;
    FILE *f = fopen(tl_test_data("iis/locations.config"), "rb");
    assert_non_null(f);
    xml = malloc(65536);
    len = fread(xml, 1, 65536, f);
    fclose(f);
    tl_test_alloc_install();
    int saw_ok = 0;
    for (unsigned long i = 1; i < 2000 && !saw_ok; i++) {
        tl_test_alloc_reset();
        tl_test_alloc_fail_at(i);
        tl_iis_audit *a = NULL;
        int rc = tl_iis_audit_parse(&a, xml, len, NULL);
        if (rc == TL_OK) {
            char *j = NULL;
            rc = tl_iis_audit_to_json(&j, a);
            tl_free(j);
            tl_iis_audit_free(a);
            saw_ok = rc == TL_OK;
        }
        if (rc != TL_OK && rc != TL_ENOMEM) {
            tl_test_alloc_uninstall();
            fail_msg("failure at allocation %lu gave %s: %s", i, tl_error_name(rc),
                     tl_error_last()->message);
        }
        if (tl_test_alloc_outstanding() != 0) {
            long out = tl_test_alloc_outstanding();
            tl_test_alloc_uninstall();
            fail_msg("failure at allocation %lu leaked %ld blocks", i, out);
        }
    }
    tl_test_alloc_uninstall();
    free(xml);
    assert_true(saw_ok);
}

/* Issue 9 item 4: with IUSR as everyone's anonymous user, coke can read pepsi's content; with
 * the pool identity and a folder granted to it alone, it cannot. */
typedef struct iso_row {
    const char *config, *coke_sddl, *pepsi_sddl;
    int holds;
    int coke_reads_pepsi;
} iso_row;

#define ADMIN "O:BAG:SYD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
static const iso_row iso_rows[] = {
    {"iis/coke-pepsi.config", ADMIN "(A;OICI;0x1200a9;;;S-1-5-17)",
     ADMIN "(A;OICI;0x1200a9;;;S-1-5-17)", 0, 1},
    {"iis/coke-pepsi-isolated.config", ADMIN "(A;OICI;0x1200a9;;;" COKE_SID ")",
     ADMIN "(A;OICI;0x1200a9;;;" PEPSI_SID ")", 1, 0},
    /* Pool identities, but the folders grant IIS_IUSRS, which every worker process has. */
    {"iis/coke-pepsi-isolated.config", ADMIN "(A;OICI;0x1200a9;;;IS)",
     ADMIN "(A;OICI;0x1200a9;;;IS)", 0, 1},
    /* A deny for the other site's identity wins over Users being allowed. */
    {"iis/coke-pepsi-isolated.config", ADMIN "(D;OICI;FA;;;" PEPSI_SID ")(A;OICI;FR;;;BU)",
     ADMIN "(D;OICI;FA;;;" COKE_SID ")(A;OICI;FR;;;BU)", 1, 0},
};

static void test_isolation(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof iso_rows / sizeof iso_rows[0]; i++) {
        tl_iis_audit *a = load(iso_rows[i].config);
        tl_sd *sds[2] = {NULL, NULL};
        assert_tl_ok(tl_sd_from_sddl(&sds[0], iso_rows[i].coke_sddl, NULL));
        assert_tl_ok(tl_sd_from_sddl(&sds[1], iso_rows[i].pepsi_sddl, NULL));
        const char *names[2] = {"coke", "pepsi"};
        tl_iis_isolation *iso = NULL;
        assert_tl_ok(tl_iis_isolation_evaluate(&iso, a, names, (const tl_sd *const *)sds, 2));
        int coke_pepsi = -1;
        for (size_t k = 0; k < tl_iis_isolation_count(iso); k++) {
            const tl_iis_isolation_check *c = tl_iis_isolation_at(iso, k);
            if (strcmp(c->reader, "coke") == 0 && strcmp(c->content, "pepsi") == 0)
                coke_pepsi = c->can_read;
        }
        if (tl_iis_isolation_holds(iso) != (bool)iso_rows[i].holds ||
            coke_pepsi != iso_rows[i].coke_reads_pepsi) {
            print_error("isolation row %zu: holds=%d coke->pepsi=%d\n", i,
                        tl_iis_isolation_holds(iso), coke_pepsi);
            failures++;
        }
        tl_iis_isolation_free(iso);
        tl_sd_free(sds[0]);
        tl_sd_free(sds[1]);
        tl_iis_audit_free(a);
    }
    assert_int_equal(failures, 0);
    tl_iis_audit *a = load("iis/coke-pepsi.config");
    const char *bad[1] = {"fanta"};
    tl_sd *sd = NULL;
    assert_tl_ok(tl_sd_from_sddl(&sd, "D:(A;;FR;;;WD)", NULL));
    tl_iis_isolation *iso = NULL;
    assert_tl_error(tl_iis_isolation_evaluate(&iso, a, bad, (const tl_sd *const *)&sd, 1),
                    TL_ENOTFOUND);
    assert_null(iso);
    tl_sd_free(sd);
    tl_iis_audit_free(a);
}

/* A server of n sites, pool per site, anonymous on: every 2nd site as IUSR, the others as
 * their pool identity (userName=""). */
static tl_iis_audit *many_sites(size_t n)
{
    tl__buf b = TL__BUF_INIT;
    tl__buf_put(&b, "<configuration><system.applicationHost><applicationPools>");
    for (size_t i = 0; i < n; i++)
        tl__buf_printf(&b, "<add name=\"p%zu\" />", i);
    tl__buf_put(&b, "</applicationPools><sites>");
    for (size_t i = 0; i < n; i++)
        tl__buf_printf(&b,
                       "<site name=\"s%zu\" id=\"%zu\"><application path=\"/\" "
                       "applicationPool=\"p%zu\"><virtualDirectory path=\"/\" "
                       "physicalPath=\"D:\\s%zu\" /></application></site>",
                       i, i + 1, i, i);
    tl__buf_put(&b, "</sites></system.applicationHost><system.webServer><security>"
                    "<authentication><anonymousAuthentication enabled=\"true\" userName=\"\" />"
                    "</authentication></security></system.webServer>");
    for (size_t i = 0; i < n; i += 2)
        tl__buf_printf(&b,
                       "<location path=\"s%zu\"><system.webServer><security><authentication>"
                       "<anonymousAuthentication userName=\"IUSR\" /></authentication>"
                       "</security></system.webServer></location>",
                       i);
    tl__buf_put(&b, "</configuration>");
    assert_false(b.failed);
    tl_iis_audit *a = NULL;
    assert_tl_ok(tl_iis_audit_parse(&a, b.data, b.len, NULL));
    tl__buf_free(&b);
    assert_int_equal(tl_iis_site_count(a), n);
    return a;
}

/* Issue 18 item 2: a site given twice is refused naming both; the access checks run once per
 * distinct (identity, descriptor) pair; the matrix is bounded. */
static void test_isolation_bounds(void **state)
{
    (void)state;
    enum { N = 64 };
    tl_iis_audit *a = many_sites(N);
    tl_sd *same = NULL, *own[N];
    assert_tl_ok(tl_sd_from_sddl(&same, "D:(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;S-1-5-17)", NULL));
    const char *names[N];
    const tl_sd *sds[N];
    char buf[N][16];
    for (size_t i = 0; i < N; i++) {
        snprintf(buf[i], sizeof buf[i], "s%zu", i);
        names[i] = buf[i];
        sds[i] = same;
        own[i] = NULL;
    }
    /* one descriptor for every folder: IUSR readers (one SID) and 32 pool identities */
    tl_iis_isolation *iso = NULL;
    assert_tl_ok(tl_iis_isolation_evaluate(&iso, a, names, sds, N));
    assert_int_equal(tl_iis_isolation_count(iso), (size_t)N * N);
    assert_int_equal(tl_iis_isolation_access_checks(iso), 1 + N / 2);
    assert_false(tl_iis_isolation_holds(iso)); /* IUSR reads every folder */
    size_t can = 0;
    for (size_t k = 0; k < tl_iis_isolation_count(iso); k++) {
        const tl_iis_isolation_check *c = tl_iis_isolation_at(iso, k);
        assert_true(c->known);
        assert_non_null(c->reason);
        can += c->can_read;
    }
    assert_int_equal(can, (size_t)(N / 2) * N); /* exactly the IUSR readers, each folder */
    tl_iis_isolation_free(iso);
    /* a folder per site granted to its own pool only: N/2 pool SIDs + IUSR vs N descriptors */
    for (size_t i = 0; i < N; i++) {
        char text[300], ssid[TL_SID_STRING_MAX];
        const tl_iis_app *app = tl_iis_site_app(tl_iis_site_at(a, i), 0);
        assert_tl_ok(tl_sid_to_string(ssid, sizeof ssid, &app->pool->identity.sid));
        snprintf(text, sizeof text, "D:(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;%s)", ssid);
        assert_tl_ok(tl_sd_from_sddl(&own[i], text, NULL));
        sds[i] = own[i];
    }
    assert_tl_ok(tl_iis_isolation_evaluate(&iso, a, names, sds, N));
    assert_int_equal(tl_iis_isolation_access_checks(iso), (size_t)(1 + N / 2) * N);
    tl_iis_isolation_free(iso);
    /* duplicates, also by case: refused, naming both */
    names[5] = "S2";
    iso = (tl_iis_isolation *)1;
    assert_tl_error(tl_iis_isolation_evaluate(&iso, a, names, sds, N), TL_EINVAL);
    assert_non_null(strstr(tl_error_last()->message, "'S2' is given twice (content 3 and 6)"));
    assert_true(iso == (tl_iis_isolation *)1);
    for (size_t i = 0; i < N; i++)
        tl_sd_free(own[i]);
    tl_sd_free(same);
    tl_iis_audit_free(a);

    /* 1025 anonymous sites x 1025 folders > TL_IIS_ISOLATION_MAX_CHECKS: refused up front */
    size_t big = 1025;
    a = many_sites(big);
    const char **bn = calloc(big, sizeof *bn);
    const tl_sd **bs = calloc(big, sizeof *bs);
    char(*bb)[16] = calloc(big, sizeof *bb);
    assert_tl_ok(tl_sd_from_sddl(&same, "D:(A;;FA;;;BA)", NULL));
    for (size_t i = 0; i < big; i++) {
        snprintf(bb[i], sizeof bb[i], "s%zu", i);
        bn[i] = bb[i];
        bs[i] = same;
    }
    iso = NULL;
    assert_tl_error(tl_iis_isolation_evaluate(&iso, a, bn, bs, big), TL_ELIMIT);
    assert_null(iso);
    assert_tl_ok(tl_iis_isolation_evaluate(&iso, a, bn, bs, 1024));
    assert_int_equal(tl_iis_isolation_count(iso), (size_t)1024 * 1024);
    assert_int_equal(tl_iis_isolation_access_checks(iso), 1 + 512);
    tl_iis_isolation_free(iso);
    tl_sd_free(same);
    free(bn);
    free(bs);
    free(bb);
    tl_iis_audit_free(a);
}

/* Issue 18 item 6: site ids are DWORDs (no "12abc" read as 12, no "-1" read as 2^64-1), and an
 * account name IIS cannot log on is reported as a warning naming file and line. */
static void test_ids_and_account_names(void **state)
{
    (void)state;
    static const struct {
        const char *id;
        int rc;
        uint64_t want;
    } ids[] = {
        {"12", TL_OK, 12},
        {"4294967295", TL_OK, 4294967295u},
        {"0007", TL_OK, 7},
        {"12abc", TL_EPARSE, 0},
        {"-1", TL_EPARSE, 0},
        {"", TL_EPARSE, 0},
        {"4294967296", TL_EPARSE, 0},
        {" 1", TL_EPARSE, 0},
        {"+1", TL_EPARSE, 0},
        {"99999999999999999999999", TL_EPARSE, 0},
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char xml[512];
        snprintf(xml, sizeof xml,
                 "<configuration>\n<system.applicationHost><sites>\n<site name=\"s\" id=\"%s\">"
                 "<application path=\"/\" /></site></sites></system.applicationHost>"
                 "</configuration>",
                 ids[i].id);
        tl_iis_audit *a = NULL;
        int rc = tl_iis_audit_parse(&a, xml, strlen(xml), NULL);
        if (rc != ids[i].rc)
            fail_msg("id '%s': %s (%s)", ids[i].id, tl_error_name(rc), tl_error_last()->message);
        if (rc == TL_OK)
            assert_true(tl_iis_site_at(a, 0)->id == ids[i].want);
        else {
            assert_null(a);
            assert_non_null(strstr(tl_error_last()->path, "line 3"));
            assert_non_null(strstr(tl_error_last()->message, "is not a site id"));
        }
        tl_iis_audit_free(a);
    }
    static const struct {
        const char *user;
        const char *says; /* NULL: a valid name, no warning */
    } users[] = {
        {"CONTOSO\\svc-web", NULL},
        {"svc-web@contoso.com", NULL},
        {".\\svc-web", NULL},
        {"svc-web", NULL},
        {"\\", "the domain before"},
        {"CONTOSO\\", "the account after"},
        {"\\alice", "the domain before"},
        {"a\\b\\c", "more than one"},
        {"@contoso.com", "the account before '@'"},
        {"alice@", "the suffix after '@'"},
        {"a@b@c", "more than one '@'"},
        {"ali&#9;ce", "control character"},
    };
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        for (int where = 0; where < 3; where++) {
            char xml[1024];
            snprintf(
                xml, sizeof xml,
                "<configuration><system.applicationHost><applicationPools>\n"
                "<add name=\"p\"><processModel identityType=\"SpecificUser\" userName=\"%s\" />"
                "</add></applicationPools><sites><site name=\"s\" id=\"1\">\n"
                "<application path=\"/\" applicationPool=\"p\"><virtualDirectory path=\"/\" "
                "physicalPath=\"D:\\s\" userName=\"%s\" /></application></site></sites>"
                "</system.applicationHost><system.webServer><security><authentication>\n"
                "<anonymousAuthentication enabled=\"true\" userName=\"%s\" /></authentication>"
                "</security></system.webServer></configuration>",
                where == 0 ? users[i].user : "CONTOSO\\svc",
                where == 1 ? users[i].user : "CONTOSO\\reader",
                where == 2 ? users[i].user : "IUSR");
            static const char *const what[] = {"processModel userName", "virtualDirectory userName",
                                               "anonymousAuthentication userName"};
            tl_iis_audit *a = NULL;
            assert_tl_ok(tl_iis_audit_parse(&a, xml, strlen(xml), NULL));
            size_t n = tl_iis_warning_count(a);
            if (!users[i].says) {
                if (n)
                    fail_msg("'%s' (%s): unexpected warning %s", users[i].user, what[where],
                             tl_iis_warning_at(a, 0));
            } else {
                if (n != 1)
                    fail_msg("'%s' (%s): %zu warnings, want 1", users[i].user, what[where], n);
                const char *w = tl_iis_warning_at(a, 0);
                char line[16];
                snprintf(line, sizeof line, "line %d:", where + 2);
                if (!strstr(w, users[i].says) || !strstr(w, what[where]) || !strstr(w, line))
                    fail_msg("'%s': warning '%s' lacks '%s' / '%s' / '%s'", users[i].user, w,
                             users[i].says, what[where], line);
            }
            tl_iis_audit_free(a);
        }
    }
}

/* Issue 18: a reader whose anonymous identity's SID is unknown (a specific account) does not
 * let the verdict say "holds": not shown is not safe. */
static void test_isolation_unknown_is_not_safe(void **state)
{
    (void)state;
    tl_iis_audit *a = load("iis/locations.config");
    tl_sd *sd = NULL;
    assert_tl_ok(tl_sd_from_sddl(&sd, "D:(A;OICI;FA;;;BA)", NULL));
    const char *names[2] = {"blog", "shop"};
    const tl_sd *sds[2] = {sd, sd};
    tl_iis_isolation *iso = NULL;
    assert_tl_ok(tl_iis_isolation_evaluate(&iso, a, names, sds, 2));
    bool unknown = false;
    for (size_t k = 0; k < tl_iis_isolation_count(iso); k++)
        unknown |= !tl_iis_isolation_at(iso, k)->known;
    assert_true(unknown);
    assert_false(tl_iis_isolation_holds(iso));
    tl_iis_isolation_free(iso);
    tl_sd_free(sd);
    tl_iis_audit_free(a);
}

/* ---- streamed JSON (issue 18 item 2) --------------------------------------------------- */
/* A header-free byte counter (the C library's own block sizes), so blocks allocated before
 * it is installed can be freed while it is, and the other way round. */
static size_t heap_cur, heap_peak;
static size_t block_size(void *p)
{
#ifdef _WIN32
    return p ? _msize(p) : 0;
#else
    return p ? malloc_usable_size(p) : 0;
#endif
}
static void *count_malloc(size_t n)
{
    void *p = malloc(n);
    heap_cur += block_size(p);
    if (heap_cur > heap_peak)
        heap_peak = heap_cur;
    return p;
}
static void count_free(void *p)
{
    heap_cur -= heap_cur >= block_size(p) ? block_size(p) : heap_cur;
    free(p);
}
static void *count_realloc(void *p, size_t n)
{
    size_t old = block_size(p);
    void *q = realloc(p, n);
    if (!q)
        return NULL;
    heap_cur = heap_cur - (heap_cur >= old ? old : heap_cur) + block_size(q);
    if (heap_cur > heap_peak)
        heap_peak = heap_cur;
    return q;
}

typedef struct collected {
    char *data;
    size_t len, cap;
    int pieces, fail_at;
} collected;

static int collect(const char *text, size_t len, void *ctx)
{
    collected *c = ctx;
    if (strlen(text) != len)
        return -2; /* not NUL-terminated at len: the contract */
    if (++c->pieces == c->fail_at)
        return -1;
    if (c->len + len + 1 > c->cap) {
        size_t cap = (c->len + len + 1) * 2;
        char *d = realloc(c->data, cap);
        if (!d)
            return -1;
        c->data = d;
        c->cap = cap;
    }
    memcpy(c->data + c->len, text, len + 1);
    c->len += len;
    return 0;
}

static void test_streamed_json(void **state)
{
    (void)state;
    const char *path = "test_iis_stream.config";
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    enum { N = 3000 };
    fputs("<configuration><system.applicationHost><applicationPools>", f);
    for (int i = 0; i < N; i++)
        fprintf(f, "<add name=\"p%d\" />", i);
    fputs("</applicationPools><sites>", f);
    for (int i = 0; i < N; i++)
        fprintf(f,
                "<site name=\"s%d\" id=\"%d\"><application path=\"/\" applicationPool=\"p%d\">"
                "<virtualDirectory path=\"/\" physicalPath=\"D:\\s%d\" /></application>"
                "<bindings><binding protocol=\"http\" bindingInformation=\"*:80:s%d\" />"
                "</bindings></site>",
                i, i + 1, i, i, i);
    fputs("</sites></system.applicationHost><system.webServer><security><authentication>"
          "<anonymousAuthentication enabled=\"true\" userName=\"IUSR\" /></authentication>"
          "</security></system.webServer></configuration>",
          f);
    assert_int_equal(fclose(f), 0);
    tl_server *srv = NULL;
    assert_tl_ok(tl_server_load(&srv, path, NULL));
    char *whole = NULL;
    assert_tl_ok(tl_server_to_json(&whole, srv));
    size_t len = strlen(whole);
    /* the same bytes, in pieces, with the library's heap far below the document's size */
    collected c = {NULL, 0, 0, 0, 0};
    heap_cur = heap_peak = 0;
    tl_set_allocator(count_malloc, count_realloc, count_free);
    int rc = tl_server_write_json(srv, collect, &c);
    tl_set_allocator(NULL, NULL, NULL);
    assert_tl_ok(rc);
    assert_int_equal(c.len, len);
    assert_memory_equal(c.data, whole, len);
    assert_true(c.pieces > 1);
    if (heap_peak > len / 8)
        fail_msg("streaming peaked at %zu bytes of heap for a %zu-byte document", heap_peak, len);
    /* a writer that fails stops the writing: TL_EIO */
    collected bad = {NULL, 0, 0, 0, 2};
    assert_tl_error(tl_server_write_json(srv, collect, &bad), TL_EIO);
    assert_int_equal(bad.pieces, 2);
    assert_tl_error(tl_server_write_json(srv, NULL, NULL), TL_EINVAL);
    assert_tl_error(tl_server_write_json(NULL, collect, &c), TL_EINVAL);
    free(bad.data);
    free(c.data);
    /* and the audit's own JSON is the server's without "server_notes" and the per-application
     * web.config keys: the two share one writer */
    char *audit_json = NULL;
    assert_tl_ok(tl_iis_audit_to_json(&audit_json, tl_server_audit(srv)));
    json_t *a = json_loads(audit_json, 0, NULL), *w = json_loads(whole, 0, NULL);
    assert_non_null(a);
    assert_non_null(w);
    assert_int_equal(json_array_size(json_object_get(a, "sites")), N);
    assert_null(json_object_get(a, "server_notes"));
    assert_non_null(json_object_get(w, "server_notes"));
    json_decref(a);
    json_decref(w);
    tl_free(audit_json);
    tl_free(whole);
    tl_server_free(srv);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_app_rows),
        cmocka_unit_test(test_shared_rows),
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_coke_pepsi_words),
        cmocka_unit_test(test_json_contract),
        cmocka_unit_test(test_scenario),
        cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_huge_attribute),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_outputs_untouched),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_isolation),
        cmocka_unit_test(test_isolation_bounds),
        cmocka_unit_test(test_ids_and_account_names),
        cmocka_unit_test(test_isolation_unknown_is_not_safe),
        cmocka_unit_test(test_streamed_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
