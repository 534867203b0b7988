/* Active Directory: find the DC, bind, read the rootDSE and look accounts and SPNs up. The
 * LDAP calls go through the backend transport (ad_internal.h); decoding is in ad_record.c. */
#include "ad_internal.h"
#include "internal.h"

#include <string.h>

struct tl_ad {
    tl__ad_conn *conn;
    char *server;
    char *base;
    char *config;
    char *dns;
    char *netbios;
    tl_sid domain_sid;
    bool have_sid;
};

void tl_ad_free(tl_ad *ad)
{
    if (!ad)
        return;
    tl__ad_conn_close(ad->conn);
    tl__free(ad->server);
    tl__free(ad->base);
    tl__free(ad->config);
    tl__free(ad->dns);
    tl__free(ad->netbios);
    tl__free(ad);
}

const char *tl_ad_server(const tl_ad *ad)
{
    return ad ? ad->server : NULL;
}
const char *tl_ad_base_dn(const tl_ad *ad)
{
    return ad ? ad->base : NULL;
}
const char *tl_ad_dns_domain(const tl_ad *ad)
{
    return ad ? ad->dns : NULL;
}
const char *tl_ad_netbios_domain(const tl_ad *ad)
{
    return ad ? ad->netbios : NULL;
}
const tl_sid *tl_ad_domain_sid(const tl_ad *ad)
{
    return ad && ad->have_sid ? &ad->domain_sid : NULL;
}

static char *first_string(const tl__ad_entries *r, const char *attr)
{
    if (!r->count)
        return NULL;
    const tl__ad_attr *a = tl__ad_entry_attr(&r->items[0], attr);
    if (!a || !a->count || memchr(a->vals[0].data, 0, a->vals[0].len))
        return NULL;
    return tl__strdup((const char *)a->vals[0].data);
}

/* DC=contoso,DC=com -> contoso.com */
static char *dns_from_dn(const char *dn)
{
    tl__buf b = TL__BUF_INIT;
    const char *p = dn;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > 3 && tl__strncasecmp(p, "DC=", 3) == 0) {
            if (b.len)
                tl__buf_putc(&b, '.');
            tl__buf_putn(&b, p + 3, n - 3);
        }
        p += n;
        if (*p == ',')
            p++;
    }
    char *out = NULL;
    tl__buf_detach(&b, &out);
    return out;
}

static int search(tl_ad *ad, const char *base, int scope, const char *filter,
                  const char *const *attrs, tl__ad_entries *out)
{
    memset(out, 0, sizeof *out);
    int rc = tl__ad_conn_search(ad->conn, base, scope, filter, attrs, out);
    if (rc != TL_OK)
        tl__ad_entries_free(out);
    return rc;
}

tl_result tl_ad_connect(tl_ad **out, const tl_ad_options *opts)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_ad_connect: out is NULL");
    *out = NULL;
    tl_ad_options def = TL_AD_OPTIONS_INIT;
    if (!opts)
        opts = &def;
    if (opts->version != TL_AD_OPTIONS_VERSION)
        return tl__error(TL_EINVAL, "tl_ad_options.version is %u, this library knows %u",
                         opts->version, TL_AD_OPTIONS_VERSION);
    unsigned int timeout = opts->timeout_ms ? opts->timeout_ms : 10000;
    tl_ad *ad = tl__calloc(1, sizeof *ad);
    if (!ad)
        return tl__oom();
    int rc;
    if (opts->server && *opts->server) {
        ad->server = tl__strdup(opts->server);
        if (!ad->server) {
            rc = tl__oom();
            goto fail;
        }
    } else {
        char *realm = NULL;
        if (opts->realm && *opts->realm)
            realm = tl__strdup(opts->realm);
        else if ((rc = tl__ad_caller_realm(&realm)) != TL_OK)
            goto fail;
        if (!realm) {
            rc = tl__oom();
            goto fail;
        }
        rc = tl__ad_discover_dc(&ad->server, realm);
        tl__free(realm);
        if (rc != TL_OK)
            goto fail;
    }
    if ((rc = tl__ad_conn_open(&ad->conn, ad->server, timeout)) != TL_OK)
        goto fail;

    tl__ad_entries r;
    static const char *const root_attrs[] = {"defaultNamingContext", "configurationNamingContext",
                                             NULL};
    if ((rc = search(ad, "", 0, "(objectClass=*)", root_attrs, &r)) != TL_OK) {
        tl__error_prefix("reading the rootDSE of %s: ", ad->server);
        goto fail;
    }
    ad->base = first_string(&r, "defaultNamingContext");
    ad->config = first_string(&r, "configurationNamingContext");
    tl__ad_entries_free(&r);
    if (!ad->base) {
        rc = tl__error(TL_EPARSE,
                       "the rootDSE of %s has no defaultNamingContext (not a domain controller?)",
                       ad->server);
        goto fail;
    }
    if (!(ad->dns = dns_from_dn(ad->base))) {
        rc = tl__oom();
        goto fail;
    }
    /* the domain's SID (objectSid of the domain head) */
    static const char *const sid_attrs[] = {"objectSid", NULL};
    if (search(ad, ad->base, 0, "(objectClass=*)", sid_attrs, &r) == TL_OK) {
        const tl__ad_attr *a = r.count ? tl__ad_entry_attr(&r.items[0], "objectSid") : NULL;
        size_t used;
        if (a && a->count &&
            tl_sid_from_binary(&ad->domain_sid, a->vals[0].data, a->vals[0].len, &used) == TL_OK)
            ad->have_sid = true;
        tl__ad_entries_free(&r);
    }
    /* the NetBIOS name, from the domain's crossRef in the configuration partition */
    if (ad->config) {
        char *part = tl__asprintf("CN=Partitions,%s", ad->config);
        char *esc = tl__ad_filter_escape(ad->base, strlen(ad->base));
        char *filter = esc ? tl__asprintf("(&(objectClass=crossRef)(nCName=%s))", esc) : NULL;
        static const char *const nb_attrs[] = {"nETBIOSName", NULL};
        if (part && filter && search(ad, part, 2, filter, nb_attrs, &r) == TL_OK) {
            ad->netbios = first_string(&r, "nETBIOSName");
            tl__ad_entries_free(&r);
        }
        tl__free(part);
        tl__free(esc);
        tl__free(filter);
    }
    if (!ad->netbios) { /* fall back to the first label of the DNS name, upper-cased */
        size_t n = strcspn(ad->dns, ".");
        ad->netbios = tl__strndup(ad->dns, n);
        for (char *p = ad->netbios; p && *p; p++)
            if (*p >= 'a' && *p <= 'z')
                *p = (char)(*p - 'a' + 'A');
    }
    tl_error_clear();
    *out = ad;
    return TL_OK;
fail:
    tl_ad_free(ad);
    return rc;
}

/* SID -> DOMAIN\name: the directory for the domain's SIDs, the built-in table otherwise. */
static int resolve_sid(void *ctx, const tl_sid *sid, char **out)
{
    tl_ad *ad = ctx;
    *out = NULL;
    uint8_t bin[TL_SID_MAX_BINARY];
    size_t n = 0;
    if (tl_sid_to_binary(bin, sizeof bin, sid, &n) == TL_OK) {
        char *esc = tl__ad_filter_escape(bin, n);
        char *filter = esc ? tl__asprintf("(objectSid=%s)", esc) : NULL;
        static const char *const attrs[] = {"sAMAccountName", NULL};
        tl__ad_entries r;
        if (filter && search(ad, ad->base, 2, filter, attrs, &r) == TL_OK) {
            char *sam = first_string(&r, "sAMAccountName");
            tl__ad_entries_free(&r);
            if (sam) {
                *out = tl__asprintf("%s\\%s", ad->netbios, sam);
                tl__free(sam);
            }
        }
        tl__free(esc);
        tl__free(filter);
    }
    if (!*out)
        tl_sid_lookup_name(out, sid);
    tl_error_clear();
    return TL_OK;
}

tl_result tl_ad_account_lookup(tl_ad_account **out, tl_ad *ad, const char *name)
{
    if (!out || !ad || !name)
        return tl__error(TL_EINVAL, "tl_ad_account_lookup: NULL argument");
    *out = NULL;
    if (!*name || strlen(name) > 1024)
        return tl__error(TL_EINVAL, "account name is empty or longer than 1024 bytes");
    char *filter = NULL, *esc = NULL;
    const char *bs = strchr(name, '\\');
    const char *at = strchr(name, '@');
    tl_sid sid;
    if (tl__strncasecmp(name, "S-1-", 4) == 0 && tl_sid_from_string(&sid, name) == TL_OK) {
        uint8_t bin[TL_SID_MAX_BINARY];
        size_t n = 0;
        tl_sid_to_binary(bin, sizeof bin, &sid, &n);
        esc = tl__ad_filter_escape(bin, n);
        filter = esc ? tl__asprintf("(objectSid=%s)", esc) : NULL;
    } else if (bs) {
        size_t dl = (size_t)(bs - name);
        bool ours = (strlen(ad->netbios) == dl && tl__strncasecmp(name, ad->netbios, dl) == 0) ||
                    (strlen(ad->dns) == dl && tl__strncasecmp(name, ad->dns, dl) == 0);
        if (!ours)
            return tl__error(TL_ENOTFOUND, "%s is in domain '%.*s'; %s serves %s (%s)", name,
                             (int)dl, name, ad->server, ad->netbios, ad->dns);
        esc = tl__ad_filter_escape(bs + 1, strlen(bs + 1));
        filter = esc ? tl__asprintf("(&(objectClass=user)(sAMAccountName=%s))", esc) : NULL;
    } else if (at) {
        /* a UPN; a name@<this domain> without a UPN set is its sAMAccountName */
        esc = tl__ad_filter_escape(name, strlen(name));
        char *sam = tl__ad_filter_escape(name, (size_t)(at - name));
        bool ours = tl__strcasecmp(at + 1, ad->dns) == 0;
        filter =
            esc && sam
                ? (ours ? tl__asprintf(
                              "(&(objectClass=user)(|(userPrincipalName=%s)(sAMAccountName=%s)))",
                              esc, sam)
                        : tl__asprintf("(&(objectClass=user)(userPrincipalName=%s))", esc))
                : NULL;
        tl__free(sam);
    } else {
        esc = tl__ad_filter_escape(name, strlen(name));
        filter = esc ? tl__asprintf("(&(objectClass=user)(sAMAccountName=%s))", esc) : NULL;
    }
    tl__free(esc);
    if (!filter)
        return tl__oom();
    tl__ad_entries r;
    int rc = search(ad, ad->base, 2, filter, tl__ad_account_attrs, &r);
    tl__free(filter);
    if (rc != TL_OK) {
        tl__error_prefix("looking up %s on %s: ", name, ad->server);
        return rc;
    }
    if (r.count == 0) {
        tl__ad_entries_free(&r);
        return tl__error(TL_ENOTFOUND, "no such account: %s (searched %s on %s)", name, ad->base,
                         ad->server);
    }
    if (r.count > 1) {
        size_t n = r.count;
        tl__ad_entries_free(&r);
        return tl__error(TL_EPARSE,
                         "%s matches %zu accounts in %s; name one by DOMAIN\\name or SID", name, n,
                         ad->base);
    }
    size_t pick = 0;
    tl__ad_entries g;
    static const char *const tg_attrs[] = {"tokenGroups", NULL};
    bool have_groups = search(ad, r.items[pick].dn, 0, "(objectClass=*)", tg_attrs, &g) == TL_OK;
    rc = tl__ad_account_decode(out, &r.items[pick], have_groups && g.count ? &g.items[0] : NULL,
                               ad->netbios, resolve_sid, ad);
    if (have_groups)
        tl__ad_entries_free(&g);
    tl__ad_entries_free(&r);
    return rc;
}

tl_result tl_ad_spn_lookup(tl_ad_spn **out, tl_ad *ad, const char *spn)
{
    if (!out || !ad || !spn)
        return tl__error(TL_EINVAL, "tl_ad_spn_lookup: NULL argument");
    *out = NULL;
    if (!*spn || strlen(spn) > 1024)
        return tl__error(TL_EINVAL, "SPN is empty or longer than 1024 bytes");
    char *esc = tl__ad_filter_escape(spn, strlen(spn));
    char *filter = esc ? tl__asprintf("(servicePrincipalName=%s)", esc) : NULL;
    tl__free(esc);
    if (!filter)
        return tl__oom();
    static const char *const attrs[] = {"sAMAccountName", NULL};
    tl__ad_entries r;
    int rc = search(ad, ad->base, 2, filter, attrs, &r);
    tl__free(filter);
    if (rc != TL_OK) {
        tl__error_prefix("looking up SPN %s on %s: ", spn, ad->server);
        return rc;
    }
    rc = tl__ad_spn_make(out, spn, &r, ad->netbios);
    tl__ad_entries_free(&r);
    return rc;
}
