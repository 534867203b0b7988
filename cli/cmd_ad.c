/* tokenlens ad account NAME | ad spn SPN  [--server HOST] [--realm DOMAIN] [--json] */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    cli_printf(
        "Usage: tokenlens ad account NAME [--server HOST] [--realm DOMAIN] [--json]\n"
        "       tokenlens ad spn SPN [--server HOST] [--realm DOMAIN] [--json]\n\n"
        "Read delegation facts from Active Directory over LDAP, bound with your Kerberos\n"
        "credentials (SASL GSSAPI on Linux: kinit first; Negotiate as the logged-on user on\n"
        "Windows).\n\n"
        "  account NAME  NAME is svc-web, CONTOSO\\svc-web, WEB01$, a UPN or a SID. Prints\n"
        "                userAccountControl (TRUSTED_FOR_DELEGATION, "
        "TRUSTED_TO_AUTH_FOR_DELEGATION,\n"
        "                NOT_DELEGATED), msDS-AllowedToDelegateTo, the principals in\n"
        "                msDS-AllowedToActOnBehalfOfOtherIdentity (RBCD), Protected Users\n"
        "                membership (nested groups count) and the account's SPNs.\n"
        "                Exit status 1 when there is no such account.\n"
        "  spn SPN       every account in the domain holding SPN (as setspn -Q):\n"
        "                registered, missing or duplicate.\n\n"
        "Options:\n"
        "  --server HOST   the DC to ask, used as given for the Kerberos service name\n"
        "                  ldap/HOST (no reverse-DNS canonicalisation); default: a DC found\n"
        "                  through DNS (_ldap._tcp.dc._msdcs.DOMAIN)\n"
        "  --realm DOMAIN  the DNS domain to find a DC for (default: your ticket's realm)\n"
        "  --json          account: {\"name\", \"sid\", \"dn\", \"user_account_control\",\n"
        "                  \"trusted_for_delegation\", \"trusted_to_auth_for_delegation\",\n"
        "                  \"not_delegated\", \"protected_users\", \"allowed_to_delegate_to\",\n"
        "                  \"allowed_to_act\": [{\"sid\", \"name\"}], \"spns\"};\n"
        "                  spn: {\"spn\", \"accounts\", \"state\"}\n"
        "  -h, --help      show this help\n\n"
        "Errors (no credentials, DC unreachable, access denied, no such account) exit with\n"
        "status 1; a build without LDAP exits with 3.\n\n"
        "Examples:\n"
        "  kinit alice@CONTOSO.COM\n"
        "  tokenlens ad account 'CONTOSO\\svc-web' --server dc01.contoso.com\n"
        "  tokenlens ad spn MSSQLSvc/db01.contoso.com:1433 --json\n");
}

static int print_json_text(char *text)
{
    cli_printf("%s\n", text);
    tl_free(text);
    return CLI_OK;
}

static void print_account(const tl_ad_account *a)
{
    char sid[TL_SID_STRING_MAX] = "";
    tl_sid_to_string(sid, sizeof sid, tl_ad_account_sid(a));
    uint32_t uac = tl_ad_account_flags(a);
    cli_printf("%s\n", tl_ad_account_name(a));
    cli_printf("  sid:                 %s\n  dn:                  %s\n", sid, tl_ad_account_dn(a));
    cli_printf("  userAccountControl:  0x%08x%s%s%s%s\n", uac,
               uac & TL_AD_UF_TRUSTED_FOR_DELEGATION ? " TRUSTED_FOR_DELEGATION" : "",
               uac & TL_AD_UF_TRUSTED_TO_AUTH_FOR_DELEGATION ? " TRUSTED_TO_AUTH_FOR_DELEGATION"
                                                             : "",
               uac & TL_AD_UF_NOT_DELEGATED ? " NOT_DELEGATED" : "",
               uac & TL_AD_UF_ACCOUNTDISABLE ? " ACCOUNTDISABLE" : "");
    cli_printf("  delegation:          %s\n", tl_ad_account_delegation_mode(a));
    for (size_t i = 0; i < tl_ad_account_delegate_to_count(a); i++)
        cli_printf("    allowed to delegate to: %s\n", tl_ad_account_delegate_to_at(a, i));
    cli_printf("  sensitive:           %s\n",
               uac & TL_AD_UF_NOT_DELEGATED ? "yes (cannot be delegated)" : "no");
    cli_printf("  Protected Users:     %s\n",
               tl_ad_account_protected_users(a) ? "yes (cannot be delegated)" : "no");
    size_t nact = tl_ad_account_allowed_to_act_count(a);
    cli_printf("  allowed to act (RBCD): %s\n", nact ? "" : "nobody");
    for (size_t i = 0; i < nact; i++) {
        char s[TL_SID_STRING_MAX] = "";
        tl_sid_to_string(s, sizeof s, tl_ad_account_allowed_to_act_sid(a, i));
        const char *n = tl_ad_account_allowed_to_act_name(a, i);
        cli_printf("    %s%s%s%s\n", n ? n : s, n ? " (" : "", n ? s : "", n ? ")" : "");
    }
    size_t nspn = tl_ad_account_spn_count(a);
    cli_printf("  SPNs:                %s\n", nspn ? "" : "none");
    for (size_t i = 0; i < nspn; i++)
        cli_printf("    %s\n", tl_ad_account_spn_at(a, i));
}

/* --server HOST[:PORT] (an ldap:// prefix and a trailing '/' are dropped); NULL on a value
 * that is no host name, after printing the usage error. */
const char *cli_ad_server(const char *cmd, const char *in, char *buf, size_t size)
{
    if (!in)
        return NULL;
    if (strncmp(in, "ldap://", 7) == 0)
        in += 7;
    size_t n = strlen(in);
    if (n && in[n - 1] == '/')
        n--;
    if (n == 0 || n >= size ||
        strspn(in, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:") < n) {
        cli_usage(cmd, "'%s' is not a DC host name (HOST or HOST:PORT, e.g. dc01.contoso.com)", in);
        return NULL;
    }
    memcpy(buf, in, n);
    buf[n] = 0;
    return buf;
}

int cmd_ad(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        if (argc < 2) {
            help();
            return CLI_USAGE;
        }
        help();
        return CLI_OK;
    }
    const char *sub = argv[1];
    int is_account = strcmp(sub, "account") == 0, is_spn = strcmp(sub, "spn") == 0;
    if (!is_account && !is_spn)
        return cli_usage("ad", "unknown subcommand '%s' (account or spn)", sub);
    const char *cmd = is_account ? "ad account" : "ad spn";
    cli_opt opts[] = {{"json", 0, 0, 0}, {"server", 0, 1, 0}, {"realm", 0, 1, 0}, {NULL}};
    const char *pos[1];
    int npos, want_help;
    int rc = cli_parse(cmd, argc - 1, argv + 1, opts, pos, 1, &npos, &want_help);
    if (rc != CLI_OK)
        return rc;
    if (want_help) {
        help();
        return CLI_OK;
    }
    if (npos != 1)
        return cli_usage(cmd, "expected one %s", is_account ? "account NAME" : "SPN");
    const char *server = cli_find(opts, "server")->value, *realm = cli_find(opts, "realm")->value;
    if (server && !*server)
        return cli_usage(cmd, "--server needs a host name");
    if (realm && !*realm)
        return cli_usage(cmd, "--realm needs a DNS domain");
    if (server && realm)
        return cli_usage(cmd,
                         "--realm only finds a DC when --server is not given; give one of them");
    char host[256];
    if (server && !(server = cli_ad_server(cmd, server, host, sizeof host)))
        return CLI_USAGE;
    int json = cli_find(opts, "json")->seen;
    tl_ad_options o = TL_AD_OPTIONS_INIT;
    o.server = server;
    o.realm = realm;
    tl_ad *ad = NULL;
    int lrc = tl_ad_connect(&ad, &o);
    if (lrc != TL_OK)
        return cli_fail(cmd, lrc, NULL);
    char *text = NULL;
    if (is_account) {
        tl_ad_account *a = NULL;
        lrc = tl_ad_account_lookup(&a, ad, pos[0]);
        if (lrc == TL_OK && json)
            lrc = tl_ad_account_to_json(&text, a);
        if (lrc == TL_OK && !json)
            print_account(a);
        tl_ad_account_free(a);
    } else {
        tl_ad_spn *s = NULL;
        lrc = tl_ad_spn_lookup(&s, ad, pos[0]);
        if (lrc == TL_OK && json)
            lrc = tl_ad_spn_to_json(&text, s);
        if (lrc == TL_OK && !json) {
            cli_printf("%s\n", tl_ad_spn_state_name(tl_ad_spn_state_of(s)));
            cli_printf("  spn: %s\n", tl_ad_spn_name(s));
            for (size_t i = 0; i < tl_ad_spn_account_count(s); i++)
                cli_printf("  held by: %s\n", tl_ad_spn_account_at(s, i));
            if (tl_ad_spn_state_of(s) == TL_AD_SPN_MISSING)
                cli_printf(
                    "  no account holds it: Kerberos to it fails and Negotiate falls back to "
                    "NTLM\n");
            else if (tl_ad_spn_state_of(s) == TL_AD_SPN_DUPLICATE)
                cli_printf(
                    "  more than one account holds it: the KDC refuses it and Negotiate falls "
                    "back to NTLM\n");
        }
        tl_ad_spn_free(s);
    }
    tl_ad_free(ad);
    if (lrc != TL_OK)
        return cli_fail(cmd, lrc, NULL);
    return text ? print_json_text(text) : CLI_OK;
}
