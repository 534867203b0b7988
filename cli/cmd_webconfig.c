/* tokenlens webconfig: what a web.config says about who the application runs as and which
 * remote resources it reaches (SQL Server SPNs from connection strings, UNC shares). JSON:
 * docs/webconfig.md. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

#define CMD "webconfig"

static void help(void)
{
    cli_printf(
        "Usage: tokenlens webconfig FILE [--json]\n\n"
        "Read an application's web.config (with the hardening of 'tokenlens iis': no DTDs,\n"
        "size, depth and token limits) and show what decides the identity of its calls:\n"
        "system.web/identity (impersonate, userName), authentication mode, the ASP.NET Core\n"
        "Module (hostingModel with the module's default, forwardWindowsAuthToken), <location>\n"
        "blocks, system.webServer authentication overrides (locked at server level by\n"
        "default: HTTP 500.19), configSource / appSettings file= includes, xdt transforms\n"
        "(reported, not applied) and encrypted sections (reported, never guessed).\n"
        "Connection strings in <connectionStrings> and <appSettings> are parsed with the\n"
        "SqlClient rules into the SPN a SQL client asks for; UNC paths become cifs/SERVER.\n\n"
        "Options:\n"
        "  --json   print the web.config JSON (docs/webconfig.md)\n");
}

static void print_human(const tl_webconfig *w, const char *file)
{
    const char *user = tl_webconfig_impersonate_user(w);
    const char *mode = tl_webconfig_authentication_mode(w);
    cli_printf("%s\n", file);
    cli_printf("  impersonate:     %s%s%s\n", tl_webconfig_impersonate(w) ? "yes" : "no",
               user ? " as " : "", user ? user : "");
    cli_printf("  authentication:  %s\n", mode ? mode : "(not set here: Windows, machine.config)");
    if (tl_webconfig_is_aspnetcore(w))
        cli_printf("  ASP.NET Core:    %s, forwardWindowsAuthToken %s\n",
                   tl_webconfig_hosting_model(w),
                   tl_webconfig_forward_windows_auth_token(w) ? "true" : "false");
    size_t n = tl_webconfig_connection_count(w);
    cli_printf("  connections (%zu):\n", n);
    for (size_t i = 0; i < n; i++) {
        const tl_connection *c = tl_webconfig_connection_at(w, i);
        const char *spn = tl_connection_spn(c);
        const char *host = tl_connection_host(c);
        cli_printf("    %s (%s): ", tl_webconfig_connection_name(w, i),
                   tl_webconfig_connection_where(w, i));
        if (!tl_connection_is_sql_server(c))
            cli_printf("not SQL Server (%s)\n",
                       tl_connection_provider_name(tl_connection_provider_kind(c)));
        else
            cli_printf("%s, %s%s\n",
                       spn    ? spn
                       : host ? host
                              : "(no Data Source)",
                       tl_connection_integrated(c) ? "Windows integrated (the caller's identity)"
                                                   : "SQL login (no Windows identity)",
                       spn                              ? ""
                       : host && !strcmp(host, "local") ? ", on this machine"
                                                        : "");
    }
    size_t u = tl_webconfig_unc_count(w);
    if (u) {
        cli_printf("  UNC paths (%zu):\n", u);
        for (size_t i = 0; i < u; i++)
            cli_printf("    %s\n", tl_webconfig_unc_at(w, i));
    }
    size_t k = tl_webconfig_note_count(w);
    if (k) {
        cli_printf("  notes:\n");
        for (size_t i = 0; i < k; i++)
            cli_printf("    %s\n", tl_webconfig_note_at(w, i));
    }
}

int cmd_webconfig(int argc, char **argv)
{
    cli_opt opts[] = {{"json", 'j', 0, 0, 0, NULL, NULL, 0}, {NULL, 0, 0, 0, 0, NULL, NULL, 0}};
    const char *pos[1];
    int npos = 0, want_help = 0;
    int rc = cli_parse(CMD, argc, argv, opts, pos, 1, &npos, &want_help);
    if (rc != CLI_OK) {
        cli_opts_free(opts);
        return rc;
    }
    if (want_help) {
        help();
        cli_opts_free(opts);
        return CLI_OK;
    }
    int json = cli_find(opts, "json")->seen;
    cli_opts_free(opts);
    if (npos != 1)
        return cli_usage(CMD, "expected one web.config FILE");
    tl_webconfig *w = NULL;
    if ((rc = tl_webconfig_load(&w, pos[0], NULL)) != TL_OK)
        return cli_fail(CMD, rc, NULL);
    int status = CLI_OK;
    if (json) {
        char *text = NULL;
        if ((rc = tl_webconfig_to_json(&text, w)) != TL_OK)
            status = cli_fail(CMD, rc, pos[0]);
        else
            cli_printf("%s\n", text);
        tl_free(text);
    } else {
        print_human(w, pos[0]);
    }
    tl_webconfig_free(w);
    return status;
}
