/**
 * @file tokenlens/icacls.h
 * @brief Real ACL inputs as admins have them: the output of `icacls PATH` and the files
 *        `icacls PATH /save FILE` writes, read as security descriptors; and a descriptor's
 *        DACL printed the way icacls prints it.
 *
 * Formats and where each rule comes from: docs/sddl.md, "icacls".
 */
#ifndef TOKENLENS_ICACLS_H
#define TOKENLENS_ICACLS_H

#include "tokenlens/common.h"
#include "tokenlens/sd.h"
#include "tokenlens/sid.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The entries of one icacls text: a path and its descriptor each. */
typedef struct tl_icacls tl_icacls;

/**
 * Parse `len` bytes of icacls text: either `icacls PATH` output (a path, then one
 * `NAME:(flags)(rights)` per ACE, continuation lines indented, a blank line between files,
 * the closing "Successfully processed" line ignored) or an `icacls /save` file (a path line
 * and an SDDL line per file; UTF-16LE with or without a BOM, or UTF-8). Names resolve like
 * tl_sid_resolve() (well-known names, `IIS APPPOOL\x`, `NT SERVICE\x`, SDDL aliases, string
 * SIDs; domain-relative ones against `domain`, which may be NULL). Errors: TL_EPARSE or
 * TL_ENOTFOUND with the line in the message and the byte offset; TL_ELIMIT beyond 16 MiB or
 * 100,000 entries. Ownership: *out is freed with tl_icacls_free().
 */
TL_EXTERN tl_result tl_icacls_parse(tl_icacls **out, const char *text, size_t len,
                                    const tl_sid *domain);
TL_EXTERN void tl_icacls_free(tl_icacls *icacls);
TL_EXTERN size_t tl_icacls_count(const tl_icacls *icacls);
/** Path of entry `index` (UTF-8), or NULL. Ownership: borrowed from `icacls`. */
TL_EXTERN const char *tl_icacls_path_at(const tl_icacls *icacls, size_t index);
/** Descriptor of entry `index`, or NULL. Ownership: borrowed from `icacls`. */
TL_EXTERN const tl_sd *tl_icacls_sd_at(const tl_icacls *icacls, size_t index);

/**
 * The DACL in icacls style, one `NAME:(flags)(rights)` line per ACE ending in '\n': names
 * from the well-known table (the SID string otherwise), inheritance flags (I)(OI)(CI)(IO)(NP),
 * (DENY) for deny ACEs, rights as F, M, RX, R, W, D or N when the mask is exactly one of them,
 * a comma list of them when it is their union, else the specific rights (RD,WD,...).
 * TL_ENOTIMPL for an ACE type icacls cannot show (object and conditional ACEs). Ownership:
 * *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_sd_to_icacls(char **out, const tl_sd *sd);

#ifdef __cplusplus
}
#endif
#endif
