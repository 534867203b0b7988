/*
 * Offline access check after MS-DTYP 2.5.3.2 (AccessCheck pseudocode) with the Windows
 * behaviours it describes: privileges first, mandatory integrity, owner implicit rights unless
 * an OWNER RIGHTS ACE is present, NULL DACL grants all, ordered DACL walk where a deny only
 * removes bits not yet granted, deny-only groups match deny ACEs only, restricted tokens run a
 * second pass over the restricted SIDs and keep the intersection. Rules and sources:
 * docs/access-check.md.
 *
 * Cost: a check records its reasons as (kind, pass, ACE index, mask, a copy of the deciding
 * ACE, a few numbers) in storage inside the result, without formatting anything and without
 * allocating beyond the result itself; the English sentence and the ACE's SDDL are built the
 * first time a reason is read (tl_access_result_reason_at, tl_access_result_explain).
 */
#include "tokenlens/access.h"
#include "cond.h"
#include "sd_internal.h"
#include "token_internal.h" /* the group arrays, read in place on the hot path */
#include <stdlib.h>
#include <string.h>

/* Who matched an ACE: the words used in the reason text. */
enum { WHO_NONE, WHO_USER, WHO_GROUP, WHO_DENY_ONLY, WHO_RESTRICTED, WHO_OWNER_RIGHTS };
static const char *const who_words[] = {"",
                                        "the user",
                                        "group",
                                        "deny-only group",
                                        "restricted SID",
                                        "OWNER RIGHTS (the subject owns the object)"};

/* Three-valued results of conditional expressions (MS-DTYP 2.4.4.17). */
enum { C_FALSE = 0, C_TRUE = 1, C_UNKNOWN = 2 };

typedef struct reason_rec {
    tl_access_reason pub; /* pub.ace and pub.text stay NULL until the reason is read */
    uint8_t who;          /* WHO_* */
    uint8_t detail;       /* which sentence of the kind (see reason_text) */
    bool has_ace;
    uint32_t n1, n2; /* numbers for the sentence (integrity levels) */
    tl_ace ace;      /* shallow copy of the deciding ACE; condition/app_data never kept */
    char *ace_text, *text;
} reason_rec;

#define INLINE_REASONS 4

struct tl_access_result {
    bool from_libc; /* allocated with the default allocator: may be kept for reuse */
    bool quiet;     /* TL_ACCESS_NO_REASONS */
    bool allowed;
    bool maximum; /* MAXIMUM_ALLOWED was asked for */
    uint32_t granted, grantable, desired;
    reason_rec *reasons; /* inline_reasons until more are needed */
    size_t count, cap;
    int failed; /* sticky out-of-memory while recording */
    reason_rec inline_reasons[INLINE_REASONS];
};

const char *tl_access_reason_kind_name(tl_access_reason_kind kind)
{
    static const char *const names[] = {"allow_ace",    "deny_ace",          "owner",
                                        "owner_rights", "null_dacl",         "no_dacl_match",
                                        "privilege",    "integrity",         "restricted",
                                        "skipped_ace",  "privilege_required"};
    return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

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

static reason_rec *add_reason(tl_access_result *r, tl_access_reason_kind kind, int pass, long index,
                              uint32_t mask, const tl_ace *ace, uint8_t who, uint8_t detail)
{
    if (r->failed || r->quiet)
        return NULL;
    if (r->count == r->cap) {
        size_t ncap = r->cap * 2;
        reason_rec *n;
        if (r->reasons == r->inline_reasons) {
            n = tl__malloc(ncap * sizeof *n);
            if (n)
                memcpy(n, r->inline_reasons, r->count * sizeof *n);
        } else {
            n = tl__realloc(r->reasons, ncap * sizeof *n);
        }
        if (!n) {
            r->failed = 1;
            return NULL;
        }
        r->reasons = n;
        r->cap = ncap;
    }
    reason_rec *rec = &r->reasons[r->count++];
    rec->pub.kind = kind;
    rec->pub.pass = pass;
    rec->pub.ace_index = index;
    rec->pub.mask = mask;
    rec->pub.ace = NULL;
    rec->pub.text = NULL;
    rec->who = who;
    rec->detail = detail;
    rec->n1 = rec->n2 = 0;
    rec->ace_text = rec->text = NULL;
    rec->has_ace = ace != NULL;
    if (ace) {
        rec->ace = *ace;
        rec->ace.condition = NULL;
        rec->ace.app_data = NULL;
        rec->ace.app_data_len = 0;
        /* A condition cannot be kept without copying it: format this (rare) ACE now. */
        if (ace->condition && tl_ace_to_sddl(&rec->ace_text, ace, NULL) != TL_OK) {
            if (tl_error_last()->code == TL_ENOMEM) {
                r->failed = 1;
                r->count--;
                return NULL;
            }
            rec->ace_text = NULL;
        }
    }
    return rec;
}

/*
 * One spare result per thread: a check then costs no allocation at all (malloc + free were
 * a fifth of a check's instructions). Only results from the default allocator are kept, so
 * a tl_set_allocator() allocator (and the tests' failing allocator) sees every block come
 * back; the spare is at most one result per thread, freed when the thread exits
 * (tl__thread_spare; the main thread's stays reachable until the process ends).
 */
static _Thread_local tl_access_result *spare_result;

void tl_access_result_free(tl_access_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->count; i++) {
        tl__free(r->reasons[i].ace_text);
        tl__free(r->reasons[i].text);
    }
    if (r->reasons != r->inline_reasons)
        tl__free(r->reasons);
    if (r->from_libc && !spare_result) {
        spare_result = r;
        tl__thread_spare(r); /* freed if this thread exits first */
    } else if (r->from_libc)
        free(r);
    else
        tl__free(r);
}

bool tl_access_result_allowed(const tl_access_result *r)
{
    return r && r->allowed;
}
uint32_t tl_access_result_granted(const tl_access_result *r)
{
    return r ? r->granted : 0;
}
uint32_t tl_access_result_grantable(const tl_access_result *r)
{
    return r ? r->grantable : 0;
}
uint32_t tl_access_result_desired(const tl_access_result *r)
{
    return r ? r->desired : 0;
}
size_t tl_access_result_reason_count(const tl_access_result *r)
{
    return r ? r->count : 0;
}

/* "WD Everyone": the SDDL form and, for SIDs with a fixed name, the name. */
static void describe_sid(tl__buf *b, const tl_sid *sid)
{
    char tmp[TL_SID_STRING_MAX];
    tl__sddl_sid(tmp, sizeof tmp, sid, NULL);
    tl__buf_put(b, tmp);
    char *name = NULL;
    tl_sid_kind kind = tl_sid_kind_of(sid);
    /* Only kinds with a fixed name: a failed lookup would leave an error behind. */
    if ((kind == TL_SID_KIND_WELL_KNOWN || kind == TL_SID_KIND_BUILTIN) &&
        tl_sid_lookup_name(&name, sid) == TL_OK && name) {
        tl__buf_putc(b, ' ');
        tl__buf_put(b, name);
    }
    tl_free(name);
}

static const char *tri_name(int t)
{
    return t == C_TRUE ? "true" : t == C_FALSE ? "false" : "unknown offline";
}

/* The sentence of a reason, built when it is first read. */
static void reason_text(tl__buf *b, const reason_rec *x)
{
    unsigned m = (unsigned)x->pub.mask;
    long i = x->pub.ace_index;
    switch (x->pub.kind) {
    case TL_REASON_ALLOW_ACE:
    case TL_REASON_DENY_ACE:
        tl__buf_printf(b, "DACL[%ld] %s 0x%x to ", i,
                       x->pub.kind == TL_REASON_ALLOW_ACE ? "allows" : "denies", m);
        describe_sid(b, &x->ace.sid);
        tl__buf_printf(b, " (%s)%s", who_words[x->who],
                       x->detail == 1   ? "; its condition is true"
                       : x->detail == 2 ? "; its condition is unknown offline, and an unknown "
                                          "condition makes a deny apply"
                                        : "");
        break;
    case TL_REASON_SKIPPED_ACE:
        tl__buf_printf(b,
                       "DACL[%ld] is a conditional allow ACE whose condition is %s, so it "
                       "grants nothing",
                       i, tri_name(x->detail));
        break;
    case TL_REASON_OWNER_RIGHTS:
        tl__buf_put(b, "the subject owns the object, but an OWNER RIGHTS (S-1-3-4) ACE replaces "
                       "the owner's implicit READ_CONTROL|WRITE_DAC");
        break;
    case TL_REASON_OWNER:
        tl__buf_printf(b, "the subject (%s) owns the object: implicit READ_CONTROL and WRITE_DAC",
                       who_words[x->who]);
        break;
    case TL_REASON_NULL_DACL:
        tl__buf_put(b, x->detail ? "the descriptor has no DACL, so everyone is granted full "
                                   "access"
                                 : "the DACL is NULL (D:NO_ACCESS_CONTROL), so everyone is "
                                   "granted full access");
        break;
    case TL_REASON_PRIVILEGE:
        if (x->detail == 0)
            tl__buf_put(b, "SeSecurityPrivilege grants ACCESS_SYSTEM_SECURITY");
        else if (x->detail == 1)
            tl__buf_put(b, "SeTakeOwnershipPrivilege grants WRITE_OWNER");
        else
            tl__buf_printf(b, "%s (backup intent) grants %s access 0x%x",
                           x->detail == 2 ? "SeBackupPrivilege" : "SeRestorePrivilege",
                           x->detail == 2 ? "read" : "write", m);
        break;
    case TL_REASON_PRIVILEGE_REQUIRED:
        tl__buf_put(b, "ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege, which is not enabled");
        break;
    case TL_REASON_RESTRICTED:
        tl__buf_printf(b,
                       "restricted token: the restricted SIDs do not get 0x%x, so it is not "
                       "granted",
                       m);
        break;
    case TL_REASON_INTEGRITY:
        tl__buf_printf(b, "%s integrity 0x%x is below the object's 0x%x%s: policy removes 0x%x",
                       x->detail & 1 ? "the subject's (assumed Medium)" : "the subject's",
                       (unsigned)x->n1, (unsigned)x->n2,
                       x->has_ace ? "" : " (no label: Medium, no-write-up)", m);
        break;
    case TL_REASON_NO_DACL_MATCH:
    default:
        if (x->detail == 2)
            tl__buf_put(b, "no access was requested; Windows treats an empty request as denied");
        else if (x->detail == 3)
            tl__buf_put(b, "no ACE grants the subject any access");
        else if (x->detail == 4)
            tl__buf_put(b, "the DACL is empty: it grants no access to anyone");
        else
            tl__buf_printf(b, "no ACE grants 0x%x to the subject%s", m,
                           x->detail == 1 ? " (the DACL is empty)" : "");
        break;
    }
}

static const char oom_text[] = "(out of memory while describing this step)";

const tl_access_reason *tl_access_result_reason_at(const tl_access_result *r, size_t i)
{
    if (!r || i >= r->count)
        return NULL;
    /* Built on first read and cached: the result is logically const. */
    reason_rec *x = (reason_rec *)&r->reasons[i];
    if (!x->pub.text) {
        tl__buf b = TL__BUF_INIT;
        reason_text(&b, x);
        if (tl__buf_detach(&b, &x->text) == TL_OK) {
            x->pub.text = x->text;
        } else {
            x->text = NULL;
            x->pub.text = oom_text;
        }
        if (x->has_ace && !x->ace_text && tl_ace_to_sddl(&x->ace_text, &x->ace, NULL) != TL_OK) {
            x->ace_text = NULL; /* an ACE without SDDL form: the text still names its index */
            tl_error_clear();   /* reading a reason is not a failure */
        }
        x->pub.ace = x->ace_text;
    }
    return &x->pub;
}

/* ---- SID matching ---------------------------------------------------------------------- */

typedef struct subject {
    const tl_token *tok;
    int pass;            /* 0 normal, 1 restricted SIDs */
    const tl_sid *owner; /* the descriptor's owner, for OWNER RIGHTS */
    const tl_sd *sd;     /* for @Resource. attributes */
} subject;

static const tl_sid owner_rights_sid = {1, 1, {0, 0, 0, 0, 0, 3}, {4}};

/* Inline SID equality: revision, count and authority are the first 8 bytes, so most
 * mismatches are decided by one 8-byte compare. */
static inline bool sid_eq(const tl_sid *a, const tl_sid *b)
{
    uint64_t x, y;
    memcpy(&x, a, 8);
    memcpy(&y, b, 8);
    if (x != y)
        return false;
    for (unsigned i = 0; i < a->sub_authority_count; i++)
        if (a->sub_authority[i] != b->sub_authority[i])
            return false;
    return true;
}

/* Does the subject hold `sid` for an allow (deny == false) or a deny ACE? Deny-only groups
 * count for deny ACEs only; disabled groups count for nothing (MS-DTYP 2.5.3.2,
 * SidInToken). The restricted pass looks only at the restricted SIDs. Returns WHO_*. */
static int holds(const subject *s, const tl_sid *sid, bool deny)
{
    const tl_token *t = s->tok;
    if (s->pass == 0) {
        if (t->has_user && sid_eq(&t->user, sid) &&
            (!(t->user_attributes & TL_GROUP_USE_FOR_DENY_ONLY) || deny))
            return WHO_USER;
        const tl_sid_and_attributes *g = t->groups;
        for (size_t i = 0, n = t->ngroups; i < n; i++) {
            if (!sid_eq(&g[i].sid, sid))
                continue;
            if (g[i].attributes & TL_GROUP_USE_FOR_DENY_ONLY) {
                if (deny)
                    return WHO_DENY_ONLY;
            } else if (g[i].attributes & TL_GROUP_ENABLED) {
                return WHO_GROUP;
            }
        }
        return WHO_NONE;
    }
    for (size_t i = 0; i < t->nrestricted; i++)
        if (sid_eq(&t->restricted[i].sid, sid))
            return WHO_RESTRICTED;
    return WHO_NONE;
}

static int ace_matches(const subject *s, const tl_ace *a, bool deny)
{
    /* OWNER RIGHTS (S-1-3-4) stands for whoever owns the object. */
    if (sid_eq(&a->sid, &owner_rights_sid))
        return s->owner && holds(s, s->owner, deny) ? WHO_OWNER_RIGHTS : WHO_NONE;
    return holds(s, &a->sid, deny);
}

static bool privilege_enabled(const tl_token *t, const char *name)
{
    const tl_privilege *p = tl_token_privilege_find(t, name);
    return p && (p->attributes & TL_PRIVILEGE_ENABLED) && !(p->attributes & TL_PRIVILEGE_REMOVED);
}

/* ---- conditional expressions ------------------------------------------------------------ */

/*
 * Three-valued evaluation of a conditional ACE's expression (MS-DTYP 2.4.4.17.8 and the
 * pseudocode of 2.5.3.2): membership operators are decided from the subject's SIDs;
 * @Resource. attributes come from the descriptor's resource attribute ACEs (RA, in the
 * SACL) and are compared with literals and with each other; @User., @Device. and local
 * attributes need claims, which snapshots do not carry, so they are UNKNOWN, as are device
 * groups. A missing resource attribute is UNKNOWN too (2.4.4.17.8: NULL operands).
 */

/* One scalar value: from a literal token or a claim. */
typedef struct sval {
    int type; /* 'i' integer, 's' string (UTF-16LE), 'd' SID bytes, 'x' octets */
    int64_t i;
    const uint8_t *p;
    size_t len;
    bool case_sensitive;
} sval;

#define MAX_VALUES 64

/* An operand on the evaluation stack. */
typedef struct cval {
    int kind;         /* 0 truth value, 1 value list, 2 unknown (attribute without a value) */
    int tri;          /* kind 0 */
    size_t off, len;  /* kind 1 from a literal: its token bytes (for Member_of) */
    const tl_ace *ra; /* kind 1 from a resource attribute */
    bool from_literal;
} cval;

static bool ascii_eq_utf16(const uint8_t *a, const uint8_t *b, size_t len)
{
    for (size_t i = 0; i < len; i += 2) {
        uint16_t x = (uint16_t)(a[i] | a[i + 1] << 8), y = (uint16_t)(b[i] | b[i + 1] << 8);
        if (x >= 'A' && x <= 'Z')
            x = (uint16_t)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (uint16_t)(y + 32);
        if (x != y)
            return false;
    }
    return true;
}

/* The RA ACE of the descriptor named like the attribute token at d[off] (names compare
 * case-insensitively), or NULL. */
static const tl_ace *find_resource(const tl_sd *sd, const uint8_t *name, size_t len)
{
    if (!sd)
        return NULL;
    const tl__acl *sacl = &sd->acl[TL_ACL_SACL];
    for (size_t i = 0; i < sacl->count; i++) {
        const tl_ace *a = &sacl->aces[i];
        tl__claim c;
        if (a->type != TL__ACE_RESOURCE_ATTRIBUTE || (a->flags & TL_ACE_INHERIT_ONLY) ||
            tl__claim_parse(&c, a->app_data, a->app_data_len) != TL_OK)
            continue;
        if (c.name_bytes == len && ascii_eq_utf16(c.name, name, len))
            return a;
    }
    return NULL;
}

/* The values of an operand: a literal (scalar or composite) or a resource attribute. */
static size_t values_of(const cval *v, const uint8_t *d, sval *out)
{
    size_t n = 0;
    if (v->kind != 1)
        return 0;
    if (v->ra) {
        tl__claim c;
        if (tl__claim_parse(&c, v->ra->app_data, v->ra->app_data_len) != TL_OK)
            return 0;
        for (uint32_t i = 0; i < c.count && n < MAX_VALUES; i++) {
            tl__claim_value cv;
            if (tl__claim_value_at(&c, i, &cv) != TL_OK)
                return 0;
            sval *s = &out[n++];
            memset(s, 0, sizeof *s);
            s->case_sensitive = (c.flags & 0x0002) != 0; /* CLAIM_..._CASE_SENSITIVE */
            s->type = c.type == 3 ? 's' : c.type == 5 ? 'd' : c.type == 0x10 ? 'x' : 'i';
            s->i = cv.i;
            s->p = cv.p;
            s->len = cv.len;
        }
        return n;
    }
    size_t p = v->off, end = v->off + v->len;
    bool composite = d[p] == TL_COND_COMPOSITE;
    if (composite)
        p += 5;
    while (p < end && n < MAX_VALUES) {
        size_t sz = tl__cond_operand_size(d, end, p);
        if (!sz)
            return 0;
        sval *s = &out[n];
        memset(s, 0, sizeof *s);
        switch (d[p]) {
        case TL_COND_INT64:
            s->type = 'i';
            s->i = (int64_t)((uint64_t)tl__cond_u32(d + p + 1) | (uint64_t)tl__cond_u32(d + p + 5)
                                                                     << 32);
            break;
        case TL_COND_STRING:
            s->type = 's';
            break;
        case TL_COND_SID:
            s->type = 'd';
            break;
        case TL_COND_OCTETS:
            s->type = 'x';
            break;
        default:
            return 0; /* nested composites, attributes: not values */
        }
        if (s->type != 'i') {
            s->p = d + p + 5;
            s->len = sz - 5;
        }
        n++;
        p += sz;
        if (!composite)
            break;
    }
    return n;
}

/* -2 incomparable, else <0, 0, >0. */
static int scmp(const sval *a, const sval *b)
{
    if (a->type != b->type)
        return -2;
    if (a->type == 'i')
        return a->i < b->i ? -1 : a->i > b->i;
    if (a->type == 's' && !(a->case_sensitive || b->case_sensitive)) {
        if (a->len != b->len)
            return a->len < b->len ? -1 : 1;
        return ascii_eq_utf16(a->p, b->p, a->len) ? 0 : 1;
    }
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    int c = memcmp(a->p, b->p, a->len);
    return c < 0 ? -1 : c > 0;
}

static bool in_set(const sval *x, const sval *set, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (scmp(x, &set[i]) == 0)
            return true;
    return false;
}

static int relational(uint8_t op, const cval *l, const cval *r, const uint8_t *d)
{
    sval a[MAX_VALUES], b[MAX_VALUES];
    size_t na = values_of(l, d, a), nb = values_of(r, d, b);
    if (!na || !nb)
        return C_UNKNOWN;
    switch (op) {
    case TL_COND_EQ:
    case TL_COND_NE: {
        bool eq;
        if (na == 1 && nb == 1) {
            int c = scmp(&a[0], &b[0]);
            if (c == -2)
                return C_UNKNOWN;
            eq = c == 0;
        } else {
            eq = true; /* set equality */
            for (size_t i = 0; i < na && eq; i++)
                eq = in_set(&a[i], b, nb);
            for (size_t i = 0; i < nb && eq; i++)
                eq = in_set(&b[i], a, na);
        }
        return (eq == (op == TL_COND_EQ)) ? C_TRUE : C_FALSE;
    }
    case TL_COND_LT:
    case TL_COND_LE:
    case TL_COND_GT:
    case TL_COND_GE: {
        if (na != 1 || nb != 1)
            return C_UNKNOWN;
        int c = scmp(&a[0], &b[0]);
        if (c == -2)
            return C_UNKNOWN;
        bool t = op == TL_COND_LT   ? c < 0
                 : op == TL_COND_LE ? c <= 0
                 : op == TL_COND_GT ? c > 0
                                    : c >= 0;
        return t ? C_TRUE : C_FALSE;
    }
    case TL_COND_CONTAINS:
    case TL_COND_NOT_CONTAINS: {
        bool all = true;
        for (size_t i = 0; i < nb && all; i++)
            all = in_set(&b[i], a, na);
        return (all == (op == TL_COND_CONTAINS)) ? C_TRUE : C_FALSE;
    }
    case TL_COND_ANY_OF:
    case TL_COND_NOT_ANY_OF: {
        bool any = false;
        for (size_t i = 0; i < na && !any; i++)
            any = in_set(&a[i], b, nb);
        return (any == (op == TL_COND_ANY_OF)) ? C_TRUE : C_FALSE;
    }
    default:
        return C_UNKNOWN;
    }
}

static bool sid_token_held(const subject *s, const uint8_t *d, size_t len, bool deny)
{
    tl_sid sid;
    size_t used;
    return tl_sid_from_binary(&sid, d, len, &used) == TL_OK && holds(s, &sid, deny) != WHO_NONE;
}

/* Member_of (all) or Member_of_any (any) over a SID / composite token; C_UNKNOWN when the
 * operand holds something other than SIDs. */
static int member(const subject *s, const uint8_t *d, size_t off, size_t len, bool any, bool deny)
{
    if (d[off] == TL_COND_SID)
        return sid_token_held(s, d + off + 5, len - 5, deny) ? C_TRUE : C_FALSE;
    if (d[off] != TL_COND_COMPOSITE)
        return C_UNKNOWN;
    size_t q = off + 5, end = off + len, held = 0, total = 0;
    while (q < end) {
        size_t sz = tl__cond_operand_size(d, end, q);
        if (!sz || d[q] != TL_COND_SID)
            return C_UNKNOWN;
        total++;
        held += sid_token_held(s, d + q + 5, sz - 5, deny);
        q += sz;
    }
    if (total == 0)
        return C_UNKNOWN;
    return (any ? held > 0 : held == total) ? C_TRUE : C_FALSE;
}

/* An operand used as a truth value: a truth value, or a single integer resource value. */
static int truth(const cval *v, const uint8_t *d)
{
    if (v->kind == 0)
        return v->tri;
    sval x[MAX_VALUES];
    if (v->kind == 1 && v->ra && values_of(v, d, x) == 1 && x[0].type == 'i')
        return x[0].i != 0 ? C_TRUE : C_FALSE;
    return C_UNKNOWN;
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
        cval v = {2, C_UNKNOWN, p, 0, NULL, false};
        int arity = tl__cond_arity(t);
        if (arity < 0)
            return C_UNKNOWN;
        if (arity == 0) {
            size_t sz = tl__cond_operand_size(d, n, p);
            if (!sz)
                return C_UNKNOWN;
            v.len = sz;
            if (t == TL_COND_RESOURCE) {
                v.ra = find_resource(s->sd, d + p + 5, sz - 5);
                v.kind = v.ra ? 1 : 2;
            } else if (t != TL_COND_LOCAL && t != TL_COND_USER && t != TL_COND_DEVICE) {
                v.kind = 1;
                v.from_literal = true;
            }
            p += sz;
        } else {
            p++;
            if (sp < (size_t)arity)
                return C_UNKNOWN;
            cval x = st[sp - 1], y = arity == 2 ? st[sp - 2] : x; /* y op x */
            sp -= (size_t)arity;
            v.kind = 0;
            switch (t) {
            case TL_COND_AND: {
                int l = truth(&y, d), r = truth(&x, d);
                v.tri = (l == C_FALSE || r == C_FALSE) ? C_FALSE
                        : (l == C_TRUE && r == C_TRUE) ? C_TRUE
                                                       : C_UNKNOWN;
                break;
            }
            case TL_COND_OR: {
                int l = truth(&y, d), r = truth(&x, d);
                v.tri = (l == C_TRUE || r == C_TRUE)     ? C_TRUE
                        : (l == C_FALSE && r == C_FALSE) ? C_FALSE
                                                         : C_UNKNOWN;
                break;
            }
            case TL_COND_NOT: {
                int xt = truth(&x, d);
                v.tri = xt == C_UNKNOWN ? C_UNKNOWN : xt == C_TRUE ? C_FALSE : C_TRUE;
                break;
            }
            case TL_COND_MEMBER_OF:
            case TL_COND_MEMBER_OF_ANY:
            case TL_COND_NOT_MEMBER_OF:
            case TL_COND_NOT_MEMBER_OF_ANY: {
                bool any = t == TL_COND_MEMBER_OF_ANY || t == TL_COND_NOT_MEMBER_OF_ANY;
                int m = x.kind == 1 && x.from_literal ? member(s, d, x.off, x.len, any, deny)
                                                      : C_UNKNOWN;
                if (t == TL_COND_NOT_MEMBER_OF || t == TL_COND_NOT_MEMBER_OF_ANY)
                    m = m == C_UNKNOWN ? C_UNKNOWN : m == C_TRUE ? C_FALSE : C_TRUE;
                v.tri = m;
                break;
            }
            case TL_COND_EXISTS:
            case TL_COND_NOT_EXISTS:
                /* Only resource attributes can be known to exist or not offline. */
                if (d[x.off] == TL_COND_RESOURCE)
                    v.tri = ((x.ra != NULL) == (t == TL_COND_EXISTS)) ? C_TRUE : C_FALSE;
                else
                    v.tri = C_UNKNOWN;
                break;
            default:
                v.tri = arity == 2 ? relational(t, &y, &x, d) : C_UNKNOWN; /* device groups */
                break;
            }
        }
        if (sp == 64)
            return C_UNKNOWN;
        st[sp++] = v;
    }
    return sp == 1 ? truth(&st[0], d) : C_UNKNOWN;
}

/* ---- the DACL walk --------------------------------------------------------------------- */

/* One pass over the DACL; returns the granted bits (of `want`, or of everything when
 * maximum). Records deciding ACEs. */
static uint32_t dacl_pass(tl_access_result *r, const tl_sd *sd, const subject *s, uint32_t want,
                          bool maximum, uint32_t already, const tl_access_options *o)
{
    const tl__acl *dacl = &sd->acl[TL_ACL_DACL];
    uint32_t granted = 0, denied = 0;
    int owner_who = s->owner ? holds(s, s->owner, false) : WHO_NONE;
    if (owner_who != WHO_NONE) {
        bool owner_rights_present = false;
        for (size_t i = 0; i < dacl->count && !owner_rights_present; i++)
            if (!(dacl->aces[i].flags & TL_ACE_INHERIT_ONLY) &&
                sid_eq(&dacl->aces[i].sid, &owner_rights_sid))
                owner_rights_present = true;
        uint32_t implicit = TL_READ_CONTROL | TL_WRITE_DAC;
        if (owner_rights_present) {
            add_reason(r, TL_REASON_OWNER_RIGHTS, s->pass, -1, 0, NULL, WHO_NONE, 0);
        } else {
            granted |= implicit;
            if ((implicit & want) || maximum)
                add_reason(r, TL_REASON_OWNER, s->pass, -1, implicit & (maximum ? ~0u : want), NULL,
                           (uint8_t)owner_who, 0);
        }
    }
    if (!dacl->present || dacl->null_acl) {
        /* A NULL DACL grants everything; no DACL at all behaves the same (MS-DTYP 2.4.6:
         * DP clear). */
        uint32_t all = o->object == TL_OBJECT_GENERIC ? 0x1FFFFFu : mapping_of(o->object).all;
        granted |= maximum ? all : want;
        add_reason(r, TL_REASON_NULL_DACL, s->pass, -1, maximum ? all : want, NULL, WHO_NONE,
                   dacl->present ? 0 : 1);
        return granted;
    }
    /* Without MAXIMUM_ALLOWED the walk stops once every wanted bit is granted or one is
     * denied: `need` is what is still missing. */
    uint32_t need = want & ~already;
    const tl_ace *aces = dacl->aces;
    for (size_t i = 0, count = dacl->count; i < count; i++) {
        if (!maximum && (!(need & ~granted) || (denied & want)))
            break;
        const tl_ace *a = &aces[i];
        if (a->flags & TL_ACE_INHERIT_ONLY)
            continue;
        bool allow;
        int who;
        uint8_t detail = 0;
        switch (a->type) {
        case TL_ACE_ACCESS_ALLOWED:
        case TL_ACE_ACCESS_DENIED:
            allow = a->type == TL_ACE_ACCESS_ALLOWED;
            who = ace_matches(s, a, !allow);
            break;
        case TL_ACE_ACCESS_ALLOWED_OBJECT:
        case TL_ACE_ACCESS_DENIED_OBJECT:
            /* Without an object type list, object ACEs naming an object type do not apply;
             * those without one act like plain ACEs (MS-DTYP 2.5.3.2). */
            if (a->object_flags & TL_ACE_OBJECT_TYPE_PRESENT)
                continue;
            allow = a->type == TL_ACE_ACCESS_ALLOWED_OBJECT;
            who = ace_matches(s, a, !allow);
            break;
        case TL_ACE_ACCESS_ALLOWED_CALLBACK:
        case TL_ACE_ACCESS_ALLOWED_CALLBACK_OBJECT: {
            if (a->type == TL_ACE_ACCESS_ALLOWED_CALLBACK_OBJECT &&
                (a->object_flags & TL_ACE_OBJECT_TYPE_PRESENT))
                continue;
            if ((who = ace_matches(s, a, false)) == WHO_NONE)
                continue;
            /* Only a condition that is TRUE grants; FALSE or UNKNOWN do not (MS-DTYP). */
            int c = eval_condition(s, a, false);
            if (c != C_TRUE) {
                add_reason(r, TL_REASON_SKIPPED_ACE, s->pass, (long)i, 0, a, (uint8_t)who,
                           (uint8_t)c);
                continue;
            }
            allow = true;
            break;
        }
        case TL_ACE_ACCESS_DENIED_CALLBACK: {
            if ((who = ace_matches(s, a, true)) == WHO_NONE)
                continue;
            /* MS-DTYP 2.5.3.2: a deny applies unless its condition is FALSE; UNKNOWN denies. */
            int c = eval_condition(s, a, true);
            if (c == C_FALSE)
                continue;
            detail = c == C_TRUE ? 1 : 2;
            allow = false;
            break;
        }
        default:
            continue;
        }
        if (who == WHO_NONE)
            continue;
        uint32_t m = a->mask;
        if ((m & 0xF0000000u) && !(o->flags & TL_ACCESS_RAW_ACE_MASKS))
            m = tl_access_map_generic(m, o->object);
        uint32_t add = m & ~granted & ~denied;
        if (allow)
            granted |= add;
        else
            denied |= add;
        uint32_t rel = maximum ? add : add & want & ~already;
        if (rel)
            add_reason(r, allow ? TL_REASON_ALLOW_ACE : TL_REASON_DENY_ACE, s->pass, (long)i, rel,
                       a, (uint8_t)who, detail);
    }
    return granted;
}

/* ---- mandatory integrity --------------------------------------------------------------- */

static uint32_t token_integrity(const tl_token *t, bool *assumed)
{
    *assumed = false;
    if (t->has_integrity)
        return t->integrity_rid;
    for (size_t i = 0; i < t->ngroups; i++) {
        const tl_sid_and_attributes *g = &t->groups[i];
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
    if (deny) {
        reason_rec *x =
            add_reason(r, TL_REASON_INTEGRITY, 0, idx, deny, label, WHO_NONE, assumed ? 1 : 0);
        if (x) {
            x->n1 = tok;
            x->n2 = obj;
        }
    }
    return deny;
}

/* ---- entry points ---------------------------------------------------------------------- */

int tl_access_check(tl_access_result **out, const tl_sd *sd, const tl_token *token,
                    uint32_t desired, const tl_access_options *opts)
{
    if (!out || !sd || !token)
        return tl__error(TL_EINVAL, "tl_access_check: NULL argument");
    *out = NULL;
    tl_access_options o = TL_ACCESS_OPTIONS_INIT;
    if (opts) {
        /* 0 is what a zeroed struct holds: the first version's meaning. */
        if (opts->version != TL_ACCESS_OPTIONS_VERSION && opts->version != 0)
            return tl__error(TL_EINVAL,
                             "tl_access_check: options version %u is not %u "
                             "(initialise with TL_ACCESS_OPTIONS_INIT)",
                             opts->version, TL_ACCESS_OPTIONS_VERSION);
        o = *opts;
    }
    if (o.object != TL_OBJECT_FILE && o.object != TL_OBJECT_KEY && o.object != TL_OBJECT_GENERIC)
        return tl__error(TL_EINVAL, "tl_access_check: unknown object kind %d", (int)o.object);
    tl_access_result *r = spare_result;
    if (r) {
        spare_result = NULL; /* a libc block: reusing it allocates from nobody */
        tl__thread_spare(NULL);
    } else {
        bool libc = tl__allocator_is_default();
        if (!(r = tl__malloc(sizeof *r)))
            return tl__oom();
        r->from_libc = libc;
    }
    r->quiet = (o.flags & TL_ACCESS_NO_REASONS) != 0;
    r->allowed = false;
    r->maximum = false;
    r->granted = r->grantable = 0;
    r->reasons = r->inline_reasons;
    r->count = 0;
    r->cap = INLINE_REASONS;
    r->failed = 0;
    bool maximum = (desired & TL_MAXIMUM_ALLOWED) != 0;
    uint32_t want = desired & ~TL_MAXIMUM_ALLOWED;
    if (want & 0xF0000000u)
        want = tl_access_map_generic(want, o.object);
    r->desired = want;
    r->maximum = maximum;
    const tl_sid *owner = sd->has_owner ? &sd->owner : NULL;
    subject s = {token, 0, owner, sd};
    bool privs = !(o.flags & TL_ACCESS_NO_PRIVILEGES);

    /* Privileges come first (MS-DTYP 2.5.3.2). */
    uint32_t priv = 0;
    if (want & TL_ACCESS_SYSTEM_SECURITY) {
        if (privs && privilege_enabled(token, "SeSecurityPrivilege")) {
            priv |= TL_ACCESS_SYSTEM_SECURITY;
            add_reason(r, TL_REASON_PRIVILEGE, 0, -1, TL_ACCESS_SYSTEM_SECURITY, NULL, WHO_NONE, 0);
        } else {
            add_reason(r, TL_REASON_PRIVILEGE_REQUIRED, 0, -1, TL_ACCESS_SYSTEM_SECURITY, NULL,
                       WHO_NONE, 0);
        }
    }
    if ((want & TL_WRITE_OWNER || maximum) && privs &&
        privilege_enabled(token, "SeTakeOwnershipPrivilege")) {
        priv |= TL_WRITE_OWNER;
        add_reason(r, TL_REASON_PRIVILEGE, 0, -1, TL_WRITE_OWNER, NULL, WHO_NONE, 1);
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
                add_reason(r, TL_REASON_PRIVILEGE, 0, -1, b, NULL, WHO_NONE, 2);
        }
        if (privilege_enabled(token, "SeRestorePrivilege")) {
            /* "WRITE_DAC, WRITE_OWNER, ACCESS_SYSTEM_SECURITY, FILE_GENERIC_WRITE,
             * FILE_ADD_FILE, FILE_ADD_SUBDIRECTORY, DELETE" (same sources). */
            uint32_t b = (m.write | TL_WRITE_DAC | TL_WRITE_OWNER | TL_ACCESS_SYSTEM_SECURITY |
                          TL_DELETE | 0x2u | 0x4u) &
                         (maximum ? ~0u : want);
            priv |= b;
            if (b)
                add_reason(r, TL_REASON_PRIVILEGE, 0, -1, b, NULL, WHO_NONE, 3);
        }
    }

    uint32_t g0 = dacl_pass(r, sd, &s, want, maximum, priv, &o);
    uint32_t granted = g0;
    if (token->nrestricted > 0) {
        subject rs = {token, 1, owner, sd};
        uint32_t g1 = dacl_pass(r, sd, &rs, want, maximum, priv, &o);
        uint32_t lost = g0 & ~g1 & (maximum ? ~0u : want);
        if (lost)
            add_reason(r, TL_REASON_RESTRICTED, 1, -1, lost, NULL, WHO_NONE, 0);
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
        for (size_t i = 0; i < r->count && !explained; i++) {
            tl_access_reason_kind k = r->reasons[i].pub.kind;
            explained = (k == TL_REASON_DENY_ACE || k == TL_REASON_INTEGRITY ||
                         k == TL_REASON_RESTRICTED || k == TL_REASON_PRIVILEGE_REQUIRED) &&
                        (r->reasons[i].pub.mask & missing);
        }
        if (!explained)
            add_reason(r, TL_REASON_NO_DACL_MATCH, 0, -1, missing, NULL, WHO_NONE,
                       tl_sd_ace_count(sd, TL_ACL_DACL) == 0 ? 1 : 0);
    } else if (maximum && granted == 0) {
        /* MAXIMUM_ALLOWED and nothing at all granted: every denial names why, so say which
         * step took it all or that nothing grants anything. */
        bool explained = false;
        for (size_t i = 0; i < r->count && !explained; i++) {
            tl_access_reason_kind k = r->reasons[i].pub.kind;
            explained =
                k == TL_REASON_DENY_ACE || k == TL_REASON_INTEGRITY || k == TL_REASON_RESTRICTED;
        }
        if (!explained)
            add_reason(r, TL_REASON_NO_DACL_MATCH, 0, -1, 0, NULL, WHO_NONE,
                       tl_sd_ace_count(sd, TL_ACL_DACL) == 0 ? 4 : 3);
    } else if (want == 0 && !maximum) {
        add_reason(r, TL_REASON_NO_DACL_MATCH, 0, -1, 0, NULL, WHO_NONE, 2);
    }
    if (r->failed) {
        tl_access_result_free(r);
        return tl__oom();
    }
    *out = r;
    tl_error_clear(); /* a successful check leaves no error behind */
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
                    : tl_token_add_group(t, &sids[i],
                                         TL_GROUP_MANDATORY | TL_GROUP_ENABLED_BY_DEFAULT |
                                             TL_GROUP_ENABLED);
    if (rc) {
        tl_token_free(t);
        return rc;
    }
    *out = t;
    return TL_OK;
}

int tl_access_check_sids(tl_access_result **out, const tl_sd *sd, const tl_sid *sids, size_t count,
                         uint32_t desired, const tl_access_options *opts)
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
    tl__buf_printf(&b, "%s: desired ", r->allowed ? "ALLOWED" : "DENIED");
    if (r->maximum && r->desired)
        tl__buf_printf(&b, "MAXIMUM_ALLOWED|0x%x", (unsigned)r->desired);
    else if (r->maximum)
        tl__buf_put(&b, "MAXIMUM_ALLOWED");
    else
        tl__buf_printf(&b, "0x%x", (unsigned)r->desired);
    tl__buf_printf(&b, ", granted 0x%x", (unsigned)r->granted);
    if (!r->allowed && r->grantable)
        tl__buf_printf(&b, " (would grant 0x%x of it)", (unsigned)r->grantable);
    tl__buf_putc(&b, '\n');
    for (size_t i = 0; i < r->count; i++) {
        const tl_access_reason *x = tl_access_result_reason_at(r, i);
        tl__buf_printf(&b, "  %s%s", x->pass ? "[restricted pass] " : "", x->text);
        if (x->ace)
            tl__buf_printf(&b, "  %s", x->ace);
        tl__buf_putc(&b, '\n');
    }
    return tl__buf_detach(&b, out);
}
