/*
 * Offline access check after MS-DTYP 2.5.3.2 (AccessCheck pseudocode) with the Windows
 * behaviours it describes: privileges first, mandatory integrity, owner implicit rights unless
 * an OWNER RIGHTS ACE is present, NULL DACL grants all, ordered DACL walk where a deny only
 * removes bits not yet granted, deny-only groups match deny ACEs only, restricted tokens run a
 * second pass over the restricted SIDs and keep the intersection. Rules and sources:
 * docs/access-check.md.
 */
#include "tokenlens/access.h"
#include "sd_internal.h"
#include <string.h>

typedef struct reason_rec {
    tl_access_reason pub;
    char *ace;
    char *text;
} reason_rec;

struct tl_access_result {
    bool quiet; /* TL_ACCESS_NO_REASONS */
    bool allowed;
    uint32_t granted, grantable, desired;
    reason_rec *reasons;
    size_t count, cap;
    int failed; /* sticky out-of-memory while recording */
};

typedef struct mapping {
    uint32_t read, write, execute, all;
} mapping;

static mapping mapping_of(tl_object_kind k)
{
    mapping m = {0, 0, 0, 0};
    if (k == TL_OBJECT_FILE) {
        m.read = TL_FILE_GENERIC_READ;
        m.write = TL_FILE_GENERIC_WRITE;
        m.execute = TL_FILE_GENERIC_EXECUTE;
        m.all = TL_FILE_ALL_ACCESS;
    } else if (k == TL_OBJECT_KEY) {
        m.read = TL_KEY_READ;
        m.write = TL_KEY_WRITE;
        m.execute = TL_KEY_READ; /* KEY_EXECUTE == KEY_READ in winnt.h */
        m.all = TL_KEY_ALL_ACCESS;
    }
    return m;
}

uint32_t tl_access_map_generic(uint32_t mask, tl_object_kind object)
{
    if (object == TL_OBJECT_GENERIC)
        return mask;
    mapping m = mapping_of(object);
    uint32_t r = mask & ~(TL_GENERIC_READ | TL_GENERIC_WRITE | TL_GENERIC_EXECUTE | TL_GENERIC_ALL);
    if (mask & TL_GENERIC_READ)
        r |= m.read;
    if (mask & TL_GENERIC_WRITE)
        r |= m.write;
    if (mask & TL_GENERIC_EXECUTE)
        r |= m.execute;
    if (mask & TL_GENERIC_ALL)
        r |= m.all;
    return r;
}

/* ---- result recording ---------------------------------------------------------------- */

static void add_reason(tl_access_result *r, tl_access_reason_kind kind, int pass, long index,
                       uint32_t mask, const tl_ace *ace, const char *fmt, ...) TL__PRINTF(7, 8);

static void add_reason(tl_access_result *r, tl_access_reason_kind kind, int pass, long index,
                       uint32_t mask, const tl_ace *ace, const char *fmt, ...)
{
    if (r->failed || r->quiet)
        return;
    if (r->count == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 8;
        reason_rec *n = tl__realloc(r->reasons, ncap * sizeof *n);
        if (!n) {
            r->failed = 1;
            return;
        }
        r->reasons = n;
        r->cap = ncap;
    }
    reason_rec *rec = &r->reasons[r->count];
    memset(rec, 0, sizeof *rec);
    if (ace && tl_ace_to_sddl(&rec->ace, ace, NULL) != TL_OK && !rec->ace)
        rec->ace = NULL; /* unformattable ACE: the text still names its index */
    tl__buf b = TL__BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    tl__buf_put(&b, tmp);
    if (tl__buf_detach(&b, &rec->text) != TL_OK) {
        tl__free(rec->ace);
        r->failed = 1;
        return;
    }
    rec->pub.kind = kind;
    rec->pub.pass = pass;
    rec->pub.ace_index = index;
    rec->pub.mask = mask;
    rec->pub.ace = rec->ace;
    rec->pub.text = rec->text;
    r->count++;
}

void tl_access_result_free(tl_access_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        tl__free(r->reasons[i].ace);
        tl__free(r->reasons[i].text);
    }
    tl__free(r->reasons);
    tl__free(r);
}

bool tl_access_result_allowed(const tl_access_result *r) { return r && r->allowed; }
uint32_t tl_access_result_granted(const tl_access_result *r) { return r ? r->granted : 0; }
uint32_t tl_access_result_grantable(const tl_access_result *r) { return r ? r->grantable : 0; }
uint32_t tl_access_result_desired(const tl_access_result *r) { return r ? r->desired : 0; }
size_t tl_access_result_reason_count(const tl_access_result *r) { return r ? r->count : 0; }

const tl_access_reason *tl_access_result_reason_at(const tl_access_result *r, size_t i)
{
    return r && i < r->count ? &r->reasons[i].pub : NULL;
}

/* ---- SID matching ---------------------------------------------------------------------- */

typedef struct subject {
    const tl_token *tok;
    int pass; /* 0 normal, 1 restricted SIDs */
    const tl_sid *owner; /* the descriptor's owner, for OWNER RIGHTS */
} subject;

static const tl_sid owner_rights_sid = {1, 1, {0, 0, 0, 0, 0, 3}, {4}};

/* Does the subject hold `sid` for an allow (deny == false) or a deny ACE? Deny-only groups
 * count for deny ACEs only; disabled groups count for nothing (MS-DTYP 2.5.3.2,
 * SidInToken). The restricted pass looks only at the restricted SIDs. */
static bool holds(const subject *s, const tl_sid *sid, bool deny, char *who, size_t who_size)
{
    const tl_token *t = s->tok;
    if (s->pass == 0) {
        const tl_sid *u = tl_token_user(t);
        if (u && tl_sid_equal(u, sid)) {
            uint32_t a = tl_token_user_attributes(t);
            if (!(a & TL_GROUP_USE_FOR_DENY_ONLY) || deny) {
                snprintf(who, who_size, "the user");
                return true;
            }
        }
        for (size_t i = 0; i < tl_token_group_count(t); i++) {
            const tl_sid_and_attributes *g = tl_token_group_at(t, i);
            if (!tl_sid_equal(&g->sid, sid))
                continue;
            if (g->attributes & TL_GROUP_USE_FOR_DENY_ONLY) {
                if (deny) {
                    snprintf(who, who_size, "deny-only group");
                    return true;
                }
            } else if (g->attributes & TL_GROUP_ENABLED) {
                snprintf(who, who_size, "group");
                return true;
            }
        }
        return false;
    }
    for (size_t i = 0; i < tl_token_restricted_count(t); i++) {
        const tl_sid_and_attributes *g = tl_token_restricted_at(t, i);
        if (tl_sid_equal(&g->sid, sid)) {
            snprintf(who, who_size, "restricted SID");
            return true;
        }
    }
    return false;
}

static bool ace_matches(const subject *s, const tl_ace *a, bool deny, char *who, size_t n)
{
    /* OWNER RIGHTS (S-1-3-4) stands for whoever owns the object. */
    if (tl_sid_equal(&a->sid, &owner_rights_sid)) {
        if (s->owner && holds(s, s->owner, deny, who, n)) {
            snprintf(who, n, "OWNER RIGHTS (the subject owns the object)");
            return true;
        }
        return false;
    }
    return holds(s, &a->sid, deny, who, n);
}

static bool privilege_enabled(const tl_token *t, const char *name)
{
    const tl_privilege *p = tl_token_privilege_find(t, name);
    return p && (p->attributes & TL_PRIVILEGE_ENABLED) && !(p->attributes & TL_PRIVILEGE_REMOVED);
}

/* ---- conditional expressions ------------------------------------------------------------ */

/* Three-valued evaluation of a conditional ACE's expression (MS-DTYP 2.4.4.17): membership
 * operators are decided from the subject's SIDs; attribute comparisons and Exists need
 * claims, which snapshots do not carry, so they are UNKNOWN, as are device groups. */
enum { C_FALSE = 0, C_TRUE = 1, C_UNKNOWN = 2 };

typedef struct cval {
    int kind; /* 0: a truth value, 1: a SID or composite of SIDs, 2: anything else */
    int tri;
    size_t off, len; /* kind 1: the token bytes */
} cval;

static bool sid_token_held(const subject *s, const uint8_t *d, size_t len, bool deny)
{
    tl_sid sid;
    size_t used;
    char who[96];
    return tl_sid_from_binary(&sid, d, len, &used) == TL_OK && holds(s, &sid, deny, who,
                                                                    sizeof who);
}

/* Member_of (all) or Member_of_any (any) over a SID / composite token; C_UNKNOWN when the
 * operand is malformed. */
static int member(const subject *s, const uint8_t *d, size_t off, size_t len, bool any,
                  bool deny)
{
    size_t l = len - 5, q = off + 5;
    if (d[off] == 0x51)
        return sid_token_held(s, d + q, l, deny) ? C_TRUE : C_FALSE;
    size_t end = q + l, held = 0, total = 0;
    while (q < end) {
        if (end - q < 5 || d[q] != 0x51)
            return C_UNKNOWN;
        size_t el = (size_t)d[q + 1] | (size_t)d[q + 2] << 8 | (size_t)d[q + 3] << 16 |
                    (size_t)d[q + 4] << 24;
        if (el > end - q - 5)
            return C_UNKNOWN;
        total++;
        held += sid_token_held(s, d + q + 5, el, deny);
        q += 5 + el;
    }
    if (total == 0)
        return C_UNKNOWN;
    return (any ? held > 0 : held == total) ? C_TRUE : C_FALSE;
}

static int eval_condition(const subject *s, const tl_ace *a, bool deny)
{
    const uint8_t *d = a->app_data;
    size_t n = a->app_data_len, p = 4, sp = 0;
    cval st[64];
    if (!d || n < 4 || memcmp(d, "artx", 4) != 0)
        return C_UNKNOWN;
    while (p < n && d[p] != 0) {
        uint8_t t = d[p];
        cval v = {2, C_UNKNOWN, p, 0};
        if (t >= 0x01 && t <= 0x04) {
            if (n - p < 11)
                return C_UNKNOWN;
            p += 11;
        } else if (t == 0x10 || t == 0x18 || t == 0x50 || t == 0x51 || (t >= 0xf8 && t <= 0xfb)) {
            if (n - p < 5)
                return C_UNKNOWN;
            size_t l = (size_t)d[p + 1] | (size_t)d[p + 2] << 8 | (size_t)d[p + 3] << 16 |
                       (size_t)d[p + 4] << 24;
            if (l > n - p - 5)
                return C_UNKNOWN;
            v.len = 5 + l;
            v.kind = (t == 0x50 || t == 0x51) ? 1 : 2;
            p += 5 + l;
        } else {
            p++;
            int arity = (t == 0xa0 || t == 0xa1 || (t >= 0x80 && t <= 0x86) || t == 0x88 ||
                         t == 0x8e || t == 0x8f) ? 2 : 1;
            if (sp < (size_t)arity)
                return C_UNKNOWN;
            cval x = st[sp - 1], y = arity == 2 ? st[sp - 2] : x;
            sp -= (size_t)arity;
            int xt = x.kind == 0 ? x.tri : C_UNKNOWN, yt = y.kind == 0 ? y.tri : C_UNKNOWN;
            v.kind = 0;
            switch (t) {
            case 0xa0: /* && */
                v.tri = (xt == C_FALSE || yt == C_FALSE) ? C_FALSE
                        : (xt == C_TRUE && yt == C_TRUE) ? C_TRUE : C_UNKNOWN;
                break;
            case 0xa1: /* || */
                v.tri = (xt == C_TRUE || yt == C_TRUE) ? C_TRUE
                        : (xt == C_FALSE && yt == C_FALSE) ? C_FALSE : C_UNKNOWN;
                break;
            case 0xa2: /* ! */
                v.tri = xt == C_UNKNOWN ? C_UNKNOWN : xt == C_TRUE ? C_FALSE : C_TRUE;
                break;
            case 0x89: case 0x8b: case 0x90: case 0x92: { /* (Not_)Member_of(_any) */
                int m = x.kind == 1 ? member(s, d, x.off, x.len, t == 0x8b || t == 0x92, deny)
                                    : C_UNKNOWN;
                if (t == 0x90 || t == 0x92)
                    m = m == C_UNKNOWN ? C_UNKNOWN : m == C_TRUE ? C_FALSE : C_TRUE;
                v.tri = m;
                break;
            }
            default: /* comparisons, Exists, device membership: need claims or device groups */
                v.tri = C_UNKNOWN;
                break;
            }
        }
        if (sp == 64)
            return C_UNKNOWN;
        st[sp++] = v;
    }
    return sp == 1 && st[0].kind == 0 ? st[0].tri : C_UNKNOWN;
}

static const char *tri_name(int t)
{
    return t == C_TRUE ? "true" : t == C_FALSE ? "false" : "unknown offline";
}

/* ---- the DACL walk --------------------------------------------------------------------- */

/* "WD Everyone": the SDDL form and, for SIDs with a fixed name, the name. Only called when a
 * reason is recorded: alias and name lookups dominate the cost of a check. */
static void describe_sid(char *buf, size_t size, const tl_sid *sid)
{
    tl__sddl_sid(buf, size, sid, NULL);
    char *name = NULL;
    tl_sid_kind kind = tl_sid_kind_of(sid);
    /* Only kinds with a fixed name: a failed lookup would also overwrite the thread's last
     * error while the check itself succeeds. */
    if ((kind == TL_SID_KIND_WELL_KNOWN || kind == TL_SID_KIND_BUILTIN) &&
        tl_sid_lookup_name(&name, sid) == TL_OK && name) {
        size_t l = strlen(buf);
        snprintf(buf + l, size - l, " %s", name);
    }
    tl_free(name);
}

/* One pass over the DACL; returns the granted bits (of `want`, or of everything when
 * maximum). Records deciding ACEs. */
static uint32_t dacl_pass(tl_access_result *r, const tl_sd *sd, const subject *s, uint32_t want,
                          bool maximum, uint32_t already, const tl_access_options *o)
{
    const tl__acl *dacl = &sd->acl[TL_ACL_DACL];
    char sidbuf[TL_SID_STRING_MAX + 160], who[96];
    uint32_t granted = 0, denied = 0;
    bool owner_rights_present = false;
    for (size_t i = 0; i < dacl->count; i++)
        if (!(dacl->aces[i].flags & TL_ACE_INHERIT_ONLY) &&
            tl_sid_equal(&dacl->aces[i].sid, &owner_rights_sid))
            owner_rights_present = true;
    if (s->owner && holds(s, s->owner, false, who, sizeof who)) {
        uint32_t implicit = TL_READ_CONTROL | TL_WRITE_DAC;
        if (owner_rights_present) {
            add_reason(r, TL_REASON_OWNER_RIGHTS, s->pass, -1, 0, NULL,
                       "the subject owns the object, but an OWNER RIGHTS (S-1-3-4) ACE replaces "
                       "the owner's implicit READ_CONTROL|WRITE_DAC");
        } else {
            granted |= implicit;
            if ((implicit & want) || maximum)
                add_reason(r, TL_REASON_OWNER, s->pass, -1, implicit & (maximum ? ~0u : want),
                           NULL, "the subject (%s) owns the object: implicit READ_CONTROL and "
                                 "WRITE_DAC", who);
        }
    }
    if (dacl->present && dacl->null_acl) {
        uint32_t all = o->object == TL_OBJECT_GENERIC ? 0x1FFFFFu : mapping_of(o->object).all;
        granted |= maximum ? all : want;
        add_reason(r, TL_REASON_NULL_DACL, s->pass, -1, maximum ? all : want, NULL,
                   "the DACL is NULL (D:NO_ACCESS_CONTROL): everything is granted");
        return granted;
    }
    if (!dacl->present) {
        /* No DACL at all behaves like a NULL DACL (MS-DTYP 2.4.6: DP clear). */
        uint32_t all = o->object == TL_OBJECT_GENERIC ? 0x1FFFFFu : mapping_of(o->object).all;
        granted |= maximum ? all : want;
        add_reason(r, TL_REASON_NULL_DACL, s->pass, -1, maximum ? all : want, NULL,
                   "the descriptor has no DACL: everything is granted");
        return granted;
    }
    for (size_t i = 0; i < dacl->count; i++) {
        if (!maximum && ((granted | already) & want) == want)
            break;
        if (!maximum && (denied & want))
            break;
        const tl_ace *a = &dacl->aces[i];
        if (a->flags & TL_ACE_INHERIT_ONLY)
            continue;
        bool allow, deny;
        switch (a->type) {
        case TL_ACE_ACCESS_ALLOWED:
            allow = true, deny = false;
            break;
        case TL_ACE_ACCESS_DENIED:
            allow = false, deny = true;
            break;
        case TL_ACE_ACCESS_ALLOWED_OBJECT:
        case TL_ACE_ACCESS_DENIED_OBJECT:
            /* Without an object type list, object ACEs naming an object type do not apply;
             * those without one act like plain ACEs (MS-DTYP 2.5.3.2). */
            if (a->object_flags & TL_ACE_OBJECT_TYPE_PRESENT)
                continue;
            allow = a->type == TL_ACE_ACCESS_ALLOWED_OBJECT;
            deny = !allow;
            break;
        case TL_ACE_ACCESS_ALLOWED_CALLBACK:
        case TL_ACE_ACCESS_ALLOWED_CALLBACK_OBJECT: {
            if (a->type == TL_ACE_ACCESS_ALLOWED_CALLBACK_OBJECT &&
                (a->object_flags & TL_ACE_OBJECT_TYPE_PRESENT))
                continue;
            if (!ace_matches(s, a, false, who, sizeof who))
                continue;
            /* Only a condition that is TRUE grants; FALSE or UNKNOWN do not (MS-DTYP). */
            int c = eval_condition(s, a, false);
            if (c != C_TRUE) {
                add_reason(r, TL_REASON_SKIPPED_ACE, s->pass, (long)i, 0, a,
                           "DACL[%zu] is a conditional allow ACE whose condition is %s, so it "
                           "grants nothing", i, tri_name(c));
                continue;
            }
            allow = true, deny = false;
            break;
        }
        case TL_ACE_ACCESS_DENIED_CALLBACK:
            /* MS-DTYP 2.5.3.2: a deny applies unless its condition is FALSE; UNKNOWN denies. */
            if (ace_matches(s, a, true, who, sizeof who) && eval_condition(s, a, true) == C_FALSE)
                continue;
            allow = false, deny = true;
            break;
        default:
            continue;
        }
        if (!ace_matches(s, a, deny, who, sizeof who))
            continue;
        uint32_t m = (o->flags & TL_ACCESS_RAW_ACE_MASKS) ? a->mask
                                                          : tl_access_map_generic(a->mask, o->object);
        if (allow) {
            uint32_t add = m & ~granted & ~denied;
            granted |= add;
            uint32_t rel = maximum ? add : add & want & ~already;
            if (rel && !r->quiet && (describe_sid(sidbuf, sizeof sidbuf, &a->sid), 1))
                add_reason(r, TL_REASON_ALLOW_ACE, s->pass, (long)i, rel, a,
                           "DACL[%zu] allows 0x%x to %s (%s)", i, (unsigned)rel, sidbuf, who);
        } else {
            uint32_t add = m & ~granted & ~denied;
            denied |= add;
            uint32_t rel = maximum ? add : add & want & ~already;
            if (rel && !r->quiet && (describe_sid(sidbuf, sizeof sidbuf, &a->sid), 1))
                add_reason(r, TL_REASON_DENY_ACE, s->pass, (long)i, rel, a,
                           "DACL[%zu] denies 0x%x to %s (%s)%s", i, (unsigned)rel, sidbuf, who,
                           a->type == TL_ACE_ACCESS_DENIED_CALLBACK
                               ? (eval_condition(s, a, true) == C_TRUE
                                      ? "; its condition is true"
                                      : "; its condition is unknown offline, and an unknown "
                                        "condition makes a deny apply")
                               : "");
        }
    }
    return granted;
}

/* ---- mandatory integrity --------------------------------------------------------------- */

static uint32_t token_integrity(const tl_token *t, bool *assumed)
{
    *assumed = false;
    if (tl_token_has_integrity(t))
        return tl_token_integrity_rid(t);
    for (size_t i = 0; i < tl_token_group_count(t); i++) {
        const tl_sid_and_attributes *g = tl_token_group_at(t, i);
        if ((g->attributes & TL_GROUP_INTEGRITY) && tl_sid_authority(&g->sid) == 16 &&
            g->sid.sub_authority_count == 1)
            return g->sid.sub_authority[0];
    }
    *assumed = true;
    return 0x2000;
}

/* Bits the integrity policy takes away (MS-DTYP 2.5.3.2 and "Mandatory Integrity Control"
 * on learn.microsoft.com): an object without a label is Medium with NO_WRITE_UP. */
static uint32_t integrity_denied(tl_access_result *r, const tl_sd *sd, const tl_token *t,
                                 const tl_access_options *o)
{
    uint32_t obj = 0x2000, policy = TL_MANDATORY_NO_WRITE_UP;
    long idx = -1;
    const tl_ace *label = NULL;
    const tl__acl *sacl = &sd->acl[TL_ACL_SACL];
    for (size_t i = 0; i < sacl->count; i++) {
        const tl_ace *a = &sacl->aces[i];
        if (a->type == TL_ACE_SYSTEM_MANDATORY_LABEL && !(a->flags & TL_ACE_INHERIT_ONLY) &&
            tl_sid_authority(&a->sid) == 16 && a->sid.sub_authority_count >= 1) {
            obj = a->sid.sub_authority[a->sid.sub_authority_count - 1];
            policy = a->mask;
            idx = (long)i;
            label = a;
            break;
        }
    }
    bool assumed;
    uint32_t tok = token_integrity(t, &assumed);
    if (tok >= obj)
        return 0;
    mapping m = mapping_of(o->object == TL_OBJECT_GENERIC ? TL_OBJECT_FILE : o->object);
    uint32_t keep = m.read | m.execute, deny = 0;
    /* Write-up covers every modifying right (DELETE, WRITE_DAC, WRITE_OWNER too); bits that
     * are also part of read or execute (READ_CONTROL, SYNCHRONIZE) stay. */
    if (policy & TL_MANDATORY_NO_WRITE_UP)
        deny |= (m.write | TL_DELETE | TL_WRITE_DAC | TL_WRITE_OWNER | TL_GENERIC_WRITE) & ~keep;
    if (policy & TL_MANDATORY_NO_READ_UP)
        deny |= (m.read | TL_GENERIC_READ) & ~(m.write | m.execute);
    if (policy & TL_MANDATORY_NO_EXECUTE_UP)
        deny |= (m.execute | TL_GENERIC_EXECUTE) & ~(m.read | m.write);
    if (deny)
        add_reason(r, TL_REASON_INTEGRITY, 0, idx, deny, label,
                   "%s integrity 0x%x is below the object's 0x%x%s: policy removes 0x%x",
                   assumed ? "the subject's (assumed Medium)" : "the subject's", (unsigned)tok,
                   (unsigned)obj, label ? "" : " (no label: Medium, no-write-up)",
                   (unsigned)deny);
    return deny;
}

/* ---- entry points ---------------------------------------------------------------------- */

int tl_access_check(tl_access_result **out, const tl_sd *sd, const tl_token *token,
                    uint32_t desired, const tl_access_options *opts)
{
    if (!out || !sd || !token)
        return tl__error(TL_EINVAL, "tl_access_check: NULL argument");
    *out = NULL;
    tl_access_options o = {0, TL_OBJECT_FILE};
    if (opts)
        o = *opts;
    if (o.object != TL_OBJECT_FILE && o.object != TL_OBJECT_KEY && o.object != TL_OBJECT_GENERIC)
        return tl__error(TL_EINVAL, "tl_access_check: unknown object kind %d", (int)o.object);
    tl_access_result *r = tl__calloc(1, sizeof *r);
    if (!r)
        return tl__oom();
    r->quiet = (o.flags & TL_ACCESS_NO_REASONS) != 0;
    bool maximum = (desired & TL_MAXIMUM_ALLOWED) != 0;
    uint32_t want = tl_access_map_generic(desired & ~TL_MAXIMUM_ALLOWED, o.object);
    r->desired = want;
    subject s = {token, 0, tl_sd_owner(sd)};
    bool privs = !(o.flags & TL_ACCESS_NO_PRIVILEGES);

    /* Privileges come first (MS-DTYP 2.5.3.2). */
    uint32_t priv = 0;
    if (want & TL_ACCESS_SYSTEM_SECURITY) {
        if (privs && privilege_enabled(token, "SeSecurityPrivilege")) {
            priv |= TL_ACCESS_SYSTEM_SECURITY;
            add_reason(r, TL_REASON_PRIVILEGE, 0, -1, TL_ACCESS_SYSTEM_SECURITY, NULL,
                       "SeSecurityPrivilege grants ACCESS_SYSTEM_SECURITY");
        } else {
            add_reason(r, TL_REASON_PRIVILEGE_REQUIRED, 0, -1, TL_ACCESS_SYSTEM_SECURITY, NULL,
                       "ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege, which is not enabled");
        }
    }
    if ((want & TL_WRITE_OWNER || maximum) && privs &&
        privilege_enabled(token, "SeTakeOwnershipPrivilege")) {
        priv |= TL_WRITE_OWNER;
        add_reason(r, TL_REASON_PRIVILEGE, 0, -1, TL_WRITE_OWNER, NULL,
                   "SeTakeOwnershipPrivilege grants WRITE_OWNER");
    }
    if ((o.flags & TL_ACCESS_BACKUP_INTENT) && privs) {
        mapping m = mapping_of(o.object == TL_OBJECT_GENERIC ? TL_OBJECT_FILE : o.object);
        if (privilege_enabled(token, "SeBackupPrivilege")) {
            /* "READ_CONTROL, ACCESS_SYSTEM_SECURITY, FILE_GENERIC_READ, FILE_TRAVERSE"
             * (learn.microsoft.com, Privilege Constants / CreateFile backup semantics). */
            uint32_t b = (m.read | TL_READ_CONTROL | TL_ACCESS_SYSTEM_SECURITY | 0x20u) &
                         (maximum ? ~0u : want);
            priv |= b;
            if (b)
                add_reason(r, TL_REASON_PRIVILEGE, 0, -1, b, NULL,
                           "SeBackupPrivilege (backup intent) grants read access 0x%x",
                           (unsigned)b);
        }
        if (privilege_enabled(token, "SeRestorePrivilege")) {
            /* "WRITE_DAC, WRITE_OWNER, ACCESS_SYSTEM_SECURITY, FILE_GENERIC_WRITE,
             * FILE_ADD_FILE, FILE_ADD_SUBDIRECTORY, DELETE" (same sources). */
            uint32_t b = (m.write | TL_WRITE_DAC | TL_WRITE_OWNER | TL_ACCESS_SYSTEM_SECURITY |
                          TL_DELETE | 0x2u | 0x4u) & (maximum ? ~0u : want);
            priv |= b;
            if (b)
                add_reason(r, TL_REASON_PRIVILEGE, 0, -1, b, NULL,
                           "SeRestorePrivilege (backup intent) grants write access 0x%x",
                           (unsigned)b);
        }
    }

    uint32_t g0 = dacl_pass(r, sd, &s, want, maximum, priv, &o);
    uint32_t granted = g0;
    if (tl_token_restricted_count(token) > 0) {
        subject rs = {token, 1, tl_sd_owner(sd)};
        uint32_t g1 = dacl_pass(r, sd, &rs, want, maximum, priv, &o);
        uint32_t lost = g0 & ~g1 & (maximum ? ~0u : want);
        if (lost)
            add_reason(r, TL_REASON_RESTRICTED, 1, -1, lost, NULL,
                       "restricted token: the restricted SIDs do not get 0x%x, so it is not "
                       "granted", (unsigned)lost);
        granted = g0 & g1;
    }
    granted |= priv;
    if (!(o.flags & TL_ACCESS_NO_INTEGRITY))
        granted &= ~integrity_denied(r, sd, token, &o);
    if (!(priv & TL_ACCESS_SYSTEM_SECURITY))
        granted &= ~TL_ACCESS_SYSTEM_SECURITY; /* only the privilege grants it */

    uint32_t missing = want & ~granted;
    if (maximum) {
        r->allowed = granted != 0 && missing == 0;
        r->granted = r->allowed ? granted : 0;
        r->grantable = granted;
    } else {
        r->allowed = want != 0 && missing == 0;
        r->granted = r->allowed ? want : 0;
        r->grantable = granted & want;
    }
    if (missing) {
        bool explained = false;
        for (size_t i = 0; i < r->count; i++)
            if ((r->reasons[i].pub.kind == TL_REASON_DENY_ACE ||
                 r->reasons[i].pub.kind == TL_REASON_INTEGRITY ||
                 r->reasons[i].pub.kind == TL_REASON_RESTRICTED ||
                 r->reasons[i].pub.kind == TL_REASON_PRIVILEGE_REQUIRED) &&
                (r->reasons[i].pub.mask & missing))
                explained = true;
        if (!explained)
            add_reason(r, TL_REASON_NO_DACL_MATCH, 0, -1, missing, NULL,
                       "no ACE grants 0x%x to the subject%s", (unsigned)missing,
                       tl_sd_ace_count(sd, TL_ACL_DACL) == 0 ? " (the DACL is empty)" : "");
    } else if (want == 0 && !maximum) {
        add_reason(r, TL_REASON_NO_DACL_MATCH, 0, -1, 0, NULL,
                   "no access was requested; Windows treats an empty request as denied");
    }
    if (r->failed) {
        tl_access_result_free(r);
        return tl__oom();
    }
    *out = r;
    return TL_OK;
}

int tl_access_token_from_sids(tl_token **out, const tl_sid *sids, size_t count)
{
    if (!out || (!sids && count))
        return tl__error(TL_EINVAL, "tl_access_token_from_sids: NULL argument");
    *out = NULL;
    tl_token *t;
    int rc = tl_token_new(&t);
    if (rc)
        return rc;
    for (size_t i = 0; i < count && !rc; i++)
        rc = i == 0 ? tl_token_set_user(t, &sids[0], 0)
                    : tl_token_add_group(t, &sids[i], TL_GROUP_MANDATORY |
                                                          TL_GROUP_ENABLED_BY_DEFAULT |
                                                          TL_GROUP_ENABLED);
    if (rc) {
        tl_token_free(t);
        return rc;
    }
    *out = t;
    return TL_OK;
}

int tl_access_check_sids(tl_access_result **out, const tl_sd *sd, const tl_sid *sids,
                         size_t count, uint32_t desired, const tl_access_options *opts)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_access_check_sids: out is NULL");
    *out = NULL;
    tl_token *t;
    int rc = tl_access_token_from_sids(&t, sids, count);
    if (rc)
        return rc;
    rc = tl_access_check(out, sd, t, desired, opts);
    tl_token_free(t);
    return rc;
}

int tl_access_result_explain(char **out, const tl_access_result *r)
{
    if (!out || !r)
        return tl__error(TL_EINVAL, "tl_access_result_explain: NULL argument");
    *out = NULL;
    tl__buf b = TL__BUF_INIT;
    tl__buf_printf(&b, "%s: desired 0x%x, granted 0x%x", r->allowed ? "ALLOWED" : "DENIED",
                   (unsigned)r->desired, (unsigned)r->granted);
    if (!r->allowed && r->grantable)
        tl__buf_printf(&b, " (would grant 0x%x of it)", (unsigned)r->grantable);
    tl__buf_putc(&b, '\n');
    for (size_t i = 0; i < r->count; i++) {
        const tl_access_reason *x = &r->reasons[i].pub;
        tl__buf_printf(&b, "  %s%s", x->pass ? "[restricted pass] " : "", x->text);
        if (x->ace)
            tl__buf_printf(&b, "  %s", x->ace);
        tl__buf_putc(&b, '\n');
    }
    return tl__buf_detach(&b, out);
}
