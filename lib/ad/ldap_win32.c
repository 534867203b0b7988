/* Active Directory transport on Windows: wldap32 bound with Negotiate as the logged-on user
 * (LDAP_AUTH_NEGOTIATE, signing and sealing on), DNS SRV through DnsQuery, the caller's realm
 * from USERDNSDOMAIN or the machine's DNS domain. */
#include "ad_internal.h"
#include "internal.h"

#include <windows.h>
#include <rpc.h>
#include <stdbool.h>
#include <winldap.h>
#include <winber.h>
#include <windns.h>
#include <string.h>

struct tl__ad_conn {
    LDAP *ld;
    char *host;
    struct l_timeval tv;
};

void tl__ad_conn_close(tl__ad_conn *c)
{
    if (!c)
        return;
    if (c->ld)
        ldap_unbind(c->ld);
    tl__free(c->host);
    tl__free(c);
}

int tl__ad_conn_open(tl__ad_conn **out, const char *host, unsigned int timeout_ms)
{
    *out = NULL;
    size_t n = strlen(host);
    if (n == 0 || n > 255 ||
        strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:") != n)
        return tl__error(
            TL_EINVAL, "'%s' is not a host name (letters, digits, '.', '-', optional :port)", host);
    tl__ad_conn *c = tl__calloc(1, sizeof *c);
    if (!c || !(c->host = tl__strdup(host))) {
        tl__free(c);
        return tl__oom();
    }
    c->tv.tv_sec = (LONG)(timeout_ms / 1000);
    c->tv.tv_usec = (LONG)((timeout_ms % 1000) * 1000);
    char *name = tl__strdup(host);
    ULONG port = LDAP_PORT;
    char *colon = name ? strchr(name, ':') : NULL;
    if (colon) {
        *colon = 0;
        port = (ULONG)strtoul(colon + 1, NULL, 10);
    }
    c->ld = name ? ldap_initA(name, port) : NULL;
    tl__free(name);
    if (!c->ld) {
        ULONG e = LdapGetLastError();
        tl__ad_conn_close(c);
        return tl__error_native(TL_EOS, (long)e, "ldap_init(%s) failed: %s", host,
                                ldap_err2stringA(e));
    }
    ULONG v3 = LDAP_VERSION3;
    ldap_set_option(c->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
    ldap_set_option(c->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    ldap_set_option(c->ld, LDAP_OPT_SIGN, LDAP_OPT_ON);
    ldap_set_option(c->ld, LDAP_OPT_ENCRYPT, LDAP_OPT_ON);
    ULONG lrc = ldap_connect(c->ld, &c->tv);
    if (lrc != LDAP_SUCCESS) {
        tl__ad_conn_close(c);
        return tl__error_native(TL_EOS, (long)lrc,
                                "the DC is unreachable: cannot contact ldap://%s (%s)", host,
                                ldap_err2stringA(lrc));
    }
    /* NULL credentials: the logged-on user (Windows). Wine 8's wldap32 dereferences the
     * identity structure in its SASL callback, so under Wine pass one whose members are all
     * NULL (again: the logged-on user's credentials). docs/ad.md. */
    SEC_WINNT_AUTH_IDENTITY_A none;
    memset(&none, 0, sizeof none);
    none.Flags = SEC_WINNT_AUTH_IDENTITY_ANSI;
    HMODULE ntdll = GetModuleHandleA("ntdll.dll");
    bool wine = ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
    lrc = ldap_bind_sA(c->ld, NULL, wine ? (PCHAR)&none : NULL, LDAP_AUTH_NEGOTIATE);
    if (lrc == LDAP_SERVER_DOWN) { /* ldap_connect may succeed without a round trip (Wine) */
        tl__ad_conn_close(c);
        return tl__error_native(TL_EOS, (long)lrc,
                                "the DC is unreachable: cannot contact ldap://%s (%s)", host,
                                ldap_err2stringA(lrc));
    }
    if (lrc != LDAP_SUCCESS) {
        int code = TL_EAUTH;
        tl__ad_conn_close(c);
        return tl__error_native(
            code, (long)lrc, "Negotiate bind to ldap/%s failed: %s%s", host, ldap_err2stringA(lrc),
            lrc == LDAP_INVALID_CREDENTIALS ? " (access denied or no credentials)" : "");
    }
    *out = c;
    return TL_OK;
}

int tl__ad_conn_search(tl__ad_conn *c, const char *base, int scope, const char *filter,
                       const char *const *attrs, tl__ad_entries *out)
{
    memset(out, 0, sizeof *out);
    LDAPMessage *res = NULL;
    ULONG lrc = ldap_search_ext_sA(c->ld, (PSTR)base,
                                   scope == 0 ? LDAP_SCOPE_BASE : LDAP_SCOPE_SUBTREE, (PSTR)filter,
                                   (PZPSTR)attrs, 0, NULL, NULL, &c->tv, TL__AD_MAX_ENTRIES, &res);
    if (lrc != LDAP_SUCCESS) {
        if (res)
            ldap_msgfree(res);
        int code = lrc == LDAP_NO_SUCH_OBJECT        ? TL_ENOTFOUND
                   : lrc == LDAP_INSUFFICIENT_RIGHTS ? TL_ESTATE
                   : lrc == LDAP_SIZELIMIT_EXCEEDED  ? TL_ELIMIT
                                                     : TL_ERROR;
        return tl__error_native(code, (long)lrc, "%s%s (search %s under '%s')",
                                lrc == LDAP_INSUFFICIENT_RIGHTS ? "access denied: " : "",
                                ldap_err2stringA(lrc), filter, base);
    }
    int rc = TL_OK;
    for (LDAPMessage *e = ldap_first_entry(c->ld, res); e && rc == TL_OK;
         e = ldap_next_entry(c->ld, e)) {
        char *dn = ldap_get_dnA(c->ld, e);
        rc = tl__ad_entries_add(out, dn);
        if (dn)
            ldap_memfreeA(dn);
        BerElement *ber = NULL;
        for (char *a = rc == TL_OK ? ldap_first_attributeA(c->ld, e, &ber) : NULL; a && rc == TL_OK;
             a = ldap_next_attributeA(c->ld, e, ber)) {
            tl__ad_entry *ent = &out->items[out->count - 1];
            rc = tl__ad_entry_add_attr(ent, a);
            struct berval **vals = rc == TL_OK ? ldap_get_values_lenA(c->ld, e, a) : NULL;
            for (size_t i = 0; vals && vals[i] && rc == TL_OK; i++)
                rc = tl__ad_attr_add_val(&ent->attrs[ent->nattrs - 1], vals[i]->bv_val,
                                         vals[i]->bv_len);
            if (vals)
                ldap_value_free_len(vals);
            ldap_memfreeA(a);
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
    PDNS_RECORDA recs = NULL;
    DNS_STATUS st =
        DnsQuery_A(q, DNS_TYPE_SRV, DNS_QUERY_STANDARD, NULL, (PDNS_RECORD *)&recs, NULL);
    int rc = TL_OK;
    if (st != 0 || !recs) {
        rc = tl__error_native(
            TL_ENOTFOUND, (long)st,
            "no domain controller found: DNS has no SRV record %s (give --server)", q);
    } else {
        PDNS_RECORDA best = NULL;
        for (PDNS_RECORDA r = recs; r; r = r->pNext)
            if (r->wType == DNS_TYPE_SRV && r->Data.SRV.pNameTarget &&
                (!best || r->Data.SRV.wPriority < best->Data.SRV.wPriority ||
                 (r->Data.SRV.wPriority == best->Data.SRV.wPriority &&
                  r->Data.SRV.wWeight > best->Data.SRV.wWeight)))
                best = r;
        if (!best)
            rc = tl__error(TL_ENOTFOUND,
                           "no domain controller found: the SRV answer for %s names no host", q);
        else if (!(*out = best->Data.SRV.wPort == 389
                              ? tl__strdup(best->Data.SRV.pNameTarget)
                              : tl__asprintf("%s:%u", best->Data.SRV.pNameTarget,
                                             (unsigned)best->Data.SRV.wPort)))
            rc = tl__oom();
        DnsRecordListFree((PDNS_RECORD)recs, DnsFreeRecordList);
    }
    tl__free(q);
    return rc;
}

int tl__ad_caller_realm(char **out)
{
    *out = NULL;
    char buf[256];
    DWORD n = GetEnvironmentVariableA("USERDNSDOMAIN", buf, sizeof buf);
    if (n == 0 || n >= sizeof buf) {
        DWORD size = sizeof buf;
        if (!GetComputerNameExA(ComputerNameDnsDomain, buf, &size) || size == 0)
            return tl__error(
                TL_ENOTFOUND,
                "this machine is in no DNS domain and USERDNSDOMAIN is not set: give --server");
    }
    *out = tl__strdup(buf);
    return *out ? TL_OK : tl__oom();
}
