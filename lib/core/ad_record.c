/* Active Directory records: LDAP entries (plain data from a backend) decoded into account and
 * SPN facts, and their contract JSON. No network here: fuzz/fuzz_ad_record.c drives it. */
#include "ad_internal.h"
#include "internal.h"
#include "tokenlens/sd.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- entries ---- */

void tl__ad_entries_free(tl__ad_entries *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        tl__ad_entry *e = &r->items[i];
        for (size_t j = 0; j < e->nattrs; j++) {
            for (size_t k = 0; k < e->attrs[j].count; k++)
                tl__free(e->attrs[j].vals[k].data);
            tl__free(e->attrs[j].vals);
            tl__free(e->attrs[j].name);
        }
        tl__free(e->attrs);
        tl__free(e->dn);
    }
    tl__free(r->items);
    r->items = NULL;
    r->count = 0;
}

const tl__ad_attr *tl__ad_entry_attr(const tl__ad_entry *e, const char *name)
{
    if (!e)
        return NULL;
    for (size_t i = 0; i < e->nattrs; i++)
        if (e->attrs[i].name && tl__strcasecmp(e->attrs[i].name, name) == 0)
            return &e->attrs[i];
    return NULL;
}

int tl__ad_entries_add(tl__ad_entries *r, const char *dn)
{
    if (r->count >= TL__AD_MAX_ENTRIES)
        return tl__error(TL_ELIMIT, "the directory returned more than %d entries",
                         TL__AD_MAX_ENTRIES);
    tl__ad_entry *n = tl__realloc(r->items, (r->count + 1) * sizeof *n);
    if (!n)
        return tl__oom();
    r->items = n;
    memset(&n[r->count], 0, sizeof n[0]);
    n[r->count].dn = tl__strdup(dn ? dn : "");
    if (!n[r->count].dn)
        return tl__oom();
    r->count++;
    return TL_OK;
}

int tl__ad_entry_add_attr(tl__ad_entry *e, const char *name)
{
    if (e->nattrs >= 256)
        return tl__error(TL_ELIMIT, "entry %s has more than 256 attributes", e->dn);
    tl__ad_attr *n = tl__realloc(e->attrs, (e->nattrs + 1) * sizeof *n);
    if (!n)
        return tl__oom();
    e->attrs = n;
    memset(&n[e->nattrs], 0, sizeof n[0]);
    n[e->nattrs].name = tl__strdup(name);
    if (!n[e->nattrs].name)
        return tl__oom();
    e->nattrs++;
    return TL_OK;
}

int tl__ad_attr_add_val(tl__ad_attr *a, const void *data, size_t len)
{
    if (a->count >= TL__AD_MAX_VALUES)
        return tl__error(TL_ELIMIT, "attribute %s has more than %d values", a->name,
                         TL__AD_MAX_VALUES);
    if (len > TL__AD_MAX_VALUE)
        return tl__error(TL_ELIMIT, "a value of %s is %zu bytes (limit %d)", a->name, len,
                         TL__AD_MAX_VALUE);
    tl__ad_val *n = tl__realloc(a->vals, (a->count + 1) * sizeof *n);
    if (!n)
        return tl__oom();
    a->vals = n;
    uint8_t *copy = tl__malloc(len + 1);
    if (!copy)
        return tl__oom();
    if (len)
        memcpy(copy, data, len);
    copy[len] = 0;
    n[a->count].data = copy;
    n[a->count].len = len;
    a->count++;
    return TL_OK;
}

char *tl__ad_filter_escape(const void *data, size_t len)
{
    const uint8_t *p = data;
    tl__buf b = TL__BUF_INIT;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        if (c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 || c >= 0x7f)
            tl__buf_printf(&b, "\\%02x", c);
        else
            tl__buf_putc(&b, (char)c);
    }
    char *out = NULL;
    if (tl__buf_detach(&b, &out) != TL_OK)
        return NULL;
    return out;
}

/* ---- accounts ---- */

typedef struct tl__ad_act {
    tl_sid sid;
    char *name;
} tl__ad_act;

struct tl_ad_account {
    char *name;
    char *dn;
    tl_sid sid;
    uint32_t uac;
    bool protected_users;
    size_t ndeleg, nspn, nact;
    char **deleg;
    char **spns;
    tl__ad_act *act;
};

const char *const tl__ad_account_attrs[] = {"sAMAccountName",
                                            "objectSid",
                                            "userAccountControl",
                                            "servicePrincipalName",
                                            "msDS-AllowedToDelegateTo",
                                            "msDS-AllowedToActOnBehalfOfOtherIdentity",
                                            NULL};

void tl_ad_account_free(tl_ad_account *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->ndeleg; i++)
        tl__free(a->deleg[i]);
    for (size_t i = 0; i < a->nspn; i++)
        tl__free(a->spns[i]);
    for (size_t i = 0; i < a->nact; i++)
        tl__free(a->act[i].name);
    tl__free(a->deleg);
    tl__free(a->spns);
    tl__free(a->act);
    tl__free(a->name);
    tl__free(a->dn);
    tl__free(a);
}

/* Copy the string values of attr (embedded NULs refused). */
static int copy_strings(char ***out, size_t *n, const tl__ad_attr *attr)
{
    *out = NULL;
    *n = 0;
    if (!attr || attr->count == 0)
        return TL_OK;
    char **v = tl__calloc(attr->count, sizeof *v);
    if (!v)
        return tl__oom();
    for (size_t i = 0; i < attr->count; i++) {
        if (memchr(attr->vals[i].data, 0, attr->vals[i].len)) {
            for (size_t j = 0; j < i; j++)
                tl__free(v[j]);
            tl__free(v);
            return tl__error(TL_EPARSE, "%s value %zu contains a NUL byte", attr->name, i);
        }
        v[i] = tl__strndup((const char *)attr->vals[i].data, attr->vals[i].len);
        if (!v[i]) {
            for (size_t j = 0; j < i; j++)
                tl__free(v[j]);
            tl__free(v);
            return tl__oom();
        }
    }
    *out = v;
    *n = attr->count;
    return TL_OK;
}

static int parse_uac(uint32_t *out, const tl__ad_attr *attr)
{
    *out = 0;
    if (!attr || attr->count == 0)
        return tl__error(TL_EPARSE, "the account has no userAccountControl");
    const char *s = (const char *)attr->vals[0].data;
    size_t len = attr->vals[0].len;
    /* a decimal INTEGER (RFC 4517), 32-bit, possibly written as a negative number */
    size_t i = 0;
    int neg = 0;
    if (i < len && s[i] == '-') {
        neg = 1;
        i++;
    }
    if (i == len || len - i > 10)
        return tl__error(TL_EPARSE, "userAccountControl '%.*s' is not a 32-bit integer",
                         (int)(len > 20 ? 20 : len), s);
    uint64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return tl__error(TL_EPARSE, "userAccountControl '%.*s' is not a 32-bit integer",
                             (int)(len > 20 ? 20 : len), s);
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if ((!neg && v > 0xffffffffu) || (neg && v > 0x80000000u))
        return tl__error(TL_EPARSE, "userAccountControl '%.*s' is out of range", (int)len, s);
    *out = neg ? (uint32_t)(0u - (uint32_t)v) : (uint32_t)v;
    return TL_OK;
}

/* The SIDs of the access-allowed ACEs of an msDS-AllowedToActOnBehalfOfOtherIdentity value. */
static int decode_act(tl_ad_account *a, const tl__ad_attr *attr, tl__ad_resolve_fn resolve,
                      void *ctx)
{
    if (!attr || attr->count == 0)
        return TL_OK;
    tl_sd *sd = NULL;
    int rc = tl_sd_from_binary(&sd, attr->vals[0].data, attr->vals[0].len);
    if (rc != TL_OK) {
        tl__error_prefix("msDS-AllowedToActOnBehalfOfOtherIdentity of %s: ", a->dn);
        return rc;
    }
    size_t n = tl_sd_ace_count(sd, TL_ACL_DACL);
    if (n > TL__AD_MAX_ACT)
        n = TL__AD_MAX_ACT;
    a->act = n ? tl__calloc(n, sizeof *a->act) : NULL;
    if (n && !a->act) {
        tl_sd_free(sd);
        return tl__oom();
    }
    for (size_t i = 0; i < n; i++) {
        const tl_ace *ace = tl_sd_ace_at(sd, TL_ACL_DACL, i);
        /* ACCESS_ALLOWED (0), ACCESS_ALLOWED_OBJECT (5), ACCESS_ALLOWED_CALLBACK (9) */
        if (!ace || (ace->type != 0x00 && ace->type != 0x05 && ace->type != 0x09))
            continue;
        bool dup = false;
        for (size_t j = 0; j < a->nact; j++)
            dup = dup || tl_sid_equal(&a->act[j].sid, &ace->sid);
        if (dup)
            continue;
        a->act[a->nact].sid = ace->sid;
        char *name = NULL;
        if (resolve && resolve(ctx, &ace->sid, &name) == TL_OK)
            a->act[a->nact].name = name;
        a->nact++;
    }
    tl_sd_free(sd);
    tl_error_clear();
    return TL_OK;
}

int tl__ad_account_decode(tl_ad_account **out, const tl__ad_entry *e, const tl__ad_entry *groups,
                          const char *netbios, tl__ad_resolve_fn resolve, void *ctx)
{
    if (!out || !e)
        return tl__error(TL_EINVAL, "tl__ad_account_decode: NULL argument");
    *out = NULL;
    tl_ad_account *a = tl__calloc(1, sizeof *a);
    if (!a)
        return tl__oom();
    int rc = TL_OK;
    a->dn = tl__strdup(e->dn ? e->dn : "");
    if (!a->dn) {
        rc = tl__oom();
        goto fail;
    }
    const tl__ad_attr *sam = tl__ad_entry_attr(e, "sAMAccountName");
    if (!sam || sam->count == 0 || sam->vals[0].len == 0 ||
        memchr(sam->vals[0].data, 0, sam->vals[0].len)) {
        rc = tl__error(TL_EPARSE, "%s has no usable sAMAccountName", a->dn);
        goto fail;
    }
    a->name = netbios && *netbios ? tl__asprintf("%s\\%s", netbios, (const char *)sam->vals[0].data)
                                  : tl__strdup((const char *)sam->vals[0].data);
    if (!a->name) {
        rc = tl__oom();
        goto fail;
    }
    const tl__ad_attr *sid = tl__ad_entry_attr(e, "objectSid");
    size_t used = 0;
    if (!sid || sid->count == 0) {
        rc = tl__error(TL_EPARSE, "%s has no objectSid", a->dn);
        goto fail;
    }
    rc = tl_sid_from_binary(&a->sid, sid->vals[0].data, sid->vals[0].len, &used);
    if (rc == TL_OK && used != sid->vals[0].len)
        rc = tl__error(TL_EPARSE, "objectSid of %s has %zu trailing bytes", a->dn,
                       sid->vals[0].len - used);
    if (rc != TL_OK) {
        tl__error_prefix("objectSid of %s: ", a->dn);
        goto fail;
    }
    if ((rc = parse_uac(&a->uac, tl__ad_entry_attr(e, "userAccountControl"))) != TL_OK)
        goto fail;
    if ((rc = copy_strings(&a->spns, &a->nspn, tl__ad_entry_attr(e, "servicePrincipalName"))) !=
        TL_OK)
        goto fail;
    if ((rc = copy_strings(&a->deleg, &a->ndeleg,
                           tl__ad_entry_attr(e, "msDS-AllowedToDelegateTo"))) != TL_OK)
        goto fail;
    if ((rc = decode_act(a, tl__ad_entry_attr(e, "msDS-AllowedToActOnBehalfOfOtherIdentity"),
                         resolve, ctx)) != TL_OK)
        goto fail;
    /* Protected Users is <domain>-525 ([MS-DTYP] 2.4.2.4); the domain is the account's own. */
    const tl__ad_attr *tg = tl__ad_entry_attr(groups, "tokenGroups");
    tl_sid dom, pu;
    uint32_t rid;
    if (tg && tl_sid_split_rid(&dom, &rid, &a->sid) == TL_OK &&
        tl_sid_append_rid(&pu, &dom, 525) == TL_OK) {
        for (size_t i = 0; i < tg->count; i++) {
            tl_sid g;
            size_t u = 0;
            if (tl_sid_from_binary(&g, tg->vals[i].data, tg->vals[i].len, &u) == TL_OK &&
                tl_sid_equal(&g, &pu))
                a->protected_users = true;
        }
    }
    tl_error_clear();
    *out = a;
    return TL_OK;
fail:
    tl_ad_account_free(a);
    return rc;
}

const char *tl_ad_account_name(const tl_ad_account *a)
{
    return a ? a->name : NULL;
}
const char *tl_ad_account_dn(const tl_ad_account *a)
{
    return a ? a->dn : NULL;
}
const tl_sid *tl_ad_account_sid(const tl_ad_account *a)
{
    return a ? &a->sid : NULL;
}
uint32_t tl_ad_account_flags(const tl_ad_account *a)
{
    return a ? a->uac : 0;
}
bool tl_ad_account_protected_users(const tl_ad_account *a)
{
    return a && a->protected_users;
}
size_t tl_ad_account_delegate_to_count(const tl_ad_account *a)
{
    return a ? a->ndeleg : 0;
}
const char *tl_ad_account_delegate_to_at(const tl_ad_account *a, size_t i)
{
    return a && i < a->ndeleg ? a->deleg[i] : NULL;
}
size_t tl_ad_account_spn_count(const tl_ad_account *a)
{
    return a ? a->nspn : 0;
}
const char *tl_ad_account_spn_at(const tl_ad_account *a, size_t i)
{
    return a && i < a->nspn ? a->spns[i] : NULL;
}
size_t tl_ad_account_allowed_to_act_count(const tl_ad_account *a)
{
    return a ? a->nact : 0;
}
const tl_sid *tl_ad_account_allowed_to_act_sid(const tl_ad_account *a, size_t i)
{
    return a && i < a->nact ? &a->act[i].sid : NULL;
}
const char *tl_ad_account_allowed_to_act_name(const tl_ad_account *a, size_t i)
{
    return a && i < a->nact ? a->act[i].name : NULL;
}

const char *tl_ad_account_delegation_mode(const tl_ad_account *a)
{
    if (!a)
        return "none";
    if (a->uac & TL_AD_UF_TRUSTED_FOR_DELEGATION)
        return "unconstrained";
    if (a->ndeleg)
        return a->uac & TL_AD_UF_TRUSTED_TO_AUTH_FOR_DELEGATION ? "constrained_any_protocol"
                                                                : "constrained";
    return "none";
}

static json_t *sid_json(const tl_sid *sid)
{
    char buf[TL_SID_STRING_MAX];
    if (tl_sid_to_string(buf, sizeof buf, sid) != TL_OK)
        return json_null();
    return json_string(buf);
}

static json_t *strings_json(char **v, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_string(v[i]));
    return arr;
}

static int dump(char **out, json_t *root)
{
    if (!root)
        return tl__oom();
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return tl__oom();
    *out = tl__strdup(text);
    free(text);
    if (!*out)
        return tl__oom();
    tl_error_clear();
    return TL_OK;
}

int tl_ad_account_to_json(char **out, const tl_ad_account *a)
{
    if (!out || !a)
        return tl__error(TL_EINVAL, "tl_ad_account_to_json: NULL argument");
    *out = NULL;
    json_t *o = json_object();
    if (!o)
        return tl__oom();
    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "sid", sid_json(&a->sid));
    json_object_set_new(o, "dn", json_string(a->dn));
    json_object_set_new(o, "user_account_control", json_integer((json_int_t)a->uac));
    json_object_set_new(o, "trusted_for_delegation",
                        json_boolean(a->uac & TL_AD_UF_TRUSTED_FOR_DELEGATION));
    json_object_set_new(o, "trusted_to_auth_for_delegation",
                        json_boolean(a->uac & TL_AD_UF_TRUSTED_TO_AUTH_FOR_DELEGATION));
    json_object_set_new(o, "not_delegated", json_boolean(a->uac & TL_AD_UF_NOT_DELEGATED));
    json_object_set_new(o, "protected_users", json_boolean(a->protected_users));
    json_object_set_new(o, "allowed_to_delegate_to", strings_json(a->deleg, a->ndeleg));
    json_t *act = json_array();
    for (size_t i = 0; act && i < a->nact; i++) {
        json_t *x = json_object();
        json_object_set_new(x, "sid", sid_json(&a->act[i].sid));
        json_object_set_new(x, "name", a->act[i].name ? json_string(a->act[i].name) : json_null());
        json_array_append_new(act, x);
    }
    json_object_set_new(o, "allowed_to_act", act);
    json_object_set_new(o, "spns", strings_json(a->spns, a->nspn));
    return dump(out, o);
}

/* ---- SPNs ---- */

struct tl_ad_spn {
    char *spn;
    size_t n;
    char **accounts;
};

const char *tl_ad_spn_state_name(tl_ad_spn_state state)
{
    switch (state) {
    case TL_AD_SPN_MISSING:
        return "missing";
    case TL_AD_SPN_REGISTERED:
        return "registered";
    case TL_AD_SPN_DUPLICATE:
        return "duplicate";
    }
    return "unknown";
}

void tl_ad_spn_free(tl_ad_spn *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        tl__free(s->accounts[i]);
    tl__free(s->accounts);
    tl__free(s->spn);
    tl__free(s);
}

int tl__ad_spn_make(tl_ad_spn **out, const char *spn, const tl__ad_entries *holders,
                    const char *netbios)
{
    *out = NULL;
    tl_ad_spn *s = tl__calloc(1, sizeof *s);
    if (!s || !(s->spn = tl__strdup(spn))) {
        tl__free(s);
        return tl__oom();
    }
    if (holders->count) {
        s->accounts = tl__calloc(holders->count, sizeof *s->accounts);
        if (!s->accounts) {
            tl_ad_spn_free(s);
            return tl__oom();
        }
    }
    for (size_t i = 0; i < holders->count; i++) {
        const tl__ad_attr *sam = tl__ad_entry_attr(&holders->items[i], "sAMAccountName");
        const char *who = sam && sam->count && !memchr(sam->vals[0].data, 0, sam->vals[0].len)
                              ? (const char *)sam->vals[0].data
                              : NULL;
        char *name =
            who ? (netbios && *netbios ? tl__asprintf("%s\\%s", netbios, who) : tl__strdup(who))
                : tl__strdup(holders->items[i].dn);
        if (!name) {
            tl_ad_spn_free(s);
            return tl__oom();
        }
        s->accounts[s->n++] = name;
    }
    tl_error_clear();
    *out = s;
    return TL_OK;
}

const char *tl_ad_spn_name(const tl_ad_spn *s)
{
    return s ? s->spn : NULL;
}
tl_ad_spn_state tl_ad_spn_state_of(const tl_ad_spn *s)
{
    if (!s || s->n == 0)
        return TL_AD_SPN_MISSING;
    return s->n == 1 ? TL_AD_SPN_REGISTERED : TL_AD_SPN_DUPLICATE;
}
size_t tl_ad_spn_account_count(const tl_ad_spn *s)
{
    return s ? s->n : 0;
}
const char *tl_ad_spn_account_at(const tl_ad_spn *s, size_t i)
{
    return s && i < s->n ? s->accounts[i] : NULL;
}

int tl_ad_spn_to_json(char **out, const tl_ad_spn *s)
{
    if (!out || !s)
        return tl__error(TL_EINVAL, "tl_ad_spn_to_json: NULL argument");
    *out = NULL;
    json_t *o = json_object();
    if (!o)
        return tl__oom();
    json_object_set_new(o, "spn", json_string(s->spn));
    json_object_set_new(o, "accounts", strings_json(s->accounts, s->n));
    json_object_set_new(o, "state", json_string(tl_ad_spn_state_name(tl_ad_spn_state_of(s))));
    return dump(out, o);
}
