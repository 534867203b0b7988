/**
 * @file tokenlens/token.h
 * @brief Portable token snapshots: what an access token says (user, groups, privileges,
 *        type, impersonation level, integrity, elevation, logon session), and JSON in and out.
 *
 * A tl_token is a plain description, not a handle: it is filled by live capture on Windows
 * (tokenlens/live.h), by tl_token_from_json() anywhere, or by the setters below. Numbering
 * follows winnt.h / ntsecapi.h so values compare directly with what Windows reports.
 * JSON schema (versioned): docs/token-snapshot.md.
 */
#ifndef TOKENLENS_TOKEN_H
#define TOKENLENS_TOKEN_H

#include "tokenlens/common.h"
#include "tokenlens/sid.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque token snapshot; create with tl_token_new(), release with tl_token_free(). */
typedef struct tl_token tl_token;

/** A SID with SE_GROUP_* attributes (a TOKEN_GROUPS entry). */
typedef struct tl_sid_and_attributes {
    tl_sid sid;
    uint32_t attributes;
} tl_sid_and_attributes;

/** A privilege (a TOKEN_PRIVILEGES entry), a view borrowed from its token. */
typedef struct tl_privilege {
    const char *name; /**< "SeDebugPrivilege"; "" if unknown, never NULL. Owned by the token */
    uint64_t luid;
    uint32_t attributes;
} tl_privilege;

/* Group attribute bits: winnt.h SE_GROUP_*. */
#define TL_GROUP_MANDATORY 0x1u
#define TL_GROUP_ENABLED_BY_DEFAULT 0x2u
#define TL_GROUP_ENABLED 0x4u
#define TL_GROUP_OWNER 0x8u
#define TL_GROUP_USE_FOR_DENY_ONLY 0x10u
#define TL_GROUP_INTEGRITY 0x20u
#define TL_GROUP_INTEGRITY_ENABLED 0x40u
#define TL_GROUP_RESOURCE 0x20000000u
#define TL_GROUP_LOGON_ID 0xC0000000u

/* Privilege attribute bits: winnt.h SE_PRIVILEGE_*. */
#define TL_PRIVILEGE_ENABLED_BY_DEFAULT 0x1u
#define TL_PRIVILEGE_ENABLED 0x2u
#define TL_PRIVILEGE_REMOVED 0x4u
#define TL_PRIVILEGE_USED_FOR_ACCESS 0x80000000u

/** TOKEN_TYPE (winnt.h): 1 primary, 2 impersonation; 0 when not known. */
typedef enum tl_token_type {
    TL_TOKEN_TYPE_UNKNOWN = 0,
    TL_TOKEN_PRIMARY = 1,
    TL_TOKEN_IMPERSONATION = 2
} tl_token_type;

/**
 * SECURITY_IMPERSONATION_LEVEL with the native numbering (0..3). .NET's
 * System.Security.Principal.TokenImpersonationLevel is shifted by one (None = 0,
 * Anonymous = 1, ... Delegation = 4). TL_IMPERSONATION_NONE: not an impersonation token.
 */
typedef enum tl_impersonation_level {
    TL_IMPERSONATION_NONE = -1,
    TL_IMPERSONATION_ANONYMOUS = 0,
    TL_IMPERSONATION_IDENTIFICATION = 1,
    TL_IMPERSONATION_IMPERSONATION = 2,
    TL_IMPERSONATION_DELEGATION = 3
} tl_impersonation_level;

/** TOKEN_ELEVATION_TYPE (winnt.h); 0 when not known. */
typedef enum tl_elevation_type {
    TL_ELEVATION_TYPE_UNKNOWN = 0,
    TL_ELEVATION_TYPE_DEFAULT = 1, /**< no split token (UAC off, or not an admin) */
    TL_ELEVATION_TYPE_FULL = 2,    /**< the elevated half of a split token */
    TL_ELEVATION_TYPE_LIMITED = 3  /**< the filtered half of a split token */
} tl_elevation_type;

/** SECURITY_LOGON_TYPE (ntsecapi.h). TL_LOGON_TYPE_UNKNOWN (-1): not captured. */
typedef enum tl_logon_type {
    TL_LOGON_TYPE_UNKNOWN = -1,
    TL_LOGON_UNDEFINED = 0, /**< e.g. the SYSTEM session (LUID 0x3e7) */
    TL_LOGON_INTERACTIVE = 2,
    TL_LOGON_NETWORK = 3,
    TL_LOGON_BATCH = 4,
    TL_LOGON_SERVICE = 5,
    TL_LOGON_PROXY = 6,
    TL_LOGON_UNLOCK = 7,
    TL_LOGON_NETWORK_CLEARTEXT = 8,
    TL_LOGON_NEW_CREDENTIALS = 9,
    TL_LOGON_REMOTE_INTERACTIVE = 10,
    TL_LOGON_CACHED_INTERACTIVE = 11,
    TL_LOGON_CACHED_REMOTE_INTERACTIVE = 12,
    TL_LOGON_CACHED_UNLOCK = 13
} tl_logon_type;

/** Current JSON schema version written by tl_token_to_json() ("tokenlens_token": 1). */
#define TL_TOKEN_JSON_VERSION 1
/** Loader bounds (TL_ELIMIT beyond): Windows caps a token at 1024 groups. */
#define TL_TOKEN_MAX_GROUPS 1024
#define TL_TOKEN_MAX_PRIVILEGES 256
/** Longest privilege name accepted, in bytes (the longest Windows name is 31). */
#define TL_TOKEN_MAX_PRIVILEGE_NAME 63
/** Largest snapshot file tl_token_load() reads. */
#define TL_TOKEN_MAX_FILE (4u * 1024u * 1024u)

/* ---- lifetime ---------------------------------------------------------------------------- */

/** An empty snapshot (nothing set, type unknown). Ownership: free with tl_token_free(). */
TL_EXTERN tl_result tl_token_new(tl_token **out);
/** Release a snapshot. NULL is ignored. */
TL_EXTERN void tl_token_free(tl_token *token);
/** Deep copy. Ownership: *out is freed with tl_token_free(). */
TL_EXTERN tl_result tl_token_copy(tl_token **out, const tl_token *token);
/** True when both snapshots hold the same values (field by field, order of groups kept). */
TL_EXTERN bool tl_token_equal(const tl_token *a, const tl_token *b);

/* ---- getters (borrowed pointers stay valid while the token lives and is not modified) --- */
/* Unknown values, one idiom: an optional field has a `bool tl_token_has_<field>()`; when it
 * is false the getter returns a fixed placeholder (0, NULL, TL_IMPERSONATION_NONE,
 * TL_LOGON_TYPE_UNKNOWN, TL_ELEVATION_TYPE_UNKNOWN) that says nothing. No getter returns a
 * negative "unknown" int that could be mistaken for a tl_result. */

/** The user SID (TokenUser); NULL if unset. Borrowed. */
TL_EXTERN const tl_sid *tl_token_user(const tl_token *t);
/** The user's account name as Windows resolved it at capture time ("CONTOSO\\alice",
 *  LookupAccountSid), or NULL when unknown. Borrowed. */
TL_EXTERN const char *tl_token_user_name(const tl_token *t);
/** TokenUser attributes (normally 0; SE_GROUP_USE_FOR_DENY_ONLY in filtered tokens). */
TL_EXTERN uint32_t tl_token_user_attributes(const tl_token *t);
TL_EXTERN size_t tl_token_group_count(const tl_token *t);
/** Group `i` (TokenGroups order) or NULL if out of range. Borrowed. */
TL_EXTERN const tl_sid_and_attributes *tl_token_group_at(const tl_token *t, size_t i);
/** True when the restricted-SID list was captured (an empty list then means "not a
 *  restricted token"); false when unknown (e.g. Wine does not implement the class). */
TL_EXTERN bool tl_token_restricted_known(const tl_token *t);
/** Restricted SIDs (TokenRestrictedSids); zero for a token that is not restricted. */
TL_EXTERN size_t tl_token_restricted_count(const tl_token *t);
TL_EXTERN const tl_sid_and_attributes *tl_token_restricted_at(const tl_token *t, size_t i);
TL_EXTERN size_t tl_token_privilege_count(const tl_token *t);
TL_EXTERN const tl_privilege *tl_token_privilege_at(const tl_token *t, size_t i);
/** Privilege by name (case-insensitive), NULL if the token does not hold it. Borrowed. */
TL_EXTERN const tl_privilege *tl_token_privilege_find(const tl_token *t, const char *name);
/** Default owner for new objects (TokenOwner); NULL if unset. Borrowed. */
TL_EXTERN const tl_sid *tl_token_owner(const tl_token *t);
/** TokenPrimaryGroup; NULL if unset. Borrowed. */
TL_EXTERN const tl_sid *tl_token_primary_group(const tl_token *t);
TL_EXTERN tl_token_type tl_token_get_type(const tl_token *t);
/** True when the token has an impersonation level (an impersonation token whose level was
 *  captured). */
TL_EXTERN bool tl_token_has_impersonation_level(const tl_token *t);
/** Native level 0..3, or TL_IMPERSONATION_NONE for primary tokens / not captured. */
TL_EXTERN tl_impersonation_level tl_token_impersonation_level(const tl_token *t);
/** True when the integrity level is known. */
TL_EXTERN bool tl_token_has_integrity(const tl_token *t);
/** RID of the S-1-16-x mandatory label: 0x1000 low, 0x2000 medium, 0x3000 high, 0x4000
 *  system; 0 (also "untrusted") when unknown, so check tl_token_has_integrity(). */
TL_EXTERN uint32_t tl_token_integrity_rid(const tl_token *t);
/** True when TokenElevation was captured. */
TL_EXTERN bool tl_token_has_elevation(const tl_token *t);
/** TokenElevation: true when elevated; false when not, or unknown (tl_token_has_elevation). */
TL_EXTERN bool tl_token_elevated(const tl_token *t);
TL_EXTERN tl_elevation_type tl_token_elevation_type(const tl_token *t);
/** Terminal-services session id (TokenSessionId); 0 also when unknown. */
TL_EXTERN uint32_t tl_token_session_id(const tl_token *t);
/** True when a logon session LUID is known. */
TL_EXTERN bool tl_token_has_logon_id(const tl_token *t);
/** AuthenticationId (TokenStatistics): the logon session's LUID, as a 64-bit number
 *  (HighPart << 32 | LowPart); 0x3e7 is SYSTEM, 0x3e4 NETWORK SERVICE, 0x3e5 LOCAL SERVICE. */
TL_EXTERN uint64_t tl_token_logon_id(const tl_token *t);
/** Authentication package of the logon session ("NTLM", "Kerberos", "Negotiate"), or NULL.
 *  Borrowed. */
TL_EXTERN const char *tl_token_logon_package(const tl_token *t);
/** True when the logon type of the session was captured. */
TL_EXTERN bool tl_token_has_logon_type(const tl_token *t);
/** SECURITY_LOGON_TYPE of the session; TL_LOGON_TYPE_UNKNOWN when not captured. */
TL_EXTERN tl_logon_type tl_token_logon_type(const tl_token *t);
/** Logon domain and user name of the session, or NULL. Borrowed. */
TL_EXTERN const char *tl_token_logon_domain(const tl_token *t);
TL_EXTERN const char *tl_token_logon_user(const tl_token *t);

/* ---- setters (used by live capture and the JSON loader; also for building test tokens) -- */

TL_EXTERN tl_result tl_token_set_user(tl_token *t, const tl_sid *sid, uint32_t attributes);
/** Set (copied, UTF-8) or clear (NULL) the user's account name. */
TL_EXTERN tl_result tl_token_set_user_name(tl_token *t, const char *name);
/** Append a group. TL_ELIMIT beyond TL_TOKEN_MAX_GROUPS. */
TL_EXTERN tl_result tl_token_add_group(tl_token *t, const tl_sid *sid, uint32_t attributes);
/** Append a restricted SID (also marks the list as known). */
TL_EXTERN tl_result tl_token_add_restricted(tl_token *t, const tl_sid *sid, uint32_t attributes);
/** Mark the restricted-SID list as captured (true) or unknown (false, which also empties it). */
TL_EXTERN tl_result tl_token_set_restricted_known(tl_token *t, bool known);
/** Append a privilege; `name` may be NULL or "" to use the well-known name of `luid`. */
TL_EXTERN tl_result tl_token_add_privilege(tl_token *t, const char *name, uint64_t luid,
                                           uint32_t attributes);
/** NULL unsets. */
TL_EXTERN tl_result tl_token_set_owner(tl_token *t, const tl_sid *sid);
TL_EXTERN tl_result tl_token_set_primary_group(tl_token *t, const tl_sid *sid);
TL_EXTERN tl_result tl_token_set_type(tl_token *t, tl_token_type type);
TL_EXTERN tl_result tl_token_set_impersonation_level(tl_token *t, tl_impersonation_level level);
/** Set the integrity RID; pass `known` false to unset. */
TL_EXTERN tl_result tl_token_set_integrity(tl_token *t, bool known, uint32_t rid);
/** Set TokenElevation (`known` false unsets it; `elevated` is then ignored) and the
 *  elevation type (TL_ELEVATION_TYPE_UNKNOWN when not known). */
TL_EXTERN tl_result tl_token_set_elevation(tl_token *t, bool known, bool elevated,
                                           tl_elevation_type type);
TL_EXTERN tl_result tl_token_set_session_id(tl_token *t, uint32_t session_id);
/** Set (known true) or clear the logon LUID. */
TL_EXTERN tl_result tl_token_set_logon_id(tl_token *t, bool known, uint64_t luid);
/** Logon session details; strings (UTF-8, may be NULL) are copied. */
TL_EXTERN tl_result tl_token_set_logon_session(tl_token *t, const char *package, tl_logon_type type,
                                               const char *domain, const char *user);

/* ---- names --------------------------------------------------------------------------- */

/** "Anonymous", "Identification", "Impersonation", "Delegation"; NULL for others. Static. */
TL_EXTERN const char *tl_impersonation_level_name(int level);
/** Level from its name (case-insensitive); TL_ENOTFOUND for others. */
TL_EXTERN tl_result tl_impersonation_level_from_name(tl_impersonation_level *out, const char *name);
/** "Interactive", "Network", "Batch", "Service", "NetworkCleartext", "NewCredentials", ...;
 *  NULL for unknown numbers. Static. */
TL_EXTERN const char *tl_logon_type_name(int type);
TL_EXTERN tl_result tl_logon_type_from_name(tl_logon_type *out, const char *name);
/** "primary", "impersonation"; NULL for unknown. Static. */
TL_EXTERN const char *tl_token_type_name(int type);
/** "default", "full", "limited"; NULL for unknown. Static. */
TL_EXTERN const char *tl_elevation_type_name(int type);
/** Integrity level name of a mandatory-label RID: "Untrusted", "Low", "Medium",
 *  "MediumPlus", "High", "System", "Protected"; NULL for other values. Static. */
TL_EXTERN const char *tl_integrity_name(uint32_t rid);
/** Well-known privilege name for a LUID (SE_*_PRIVILEGE values 2..36 are fixed in winnt.h),
 *  or NULL. Static. */
TL_EXTERN const char *tl_privilege_name(uint64_t luid);
/**
 * Group attribute flags as a space-separated list in bit order ("mandatory
 * enabled_by_default enabled owner deny_only integrity integrity_enabled resource logon_id"),
 * unknown bits as 0x-hex. `out_size` >= 160 always suffices. TL_ERANGE if too small.
 */
TL_EXTERN tl_result tl_group_attributes_string(char *out, size_t out_size, uint32_t attributes);
/** Privilege attributes ("enabled_by_default enabled removed used_for_access"); "" for 0. */
TL_EXTERN tl_result tl_privilege_attributes_string(char *out, size_t out_size, uint32_t attributes);

/* ---- JSON ---------------------------------------------------------------------------- */

/**
 * Serialise to the versioned snapshot JSON (docs/token-snapshot.md), pretty-printed.
 * Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_token_to_json(char **out, const tl_token *token);
/**
 * Parse snapshot JSON (`len` bytes, need not be NUL-terminated). Strict: unknown version,
 * unknown keys, wrong types, invalid SIDs, out-of-range numbers give TL_EPARSE with the JSON
 * path ("$.groups[3].sid") in tl_error_last()->path; arrays over the bounds give TL_ELIMIT.
 * A whoami document (`tokenlens whoami --json`, tokenlens/whoami.h) gives its effective token.
 * UTF-8 with or without a byte order mark; UTF-16 or a NUL byte is TL_EPARSE (docs/inputs.md).
 * Ownership: *out is freed with tl_token_free().
 */
TL_EXTERN tl_result tl_token_from_json(tl_token **out, const char *text, size_t len);
/** Read a snapshot or whoami file (a regular file of at most TL_TOKEN_MAX_FILE bytes; a FIFO
 * or device is TL_EIO without blocking). Errors as tl_token_from_json(), prefixed "path: ". */
TL_EXTERN tl_result tl_token_load(tl_token **out, const char *path);
/** Write tl_token_to_json() output and a newline to `path`. */
TL_EXTERN tl_result tl_token_save(const tl_token *token, const char *path);

#ifdef __cplusplus
}
#endif
#endif
