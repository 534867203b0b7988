/* tokenlens iis: who every site of an applicationHost.config runs as. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: tokenlens iis <applicationHost.config> [--json] [--var NAME=VALUE]...\n"
    "       tokenlens iis <applicationHost.config> --explain SITE [--app PATH] [--hop SPN]\n"
    "                     [--machine NAME] [--domain NAME] [--user DOMAIN\\\\USER]\n"
    "                     [--protocol ntlm|kerberos] [--scenario] [--json]\n"
    "\n"
    "Reads an IIS (or IIS Express) applicationHost.config and shows, per site and application,\n"
    "the application pool, the process identity (with its SID: S-1-5-82-... for\n"
    "ApplicationPoolIdentity), the identity anonymous requests run as, Windows authentication,\n"
    "which sites share an anonymous identity (and so can read each other's content), and\n"
    "findings with their fix. Passwords in the file are never read or printed.\n"
    "\n"
    "  --json            machine-readable output (sites, shared_anonymous_identities,\n"
    "                    application_pools, findings)\n"
    "  --var NAME=VALUE  value of a %%VARIABLE%% in physical paths (IIS Express:\n"
    "                    IIS_SITES_HOME, IIS_USER_HOME)\n"
    "  --explain SITE    hand one site to the explain engine: which identity each hop runs as\n"
    "                    and arrives as (--scenario prints the scenario JSON instead)\n"
    "  --app PATH        the application of SITE to explain (default: the root, /)\n"
    "  --hop SPN         the off-box call to explain, e.g. MSSQLSvc/db01.contoso.com:1433\n"
    "  --machine NAME    the web server's computer name (default WEB01)\n"
    "  --domain NAME     its NetBIOS domain (default: a workgroup machine)\n"
    "  --user NAME       the requesting user (default: anonymous when the site allows it)\n"
    "  --protocol P      how that user authenticated: ntlm (default) or kerberos\n";

static json_t *ident(const tl_iis_identity *id)
{
    return id ? cli_json_identity(id->name, id->sid_known ? &id->sid : NULL) : json_null();
}

static void print_identity(const tl_iis_identity *id)
{
    char sid[TL_SID_STRING_MAX];
    if (!id) {
        printf("(anonymous off)");
        return;
    }
    printf("%s", id->name);
    if (id->sid_known && tl_sid_to_string(sid, sizeof sid, &id->sid) == TL_OK)
        printf(" (%s)", sid);
    else
        printf(" (SID: ask the account database)");
}

static void print_auth(const tl_iis_auth *au)
{
    if (!au->windows_enabled) {
        printf("off");
        return;
    }
    printf("on [");
    for (size_t i = 0; i < au->provider_count; i++)
        printf("%s%s", i ? ", " : "", au->providers[i]);
    printf("] kernel mode %s, app pool credentials %s", au->use_kernel_mode ? "on" : "off",
           au->use_app_pool_credentials ? "on" : "off");
}

static void print_text(const tl_iis_audit *a)
{
    size_t n = tl_iis_site_count(a);
    printf("%zu site%s, %zu application pool%s\n", n, n == 1 ? "" : "s", tl_iis_pool_count(a),
           tl_iis_pool_count(a) == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const tl_iis_site *s = tl_iis_site_at(a, i);
        printf("\nsite %s (id %llu)\n", s->name, (unsigned long long)s->id);
        for (size_t k = 0; k < s->binding_count; k++)
            printf("  binding     %s\n", s->bindings[k]);
        for (size_t k = 0; k < s->app_count; k++) {
            const tl_iis_app *app = &s->apps[k];
            const char *ind = k ? "    " : "  ";
            if (k)
                printf("  application %s\n", app->path);
            printf("%spool        %s (%s)%s\n", ind, app->app_pool,
                   tl_iis_identity_type_name(app->pool->identity_type),
                   app->pool->declared ? "" : " NOT DEFINED");
            printf("%sprocess     ", ind);
            print_identity(&app->pool->identity);
            printf("\n%sanonymous   ", ind);
            print_identity(app->anonymous);
            if (app->anonymous && !*app->auth.anonymous_user)
                printf(" = the pool identity (userName=\"\")");
            printf("\n%swindows     ", ind);
            print_auth(&app->auth);
            printf("\n");
            if (app->physical_path)
                printf("%scontent     %s\n", ind, app->physical_path);
            if (app->config_error)
                printf("%sERROR       %s\n", ind, app->config_error);
        }
    }
    size_t ns = tl_iis_shared_count(a);
    printf("\nshared anonymous identities: %s\n", ns ? "" : "none");
    for (size_t i = 0; i < ns; i++) {
        const tl_iis_shared_identity *g = tl_iis_shared_at(a, i);
        printf("  %s:", g->identity.name);
        for (size_t k = 0; k < g->site_count; k++)
            printf(" %s", g->sites[k]);
        printf("\n");
    }
    size_t nf = tl_iis_finding_count(a);
    printf("\nfindings: %s\n", nf ? "" : "none");
    for (size_t i = 0; i < nf; i++) {
        const tl_iis_finding *f = tl_iis_finding_at(a, i);
        printf("  [%s] %s\n    fix: %s\n", tl_iis_severity_name(f->severity), f->text, f->fix);
    }
}

/* The explain engine answers "and off the box?" for one site. */
#include "tokenlens/sim.h"

static int explain_site(const tl_iis_audit *a, cli_opt *opts, int json)
{
    size_t site;
    int rc = tl_iis_site_find(&site, a, cli_find(opts, "explain")->value);
    if (rc != TL_OK)
        return cli_fail("iis", rc, NULL);
    tl_iis_scenario_options so;
    memset(&so, 0, sizeof so);
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
        printf("%s\n", text);
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
    printf("%s\n", outtext);
    tl_free(outtext);
    return CLI_OK;
}

int cmd_iis(int argc, char **argv)
{
    cli_opt opts[] = {
        {"json", 0, 0, 0},     {"var", 0, 1, 1},      {"explain", 0, 1, 0},
        {"app", 0, 1, 0},      {"hop", 0, 1, 0},      {"machine", 0, 1, 0},
        {"domain", 0, 1, 0},   {"user", 0, 1, 0},     {"protocol", 0, 1, 0},
        {"scenario", 0, 0, 0}, {"content", 0, 1, 1},  {"content-file", 0, 1, 0},
        {NULL, 0, 0, 0},
    };
    const char *pos[1];
    int npos = 0, help = 0;
    int st = cli_parse("iis", argc, argv, opts, pos, 1, &npos, &help);
    if (st != CLI_OK) {
        cli_opts_free(opts);
        return st;
    }
    if (help) {
        fputs(usage, stdout);
        cli_opts_free(opts);
        return CLI_OK;
    }
    if (npos != 1) {
        cli_opts_free(opts);
        return cli_usage("iis", "expected one applicationHost.config path");
    }
    int json = cli_find(opts, "json")->seen;
    for (int i = 0; i < cli_find(opts, "var")->nvalues; i++)
        if (!strchr(cli_find(opts, "var")->values[i], '=')) {
            cli_opts_free(opts);
            return cli_usage("iis", "--var takes NAME=VALUE, not '%s'",
                             cli_find(opts, "var")->values[i]);
        }
    tl_iis_options o;
    memset(&o, 0, sizeof o);
    o.variables = cli_find(opts, "var")->values;
    o.variable_count = (size_t)cli_find(opts, "var")->nvalues;
    tl_iis_audit *a = NULL;
    int rc = tl_iis_audit_load(&a, pos[0], &o);
    if (rc != TL_OK) {
        cli_opts_free(opts);
        return cli_fail("iis", rc, pos[0]);
    }
    if (cli_find(opts, "explain")->seen) {
        st = explain_site(a, opts, json);
    } else if (json) {
        char *text = NULL;
        rc = tl_iis_audit_to_json(&text, a);
        if (rc != TL_OK)
            st = cli_fail("iis", rc, NULL);
        else {
            printf("%s\n", text);
            tl_free(text);
            st = CLI_OK;
        }
    } else {
        print_text(a);
        st = CLI_OK;
    }
    (void)ident;
    tl_iis_audit_free(a);
    cli_opts_free(opts);
    return st;
}
