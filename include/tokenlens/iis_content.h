/**
 * @file tokenlens/iis_content.h
 * @brief The content-folder descriptors of IIS sites, for the isolation verdict: pairs of a
 * site name and its folder's security descriptor, given as `SITE=SDDL` (one per argument, or
 * one per line of a file: `#` starts a comment, blank lines are skipped).
 *
 * The one reader of that format: the CLI (`tokenlens iis --content / --content-file`) and the
 * bindings (`Test-TLIisIsolation -Content / -ContentFile`) both use it.
 */
#ifndef TOKENLENS_IIS_CONTENT_H
#define TOKENLENS_IIS_CONTENT_H

#include "tokenlens/common.h"
#include "tokenlens/iis.h"
#include "tokenlens/sd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most pairs one list holds (TL_ELIMIT beyond). */
#define TL_IIS_CONTENT_MAX_SITES 4096
/** Largest content file tl_iis_content_load() reads (TL_ELIMIT beyond: nothing is read). */
#define TL_IIS_CONTENT_MAX_FILE (1u << 20)
/** Longest line of a content file (TL_ELIMIT naming the line): four times the SDDL of the
 *  largest ACL Windows stores (64 KiB binary, about 2.5 text bytes per binary byte). */
#define TL_IIS_CONTENT_MAX_LINE (256u * 1024u)

/** Opaque list of (site, descriptor) pairs; free with tl_iis_content_free(). */
typedef struct tl_iis_content tl_iis_content;

/** An empty list. Ownership: *out is freed with tl_iis_content_free(). */
TL_EXTERN tl_result tl_iis_content_new(tl_iis_content **out);

/** Append `site` and the descriptor parsed from `sddl` (both copied). TL_EINVAL for an empty
 *  site name; SDDL errors as tl_sd_from_sddl(), prefixed with the site; TL_EPARSE when the
 *  list already has that site (names compare ASCII case-insensitively, as IIS compares
 *  them): one folder cannot have two descriptors, and guessing which one is meant could
 *  turn a failing verdict into a passing one. */
TL_EXTERN tl_result tl_iis_content_add(tl_iis_content *c, const char *site, const char *sddl);

/** Append one `SITE=SDDL` pair. TL_EPARSE (offset 0) when there is no '=' after a non-empty
 *  site name. */
TL_EXTERN tl_result tl_iis_content_add_spec(tl_iis_content *c, const char *spec);

/**
 * Append the pairs of a content file's text: one `SITE=SDDL` per line, surrounding blanks
 * trimmed, `#` comments and blank lines skipped; the text is UTF-8 (a leading UTF-8 byte
 * order mark is skipped). Errors name the line ("line 3"), in tl_error::path too, with
 * tl_error::offset = where that line starts: TL_EPARSE for a malformed line, a NUL byte,
 * bytes that are not UTF-8, a UTF-16 text (re-save as UTF-8), a site given twice (naming the
 * first line too); TL_ELIMIT for text over TL_IIS_CONTENT_MAX_FILE, a line over
 * TL_IIS_CONTENT_MAX_LINE or more than TL_IIS_CONTENT_MAX_SITES pairs. Whole text or
 * nothing: on failure the list is as it was before the call.
 */
TL_EXTERN tl_result tl_iis_content_parse(tl_iis_content *c, const char *text, size_t len);

/** tl_iis_content_parse() of a file (at most TL_IIS_CONTENT_MAX_FILE bytes); errors are
 *  prefixed with the path ("site.content: line 3: ..."); TL_EIO when it cannot be read. */
TL_EXTERN tl_result tl_iis_content_load(tl_iis_content *c, const char *path);

TL_EXTERN size_t tl_iis_content_count(const tl_iis_content *c);
/** Site name of pair `i`, NULL past the end. Borrowed from `c`. */
TL_EXTERN const char *tl_iis_content_site(const tl_iis_content *c, size_t i);
/** Descriptor of pair `i`, NULL past the end. Borrowed from `c`. */
TL_EXTERN const tl_sd *tl_iis_content_sd(const tl_iis_content *c, size_t i);

/** tl_iis_isolation_evaluate() over the pairs of `c`. Ownership: *out is freed with
 *  tl_iis_isolation_free(); it borrows from `audit` (not from `c`). */
TL_EXTERN tl_result tl_iis_content_evaluate(tl_iis_isolation **out, const tl_iis_audit *audit,
                                            const tl_iis_content *c);

/** Release a list. NULL is ignored. */
TL_EXTERN void tl_iis_content_free(tl_iis_content *c);

#ifdef __cplusplus
}
#endif
#endif
