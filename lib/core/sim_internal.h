/*
 * Internal model of the explain engine, shared by scenario.c (loader), sim.c (model),
 * sim_rules.c (rule catalogue) and sim_output.c (JSON, text, dot). Unit tests include it to
 * test model-level rules that no scenario can reach (e.g. an Identification-level token).
 */
#ifndef TL_SIM_INTERNAL_H
#define TL_SIM_INTERNAL_H

#include "tokenlens/sim.h"
#include "tokenlens/sid.h"
#include "internal.h"

/* ---- scenario (what the JSON says) ------------------------------------------------------- */

typedef enum {
    TL__POOL_APPPOOLIDENTITY,
    TL__POOL_NETWORKSERVICE,
    TL__POOL_LOCALSERVICE,
    TL__POOL_LOCALSYSTEM,
    TL__POOL_SPECIFICUSER
} tl__pool_identity;
typedef enum {
    TL__DELEG_NONE,
    TL__DELEG_UNCONSTRAINED,
    TL__DELEG_CONSTRAINED,
    TL__DELEG_CONSTRAINED_ANY
} tl__deleg_mode;
typedef enum {
    TL__FROM_REQUEST_THREAD = TL_EXPLAIN_FROM_REQUEST_THREAD,
    TL__FROM_THREAD_POOL = TL_EXPLAIN_FROM_THREAD_POOL,
    TL__FROM_AFTER_REVERT = TL_EXPLAIN_FROM_AFTER_REVERT,
    TL__FROM_NEW_CREDENTIALS = TL_EXPLAIN_FROM_NEW_CREDENTIALS
} tl__from;
typedef enum { TL__PROTO_NTLM, TL__PROTO_KERBEROS, TL__PROTO_BASIC } tl__proto;
/* IIS logonMethod (basicAuthentication, anonymousAuthentication), in the parser's order. */
typedef enum {
    TL__LOGON_CLEARTEXT,
    TL__LOGON_INTERACTIVE,
    TL__LOGON_BATCH,
    TL__LOGON_NETWORK
} tl__logon_method;
typedef enum { TL__SPN_REGISTERED, TL__SPN_MISSING, TL__SPN_DUPLICATE } tl__spn_state;
typedef enum {
    TL__CLIENT_IE,
    TL__CLIENT_EDGE,
    TL__CLIENT_CHROME,
    TL__CLIENT_FIREFOX,
    TL__CLIENT_APP
} tl__client_kind;
typedef enum { TL__FW_ASPNET, TL__FW_ASPNETCORE } tl__framework;
typedef enum { TL__HOST_INPROCESS, TL__HOST_OUTOFPROCESS } tl__hosting;

/* IIS windowsAuthentication providers, as a bit set. */
enum { TL__PROV_NEGOTIATE = 1, TL__PROV_NTLM = 2, TL__PROV_NEGOTIATE_KERBEROS = 4 };

#define TL__SCENARIO_MAX_HOPS 64
#define TL__SCENARIO_MAX_SPNS 256
#define TL__SCENARIO_MAX_STRING 512

typedef struct tl__scn_hop {
    char *target; /* SPN or "local" */
    tl__from from;
    tl__spn_state spn;     /* the target's SPN in AD */
    char **allowed_to_act; /* msDS-AllowedToActOnBehalfOfOtherIdentity (RBCD) */
    size_t allowed_to_act_count;
    char *domain;      /* the target's domain, NULL: machine.domain */
    char *credentials; /* new_credentials only */
} tl__scn_hop;

struct tl_scenario {
    char *name;                       /* may be NULL */
    char *machine;                    /* "WEB01" */
    char *domain;                     /* NULL: workgroup */
    bool local_system_use_machine_id; /* "Allow Local System to use computer identity for NTLM" */
    char *pool;                       /* app pool name */
    tl__pool_identity pool_identity;
    char *pool_user; /* SpecificUser only */
    char *site;      /* may be NULL */
    bool anon_enabled;
    char *anon_user; /* "IUSR", "" or an account */
    tl__logon_method anon_logon;
    bool basic_enabled;
    tl__logon_method basic_logon;
    bool win_enabled;
    tl__spn_state site_spn; /* the site's HTTP SPN */
    unsigned providers;     /* TL__PROV_* */
    bool use_app_pool_credentials;
    bool kernel_mode;
    bool impersonate;
    tl__framework framework;
    tl__hosting hosting;
    bool run_impersonated;
    tl__deleg_mode deleg;
    char **deleg_to;
    size_t deleg_to_count;
    char *req_user; /* NULL: anonymous request */
    tl__proto req_proto;
    bool req_proto_given; /* an anonymous request named a protocol (ignored) */
    bool req_sensitive;
    bool req_protected_users;
    bool req_forest_other;
    bool has_client; /* request.client given; else a client that forwards whenever allowed */
    tl__client_kind client_kind;
    bool client_delegation_allowed;
    bool client_delegation_given; /* delegation_allowed named explicitly */
    bool client_credential_guard;
    tl__scn_hop *hops;
    size_t hop_count;
};

/* SECURITY_IMPERSONATION_LEVEL values (as in tokenlens/token.h); -1: not impersonating. */
#define TL_IMPERSONATION_NONE_VALUE (-1)
#define TL_IMPERSONATION_IDENTIFICATION_VALUE 1
#define TL_IMPERSONATION_IMPERSONATION_VALUE 2
#define TL_IMPERSONATION_DELEGATION_VALUE 3

/* ---- model ------------------------------------------------------------------------------ */

/* What a logon session can present off the box. */
typedef enum {
    TL__NET_NONE,      /* network logon: the server holds nothing reusable of the client */
    TL__NET_ANONYMOUS, /* presents anonymous credentials (LocalService, IUSR) */
    TL__NET_MACHINE,   /* presents the computer's credentials (NetworkService & co) */
    TL__NET_OWN        /* holds the account's own secret (password logon) */
} tl__net;

/* What Kerberos delegation the token's logon session can use. */
typedef enum {
    TL__KD_NONE,
    TL__KD_TGT,       /* a forwarded TGT: any SPN (unconstrained) */
    TL__KD_S4U2PROXY, /* a forwardable evidence ticket + constrained list */
    TL__KD_TRANSITION /* S4U2self gives a forwardable ticket (protocol transition) */
} tl__kdeleg;

typedef struct tl__id {
    char *name; /* NULL only for "nobody" (the request never ran) */
    bool has_sid;
    tl_sid sid;
} tl__id;

typedef struct tl__token {
    tl__id user;
    int level;              /* tl_impersonation_level: -1 primary / not impersonating */
    const char *package;    /* static or NULL */
    const char *logon_type; /* static or NULL */
    tl__net net;
    const char *net_rule; /* rule that set `net` */
    const char *net_text; /* static clause for the story ("it presents anonymous ...") */
    tl__kdeleg kdeleg;
    const char *kdeleg_rule; /* rule that decided kdeleg (also when NONE) */
    bool kerberos;           /* the logon came from Kerberos (evidence ticket exists) */
    bool sensitive;
    bool protected_users; /* the user is in Protected Users */
    bool no_rbcd;         /* sensitive or Protected Users: S4U2proxy of any kind is refused */
    bool localsystem;     /* NT AUTHORITY\SYSTEM: its NTLM identity depends on a policy */
} tl__token;

typedef struct tl__step {
    const char *rule; /* static rule id from the catalogue */
    char *text;
} tl__step;

typedef struct tl__steps {
    tl__step *v;
    size_t n, cap;
    int failed; /* sticky allocation failure */
} tl__steps;

struct tl_explained_hop {
    char *target;
    tl_explain_from from;
    tl__id runs_as;
    int runs_as_level;
    tl__id arrives_as;
    tl_explain_protocol protocol;
    tl_explain_outcome outcome;
    char *fix; /* may be NULL */
    tl__steps steps;
    bool unsettled; /* the answer rests on a rule no source settles */
    /* cached SID strings for the getters */
    char runs_sid_str[TL_SID_STRING_MAX];
    char arrives_sid_str[TL_SID_STRING_MAX];
};

struct tl_explanation {
    char *scenario_name;
    char *machine;
    char *client;             /* request.user or NULL */
    const char *client_proto; /* "Kerberos"/"NTLM"/"Basic"/NULL for anonymous */
    bool out_of_process;      /* ASP.NET Core out-of-process: the app runs in dotnet.exe */
    tl__token process;
    tl__token thread; /* effective identity of the request thread */
    bool impersonating;
    bool request_denied; /* the request never reaches the code */
    tl__steps process_steps;
    tl__steps thread_steps;
    struct tl_explained_hop *hops;
    size_t hop_count;
    char process_sid_str[TL_SID_STRING_MAX];
    char thread_sid_str[TL_SID_STRING_MAX];
};

/* Rule ids (each one is in the catalogue in sim_rules.c and in docs/rules.md). */
#define R_PROC_APPPOOL "process.apppool-identity"
#define R_PROC_BUILTIN "process.builtin-account"
#define R_PROC_SPECIFIC "process.specific-user"
#define R_IIS_ANON_IUSR "iis.anonymous-iusr"
#define R_IIS_ANON_POOL "iis.anonymous-pool-identity"
#define R_IIS_ANON_USER "iis.anonymous-specific-user"
#define R_IIS_ANON_OFF "iis.anonymous-disabled"
#define R_IIS_WIN_AUTH "iis.windows-auth"
#define R_IIS_WIN_OFF "iis.windows-disabled"
#define R_IIS_PROVIDERS "iis.providers"
#define R_IIS_KERNEL "iis.kernel-mode-key"
#define R_ASPNET_IMP_ON "aspnet.impersonate-on"
#define R_ASPNET_IMP_OFF "aspnet.impersonate-off"
#define R_KRB_NO_DELEG "kerberos.no-delegation"
#define R_KRB_UNCONSTRAINED "kerberos.unconstrained"
#define R_KRB_SENSITIVE "kerberos.sensitive"
#define R_KRB_CONSTRAINED "kerberos.constrained"
#define R_KRB_NOT_LISTED "kerberos.constrained-not-listed"
#define R_KRB_NEEDS_KRB "kerberos.constrained-needs-kerberos"
#define R_KRB_TRANSITION "kerberos.protocol-transition"
#define R_KRB_WORKGROUP "kerberos.needs-domain"
#define R_NTLM_NO_DELEG "ntlm.no-delegation"
#define R_LOGONUSER "logonuser.cleartext"
#define R_THREAD_PROCESS "thread.process-token"
#define R_THREAD_REVERT "thread.revert"
#define R_THREAD_POOL "thread.pool-continuation"
#define R_NET_NETWORKSERVICE "net.networkservice-machine-account"
#define R_NET_APPPOOL "net.apppool-machine-account"
#define R_NET_LOCALSYSTEM "net.localsystem-machine-account"
#define R_NET_LOCALSERVICE "net.localservice-anonymous"
#define R_NET_IUSR "net.iusr-anonymous"
#define R_NET_WORKGROUP "net.workgroup-no-machine-account"
#define R_NET_OWN "net.own-credentials"
#define R_NET_ANON_LOGON "net.anonymous-logon"
#define R_NET_NEGOTIATE "net.negotiate-kerberos"
#define R_NET_DELEGATED "net.delegated-user"
#define R_LOCAL_TOKEN "local.token-user"
#define R_LOCAL_LEVEL "local.level-too-low"
/* added for explain v2 (issue 13) */
#define R_REQ_ANON_PROTO "request.anonymous-protocol-ignored"
#define R_LOCAL_SAME_BOX "local.same-box-process"
#define R_LOCAL_SAME_BOX_IMP "local.same-box-impersonated"
#define R_NEW_CREDS_SAME_BOX "logonuser.new-credentials-same-box"
#define R_NET_IP_HOST "net.ip-address-ntlm"
#define R_NET_SPN_STATE "net.target-spn-missing"
#define R_NET_LOCALSYSTEM_NTLM "net.localsystem-ntlm-policy"
#define R_IIS_HTTP_SPN "iis.http-spn-missing"
#define R_IIS_BASIC "iis.basic-auth"
#define R_IIS_BASIC_OFF "iis.basic-disabled"
#define R_LOGON_INTERACTIVE "logonuser.interactive"
#define R_LOGON_NO_CREDS "logonuser.no-network-credentials"
#define R_ASPNETCORE_NO_IMP "aspnetcore.no-impersonation"
#define R_ASPNETCORE_RUN_IMP "aspnetcore.run-impersonated"
#define R_ASPNETCORE_OOP "aspnetcore.out-of-process-token"
#define R_CLIENT_NO_TGT "client.no-tgt-forwarding"
#define R_CLIENT_CREDGUARD "client.credential-guard"
#define R_CLIENT_IE_ZONE "client.ie-zone-assumed"
#define R_PROTECTED_NTLM "protected-users.no-ntlm"
#define R_PROTECTED_NO_DELEG "protected-users.no-delegation"
#define R_KRB_FOREST_TGT "kerberos.forest-tgt-delegation"
#define R_KRB_CROSS_DOMAIN "kerberos.constrained-same-domain"
#define R_KRB_RBCD "kerberos.rbcd"
#define R_KRB_RBCD_NTLM "kerberos.rbcd-ntlm-user"
#define R_KRB_CONSTRAINED_LEVEL "kerberos.constrained-level"
#define R_NEW_CREDENTIALS "logonuser.new-credentials"

/* True when `id` is in the catalogue. */
bool tl__sim_rule_known(const char *id);
/* True when `id` is in the catalogue and marked unsettled. */
bool tl__sim_rule_is_unsettled(const char *id);

/* Steps: append (printf-style); failures are sticky and reported by tl__steps_ok. */
void tl__steps_add(tl__steps *s, const char *rule, const char *fmt, ...) TL__PRINTF(3, 4);
int tl__steps_ok(const tl__steps *s);
void tl__steps_free(tl__steps *s);

void tl__id_free(tl__id *id);
void tl__token_free(tl__token *t);

/* What a hop's evaluation needs to know about the machine, the web tier and the target. */
typedef struct tl__hop_env {
    const char *machine;   /* "WEB01" */
    const char *domain;    /* NULL: workgroup */
    char *const *deleg_to; /* the web tier's msDS-AllowedToDelegateTo */
    size_t deleg_to_count;
    const char *deleg_acct; /* the web tier's account (RBCD is checked against it) */
    const tl__scn_hop *hop; /* the target's SPN state, RBCD list, domain; may be NULL */
    bool local_system_use_machine_id;
} tl__hop_env;

/*
 * Model-level hop evaluation (exposed for unit tests): the identity that arrives at `target`
 * when code runs with `effective` (impersonating tells whether it is a thread token) in `env`.
 * Fills h->arrives_as, protocol, outcome and appends steps.
 */
int tl__sim_eval_hop(struct tl_explained_hop *h, const tl__token *effective, bool impersonating,
                     const char *target, const tl__hop_env *env);

/* Host part of an SPN target: classification used by the model (and its tests). */
typedef enum { TL__HOST_NAME, TL__HOST_IP, TL__HOST_THIS_MACHINE } tl__host_kind;
tl__host_kind tl__sim_host_kind(const char *target, const char *machine);

/* Fill a token for an app-pool process identity (used by tests as well). */
int tl__sim_process_token(tl__token *out, tl__steps *steps, const tl_scenario *s);

#endif
