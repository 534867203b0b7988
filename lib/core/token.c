/* Token snapshots: the portable model behind live capture and JSON. No OS calls. */
#include "internal.h"
#include "token_internal.h"
#include "tokenlens/token.h"
#include <string.h>

int tl_token_new(tl_token **out)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_token_new: out is NULL");
    *out = NULL;
    tl_token *t = tl__calloc(1, sizeof *t);
    if (!t)
        return tl__oom();
    t->impersonation_level = TL_IMPERSONATION_NONE;
    t->elevated = -1;
    t->logon_type = TL_LOGON_TYPE_UNKNOWN;
    *out = t;
    return TL_OK;
}

void tl_token_free(tl_token *t)
{
    if (!t)
        return;
    tl__free(t->user_name);
    tl__free(t->groups);
    tl__free(t->restricted);
    for (size_t i = 0; i < t->nprivileges; i++)
        tl__free((char *)t->privileges[i].name);
    tl__free(t->privileges);
    tl__free(t->logon_package);
    tl__free(t->logon_domain);
    tl__free(t->logon_user);
    tl__free(t);
}

static int dup_opt(char **dst, const char *src)
{
    *dst = NULL;
    if (!src)
        return TL_OK;
    *dst = tl__strdup(src);
    return *dst ? TL_OK : tl__oom();
}

static int dup_array(void **dst, const void *src, size_t n, size_t size)
{
    *dst = NULL;
    if (n == 0)
        return TL_OK;
    *dst = tl__calloc(n, size);
    if (!*dst)
        return tl__oom();
    memcpy(*dst, src, n * size);
    return TL_OK;
}

/* The privileges of `src` into `t` (names copied: each token owns its own). On failure `t`
 * holds the ones copied so far, so tl_token_free(t) releases them. */
static int dup_privileges(tl_token *t, const tl_token *src)
{
    t->nprivileges = 0;
    if (src->nprivileges == 0)
        return TL_OK;
    t->privileges = tl__calloc(src->nprivileges, sizeof *t->privileges);
    if (!t->privileges)
        return tl__oom();
    for (size_t i = 0; i < src->nprivileges; i++) {
        t->privileges[i] = src->privileges[i];
        t->privileges[i].name = tl__strdup(src->privileges[i].name);
        if (!t->privileges[i].name)
            return tl__oom();
        t->nprivileges = i + 1;
    }
    return TL_OK;
}

int tl_token_copy(tl_token **out, const tl_token *src)
{
    if (!out || !src)
        return tl__error(TL_EINVAL, "tl_token_copy: NULL argument");
    *out = NULL;
    tl_token *t = tl__malloc(sizeof *t);
    if (!t)
        return tl__oom();
    *t = *src;
    t->groups = NULL;
    t->restricted = NULL;
    t->privileges = NULL;
    t->nprivileges = 0; /* dup_privileges counts the ones it copied, for tl_token_free */
    t->logon_package = t->logon_domain = t->logon_user = t->user_name = NULL;
    t->groups_cap = src->ngroups;
    t->restricted_cap = src->nrestricted;
    t->privileges_cap = src->nprivileges;
    int rc;
    if ((rc = dup_array((void **)&t->groups, src->groups, src->ngroups, sizeof *t->groups)) ||
        (rc = dup_array((void **)&t->restricted, src->restricted, src->nrestricted,
                        sizeof *t->restricted)) ||
        (rc = dup_privileges(t, src)) || (rc = dup_opt(&t->user_name, src->user_name)) ||
        (rc = dup_opt(&t->logon_package, src->logon_package)) ||
        (rc = dup_opt(&t->logon_domain, src->logon_domain)) ||
        (rc = dup_opt(&t->logon_user, src->logon_user))) {
        tl_token_free(t);
        return rc;
    }
    *out = t;
    return TL_OK;
}

static bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool sa_eq(const tl_sid_and_attributes *a, const tl_sid_and_attributes *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i].attributes != b[i].attributes || !tl_sid_equal(&a[i].sid, &b[i].sid))
            return false;
    return true;
}

static bool opt_sid_eq(bool ha, const tl_sid *a, bool hb, const tl_sid *b)
{
    return ha == hb && (!ha || tl_sid_equal(a, b));
}

bool tl_token_equal(const tl_token *a, const tl_token *b)
{
    if (!a || !b)
        return a == b;
    if (!opt_sid_eq(a->has_user, &a->user, b->has_user, &b->user) ||
        a->user_attributes != b->user_attributes || !str_eq(a->user_name, b->user_name) ||
        !opt_sid_eq(a->has_owner, &a->owner, b->has_owner, &b->owner) ||
        !opt_sid_eq(a->has_primary_group, &a->primary_group, b->has_primary_group,
                    &b->primary_group))
        return false;
    if (a->ngroups != b->ngroups || a->nrestricted != b->nrestricted ||
        a->restricted_known != b->restricted_known || a->nprivileges != b->nprivileges)
        return false;
    if (!sa_eq(a->groups, b->groups, a->ngroups) ||
        !sa_eq(a->restricted, b->restricted, a->nrestricted))
        return false;
    for (size_t i = 0; i < a->nprivileges; i++) {
        const tl_privilege *p = &a->privileges[i], *q = &b->privileges[i];
        if (p->luid != q->luid || p->attributes != q->attributes || strcmp(p->name, q->name))
            return false;
    }
    return a->type == b->type && a->impersonation_level == b->impersonation_level &&
           a->has_integrity == b->has_integrity &&
           (!a->has_integrity || a->integrity_rid == b->integrity_rid) &&
           a->elevated == b->elevated && a->elevation_type == b->elevation_type &&
           a->session_id == b->session_id && a->has_logon_id == b->has_logon_id &&
           (!a->has_logon_id || a->logon_id == b->logon_id) && a->logon_type == b->logon_type &&
           str_eq(a->logon_package, b->logon_package) && str_eq(a->logon_domain, b->logon_domain) &&
           str_eq(a->logon_user, b->logon_user);
}

/* ---- getters ----------------------------------------------------------------------------- */

const tl_sid *tl_token_user(const tl_token *t)
{
    return t && t->has_user ? &t->user : NULL;
}
const char *tl_token_user_name(const tl_token *t)
{
    return t ? t->user_name : NULL;
}
uint32_t tl_token_user_attributes(const tl_token *t)
{
    return t ? t->user_attributes : 0;
}
size_t tl_token_group_count(const tl_token *t)
{
    return t ? t->ngroups : 0;
}
const tl_sid_and_attributes *tl_token_group_at(const tl_token *t, size_t i)
{
    return t && i < t->ngroups ? &t->groups[i] : NULL;
}
bool tl_token_restricted_known(const tl_token *t)
{
    return t && t->restricted_known;
}
size_t tl_token_restricted_count(const tl_token *t)
{
    return t ? t->nrestricted : 0;
}
const tl_sid_and_attributes *tl_token_restricted_at(const tl_token *t, size_t i)
{
    return t && i < t->nrestricted ? &t->restricted[i] : NULL;
}
size_t tl_token_privilege_count(const tl_token *t)
{
    return t ? t->nprivileges : 0;
}
const tl_privilege *tl_token_privilege_at(const tl_token *t, size_t i)
{
    return t && i < t->nprivileges ? &t->privileges[i] : NULL;
}
const tl_privilege *tl_token_privilege_find(const tl_token *t, const char *name)
{
    if (!t || !name)
        return NULL;
    for (size_t i = 0; i < t->nprivileges; i++)
        if (tl__strcasecmp(t->privileges[i].name, name) == 0)
            return &t->privileges[i];
    return NULL;
}
const tl_sid *tl_token_owner(const tl_token *t)
{
    return t && t->has_owner ? &t->owner : NULL;
}
const tl_sid *tl_token_primary_group(const tl_token *t)
{
    return t && t->has_primary_group ? &t->primary_group : NULL;
}
tl_token_type tl_token_get_type(const tl_token *t)
{
    return t ? t->type : TL_TOKEN_TYPE_UNKNOWN;
}
tl_impersonation_level tl_token_impersonation_level(const tl_token *t)
{
    return t ? t->impersonation_level : TL_IMPERSONATION_NONE;
}
bool tl_token_has_integrity(const tl_token *t)
{
    return t && t->has_integrity;
}
uint32_t tl_token_integrity_rid(const tl_token *t)
{
    return t && t->has_integrity ? t->integrity_rid : 0;
}
bool tl_token_has_elevation(const tl_token *t)
{
    return t && t->elevated >= 0;
}
bool tl_token_elevated(const tl_token *t)
{
    return t && t->elevated == 1;
}
bool tl_token_has_impersonation_level(const tl_token *t)
{
    return t && t->impersonation_level != TL_IMPERSONATION_NONE;
}
bool tl_token_has_logon_type(const tl_token *t)
{
    return t && t->logon_type != TL_LOGON_TYPE_UNKNOWN;
}
tl_elevation_type tl_token_elevation_type(const tl_token *t)
{
    return t ? t->elevation_type : TL_ELEVATION_TYPE_UNKNOWN;
}
uint32_t tl_token_session_id(const tl_token *t)
{
    return t ? t->session_id : 0;
}
bool tl_token_has_logon_id(const tl_token *t)
{
    return t && t->has_logon_id;
}
uint64_t tl_token_logon_id(const tl_token *t)
{
    return t && t->has_logon_id ? t->logon_id : 0;
}
const char *tl_token_logon_package(const tl_token *t)
{
    return t ? t->logon_package : NULL;
}
tl_logon_type tl_token_logon_type(const tl_token *t)
{
    return t ? t->logon_type : TL_LOGON_TYPE_UNKNOWN;
}
const char *tl_token_logon_domain(const tl_token *t)
{
    return t ? t->logon_domain : NULL;
}
const char *tl_token_logon_user(const tl_token *t)
{
    return t ? t->logon_user : NULL;
}

/* ---- setters ----------------------------------------------------------------------------- */

#define NEED_TOKEN(t, fn)                                                                          \
    do {                                                                                           \
        if (!(t))                                                                                  \
            return tl__error(TL_EINVAL, fn ": token is NULL");                                     \
    } while (0)

static int check_sid(const tl_sid *sid, const char *fn)
{
    if (!tl_sid_is_valid(sid))
        return tl__error(TL_EINVAL, "%s: invalid SID", fn);
    return TL_OK;
}

int tl_token_set_user(tl_token *t, const tl_sid *sid, uint32_t attributes)
{
    NEED_TOKEN(t, "tl_token_set_user");
    if (!sid) {
        t->has_user = false;
        t->user_attributes = 0;
        return TL_OK;
    }
    int rc = check_sid(sid, "tl_token_set_user");
    if (rc)
        return rc;
    t->user = *sid;
    t->user_attributes = attributes;
    t->has_user = true;
    return TL_OK;
}

int tl_token_set_user_name(tl_token *t, const char *name)
{
    NEED_TOKEN(t, "tl_token_set_user_name");
    char *copy = NULL;
    if (dup_opt(&copy, name))
        return TL_ENOMEM;
    tl__free(t->user_name);
    t->user_name = copy;
    return TL_OK;
}

static int push_sa(tl_sid_and_attributes **arr, size_t *n, size_t *cap, const tl_sid *sid,
                   uint32_t attributes, const char *fn, const char *what)
{
    if (!sid)
        return tl__error(TL_EINVAL, "%s: SID is NULL", fn);
    int rc = check_sid(sid, fn);
    if (rc)
        return rc;
    if (*n >= TL_TOKEN_MAX_GROUPS)
        return tl__error(TL_ELIMIT, "%s: more than %d %s", fn, TL_TOKEN_MAX_GROUPS, what);
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        tl_sid_and_attributes *p = tl__realloc(*arr, ncap * sizeof *p);
        if (!p)
            return tl__oom();
        *arr = p;
        *cap = ncap;
    }
    (*arr)[*n].sid = *sid;
    (*arr)[*n].attributes = attributes;
    ++*n;
    return TL_OK;
}

int tl_token_add_group(tl_token *t, const tl_sid *sid, uint32_t attributes)
{
    NEED_TOKEN(t, "tl_token_add_group");
    return push_sa(&t->groups, &t->ngroups, &t->groups_cap, sid, attributes, "tl_token_add_group",
                   "groups");
}

int tl_token_add_restricted(tl_token *t, const tl_sid *sid, uint32_t attributes)
{
    NEED_TOKEN(t, "tl_token_add_restricted");
    t->restricted_known = true;
    return push_sa(&t->restricted, &t->nrestricted, &t->restricted_cap, sid, attributes,
                   "tl_token_add_restricted", "restricted SIDs");
}

int tl_token_add_privilege(tl_token *t, const char *name, uint64_t luid, uint32_t attributes)
{
    NEED_TOKEN(t, "tl_token_add_privilege");
    if (!name || !*name)
        name = tl_privilege_name(luid);
    if (name && strlen(name) > TL_TOKEN_MAX_PRIVILEGE_NAME)
        return tl__error(TL_EINVAL, "tl_token_add_privilege: name longer than %u bytes",
                         (unsigned)TL_TOKEN_MAX_PRIVILEGE_NAME);
    if (t->nprivileges >= TL_TOKEN_MAX_PRIVILEGES)
        return tl__error(TL_ELIMIT, "tl_token_add_privilege: more than %d privileges",
                         TL_TOKEN_MAX_PRIVILEGES);
    if (t->nprivileges == t->privileges_cap) {
        size_t ncap = t->privileges_cap ? t->privileges_cap * 2 : 16;
        tl_privilege *p = tl__realloc(t->privileges, ncap * sizeof *p);
        if (!p)
            return tl__oom();
        t->privileges = p;
        t->privileges_cap = ncap;
    }
    char *copy = tl__strdup(name ? name : "");
    if (!copy)
        return tl__oom();
    tl_privilege *p = &t->privileges[t->nprivileges++];
    memset(p, 0, sizeof *p);
    p->name = copy;
    p->luid = luid;
    p->attributes = attributes;
    return TL_OK;
}

int tl_token_set_restricted_known(tl_token *t, bool known)
{
    NEED_TOKEN(t, "tl_token_set_restricted_known");
    t->restricted_known = known;
    if (!known)
        t->nrestricted = 0;
    return TL_OK;
}

static int set_opt_sid(bool *has, tl_sid *dst, const tl_sid *sid, const char *fn)
{
    if (!sid) {
        *has = false;
        return TL_OK;
    }
    int rc = check_sid(sid, fn);
    if (rc)
        return rc;
    *dst = *sid;
    *has = true;
    return TL_OK;
}

int tl_token_set_owner(tl_token *t, const tl_sid *sid)
{
    NEED_TOKEN(t, "tl_token_set_owner");
    return set_opt_sid(&t->has_owner, &t->owner, sid, "tl_token_set_owner");
}

int tl_token_set_primary_group(tl_token *t, const tl_sid *sid)
{
    NEED_TOKEN(t, "tl_token_set_primary_group");
    return set_opt_sid(&t->has_primary_group, &t->primary_group, sid, "tl_token_set_primary_group");
}

int tl_token_set_type(tl_token *t, tl_token_type type)
{
    NEED_TOKEN(t, "tl_token_set_type");
    if (type != TL_TOKEN_TYPE_UNKNOWN && type != TL_TOKEN_PRIMARY && type != TL_TOKEN_IMPERSONATION)
        return tl__error(TL_EINVAL, "tl_token_set_type: unknown token type %d", (int)type);
    t->type = type;
    return TL_OK;
}

int tl_token_set_impersonation_level(tl_token *t, tl_impersonation_level level)
{
    NEED_TOKEN(t, "tl_token_set_impersonation_level");
    if ((int)level < TL_IMPERSONATION_NONE || (int)level > TL_IMPERSONATION_DELEGATION)
        return tl__error(TL_EINVAL, "tl_token_set_impersonation_level: level %d is not -1..3",
                         (int)level);
    t->impersonation_level = level;
    return TL_OK;
}

int tl_token_set_integrity(tl_token *t, bool known, uint32_t rid)
{
    NEED_TOKEN(t, "tl_token_set_integrity");
    t->has_integrity = known;
    t->integrity_rid = known ? rid : 0;
    return TL_OK;
}

int tl_token_set_elevation(tl_token *t, bool known, bool elevated, tl_elevation_type type)
{
    NEED_TOKEN(t, "tl_token_set_elevation");
    if ((int)type < 0 || (int)type > TL_ELEVATION_TYPE_LIMITED)
        return tl__error(TL_EINVAL, "tl_token_set_elevation: unknown elevation type %d", (int)type);
    t->elevated = !known ? -1 : elevated ? 1 : 0; /* private tri-state: -1 is "not captured" */
    t->elevation_type = type;
    return TL_OK;
}

int tl_token_set_session_id(tl_token *t, uint32_t session_id)
{
    NEED_TOKEN(t, "tl_token_set_session_id");
    t->session_id = session_id;
    return TL_OK;
}

int tl_token_set_logon_id(tl_token *t, bool known, uint64_t luid)
{
    NEED_TOKEN(t, "tl_token_set_logon_id");
    t->has_logon_id = known;
    t->logon_id = known ? luid : 0;
    return TL_OK;
}

int tl_token_set_logon_session(tl_token *t, const char *package, tl_logon_type type,
                               const char *domain, const char *user)
{
    NEED_TOKEN(t, "tl_token_set_logon_session");
    if ((int)type < TL_LOGON_TYPE_UNKNOWN)
        return tl__error(TL_EINVAL, "tl_token_set_logon_session: logon type %d", (int)type);
    char *p = NULL, *d = NULL, *u = NULL;
    if (dup_opt(&p, package) || dup_opt(&d, domain) || dup_opt(&u, user)) {
        tl__free(p);
        tl__free(d);
        tl__free(u);
        return tl__oom();
    }
    tl__free(t->logon_package);
    tl__free(t->logon_domain);
    tl__free(t->logon_user);
    t->logon_package = p;
    t->logon_domain = d;
    t->logon_user = u;
    t->logon_type = type;
    return TL_OK;
}

/* ---- names ------------------------------------------------------------------------------- */

static const char *const level_names[] = {"Anonymous", "Identification", "Impersonation",
                                          "Delegation"};

const char *tl_impersonation_level_name(int level)
{
    return level >= 0 && level <= 3 ? level_names[level] : NULL;
}

int tl_impersonation_level_from_name(tl_impersonation_level *out, const char *name)
{
    for (int i = 0; name && i <= 3; i++)
        if (tl__strcasecmp(name, level_names[i]) == 0) {
            *out = (tl_impersonation_level)i;
            return TL_OK;
        }
    return tl__error(TL_ENOTFOUND, "unknown impersonation level '%s'", name ? name : "(null)");
}

/* SECURITY_LOGON_TYPE names as ntsecapi.h spells them (without "Logon" suffix handling). */
static const char *const logon_names[] = {"Undefined",
                                          NULL,
                                          "Interactive",
                                          "Network",
                                          "Batch",
                                          "Service",
                                          "Proxy",
                                          "Unlock",
                                          "NetworkCleartext",
                                          "NewCredentials",
                                          "RemoteInteractive",
                                          "CachedInteractive",
                                          "CachedRemoteInteractive",
                                          "CachedUnlock"};

const char *tl_logon_type_name(int type)
{
    if (type < 0 || (size_t)type >= sizeof logon_names / sizeof logon_names[0])
        return NULL;
    return logon_names[type];
}

int tl_logon_type_from_name(tl_logon_type *out, const char *name)
{
    for (size_t i = 0; name && i < sizeof logon_names / sizeof logon_names[0]; i++)
        if (logon_names[i] && tl__strcasecmp(name, logon_names[i]) == 0) {
            *out = (tl_logon_type)i;
            return TL_OK;
        }
    return tl__error(TL_ENOTFOUND, "unknown logon type '%s'", name ? name : "(null)");
}

const char *tl_token_type_name(int type)
{
    return type == TL_TOKEN_PRIMARY         ? "primary"
           : type == TL_TOKEN_IMPERSONATION ? "impersonation"
                                            : NULL;
}

const char *tl_elevation_type_name(int type)
{
    switch (type) {
    case TL_ELEVATION_TYPE_DEFAULT:
        return "default";
    case TL_ELEVATION_TYPE_FULL:
        return "full";
    case TL_ELEVATION_TYPE_LIMITED:
        return "limited";
    default:
        return NULL;
    }
}

const char *tl_integrity_name(uint32_t rid)
{
    /* SECURITY_MANDATORY_*_RID, winnt.h. */
    switch (rid) {
    case 0x0000:
        return "Untrusted";
    case 0x1000:
        return "Low";
    case 0x2000:
        return "Medium";
    case 0x2100:
        return "MediumPlus";
    case 0x3000:
        return "High";
    case 0x4000:
        return "System";
    case 0x5000:
        return "Protected";
    default:
        return NULL;
    }
}

/* SE_*_PRIVILEGE LUID low parts, winnt.h: fixed values LookupPrivilegeName maps by table. */
static const char *const privilege_names[] = {
    NULL,
    NULL,
    "SeCreateTokenPrivilege",                    /* 2 */
    "SeAssignPrimaryTokenPrivilege",             /* 3 */
    "SeLockMemoryPrivilege",                     /* 4 */
    "SeIncreaseQuotaPrivilege",                  /* 5 */
    "SeMachineAccountPrivilege",                 /* 6 */
    "SeTcbPrivilege",                            /* 7 */
    "SeSecurityPrivilege",                       /* 8 */
    "SeTakeOwnershipPrivilege",                  /* 9 */
    "SeLoadDriverPrivilege",                     /* 10 */
    "SeSystemProfilePrivilege",                  /* 11 */
    "SeSystemtimePrivilege",                     /* 12 */
    "SeProfileSingleProcessPrivilege",           /* 13 */
    "SeIncreaseBasePriorityPrivilege",           /* 14 */
    "SeCreatePagefilePrivilege",                 /* 15 */
    "SeCreatePermanentPrivilege",                /* 16 */
    "SeBackupPrivilege",                         /* 17 */
    "SeRestorePrivilege",                        /* 18 */
    "SeShutdownPrivilege",                       /* 19 */
    "SeDebugPrivilege",                          /* 20 */
    "SeAuditPrivilege",                          /* 21 */
    "SeSystemEnvironmentPrivilege",              /* 22 */
    "SeChangeNotifyPrivilege",                   /* 23 */
    "SeRemoteShutdownPrivilege",                 /* 24 */
    "SeUndockPrivilege",                         /* 25 */
    "SeSyncAgentPrivilege",                      /* 26 */
    "SeEnableDelegationPrivilege",               /* 27 */
    "SeManageVolumePrivilege",                   /* 28 */
    "SeImpersonatePrivilege",                    /* 29 */
    "SeCreateGlobalPrivilege",                   /* 30 */
    "SeTrustedCredManAccessPrivilege",           /* 31 */
    "SeRelabelPrivilege",                        /* 32 */
    "SeIncreaseWorkingSetPrivilege",             /* 33 */
    "SeTimeZonePrivilege",                       /* 34 */
    "SeCreateSymbolicLinkPrivilege",             /* 35 */
    "SeDelegateSessionUserImpersonatePrivilege", /* 36 */
};

const char *tl_privilege_name(uint64_t luid)
{
    if (luid >= sizeof privilege_names / sizeof privilege_names[0])
        return NULL;
    return privilege_names[luid];
}

/* Appends into `out` directly: no allocation, so formatting never fails for lack of memory. */
static int flags_string(char *out, size_t out_size, uint32_t attributes, const char *const *names,
                        const uint32_t *bits, size_t n)
{
    if (!out || out_size == 0)
        return tl__error(TL_EINVAL, "attributes string: no buffer");
    size_t len = 0;
    uint32_t rest = attributes;
    char hex[16];
    out[0] = '\0';
    for (size_t i = 0; i <= n; i++) {
        const char *word;
        if (i < n) {
            if ((attributes & bits[i]) != bits[i])
                continue;
            rest &= ~bits[i];
            word = names[i];
        } else {
            if (!rest)
                break;
            snprintf(hex, sizeof hex, "0x%x", (unsigned)rest);
            word = hex;
        }
        size_t wl = strlen(word), need = len + (len ? 1 : 0) + wl + 1;
        if (need > out_size) {
            out[0] = '\0';
            return tl__error(TL_ERANGE, "attributes string needs more than %lu bytes",
                             (unsigned long)out_size);
        }
        if (len)
            out[len++] = ' ';
        memcpy(out + len, word, wl + 1);
        len += wl;
    }
    return TL_OK;
}

int tl_group_attributes_string(char *out, size_t out_size, uint32_t attributes)
{
    static const char *const names[] = {
        "mandatory", "enabled_by_default", "enabled",  "owner",   "deny_only",
        "integrity", "integrity_enabled",  "resource", "logon_id"};
    static const uint32_t bits[] = {TL_GROUP_MANDATORY,         TL_GROUP_ENABLED_BY_DEFAULT,
                                    TL_GROUP_ENABLED,           TL_GROUP_OWNER,
                                    TL_GROUP_USE_FOR_DENY_ONLY, TL_GROUP_INTEGRITY,
                                    TL_GROUP_INTEGRITY_ENABLED, TL_GROUP_RESOURCE,
                                    TL_GROUP_LOGON_ID};
    return flags_string(out, out_size, attributes, names, bits, sizeof bits / sizeof bits[0]);
}

int tl_privilege_attributes_string(char *out, size_t out_size, uint32_t attributes)
{
    static const char *const names[] = {"enabled_by_default", "enabled", "removed",
                                        "used_for_access"};
    static const uint32_t bits[] = {TL_PRIVILEGE_ENABLED_BY_DEFAULT, TL_PRIVILEGE_ENABLED,
                                    TL_PRIVILEGE_REMOVED, TL_PRIVILEGE_USED_FOR_ACCESS};
    return flags_string(out, out_size, attributes, names, bits, sizeof bits / sizeof bits[0]);
}
