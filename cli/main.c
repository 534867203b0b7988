/* tokenlens: inspect and explain Windows access tokens. Dispatches to cmd_*.c. */
#include "cli.h"
#include <string.h>
#ifdef _WIN32
#include <windows.h>

/* With the UTF-8 code page from tokenlens.manifest, the text printed is UTF-8: show it so on
 * the console too, and give the console back its code page on the way out (issue 16). */
static UINT console_cp;
static void restore_console_cp(void)
{
    SetConsoleOutputCP(console_cp);
}
static void utf8_console(void)
{
    if (GetACP() != CP_UTF8)
        return;
    console_cp = GetConsoleOutputCP();
    if (console_cp != 0 && console_cp != CP_UTF8 && SetConsoleOutputCP(CP_UTF8))
        atexit(restore_console_cp);
}
#endif

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"sid", cmd_sid, "resolve a name or SID: IIS APPPOOL\\pool, NT SERVICE\\svc, BA, S-1-5-17"},
    {"whoami", cmd_whoami, "show the process, thread and effective token (or a saved snapshot)"},
    {"probe", cmd_probe,
     "live probes on Windows: impersonate at each level, revert, show the thread"},
    {"explain", cmd_explain,
     "which identity each hop of an IIS scenario runs as and arrives as, and why"},
    {"iis", cmd_iis,
     "audit applicationHost.config: who every site runs as, who shares an identity"},
    {"diagnose", cmd_diagnose,
     "the whole IIS server: every site's off-box calls and who they arrive as"},
    {"webconfig", cmd_webconfig,
     "read a web.config: impersonation, ASP.NET Core hosting, SQL Server SPNs, UNC shares"},
    {"sddl", cmd_sddl, "parse SDDL and print it as Windows would (or its binary form)"},
    {"access", cmd_access, "offline access check of a token or SIDs against an SDDL descriptor"},
    {"ad", cmd_ad,
     "read delegation facts of an account or SPN from Active Directory (LDAP, Kerberos)"},
};

static void usage(FILE *f)
{
    cli_fprintf(f, "Usage: tokenlens <command> [options]\n\n"
                   "Inspect and explain Windows access tokens: who am I here, and who will I be\n"
                   "when this call leaves the box?\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        cli_fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    cli_fprintf(f, "\nOptions:\n  -h, --help     show this help (or 'tokenlens <command> --help')\n"
                   "  -V, --version  show the version\n\n"
                   "Every command takes --json. Exit status: 0 ok, 1 check or parse failed,\n"
                   "2 usage error, 3 not supported on this platform.\n");
}

int main(int argc, char **argv)
{
#ifdef _WIN32
    utf8_console();
#endif
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *c = argv[1];
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || strcmp(c, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0) {
        cli_printf("tokenlens %s\n", tl_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(c, commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    char ex[CLI_EXCERPT_SIZE];
    cli_fprintf(stderr, "tokenlens: unknown command '%s'\nTry 'tokenlens --help'.\n",
                cli_excerpt(ex, c));
    return CLI_USAGE;
}
