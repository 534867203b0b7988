/**
 * @file tokenlens/whoami.h
 * @brief Import the text of `whoami /all` (and /user, /groups, /priv, /fo list, /fo csv) as
 *        a token snapshot, as an admin copies it from a console. docs/whoami-import.md.
 */
#ifndef TOKENLENS_WHOAMI_H
#define TOKENLENS_WHOAMI_H

#include "tokenlens/common.h"
#include "tokenlens/token.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest text tl_token_from_whoami_text() reads. */
#define TL_WHOAMI_MAX_TEXT (4u * 1024u * 1024u)

/**
 * Build a primary-token snapshot from whoami output (`len` bytes; UTF-8, or UTF-16LE with a
 * BOM as Windows PowerShell's `>` writes it). Prompt lines, trailing padding and lines
 * wrapped by a narrow console are accepted; localised headers are read by column position.
 * Group attributes become SE_GROUP_* bits, a privilege whose State is Enabled gets
 * SE_PRIVILEGE_ENABLED, the Mandatory Label row sets the integrity level. What is not
 * understood is never guessed: it is left out and described in `*notes` (may be NULL; one
 * note per line, "line N: ..."; NULL when there is nothing to say).
 * TL_EPARSE (naming the line) when no user, group or privilege is found, TL_ELIMIT beyond
 * TL_WHOAMI_MAX_TEXT. Ownership: *out with tl_token_free(), *notes with tl_free(); both
 * untouched on failure.
 */
TL_EXTERN tl_result tl_token_from_whoami_text(tl_token **out, const char *text, size_t len,
                                              char **notes);

#ifdef __cplusplus
}
#endif
#endif
