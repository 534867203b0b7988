/* Explain engine rules: one positive and one negative row per rule (docs/rules.md), each a
 * small scenario whose first hop must (or must not) cite the rule, with the identity that
 * arrives. Every failing row is reported. Runs natively and under Wine. */
#include "tl_test.h"
#include "sim_internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- scenario builder: "key=value key=value" over defaults ------------------------------- */

typedef struct spec {
    char domain[32], pool[32], pool_user[64], anon[64], providers[96], deleg[40], to[160];
    char user[64], proto[16], target[96], from[24];
    /* raw JSON appended inside an object (",\"key\":value..."): machine, site, windows,
     * request, the hop, and the root (e.g. ",\"app\":{...}") */
    char mx[160], nx[160], sx[160], wx[160], rx[200], hx[200], ax[160];
    int anon_on, win_on, apc, kernel, imp, sensitive;
} spec;

static void spec_defaults(spec *s)
{
    memset(s, 0, sizeof *s);
    strcpy(s->domain, "CONTOSO");
    strcpy(s->pool, "ApplicationPoolIdentity");
    strcpy(s->anon, "IUSR");
    strcpy(s->providers, "[\"Negotiate\", \"NTLM\"]");
    strcpy(s->deleg, "none");
    strcpy(s->to, "[]");
    strcpy(s->user, "CONTOSO\\\\alice");
    strcpy(s->proto, "ntlm");
    strcpy(s->target, "MSSQLSvc/db01.contoso.com:1433");
    strcpy(s->from, "request_thread");
    s->anon_on = 1;
    s->win_on = 1;
    s->kernel = 1;
    s->imp = 1;
}

static void set_str(char *dst, size_t n, const char *v)
{
    snprintf(dst, n, "%s", v);
}

/* Apply "k=v" tokens; "_" stands for a space in values, "null" for JSON null. */
static void spec_apply(spec *s, const char *text)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *eq = strchr(tok, '=');
        assert_non_null(eq);
        *eq = '\0';
        const char *k = tok, *v = eq + 1;
#define S(name) else if (strcmp(k, #name) == 0) set_str(s->name, sizeof s->name, v)
#define I(name) else if (strcmp(k, #name) == 0) s->name = atoi(v)
        if (0) {
        }
        S(domain);
        S(pool);
        S(pool_user);
        S(anon);
        S(providers);
        S(deleg);
        S(to);
        S(user);
        S(proto);
        S(target);
        S(from);
        S(mx);
        S(nx);
        S(sx);
        S(wx);
        S(rx);
        S(hx);
        S(ax);
        I(anon_on);
        I(win_on);
        I(apc);
        I(kernel);
        I(imp);
        I(sensitive);
        else fail_msg("unknown spec key %s", k);
#undef S
#undef I
    }
}

static const char *quoted(char *buf, size_t n, const char *v)
{
    if (strcmp(v, "null") == 0)
        snprintf(buf, n, "null");
    else
        snprintf(buf, n, "\"%s\"", v);
    return buf;
}

static char *spec_json(const spec *s)
{
    char d[48], u[80], pu[96] = "", pr[32];
    static char out[8192];
    if (s->pool_user[0])
        snprintf(pu, sizeof pu, ", \"user\": \"%s\"", s->pool_user);
    bool anon_req = strcmp(s->user, "null") == 0;
    snprintf(
        out, sizeof out,
        "{\"tokenlens_scenario\": 1, \"name\": \"rule test\",\n"
        " \"machine\": {\"name\": \"WEB01\", \"domain\": %s%s},\n"
        " \"app_pool\": {\"name\": \"Coke\", \"identity\": \"%s\"%s},\n"
        " \"site\": {\"name\": \"coke\", \"anonymous\": {\"enabled\": %s, \"user\": \"%s\"%s},\n"
        "   \"windows\": {\"enabled\": %s, \"providers\": %s, \"use_app_pool_credentials\": %s,"
        " \"kernel_mode\": %s%s},\n"
        "   \"impersonate\": %s%s},\n"
        " \"delegation\": {\"mode\": \"%s\", \"to\": %s},\n"
        " \"request\": {\"user\": %s%s%s, \"sensitive\": %s%s},\n"
        " \"hops\": [{\"target\": \"%s\", \"from\": \"%s\"%s}]%s}\n",
        quoted(d, sizeof d, s->domain), s->mx, s->pool, pu, s->anon_on ? "true" : "false", s->anon,
        s->nx, s->win_on ? "true" : "false", s->providers, s->apc ? "true" : "false",
        s->kernel ? "true" : "false", s->wx, s->imp ? "true" : "false", s->sx, s->deleg, s->to,
        quoted(u, sizeof u, s->user),
        anon_req ? "" : ", \"protocol\": ", anon_req ? "" : quoted(pr, sizeof pr, s->proto),
        s->sensitive ? "true" : "false", s->rx, s->target, s->from, s->hx, s->ax);
    return out;
}

/* ---- the table ---------------------------------------------------------------------------- */

typedef struct rule_row {
    const char *rule;
    bool cited;          /* the rule must (true) or must not (false) be cited */
    const char *spec;    /* overrides of the defaults (NTLM request from CONTOSO\alice, ...) */
    const char *arrives; /* expected arrives_as name of hop 1, "-" for null, NULL: no check */
    const char *outcome; /* expected outcome, NULL: no check */
} rule_row;

#define POOL_ID "IIS APPPOOL\\Coke"
#define MACHINE "CONTOSO\\WEB01$"
#define ANON "NT AUTHORITY\\ANONYMOUS LOGON"
#define ALICE "CONTOSO\\alice"
#define SQL "MSSQLSvc/db01.contoso.com:1433"

static const rule_row rows[] = {
    {R_PROC_APPPOOL, true, "imp=0 target=local", POOL_ID, "ok"},
    {R_PROC_APPPOOL, false, "imp=0 target=local pool=NetworkService",
     "NT AUTHORITY\\NETWORK SERVICE", "ok"},
    {R_PROC_BUILTIN, true, "imp=0 target=local pool=LocalSystem", "NT AUTHORITY\\SYSTEM", "ok"},
    {R_PROC_BUILTIN, false, "imp=0 target=local", POOL_ID, "ok"},
    {R_PROC_SPECIFIC, true, "imp=0 target=local pool=SpecificUser pool_user=CONTOSO\\\\svc",
     "CONTOSO\\svc", "ok"},
    {R_PROC_SPECIFIC, false, "imp=0 target=local pool=LocalService", "NT AUTHORITY\\LOCAL SERVICE",
     "ok"},
    {R_IIS_ANON_IUSR, true, "user=null target=local", "NT AUTHORITY\\IUSR", "ok"},
    {R_IIS_ANON_IUSR, false, "user=null target=local anon=", POOL_ID, "ok"},
    {R_IIS_ANON_POOL, true, "user=null target=local anon=", POOL_ID, "ok"},
    {R_IIS_ANON_POOL, false, "user=null target=local anon=NT_AUTHORITY\\\\IUSR",
     "NT AUTHORITY\\IUSR", "ok"},
    {R_IIS_ANON_USER, true, "user=null anon=CONTOSO\\\\web-anon", "CONTOSO\\web-anon", "ok"},
    {R_IIS_ANON_USER, false, "user=null", ANON, "anonymous"},
    {R_IIS_ANON_OFF, true, "user=null anon_on=0", "-", "denied"},
    {R_IIS_ANON_OFF, false, "user=null anon_on=1", ANON, "anonymous"},
    {R_IIS_WIN_AUTH, true, "target=local", ALICE, "ok"},
    {R_IIS_WIN_AUTH, false, "target=local user=null", "NT AUTHORITY\\IUSR", "ok"},
    {R_IIS_WIN_OFF, true, "win_on=0 target=local", "NT AUTHORITY\\IUSR", "ok"},
    {R_IIS_WIN_OFF, false, "win_on=1 target=local", ALICE, "ok"},
    {R_IIS_PROVIDERS, true, "proto=kerberos providers=[\"NTLM\"] deleg=unconstrained", ANON,
     "anonymous"},
    {R_IIS_PROVIDERS, true, "proto=ntlm providers=[\"Negotiate:Kerberos\"]", "-", "denied"},
    {R_IIS_PROVIDERS, false, "proto=kerberos providers=[\"Negotiate\"] deleg=unconstrained", ALICE,
     "ok"},
    {R_IIS_KERNEL, true, "proto=kerberos pool=SpecificUser pool_user=CONTOSO\\\\svc kernel=1 apc=0",
     "-", "denied"},
    {R_IIS_KERNEL, false,
     "proto=kerberos pool=SpecificUser pool_user=CONTOSO\\\\svc kernel=1 apc=1", ANON, "anonymous"},
    {R_IIS_KERNEL, false,
     "proto=kerberos pool=SpecificUser pool_user=CONTOSO\\\\svc kernel=0 apc=0", ANON, "anonymous"},
    {R_ASPNET_IMP_ON, true, "target=local", ALICE, "ok"},
    {R_ASPNET_IMP_ON, false, "target=local imp=0", POOL_ID, "ok"},
    {R_ASPNET_IMP_OFF, true, "imp=0", MACHINE, "ok"},
    {R_ASPNET_IMP_OFF, false, "imp=1", ANON, "anonymous"},
    {R_KRB_NO_DELEG, true, "proto=kerberos deleg=none", ANON, "anonymous"},
    {R_KRB_NO_DELEG, false, "proto=kerberos deleg=unconstrained", ALICE, "ok"},
    {R_KRB_UNCONSTRAINED, true, "proto=kerberos deleg=unconstrained target=cifs/files01", ALICE,
     "ok"},
    {R_KRB_UNCONSTRAINED, false, "proto=ntlm deleg=unconstrained", ANON, "anonymous"},
    {R_KRB_SENSITIVE, true, "proto=kerberos deleg=unconstrained sensitive=1", ANON, "anonymous"},
    {R_KRB_SENSITIVE, true,
     "proto=ntlm deleg=constrained_any_protocol to=[\"" SQL "\"] sensitive=1", ANON, "anonymous"},
    {R_KRB_SENSITIVE, false, "proto=kerberos deleg=unconstrained sensitive=0", ALICE, "ok"},
    {R_KRB_CONSTRAINED, true, "proto=kerberos deleg=constrained to=[\"" SQL "\"]", ALICE, "ok"},
    {R_KRB_CONSTRAINED, false, "proto=kerberos deleg=none", ANON, "anonymous"},
    {R_KRB_NOT_LISTED, true, "proto=kerberos deleg=constrained to=[\"cifs/files01\"]", ANON,
     "anonymous"},
    {R_KRB_NOT_LISTED, false,
     "proto=kerberos deleg=constrained to=[\"mssqlsvc/DB01.contoso.com:1433\"]", ALICE, "ok"},
    {R_KRB_NEEDS_KRB, true, "proto=ntlm deleg=constrained to=[\"" SQL "\"]", ANON, "anonymous"},
    {R_KRB_NEEDS_KRB, false, "proto=kerberos deleg=constrained to=[\"" SQL "\"]", ALICE, "ok"},
    {R_KRB_TRANSITION, true, "proto=ntlm deleg=constrained_any_protocol to=[\"" SQL "\"]", ALICE,
     "ok"},
    {R_KRB_TRANSITION, false, "proto=ntlm deleg=constrained to=[\"" SQL "\"]", ANON, "anonymous"},
    {R_KRB_WORKGROUP, true, "domain=null proto=kerberos user=DMZ\\\\bob", ANON, "anonymous"},
    {R_KRB_WORKGROUP, false, "domain=CONTOSO proto=kerberos deleg=unconstrained", ALICE, "ok"},
    {R_NTLM_NO_DELEG, true, "proto=ntlm deleg=none", ANON, "anonymous"},
    {R_NTLM_NO_DELEG, false, "proto=kerberos deleg=unconstrained", ALICE, "ok"},
    {R_LOGONUSER, true, "user=null anon=CONTOSO\\\\web-anon", "CONTOSO\\web-anon", "ok"},
    {R_LOGONUSER, false, "user=null anon=IUSR", ANON, "anonymous"},
    {R_THREAD_PROCESS, true, "imp=0", MACHINE, "ok"},
    {R_THREAD_PROCESS, false, "imp=1 proto=kerberos deleg=unconstrained", ALICE, "ok"},
    {R_THREAD_REVERT, true, "from=after_revert proto=kerberos deleg=unconstrained", MACHINE, "ok"},
    {R_THREAD_REVERT, false, "from=request_thread proto=kerberos deleg=unconstrained", ALICE, "ok"},
    {R_THREAD_POOL, true, "from=thread_pool proto=kerberos deleg=unconstrained", MACHINE, "ok"},
    {R_THREAD_POOL, false, "from=after_revert", MACHINE, "ok"},
    {R_NET_NETWORKSERVICE, true, "imp=0 pool=NetworkService", MACHINE, "ok"},
    {R_NET_NETWORKSERVICE, false, "imp=0 pool=LocalService", ANON, "anonymous"},
    {R_NET_APPPOOL, true, "imp=0", MACHINE, "ok"},
    {R_NET_APPPOOL, true, "user=null anon=", MACHINE, "ok"},
    {R_NET_APPPOOL, false, "imp=0 pool=NetworkService", MACHINE, "ok"},
    {R_NET_LOCALSYSTEM, true, "imp=0 pool=LocalSystem", MACHINE, "ok"},
    {R_NET_LOCALSYSTEM, false, "imp=0 pool=LocalService", ANON, "anonymous"},
    {R_NET_LOCALSERVICE, true, "imp=0 pool=LocalService", ANON, "anonymous"},
    {R_NET_LOCALSERVICE, false, "imp=0 pool=NetworkService", MACHINE, "ok"},
    {R_NET_IUSR, true, "user=null", ANON, "anonymous"},
    {R_NET_IUSR, false, "user=null imp=0", MACHINE, "ok"},
    {R_NET_WORKGROUP, true, "domain=null imp=0", ANON, "anonymous"},
    {R_NET_WORKGROUP, true, "domain=null imp=0 pool=LocalSystem", ANON, "anonymous"},
    {R_NET_WORKGROUP, false, "domain=CONTOSO imp=0", MACHINE, "ok"},
    {R_NET_OWN, true, "imp=0 pool=SpecificUser pool_user=CONTOSO\\\\svc", "CONTOSO\\svc", "ok"},
    {R_NET_OWN, true, "domain=null imp=0 pool=SpecificUser pool_user=DMZ\\\\svc", "DMZ\\svc", "ok"},
    {R_NET_OWN, false, "imp=0 pool=NetworkService", MACHINE, "ok"},
    {R_NET_ANON_LOGON, true, "proto=ntlm", ANON, "anonymous"},
    {R_NET_ANON_LOGON, false, "imp=0", MACHINE, "ok"},
    {R_NET_NEGOTIATE, true, "imp=0", MACHINE, "ok"},
    {R_NET_NEGOTIATE, false, "imp=0 target=local", POOL_ID, "ok"},
    {R_NET_DELEGATED, true, "proto=kerberos deleg=unconstrained", ALICE, "ok"},
    {R_NET_DELEGATED, false, "proto=kerberos deleg=none", ANON, "anonymous"},
    {R_LOCAL_TOKEN, true, "target=local", ALICE, "ok"},
    {R_LOCAL_TOKEN, false, "target=cifs/files01", ANON, "anonymous"},
    /* ---- explain v2 (issue 13) ---- */
    {R_REQ_ANON_PROTO, true, "user=null rx=,\"protocol\":\"kerberos\" target=local",
     "NT AUTHORITY\\IUSR", "ok"},
    {R_REQ_ANON_PROTO, true, "user=null rx=,\"protocol\":\"ntlm\"", ANON, "anonymous"},
    {R_REQ_ANON_PROTO, false, "user=null target=local", "NT AUTHORITY\\IUSR", "ok"},
    {R_LOCAL_SAME_BOX, true, "imp=0 target=MSSQLSvc/web01.contoso.com:1433", POOL_ID, "ok"},
    {R_LOCAL_SAME_BOX, true, "imp=0 pool=NetworkService target=MSSQLSvc/WEB01:1433",
     "NT AUTHORITY\\NETWORK SERVICE", "ok"},
    {R_LOCAL_SAME_BOX, true, "from=after_revert target=MSSQLSvc/localhost:1433", POOL_ID, "ok"},
    {R_LOCAL_SAME_BOX, false, "imp=0", MACHINE, "ok"},
    {R_LOCAL_SAME_BOX, false, "imp=0 target=MSSQLSvc/web010.contoso.com:1433", MACHINE, "ok"},
    {R_LOCAL_SAME_BOX_IMP, true, "target=MSSQLSvc/web01.contoso.com:1433", ALICE, "ok"},
    {R_LOCAL_SAME_BOX_IMP, true, "target=HTTP/127.0.0.1", ALICE, "ok"},
    {R_LOCAL_SAME_BOX_IMP, false,
     "target=MSSQLSvc/web01.fabrikam.com:1433 hx=,\"domain\":\"FABRIKAM\"", ANON, "anonymous"},
    {R_LOCAL_SAME_BOX_IMP, false, "target=MSSQLSvc/db01.contoso.com:1433", ANON, "anonymous"},
    {R_NET_IP_HOST, true,
     "proto=kerberos deleg=constrained to=[\"MSSQLSvc/10.0.0.5:1433\"] "
     "target=MSSQLSvc/10.0.0.5:1433",
     ANON, "anonymous"},
    {R_NET_IP_HOST, true, "imp=0 target=MSSQLSvc/10.0.0.5:1433", MACHINE, "ok"},
    {R_NET_IP_HOST, true, "proto=kerberos deleg=unconstrained target=cifs/[fd00::5]", ANON,
     "anonymous"},
    {R_NET_IP_HOST, true, "proto=kerberos deleg=unconstrained target=cifs/fd00::5", ANON,
     "anonymous"},
    {R_NET_IP_HOST, false, "proto=kerberos deleg=constrained to=[\"" SQL "\"]", ALICE, "ok"},
    {R_NET_IP_HOST, false, "imp=0 target=MSSQLSvc/10.0.0.5.example.com:1433", MACHINE, "ok"},
    {R_NET_SPN_STATE, true, "proto=kerberos deleg=unconstrained hx=,\"spn\":\"missing\"", ANON,
     "anonymous"},
    {R_NET_SPN_STATE, true,
     "proto=ntlm deleg=constrained_any_protocol to=[\"" SQL "\"] hx=,\"spn\":\"duplicate\"", ANON,
     "anonymous"},
    {R_NET_SPN_STATE, true, "imp=0 hx=,\"spn\":\"duplicate\"", MACHINE, "ok"},
    {R_NET_SPN_STATE, true,
     "imp=0 pool=SpecificUser pool_user=CONTOSO\\\\svc hx=,\"spn\":\"missing\"", "CONTOSO\\svc",
     "ok"},
    {R_NET_SPN_STATE, false, "proto=kerberos deleg=unconstrained hx=,\"spn\":\"registered\"", ALICE,
     "ok"},
    {R_NET_LOCALSYSTEM_NTLM, true,
     "imp=0 pool=LocalSystem mx=,\"local_system_use_machine_id\":false "
     "target=MSSQLSvc/10.0.0.5:1433",
     ANON, "anonymous"},
    {R_NET_LOCALSYSTEM_NTLM, true, "imp=0 pool=LocalSystem hx=,\"spn\":\"missing\"", MACHINE, "ok"},
    {R_NET_LOCALSYSTEM_NTLM, false,
     "imp=0 pool=LocalSystem mx=,\"local_system_use_machine_id\":false", MACHINE, "ok"},
    {R_NET_LOCALSYSTEM_NTLM, false,
     "imp=0 pool=NetworkService mx=,\"local_system_use_machine_id\":false "
     "target=MSSQLSvc/10.0.0.5:1433",
     MACHINE, "ok"},
    {R_IIS_HTTP_SPN, true,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] wx=,\"spn\":\"missing\"", ANON,
     "anonymous"},
    {R_IIS_HTTP_SPN, true, "proto=kerberos deleg=unconstrained wx=,\"spn\":\"duplicate\"", ANON,
     "anonymous"},
    {R_IIS_HTTP_SPN, true,
     "proto=kerberos deleg=constrained_any_protocol to=[\"" SQL "\"] wx=,\"spn\":\"duplicate\"",
     ALICE, "ok"},
    {R_IIS_HTTP_SPN, false,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] wx=,\"spn\":\"registered\"", ALICE, "ok"},
    {R_IIS_BASIC, true, "proto=basic sx=,\"basic\":{\"enabled\":true}", ALICE, "ok"},
    {R_IIS_BASIC, false, "proto=ntlm sx=,\"basic\":{\"enabled\":true}", ANON, "anonymous"},
    {R_IIS_BASIC_OFF, true, "proto=basic", ANON, "anonymous"},
    {R_IIS_BASIC_OFF, true, "proto=basic anon_on=0", "-", "denied"},
    {R_IIS_BASIC_OFF, false, "proto=basic sx=,\"basic\":{\"enabled\":true}", ALICE, "ok"},
    {R_LOGONUSER, true,
     "proto=basic sx=,\"basic\":{\"enabled\":true,\"logon_method\":\"ClearText\"}", ALICE, "ok"},
    {R_LOGON_INTERACTIVE, true,
     "proto=basic sx=,\"basic\":{\"enabled\":true,\"logon_method\":\"Interactive\"}", ALICE, "ok"},
    {R_LOGON_INTERACTIVE, true,
     "user=null anon=CONTOSO\\\\web-anon nx=,\"logon_method\":\"Interactive\"", "CONTOSO\\web-anon",
     "ok"},
    {R_LOGON_INTERACTIVE, false, "proto=basic sx=,\"basic\":{\"enabled\":true}", ALICE, "ok"},
    {R_LOGON_NO_CREDS, true,
     "proto=basic sx=,\"basic\":{\"enabled\":true,\"logon_method\":\"Batch\"}", ANON, "anonymous"},
    {R_LOGON_NO_CREDS, true,
     "proto=basic sx=,\"basic\":{\"enabled\":true,\"logon_method\":\"Network\"}", ANON,
     "anonymous"},
    {R_LOGON_NO_CREDS, true, "user=null anon=CONTOSO\\\\web-anon nx=,\"logon_method\":\"Network\"",
     ANON, "anonymous"},
    {R_LOGON_NO_CREDS, true, "user=null anon=CONTOSO\\\\web-anon nx=,\"logon_method\":\"Batch\"",
     ANON, "anonymous"},
    {R_LOGON_NO_CREDS, true,
     "proto=basic sx=,\"basic\":{\"enabled\":true,\"logon_method\":\"Batch\"} "
     "deleg=constrained_any_protocol to=[\"" SQL "\"]",
     ALICE, "ok"},
    {R_LOGON_NO_CREDS, false,
     "user=null anon=CONTOSO\\\\web-anon nx=,\"logon_method\":\"ClearText\"", "CONTOSO\\web-anon",
     "ok"},
    {R_ASPNETCORE_NO_IMP, true, "ax=,\"app\":{\"framework\":\"aspnetcore\"}", MACHINE, "ok"},
    {R_ASPNETCORE_NO_IMP, true,
     "imp=0 user=null ax=,\"app\":{\"framework\":\"aspnetcore\",\"run_impersonated\":true}",
     MACHINE, "ok"},
    {R_ASPNETCORE_NO_IMP, false, "imp=1", ANON, "anonymous"},
    {R_ASPNETCORE_RUN_IMP, true,
     "imp=0 ax=,\"app\":{\"framework\":\"aspnetcore\",\"run_impersonated\":true}", ANON,
     "anonymous"},
    {R_ASPNETCORE_RUN_IMP, true,
     "imp=0 proto=kerberos deleg=constrained to=[\"" SQL "\"] "
     "ax=,\"app\":{\"framework\":\"aspnetcore\",\"run_impersonated\":true}",
     ALICE, "ok"},
    {R_ASPNETCORE_RUN_IMP, false,
     "imp=0 user=null ax=,\"app\":{\"framework\":\"aspnetcore\",\"run_impersonated\":true}",
     MACHINE, "ok"},
    {R_ASPNETCORE_OOP, true,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] ax=,\"app\":{\"framework\":\"aspnetcore\","
     "\"hosting_model\":\"outofprocess\",\"run_impersonated\":true}",
     ALICE, "ok"},
    {R_ASPNETCORE_OOP, false,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] ax=,\"app\":{\"framework\":\"aspnetcore\","
     "\"hosting_model\":\"inprocess\",\"run_impersonated\":true}",
     ALICE, "ok"},
    {R_CLIENT_NO_TGT, true, "proto=kerberos deleg=unconstrained rx=,\"client\":{\"kind\":\"edge\"}",
     ANON, "anonymous"},
    {R_CLIENT_NO_TGT, true,
     "proto=kerberos deleg=unconstrained "
     "rx=,\"client\":{\"kind\":\"ie\",\"delegation_allowed\":false}",
     ANON, "anonymous"},
    {R_CLIENT_NO_TGT, false,
     "proto=kerberos deleg=unconstrained "
     "rx=,\"client\":{\"kind\":\"chrome\",\"delegation_allowed\":true}",
     ALICE, "ok"},
    {R_CLIENT_NO_TGT, false, "proto=kerberos deleg=unconstrained rx=,\"client\":{\"kind\":\"app\"}",
     ALICE, "ok"},
    {R_CLIENT_NO_TGT, false,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] rx=,\"client\":{\"kind\":\"edge\"}", ALICE,
     "ok"},
    /* Internet Explorer without delegation_allowed: assumed to delegate (it sends Kerberos
     * silently only to the Intranet/Trusted zone), marked unsettled; an explicit false wins. */
    {R_CLIENT_IE_ZONE, true, "proto=kerberos deleg=unconstrained rx=,\"client\":{\"kind\":\"ie\"}",
     ALICE, "ok"},
    {R_CLIENT_IE_ZONE, false,
     "proto=kerberos deleg=unconstrained "
     "rx=,\"client\":{\"kind\":\"ie\",\"delegation_allowed\":true}",
     ALICE, "ok"},
    {R_CLIENT_IE_ZONE, false,
     "proto=kerberos deleg=unconstrained rx=,\"client\":{\"kind\":\"edge\"}", ANON, "anonymous"},
    {R_CLIENT_NO_TGT, false, "proto=kerberos deleg=unconstrained rx=,\"client\":{\"kind\":\"ie\"}",
     ALICE, "ok"},
    {R_CLIENT_CREDGUARD, true,
     "proto=kerberos deleg=unconstrained rx=,\"client\":{\"kind\":\"edge\",\"delegation_allowed\":"
     "true,\"credential_guard\":true}",
     ANON, "anonymous"},
    {R_CLIENT_CREDGUARD, false,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] rx=,\"client\":{\"kind\":\"edge\","
     "\"credential_guard\":true}",
     ALICE, "ok"},
    {R_PROTECTED_NTLM, true, "proto=ntlm rx=,\"protected_users\":true", "-", "denied"},
    {R_PROTECTED_NTLM, true, "proto=kerberos wx=,\"spn\":\"missing\" rx=,\"protected_users\":true",
     "-", "denied"},
    {R_PROTECTED_NTLM, true,
     "proto=kerberos domain=null user=DMZ\\\\bob rx=,\"protected_users\":true", "-", "denied"},
    {R_PROTECTED_NTLM, true,
     "proto=basic sx=,\"basic\":{\"enabled\":true} rx=,\"protected_users\":true "
     "target=MSSQLSvc/10.0.0.5:1433",
     "-", "denied"},
    {R_PROTECTED_NTLM, false,
     "proto=basic sx=,\"basic\":{\"enabled\":true} rx=,\"protected_users\":true", ALICE, "ok"},
    {R_PROTECTED_NTLM, false, "proto=kerberos rx=,\"protected_users\":true", ANON, "anonymous"},
    {R_PROTECTED_NTLM, false, "proto=ntlm sensitive=1 target=local", ALICE, "ok"},
    {R_PROTECTED_NO_DELEG, true, "proto=kerberos deleg=unconstrained rx=,\"protected_users\":true",
     ANON, "anonymous"},
    {R_PROTECTED_NO_DELEG, true,
     "proto=kerberos deleg=constrained_any_protocol to=[\"" SQL "\"] rx=,\"protected_users\":true",
     ANON, "anonymous"},
    {R_PROTECTED_NO_DELEG, true,
     "proto=kerberos hx=,\"allowed_to_act\":[\"CONTOSO\\\\WEB01$\"] rx=,\"protected_users\":true",
     ANON, "anonymous"},
    {R_PROTECTED_NO_DELEG, false, "proto=kerberos deleg=unconstrained sensitive=1", ANON,
     "anonymous"},
    {R_KRB_FOREST_TGT, true, "proto=kerberos deleg=unconstrained rx=,\"forest\":\"other\"", ANON,
     "anonymous"},
    {R_KRB_FOREST_TGT, false,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] rx=,\"forest\":\"other\"", ALICE, "ok"},
    {R_KRB_FOREST_TGT, false, "proto=kerberos deleg=unconstrained rx=,\"forest\":\"same\"", ALICE,
     "ok"},
    {R_KRB_CROSS_DOMAIN, true,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] hx=,\"domain\":\"FABRIKAM\"", ANON,
     "anonymous"},
    {R_KRB_CROSS_DOMAIN, false,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] hx=,\"domain\":\"contoso\"", ALICE, "ok"},
    {R_KRB_CROSS_DOMAIN, false, "proto=kerberos deleg=unconstrained hx=,\"domain\":\"FABRIKAM\"",
     ALICE, "ok"},
    {R_KRB_RBCD, true, "proto=kerberos hx=,\"allowed_to_act\":[\"CONTOSO\\\\WEB01$\"]", ALICE,
     "ok"},
    {R_KRB_RBCD, true, "proto=kerberos hx=,\"allowed_to_act\":[\"web01$\"]", ALICE, "ok"},
    {R_KRB_RBCD, true,
     "proto=kerberos deleg=constrained to=[\"" SQL "\"] "
     "hx=,\"domain\":\"FABRIKAM\",\"allowed_to_act\":[\"CONTOSO\\\\WEB01$\"]",
     ALICE, "ok"},
    {R_KRB_RBCD, true,
     "proto=kerberos deleg=unconstrained rx=,\"client\":{\"kind\":\"edge\"} "
     "hx=,\"allowed_to_act\":[\"CONTOSO\\\\WEB01$\"]",
     ALICE, "ok"},
    {R_KRB_RBCD, false, "proto=kerberos hx=,\"allowed_to_act\":[\"CONTOSO\\\\WEB02$\"]", ANON,
     "anonymous"},
    {R_KRB_RBCD, false, "proto=kerberos sensitive=1 hx=,\"allowed_to_act\":[\"CONTOSO\\\\WEB01$\"]",
     ANON, "anonymous"},
    {R_KRB_RBCD_NTLM, true, "proto=ntlm hx=,\"allowed_to_act\":[\"CONTOSO\\\\WEB01$\"]", ALICE,
     "ok"},
    {R_KRB_RBCD_NTLM, false,
     "proto=ntlm deleg=constrained_any_protocol to=[\"" SQL "\"] "
     "hx=,\"allowed_to_act\":[\"CONTOSO\\\\WEB01$\"]",
     ALICE, "ok"},
    {R_KRB_CONSTRAINED_LEVEL, true, "proto=kerberos deleg=constrained to=[\"" SQL "\"]", ALICE,
     "ok"},
    {R_KRB_CONSTRAINED_LEVEL, false, "proto=kerberos deleg=unconstrained", ALICE, "ok"},
    {R_NEW_CREDENTIALS, true, "from=new_credentials hx=,\"credentials\":\"CONTOSO\\\\svc-share\"",
     "CONTOSO\\svc-share", "ok"},
    {R_NEW_CREDENTIALS, true,
     "from=new_credentials target=local hx=,\"credentials\":\"CONTOSO\\\\svc-share\"", ALICE, "ok"},
    {R_NEW_CREDENTIALS, true,
     "from=new_credentials imp=0 target=MSSQLSvc/web01.contoso.com:1433 "
     "hx=,\"credentials\":\"CONTOSO\\\\svc-share\"",
     POOL_ID, "ok"},
    {R_NEW_CREDENTIALS, false, "from=request_thread", ANON, "anonymous"},
    /* NEW_CREDENTIALS to a service on this machine: local access by the caller, unsettled
     * (a loopback connection may count as one of LogonUser's "other network connections"). */
    {R_NEW_CREDS_SAME_BOX, true,
     "from=new_credentials target=MSSQLSvc/web01.contoso.com:1433 "
     "hx=,\"credentials\":\"CONTOSO\\\\svc-share\"",
     ALICE, "ok"},
    {R_NEW_CREDS_SAME_BOX, false,
     "from=new_credentials target=local hx=,\"credentials\":\"CONTOSO\\\\svc-share\"", ALICE, "ok"},
    {R_NEW_CREDS_SAME_BOX, false,
     "from=new_credentials hx=,\"credentials\":\"CONTOSO\\\\svc-share\"", "CONTOSO\\svc-share",
     "ok"},
};

static bool cites(const tl_explanation *e, const tl_explained_hop *h, const char *rule)
{
    for (size_t i = 0; i < tl_explanation_process_step_count(e); i++)
        if (strcmp(tl_explanation_process_step_rule(e, i), rule) == 0)
            return true;
    for (size_t i = 0; i < tl_explanation_thread_step_count(e); i++)
        if (strcmp(tl_explanation_thread_step_rule(e, i), rule) == 0)
            return true;
    for (size_t i = 0; i < tl_explained_hop_step_count(h); i++)
        if (strcmp(tl_explained_hop_step_rule(h, i), rule) == 0)
            return true;
    return false;
}

/* Run every row of one rule; returns the number of failures (each one printed). */
static int run_rows(const char *rule, int *positives, int *negatives)
{
    int bad = 0;
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        const rule_row *row = &rows[r];
        if (strcmp(row->rule, rule) != 0)
            continue;
        ++*(row->cited ? positives : negatives);
        spec sp;
        spec_defaults(&sp);
        spec_apply(&sp, row->spec);
        /* "_" in values stands for a space (the spec is split on spaces). */
        for (char *p = sp.anon; *p; p++)
            if (*p == '_')
                *p = ' ';
        const char *json = spec_json(&sp);
        tl_scenario *s = NULL;
        tl_explanation *e = NULL;
        if (tl_scenario_from_json(&s, json, strlen(json)) != TL_OK) {
            print_error("row %zu (%s): scenario did not load: %s at %s\n%s", r, row->rule,
                        tl_error_last()->message, tl_error_last()->path, json);
            bad++;
            continue;
        }
        assert_tl_ok(tl_scenario_explain(&e, s));
        const tl_explained_hop *h = tl_explanation_hop_at(e, 0);
        assert_non_null(h);
        const char *arr = tl_explained_hop_arrives_as_name(h);
        if (cites(e, h, row->rule) != row->cited) {
            print_error("row %zu: rule %s %s cited for [%s]\n", r, row->rule,
                        row->cited ? "is not" : "is", row->spec);
            bad++;
        }
        if (row->arrives && strcmp(row->arrives, arr ? arr : "-") != 0) {
            print_error("row %zu (%s): arrives as %s, expected %s [%s]\n", r, row->rule,
                        arr ? arr : "-", row->arrives, row->spec);
            bad++;
        }
        const char *outcome = tl_explain_outcome_name(tl_explained_hop_outcome(h));
        if (row->outcome && strcmp(row->outcome, outcome) != 0) {
            print_error("row %zu (%s): outcome %s, expected %s [%s]\n", r, row->rule, outcome,
                        row->outcome, row->spec);
            bad++;
        }
        for (size_t i = 0; i < tl_explained_hop_step_count(h); i++)
            if (!tl__sim_rule_known(tl_explained_hop_step_rule(h, i))) {
                print_error("row %zu: step cites unknown rule %s\n", r,
                            tl_explained_hop_step_rule(h, i));
                bad++;
            }
        tl_explanation_free(e);
        tl_scenario_free(s);
    }
    return bad;
}

/* One cmocka test per rule (named after it): its positive and negative rows all hold. */
static void rule_test(void **state)
{
    const char *rule = *state;
    int pos = 0, neg = 0;
    int bad = run_rows(rule, &pos, &neg);
    if (strcmp(rule, R_LOCAL_LEVEL) != 0 && (pos == 0 || neg == 0)) {
        print_error("rule %s needs a positive and a negative row (%d/%d)\n", rule, pos, neg);
        bad++;
    }
    assert_int_equal(bad, 0);
}

/* Every rule in the catalogue has a positive and a negative row (local.level-too-low is
 * covered at model level below, since no scenario produces an Identification token). */
static void every_rule_has_positive_and_negative_rows(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < tl_sim_rule_count(); i++) {
        const char *id = tl_sim_rule_id(i);
        bool pos = false, neg = false;
        for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
            if (strcmp(rows[r].rule, id) == 0) {
                if (rows[r].cited)
                    pos = true;
                else
                    neg = true;
            }
        if (strcmp(id, R_LOCAL_LEVEL) == 0)
            pos = neg = true;
        if (!pos || !neg) {
            print_error("rule %s lacks a %s row\n", id, pos ? "negative" : "positive");
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Model level: a token below Impersonation level cannot be used as the client. */
static void identification_level_cannot_act_as_client(void **state)
{
    (void)state;
    static const struct {
        int level;
        const char *target;
        const char *outcome;
        bool cites_level;
    } cases[] = {
        {TL_IMPERSONATION_IDENTIFICATION_VALUE, "local", "denied", true},
        {0 /* Anonymous */, "local", "denied", true},
        {TL_IMPERSONATION_IDENTIFICATION_VALUE, SQL, "denied", true},
        {TL_IMPERSONATION_IMPERSONATION_VALUE, "local", "ok", false},
        {TL_IMPERSONATION_DELEGATION_VALUE, "local", "ok", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tl__token t;
        memset(&t, 0, sizeof t);
        t.user.name = (char *)"CONTOSO\\alice";
        t.level = cases[i].level;
        t.net = TL__NET_NONE;
        t.kdeleg_rule = R_NTLM_NO_DELEG;
        struct tl_explained_hop h;
        memset(&h, 0, sizeof h);
        tl__hop_env env = {"WEB01", "CONTOSO", NULL, 0, "CONTOSO\\WEB01$", NULL, true};
        assert_tl_ok(tl__sim_eval_hop(&h, &t, true, cases[i].target, &env));
        assert_string_equal(tl_explain_outcome_name(h.outcome), cases[i].outcome);
        bool cited = false;
        for (size_t k = 0; k < h.steps.n; k++)
            cited |= strcmp(h.steps.v[k].rule, R_LOCAL_LEVEL) == 0;
        assert_int_equal(cited, cases[i].cites_level);
        tl__id_free(&h.arrives_as);
        tl__steps_free(&h.steps);
    }
}

/* docs/rules.md documents every rule id the engine can cite, and the catalogue has a
 * statement and a source for each. */
static void rules_are_documented_with_sources(void **state)
{
    (void)state;
    char *doc = NULL;
    size_t len = 0;
    assert_tl_ok(tl__read_file(&doc, &len, tl_test_data("../../docs/rules.md"), 1 << 20));
    int bad = 0;
    for (size_t i = 0; i < tl_sim_rule_count(); i++) {
        char anchor[128];
        snprintf(anchor, sizeof anchor, "`%s`", tl_sim_rule_id(i));
        if (!strstr(doc, anchor)) {
            print_error("docs/rules.md does not document %s\n", tl_sim_rule_id(i));
            bad++;
        }
        if (!tl_sim_rule_statement(i)[0] || !tl_sim_rule_source(i)[0]) {
            print_error("rule %s lacks a statement or source\n", tl_sim_rule_id(i));
            bad++;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(tl_sim_rule_id(i), tl_sim_rule_id(j)) == 0) {
                print_error("rule %s listed twice\n", tl_sim_rule_id(i));
                bad++;
            }
    }
    assert_null(tl_sim_rule_id(tl_sim_rule_count()));
    tl_free(doc);
    assert_int_equal(bad, 0);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(every_rule_has_positive_and_negative_rows),
        cmocka_unit_test(identification_level_cannot_act_as_client),
        cmocka_unit_test(rules_are_documented_with_sources),
    };
    size_t nrules = tl_sim_rule_count(), nfixed = sizeof fixed / sizeof fixed[0];
    struct CMUnitTest *tests = calloc(nrules + nfixed, sizeof *tests);
    assert_non_null(tests);
    for (size_t i = 0; i < nrules; i++) {
        tests[i].name = tl_sim_rule_id(i);
        tests[i].test_func = rule_test;
        tests[i].initial_state = (void *)tl_sim_rule_id(i);
    }
    memcpy(tests + nrules, fixed, sizeof fixed);
    int rc = _cmocka_run_group_tests("test_sim", tests, nrules + nfixed, NULL, NULL);
    free(tests);
    return rc;
}
