/**
 * @file tokenlens/sid.h
 * @brief Security identifiers: string and binary forms, well-known names, SDDL aliases and
 *        offline virtual-account SIDs (IIS APPPOOL\\pool, NT SERVICE\\service).
 *
 * A tl_sid is a fixed-size value type: copy it with `=`, no allocation, no free.
 * Rules and sources: docs/sid.md.
 */
#ifndef TOKENLENS_SID_H
#define TOKENLENS_SID_H

#include "tokenlens/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** SID_MAX_SUB_AUTHORITIES in winnt.h. */
#define TL_SID_MAX_SUB_AUTHORITIES 15
/** Bytes of the largest binary SID (8 + 4 * 15). */
#define TL_SID_MAX_BINARY 68
/** Buffer size that holds any formatted SID with its NUL. */
#define TL_SID_STRING_MAX 192

/** A SID by value. Layout mirrors the binary SID but in host byte order. */
typedef struct tl_sid {
    uint8_t revision;                                   /**< always 1 */
    uint8_t sub_authority_count;                        /**< 0..15 */
    uint8_t authority[6];                               /**< big-endian 48-bit authority */
    uint32_t sub_authority[TL_SID_MAX_SUB_AUTHORITIES]; /**< only the first count are used */
} tl_sid;

/**
 * Parse a string SID the way ConvertStringSidToSid does ("S-1-5-32-544", authority in decimal
 * or 0x-hex). Rejects empty input, overflowing values, more than 15 sub-authorities and
 * trailing garbage with TL_EPARSE and the byte offset of the fault. Does not accept names or
 * SDDL aliases: see tl_sid_resolve() for that.
 */
TL_EXTERN tl_result tl_sid_from_string(tl_sid *out, const char *str);

/** Like tl_sid_from_string() over `len` bytes that need not be NUL-terminated. */
TL_EXTERN tl_result tl_sid_from_stringn(tl_sid *out, const char *str, size_t len);

/**
 * Format as ConvertSidToStringSid does ("S-1-5-18"; authorities >= 2^32 as 0x hex).
 * `out_size` must be at least TL_SID_STRING_MAX or large enough (TL_ERANGE otherwise).
 */
TL_EXTERN tl_result tl_sid_to_string(char *out, size_t out_size, const tl_sid *sid);

/**
 * Parse a binary SID. `len` is the bytes available; fails with TL_EPARSE (offset set) if the
 * revision is not 1, the count exceeds 15 or the buffer is shorter than the count requires.
 * `consumed` (may be NULL) receives the SID's length in bytes.
 */
TL_EXTERN tl_result tl_sid_from_binary(tl_sid *out, const void *data, size_t len, size_t *consumed);

/** Length in bytes of the binary form (8 + 4 * count). */
TL_EXTERN size_t tl_sid_binary_size(const tl_sid *sid);

/** Write the binary form; TL_ERANGE if out_size is too small. `written` may be NULL. */
TL_EXTERN tl_result tl_sid_to_binary(void *out, size_t out_size, const tl_sid *sid,
                                     size_t *written);

/** Total order (authority, then count, then sub-authorities); 0 when equal. */
TL_EXTERN int tl_sid_compare(const tl_sid *a, const tl_sid *b);
/** True when both SIDs are identical. */
TL_EXTERN bool tl_sid_equal(const tl_sid *a, const tl_sid *b);
/** A hash consistent with tl_sid_equal() (FNV-1a over the binary form). */
TL_EXTERN uint32_t tl_sid_hash(const tl_sid *sid);
/** True for a structurally valid SID (revision 1, count <= 15). */
TL_EXTERN bool tl_sid_is_valid(const tl_sid *sid);

/** Build a SID from a 48-bit authority and sub-authorities (count <= 15). */
TL_EXTERN tl_result tl_sid_init(tl_sid *out, uint64_t authority, const uint32_t *subs,
                                size_t count);
/** The 48-bit identifier authority as an integer. */
TL_EXTERN uint64_t tl_sid_authority(const tl_sid *sid);
/** Append a relative identifier (domain SID + RID); TL_ERANGE when already 15. */
TL_EXTERN tl_result tl_sid_append_rid(tl_sid *out, const tl_sid *domain, uint32_t rid);
/** Split the last sub-authority off: domain part into `domain` (may be NULL), RID into `rid`. */
TL_EXTERN tl_result tl_sid_split_rid(tl_sid *domain, uint32_t *rid, const tl_sid *sid);

/* ---- names ---------------------------------------------------------------------------- */

/** Kinds of accounts tokenlens knows about. */
typedef enum tl_sid_kind {
    TL_SID_KIND_UNKNOWN = 0,
    TL_SID_KIND_WELL_KNOWN,      /**< fixed SID, same on every machine (S-1-5-17 IUSR) */
    TL_SID_KIND_BUILTIN,         /**< BUILTIN alias (S-1-5-32-x) */
    TL_SID_KIND_DOMAIN_RELATIVE, /**< domain SID + well-known RID (Domain Admins, 512) */
    TL_SID_KIND_IIS_APPPOOL,     /**< S-1-5-82-hash: IIS APPPOOL\\pool */
    TL_SID_KIND_SERVICE,         /**< S-1-5-80-hash: NT SERVICE\\service */
    TL_SID_KIND_LOGON_SESSION,   /**< S-1-5-5-x-y */
    TL_SID_KIND_INTEGRITY,       /**< S-1-16-x mandatory label */
    TL_SID_KIND_CAPABILITY,      /**< S-1-15-3-... */
    TL_SID_KIND_ACCOUNT          /**< S-1-5-21-...: a local or domain account */
} tl_sid_kind;

/** Classify a SID. */
TL_EXTERN tl_sid_kind tl_sid_kind_of(const tl_sid *sid);

/**
 * Canonical name of a kind, the word the CLI, Python and PowerShell all print: "well-known",
 * "builtin", "domain-relative", "iis-apppool", "service", "logon-session", "integrity",
 * "capability", "account"; "unknown" for TL_SID_KIND_UNKNOWN and values outside the enum.
 * Static string, never NULL.
 */
TL_EXTERN const char *tl_sid_kind_name(tl_sid_kind kind);

/**
 * Canonical account name of a well-known SID, as LookupAccountSid shows it on an English
 * system ("NT AUTHORITY\\IUSR", "BUILTIN\\IIS_IUSRS", "Everyone"). Domain-relative SIDs get a
 * name such as "Domain Admins" without a domain part. TL_ENOTFOUND when not well known
 * (including virtual accounts, whose names cannot be recovered from the hash).
 * Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_sid_lookup_name(char **out, const tl_sid *sid);

/**
 * Resolve text to a SID: a string SID, an SDDL alias ("BA", "NS"; domain-relative aliases
 * like "DU" need `domain`, which may be NULL), a well-known name with or without its domain
 * ("NT AUTHORITY\\IUSR", "IUSR", "BUILTIN\\IIS_IUSRS", "Everyone"), or a virtual account
 * ("IIS APPPOOL\\DefaultAppPool", "NT SERVICE\\TrustedInstaller"). Names compare
 * case-insensitively. TL_ENOTFOUND for unknown names; TL_EPARSE for malformed SID strings.
 */
TL_EXTERN tl_result tl_sid_resolve(tl_sid *out, const char *text, const tl_sid *domain);

/**
 * Canonical account name of what `text` names (the name every front end prints next to the SID
 * tl_sid_resolve() gives): the well-known name ("ba" and "builtin\administrators" both give
 * "BUILTIN\Administrators"), or for a virtual account the account part as typed behind the
 * canonical domain ("iis apppool\Coke" gives "IIS APPPOOL\Coke": the SHA-1 cannot be
 * reversed, so the typed part is the name; its case does not change the SID of a pool).
 * TL_ENOTFOUND when the SID has no name tokenlens knows (a string SID of an account); other
 * failures as tl_sid_resolve(). On failure *out is NULL.
 * Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_sid_resolve_name(char **out, const char *text, const tl_sid *domain);

/**
 * SID for an SDDL two-letter alias ("BA", "SY", "DU" ...). Domain-relative aliases need
 * `domain` (a S-1-5-21-a-b-c SID); without it they fail with TL_ENOTFOUND naming the alias.
 * Case-insensitive, as ConvertStringSidToSid is ("wD" is Everyone; Wine's conformance tests,
 * recorded on Windows).
 */
TL_EXTERN tl_result tl_sid_from_sddl_alias(tl_sid *out, const char *alias, const tl_sid *domain);

/**
 * The SDDL alias Windows prints for this SID, or NULL when it prints the string SID.
 * `domain` (may be NULL) enables domain-relative aliases. Static string.
 */
TL_EXTERN const char *tl_sid_sddl_alias(const tl_sid *sid, const tl_sid *domain);

/**
 * Virtual-account SID of an IIS application pool: "IIS APPPOOL\\<pool>" is
 * S-1-5-82- followed by SHA-1(UTF-16LE(lowercase(pool))) as five little-endian uint32.
 * `pool` is UTF-8, without the "IIS APPPOOL\\" prefix; TL_EINVAL when empty.
 */
TL_EXTERN tl_result tl_sid_iis_apppool(tl_sid *out, const char *pool);

/**
 * Service SID: "NT SERVICE\\<name>" is S-1-5-80- followed by
 * SHA-1(UTF-16LE(uppercase(name))) as five little-endian uint32 (RtlCreateServiceSid).
 */
TL_EXTERN tl_result tl_sid_service(tl_sid *out, const char *service);

/** Iterate the built-in well-known table (for docs, bindings and tests). */
typedef struct tl_sid_wellknown {
    const char *sid;        /**< string SID, or the RID as "-512" for domain-relative rows */
    const char *domain;     /**< "NT AUTHORITY", "BUILTIN", "" ... */
    const char *name;       /**< account name ("IUSR") */
    const char *sddl_alias; /**< two-letter SDDL alias or NULL */
} tl_sid_wellknown;
TL_EXTERN size_t tl_sid_wellknown_count(void);
TL_EXTERN const tl_sid_wellknown *tl_sid_wellknown_at(size_t index);

#ifdef __cplusplus
}
#endif
#endif
