/*
 * The explain engine's model: process identity, request thread identity, and for each hop the
 * identity the target sees. Each derived fact appends a step naming its rule (sim_rules.c,
 * docs/rules.md). The model is deliberately small: it follows the documented behaviour of IIS,
 * the LSA and the KDC, and says so where it has to assume (see docs/explain.md).
 */
#include "sim_internal.h"
#include <string.h>

static const char *const level_names[] = {"Anonymous", "Identification", "Impersonation",
                                          "Delegation"};

static const char *level_name(int level)
{
    return level >= 0 && level <= 3 ? level_names[level] : NULL;
}

/* ---- steps ------------------------------------------------------------------------------ */

void tl__steps_add(tl__steps *s, const char *rule, const char *fmt, ...)
{
    if (s->failed)
        return;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        tl__step *v = tl__realloc(s->v, cap * sizeof *v);
        if (!v) {
            s->failed = 1;
            return;
        }
        s->v = v;
        s->cap = cap;
    }
    /* Two passes so long account names and SPNs are never truncated. */
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = n >= 0 ? tl__malloc((size_t)n + 1) : NULL;
    if (text)
        vsnprintf(text, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    if (!text) {
        s->failed = 1;
        return;
    }
    s->v[s->n].rule = rule;
    s->v[s->n].text = text;
    s->n++;
}

static void steps_copy(tl__steps *dst, const tl__steps *src)
{
    for (size_t i = 0; i < src->n; i++)
        tl__steps_add(dst, src->v[i].rule, "%s", src->v[i].text);
    if (src->failed)
        dst->failed = 1;
}

int tl__steps_ok(const tl__steps *s)
{
    return s->failed ? tl__oom() : TL_OK;
}

void tl__steps_free(tl__steps *s)
{
    for (size_t i = 0; i < s->n; i++)
        tl__free(s->v[i].text);
    tl__free(s->v);
    memset(s, 0, sizeof *s);
}

/* ---- identities ------------------------------------------------------------------------- */

void tl__id_free(tl__id *id)
{
    tl__free(id->name);
    memset(id, 0, sizeof *id);
}

void tl__token_free(tl__token *t)
{
    tl__id_free(&t->user);
}

static int id_set(tl__id *id, const char *name, const tl_sid *sid)
{
    tl__id_free(id);
    if (name && !(id->name = tl__strdup(name)))
        return tl__oom();
    if (sid) {
        id->has_sid = true;
        id->sid = *sid;
    }
    return TL_OK;
}

static int id_copy(tl__id *dst, const tl__id *src)
{
    return id_set(dst, src->name, src->has_sid ? &src->sid : NULL);
}

static int token_copy(tl__token *dst, const tl__token *src)
{
    tl__token_free(dst);
    *dst = *src;
    memset(&dst->user, 0, sizeof dst->user);
    return id_copy(&dst->user, &src->user);
}

static int wellknown(tl__id *id, const char *name, const char *sid_text)
{
    tl_sid sid;
    int rc = tl_sid_from_string(&sid, sid_text);
    return rc ? rc : id_set(id, name, &sid);
}

/* SID text of an identity, or "SID unknown" for the story. */
static const char *sid_or_unknown(const tl__id *id, char *buf, size_t n)
{
    if (!id->has_sid || tl_sid_to_string(buf, n, &id->sid) != TL_OK)
        snprintf(buf, n, "SID unknown without the domain SID");
    return buf;
}

/* Names compare case-insensitively; the anonymous user may be written with its domain. */
static bool is_iusr(const char *name)
{
    return tl__strcasecmp(name, "IUSR") == 0 || tl__strcasecmp(name, "NT AUTHORITY\\IUSR") == 0;
}

static bool spn_listed(const char *target, char *const *to, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tl__strcasecmp(to[i], target) == 0)
            return true;
    return false;
}

/* ---- process ---------------------------------------------------------------------------- */

int tl__sim_process_token(tl__token *t, tl__steps *steps, const tl_scenario *s)
{
    char sidbuf[TL_SID_STRING_MAX];
    int rc = TL_OK;
    memset(t, 0, sizeof *t);
    t->level = TL_IMPERSONATION_NONE_VALUE;
    t->package = "Negotiate";
    t->logon_type = "Service";
    t->kdeleg_rule = R_KRB_NO_DELEG;
    switch (s->pool_identity) {
    case TL__POOL_APPPOOLIDENTITY: {
        tl_sid sid;
        char *name = tl__asprintf("IIS APPPOOL\\%s", s->pool);
        if (!name)
            return tl__oom();
        rc = tl_sid_iis_apppool(&sid, s->pool);
        if (rc == TL_OK)
            rc = id_set(&t->user, name, &sid);
        tl__free(name);
        if (rc)
            return rc;
        t->net = TL__NET_MACHINE;
        t->net_rule = R_NET_APPPOOL;
        t->net_text = "an ApplicationPoolIdentity worker uses the machine account off the box";
        tl__steps_add(steps, R_PROC_APPPOOL,
                      "App pool '%s' uses ApplicationPoolIdentity, so w3wp.exe runs as %s (%s).",
                      s->pool, t->user.name, sid_or_unknown(&t->user, sidbuf, sizeof sidbuf));
        return TL_OK;
    }
    case TL__POOL_NETWORKSERVICE:
        rc = wellknown(&t->user, "NT AUTHORITY\\NETWORK SERVICE", "S-1-5-20");
        t->net = TL__NET_MACHINE;
        t->net_rule = R_NET_NETWORKSERVICE;
        t->net_text = "NetworkService presents the computer's credentials to remote servers";
        break;
    case TL__POOL_LOCALSERVICE:
        rc = wellknown(&t->user, "NT AUTHORITY\\LOCAL SERVICE", "S-1-5-19");
        t->net = TL__NET_ANONYMOUS;
        t->net_rule = R_NET_LOCALSERVICE;
        t->net_text = "LocalService presents anonymous credentials on the network";
        break;
    case TL__POOL_LOCALSYSTEM:
        rc = wellknown(&t->user, "NT AUTHORITY\\SYSTEM", "S-1-5-18");
        /* The SYSTEM logon session (LUID 0x3e7) has no ordinary logon type; no source we
         * found names its package reliably, so both stay unknown. */
        t->package = NULL;
        t->logon_type = NULL;
        t->net = TL__NET_MACHINE;
        t->net_rule = R_NET_LOCALSYSTEM;
        t->net_text = "LocalSystem presents the computer's credentials to remote servers";
        break;
    case TL__POOL_SPECIFICUSER:
        rc = id_set(&t->user, s->pool_user, NULL);
        t->logon_type = "Batch";
        t->net = TL__NET_OWN;
        t->net_rule = R_NET_OWN;
        t->net_text = "the pool account was logged on with its password, so its logon session "
                      "holds its own credentials";
        if (rc)
            return rc;
        tl__steps_add(steps, R_PROC_SPECIFIC,
                      "App pool '%s' runs as the specific account %s (%s), logged on with its "
                      "password.",
                      s->pool, t->user.name, sid_or_unknown(&t->user, sidbuf, sizeof sidbuf));
        return TL_OK;
    }
    if (rc)
        return rc;
    tl__steps_add(steps, R_PROC_BUILTIN, "App pool '%s' runs as the built-in account %s (%s).",
                  s->pool, t->user.name, sid_or_unknown(&t->user, sidbuf, sizeof sidbuf));
    return TL_OK;
}

/* ---- hops ------------------------------------------------------------------------------- */

static int arrive_anonymous(struct tl_explained_hop *h, const char *target)
{
    tl_sid anon;
    int rc = tl_sid_from_string(&anon, "S-1-5-7");
    if (rc || (rc = id_set(&h->arrives_as, "NT AUTHORITY\\ANONYMOUS LOGON", &anon)))
        return rc;
    h->protocol = "NTLM";
    h->outcome = "anonymous";
    tl__steps_add(&h->steps, R_NET_ANON_LOGON,
                  "With no credentials to present, the connection to %s authenticates "
                  "anonymously: it arrives as NT AUTHORITY\\ANONYMOUS LOGON (S-1-5-7).",
                  target);
    return TL_OK;
}

int tl__sim_eval_hop(struct tl_explained_hop *h, const tl__token *t, bool impersonating, const char *target,
                     const char *machine, const char *domain, char *const *deleg_to,
                     size_t deleg_to_count)
{
    const char *who = t->user.name ? t->user.name : "(nobody)";
    int rc;
    if (impersonating && t->level >= 0 && t->level < TL_IMPERSONATION_IMPERSONATION_VALUE) {
        h->outcome = "denied";
        h->protocol = NULL;
        tl__steps_add(&h->steps, R_LOCAL_LEVEL,
                      "The thread's token for %s is only at %s level, which cannot act as the "
                      "client: the access to %s fails.",
                      who, level_name(t->level), target);
        return id_copy(&h->arrives_as, &t->user);
    }
    if (tl__strcasecmp(target, "local") == 0) {
        h->outcome = "ok";
        h->protocol = NULL;
        tl__steps_add(&h->steps, R_LOCAL_TOKEN,
                      "A resource on %s itself is checked against the token's own user: access "
                      "is as %s.",
                      machine, who);
        return id_copy(&h->arrives_as, &t->user);
    }
    switch (t->net) {
    case TL__NET_NONE:
        switch (t->kdeleg) {
        case TL__KD_TGT:
            tl__steps_add(&h->steps, R_KRB_UNCONSTRAINED,
                          "The thread holds %s's forwarded TGT (unconstrained delegation), so it "
                          "can get a ticket for %s as the user.",
                          who, target);
            break;
        case TL__KD_S4U2PROXY:
        case TL__KD_TRANSITION:
            if (!spn_listed(target, deleg_to, deleg_to_count)) {
                tl__steps_add(&h->steps, R_KRB_NOT_LISTED,
                              "%s is not on the web tier's constrained-delegation list, so "
                              "S4U2proxy for %s is refused.",
                              target, who);
                return arrive_anonymous(h, target);
            }
            if (t->kdeleg == TL__KD_TRANSITION)
                tl__steps_add(&h->steps, R_KRB_TRANSITION,
                              "Protocol transition: S4U2self gives a forwardable ticket for %s "
                              "(even after %s), and S4U2proxy gets a ticket to %s, which is on "
                              "the list.",
                              who, t->kerberos ? "Kerberos" : "NTLM", target);
            else
                tl__steps_add(&h->steps, R_KRB_CONSTRAINED,
                              "Constrained delegation: S4U2proxy presents %s's forwardable "
                              "ticket and gets one to %s, which is on the list.",
                              who, target);
            break;
        case TL__KD_NONE:
            tl__steps_add(&h->steps, t->kdeleg_rule ? t->kdeleg_rule : R_NTLM_NO_DELEG,
                          "The thread impersonates a network logon of %s that holds nothing it "
                          "can present to %s.",
                          who, target);
            return arrive_anonymous(h, target);
        }
        if ((rc = id_copy(&h->arrives_as, &t->user)))
            return rc;
        h->protocol = "Kerberos";
        h->outcome = "ok";
        tl__steps_add(&h->steps, R_NET_DELEGATED, "The call arrives at %s as %s over Kerberos.",
                      target, who);
        return TL_OK;
    case TL__NET_ANONYMOUS:
        tl__steps_add(&h->steps, t->net_rule, "%s: %s.", who, t->net_text);
        return arrive_anonymous(h, target);
    case TL__NET_MACHINE: {
        if (!domain) {
            tl__steps_add(&h->steps, R_NET_WORKGROUP,
                          "%s would present the computer's credentials, but %s is in a "
                          "workgroup: there is no domain machine account the target can verify "
                          "(unsettled: no source states this outright; see docs/rules.md).",
                          who, machine);
            return arrive_anonymous(h, target);
        }
        char *acct = tl__asprintf("%s\\%s$", domain, machine);
        if (!acct)
            return tl__oom();
        tl__steps_add(&h->steps, t->net_rule, "%s is not a network identity: %s, %s.", who,
                      t->net_text, acct);
        rc = id_set(&h->arrives_as, acct, NULL);
        tl__free(acct);
        if (rc)
            return rc;
        break;
    }
    case TL__NET_OWN:
        tl__steps_add(&h->steps, t->net_rule, "%s: %s.", who, t->net_text);
        if ((rc = id_copy(&h->arrives_as, &t->user)))
            return rc;
        break;
    }
    h->outcome = "ok";
    h->protocol = domain ? "Kerberos" : "NTLM";
    if (domain)
        tl__steps_add(&h->steps, R_NET_NEGOTIATE,
                      "Negotiate uses Kerberos to %s (NTLM if the SPN is not registered); either "
                      "way it arrives as %s.",
                      target, h->arrives_as.name);
    else
        tl__steps_add(&h->steps, R_NET_NEGOTIATE,
                      "Without a domain Negotiate falls back to NTLM; it arrives as %s.",
                      h->arrives_as.name);
    return TL_OK;
}

/* ---- explanation ------------------------------------------------------------------------ */

typedef struct ctx {
    const tl_scenario *s;
    tl_explanation *e;
    tl__token auth; /* the token IIS authenticated (before ASP.NET impersonation) */
    bool have_auth;
    const char *deny_fix; /* static fix when the request is refused */
    char *deleg_acct;     /* account whose delegation settings apply */
    char *machine_acct;   /* DOMAIN\HOST$ or NULL in a workgroup */
} ctx;

static void deny(ctx *c, const char *fix)
{
    c->e->request_denied = true;
    c->deny_fix = fix;
}

/* The token IIS builds for an anonymous request (or NULL denial). */
static int anonymous_token(ctx *c)
{
    const tl_scenario *s = c->s;
    tl__steps *st = &c->e->thread_steps;
    if (!s->anon_enabled) {
        tl__steps_add(st, R_IIS_ANON_OFF,
                      "The request carries no credentials and anonymous authentication is "
                      "disabled: IIS answers 401 and the application never runs.");
        deny(c, "enable anonymous authentication for the site, or have the client authenticate");
        return TL_OK;
    }
    int rc;
    c->have_auth = true;
    if (s->anon_user[0] == '\0') {
        if ((rc = token_copy(&c->auth, &c->e->process)))
            return rc;
        c->auth.level = TL_IMPERSONATION_IMPERSONATION_VALUE;
        tl__steps_add(st, R_IIS_ANON_POOL,
                      "Anonymous authentication uses the pool identity (userName=\"\"): the "
                      "request runs as %s.",
                      c->auth.user.name);
        return TL_OK;
    }
    memset(&c->auth, 0, sizeof c->auth);
    c->auth.level = TL_IMPERSONATION_IMPERSONATION_VALUE;
    c->auth.kdeleg_rule = R_NTLM_NO_DELEG;
    if (is_iusr(s->anon_user)) {
        if ((rc = wellknown(&c->auth.user, "NT AUTHORITY\\IUSR", "S-1-5-17")))
            return rc;
        /* No source settles the package and logon type of the IUSR session (LUID 0x3e3). */
        c->auth.net = TL__NET_ANONYMOUS;
        c->auth.net_rule = R_NET_IUSR;
        c->auth.net_text = "IUSR acts anonymously on the network, like LocalService";
        tl__steps_add(st, R_IIS_ANON_IUSR,
                      "Anonymous authentication uses IUSR: the request runs as NT AUTHORITY\\IUSR "
                      "(S-1-5-17), the same identity for every site that uses IUSR.");
        return TL_OK;
    }
    if ((rc = id_set(&c->auth.user, s->anon_user, NULL)))
        return rc;
    c->auth.package = "Negotiate";
    c->auth.logon_type = "NetworkCleartext";
    c->auth.net = TL__NET_OWN;
    c->auth.net_rule = R_LOGONUSER;
    c->auth.net_text = "IIS logged the anonymous account on with its password "
                       "(LOGON32_LOGON_NETWORK_CLEARTEXT), so it can authenticate off the box";
    tl__steps_add(st, R_IIS_ANON_USER,
                  "Anonymous authentication uses the account %s: IIS logs it on with its password "
                  "(logonMethod ClearText) and the request runs as it.",
                  s->anon_user);
    return TL_OK;
}

static int windows_token(ctx *c)
{
    const tl_scenario *s = c->s;
    tl_explanation *e = c->e;
    tl__steps *st = &e->thread_steps;
    bool kerberos = s->req_proto == TL__PROTO_KERBEROS;
    if (kerberos && !s->domain) {
        tl__steps_add(st, R_KRB_WORKGROUP,
                      "%s is in a workgroup: no KDC issues tickets for it, so %s authenticates "
                      "with NTLM.",
                      s->machine, s->req_user);
        kerberos = false;
    }
    if (kerberos && !(s->providers & (TL__PROV_NEGOTIATE | TL__PROV_NEGOTIATE_KERBEROS))) {
        tl__steps_add(st, R_IIS_PROVIDERS,
                      "The site offers only the NTLM provider, so %s authenticates with NTLM.",
                      s->req_user);
        kerberos = false;
    }
    if (!kerberos && !(s->providers & (TL__PROV_NEGOTIATE | TL__PROV_NTLM))) {
        tl__steps_add(st, R_IIS_PROVIDERS,
                      "The site offers only Negotiate:Kerberos and %s can only use NTLM: IIS "
                      "answers 401.",
                      s->req_user);
        deny(c, "add the NTLM or Negotiate provider, or let the client use Kerberos (register "
                "the site's HTTP SPN)");
        return TL_OK;
    }
    if (kerberos && s->pool_identity == TL__POOL_SPECIFICUSER && s->kernel_mode &&
        !s->use_app_pool_credentials) {
        tl__steps_add(st, R_IIS_KERNEL,
                      "Kernel-mode authentication decrypts the Kerberos ticket with the machine "
                      "account's key, but the pool runs as %s (whose account holds the HTTP SPN): "
                      "the ticket cannot be decrypted and authentication fails.",
                      s->pool_user);
        deny(c, "set useAppPoolCredentials=\"true\" on windowsAuthentication (the HTTP SPN is on "
                "the pool account), or register the SPN on the machine account instead");
        return TL_OK;
    }
    e->client_proto = kerberos ? "Kerberos" : "NTLM";
    int rc;
    memset(&c->auth, 0, sizeof c->auth);
    c->have_auth = true;
    if ((rc = id_set(&c->auth.user, s->req_user, NULL)))
        return rc;
    c->auth.package = e->client_proto;
    c->auth.logon_type = "Network";
    c->auth.net = TL__NET_NONE;
    c->auth.kerberos = kerberos;
    c->auth.sensitive = s->req_sensitive;
    c->auth.level = TL_IMPERSONATION_IMPERSONATION_VALUE;
    tl__steps_add(st, R_IIS_WIN_AUTH,
                  "%s authenticates with %s (Windows authentication): IIS gets a network logon "
                  "of %s, not a password.%s",
                  s->req_user, e->client_proto, s->req_user,
                  s->anon_enabled ? " (Anonymous authentication is enabled too, so this assumes "
                                    "IIS challenged the client, e.g. anonymous access to the "
                                    "content was denied; a browser's first, anonymous request "
                                    "is served as the anonymous user.)"
                                  : "");
    /* Which delegation applies, and the level of the resulting token. */
    tl__token *t = &c->auth;
    const char *acct = c->deleg_acct;
    if (!s->domain) {
        t->kdeleg = TL__KD_NONE;
        t->kdeleg_rule = R_NTLM_NO_DELEG;
        tl__steps_add(st, R_NTLM_NO_DELEG,
                      "An NTLM network logon cannot be delegated: the token is at Impersonation "
                      "level.");
        return TL_OK;
    }
    if (s->req_sensitive && s->deleg != TL__DELEG_NONE) {
        t->kdeleg = TL__KD_NONE;
        t->kdeleg_rule = R_KRB_SENSITIVE;
        tl__steps_add(st, R_KRB_SENSITIVE,
                      "%s is marked 'sensitive and cannot be delegated': the KDC issues no "
                      "forwardable ticket, so no delegation works; the token is at Impersonation "
                      "level.",
                      s->req_user);
        return TL_OK;
    }
    switch (s->deleg) {
    case TL__DELEG_NONE:
        t->kdeleg = TL__KD_NONE;
        t->kdeleg_rule = kerberos ? R_KRB_NO_DELEG : R_NTLM_NO_DELEG;
        if (kerberos)
            tl__steps_add(st, R_KRB_NO_DELEG,
                          "%s is not trusted for delegation: no TGT is forwarded and the token is "
                          "at Impersonation level.",
                          acct);
        else
            tl__steps_add(st, R_NTLM_NO_DELEG,
                          "An NTLM network logon cannot be delegated: the token is at "
                          "Impersonation level, usable on %s only.",
                          s->machine);
        break;
    case TL__DELEG_UNCONSTRAINED:
        if (kerberos) {
            t->kdeleg = TL__KD_TGT;
            t->kdeleg_rule = R_KRB_UNCONSTRAINED;
            t->level = TL_IMPERSONATION_DELEGATION_VALUE;
            tl__steps_add(st, R_KRB_UNCONSTRAINED,
                          "%s is trusted for delegation: the ticket is OK-AS-DELEGATE, the client "
                          "forwards its TGT and the token is at Delegation level.",
                          acct);
        } else {
            t->kdeleg = TL__KD_NONE;
            t->kdeleg_rule = R_NTLM_NO_DELEG;
            tl__steps_add(st, R_NTLM_NO_DELEG,
                          "%s is trusted for delegation, but the client used NTLM: there is no "
                          "TGT to forward and the token is at Impersonation level.",
                          acct);
        }
        break;
    case TL__DELEG_CONSTRAINED:
        if (kerberos) {
            t->kdeleg = TL__KD_S4U2PROXY;
            t->kdeleg_rule = R_KRB_CONSTRAINED;
            t->level = TL_IMPERSONATION_DELEGATION_VALUE;
            tl__steps_add(st, R_KRB_CONSTRAINED,
                          "%s may delegate to listed SPNs (constrained delegation); the user's "
                          "forwardable ticket is the evidence for S4U2proxy.",
                          acct);
        } else {
            t->kdeleg = TL__KD_NONE;
            t->kdeleg_rule = R_KRB_NEEDS_KRB;
            tl__steps_add(st, R_KRB_NEEDS_KRB,
                          "%s has constrained delegation for Kerberos only, but the client used "
                          "NTLM: there is no forwardable evidence ticket; the token is at "
                          "Impersonation level.",
                          acct);
        }
        break;
    case TL__DELEG_CONSTRAINED_ANY:
        t->kdeleg = TL__KD_TRANSITION;
        t->kdeleg_rule = R_KRB_TRANSITION;
        if (kerberos)
            t->level = TL_IMPERSONATION_DELEGATION_VALUE;
        tl__steps_add(st, R_KRB_TRANSITION,
                      "%s may delegate to listed SPNs with protocol transition: S4U2self yields "
                      "a forwardable ticket for the user whatever the client used.",
                      acct);
        break;
    }
    return TL_OK;
}

static int derive_thread(ctx *c)
{
    const tl_scenario *s = c->s;
    tl_explanation *e = c->e;
    tl__steps *st = &e->thread_steps;
    int rc;
    bool anonymous = s->req_user == NULL;
    if (s->req_user && !s->win_enabled) {
        tl__steps_add(st, R_IIS_WIN_OFF,
                      "Windows authentication is disabled on the site, so %s is served as an "
                      "anonymous request.",
                      s->req_user);
        anonymous = true;
    }
    rc = anonymous ? anonymous_token(c) : windows_token(c);
    if (rc)
        return rc;
    if (e->request_denied) {
        e->impersonating = false;
        return token_copy(&e->thread, &e->process);
    }
    if (s->impersonate) {
        tl__steps_add(st, R_ASPNET_IMP_ON,
                      "ASP.NET impersonation is on: application code runs impersonating %s at "
                      "%s level.",
                      c->auth.user.name, level_name(c->auth.level));
        e->impersonating = true;
        return token_copy(&e->thread, &c->auth);
    }
    tl__steps_add(st, R_ASPNET_IMP_OFF,
                  "ASP.NET impersonation is off: application code runs as the process identity "
                  "%s%s%s.",
                  e->process.user.name,
                  tl__strcasecmp(c->auth.user.name, e->process.user.name) ? ", not as " : "",
                  tl__strcasecmp(c->auth.user.name, e->process.user.name) ? c->auth.user.name : "");
    e->impersonating = false;
    return token_copy(&e->thread, &e->process);
}

/* The usual fix for a hop into *out, or *out = NULL when nothing needs fixing. */
#define FIX(...)                                                                                   \
    do {                                                                                           \
        *out = tl__asprintf(__VA_ARGS__);                                                          \
        return *out ? TL_OK : tl__oom();                                                           \
    } while (0)
static int hop_fix(char **out, ctx *c, const struct tl_explained_hop *h, const tl__token *t,
                   const tl__scn_hop *sh)
{
    *out = NULL;
    const tl_scenario *s = c->s;
    const tl_explanation *e = c->e;
    bool local = tl__strcasecmp(sh->target, "local") == 0;
    const char *last = h->steps.n ? h->steps.v[h->steps.n - 1].rule : "";
    const char *decider = h->steps.n > 1 ? h->steps.v[h->steps.n - 2].rule : "";
    if (e->request_denied)
        FIX("%s", c->deny_fix);
    if (sh->from != TL__FROM_REQUEST_THREAD && c->have_auth && s->impersonate &&
        tl__strcasecmp(c->auth.user.name, e->process.user.name) != 0)
        FIX("re-apply the impersonation in the %s (e.g. "
            "WindowsIdentity.RunImpersonated/RunImpersonatedAsync) so the call "
            "runs as %s, or grant %s on %s",
            sh->from == TL__FROM_THREAD_POOL ? "continuation"
                                             : "code after "
                                               "RevertToSelf",
            c->auth.user.name, h->arrives_as.name ? h->arrives_as.name : "the arriving identity",
            local ? "the resource" : sh->target);
    if (local) {
        if (strcmp(h->outcome, "ok") == 0 && t->user.has_sid &&
            is_iusr(t->user.name ? t->user.name : ""))
            FIX("every site whose anonymous user is IUSR runs as this same "
                "identity and can read what it can: set the anonymous user to "
                "the pool identity (userName=\"\") so this site runs as %s, and "
                "grant that",
                e->process.user.name);
        return TL_OK;
    }
    if (strcmp(h->outcome, "ok") == 0) {
        if (c->machine_acct && h->arrives_as.name &&
            strcmp(h->arrives_as.name, c->machine_acct) == 0) {
            if (s->pool_identity == TL__POOL_APPPOOLIDENTITY)
                FIX("grant %s on %s, not %s (that account exists only on %s); "
                    "or run the pool as a domain account or gMSA",
                    c->machine_acct, sh->target, e->process.user.name, s->machine);
            FIX("grant %s on %s (every service on %s that uses the machine "
                "identity arrives the same way)",
                c->machine_acct, sh->target, s->machine);
        }
        return TL_OK;
    }
    if (strcmp(last, R_NET_ANON_LOGON) != 0)
        return TL_OK;
    if (strcmp(decider, R_KRB_NOT_LISTED) == 0)
        FIX("add %s to %s's constrained-delegation list (msDS-AllowedToDelegateTo)", sh->target,
            c->deleg_acct);
    if (strcmp(decider, R_KRB_SENSITIVE) == 0)
        FIX("%s is marked sensitive and cannot be delegated (or is in Protected "
            "Users): by design; make this call as the pool identity instead",
            t->user.name);
    if (strcmp(decider, R_KRB_NEEDS_KRB) == 0)
        FIX("enable protocol transition on %s ('use any authentication "
            "protocol') for %s, or make the client use Kerberos",
            c->deleg_acct, sh->target);
    if (strcmp(decider, R_KRB_NO_DELEG) == 0)
        FIX("configure constrained delegation from %s to %s", c->deleg_acct, sh->target);
    if (strcmp(decider, R_NTLM_NO_DELEG) == 0) {
        if (!s->domain)
            FIX("NTLM cannot be delegated and %s has no domain: make this call "
                "with the pool identity or explicit credentials",
                s->machine);
        FIX("use Kerberos end to end (Negotiate and an HTTP SPN for the site) "
            "and configure constrained delegation from %s to %s; with NTLM "
            "clients, allow protocol transition",
            c->deleg_acct, sh->target);
    }
    if (strcmp(decider, R_NET_LOCALSERVICE) == 0)
        FIX("run the pool as ApplicationPoolIdentity or NetworkService (arrives "
            "as the machine account) or as a domain account");
    if (strcmp(decider, R_NET_IUSR) == 0)
        FIX("IUSR is anonymous off the box: use the pool identity "
            "(userName=\"\") or a domain account as the anonymous user if %s "
            "needs an identity",
            sh->target);
    if (strcmp(decider, R_NET_WORKGROUP) == 0)
        FIX("join %s to the domain, or run the pool as an account that also "
            "exists on the target with the same password",
            s->machine);
    return TL_OK;
}

static int explain_hop(ctx *c, size_t i)
{
    const tl_scenario *s = c->s;
    tl_explanation *e = c->e;
    const tl__scn_hop *sh = &s->hops[i];
    struct tl_explained_hop *h = &e->hops[i];
    static const char *const from_names[] = {"request_thread", "thread_pool", "after_revert"};
    int rc;
    if (!(h->target = tl__strdup(sh->target)))
        return tl__oom();
    h->from = from_names[sh->from];
    if (e->request_denied) {
        steps_copy(&h->steps, &e->thread_steps);
        h->outcome = "denied";
        h->protocol = NULL;
        h->runs_as_level = TL_IMPERSONATION_NONE_VALUE;
        h->fix = tl__strdup(c->deny_fix);
        return h->fix ? tl__steps_ok(&h->steps) : tl__oom();
    }
    const tl__token *t = &e->thread;
    bool impersonating = e->impersonating;
    if (sh->from == TL__FROM_REQUEST_THREAD) {
        steps_copy(&h->steps, &e->thread_steps);
        if (!impersonating)
            steps_copy(&h->steps, &e->process_steps);
    } else {
        if (e->impersonating)
            steps_copy(&h->steps, &e->thread_steps);
        if (sh->from == TL__FROM_THREAD_POOL)
            tl__steps_add(&h->steps, R_THREAD_POOL,
                          "The call runs in a thread-pool continuation that did not carry the "
                          "impersonation: it uses the process token, %s.",
                          e->process.user.name);
        else
            tl__steps_add(&h->steps, R_THREAD_REVERT,
                          "The code called RevertToSelf: the thread now acts as the process "
                          "identity, %s.",
                          e->process.user.name);
        steps_copy(&h->steps, &e->process_steps);
        t = &e->process;
        impersonating = false;
    }
    if (!impersonating && sh->from == TL__FROM_REQUEST_THREAD)
        tl__steps_add(&h->steps, R_THREAD_PROCESS,
                      "The thread is not impersonating, so the call uses the process token, %s.",
                      e->process.user.name);
    if ((rc = id_copy(&h->runs_as, &t->user)))
        return rc;
    h->runs_as_level = impersonating ? t->level : TL_IMPERSONATION_NONE_VALUE;
    if ((rc = tl__sim_eval_hop(h, t, impersonating, sh->target, s->machine, s->domain, s->deleg_to,
                               s->deleg_to_count)))
        return rc;
    if ((rc = tl__steps_ok(&h->steps)))
        return rc;
    return hop_fix(&h->fix, c, h, t, sh);
}

void tl_explanation_free(tl_explanation *e)
{
    if (!e)
        return;
    tl__free(e->scenario_name);
    tl__free(e->machine);
    tl__free(e->client);
    tl__token_free(&e->process);
    tl__token_free(&e->thread);
    tl__steps_free(&e->process_steps);
    tl__steps_free(&e->thread_steps);
    for (size_t i = 0; i < e->hop_count; i++) {
        struct tl_explained_hop *h = &e->hops[i];
        tl__free(h->target);
        tl__id_free(&h->runs_as);
        tl__id_free(&h->arrives_as);
        tl__free(h->fix);
        tl__steps_free(&h->steps);
    }
    tl__free(e->hops);
    tl__free(e);
}

static void cache_sid(char *buf, const tl__id *id)
{
    buf[0] = '\0';
    if (id->has_sid && tl_sid_to_string(buf, TL_SID_STRING_MAX, &id->sid) != TL_OK)
        buf[0] = '\0';
}

int tl_scenario_explain(tl_explanation **out, const tl_scenario *s)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_scenario_explain: out is NULL");
    *out = NULL;
    if (!s)
        return tl__error(TL_EINVAL, "tl_scenario_explain: scenario is NULL");
    ctx c;
    memset(&c, 0, sizeof c);
    c.s = s;
    tl_explanation *e = tl__calloc(1, sizeof *e);
    if (!e)
        return tl__oom();
    c.e = e;
    int rc = TL_ENOMEM;
    if ((s->name && !(e->scenario_name = tl__strdup(s->name))) ||
        !(e->machine = tl__strdup(s->machine)) ||
        (s->req_user && !(e->client = tl__strdup(s->req_user))))
        goto fail;
    if (s->domain && !(c.machine_acct = tl__asprintf("%s\\%s$", s->domain, s->machine)))
        goto fail;
    c.deleg_acct = s->pool_identity == TL__POOL_SPECIFICUSER
                       ? tl__strdup(s->pool_user)
                       : tl__strdup(c.machine_acct ? c.machine_acct : s->machine);
    if (!c.deleg_acct)
        goto fail;
    if ((rc = tl__sim_process_token(&e->process, &e->process_steps, s)) ||
        (rc = tl__steps_ok(&e->process_steps)))
        goto fail;
    if ((rc = derive_thread(&c)) || (rc = tl__steps_ok(&e->thread_steps)))
        goto fail;
    rc = TL_ENOMEM;
    if (s->hop_count && !(e->hops = tl__calloc(s->hop_count, sizeof *e->hops)))
        goto fail;
    e->hop_count = s->hop_count;
    for (size_t i = 0; i < s->hop_count; i++)
        if ((rc = explain_hop(&c, i)))
            goto fail;
    cache_sid(e->process_sid_str, &e->process.user);
    cache_sid(e->thread_sid_str, &e->thread.user);
    for (size_t i = 0; i < e->hop_count; i++) {
        cache_sid(e->hops[i].runs_sid_str, &e->hops[i].runs_as);
        cache_sid(e->hops[i].arrives_sid_str, &e->hops[i].arrives_as);
    }
    tl__token_free(&c.auth);
    tl__free(c.deleg_acct);
    tl__free(c.machine_acct);
    *out = e;
    return TL_OK;
fail:
    if (rc == TL_ENOMEM)
        tl__oom();
    tl__token_free(&c.auth);
    tl__free(c.deleg_acct);
    tl__free(c.machine_acct);
    tl_explanation_free(e);
    return rc;
}

/* ---- getters ---------------------------------------------------------------------------- */

#define SIDSTR(buf) ((buf)[0] ? (buf) : NULL)

const char *tl_explanation_scenario_name(const tl_explanation *e)
{
    return e ? e->scenario_name : NULL;
}
const char *tl_explanation_process_name(const tl_explanation *e)
{
    return e ? e->process.user.name : NULL;
}
const char *tl_explanation_process_sid(const tl_explanation *e)
{
    return e ? SIDSTR(e->process_sid_str) : NULL;
}
const char *tl_explanation_thread_name(const tl_explanation *e)
{
    return e ? e->thread.user.name : NULL;
}
const char *tl_explanation_thread_sid(const tl_explanation *e)
{
    return e ? SIDSTR(e->thread_sid_str) : NULL;
}

const char *tl_explanation_thread_level(const tl_explanation *e)
{
    return e && e->impersonating ? level_name(e->thread.level) : NULL;
}

const char *tl_explanation_thread_logon_package(const tl_explanation *e)
{
    return e ? e->thread.package : NULL;
}
const char *tl_explanation_thread_logon_type(const tl_explanation *e)
{
    return e ? e->thread.logon_type : NULL;
}

static const tl__step *step_at(const tl__steps *s, size_t i)
{
    return i < s->n ? &s->v[i] : NULL;
}

size_t tl_explanation_process_step_count(const tl_explanation *e)
{
    return e ? e->process_steps.n : 0;
}
const char *tl_explanation_process_step_rule(const tl_explanation *e, size_t i)
{
    const tl__step *st = e ? step_at(&e->process_steps, i) : NULL;
    return st ? st->rule : NULL;
}
const char *tl_explanation_process_step_text(const tl_explanation *e, size_t i)
{
    const tl__step *st = e ? step_at(&e->process_steps, i) : NULL;
    return st ? st->text : NULL;
}
size_t tl_explanation_thread_step_count(const tl_explanation *e)
{
    return e ? e->thread_steps.n : 0;
}
const char *tl_explanation_thread_step_rule(const tl_explanation *e, size_t i)
{
    const tl__step *st = e ? step_at(&e->thread_steps, i) : NULL;
    return st ? st->rule : NULL;
}
const char *tl_explanation_thread_step_text(const tl_explanation *e, size_t i)
{
    const tl__step *st = e ? step_at(&e->thread_steps, i) : NULL;
    return st ? st->text : NULL;
}

size_t tl_explanation_hop_count(const tl_explanation *e)
{
    return e ? e->hop_count : 0;
}
const tl_explained_hop *tl_explanation_hop_at(const tl_explanation *e, size_t i)
{
    return e && i < e->hop_count ? &e->hops[i] : NULL;
}

const char *tl_explained_hop_target(const tl_explained_hop *h)
{
    return h ? h->target : NULL;
}
const char *tl_explained_hop_from(const tl_explained_hop *h)
{
    return h ? h->from : NULL;
}
const char *tl_explained_hop_runs_as_name(const tl_explained_hop *h)
{
    return h ? h->runs_as.name : NULL;
}
const char *tl_explained_hop_runs_as_sid(const tl_explained_hop *h)
{
    return h ? SIDSTR(h->runs_sid_str) : NULL;
}
const char *tl_explained_hop_runs_as_level(const tl_explained_hop *h)
{
    return h ? level_name(h->runs_as_level) : NULL;
}
const char *tl_explained_hop_arrives_as_name(const tl_explained_hop *h)
{
    return h ? h->arrives_as.name : NULL;
}
const char *tl_explained_hop_arrives_as_sid(const tl_explained_hop *h)
{
    return h ? SIDSTR(h->arrives_sid_str) : NULL;
}
const char *tl_explained_hop_protocol(const tl_explained_hop *h)
{
    return h ? h->protocol : NULL;
}
const char *tl_explained_hop_outcome(const tl_explained_hop *h)
{
    return h ? h->outcome : NULL;
}
const char *tl_explained_hop_fix(const tl_explained_hop *h)
{
    return h ? h->fix : NULL;
}
size_t tl_explained_hop_step_count(const tl_explained_hop *h)
{
    return h ? h->steps.n : 0;
}
const char *tl_explained_hop_step_rule(const tl_explained_hop *h, size_t i)
{
    const tl__step *st = h ? step_at(&h->steps, i) : NULL;
    return st ? st->rule : NULL;
}
const char *tl_explained_hop_step_text(const tl_explained_hop *h, size_t i)
{
    const tl__step *st = h ? step_at(&h->steps, i) : NULL;
    return st ? st->text : NULL;
}
