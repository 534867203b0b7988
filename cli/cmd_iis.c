/* tokenlens iis: who every site of an applicationHost.config runs as. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: tokenlens iis [CONFIG] [--json] [--var NAME=VALUE]... [--map WINPATH=DIR]...\n"
    "       tokenlens iis <applicationHost.config> --explain SITE [--app PATH] [--hop SPN]\n"
    "                     [--machine NAME] [--domain NAME] [--user DOMAIN\\\\USER]\n"
    "                     [--protocol ntlm|kerberos] [--scenario] [--json]\n"
    "       tokenlens iis <applicationHost.config> (--content SITE=SDDL)... [--content-file FILE]\n"
    "                     [--json]\n"
    "\n"
    "Reads an IIS (or IIS Express) applicationHost.config and shows, per site and application,\n"
    "the application pool, the process identity (with its SID: S-1-5-82-... for\n"
    "ApplicationPoolIdentity), the identity anonymous requests run as, Windows authentication,\n"
    "which sites share an anonymous identity (and so can read each other's content), and\n"
    "findings with their fix. Passwords in the file are never read or printed.\n"
    "\n"
    "  --json            machine-readable output (sites, shared_anonymous_identities,\n"
    "                    application_pools, findings)\n"
    "  --var NAME=VALUE  value of a %VARIABLE% in physical paths (IIS Express:\n"
    "                    IIS_SITES_HOME, IIS_USER_HOME); %SystemDrive%, %windir% and the\n"
    "                    like default to their Windows values\n"
    "  --map WINPATH=DIR read every application's web.config from a copy of the server's\n"
    "                    disk (repeatable; e.g. --map C:\\=/mnt/web01/c): with --json each\n"
    "                    application gains \"web_config\" and \"hops\". CONFIG follows\n"
    "                    configSource= and redirection.config; on Windows it defaults to\n"
    "                    %windir%\\system32\\inetsrv\\config\\applicationHost.config\n"
    "  --explain SITE    hand one site to the explain engine: which identity each hop runs as\n"
    "                    and arrives as (--scenario prints the scenario JSON instead)\n"
    "  --app PATH        the application of SITE to explain (default: the root, /)\n"
    "  --hop SPN         the off-box call to explain, e.g. MSSQLSvc/db01.contoso.com:1433\n"
    "  --machine NAME    the web server's computer name (default WEB01)\n"
    "  --domain NAME     its NetBIOS domain (default: a workgroup machine)\n"
    "  --user NAME       the requesting user (default: anonymous when the site allows it)\n"
    "  --protocol P      how that user authenticated: ntlm (default) or kerberos\n"
    "  --content SITE=SDDL  the security descriptor of SITE's content folder (from\n"
    "                    icacls /save or Get-Acl | % Sddl); with two or more, the isolation\n"
    "                    verdict: which sites' anonymous identities can read which sites'\n"
    "                    content (exit status 1 when isolation fails)\n"
    "  --content-file F  the same as lines SITE=SDDL in a file (# starts a comment)\n";

static json_t *ident(const tl_iis_identity *id)
{
    return id ? cli_json_identity(id->name, id->sid_known ? &id->sid : NULL) : json_null();
}

static void print_identity(const tl_iis_identity *id)
{
    char sid[TL_SID_STRING_MAX];
    if (!id) {
        cli_printf("(anonymous off)");
        return;
    }
    cli_printf("%s", id->name);
    if (id->sid_known && tl_sid_to_string(sid, sizeof sid, &id->sid) == TL_OK)
        cli_printf(" (%s)", sid);
    else
        cli_printf(" (SID: ask the account database)");
}

static void print_auth(const tl_iis_auth *au)
{
    if (!au->windows_enabled) {
        cli_printf("off");
        return;
    }
    cli_printf("on [");
    for (size_t i = 0; i < au->provider_count; i++)
        cli_printf("%s%s", i ? ", " : "", tl_iis_auth_provider(au, i));
    cli_printf("] kernel mode %s, app pool credentials %s", au->use_kernel_mode ? "on" : "off",
               au->use_app_pool_credentials ? "on" : "off");
}

static void print_text(const tl_iis_audit *a)
{
    size_t n = tl_iis_site_count(a);
    cli_printf("%zu site%s, %zu application pool%s\n", n, n == 1 ? "" : "s", tl_iis_pool_count(a),
               tl_iis_pool_count(a) == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const tl_iis_site *s = tl_iis_site_at(a, i);
        cli_printf("\nsite %s (id %llu)\n", s->name, (unsigned long long)s->id);
        for (size_t k = 0; k < s->binding_count; k++)
            cli_printf("  binding     %s\n", tl_iis_site_binding(s, k));
        for (size_t k = 0; k < s->app_count; k++) {
            const tl_iis_app *app = tl_iis_site_app(s, k);
            const char *ind = k ? "    " : "  ";
            if (k)
                cli_printf("  application %s\n", app->path);
            cli_printf("%spool        %s (%s)%s\n", ind, app->app_pool,
                       tl_iis_identity_type_name(app->pool->identity_type),
                       app->pool->declared ? "" : " NOT DEFINED");
            cli_printf("%sprocess     ", ind);
            print_identity(&app->pool->identity);
            cli_printf("\n%sanonymous   ", ind);
            print_identity(app->anonymous);
            if (app->anonymous && !*app->auth.anonymous_user)
                cli_printf(" = the pool identity (userName=\"\")");
            cli_printf("\n%swindows     ", ind);
            print_auth(&app->auth);
            cli_printf("\n");
            if (app->physical_path)
                cli_printf("%scontent     %s%s%s\n", ind, app->physical_path,
                           app->content_user ? " read as " : "",
                           app->content_user ? app->content_user : "");
            if (app->config_error)
                cli_printf("%sERROR       %s\n", ind, app->config_error);
        }
    }
    size_t ns = tl_iis_shared_count(a);
    cli_printf("\nshared anonymous identities: %s\n", ns ? "" : "none");
    for (size_t i = 0; i < ns; i++) {
        const tl_iis_shared_identity *g = tl_iis_shared_at(a, i);
        cli_printf("  %s:", g->identity.name);
        for (size_t k = 0; k < g->site_count; k++)
            cli_printf(" %s", tl_iis_shared_site(g, k));
        cli_printf("\n");
    }
    size_t nf = tl_iis_finding_count(a);
    cli_printf("\nfindings: %s\n", nf ? "" : "none");
    for (size_t i = 0; i < nf; i++) {
        const tl_iis_finding *f = tl_iis_finding_at(a, i);
        cli_printf("  [%s] %s\n    fix: %s\n", tl_iis_severity_name(f->severity), f->text, f->fix);
    }
    /* about the input itself (an account name IIS cannot log on, configSource files read) */
    size_t nw = tl_iis_warning_count(a);
    if (nw)
        cli_printf("\nwarnings:\n");
    for (size_t i = 0; i < nw; i++)
        cli_printf("  %s\n", tl_iis_warning_at(a, i));
}

/* The explain engine answers "and off the box?" for one site. */
#include "tokenlens/sim.h"
#include "tokenlens/sd.h"

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a,
            y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (x != y || !x)
            return x - y;
    }
}

static int explain_site(const tl_iis_audit *a, cli_opt *opts, int json)
{
    size_t site;
    int rc = tl_iis_site_find(&site, a, cli_find(opts, "explain")->value);
    if (rc != TL_OK)
        return cli_fail("iis", rc, NULL);
    if ((rc = cli_name_option("iis", "machine", TL_NAME_COMPUTER,
                              cli_find(opts, "machine")->value)) ||
        (rc = cli_name_option("iis", "domain", TL_NAME_DOMAIN, cli_find(opts, "domain")->value)) ||
        (rc = cli_name_option("iis", "user", TL_NAME_DOMAIN_USER, cli_find(opts, "user")->value)) ||
        (rc = cli_name_option("iis", "hop", TL_NAME_SPN, cli_find(opts, "hop")->value)))
        return rc;
    tl_iis_scenario_options so = TL_IIS_SCENARIO_OPTIONS_INIT;
    so.machine = cli_find(opts, "machine")->value;
    so.domain = cli_find(opts, "domain")->value;
    so.request_user = cli_find(opts, "user")->value;
    so.protocol = cli_find(opts, "protocol")->value;
    so.hop_target = cli_find(opts, "hop")->value;
    so.application = cli_find(opts, "app")->value;
    char *text = NULL;
    if ((rc = tl_iis_site_scenario_json(&text, a, site, &so)) != TL_OK)
        return cli_fail("iis", rc, NULL);
    if (cli_find(opts, "scenario")->seen) {
        cli_printf("%s\n", text);
        tl_free(text);
        return CLI_OK;
    }
    tl_scenario *sc = NULL;
    tl_explanation *ex = NULL;
    char *outtext = NULL;
    rc = tl_scenario_from_json(&sc, text, strlen(text));
    tl_free(text);
    if (rc == TL_OK)
        rc = tl_scenario_explain(&ex, sc);
    if (rc == TL_OK)
        rc = json ? tl_explanation_to_json(&outtext, ex) : tl_explanation_to_text(&outtext, ex);
    tl_explanation_free(ex);
    tl_scenario_free(sc);
    if (rc != TL_OK)
        return cli_fail("iis", rc, "explain");
    cli_printf("%s\n", outtext);
    tl_free(outtext);
    return CLI_OK;
}

/* ---- isolation verdict ------------------------------------------------------------------ */

/* --content SITE=SDDL: the '=' is checked here (a usage error, exit 2); the pair itself is
 * read by the library (tokenlens/iis_content.h), as the bindings read it. */
static int content_add(tl_iis_content *c, const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return cli_usage("iis", "--content: expected SITE=SDDL, not '%s'", spec);
    int rc = tl_iis_content_add_spec(c, spec);
    return rc == TL_OK ? CLI_OK : cli_fail("iis", rc, "--content");
}

/* Write `v` (taken) as jansson dumps it at `depth` of a JSON_INDENT(2) document: its own
 * dump with every line break indented by 2 x depth more spaces, which is byte for byte the
 * whole tree's dump (cli_print_json's flags), one element at a time. */
static int put_json_at(json_t *v, int depth)
{
    char *t = v ? json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
    json_decref(v);
    if (!t)
        return -1;
    size_t lines = 0, n = strlen(t);
    for (size_t i = 0; i < n; i++)
        lines += t[i] == '\n';
    char *o = malloc(n + lines * (size_t)(2 * depth) + 1);
    if (!o) {
        free(t);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        o[k++] = t[i];
        if (t[i] == '\n')
            for (int d = 0; d < 2 * depth; d++)
                o[k++] = ' ';
    }
    o[k] = '\0';
    free(t);
    int rc = cli_fputs(o, stdout);
    free(o);
    return rc < 0 ? -1 : 0;
}

static void print_check(const tl_iis_isolation_check *k, bool own)
{
    cli_printf("  %-12s as %-40s -> %-12s %s%s\n", k->reader, k->identity->name, k->content,
               !k->known     ? "unknown"
               : k->can_read ? "CAN READ"
                             : "denied",
               !own ? ""
               : (k->known && !k->can_read)
                   ? " (its own content: anonymous requests will get 401.3 Access Denied)"
                   : " (its own content)");
    if (k->reason && *k->reason)
        cli_printf("      because %s\n", k->reason);
}

/* A reader's denied reads of other sites' content are listed one by one up to this many;
 * beyond, one line counts them (the text stays linear in what breaks isolation; --json lists
 * every check). */
#define DENIED_LISTED 8

static int isolation(const tl_iis_audit *a, const tl_iis_content *c, int json)
{
    tl_iis_isolation *iso = NULL;
    int rc = tl_iis_content_evaluate(&iso, a, c);
    if (rc != TL_OK)
        return cli_fail("iis", rc, "isolation");
    bool holds = tl_iis_isolation_holds(iso);
    size_t n = tl_iis_isolation_count(iso);
    if (json) {
        /* {"isolation": {"holds": ..., "checks": [...]}}, streamed one check at a time */
        int bad = cli_printf("{\n  \"isolation\": {\n    \"holds\": %s,\n    \"checks\": [",
                             holds ? "true" : "false") < 0;
        for (size_t i = 0; i < n && !bad; i++) {
            const tl_iis_isolation_check *k = tl_iis_isolation_at(iso, i);
            json_t *e = json_object();
            json_object_set_new(e, "reader", json_string(k->reader));
            json_object_set_new(e, "identity", ident(k->identity));
            json_object_set_new(e, "content", json_string(k->content));
            json_object_set_new(e, "can_read", k->known ? json_boolean(k->can_read) : json_null());
            json_object_set_new(e, "own_content",
                                json_boolean(ascii_casecmp(k->reader, k->content) == 0));
            json_object_set_new(e, "reason", json_string(k->reason ? k->reason : ""));
            bad = cli_fputs(i ? ",\n      " : "\n      ", stdout) < 0 || put_json_at(e, 3) != 0;
        }
        if (!bad)
            bad = cli_fputs(n ? "\n    ]\n  }\n}\n" : "]\n  }\n}\n", stdout) < 0;
        tl_iis_isolation_free(iso);
        if (bad) {
            cli_fprintf(stderr, "tokenlens iis: error: writing the isolation JSON failed\n");
            return CLI_FAILED;
        }
        return holds ? CLI_OK : CLI_FAILED;
    }
    cli_printf("isolation: can each site's anonymous identity read (FILE_GENERIC_READ) each "
               "site's content?\n");
    for (size_t i = 0; i < n;) {
        /* one reader's checks: i .. end */
        size_t end = i, denied = 0;
        while (end < n &&
               tl_iis_isolation_at(iso, end)->reader == tl_iis_isolation_at(iso, i)->reader)
            end++;
        for (size_t j = i; j < end; j++) {
            const tl_iis_isolation_check *k = tl_iis_isolation_at(iso, j);
            denied += k->known && !k->can_read && ascii_casecmp(k->reader, k->content) != 0;
        }
        for (size_t j = i; j < end; j++) {
            const tl_iis_isolation_check *k = tl_iis_isolation_at(iso, j);
            bool own = ascii_casecmp(k->reader, k->content) == 0;
            if (own || !k->known || k->can_read || denied <= DENIED_LISTED)
                print_check(k, own);
        }
        if (denied > DENIED_LISTED) {
            const tl_iis_isolation_check *k = tl_iis_isolation_at(iso, i);
            cli_printf("  %-12s as %-40s -> denied on %zu other sites' content (--json lists "
                       "each check)\n",
                       k->reader, k->identity->name, denied);
        }
        i = end;
    }
    bool breach = false;
    for (size_t i = 0; i < n && !breach; i++) {
        const tl_iis_isolation_check *k = tl_iis_isolation_at(iso, i);
        breach = k->known && k->can_read && ascii_casecmp(k->reader, k->content) != 0;
    }
    cli_printf("verdict: %s\n",
               holds    ? "isolation holds: no site's anonymous identity can read another site's "
                          "content"
               : breach ? "isolation FAILS: a site's anonymous identity can read another site's "
                          "content (use the pool identity as the anonymous user, one pool per "
                          "site, and grant each folder to its own IIS APPPOOL\\<pool> only)"
                        : "isolation NOT SHOWN: an anonymous identity is a specific account whose "
                          "SID is not known offline, so what it can read is unknown (use the "
                          "pool identity as the anonymous user, or check that account's access "
                          "on the server)");
    tl_iis_isolation_free(iso);
    return holds ? CLI_OK : CLI_FAILED;
}

/* tl_server_write_json's pieces: whole JSON tokens, through cli_out.c as all CLI text. */
static int write_out(const char *text, size_t len, void *ctx)
{
    (void)len;
    (void)ctx;
    return cli_fputs(text, stdout) < 0 ? -1 : 0;
}

/* Options that would do nothing in the combination given are usage errors naming them
 * (issue 18 item 6): a user who typed one expects it to change the answer. */
static int check_combinations(cli_opt *opts, int json)
{
    static const char *const explain_only[] = {"app",  "hop",      "machine", "domain",
                                               "user", "protocol", "scenario"};
    bool explain = cli_find(opts, "explain")->seen;
    bool content = cli_find(opts, "content")->nvalues > 0 || cli_find(opts, "content-file")->seen;
    for (size_t i = 0; i < sizeof explain_only / sizeof explain_only[0]; i++)
        if (!explain && cli_find(opts, explain_only[i])->seen)
            return cli_usage("iis", "--%s only goes with --explain SITE", explain_only[i]);
    if (explain && content)
        return cli_usage("iis", "--explain and --%s are different questions: give one",
                         cli_find(opts, "content")->nvalues ? "content" : "content-file");
    if (cli_find(opts, "protocol")->seen && !cli_find(opts, "user")->seen)
        return cli_usage("iis", "--protocol says how --user authenticated: give --user too (an "
                                "anonymous request has no protocol)");
    if (cli_find(opts, "map")->nvalues && (explain || content || !json))
        return cli_usage("iis",
                         "--map only changes the whole-server --json output (web_config "
                         "and hops per application); %s",
                         explain   ? "--explain does not read web.config files"
                         : content ? "the isolation verdict does not read web.config files"
                                   : "add --json");
    return CLI_OK;
}

static void help(void)
{
    cli_fputs(usage_text, stdout);
}

static int run(cli_opt *opts, const char **pos, int npos)
{
    int st;
#ifdef _WIN32
    /* On Windows the server's own configuration is the default. */
    char defconf[600];
    const char *config_default[1];
    if (npos == 0) {
        const char *windir = getenv("windir");
        snprintf(defconf, sizeof defconf, "%s\\system32\\inetsrv\\config\\applicationHost.config",
                 windir ? windir : "C:\\Windows");
        config_default[0] = defconf;
        pos = config_default;
        npos = 1;
    }
#endif
    if (npos != 1)
        return cli_usage("iis", "expected one applicationHost.config path");
    cli_opt *maps = cli_find(opts, "map");
    for (int i = 0; i < maps->nvalues; i++)
        if (!strchr(maps->values[i], '=') || maps->values[i][0] == '=')
            return cli_usage("iis", "--map takes WINPATH=DIR (e.g. C:\\=/mnt/web01/c), not '%s'",
                             maps->values[i]);
    int json = cli_find(opts, "json")->seen;
    for (int i = 0; i < cli_find(opts, "var")->nvalues; i++) {
        const char *v = cli_find(opts, "var")->values[i];
        if (!strchr(v, '=') || v[0] == '=')
            return cli_usage("iis", "--var takes NAME=VALUE (a non-empty NAME), not '%s'", v);
    }
    if ((st = check_combinations(opts, json)) != CLI_OK)
        return st;
    tl_iis_options o = TL_IIS_OPTIONS_INIT;
    o.variables = cli_find(opts, "var")->values;
    o.variable_count = (size_t)cli_find(opts, "var")->nvalues;
    tl_iis_audit *a = NULL;
    int rc = tl_iis_audit_load(&a, pos[0], &o);
    if (rc != TL_OK)
        return cli_fail("iis", rc, pos[0]);
    tl_iis_content *content = NULL;
    cli_opt *co = cli_find(opts, "content");
    st = tl_iis_content_new(&content) == TL_OK ? CLI_OK : cli_fail("iis", TL_ENOMEM, NULL);
    for (int i = 0; i < co->nvalues && st == CLI_OK; i++)
        st = content_add(content, co->values[i]);
    if (st == CLI_OK && cli_find(opts, "content-file")->seen) {
        const char *file = cli_find(opts, "content-file")->value;
        if ((rc = tl_iis_content_load(content, file)) != TL_OK)
            st = cli_fail("iis", rc, NULL);
    }
    if (st != CLI_OK) {
        /* already reported */
    } else if (tl_iis_content_count(content)) {
        st = isolation(a, content, json);
    } else if (cli_find(opts, "explain")->seen) {
        st = explain_site(a, opts, json);
    } else if (json) {
        /* the whole server: each application with its web.config and hops */
        tl_server_options so = TL_SERVER_OPTIONS_INIT;
        so.maps = maps->values;
        so.map_count = (size_t)maps->nvalues;
        so.variables = o.variables;
        so.variable_count = o.variable_count;
        tl_server *srv = NULL;
        rc = tl_server_load(&srv, pos[0], &so);
        if (rc == TL_OK)
            rc = tl_server_write_json(srv, write_out, NULL); /* one site at a time */
        tl_server_free(srv);
        if (rc != TL_OK)
            st = cli_fail("iis", rc, NULL);
        else {
            cli_putchar('\n');
            st = CLI_OK;
        }
    } else {
        print_text(a);
        st = CLI_OK;
    }
    tl_iis_content_free(content);
    tl_iis_audit_free(a);
    return st;
}

static const cli_command command = {"iis", help, 1, run};

int cmd_iis(int argc, char **argv)
{
    cli_opt opts[] = {CLI_FLAG("json", 0),   CLI_REPEAT("var"),
                      CLI_VALUE("explain"),  CLI_VALUE("app"),
                      CLI_VALUE("hop"),      CLI_VALUE("machine"),
                      CLI_VALUE("domain"),   CLI_VALUE("user"),
                      CLI_VALUE("protocol"), CLI_FLAG("scenario", 0),
                      CLI_REPEAT("content"), CLI_VALUE("content-file"),
                      CLI_REPEAT("map"),     CLI_END};
    return cli_run(&command, opts, argc, argv);
}
