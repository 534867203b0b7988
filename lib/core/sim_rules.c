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
     "identityType SpecificUser runs the worker process as the configured account (WAS logs it on "
     "with the stored password); no source names the logon type, so it is reported as unknown.",
     MS "iis/configuration/system.applicationhost/applicationpools/add/processmodel (userName, "
        "password)",
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
     "password (logonMethod, default ClearText = LOGON32_LOGON_NETWORK_CLEARTEXT; Interactive, "
     "Batch, Network) and serves anonymous requests with that token.",
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
     "With kernel-mode authentication (useKernelMode, the default) HTTP.sys decrypts Kerberos "
     "tickets with the machine account's key unless useAppPoolCredentials=true; when the HTTP SPN "
     "is on the domain account the pool runs as, the ticket cannot be decrypted and the request "
     "fails with 401 (the model assumes that is where the SPN is for a SpecificUser pool).",
     MS "iis/configuration/system.webserver/security/authentication/windowsauthentication "
        "(useKernelMode, useAppPoolCredentials); " MS
        "archive/blogs/amol/understanding-kernel-mode-authentication-in-iis-7; " MS
        "archive/blogs/autz_auth_stuff/kernel-mode-authentication (HTTP Error 401)",
     false},
    {R_ASPNET_IMP_ON,
     "With ASP.NET impersonation on (<identity impersonate=\"true\"/>) application code runs on a "
     "thread impersonating the token IIS authenticated (the user, IUSR, or the anonymous account); "
     "in the Integrated pipeline impersonation is not available in some early request stages, "
     "and IIS answers with a migration error unless validateIntegratedModeConfiguration=\"false\".",
     MS "previous-versions/aspnet/xh507fc5(v=vs.100) (ASP.NET Impersonation); " MS
        "iis/configuration/system.webserver/validation (\"Your application's Web.config file "
        "specifies <identity impersonate=\"true\" />. In IIS 7 Integrated mode, client "
        "impersonation is not available in some early request processing stages\")",
     false},
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
     "OK-AS-DELEGATE; if the client then forwards its TGT (its own policy decides: see "
     "client.no-tgt-forwarding) the token is at Delegation level and can reach any SPN as the "
     "user over Kerberos.",
     "MS-KILE 3.3.5.1 Request Flag Ticket-issuing Behavior " MS
     "openspecs/windows_protocols/ms-kile/f5993d64-a280-4555-9fcc-922fb934fc27; MS-SFU 1.3.3 "
     "(delegation with a forwarded TGT); MS-LSAD 2.2.3.5",
     false},
    {R_KRB_SENSITIVE,
     "For an account marked 'sensitive and cannot be delegated' (userAccountControl NOT_DELEGATED) "
     "the KDC sets neither FORWARDABLE nor PROXIABLE: no TGT is forwarded and no evidence ticket "
     "is usable for S4U2proxy, so no delegation of any kind works for that user (Protected Users "
     "is a separate rule).",
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
     "An NTLM network logon holds no credential the server can reuse: NTLM never sends the "
     "password, so while impersonating the server can reach local resources only.",
     MS "windows/win32/com/ntlmssp (\"the server cannot use the password during impersonation to "
        "access network resources ... Only local resources can be accessed\"); MS-LSAD 2.2.3.5",
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
     "A process running as a domain account (a SpecificUser pool, a gMSA) authenticates to other "
     "machines as that account: the remote side sees it, not the machine account.",
     MS "iis/manage/configuring-security/application-pool-identities (a custom account is the "
        "identity off the box, unlike the built-in identities); " MS
        "previous-versions/msp-n-p/ff649309(v=pandp.10) (How To: Create a Service Account for an "
        "ASP.NET 2.0 Application: a domain account as the pool identity reaches remote "
        "resources as itself)",
     false},
    {R_NET_ANON_LOGON,
     "A connection made without usable credentials authenticates anonymously (NTLM anonymous "
     "authentication): the server sees NT AUTHORITY\\ANONYMOUS LOGON (S-1-5-7).",
     "MS-NLMP 3.2.5.1.2 (anonymous authentication); MS-DTYP 2.4.2.4 (S-1-5-7); " MS
     "windows/win32/api/securitybaseapi/nf-securitybaseapi-impersonateanonymoustoken",
     false},
    {R_NET_NEGOTIATE,
     "Negotiate picks Kerberos when the machine is in a domain and a ticket for the target's SPN "
     "can be had (a host name, the SPN registered once); otherwise NTLM. For a password-backed or "
     "NetworkService/ApplicationPoolIdentity logon the same account arrives either way; delegated "
     "users need Kerberos, and LocalSystem's NTLM identity depends on a policy.",
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
    {R_REQ_ANON_PROTO,
     "An anonymous request carries no credentials, so it has no authentication protocol: a "
     "protocol the scenario names for it is ignored.",
     MS "iis/configuration/system.webserver/security/authentication/anonymousauthentication; "
        "PRODUCT.md (scenario format v1, optional fields)",
     false},
    {R_LOCAL_SAME_BOX,
     "A service on the web server itself (an SPN whose host is this machine, localhost or a "
     "loopback address) sees a local login: the process identity arrives as itself "
     "(IIS APPPOOL\\<pool>, NETWORK SERVICE, ...), not as the machine account.",
     "https://blogs.msdn.microsoft.com/ericparvin/2015/04/14/"
     "how-to-add-the-applicationpoolidentity-to-a-sql-server-login/ (\"On a local SQL Server, "
     "the login request will appear as the IIS application pool identity\")",
     false},
    {R_LOCAL_SAME_BOX_IMP,
     "A thread impersonating a network logon that connects to a service on the same machine is "
     "seen with its own token (NTLM loopback), not as ANONYMOUS LOGON.",
     MS "windows/win32/com/ntlmssp (NTLM works \"locally and across computers\" and supports the "
        "delegate impersonation level \"cross-thread and cross-process\" on one machine)",
     false},
    {R_NET_IP_HOST,
     "Windows does not attempt Kerberos for a host named by an IPv4 or IPv6 address unless the "
     "client sets TryIPSPN (and an IP-address SPN is registered): Negotiate falls back to NTLM.",
     MS "windows-server/security/kerberos/configuring-kerberos-over-ip (\"By default Windows will "
        "not attempt Kerberos authentication for a host if the hostname is an IP address\")",
     false},
    {R_NET_SPN_STATE,
     "Without exactly one account holding the target's SPN (missing, or duplicate) the KDC "
     "issues no service ticket and Negotiate falls back to NTLM: a delegated user then arrives "
     "as ANONYMOUS LOGON, while the machine account and password-backed accounts still arrive as "
     "themselves.",
     "RFC 4120 3.3.3 (KDC_ERR_S_PRINCIPAL_UNKNOWN: no ticket for an unknown principal); " MS
     "windows/win32/ad/name-formats-for-unique-spns (\"An SPN must be unique in the forest in "
     "which it is registered. If it is not unique, authentication will fail\"); " MS
     "previous-versions/windows/it-pro/windows-server-2008-r2-and-2008/dd363933(v=ws.10) (KDC "
     "duplicate names: \"This may result in authentication failures or downgrades to NTLM\"); " MS
     "windows/win32/secauthn/microsoft-negotiate (fallback to NTLM)",
     false},
    {R_NET_LOCALSYSTEM_NTLM,
     "LocalSystem falling back to NTLM uses the computer identity only while the policy "
     "'Network security: Allow Local System to use computer identity for NTLM' (UseMachineId) is "
     "on, the default since Windows 7 / Server 2008 R2; with it disabled it authenticates "
     "anonymously.",
     MS "previous-versions/windows/it-pro/windows-server-2012-r2-and-2012/jj852275(v=ws.11) "
        "(Disabled: \"Services running as Local System that use Negotiate when reverting to NTLM "
        "authentication will authenticate anonymously\"; Enabled is the default from Windows 7 "
        "and Windows Server 2008 R2)",
     false},
    {R_IIS_HTTP_SPN,
     "When the site's HTTP SPN is missing or registered on more than one account the browser "
     "gets no Kerberos ticket and Negotiate falls back to NTLM: Kerberos-only constrained and "
     "unconstrained delegation stop working, protocol transition does not.",
     MS "windows/win32/secauthn/microsoft-negotiate (NTLM when Kerberos cannot be used); "
        "MS-SFU 3.2.5.1.2 (S4U2self needs no ticket from the client)",
     false},
    {R_IIS_BASIC,
     "With Basic authentication the client sends the password and IIS calls LogonUser with the "
     "site's logonMethod (default ClearText): the request runs as that logon of the user.",
     MS "iis/configuration/system.webserver/security/authentication/basicauthentication "
        "(logonMethod); " MS "dotnet/api/microsoft.web.administration.authenticationlogonmethod",
     false},
    {R_IIS_BASIC_OFF,
     "When Basic authentication is not enabled IIS never challenges for it: a client that would "
     "send a password is served as an anonymous request (or refused when anonymous is off).",
     MS "iis/configuration/system.webserver/security/authentication/basicauthentication "
        "(enabled, default false)",
     false},
    {R_LOGON_INTERACTIVE,
     "A LogonUser Interactive logon caches the credentials, so a thread impersonating it "
     "authenticates to other servers as the user.",
     MS "dotnet/api/microsoft.web.administration.authenticationlogonmethod (Interactive: \"caches "
        "credentials for disconnected operations\"); " MS
        "windows/win32/api/winbase/nf-winbase-logonusera",
     false},
    {R_LOGON_NO_CREDS,
     "A LogonUser Batch or Network logon does not cache the credentials: the token can be used "
     "locally only, and off the box it arrives as ANONYMOUS LOGON (unless protocol transition "
     "delegates it).",
     MS "dotnet/api/microsoft.web.administration.authenticationlogonmethod (Batch and Network: "
        "\"does not cache credentials\"); " MS "windows/win32/api/winbase/nf-winbase-logonusera",
     false},
    {R_ASPNETCORE_NO_IMP,
     "ASP.NET Core never impersonates by itself: <identity impersonate> does not apply, and code "
     "runs as the process identity unless it calls WindowsIdentity.RunImpersonated.",
     MS "aspnet/core/security/authentication/windowsauth (Impersonation: \"ASP.NET Core doesn't "
        "implement impersonation. Apps run with the app's identity for all requests, using app "
        "pool or process identity\")",
     false},
    {R_ASPNETCORE_RUN_IMP,
     "Code wrapped in WindowsIdentity.RunImpersonated[Async] runs impersonating the request's "
     "Windows identity (what IIS authenticated); an anonymous request has none.",
     MS "aspnet/core/security/authentication/windowsauth (Impersonation); " MS
        "dotnet/api/system.security.principal.windowsidentity.runimpersonated",
     false},
    {R_ASPNETCORE_OOP,
     "Out of process the app runs in its own process (Kestrel) under the pool identity; the "
     "ASP.NET Core Module passes it the request's Windows token when forwardWindowsAuthToken is "
     "true (the default).",
     MS "aspnet/core/host-and-deploy/iis/out-of-process-hosting (\"ASP.NET Core apps run in a "
        "process separate from the IIS worker process\"); " MS
        "aspnet/core/host-and-deploy/aspnet-core-module (forwardWindowsAuthToken, default true: "
        "\"the token is forwarded to the child process listening on %ASPNETCORE_PORT% as a "
        "header 'MS-ASPNETCORE-WINAUTHTOKEN' per request\")",
     false},
    {R_CLIENT_NO_TGT,
     "Unconstrained delegation needs the client to forward its TGT, and browsers decide that by "
     "their own policy: Edge 87+ and Chrome only for servers in AuthNegotiateDelegateAllowlist, "
     "IE only for the Intranet or Trusted zone; constrained delegation needs nothing from the "
     "client.",
     MS "deployedge/microsoft-edge-policies/authnegotiatedelegateallowlist (\"If you don't "
        "configure this policy Microsoft Edge doesn't delegate user credentials even if a server "
        "is detected as Intranet\"); " MS
        "deployedge/microsoft-edge-policies/authnegotiatedelegatebykdcpolicy (\"delegates "
        "credentials only to services specified in AuthNegotiateDelegateAllowlist\"); Chrome has "
        "the same Chromium policy (its own policy page could not be checked); MS-KILE 3.2.5.1 "
        "(\"If Delegate is set to TRUE, the client sets the FORWARDABLE option ... The client does "
        "not forward the ticket unless the TGT is marked OK-AS-DELEGATE\")",
     false},
    {R_CLIENT_CREDGUARD,
     "A client with Credential Guard never allows unconstrained Kerberos delegation: its TGT is "
     "not forwarded.",
     MS "windows/security/identity-protection/credential-guard/considerations-known-issues "
        "(\"When you enable Credential Guard, you can no longer use Kerberos unconstrained "
        "delegation ... Use constrained or resource-based Kerberos delegation instead\")",
     false},
    {R_CLIENT_IE_ZONE,
     "Internet Explorer without an explicit delegation_allowed is assumed to delegate: it sends "
     "Kerberos without a prompt only to the Intranet zone (or a Trusted zone set to log on "
     "automatically), and those are the zones where it asks to delegate; the Windows Kerberos "
     "client then forwards the TGT when the ticket is OK-AS-DELEGATE.",
     "MS-KILE 3.2.5.1 (the client forwards only when Delegate is set and the ticket is "
     "OK-AS-DELEGATE); no Microsoft page found that says in which zones Internet Explorer asks "
     "to delegate",
     true},
    {R_PROTECTED_NTLM,
     "Members of Protected Users cannot authenticate with NTLM (domain level Windows Server 2012 "
     "R2 "
     "or later): a request that ends up as NTLM is refused (401), and a call that falls back to "
     "NTLM with a member's password logon is refused too.",
     MS "windows-server/security/credentials-protection-and-management/"
        "protected-users-security-group (\"NTLM authentication isn't allowed\")",
     false},
    {R_PROTECTED_NO_DELEG,
     "Members of Protected Users cannot be delegated: neither unconstrained nor constrained (nor "
     "resource-based) delegation gives a ticket for them; distinct from 'sensitive and cannot be "
     "delegated', which does not block NTLM.",
     MS "windows-server/security/credentials-protection-and-management/"
        "protected-users-security-group (\"Can't be delegated using unconstrained/constrained "
        "delegation\"); MS-KILE 3.3.5.1 (for a member of PROTECTED_USERS at domain functional "
        "level >= 6 \"the KILE KDC MUST NOT set the PROXIABLE or FORWARDABLE ticket flags\"); "
        "MS-SFU 3.1.5.2.1 (non-sensitive users only)",
     false},
    {R_KRB_FOREST_TGT,
     "Since the July 2019 updates a TGT is not delegated to a service across a forest trust "
     "(EnableTGTDelegation off by default): unconstrained delegation fails for users of another "
     "forest; constrained delegation is not affected.",
     "https://support.microsoft.com/help/4490425 (Updates to TGT delegation across incoming trusts "
     "in Windows Server)",
     false},
    {R_KRB_CROSS_DOMAIN,
     "Classic constrained delegation (msDS-AllowedToDelegateTo) works only when the web tier's "
     "account and the target are in the same domain; resource-based constrained delegation works "
     "across domains.",
     "MS-SFU 3.2.5.2.1 (\"If the KDC is for the realm of both Service 1 and Service 2\") " MS
     "openspecs/windows_protocols/ms-sfu/6d76bf10-3c48-4e14-9992-df1bd456455e; " MS
     "windows/win32/secauthn/kerberos-policy (\"Those services must reside in the same domain as "
     "the computer forwarding the credentials\"); " MS
     "windows-server/security/kerberos/kerberos-constrained-delegation-overview (classic "
     "constrained delegation \"restricts the account to a single domain\")",
     false},
    {R_KRB_RBCD,
     "Resource-based constrained delegation: when the target's account lists the web tier's "
     "account in msDS-AllowedToActOnBehalfOfOtherIdentity, S4U2proxy succeeds for a non-sensitive "
     "user even without classic delegation, across domains, and with a non-forwardable evidence "
     "ticket.",
     "MS-SFU 3.2.5.2.2 Using ServicesAllowedToReceiveForwardedTicketsFrom; MS-SFU 3.1.5.2.1 " MS
     "openspecs/windows_protocols/ms-sfu/ddb2cafd-1f01-4834-b52a-d4a5b34cd960; " MS
     "windows-server/security/kerberos/kerberos-constrained-delegation-overview",
     false},
    {R_KRB_RBCD_NTLM,
     "A user who came with NTLM and a web tier without protocol transition: S4U2self yields a "
     "non-forwardable ticket, which MS-SFU lets resource-based delegation use for a non-sensitive "
     "user; no Microsoft page says what Windows then does end to end.",
     "MS-SFU 3.1.5.2.1 (a nonforwardable S4U2self ticket for a nonsensitive user); no source "
     "describes the LSA's behaviour for an NTLM logon",
     true},
    {R_KRB_CONSTRAINED_LEVEL,
     "A logon used for constrained delegation is reported at Delegation level, as PRODUCT.md's "
     "table does; no source states which level Windows gives it, and the KDC, not the level, "
     "decides each hop.",
     "No source found", true},
    {R_NEW_CREDENTIALS,
     "LogonUser LOGON32_LOGON_NEW_CREDENTIALS (runas /netonly) clones the caller's token with new "
     "credentials for outbound connections: locally it is still the caller, off the box it is "
     "the given account.",
     MS "windows/win32/api/winbase/nf-winbase-logonusera (LOGON32_LOGON_NEW_CREDENTIALS); " MS
        "windows/win32/api/ntsecapi/ne-ntsecapi-security_logon_type (NewCredentials)",
     false},
    {R_NEW_CREDS_SAME_BOX,
     "A NEW_CREDENTIALS token calling a service on this machine by its SPN is taken as local "
     "access by the caller; whether Windows treats the loopback connection as one of the "
     "\"other network connections\" that use the new credentials is not documented.",
     MS "windows/win32/api/winbase/nf-winbase-logonusera (LOGON32_LOGON_NEW_CREDENTIALS: \"uses "
        "different credentials for other network connections\"); no source for a loopback "
        "connection",
     true},
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

bool tl__sim_rule_is_unsettled(const char *id)
{
    for (size_t i = 0; id && i < tl_sim_rule_count(); i++)
        if (strcmp(rules[i].id, id) == 0)
            return rules[i].unsettled;
    return false;
}

bool tl__sim_rule_known(const char *id)
{
    for (size_t i = 0; id && i < tl_sim_rule_count(); i++)
        if (strcmp(rules[i].id, id) == 0)
            return true;
    return false;
}
