/* tokenlens sid <NAME|SID> [--domain-sid SID] [--json] */
#include "cli.h"
#include <string.h>

static void help(void)
{
    cli_printf(
        "Usage: tokenlens sid <NAME|SID> [--domain-sid SID] [--json]\n\n"
        "Resolve an account name or SID offline and print the canonical SID on the first line.\n\n"
        "NAME can be:\n"
        "  IIS APPPOOL\\<pool>     application pool identity (S-1-5-82-<SHA-1 of the name>)\n"
        "  NT SERVICE\\<service>   service SID (S-1-5-80-<SHA-1 of the name>)\n"
        "  NT AUTHORITY\\IUSR, BUILTIN\\IIS_IUSRS, Everyone, NETWORK SERVICE, ...\n"
        "  an SDDL alias (BA, NS, SY, AN, IS ...; DU, DA ... need --domain-sid)\n"
        "  a string SID (S-1-5-17), which is printed in canonical form\n\n"
        "Options:\n"
        "  --domain-sid SID  domain SID for domain-relative names and aliases\n"
        "  --json            print {\"sid\", \"name\", \"kind\", \"sddl_alias\", \"binary\"}\n"
        "  -h, --help        show this help\n\n"
        "Examples:\n"
        "  tokenlens sid 'IIS APPPOOL\\DefaultAppPool'\n"
        "  tokenlens sid 'NT SERVICE\\TrustedInstaller' --json\n"
        "  tokenlens sid DU --domain-sid S-1-5-21-1004336348-1177238915-682003330\n");
}

static int run(cli_opt *opts, const char **pos, int npos)
{
    if (npos != 1)
        return cli_usage("sid", "expected one NAME or SID");
    tl_sid domain, sid;
    const char *dom_text = cli_find(opts, "domain-sid")->value;
    int drc;
    if (dom_text && (drc = cli_domain_sid("sid", dom_text, &domain)) != CLI_OK)
        return drc; /* the same rule as sddl and access: a usage error that says why */
    int lrc = tl_sid_resolve(&sid, pos[0], dom_text ? &domain : NULL);
    if (lrc != TL_OK) {
        char what[CLI_NAME_MAX], ex[CLI_EXCERPT_SIZE];
        snprintf(what, sizeof what, "'%s'", cli_excerpt(ex, pos[0]));
        return cli_fail("sid", lrc, what);
    }
    char str[TL_SID_STRING_MAX];
    tl_sid_to_string(str, sizeof str, &sid);
    /* The canonical name (virtual accounts: the typed account part behind IIS APPPOOL\ or
     * NT SERVICE\), the same the bindings print; none for an account's string SID. */
    char *looked_up = NULL;
    if (tl_sid_resolve_name(&looked_up, pos[0], dom_text ? &domain : NULL) != TL_OK)
        looked_up = NULL;
    const char *name = looked_up;
    const char *alias = tl_sid_sddl_alias(&sid, dom_text ? &domain : NULL);
    if (cli_find(opts, "json")->seen) {
        uint8_t bin[TL_SID_MAX_BINARY];
        size_t n = 0;
        char hex[2 * TL_SID_MAX_BINARY + 1];
        tl_sid_to_binary(bin, sizeof bin, &sid, &n);
        for (size_t i = 0; i < n; i++)
            snprintf(hex + 2 * i, 3, "%02x", bin[i]);
        hex[2 * n] = '\0';
        json_t *o = cli_json_identity(name, &sid);
        json_t *sid_first = json_object();
        json_object_set(sid_first, "sid", json_object_get(o, "sid"));
        json_object_set(sid_first, "name", json_object_get(o, "name"));
        json_decref(o);
        json_object_set_new(sid_first, "kind", json_string(tl_sid_kind_name(tl_sid_kind_of(&sid))));
        json_object_set_new(sid_first, "sddl_alias", alias ? json_string(alias) : json_null());
        json_object_set_new(sid_first, "binary", json_string(hex));
        tl_free(looked_up);
        return cli_print_json(sid_first);
    }
    cli_printf("%s\n", str);
    if (name)
        cli_printf("name:  %s\n", name);
    cli_printf("kind:  %s\n", tl_sid_kind_name(tl_sid_kind_of(&sid)));
    if (alias)
        cli_printf("sddl:  %s\n", alias);
    tl_free(looked_up);
    return CLI_OK;
}

static const cli_command command = {"sid", help, 1, run};

int cmd_sid(int argc, char **argv)
{
    cli_opt opts[] = {CLI_FLAG("json", 0), CLI_VALUE("domain-sid"), CLI_END};
    return cli_run(&command, opts, argc, argv);
}
