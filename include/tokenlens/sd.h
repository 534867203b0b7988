/**
 * @file tokenlens/sd.h
 * @brief Security descriptors: owner, group, DACL and SACL with their control flags; SDDL in
 *        and out exactly as Windows writes it; the binary self-relative form in and out.
 *
 * A tl_sd is opaque: create it with tl_sd_new(), tl_sd_from_sddl() or tl_sd_from_binary(),
 * release it with tl_sd_free(). ACEs are read through count + indexed getters that return
 * borrowed views, valid while the descriptor lives and is not modified.
 * Numbering follows winnt.h (ACE types, ACE flags, control bits), so values compare directly
 * with what Windows reports. Rules, quirks and sources: docs/sddl.md.
 */
#ifndef TOKENLENS_SD_H
#define TOKENLENS_SD_H

#include "tokenlens/common.h"
#include "tokenlens/sid.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- control bits (SECURITY_DESCRIPTOR_CONTROL, winnt.h SE_*) ------------------------ */
#define TL_SD_OWNER_DEFAULTED 0x0001u
#define TL_SD_GROUP_DEFAULTED 0x0002u
#define TL_SD_DACL_PRESENT 0x0004u
#define TL_SD_DACL_DEFAULTED 0x0008u
#define TL_SD_SACL_PRESENT 0x0010u
#define TL_SD_SACL_DEFAULTED 0x0020u
#define TL_SD_DACL_AUTO_INHERIT_REQ 0x0100u /**< SDDL "AR" on D: */
#define TL_SD_SACL_AUTO_INHERIT_REQ 0x0200u /**< SDDL "AR" on S: */
#define TL_SD_DACL_AUTO_INHERITED 0x0400u   /**< SDDL "AI" on D: */
#define TL_SD_SACL_AUTO_INHERITED 0x0800u   /**< SDDL "AI" on S: */
#define TL_SD_DACL_PROTECTED 0x1000u        /**< SDDL "P" on D: */
#define TL_SD_SACL_PROTECTED 0x2000u        /**< SDDL "P" on S: */
#define TL_SD_RM_CONTROL_VALID 0x4000u
#define TL_SD_SELF_RELATIVE 0x8000u

/* ---- ACE types (winnt.h *_ACE_TYPE) and their SDDL strings ----------------------------- */
#define TL_ACE_ACCESS_ALLOWED 0x00u                 /**< A  */
#define TL_ACE_ACCESS_DENIED 0x01u                  /**< D  */
#define TL_ACE_SYSTEM_AUDIT 0x02u                   /**< AU */
#define TL_ACE_SYSTEM_ALARM 0x03u                   /**< AL */
#define TL_ACE_ACCESS_ALLOWED_OBJECT 0x05u          /**< OA */
#define TL_ACE_ACCESS_DENIED_OBJECT 0x06u           /**< OD */
#define TL_ACE_SYSTEM_AUDIT_OBJECT 0x07u            /**< OU */
#define TL_ACE_SYSTEM_ALARM_OBJECT 0x08u            /**< OL */
#define TL_ACE_ACCESS_ALLOWED_CALLBACK 0x09u        /**< XA (conditional) */
#define TL_ACE_ACCESS_DENIED_CALLBACK 0x0Au         /**< XD (conditional) */
#define TL_ACE_ACCESS_ALLOWED_CALLBACK_OBJECT 0x0Bu /**< ZA (conditional object) */
#define TL_ACE_SYSTEM_AUDIT_CALLBACK 0x0Du          /**< XU (conditional audit) */
#define TL_ACE_SYSTEM_MANDATORY_LABEL 0x11u         /**< ML */
#define TL_ACE_SYSTEM_SCOPED_POLICY_ID 0x13u        /**< SP */
#define TL_ACE_SYSTEM_PROCESS_TRUST_LABEL 0x14u     /**< TL */

/* ---- ACE flags (winnt.h) ------------------------------------------------------------- */
#define TL_ACE_OBJECT_INHERIT 0x01u       /**< OI */
#define TL_ACE_CONTAINER_INHERIT 0x02u    /**< CI */
#define TL_ACE_NO_PROPAGATE_INHERIT 0x04u /**< NP */
#define TL_ACE_INHERIT_ONLY 0x08u         /**< IO */
#define TL_ACE_INHERITED 0x10u            /**< ID */
#define TL_ACE_SUCCESSFUL_ACCESS 0x40u    /**< SA */
#define TL_ACE_FAILED_ACCESS 0x80u        /**< FA */

/* Object ACE flags (ACE_OBJECT_TYPE_PRESENT, ACE_INHERITED_OBJECT_TYPE_PRESENT). */
#define TL_ACE_OBJECT_TYPE_PRESENT 0x1u
#define TL_ACE_INHERITED_OBJECT_TYPE_PRESENT 0x2u

/* ---- access mask bits used by SDDL ------------------------------------------------------ */
#define TL_DELETE 0x00010000u
#define TL_READ_CONTROL 0x00020000u
#define TL_WRITE_DAC 0x00040000u
#define TL_WRITE_OWNER 0x00080000u
#define TL_SYNCHRONIZE 0x00100000u
#define TL_ACCESS_SYSTEM_SECURITY 0x01000000u
#define TL_MAXIMUM_ALLOWED 0x02000000u
#define TL_GENERIC_ALL 0x10000000u
#define TL_GENERIC_EXECUTE 0x20000000u
#define TL_GENERIC_WRITE 0x40000000u
#define TL_GENERIC_READ 0x80000000u
#define TL_FILE_ALL_ACCESS 0x001F01FFu      /**< FA */
#define TL_FILE_GENERIC_READ 0x00120089u    /**< FR */
#define TL_FILE_GENERIC_WRITE 0x00120116u   /**< FW */
#define TL_FILE_GENERIC_EXECUTE 0x001200A0u /**< FX */
#define TL_KEY_ALL_ACCESS 0x000F003Fu       /**< KA */
#define TL_KEY_READ 0x00020019u             /**< KR (KX is the same value) */
#define TL_KEY_WRITE 0x00020006u            /**< KW */
/* Mandatory label policy bits (in the mask of an ML ACE). */
#define TL_MANDATORY_NO_WRITE_UP 0x1u   /**< NW */
#define TL_MANDATORY_NO_READ_UP 0x2u    /**< NR */
#define TL_MANDATORY_NO_EXECUTE_UP 0x4u /**< NX */

/** Safety bounds. An ACL's size is a 16-bit field, so 65532 bytes is Windows' own limit. */
#define TL_SD_MAX_ACL_BYTES 65532u
#define TL_SD_MAX_ACES 4096u
/** Longest SDDL text accepted (TL_ELIMIT beyond). */
#define TL_SDDL_MAX_TEXT (1024u * 1024u)

/** A GUID in its binary (little-endian Data1..3) layout, as stored in object ACEs. */
typedef struct tl_guid {
    uint8_t bytes[16];
} tl_guid;

/** Which ACL of a descriptor. */
typedef enum tl_acl_kind { TL_ACL_DACL = 0, TL_ACL_SACL = 1 } tl_acl_kind;

/**
 * One ACE, as a borrowed view. For callback (conditional) ACEs `app_data` holds the binary
 * expression Windows stores ("artx", MS-DTYP 2.4.4.17) and `condition` its canonical SDDL
 * text as Windows prints it, outer parentheses included (NULL when the data is not a valid
 * expression). Resource attribute ACEs (type 0x12, SDDL "RA") hold the
 * CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 bytes (MS-DTYP 2.4.10.1) in `app_data` and their
 * canonical text `("name",TS,0x0,"value",...)` in `condition`. tl_sd_add_ace() with a
 * `condition` but no `app_data` cannot be encoded to binary (TL_ENOTIMPL). Both are NULL for
 * other ACEs.
 */
typedef struct tl_ace {
    uint8_t type;          /**< TL_ACE_* type */
    uint8_t flags;         /**< TL_ACE_* flags */
    uint32_t mask;         /**< access mask */
    uint32_t object_flags; /**< TL_ACE_OBJECT_TYPE_PRESENT | ..._INHERITED_... (object ACEs) */
    tl_guid object_type;
    tl_guid inherited_object_type;
    tl_sid sid;
    const char *condition;
    const uint8_t *app_data;
    size_t app_data_len;
} tl_ace;

typedef struct tl_sd tl_sd;

/** An empty descriptor (no owner, group, DACL or SACL). Ownership: tl_sd_free(). */
TL_EXTERN tl_result tl_sd_new(tl_sd **out);
/** Release a descriptor. NULL is ignored. */
TL_EXTERN void tl_sd_free(tl_sd *sd);
/** Deep copy. Ownership: tl_sd_free(). */
TL_EXTERN tl_result tl_sd_copy(tl_sd **out, const tl_sd *sd);

/**
 * Parse SDDL as ConvertStringSecurityDescriptorToSecurityDescriptor does (docs/sddl.md):
 * aliases and rights case-insensitive, the whitespace Windows tolerates, numeric masks with
 * wcstoul semantics (saturating, octal, negative), Windows' SID quirks. Domain-relative
 * aliases (DA, DU, ...) need `domain` (any SID, e.g. S-1-5-21-a-b-c or the S-1-2-3-4
 * Windows' own recorded tests use; may be NULL, then they fail). Resource attribute ACEs
 * (RA) and conditional ACEs are parsed to their binary forms. Errors: TL_EPARSE with
 * tl_error_last()->offset = byte offset of the fault; TL_ELIMIT for an ACL over 64 KiB or
 * text over TL_SDDL_MAX_TEXT.
 * Ownership: *out is freed with tl_sd_free().
 */
TL_EXTERN tl_result tl_sd_from_sddl(tl_sd **out, const char *text, const tl_sid *domain);

/**
 * Format as ConvertSecurityDescriptorToStringSecurityDescriptor (all four parts) does:
 * O, G, D, S in that order; rights as one alias when the mask equals FA/FR/FW/FX/KA/KR/KW,
 * else as two-letter names in bit order when every bit has one, else "0x" lowercase hex.
 * SIDs with an alias print as the alias (domain-relative ones only for `domain`).
 * Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_sd_to_sddl(char **out, const tl_sd *sd, const tl_sid *domain);

/**
 * Parse a self-relative binary descriptor (MS-DTYP 2.4.6) with full bounds checking: every
 * offset, size and count is validated against `len`; TL_EPARSE with the byte offset of the
 * fault. Trailing bytes after the described parts are allowed (Windows buffers are often
 * larger). Ownership: *out is freed with tl_sd_free().
 */
TL_EXTERN tl_result tl_sd_from_binary(tl_sd **out, const void *data, size_t len);

/** Parts tl_sd_from_path() reads (SECURITY_INFORMATION bits). */
#define TL_SD_PART_OWNER 0x1u
#define TL_SD_PART_GROUP 0x2u
#define TL_SD_PART_DACL 0x4u
#define TL_SD_PART_SACL 0x8u   /**< needs SeSecurityPrivilege enabled */
#define TL_SD_PART_LABEL 0x10u /**< the mandatory label (an ML ACE in the SACL) */
#define TL_SD_PART_DEFAULT                                                                         \
    (TL_SD_PART_OWNER | TL_SD_PART_GROUP | TL_SD_PART_DACL | TL_SD_PART_LABEL)

/**
 * Read the security descriptor of a file or directory (GetNamedSecurityInfoW, SE_FILE_OBJECT),
 * `parts` a set of TL_SD_PART_* (0 = TL_SD_PART_DEFAULT). `path` is UTF-8. Windows only:
 * TL_ENOTSUP elsewhere; TL_ENOTFOUND when the path does not exist, other failures TL_ERROR
 * with the Win32 code in tl_error_last()->native and the path in the message. Ownership: *out is
 * freed with tl_sd_free().
 */
TL_EXTERN int tl_sd_from_path(tl_sd **out, const char *path, unsigned int parts);

/**
 * Build the self-relative form Windows builds from SDDL: 20-byte header with
 * SE_SELF_RELATIVE, then SACL, DACL, owner, group (RtlAbsoluteToSelfRelativeSD order); ACL
 * revision 4 when the ACL holds object ACEs, else 2; conditional expressions as their binary
 * "artx" form. TL_ENOTIMPL for an ACE added with condition text but no binary expression.
 * Ownership: *out is freed with tl_free(); *len is its size.
 */
TL_EXTERN tl_result tl_sd_to_binary(uint8_t **out, size_t *len, const tl_sd *sd);

/** Control bits (TL_SD_*). TL_SD_SELF_RELATIVE is not kept in memory. */
TL_EXTERN uint16_t tl_sd_control(const tl_sd *sd);
/** Set the control bits other than the PRESENT bits (which follow the ACLs). */
TL_EXTERN tl_result tl_sd_set_control(tl_sd *sd, uint16_t control);
/** Owner / group SID, borrowed; NULL when absent. */
TL_EXTERN const tl_sid *tl_sd_owner(const tl_sd *sd);
TL_EXTERN const tl_sid *tl_sd_group(const tl_sd *sd);
/** Set (or with NULL remove) the owner / group. */
TL_EXTERN tl_result tl_sd_set_owner(tl_sd *sd, const tl_sid *sid);
TL_EXTERN tl_result tl_sd_set_group(tl_sd *sd, const tl_sid *sid);

/** True when the ACL is present (a present DACL may still be NULL: see tl_sd_acl_is_null). */
TL_EXTERN bool tl_sd_acl_present(const tl_sd *sd, tl_acl_kind which);
/** True for a NULL ACL: present without an ACL (SDDL "D:NO_ACCESS_CONTROL"). */
TL_EXTERN bool tl_sd_acl_is_null(const tl_sd *sd, tl_acl_kind which);
/** Number of ACEs in the ACL (0 when absent or NULL). */
TL_EXTERN size_t tl_sd_ace_count(const tl_sd *sd, tl_acl_kind which);
/** ACE `index` of the ACL, borrowed; NULL when out of range. */
TL_EXTERN const tl_ace *tl_sd_ace_at(const tl_sd *sd, tl_acl_kind which, size_t index);
/** Make the ACL present and empty (`null` false) or present and NULL (`null` true). */
TL_EXTERN tl_result tl_sd_set_acl(tl_sd *sd, tl_acl_kind which, bool null);
/** Remove the ACL (not present). */
TL_EXTERN tl_result tl_sd_remove_acl(tl_sd *sd, tl_acl_kind which);
/** Append a copy of `ace` (condition and app_data copied); makes the ACL present. */
TL_EXTERN tl_result tl_sd_add_ace(tl_sd *sd, tl_acl_kind which, const tl_ace *ace);

/** One ACE as SDDL "(type;flags;rights;guid;guid;sid[;condition])". Ownership: tl_free(). */
TL_EXTERN tl_result tl_ace_to_sddl(char **out, const tl_ace *ace, const tl_sid *domain);
/** SDDL type string of an ACE type ("A", "OA", "ML"); NULL when SDDL has none. Static. */
TL_EXTERN const char *tl_ace_type_sddl(uint8_t type);
/**
 * An access mask as Windows prints it in an ACE of type `ace_type` (mandatory label ACEs
 * use NW/NR/NX). Writes at most out_size bytes; TL_ERANGE if too small (80 always suffices).
 */
TL_EXTERN tl_result tl_sddl_rights_string(char *out, size_t out_size, uint32_t mask,
                                          uint8_t ace_type);
/**
 * Parse an SDDL rights field ("FR", "RPWP", "0x1200a9", "-99") with the same rules as inside
 * an ACE. TL_EPARSE with the offset of the fault.
 */
TL_EXTERN tl_result tl_sddl_rights_from_string(uint32_t *out, const char *text);
/** Parse "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (exactly 36 characters, no braces). */
TL_EXTERN tl_result tl_guid_from_string(tl_guid *out, const char *text, size_t len);
/** Format a GUID in lower case (37 bytes with NUL). */
TL_EXTERN tl_result tl_guid_to_string(char *out, size_t out_size, const tl_guid *guid);

#ifdef __cplusplus
}
#endif
#endif
