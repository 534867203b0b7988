/**
 * @file tokenlens/access.h
 * @brief Offline access check (MS-DTYP 2.5.3.2): a token snapshot, or a plain list of SIDs,
 *        against a security descriptor and a desired mask, giving the granted mask and the
 *        deciding ACE(s) as the reason.
 *
 * Semantics and their sources: docs/access-check.md.
 */
#ifndef TOKENLENS_ACCESS_H
#define TOKENLENS_ACCESS_H

#include "tokenlens/common.h"
#include "tokenlens/sid.h"
#include "tokenlens/token.h"
#include "tokenlens/sd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Which GENERIC_MAPPING applies (GENERIC_READ -> FILE_GENERIC_READ, ...). */
typedef enum tl_object_kind {
    TL_OBJECT_FILE = 0,   /**< files and directories (FILE_GENERIC_*, FILE_ALL_ACCESS) */
    TL_OBJECT_KEY = 1,    /**< registry keys (KEY_READ, KEY_WRITE, KEY_EXECUTE, KEY_ALL_ACCESS) */
    TL_OBJECT_GENERIC = 2 /**< no mapping: generic bits are compared as they are */
} tl_object_kind;

/** Options (flags) for tl_access_check(). */
#define TL_ACCESS_BACKUP_INTENT                                                                    \
    0x1u                             /**< open with backup semantics: an enabled SeBackupPrivilege \
                                          grants read, SeRestorePrivilege grants write */
#define TL_ACCESS_NO_PRIVILEGES 0x2u /**< ignore every privilege of the token */
#define TL_ACCESS_NO_INTEGRITY 0x4u  /**< skip the mandatory integrity policy */
#define TL_ACCESS_RAW_ACE_MASKS                                                                    \
    0x8u /**< do not map generic bits found in ACE masks (AccessCheck                              \
              on a descriptor never stored on an object) */
#define TL_ACCESS_NO_REASONS                                                                       \
    0x10u /**< verdict and masks only, no reasons (about twice as                                  \
               fast: for bulk checks) */

/** Options of tl_access_check(), versioned (libgit2 style): declare them as
 *  `tl_access_options o = TL_ACCESS_OPTIONS_INIT;` and set what you need. A zeroed struct
 *  (version 0) is read as version 1. */
typedef struct tl_access_options {
    unsigned int version;  /**< TL_ACCESS_OPTIONS_VERSION */
    uint32_t flags;        /**< TL_ACCESS_* */
    tl_object_kind object; /**< generic mapping to use */
} tl_access_options;
#define TL_ACCESS_OPTIONS_VERSION 1
#define TL_ACCESS_OPTIONS_INIT                                                                     \
    {                                                                                              \
        TL_ACCESS_OPTIONS_VERSION, 0, TL_OBJECT_FILE                                               \
    }

/** What a reason line is about. */
typedef enum tl_access_reason_kind {
    TL_REASON_ALLOW_ACE = 0,     /**< an allow ACE granted `mask` */
    TL_REASON_DENY_ACE = 1,      /**< a deny ACE denied `mask` */
    TL_REASON_OWNER = 2,         /**< owner's implicit READ_CONTROL | WRITE_DAC */
    TL_REASON_OWNER_RIGHTS = 3,  /**< owner's implicit rights suppressed by an OWNER RIGHTS ACE */
    TL_REASON_NULL_DACL = 4,     /**< NULL DACL grants everything */
    TL_REASON_NO_DACL_MATCH = 5, /**< nothing in the DACL granted `mask` (empty DACL included) */
    TL_REASON_PRIVILEGE = 6,     /**< a privilege granted `mask` */
    TL_REASON_INTEGRITY = 7,     /**< mandatory integrity policy removed `mask` */
    TL_REASON_RESTRICTED = 8,    /**< the restricted-SID pass did not grant `mask` */
    TL_REASON_SKIPPED_ACE = 9,   /**< a matching ACE tokenlens could not evaluate (conditional) */
    TL_REASON_PRIVILEGE_REQUIRED = 10 /**< ACCESS_SYSTEM_SECURITY needs SeSecurityPrivilege */
} tl_access_reason_kind;

/** The canonical word for a reason kind, as the CLI's JSON, Python and PowerShell print it:
 *  "allow_ace", "deny_ace", "owner", "owner_rights", "null_dacl", "no_dacl_match",
 *  "privilege", "integrity", "restricted", "skipped_ace", "privilege_required"; "unknown" for
 *  a value outside the enum. Ownership: a static string. */
TL_EXTERN const char *tl_access_reason_kind_name(tl_access_reason_kind kind);

/** One step of the explanation, borrowed from the result. */
typedef struct tl_access_reason {
    tl_access_reason_kind kind;
    int pass;         /**< 0: the token's user and groups; 1: its restricted SIDs */
    long ace_index;   /**< index in the DACL (or SACL for integrity), -1 when none */
    uint32_t mask;    /**< the bits this step granted, denied or removed */
    const char *ace;  /**< SDDL of the ACE, or NULL */
    const char *text; /**< one English sentence (built on the first read of this reason) */
} tl_access_reason;

typedef struct tl_access_result tl_access_result;

/**
 * Check `token` against `sd` for `desired` (generic bits allowed; TL_MAXIMUM_ALLOWED asks
 * for everything grantable). `opts` may be NULL (file object, privileges honoured, no
 * backup intent). Ownership: *out is freed with tl_access_result_free().
 */
TL_EXTERN tl_result tl_access_check(tl_access_result **out, const tl_sd *sd, const tl_token *token,
                                    uint32_t desired, const tl_access_options *opts);

/**
 * Same with a plain subject: sids[0] is the user, the rest are enabled groups (add Everyone
 * S-1-1-0, Authenticated Users and so on yourself: nothing is implied). Medium integrity, no
 * privileges.
 */
TL_EXTERN tl_result tl_access_check_sids(tl_access_result **out, const tl_sd *sd,
                                         const tl_sid *sids, size_t count, uint32_t desired,
                                         const tl_access_options *opts);

/** Build the token tl_access_check_sids() uses. Ownership: tl_token_free(). */
TL_EXTERN tl_result tl_access_token_from_sids(tl_token **out, const tl_sid *sids, size_t count);

TL_EXTERN void tl_access_result_free(tl_access_result *r);
/** True when every desired bit was granted (with MAXIMUM_ALLOWED alone: anything). */
TL_EXTERN bool tl_access_result_allowed(const tl_access_result *r);
/** What AccessCheck would return as GrantedAccess: the mapped desired mask when allowed
 *  (with MAXIMUM_ALLOWED: everything grantable), 0 when denied. */
TL_EXTERN uint32_t tl_access_result_granted(const tl_access_result *r);
/** Bits of the desired mask that would be granted even when access as a whole is denied. */
TL_EXTERN uint32_t tl_access_result_grantable(const tl_access_result *r);
/** The desired mask after generic mapping (without MAXIMUM_ALLOWED). */
TL_EXTERN uint32_t tl_access_result_desired(const tl_access_result *r);
TL_EXTERN size_t tl_access_result_reason_count(const tl_access_result *r);
/** Reason `index` (NULL when out of range). Its `text` and `ace` are built on the first read
 *  and kept in the result: read one result from one thread at a time. Ownership: borrowed
 *  from `r`. */
TL_EXTERN const tl_access_reason *tl_access_result_reason_at(const tl_access_result *r,
                                                             size_t index);
/** A multi-line explanation: verdict, masks, then one line per reason. Ownership: tl_free(). */
TL_EXTERN tl_result tl_access_result_explain(char **out, const tl_access_result *r);

/** Map generic bits of `mask` for an object kind (MapGenericMask). */
TL_EXTERN uint32_t tl_access_map_generic(uint32_t mask, tl_object_kind object);

#ifdef __cplusplus
}
#endif
#endif
