/*
 * The rule catalogue of the explain engine. Every step the engine emits cites one of these
 * ids; docs/rules.md carries the same ids with the longer discussion (a unit test checks
 * that both agree). Sources are Microsoft documentation and open specifications.
 */
#include "sim_internal.h"
#include <string.h>

typedef struct rule {
    const char *id;
    const char *statement;
    const char *source;
    bool unsettled;
} rule;

#define MS "https://learn.microsoft.com/en-us/"
static const rule rules[] = {
    {R_PROC_APPPOOL,
     "An application pool with identityType ApplicationPoolIdentity runs its worker process as the "
     "virtual account IIS APPPOOL\\<pool>, whose SID is S-1-5-82 followed by SHA-1 of the "
     "lower-case pool name.",
     MS "iis/manage/configuring-security/application-pool-identities (Application Pool Identity "
        "Accounts); SID derivation: docs/sid.md",
     false},
    {R_PROC_BUILTIN,
     "identityType NetworkService, LocalService or LocalSystem runs the worker process as NT "
     "AUTHORITY\\NETWORK SERVICE (S-1-5-20), NT AUTHORITY\\LOCAL SERVICE (S-1-5-19) or NT "
     "AUTHORITY\\SYSTEM (S-1-5-18), in the service logon sessions of those accounts.",
     MS
     "iis/configuration/system.applicationhost/applicationpools/add/processmodel (identityType); "
     "MS-DTYP 2.4.2.4 Well-Known SID Structures",
     false},
    {R_PROC_SPECIFIC,
     "identityType SpecificUser runs the worker process as the configured account, logged on with "
     "its password, so its logon session holds that account's own credentials.",
     MS "iis/configuration/system.applicationhost/applicationpools/add/processmodel (userName, "
        "password); logon type Batch is an inference from the 'Log on as a batch job' right "
        "IIS_IUSRS holds",
     false},
    {R_IIS_ANON_IUSR,
     "With anonymous authentication and userName=\"IUSR\" (the default), IIS serves anonymous "
     "requests with the built-in account NT AUTHORITY\\IUSR (S-1-5-17), the same SID on every "
     "machine.",
     MS "iis/configuration/system.webserver/security/authentication/anonymousauthentication; " MS
        "iis/get-started/planning-for-security/"
        "understanding-built-in-user-and-group-accounts-in-iis (IUSR Account)",
     false},
    {R_IIS_ANON_POOL,
     "With anonymous authentication and userName=\"\" IIS serves anonymous requests as the "
     "application pool identity: the thread impersonates a copy of the worker process token.",
     MS
     "iis/manage/configuring-security/application-pool-identities; " MS
     "iis/get-started/planning-for-security/understanding-built-in-user-and-group-accounts-in-iis "
     "(use the application pool identity as the anonymous user)",
     false},
    {R_IIS_ANON_USER,
     "With anonymous authentication and a specific userName, IIS logs that account on with its "
     "password (logonMethod, default ClearText = LOGON32_LOGON_NETWORK_CLEARTEXT) and serves "
     "anonymous requests with that token.",
     MS "iis/configuration/system.webserver/security/authentication/anonymousauthentication "
        "(userName, password, logonMethod)",
     false},
    {R_IIS_ANON_OFF,
     "A request without credentials to a site whose anonymous authentication is disabled is "
     "refused with 401: no application code runs, so no hop is made.",
     MS
     "iis/configuration/system.webserver/security/authentication/anonymousauthentication (enabled)",
     false},
    {R_IIS_WIN_AUTH,
     "Windows authentication (Negotiate or NTLM) gives IIS a network logon of the client: a token "
     "whose logon session was created by AcceptSecurityContext from the client's Kerberos ticket "
     "or NTLM response, not from a password.",
     MS "iis/configuration/system.webserver/security/authentication/windowsauthentication; " MS
        "windows/win32/api/sspi/nf-sspi-acceptsecuritycontext",
     false},
    {R_IIS_WIN_OFF,
     "When Windows authentication is disabled IIS does not challenge for it; a client that would "
     "authenticate is served as an anonymous request (or refused when anonymous is disabled too).",
     MS
     "iis/configuration/system.webserver/security/authentication/windowsauthentication (enabled)",
     false},
    {R_IIS_PROVIDERS,
     "IIS offers only the listed providers: Kerberos needs Negotiate (or Negotiate:Kerberos); "
     "with only NTLM listed the client authenticates with NTLM; with only Negotiate:Kerberos an "
     "NTLM client is refused.",
     MS
     "iis/configuration/system.webserver/security/authentication/windowsauthentication/providers/",
     false},
    {R_IIS_KERNEL,
     "With kernel-mode authentication (useKernelMode, the default) Kerberos tickets are decrypted "
     "with the machine account's key unless useAppPoolCredentials=true; a pool running as a "
     "domain account whose HTTP SPN is registered on that account then fails Kerberos.",
     MS "iis/configuration/system.webserver/security/authentication/windowsauthentication "
        "(useKernelMode, useAppPoolCredentials); " MS
        "archive/blogs/amol/understanding-kernel-mode-authentication-in-iis-7",
     false},
    {R_ASPNET_IMP_ON,
     "With ASP.NET impersonation on (<identity impersonate=\"true\"/>) application code runs on a "
     "thread impersonating the token IIS authenticated (the user, IUSR, or the anonymous account).",
     MS "previous-versions/aspnet/xh507fc5(v=vs.100) (ASP.NET Impersonation)", false},
    {R_ASPNET_IMP_OFF,
     "With ASP.NET impersonation off (the default) application code runs as the worker process "
     "identity, whoever the authenticated user is.",
     MS "previous-versions/aspnet/xh507fc5(v=vs.100) (ASP.NET Impersonation)", false},
    {R_KRB_NO_DELEG,
     "A Kerberos logon to a service not trusted for delegation carries no forwarded TGT: the "
     "server's token is at Impersonation level and cannot act as the client on remote systems.",
     "MS-LSAD 2.2.3.5 SECURITY_IMPERSONATION_LEVEL " MS
     "openspecs/windows_protocols/ms-lsad/720cea10-cee2-4c45-9084-c6fa7d67d18d; MS-KILE 3.3.5.1 "
     "(OK-AS-DELEGATE only when TrustedForDelegation)",
     false},
    {R_KRB_UNCONSTRAINED,
     "When the service account is trusted for (unconstrained) delegation the KDC sets "
     "OK-AS-DELEGATE and the client forwards its TGT: the token is at Delegation level and can "
     "reach any SPN as the user over Kerberos.",
     "MS-KILE 3.3.5.1 Request Flag Ticket-issuing Behavior " MS
     "openspecs/windows_protocols/ms-kile/f5993d64-a280-4555-9fcc-922fb934fc27; MS-SFU 1.3.3 "
     "(delegation with a forwarded TGT); MS-LSAD 2.2.3.5",
     false},
    {R_KRB_SENSITIVE,
     "For an account marked 'sensitive and cannot be delegated' (NOT_DELEGATED, or a member of "
     "Protected Users) the KDC sets neither FORWARDABLE nor PROXIABLE: no TGT is forwarded and no "
     "evidence ticket is usable for S4U2proxy, so no delegation of any kind works for that user.",
     "MS-KILE 3.3.5.1; MS-SFU 3.2.5.1.2 (S4U2self not FORWARDABLE when DelegationNotAllowed) " MS
     "openspecs/windows_protocols/ms-sfu/ad98268b-f75b-42c3-b09b-959282770642; userAccountControl "
     "NOT_DELEGATED " MS "windows/win32/adschema/a-useraccountcontrol",
     false},
    {R_KRB_CONSTRAINED,
     "With constrained delegation the service uses S4U2proxy: it presents the user's forwardable "
     "service ticket and the KDC issues a ticket for the user to an SPN on the service's "
     "msDS-AllowedToDelegateTo list.",
     "MS-SFU 3.2.5.2.1 Using ServicesAllowedToSendForwardedTicketsTo " MS
     "openspecs/windows_protocols/ms-sfu/6d76bf10-3c48-4e14-9992-df1bd456455e; MS-SFU 4.3",
     false},
    {R_KRB_NOT_LISTED,
     "S4U2proxy to an SPN not on the service's constrained-delegation list fails "
     "(KRB-ERR-BADOPTION): no Kerberos ticket for the user exists for that target.",
     "MS-SFU 3.2.5.2.1 " MS
     "openspecs/windows_protocols/ms-sfu/6d76bf10-3c48-4e14-9992-df1bd456455e",
     false},
    {R_KRB_NEEDS_KRB,
     "Constrained delegation without protocol transition ('Kerberos only') needs a forwardable "
     "evidence ticket; a user who authenticated with NTLM has none, and S4U2self for a service "
     "not trusted to authenticate for delegation is not FORWARDABLE, so S4U2proxy fails.",
     "MS-SFU 3.2.5.1.2 " MS
     "openspecs/windows_protocols/ms-sfu/ad98268b-f75b-42c3-b09b-959282770642; MS-SFU 3.2.5.2.1",
     false},
    {R_KRB_TRANSITION,
     "With constrained delegation and protocol transition ('use any authentication protocol', "
     "TrustedToAuthForDelegation) S4U2self yields a FORWARDABLE ticket for the user however the "
     "user authenticated (NTLM too), and S4U2proxy then reaches the listed SPNs as the user.",
     "MS-SFU 3.2.5.1.2 (TrustedToAuthenticationForDelegation TRUE: MUST set FORWARDABLE) " MS
     "openspecs/windows_protocols/ms-sfu/ad98268b-f75b-42c3-b09b-959282770642; MS-SFU 3.2.5.2.1",
     false},
    {R_KRB_WORKGROUP,
     "A workgroup machine has no account in any Kerberos realm: no KDC can issue a ticket for its "
     "services, so Windows authentication to it ends up as NTLM with local accounts.",
     "MS-KILE 1.3 (a KDC issues tickets for accounts of its domain) " MS
     "openspecs/windows_protocols/ms-kile/; the NTLM fallback is the Negotiate package's "
     "(" MS "windows/win32/secauthn/microsoft-negotiate)",
     false},
    {R_NTLM_NO_DELEG,
     "An NTLM network logon holds no credential the server can reuse: the token is at "
     "Impersonation level, valid on the local system only, and NTLM has no delegation.",
     "MS-LSAD 2.2.3.5 " MS
     "openspecs/windows_protocols/ms-lsad/720cea10-cee2-4c45-9084-c6fa7d67d18d; MS-NLMP 1.3 (no "
     "delegation mechanism)",
     false},
    {R_LOGONUSER,
     "A token from LogonUser with a password (LOGON32_LOGON_NETWORK_CLEARTEXT keeps the name and "
     "password in the authentication package) lets the server connect to other network servers "
     "as that user while impersonating it.",
     MS "windows/win32/api/winbase/nf-winbase-logonusera (dwLogonType)", false},
    {R_THREAD_PROCESS,
     "A thread that is not impersonating uses its process's primary token, locally and for "
     "network authentication.",
     MS "windows/win32/secauthz/access-tokens", false},
    {R_THREAD_REVERT,
     "RevertToSelf ends the thread's impersonation: from then on it acts as the process identity.",
     MS "windows/win32/api/securitybaseapi/nf-securitybaseapi-reverttoself", false},
    {R_THREAD_POOL,
     "Impersonation is a property of one thread (its thread token). A continuation that runs on a "
     "thread-pool thread without re-applying the impersonation runs with the process token.",
     MS "windows/win32/api/processthreadsapi/nf-processthreadsapi-setthreadtoken; " MS
        "dotnet/api/system.security.principal.windowsidentity.runimpersonatedasync "
        "(why .NET needs RunImpersonatedAsync)",
     false},
    {R_NET_NETWORKSERVICE,
     "NetworkService presents the computer's credentials to remote servers: off the box it is "
     "the machine account DOMAIN\\HOST$.",
     MS "windows/win32/services/networkservice-account", false},
    {R_NET_APPPOOL,
     "An ApplicationPoolIdentity worker accesses the network as the machine account "
     "DOMAIN\\HOST$; IIS APPPOOL\\<pool> exists only on its own machine.",
     MS "iis/manage/configuring-security/application-pool-identities (Accessing the Network)",
     false},
    {R_NET_LOCALSYSTEM,
     "LocalSystem presents the computer's credentials to remote servers: off the box it is the "
     "machine account DOMAIN\\HOST$.",
     MS "windows/win32/services/localsystem-account", false},
    {R_NET_LOCALSERVICE, "LocalService presents anonymous credentials on the network.",
     MS "windows/win32/services/localservice-account", false},
    {R_NET_IUSR,
     "IUSR acts anonymously on the network, like LocalService; it cannot act as the machine.",
     MS
     "iis/get-started/planning-for-security/understanding-built-in-user-and-group-accounts-in-iis "
     "(IUSR Account)",
     false},
    {R_NET_WORKGROUP,
     "On a workgroup machine there is no domain machine account: NetworkService, "
     "ApplicationPoolIdentity and LocalSystem reach another machine without credentials it can "
     "verify, so they arrive as ANONYMOUS LOGON.",
     "No source found that states this outright; inferred from the NetworkService account page "
     "(computer credentials) and the absence of a domain account for the computer",
     true},
    {R_NET_OWN,
     "A logon session created from the account's password (service, batch or cleartext logon) "
     "holds its credentials, so network authentication is as that account.",
     MS "windows/win32/api/winbase/nf-winbase-logonusera (LOGON32_LOGON_NETWORK is the logon type "
        "that does not cache credentials)",
     false},
    {R_NET_ANON_LOGON,
     "A connection made without usable credentials authenticates anonymously (NTLM anonymous "
     "authentication): the server sees NT AUTHORITY\\ANONYMOUS LOGON (S-1-5-7).",
     "MS-NLMP 3.2.5.1.2 (anonymous authentication); MS-DTYP 2.4.2.4 (S-1-5-7); " MS
     "windows/win32/api/securitybaseapi/nf-securitybaseapi-impersonateanonymoustoken",
     false},
    {R_NET_NEGOTIATE,
     "Negotiate picks Kerberos when both sides are in a domain and the target SPN is registered; "
     "otherwise NTLM. The identity that arrives is the same either way for a password-backed or "
     "machine logon.",
     MS "windows/win32/secauthn/microsoft-negotiate", false},
    {R_NET_DELEGATED,
     "A ticket obtained for the user by delegation authenticates to the target as the user over "
     "Kerberos (SecurityDelegation: the server can impersonate the client on remote systems).",
     "MS-LSAD 2.2.3.5 " MS
     "openspecs/windows_protocols/ms-lsad/720cea10-cee2-4c45-9084-c6fa7d67d18d; MS-SFU 4.3",
     false},
    {R_LOCAL_TOKEN,
     "A resource on the same machine is checked against the effective token's own user and "
     "groups: an ApplicationPoolIdentity worker is IIS APPPOOL\\<pool> there, not the machine "
     "account.",
     MS "iis/manage/configuring-security/application-pool-identities (Securing Resources); " MS
        "windows/win32/secauthz/access-tokens",
     false},
    {R_LOCAL_LEVEL,
     "A token at Identification or Anonymous level cannot be used to open local resources as the "
     "client (ERROR_BAD_IMPERSONATION_LEVEL).",
     MS "windows/win32/api/winnt/ne-winnt-security_impersonation_level", false},
};

size_t tl_sim_rule_count(void)
{
    return sizeof rules / sizeof rules[0];
}

const char *tl_sim_rule_id(size_t i)
{
    return i < tl_sim_rule_count() ? rules[i].id : NULL;
}

const char *tl_sim_rule_statement(size_t i)
{
    return i < tl_sim_rule_count() ? rules[i].statement : NULL;
}

const char *tl_sim_rule_source(size_t i)
{
    return i < tl_sim_rule_count() ? rules[i].source : NULL;
}

bool tl_sim_rule_unsettled(size_t i)
{
    return i < tl_sim_rule_count() && rules[i].unsettled;
}

bool tl__sim_rule_known(const char *id)
{
    for (size_t i = 0; id && i < tl_sim_rule_count(); i++)
        if (strcmp(rules[i].id, id) == 0)
            return true;
    return false;
}
