/* tokenlens diagnose: the whole IIS server at once. For every site and application, every
 * off-box target its configuration names (connection strings with Windows credentials, UNC
 * shares), the explain engine's answer. docs/diagnose.md. */
#define _POSIX_C_SOURCE 200809L /* popen */
#include "cli.h"
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#define popen _popen
#define pclose _pclose
#endif

#define CMD "diagnose"

static void help(void)
{
    cli_printf(
        "Usage: tokenlens diagnose [CONFIG] [--map WINPATH=DIR]... [--var NAME=VALUE]...\n"
        "                          [--machine NAME] [--domain NAME] [--json | --dot | --svg]\n\n"
        "Read applicationHost.config (following configSource= and redirection.config) and,\n"
        "through the maps, every application's web.config (inheriting its parents' as\n"
        "ASP.NET does). For every site and application, and every off-box target found in\n"
        "its configuration (SQL Server with Windows credentials: the SPN the client asks\n"
        "for; UNC paths: cifs/SERVER), explain which identity the call arrives as and why:\n"
        "pool identity, anonymous identity, Windows authentication, impersonation, ASP.NET\n"
        "Core hosting. Text output is one screen per site.\n\n"
        "Options:\n"
        "  --map WINPATH=DIR  where a copy of the server's disk is (repeatable), e.g.\n"
        "                     --map C:\\=/mnt/web01/c; on Windows paths are read directly\n"
        "  --var NAME=VALUE   a %%VARIABLE%% of physical paths (SystemDrive, windir and the\n"
        "                     like default to their Windows values)\n"
        "  --machine NAME     the server's computer name (default WEB01; on Windows this\n"
        "                     machine)\n"
        "  --domain NAME      its NetBIOS domain (default: a workgroup machine; on Windows\n"
        "                     the logged-on user's domain when it is not the machine)\n"
        "  --json             {\"sites\": [{\"name\", \"applications\": [{\"path\", \"hops\":\n"
        "                     [HOP + \"source\"]}]}]} with HOP as in 'tokenlens explain --json'\n"
        "  --dot              Graphviz: sites, pools, identities and an arrow to every remote\n"
        "                     resource, coloured by outcome (render with: dot -Tsvg)\n"
        "  --svg              the same drawing as SVG (runs Graphviz's dot, which must be\n"
        "                     on PATH)\n\n"
        "On Windows CONFIG defaults to\n"
        "%%windir%%\\system32\\inetsrv\\config\\applicationHost.config.\n");
}

static int check_pairs(cli_opt *o, const char *what)
{
    for (int i = 0; i < o->nvalues; i++)
        if (!strchr(o->values[i], '=') || o->values[i][0] == '=')
            return cli_usage(CMD, "--%s takes %s, not '%s'", o->name, what, o->values[i]);
    return CLI_OK;
}

int cmd_diagnose(int argc, char **argv)
{
    cli_opt opts[] = {{"json", 'j', 0, 0, 0, NULL, NULL, 0}, {"dot", 0, 0, 0, 0, NULL, NULL, 0},
                      {"svg", 0, 0, 0, 0, NULL, NULL, 0},    {"map", 0, 1, 1, 0, NULL, NULL, 0},
                      {"var", 0, 1, 1, 0, NULL, NULL, 0},    {"machine", 0, 1, 0, 0, NULL, NULL, 0},
                      {"domain", 0, 1, 0, 0, NULL, NULL, 0}, {"ad", 0, 1, 0, 0, NULL, NULL, 0},
                      {NULL, 0, 0, 0, 0, NULL, NULL, 0}};
    const char *pos[1];
    int npos = 0, want_help = 0;
    int st = cli_parse(CMD, argc, argv, opts, pos, 1, &npos, &want_help);
    if (st != CLI_OK) {
        cli_opts_free(opts);
        return st;
    }
    if (want_help) {
        help();
        cli_opts_free(opts);
        return CLI_OK;
    }
#ifdef _WIN32
    char defconf[600];
    if (npos == 0) {
        const char *windir = getenv("windir");
        snprintf(defconf, sizeof defconf, "%s\\system32\\inetsrv\\config\\applicationHost.config",
                 windir ? windir : "C:\\Windows");
        pos[0] = defconf;
        npos = 1;
    }
#endif
    if (npos != 1)
        st = cli_usage(CMD, "expected one applicationHost.config path");
    else if (cli_find(opts, "json")->seen + cli_find(opts, "dot")->seen +
                 cli_find(opts, "svg")->seen >
             1)
        st = cli_usage(CMD, "--json, --dot and --svg are different outputs: give one");
    if (st == CLI_OK && cli_find(opts, "ad")->seen)
        st = cli_usage(CMD,
                       "--ad %s: delegation, sensitivity and SPN states from Active Directory "
                       "are not wired into diagnose in this build; give them in a scenario "
                       "('tokenlens explain --ad') instead",
                       cli_find(opts, "ad")->value);
    if (st == CLI_OK)
        st = check_pairs(cli_find(opts, "map"), "WINPATH=DIR (e.g. C:\\=/mnt/web01/c)");
    if (st == CLI_OK)
        st = check_pairs(cli_find(opts, "var"), "NAME=VALUE");
    if (st != CLI_OK) {
        cli_opts_free(opts);
        return st;
    }
    tl_server_options so = TL_SERVER_OPTIONS_INIT;
    so.maps = cli_find(opts, "map")->values;
    so.map_count = (size_t)cli_find(opts, "map")->nvalues;
    so.variables = cli_find(opts, "var")->values;
    so.variable_count = (size_t)cli_find(opts, "var")->nvalues;
    so.machine = cli_find(opts, "machine")->value;
    so.domain = cli_find(opts, "domain")->value;
#ifdef _WIN32
    /* on the server itself: this machine, and its domain when the user logged on to one */
    if (!so.machine && !so.domain) {
        const char *cn = getenv("COMPUTERNAME"), *ud = getenv("USERDOMAIN");
        so.machine = cn;
        so.domain = ud && cn && _stricmp(ud, cn) != 0 ? ud : NULL;
    }
#endif
    int svg = cli_find(opts, "svg")->seen;
    tl_diagnose_format fmt = cli_find(opts, "json")->seen         ? TL_DIAGNOSE_JSON
                             : cli_find(opts, "dot")->seen || svg ? TL_DIAGNOSE_DOT
                                                                  : TL_DIAGNOSE_TEXT;
    tl_server *srv = NULL;
    char *text = NULL;
    int rc = tl_server_load(&srv, pos[0], &so);
    if (rc == TL_OK)
        rc = tl_server_diagnose(&text, srv, fmt);
    if (rc == TL_OK && svg) {
        fflush(stdout);
        FILE *p = popen("dot -Tsvg", "w");
        int ok = p && fputs(text, p) >= 0;
        int pst = p ? pclose(p) : -1;
        if (!ok || pst != 0) {
            cli_fprintf(stderr, "tokenlens diagnose: --svg needs Graphviz's dot on PATH (it failed "
                                "or is missing); --dot prints the drawing's source\n");
            st = CLI_UNSUPPORTED;
        }
    } else if (rc == TL_OK) {
        cli_fputs(text, stdout);
        if (fmt == TL_DIAGNOSE_JSON)
            cli_fputc('\n', stdout);
    } else {
        st = cli_fail(CMD, rc, NULL);
    }
    tl_free(text);
    tl_server_free(srv);
    cli_opts_free(opts);
    return st;
}
