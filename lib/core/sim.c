/*
 * The explain engine's model: process identity, request thread identity, and for each hop the
 * identity the target sees. Each derived fact appends a step naming its rule (sim_rules.c,
 * docs/rules.md). The model is deliberately small: it follows the documented behaviour of IIS,
 * the LSA and the KDC, and says so where it has to assume (see docs/explain.md).
 */
#include "sim_internal.h"
#include <string.h>

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
        t->localsystem = true;
        t->net = TL__NET_MACHINE;
        t->net_rule = R_NET_LOCALSYSTEM;
        t->net_text = "LocalSystem presents the computer's credentials to remote servers";
        break;
    case TL__POOL_SPECIFICUSER:
        rc = id_set(&t->user, s->pool_user, NULL);
        /* WAS logs the account on with its password; no source names the logon type. */
        t->logon_type = NULL;
        t->net = TL__NET_OWN;
        t->net_rule = R_NET_OWN;
        t->net_text = "a pool running as a domain account reaches other machines as that "
                      "account";
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
    h->protocol = TL_EXPLAIN_PROTOCOL_NTLM;
    h->outcome = TL_EXPLAIN_OUTCOME_ANONYMOUS;
    tl__steps_add(&h->steps, R_NET_ANON_LOGON,
                  "With no credentials to present, the connection to %s authenticates "
                  "anonymously: it arrives as NT AUTHORITY\\ANONYMOUS LOGON (S-1-5-7).",
                  target);
    return TL_OK;
}

static bool is_ipv4(const char *h, size_t n)
{
    int parts = 0, digits = 0, val = 0;
    for (size_t i = 0; i <= n; i++) {
        char ch = i < n ? h[i] : '.';
        if (ch >= '0' && ch <= '9') {
            val = val * 10 + (ch - '0');
            if (++digits > 3 || val > 255)
                return false;
        } else if (ch == '.') {
            if (!digits)
                return false;
            parts++;
            digits = val = 0;
        } else {
            return false;
        }
    }
    return parts == 4;
}

tl__host_kind tl__sim_host_kind(const char *target, const char *machine)
{
    const char *slash = target ? strchr(target, '/') : NULL;
    if (!slash)
        return TL__HOST_NAME;
    const char *h = slash + 1;
    if (*h == '[') { /* [IPv6]:port */
        const char *close = strchr(h, ']');
        size_t n = close ? (size_t)(close - h - 1) : strlen(h + 1);
        return n == 3 && strncmp(h + 1, "::1", 3) == 0 ? TL__HOST_THIS_MACHINE : TL__HOST_IP;
    }
    size_t end = strcspn(h, "/"), colons = 0;
    for (size_t i = 0; i < end; i++)
        colons += h[i] == ':';
    if (colons >= 2) /* a bare IPv6 address */
        return strncmp(h, "::1", end) == 0 && end == 3 ? TL__HOST_THIS_MACHINE : TL__HOST_IP;
    size_t n = strcspn(h, ":/");
    if ((n == 9 && tl__strncasecmp(h, "localhost", 9) == 0) ||
        (is_ipv4(h, n) && strncmp(h, "127.", 4) == 0))
        return TL__HOST_THIS_MACHINE;
    if (is_ipv4(h, n))
        return TL__HOST_IP;
    size_t label = strcspn(h, ".:/"), ml = machine ? strlen(machine) : 0;
    if (ml && label == ml && tl__strncasecmp(h, machine, ml) == 0)
        return TL__HOST_THIS_MACHINE;
    return TL__HOST_NAME;
}

/* The web tier's account is on the target's RBCD list (names compare case-insensitively; an
 * entry without a domain matches the account's name part). */
static bool rbcd_lists(const tl__hop_env *env)
{
    if (!env->hop || !env->deleg_acct)
        return false;
    const char *bs = strchr(env->deleg_acct, '\\');
    for (size_t i = 0; i < env->hop->allowed_to_act_count; i++) {
        const char *a = env->hop->allowed_to_act[i];
        if (tl__strcasecmp(a, env->deleg_acct) == 0 ||
            (bs && !strchr(a, '\\') && tl__strcasecmp(a, bs + 1) == 0))
            return true;
    }
    return false;
}

/* Why Negotiate cannot use Kerberos to the target (a step), or NULL when it can. */
static const char *ntlm_reason(const tl__hop_env *env, tl__host_kind kind)
{
    if (!env->domain)
        return NULL;
    if (kind == TL__HOST_IP)
        return R_NET_IP_HOST;
    if (env->hop && env->hop->spn != TL__SPN_REGISTERED)
        return R_NET_SPN_STATE;
    return NULL;
}

static void add_ntlm_reason(struct tl_explained_hop *h, const char *rule, const char *target,
                            const tl__hop_env *env)
{
    if (strcmp(rule, R_NET_IP_HOST) == 0)
        tl__steps_add(&h->steps, R_NET_IP_HOST,
                      "%s names its host by IP address: by default Windows does not try Kerberos "
                      "for an IP-address host (no TryIPSPN), so Negotiate uses NTLM.",
                      target);
    else
        tl__steps_add(&h->steps, R_NET_SPN_STATE,
                      "The SPN %s is %s in Active Directory: the KDC issues no ticket for it, so "
                      "Negotiate falls back to NTLM.",
                      target,
                      env->hop && env->hop->spn == TL__SPN_DUPLICATE
                          ? "registered on more than one account"
                          : "not registered");
}

int tl__sim_eval_hop(struct tl_explained_hop *h, const tl__token *t, bool impersonating,
                     const char *target, const tl__hop_env *env)
{
    const char *who = t->user.name ? t->user.name : "(nobody)";
    const char *domain = env->domain;
    int rc;
    if (impersonating && t->level >= 0 && t->level < TL_IMPERSONATION_IMPERSONATION_VALUE) {
        h->outcome = TL_EXPLAIN_OUTCOME_DENIED;
        h->protocol = TL_EXPLAIN_PROTOCOL_NONE;
        tl__steps_add(&h->steps, R_LOCAL_LEVEL,
                      "The thread's token for %s is only at %s level, which cannot act as the "
                      "client: the access to %s fails.",
                      who, tl_impersonation_level_name(t->level), target);
        return id_copy(&h->arrives_as, &t->user);
    }
    if (tl__strcasecmp(target, "local") == 0) {
        h->outcome = TL_EXPLAIN_OUTCOME_OK;
        h->protocol = TL_EXPLAIN_PROTOCOL_NONE;
        tl__steps_add(&h->steps, R_LOCAL_TOKEN,
                      "A resource on %s itself is checked against the token's own user: access "
                      "is as %s.",
                      env->machine, who);
        return id_copy(&h->arrives_as, &t->user);
    }
    tl__host_kind kind = tl__sim_host_kind(target, env->machine);
    if (kind == TL__HOST_THIS_MACHINE && env->hop && env->hop->domain && domain &&
        tl__strcasecmp(env->hop->domain, domain) != 0)
        kind = TL__HOST_NAME; /* same short name, another domain: another machine */
    const char *why_ntlm = ntlm_reason(env, kind);
    if (kind == TL__HOST_THIS_MACHINE) {
        bool network_logon = impersonating && t->net == TL__NET_NONE && t->kdeleg != TL__KD_TGT;
        if (impersonating)
            tl__steps_add(&h->steps, R_LOCAL_SAME_BOX_IMP,
                          "%s is on %s itself: the connection loops back to this machine and the "
                          "server gets the caller's own token (NTLM works across processes on "
                          "one machine), so it arrives as %s, not as ANONYMOUS LOGON.",
                          target, env->machine, who);
        else
            tl__steps_add(&h->steps, R_LOCAL_SAME_BOX,
                          "%s is on %s itself: a local login request appears as the process "
                          "identity, %s, not as the machine account.",
                          target, env->machine, who);
        h->outcome = TL_EXPLAIN_OUTCOME_OK;
        h->protocol = network_logon || !domain || why_ntlm ? TL_EXPLAIN_PROTOCOL_NTLM
                                                           : TL_EXPLAIN_PROTOCOL_KERBEROS;
        return id_copy(&h->arrives_as, &t->user);
    }
    bool kerb = domain && !why_ntlm;
    switch (t->net) {
    case TL__NET_NONE: {
        bool rbcd = domain && !t->no_rbcd && rbcd_lists(env);
        bool cross =
            env->hop && env->hop->domain && domain && tl__strcasecmp(env->hop->domain, domain) != 0;
        if (why_ntlm && (t->kdeleg != TL__KD_NONE || rbcd)) {
            /* Every kind of delegation ends in a Kerberos ticket to the target. */
            add_ntlm_reason(h, why_ntlm, target, env);
            return arrive_anonymous(h, target);
        }
        switch (t->kdeleg) {
        case TL__KD_TGT:
            tl__steps_add(&h->steps, R_KRB_UNCONSTRAINED,
                          "The thread holds %s's forwarded TGT (unconstrained delegation), so it "
                          "can get a ticket for %s as the user.",
                          who, target);
            break;
        case TL__KD_S4U2PROXY:
        case TL__KD_TRANSITION: {
            bool listed = spn_listed(target, env->deleg_to, env->deleg_to_count);
            if (listed && !cross) {
                if (t->kdeleg == TL__KD_TRANSITION)
                    tl__steps_add(&h->steps, R_KRB_TRANSITION,
                                  "Protocol transition: S4U2self gives a forwardable ticket for "
                                  "%s (even after %s), and S4U2proxy gets a ticket to %s, which "
                                  "is on the list.",
                                  who, t->kerberos ? "Kerberos" : "a non-Kerberos logon", target);
                else
                    tl__steps_add(&h->steps, R_KRB_CONSTRAINED,
                                  "Constrained delegation: S4U2proxy presents %s's forwardable "
                                  "ticket and gets one to %s, which is on the list.",
                                  who, target);
            } else if (rbcd) {
                tl__steps_add(&h->steps, R_KRB_RBCD,
                              "%s's account lists %s in msDS-AllowedToActOnBehalfOfOtherIdentity "
                              "(resource-based constrained delegation): the KDC grants "
                              "S4U2proxy for %s.",
                              target, env->deleg_acct, who);
            } else if (listed) {
                tl__steps_add(&h->steps, R_KRB_CROSS_DOMAIN,
                              "%s is in domain %s, but classic constrained delegation only "
                              "reaches services in the web tier's own domain (%s): S4U2proxy "
                              "for %s is refused.",
                              target, env->hop->domain, domain, who);
                return arrive_anonymous(h, target);
            } else {
                tl__steps_add(&h->steps, R_KRB_NOT_LISTED,
                              "%s is not on the web tier's constrained-delegation list, so "
                              "S4U2proxy for %s is refused.",
                              target, who);
                return arrive_anonymous(h, target);
            }
            break;
        }
        case TL__KD_NONE:
            if (rbcd && t->kerberos) {
                tl__steps_add(&h->steps, R_KRB_RBCD,
                              "%s's account lists %s in msDS-AllowedToActOnBehalfOfOtherIdentity "
                              "(resource-based constrained delegation): S4U2proxy presents %s's "
                              "service ticket, which RBCD accepts without any delegation setting "
                              "on the web tier.",
                              target, env->deleg_acct, who);
                break;
            }
            if (rbcd) {
                tl__steps_add(&h->steps, R_KRB_RBCD_NTLM,
                              "%s's account lists %s for resource-based constrained delegation, "
                              "but %s did not come with Kerberos and the web tier has no protocol "
                              "transition: S4U2self gives only a non-forwardable ticket, which "
                              "MS-SFU lets RBCD accept for a non-sensitive user (unsettled: no "
                              "page says what Windows does for an NTLM logon here).",
                              target, env->deleg_acct, who);
                break;
            }
            tl__steps_add(&h->steps, t->kdeleg_rule ? t->kdeleg_rule : R_NTLM_NO_DELEG,
                          "The thread impersonates a logon of %s that holds nothing it can "
                          "present to %s.",
                          who, target);
            return arrive_anonymous(h, target);
        }
        if ((rc = id_copy(&h->arrives_as, &t->user)))
            return rc;
        h->protocol = TL_EXPLAIN_PROTOCOL_KERBEROS;
        h->outcome = TL_EXPLAIN_OUTCOME_OK;
        tl__steps_add(&h->steps, R_NET_DELEGATED, "The call arrives at %s as %s over Kerberos.",
                      target, who);
        return TL_OK;
    }
    case TL__NET_ANONYMOUS:
        tl__steps_add(&h->steps, t->net_rule, "%s: %s.", who, t->net_text);
        return arrive_anonymous(h, target);
    case TL__NET_MACHINE: {
        if (!domain) {
            tl__steps_add(&h->steps, R_NET_WORKGROUP,
                          "%s would present the computer's credentials, but %s is in a "
                          "workgroup: there is no domain machine account the target can verify "
                          "(unsettled: no source states this outright; see docs/rules.md).",
                          who, env->machine);
            return arrive_anonymous(h, target);
        }
        char *acct = tl__asprintf("%s\\%s$", domain, env->machine);
        if (!acct)
            return tl__oom();
        tl__steps_add(&h->steps, t->net_rule, "%s is not a network identity: %s, %s.", who,
                      t->net_text, acct);
        if (why_ntlm)
            add_ntlm_reason(h, why_ntlm, target, env);
        if (why_ntlm && t->localsystem) {
            if (!env->local_system_use_machine_id) {
                tl__steps_add(&h->steps, R_NET_LOCALSYSTEM_NTLM,
                              "The policy 'Network security: Allow Local System to use computer "
                              "identity for NTLM' is disabled: LocalSystem falling back to NTLM "
                              "authenticates anonymously instead of as %s.",
                              acct);
                tl__free(acct);
                return arrive_anonymous(h, target);
            }
            tl__steps_add(&h->steps, R_NET_LOCALSYSTEM_NTLM,
                          "The policy 'Network security: Allow Local System to use computer "
                          "identity for NTLM' is on (the default): LocalSystem's NTLM uses the "
                          "computer identity, %s.",
                          acct);
        }
        rc = id_set(&h->arrives_as, acct, NULL);
        tl__free(acct);
        if (rc)
            return rc;
        break;
    }
    case TL__NET_OWN:
        tl__steps_add(&h->steps, t->net_rule, "%s: %s.", who, t->net_text);
        if (why_ntlm)
            add_ntlm_reason(h, why_ntlm, target, env);
        if (why_ntlm && t->protected_users) {
            /* The password logon of a Protected Users member holds no NTLM secret to offer. */
            tl__steps_add(&h->steps, R_PROTECTED_NTLM,
                          "%s is in Protected Users, which cannot authenticate with NTLM: the "
                          "connection to %s is refused.",
                          who, target);
            h->outcome = TL_EXPLAIN_OUTCOME_DENIED;
            h->protocol = TL_EXPLAIN_PROTOCOL_NONE;
            return TL_OK;
        }
        if ((rc = id_copy(&h->arrives_as, &t->user)))
            return rc;
        break;
    }
    h->outcome = TL_EXPLAIN_OUTCOME_OK;
    h->protocol = kerb ? TL_EXPLAIN_PROTOCOL_KERBEROS : TL_EXPLAIN_PROTOCOL_NTLM;
    if (kerb)
        tl__steps_add(&h->steps, R_NET_NEGOTIATE,
                      "Negotiate uses Kerberos to %s (its SPN is registered); it arrives as %s.",
                      target, h->arrives_as.name);
    else if (domain)
        tl__steps_add(&h->steps, R_NET_NEGOTIATE,
                      "Over NTLM this logon presents the same account: it arrives as %s.",
                      h->arrives_as.name);
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

static void set_password_logon(tl__token *t, tl__logon_method m);

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
    static const char *const methods[] = {"ClearText", "Interactive", "Batch", "Network"};
    set_password_logon(&c->auth, s->anon_logon);
    c->auth.kdeleg_rule = R_LOGON_NO_CREDS;
    tl__steps_add(st, R_IIS_ANON_USER,
                  "Anonymous authentication uses the account %s: IIS logs it on with its password "
                  "(logonMethod %s) and the request runs as it.",
                  s->anon_user, methods[s->anon_logon]);
    return TL_OK;
}

/* A token IIS made with LogonUser and a password (Basic, or a named anonymous account): what
 * it can present off the box depends on the logon type (AuthenticationLogonMethod). */
static void set_password_logon(tl__token *t, tl__logon_method m)
{
    static const char *const types[] = {"NetworkCleartext", "Interactive", "Batch", "Network"};
    t->package = "Negotiate";
    t->logon_type = types[m];
    t->level = TL_IMPERSONATION_IMPERSONATION_VALUE;
    switch (m) {
    case TL__LOGON_CLEARTEXT:
        t->net = TL__NET_OWN;
        t->net_rule = R_LOGONUSER;
        t->net_text = "IIS logged it on with LOGON32_LOGON_NETWORK_CLEARTEXT, which keeps the name "
                      "and password for connections to other servers";
        break;
    case TL__LOGON_INTERACTIVE:
        t->net = TL__NET_OWN;
        t->net_rule = R_LOGON_INTERACTIVE;
        t->net_text = "IIS logged it on with LOGON32_LOGON_INTERACTIVE, which caches the "
                      "credentials, so its logon session can authenticate off the box";
        break;
    case TL__LOGON_BATCH:
    case TL__LOGON_NETWORK:
        t->net = TL__NET_NONE;
        t->kdeleg = TL__KD_NONE;
        t->kdeleg_rule = R_LOGON_NO_CREDS;
        break;
    }
}

/* Which delegation applies to the request's logon `t` (kerberos: it came with a ticket). */
static void apply_delegation(ctx *c, tl__token *t, bool kerberos, const char *how)
{
    const tl_scenario *s = c->s;
    tl__steps *st = &c->e->thread_steps;
    const char *acct = c->deleg_acct;
    t->no_rbcd = s->req_sensitive || s->req_protected_users;
    if (!s->domain) {
        t->kdeleg = TL__KD_NONE;
        t->kdeleg_rule = R_NTLM_NO_DELEG;
        tl__steps_add(st, R_NTLM_NO_DELEG,
                      "An NTLM network logon cannot be delegated: the token is at Impersonation "
                      "level.");
        return;
    }
    if (s->req_protected_users) {
        t->kdeleg = TL__KD_NONE;
        t->kdeleg_rule = R_PROTECTED_NO_DELEG;
        tl__steps_add(st, R_PROTECTED_NO_DELEG,
                      "%s is in Protected Users: the account cannot be delegated, with "
                      "unconstrained, constrained or resource-based delegation; the token is at "
                      "Impersonation level.",
                      s->req_user);
        return;
    }
    if (s->req_sensitive && s->deleg != TL__DELEG_NONE) {
        t->kdeleg = TL__KD_NONE;
        t->kdeleg_rule = R_KRB_SENSITIVE;
        tl__steps_add(st, R_KRB_SENSITIVE,
                      "%s is marked 'sensitive and cannot be delegated': the KDC issues no "
                      "forwardable ticket, so no delegation works; the token is at Impersonation "
                      "level.",
                      s->req_user);
        return;
    }
    const char *plain = t->net == TL__NET_NONE && !t->kerberos ? R_LOGON_NO_CREDS : NULL;
    if (t->logon_type && strcmp(t->logon_type, "Network") == 0 && !t->kerberos &&
        strcmp(how, "NTLM") == 0)
        plain = R_NTLM_NO_DELEG;
    switch (s->deleg) {
    case TL__DELEG_NONE:
        t->kdeleg = TL__KD_NONE;
        t->kdeleg_rule = kerberos ? R_KRB_NO_DELEG : plain;
        if (kerberos)
            tl__steps_add(st, R_KRB_NO_DELEG,
                          "%s is not trusted for delegation: no TGT is forwarded and the token is "
                          "at Impersonation level.",
                          acct);
        else if (plain && strcmp(plain, R_NTLM_NO_DELEG) == 0)
            tl__steps_add(st, R_NTLM_NO_DELEG,
                          "An NTLM network logon cannot be delegated: the token is at "
                          "Impersonation level, usable on %s only.",
                          s->machine);
        break;
    case TL__DELEG_UNCONSTRAINED:
        t->kdeleg = TL__KD_NONE;
        if (!kerberos) {
            t->kdeleg_rule = plain;
            if (plain && strcmp(plain, R_NTLM_NO_DELEG) == 0)
                tl__steps_add(st, R_NTLM_NO_DELEG,
                              "%s is trusted for delegation, but the client used NTLM: there is "
                              "no TGT to forward and the token is at Impersonation level.",
                              acct);
        } else if (s->req_forest_other) {
            t->kdeleg_rule = R_KRB_FOREST_TGT;
            tl__steps_add(st, R_KRB_FOREST_TGT,
                          "%s is in another forest: since the 2019 updates a forest trust does "
                          "not let TGTs be delegated to services across it (EnableTGTDelegation "
                          "off), so no TGT is forwarded; the token is at Impersonation level.",
                          s->req_user);
        } else if (s->has_client && s->client_credential_guard) {
            t->kdeleg_rule = R_CLIENT_CREDGUARD;
            tl__steps_add(st, R_CLIENT_CREDGUARD,
                          "The client runs Credential Guard, which does not allow unconstrained "
                          "Kerberos delegation: it never forwards %s's TGT; the token is at "
                          "Impersonation level.",
                          s->req_user);
        } else if (s->has_client && !s->client_delegation_allowed) {
            static const char *const why[] = {
                "Internet Explorer delegates only to sites in the Intranet or Trusted zone",
                ("Microsoft Edge (87 and later) delegates only to servers in "
                 "AuthNegotiateDelegateAllowlist, whatever the ticket says"),
                "Chrome delegates only to servers in AuthNegotiateDelegateAllowlist",
                "Firefox delegates only to sites in network.negotiate-auth.delegation-uris",
                "the application does not ask to delegate (no ISC_REQ_DELEGATE)"};
            t->kdeleg_rule = R_CLIENT_NO_TGT;
            tl__steps_add(st, R_CLIENT_NO_TGT,
                          "%s is trusted for delegation, but %s, and its policy does not allow "
                          "this site: the client does not forward its TGT; the token is at "
                          "Impersonation level.",
                          acct, why[s->client_kind]);
        } else {
            t->kdeleg = TL__KD_TGT;
            t->kdeleg_rule = R_KRB_UNCONSTRAINED;
            t->level = TL_IMPERSONATION_DELEGATION_VALUE;
            if (s->has_client && s->client_kind == TL__CLIENT_IE && !s->client_delegation_given)
                tl__steps_add(st, R_CLIENT_IE_ZONE,
                              "The scenario does not say whether Internet Explorer may delegate to "
                              "this site: assumed yes, because IE sends Kerberos without a prompt "
                              "only to the Intranet or a Trusted zone, the zones where it "
                              "delegates (unsettled: no Microsoft page found that says so).");
            tl__steps_add(st, R_KRB_UNCONSTRAINED,
                          "%s is trusted for delegation: the ticket is OK-AS-DELEGATE and %s "
                          "forwards its TGT; the token is at Delegation level.",
                          acct,
                          s->has_client ? "the client, whose policy allows delegating to this "
                                          "site,"
                                        : "the client (the scenario names none: assumed to "
                                          "delegate whenever the ticket allows)");
        }
        break;
    case TL__DELEG_CONSTRAINED:
        if (kerberos) {
            t->kdeleg = TL__KD_S4U2PROXY;
            t->kdeleg_rule = R_KRB_CONSTRAINED;
            t->level = TL_IMPERSONATION_DELEGATION_VALUE;
            tl__steps_add(st, R_KRB_CONSTRAINED,
                          "%s may delegate to listed SPNs (constrained delegation); the user's "
                          "forwardable ticket is the evidence for S4U2proxy, and the client "
                          "takes no part in it.",
                          acct);
            tl__steps_add(st, R_KRB_CONSTRAINED_LEVEL,
                          "The token is reported at Delegation level (unsettled: no source "
                          "states the level of a constrained-delegation logon).");
        } else {
            t->kdeleg = TL__KD_NONE;
            t->kdeleg_rule = R_KRB_NEEDS_KRB;
            tl__steps_add(st, R_KRB_NEEDS_KRB,
                          "%s has constrained delegation for Kerberos only, but the client used "
                          "%s: there is no forwardable evidence ticket; the token is at "
                          "Impersonation level.",
                          acct, how);
        }
        break;
    case TL__DELEG_CONSTRAINED_ANY:
        t->kdeleg = TL__KD_TRANSITION;
        t->kdeleg_rule = R_KRB_TRANSITION;
        tl__steps_add(st, R_KRB_TRANSITION,
                      "%s may delegate to listed SPNs with protocol transition: S4U2self yields "
                      "a forwardable ticket for the user whatever the client used.",
                      acct);
        if (kerberos) {
            t->level = TL_IMPERSONATION_DELEGATION_VALUE;
            tl__steps_add(st, R_KRB_CONSTRAINED_LEVEL,
                          "The token is reported at Delegation level (unsettled: no source "
                          "states the level of a constrained-delegation logon).");
        }
        break;
    }
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
    if (kerberos && s->site_spn != TL__SPN_REGISTERED) {
        tl__steps_add(st, R_IIS_HTTP_SPN,
                      "The site's HTTP SPN is %s: the client gets no Kerberos ticket for the "
                      "site, and Negotiate falls back to NTLM.",
                      s->site_spn == TL__SPN_DUPLICATE ? "registered on more than one account"
                                                       : "not registered");
        kerberos = false;
    }
    /* What the client ends up offering, also when IIS then refuses it. */
    e->client_proto = kerberos ? "Kerberos" : "NTLM";
    if (!kerberos && !(s->providers & (TL__PROV_NEGOTIATE | TL__PROV_NTLM))) {
        tl__steps_add(st, R_IIS_PROVIDERS,
                      "The site offers only Negotiate:Kerberos and %s can only use NTLM: IIS "
                      "answers 401.",
                      s->req_user);
        deny(c, "add the NTLM or Negotiate provider, or let the client use Kerberos (register "
                "the site's HTTP SPN)");
        return TL_OK;
    }
    if (!kerberos && s->req_protected_users) {
        tl__steps_add(st, R_PROTECTED_NTLM,
                      "%s is in Protected Users, which cannot authenticate with NTLM: the domain "
                      "controller refuses the NTLM logon and IIS answers 401.",
                      s->req_user);
        deny(c, "members of Protected Users need Kerberos: register the site's HTTP SPN and "
                "browse to the site by a name that maps to it (not an IP address)");
        return TL_OK;
    }
    if (kerberos && s->pool_identity == TL__POOL_SPECIFICUSER && s->kernel_mode &&
        !s->use_app_pool_credentials) {
        tl__steps_add(st, R_IIS_KERNEL,
                      "Kernel-mode authentication decrypts the Kerberos ticket with the machine "
                      "account's key unless useAppPoolCredentials is set; the model assumes the "
                      "site's HTTP SPN is on the pool account %s (a domain pool account usually "
                      "is the reason), so the ticket cannot be decrypted and IIS answers 401.",
                      s->pool_user);
        deny(c, "set useAppPoolCredentials=\"true\" on windowsAuthentication (the HTTP SPN is on "
                "the pool account), or register the SPN on the machine account instead");
        return TL_OK;
    }
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
    c->auth.protected_users = s->req_protected_users;
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
    apply_delegation(c, &c->auth, kerberos, "NTLM");
    return TL_OK;
}

/* IIS Basic authentication: the password reaches IIS, which calls LogonUser(logonMethod). */
static int basic_token(ctx *c)
{
    static const char *const methods[] = {"ClearText", "Interactive", "Batch", "Network"};
    const tl_scenario *s = c->s;
    tl_explanation *e = c->e;
    int rc;
    memset(&c->auth, 0, sizeof c->auth);
    c->have_auth = true;
    e->client_proto = "Basic";
    if ((rc = id_set(&c->auth.user, s->req_user, NULL)))
        return rc;
    set_password_logon(&c->auth, s->basic_logon);
    c->auth.sensitive = s->req_sensitive;
    c->auth.protected_users = s->req_protected_users;
    tl__steps_add(&e->thread_steps, R_IIS_BASIC,
                  "%s authenticates with Basic: the browser sends the password and IIS logs the "
                  "user on with it (logonMethod %s), so the request runs as %s.",
                  s->req_user, methods[s->basic_logon], s->req_user);
    if (c->auth.net == TL__NET_NONE) {
        tl__steps_add(&e->thread_steps, R_LOGON_NO_CREDS,
                      "A %s logon does not cache the credentials: the token cannot authenticate "
                      "to other servers by itself.",
                      methods[s->basic_logon]);
        apply_delegation(c, &c->auth, false, "Basic");
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
    if (anonymous && s->req_proto_given)
        tl__steps_add(st, R_REQ_ANON_PROTO,
                      "The request is anonymous (no user), so it carries no credentials: the "
                      "protocol the scenario names is ignored.");
    if (s->req_user && s->req_proto == TL__PROTO_BASIC && !s->basic_enabled) {
        tl__steps_add(st, R_IIS_BASIC_OFF,
                      "Basic authentication is not enabled on the site, so IIS never asks for %s's "
                      "password: the request is served as an anonymous request.",
                      s->req_user);
        anonymous = true;
    } else if (s->req_user && s->req_proto != TL__PROTO_BASIC && !s->win_enabled) {
        tl__steps_add(st, R_IIS_WIN_OFF,
                      "Windows authentication is disabled on the site, so %s is served as an "
                      "anonymous request.",
                      s->req_user);
        anonymous = true;
    }
    rc = anonymous                         ? anonymous_token(c)
         : s->req_proto == TL__PROTO_BASIC ? basic_token(c)
                                           : windows_token(c);
    if (rc)
        return rc;
    if (s->framework == TL__FW_ASPNETCORE && s->hosting == TL__HOST_OUTOFPROCESS) {
        e->out_of_process = true;
        tl__steps_add(st, R_ASPNETCORE_OOP,
                      "Out-of-process hosting: the app runs in its own process (Kestrel) as the "
                      "pool identity %s; the ASP.NET Core Module forwards the request's Windows "
                      "token to it (forwardWindowsAuthToken, true by default).",
                      e->process.user.name);
    }
    if (e->request_denied) {
        e->impersonating = false;
        return token_copy(&e->thread, &e->process);
    }
    bool windows_identity = !anonymous; /* ASP.NET Core has a WindowsIdentity only then */
    if (s->framework == TL__FW_ASPNETCORE) {
        if (s->run_impersonated && windows_identity) {
            tl__steps_add(st, R_ASPNETCORE_RUN_IMP,
                          "The code wraps the call in WindowsIdentity.RunImpersonated: it runs "
                          "impersonating %s at %s level.",
                          c->auth.user.name, tl_impersonation_level_name(c->auth.level));
            e->impersonating = true;
            return token_copy(&e->thread, &c->auth);
        }
        tl__steps_add(st, R_ASPNETCORE_NO_IMP,
                      "ASP.NET Core never impersonates by itself%s%s: application code runs as "
                      "the process identity %s.",
                      s->impersonate ? " (site.impersonate, <identity impersonate>, does not "
                                       "apply to it)"
                                     : "",
                      s->run_impersonated ? "; RunImpersonated needs the request's Windows "
                                            "identity, which an anonymous request does not have"
                                          : "",
                      e->process.user.name);
        e->impersonating = false;
        return token_copy(&e->thread, &e->process);
    }
    if (s->impersonate || s->run_impersonated) {
        if (s->impersonate)
            tl__steps_add(st, R_ASPNET_IMP_ON,
                          "ASP.NET impersonation is on: application code runs impersonating %s at "
                          "%s level (in the Integrated pipeline not in some early request stages, "
                          "and only with validateIntegratedModeConfiguration=\"false\", else IIS "
                          "answers with a migration error).",
                          c->auth.user.name, tl_impersonation_level_name(c->auth.level));
        else
            tl__steps_add(st, R_ASPNETCORE_RUN_IMP,
                          "The code wraps the call in WindowsIdentity.RunImpersonated: it runs "
                          "impersonating %s at %s level.",
                          c->auth.user.name, tl_impersonation_level_name(c->auth.level));
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
    if ((sh->from == TL__FROM_THREAD_POOL || sh->from == TL__FROM_AFTER_REVERT) && c->have_auth &&
        e->impersonating && tl__strcasecmp(c->auth.user.name, e->process.user.name) != 0)
        FIX("re-apply the impersonation in the %s (e.g. "
            "WindowsIdentity.RunImpersonated/RunImpersonatedAsync) so the call "
            "runs as %s, or grant %s on %s",
            sh->from == TL__FROM_THREAD_POOL ? "continuation"
                                             : "code after "
                                               "RevertToSelf",
            c->auth.user.name, h->arrives_as.name ? h->arrives_as.name : "the arriving identity",
            local ? "the resource" : sh->target);
    if (local) {
        if (h->outcome == TL_EXPLAIN_OUTCOME_OK && t->user.has_sid &&
            is_iusr(t->user.name ? t->user.name : ""))
            FIX("every site whose anonymous user is IUSR runs as this same "
                "identity and can read what it can: set the anonymous user to "
                "the pool identity (userName=\"\") so this site runs as %s, and "
                "grant that",
                e->process.user.name);
        return TL_OK;
    }
    if (strcmp(last, R_LOCAL_SAME_BOX) == 0 && s->pool_identity == TL__POOL_APPPOOLIDENTITY &&
        h->arrives_as.name && strcmp(h->arrives_as.name, e->process.user.name) == 0)
        FIX("grant %s on %s: on %s itself the pool identity arrives as itself, not as %s",
            e->process.user.name, sh->target, s->machine,
            c->machine_acct ? c->machine_acct : "the machine account");
    if (h->outcome == TL_EXPLAIN_OUTCOME_OK) {
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
    if (strcmp(last, R_PROTECTED_NTLM) == 0)
        FIX("members of Protected Users need Kerberos: reach %s by a host name whose SPN is "
            "registered",
            sh->target);
    if (strcmp(last, R_NET_ANON_LOGON) != 0)
        return TL_OK;
    if (strcmp(decider, R_KRB_NOT_LISTED) == 0)
        FIX("add %s to %s's constrained-delegation list (msDS-AllowedToDelegateTo), or list %s "
            "in the target's msDS-AllowedToActOnBehalfOfOtherIdentity (resource-based)",
            sh->target, c->deleg_acct, c->deleg_acct);
    if (strcmp(decider, R_KRB_SENSITIVE) == 0)
        FIX("%s is marked sensitive and cannot be delegated: by design; make this call as the "
            "pool identity instead",
            t->user.name);
    if (strcmp(decider, R_PROTECTED_NO_DELEG) == 0)
        FIX("%s is in Protected Users, which can never be delegated: make this call as the pool "
            "identity, or take the account out of Protected Users",
            t->user.name);
    if (strcmp(decider, R_KRB_NEEDS_KRB) == 0)
        FIX("enable protocol transition on %s ('use any authentication "
            "protocol') for %s, or make the client use Kerberos",
            c->deleg_acct, sh->target);
    if (strcmp(decider, R_KRB_NO_DELEG) == 0)
        FIX("configure constrained delegation from %s to %s", c->deleg_acct, sh->target);
    if (strcmp(decider, R_KRB_FOREST_TGT) == 0)
        FIX("TGTs are not delegated across the forest trust: use constrained delegation "
            "(resource-based: list %s on %s's account) instead of unconstrained",
            c->deleg_acct, sh->target);
    if (strcmp(decider, R_CLIENT_NO_TGT) == 0)
        FIX("let the client delegate to this site (Edge/Chrome AuthNegotiateDelegateAllowlist, IE "
            "Intranet or Trusted zone), or use constrained delegation from %s to %s, which needs "
            "nothing from the client",
            c->deleg_acct, sh->target);
    if (strcmp(decider, R_CLIENT_CREDGUARD) == 0)
        FIX("Credential Guard never forwards a TGT: use constrained delegation (classic or "
            "resource-based) from %s to %s",
            c->deleg_acct, sh->target);
    if (strcmp(decider, R_KRB_CROSS_DOMAIN) == 0)
        FIX("classic constrained delegation stays inside one domain: list %s in %s's "
            "msDS-AllowedToActOnBehalfOfOtherIdentity (resource-based constrained delegation)",
            c->deleg_acct, sh->target);
    if (strcmp(decider, R_NET_IP_HOST) == 0)
        FIX("name the target by its host name (whose SPN is registered) instead of an IP "
            "address, or register an IP-address SPN and set TryIPSPN on %s",
            s->machine);
    if (strcmp(decider, R_NET_SPN_STATE) == 0)
        FIX("%s", sh->spn == TL__SPN_DUPLICATE
                      ? "remove the duplicate SPN so that exactly one account holds it (setspn -X "
                        "lists duplicates)"
                      : "register the target's SPN on the account its service runs as (setspn "
                        "-S)");
    if (strcmp(decider, R_NET_LOCALSYSTEM_NTLM) == 0)
        FIX("enable 'Network security: Allow Local System to use computer identity for NTLM' "
            "(UseMachineId=1), or reach %s over Kerberos",
            sh->target);
    if (strcmp(decider, R_LOGON_NO_CREDS) == 0)
        FIX("use logonMethod ClearText (the default), which keeps the password for other "
            "servers, or configure constrained delegation with protocol transition");
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
    int rc;
    if (!(h->target = tl__strdup(sh->target)))
        return tl__oom();
    h->from = (tl_explain_from)sh->from;
    if (e->request_denied) {
        steps_copy(&h->steps, &e->thread_steps);
        h->outcome = TL_EXPLAIN_OUTCOME_DENIED;
        h->protocol = TL_EXPLAIN_PROTOCOL_NONE;
        h->runs_as_level = TL_IMPERSONATION_NONE_VALUE;
        h->fix = tl__strdup(c->deny_fix);
        return h->fix ? tl__steps_ok(&h->steps) : tl__oom();
    }
    const tl__token *t = &e->thread;
    bool impersonating = e->impersonating;
    tl__token creds;
    memset(&creds, 0, sizeof creds);
    tl__hop_env env = {s->machine,
                       s->domain,
                       s->deleg_to,
                       s->deleg_to_count,
                       c->deleg_acct,
                       sh,
                       s->local_system_use_machine_id};
    if (sh->from == TL__FROM_REQUEST_THREAD || sh->from == TL__FROM_NEW_CREDENTIALS) {
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
    if (sh->from == TL__FROM_NEW_CREDENTIALS) {
        /* LogonUser(NEW_CREDENTIALS) clones the caller's token: the same local identity, the
         * given account's credentials for outbound connections. */
        bool local = tl__strcasecmp(sh->target, "local") == 0 ||
                     tl__sim_host_kind(sh->target, s->machine) == TL__HOST_THIS_MACHINE;
        tl__steps_add(&h->steps, R_NEW_CREDENTIALS,
                      "The code impersonates a LogonUser(LOGON32_LOGON_NEW_CREDENTIALS) token for "
                      "%s: locally it is still %s; only outbound connections use %s's "
                      "credentials%s.",
                      sh->credentials, t->user.name, sh->credentials,
                      local ? ", and this access is local" : "");
        h->runs_as_level = TL_IMPERSONATION_IMPERSONATION_VALUE;
        if (!local) {
            if ((rc = id_set(&creds.user, sh->credentials, NULL)))
                return rc;
            creds.level = TL_IMPERSONATION_IMPERSONATION_VALUE;
            creds.net = TL__NET_OWN;
            creds.net_rule = R_NEW_CREDENTIALS;
            creds.net_text = "the NEW_CREDENTIALS logon presents the password it was given";
            t = &creds;
        }
        impersonating = true;
    }
    size_t own = h->steps.n;
    if (sh->from == TL__FROM_NEW_CREDENTIALS && tl__strcasecmp(sh->target, "local") != 0 &&
        tl__sim_host_kind(sh->target, s->machine) == TL__HOST_THIS_MACHINE)
        tl__steps_add(&h->steps, R_NEW_CREDS_SAME_BOX,
                      "%s is a service on this machine, reached over a network protocol: the "
                      "model takes it as local access by %s (unsettled: LogonUser says the new "
                      "credentials serve \"other network connections\", and no page says "
                      "whether a loopback connection is one).",
                      sh->target, h->runs_as.name);
    rc = tl__sim_eval_hop(h, t, impersonating, sh->target, &env);
    if (!rc)
        rc = tl__steps_ok(&h->steps);
    /* The hop is unsettled when its own steps, or the steps that made the token it uses, rest
     * on an unsettled rule; the level reported for a delegation token does not decide a hop. */
    for (size_t k = 0; !rc && k < h->steps.n; k++) {
        const char *r = h->steps.v[k].rule;
        bool uses_thread = e->impersonating && (sh->from == TL__FROM_REQUEST_THREAD ||
                                                sh->from == TL__FROM_NEW_CREDENTIALS);
        if ((k >= own || uses_thread) && strcmp(r, R_KRB_CONSTRAINED_LEVEL) != 0 &&
            tl__sim_rule_is_unsettled(r))
            h->unsettled = true;
    }
    if (!rc)
        rc = hop_fix(&h->fix, c, h, t, sh);
    tl__token_free(&creds);
    return rc;
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

tl_impersonation_level tl_explanation_thread_level(const tl_explanation *e)
{
    return e && e->impersonating ? (tl_impersonation_level)e->thread.level : TL_IMPERSONATION_NONE;
}

const char *tl_explain_outcome_name(tl_explain_outcome outcome)
{
    static const char *const names[] = {"ok", "anonymous", "denied"};
    return (unsigned)outcome < 3 ? names[outcome] : NULL;
}

const char *tl_explain_protocol_name(tl_explain_protocol protocol)
{
    return protocol == TL_EXPLAIN_PROTOCOL_KERBEROS ? "Kerberos"
           : protocol == TL_EXPLAIN_PROTOCOL_NTLM   ? "NTLM"
                                                    : NULL;
}

const char *tl_explain_from_name(tl_explain_from from)
{
    static const char *const names[] = {"request_thread", "thread_pool", "after_revert",
                                        "new_credentials"};
    return (unsigned)from < 4 ? names[from] : NULL;
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
tl_explain_from tl_explained_hop_from(const tl_explained_hop *h)
{
    return h ? h->from : TL_EXPLAIN_FROM_REQUEST_THREAD;
}
const char *tl_explained_hop_runs_as_name(const tl_explained_hop *h)
{
    return h ? h->runs_as.name : NULL;
}
const char *tl_explained_hop_runs_as_sid(const tl_explained_hop *h)
{
    return h ? SIDSTR(h->runs_sid_str) : NULL;
}
tl_impersonation_level tl_explained_hop_runs_as_level(const tl_explained_hop *h)
{
    return h && h->runs_as_level >= 0 && h->runs_as_level <= 3
               ? (tl_impersonation_level)h->runs_as_level
               : TL_IMPERSONATION_NONE;
}
const char *tl_explained_hop_arrives_as_name(const tl_explained_hop *h)
{
    return h ? h->arrives_as.name : NULL;
}
const char *tl_explained_hop_arrives_as_sid(const tl_explained_hop *h)
{
    return h ? SIDSTR(h->arrives_sid_str) : NULL;
}
tl_explain_protocol tl_explained_hop_protocol(const tl_explained_hop *h)
{
    return h ? h->protocol : TL_EXPLAIN_PROTOCOL_NONE;
}
tl_explain_outcome tl_explained_hop_outcome(const tl_explained_hop *h)
{
    return h ? h->outcome : TL_EXPLAIN_OUTCOME_DENIED;
}
bool tl_explained_hop_unsettled(const tl_explained_hop *h)
{
    return h && h->unsettled;
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
bool tl_explained_hop_step_unsettled(const tl_explained_hop *h, size_t i)
{
    const tl__step *st = h ? step_at(&h->steps, i) : NULL;
    return st && tl__sim_rule_is_unsettled(st->rule);
}
