/* Active Directory transport on POSIX: OpenLDAP's libldap, SASL GSSAPI with the caller's
 * Kerberos ticket cache, DNS SRV through libresolv, the caller's realm through MIT krb5. */
#include "ad_internal.h"
#include "internal.h"

#include <arpa/nameser.h>
#include <krb5.h>
#include <ldap.h>
#include <netinet/in.h>
#include <resolv.h>
#include <string.h>
#include <sys/time.h>

/* Cyrus SASL's sasl_interact_t (sasl/sasl.h, unchanged since SASL 2.0), declared here so the
 * build needs libldap-dev only. */
typedef struct tl__sasl_interact {
    unsigned long id;
    const char *challenge;
    const char *prompt;
    const char *defresult;
    const void *result;
    unsigned len;
} tl__sasl_interact;

struct tl__ad_conn {
    LDAP *ld;
    char *host;
    struct timeval tv;
};

/* GSSAPI asks at most for an authorization identity: none (the ticket's own). */
static int interact(LDAP *ld, unsigned flags, void *defaults, void *in)
{
    for (tl__sasl_interact *i = in; i && i->id != 0; i++) {
        i->result = i->defresult ? i->defresult : "";
        i->len = (unsigned)strlen(i->result);
    }
    return LDAP_SUCCESS;
}

static char *diag(LDAP *ld)
{
    char *msg = NULL;
    if (ld && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg) == LDAP_OPT_SUCCESS && msg) {
        char *copy = tl__strdup(msg);
        ldap_memfree(msg);
        return copy;
    }
    return NULL;
}

/* Is there a ticket cache with a principal? (to tell "no credentials" from other failures) */
static bool have_tickets(char **ccname)
{
    krb5_context ctx;
    *ccname = NULL;
    if (krb5_init_context(&ctx))
        return false;
    krb5_ccache cc;
    bool ok = false;
    if (krb5_cc_default(ctx, &cc) == 0) {
        const char *n = krb5_cc_get_name(ctx, cc);
        *ccname = tl__asprintf("%s:%s", krb5_cc_get_type(ctx, cc), n ? n : "");
        krb5_principal p;
        if (krb5_cc_get_principal(ctx, cc, &p) == 0) {
            ok = true;
            krb5_free_principal(ctx, p);
        }
        krb5_cc_close(ctx, cc);
    }
    krb5_free_context(ctx);
    return ok;
}

static int bind_error(tl__ad_conn *c, int lrc)
{
    char *d = diag(c->ld);
    const char *dd = d ? d : "";
    int rc;
    if (lrc == LDAP_SERVER_DOWN || lrc == LDAP_CONNECT_ERROR || lrc == LDAP_TIMEOUT) {
        rc = tl__error_native(TL_EOS, lrc,
                              "the DC is unreachable: cannot contact ldap://%s (%s%s%s)", c->host,
                              ldap_err2string(lrc), *dd ? ": " : "", dd);
    } else if (lrc == LDAP_LOCAL_ERROR || lrc == LDAP_AUTH_UNKNOWN || lrc == LDAP_NOT_SUPPORTED) {
        char *cc = NULL;
        if (strstr(dd, "not found in Kerberos database"))
            rc = tl__error_native(
                TL_EAUTH, lrc,
                "the KDC has no service ldap/%s: give --server the DC's host name as "
                "registered (it is used as given, not canonicalised) (%s)",
                c->host, dd);
        else if (!have_tickets(&cc))
            rc = tl__error_native(
                TL_EAUTH, lrc,
                "no Kerberos credentials (ticket cache %s is empty or missing): run kinit (%s)",
                cc ? cc : "?", *dd ? dd : ldap_err2string(lrc));
        else
            rc =
                tl__error_native(TL_EAUTH, lrc, "Kerberos (SASL GSSAPI) bind to ldap/%s failed: %s",
                                 c->host, *dd ? dd : ldap_err2string(lrc));
        tl__free(cc);
    } else if (lrc == LDAP_INVALID_CREDENTIALS || lrc == LDAP_INSUFFICIENT_ACCESS ||
               lrc == LDAP_INAPPROPRIATE_AUTH || lrc == LDAP_STRONG_AUTH_REQUIRED) {
        rc = tl__error_native(TL_EAUTH, lrc, "access denied: %s refused the bind (%s%s%s)", c->host,
                              ldap_err2string(lrc), *dd ? ": " : "", dd);
    } else {
        rc = tl__error_native(TL_EAUTH, lrc, "binding to %s failed: %s%s%s", c->host,
                              ldap_err2string(lrc), *dd ? ": " : "", dd);
    }
    tl__free(d);
    return rc;
}

void tl__ad_conn_close(tl__ad_conn *c)
{
    if (!c)
        return;
    if (c->ld)
        ldap_unbind_ext_s(c->ld, NULL, NULL);
    tl__free(c->host);
    tl__free(c);
}

int tl__ad_conn_open(tl__ad_conn **out, const char *host, unsigned int timeout_ms)
{
    *out = NULL;
    size_t n = strlen(host);
    if (n == 0 || n > 255 ||
        strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]") != n)
        return tl__error(
            TL_EINVAL, "'%s' is not a host name (letters, digits, '.', '-', optional :port)", host);
    tl__ad_conn *c = tl__calloc(1, sizeof *c);
    if (!c || !(c->host = tl__strdup(host))) {
        tl__free(c);
        return tl__oom();
    }
    c->tv.tv_sec = (time_t)(timeout_ms / 1000);
    c->tv.tv_usec = (suseconds_t)((timeout_ms % 1000) * 1000);
    char *uri = tl__asprintf("ldap://%s", host);
    int lrc = uri ? ldap_initialize(&c->ld, uri) : LDAP_NO_MEMORY;
    tl__free(uri);
    if (lrc != LDAP_SUCCESS) {
        tl__ad_conn_close(c);
        return tl__error_native(TL_EINVAL, lrc, "ldap://%s: %s", host, ldap_err2string(lrc));
    }
    int v3 = LDAP_VERSION3;
    ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
    ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    ldap_set_option(c->ld, LDAP_OPT_NETWORK_TIMEOUT, &c->tv);
    ldap_set_option(c->ld, LDAP_OPT_TIMEOUT, &c->tv);
    /* ldap/<host as given>: no reverse-DNS canonicalisation (ldapsearch -N) */
    ldap_set_option(c->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON);
    lrc = ldap_sasl_interactive_bind_s(c->ld, NULL, "GSSAPI", NULL, NULL, LDAP_SASL_QUIET, interact,
                                       NULL);
    if (lrc != LDAP_SUCCESS) {
        int rc = bind_error(c, lrc);
        tl__ad_conn_close(c);
        return rc;
    }
    *out = c;
    return TL_OK;
}

int tl__ad_conn_search(tl__ad_conn *c, const char *base, int scope, const char *filter,
                       const char *const *attrs, tl__ad_entries *out)
{
    memset(out, 0, sizeof *out);
    LDAPMessage *res = NULL;
    int lrc =
        ldap_search_ext_s(c->ld, base, scope == 0 ? LDAP_SCOPE_BASE : LDAP_SCOPE_SUBTREE, filter,
                          (char **)attrs, 0, NULL, NULL, &c->tv, TL__AD_MAX_ENTRIES, &res);
    if (lrc != LDAP_SUCCESS && lrc != LDAP_SIZELIMIT_EXCEEDED) {
        char *d = diag(c->ld);
        int code = lrc == LDAP_NO_SUCH_OBJECT                       ? TL_ENOTFOUND
                   : lrc == LDAP_INSUFFICIENT_ACCESS                ? TL_ESTATE
                   : lrc == LDAP_SERVER_DOWN || lrc == LDAP_TIMEOUT ? TL_EOS
                                                                    : TL_ERROR;
        int rc =
            tl__error_native(code, lrc, "%s%s (search %s under '%s')%s%s",
                             lrc == LDAP_INSUFFICIENT_ACCESS ? "access denied: " : "",
                             ldap_err2string(lrc), filter, base, d && *d ? ": " : "", d ? d : "");
        tl__free(d);
        if (res)
            ldap_msgfree(res);
        return rc;
    }
    if (lrc == LDAP_SIZELIMIT_EXCEEDED) {
        ldap_msgfree(res);
        return tl__error(TL_ELIMIT, "more than %d entries match %s", TL__AD_MAX_ENTRIES, filter);
    }
    int rc = TL_OK;
    for (LDAPMessage *e = ldap_first_entry(c->ld, res); e && rc == TL_OK;
         e = ldap_next_entry(c->ld, e)) {
        char *dn = ldap_get_dn(c->ld, e);
        rc = tl__ad_entries_add(out, dn);
        ldap_memfree(dn);
        BerElement *ber = NULL;
        for (char *a = rc == TL_OK ? ldap_first_attribute(c->ld, e, &ber) : NULL; a && rc == TL_OK;
             a = ldap_next_attribute(c->ld, e, ber)) {
            tl__ad_entry *ent = &out->items[out->count - 1];
            rc = tl__ad_entry_add_attr(ent, a);
            struct berval **vals = rc == TL_OK ? ldap_get_values_len(c->ld, e, a) : NULL;
            for (size_t i = 0; vals && vals[i] && rc == TL_OK; i++)
                rc = tl__ad_attr_add_val(&ent->attrs[ent->nattrs - 1], vals[i]->bv_val,
                                         vals[i]->bv_len);
            if (vals)
                ldap_value_free_len(vals);
            ldap_memfree(a);
        }
        if (ber)
            ber_free(ber, 0);
    }
    ldap_msgfree(res);
    if (rc != TL_OK)
        tl__ad_entries_free(out);
    return rc;
}

int tl__ad_discover_dc(char **out, const char *realm)
{
    *out = NULL;
    char *q = tl__asprintf("_ldap._tcp.dc._msdcs.%s", realm);
    if (!q)
        return tl__oom();
    for (char *p = q; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    struct __res_state st;
    memset(&st, 0, sizeof st);
    if (res_ninit(&st) != 0) {
        int rc = tl__error(TL_EOS, "cannot read the resolver configuration to look up %s", q);
        tl__free(q);
        return rc;
    }
    unsigned char buf[8192];
    int len = res_nquery(&st, q, ns_c_in, ns_t_srv, buf, sizeof buf);
    int rc = TL_OK;
    if (len < 0) {
        rc = tl__error(TL_ENOTFOUND,
                       "no domain controller found: DNS has no SRV record %s (give --server)", q);
    } else {
        ns_msg msg;
        char best[NS_MAXDNAME] = "";
        int best_prio = 0x10000, best_weight = -1, best_port = 389;
        if (ns_initparse(buf, len, &msg) == 0) {
            for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
                ns_rr rr;
                if (ns_parserr(&msg, ns_s_an, i, &rr) != 0 || ns_rr_type(rr) != ns_t_srv ||
                    ns_rr_rdlen(rr) < 7)
                    continue;
                const unsigned char *rd = ns_rr_rdata(rr);
                int prio = (rd[0] << 8) | rd[1], weight = (rd[2] << 8) | rd[3],
                    port = (rd[4] << 8) | rd[5];
                char name[NS_MAXDNAME];
                if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 6, name, sizeof name) < 0 ||
                    !*name || strcmp(name, ".") == 0)
                    continue;
                if (prio < best_prio || (prio == best_prio && weight > best_weight)) {
                    best_prio = prio;
                    best_weight = weight;
                    best_port = port;
                    snprintf(best, sizeof best, "%s", name);
                }
            }
        }
        if (!*best)
            rc = tl__error(TL_ENOTFOUND,
                           "no domain controller found: the SRV answer for %s names no host", q);
        else if (!(*out = best_port == 389 ? tl__strdup(best)
                                           : tl__asprintf("%s:%d", best, best_port)))
            rc = tl__oom();
    }
    res_nclose(&st);
    tl__free(q);
    return rc;
}

int tl__ad_caller_realm(char **out)
{
    *out = NULL;
    krb5_context ctx;
    if (krb5_init_context(&ctx))
        return tl__error(TL_EOS,
                         "cannot start Kerberos (krb5_init_context) to find the caller's realm");
    krb5_ccache cc;
    krb5_principal p;
    int rc = TL_OK;
    if (krb5_cc_default(ctx, &cc) == 0 &&
        (krb5_cc_get_principal(ctx, cc, &p) == 0 || (krb5_cc_close(ctx, cc), 0))) {
        *out = tl__strndup(p->realm.data, p->realm.length);
        krb5_free_principal(ctx, p);
        krb5_cc_close(ctx, cc);
    } else {
        char *def = NULL;
        if (krb5_get_default_realm(ctx, &def) == 0 && def) {
            *out = tl__strdup(def);
            krb5_free_default_realm(ctx, def);
        } else {
            rc = tl__error(
                TL_EAUTH,
                "no Kerberos credentials and no default realm: run kinit or give --server");
        }
    }
    krb5_free_context(ctx);
    if (rc == TL_OK && !*out)
        rc = tl__oom();
    return rc;
}
