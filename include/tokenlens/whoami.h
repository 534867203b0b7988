/**
 * @file tokenlens/whoami.h
 * @brief The whoami document: the process token, the calling thread's impersonation token and
 * the effective token, captured live (Windows) or read back from a saved document anywhere.
 *
 * JSON form (what `tokenlens whoami --json` prints and `--save` writes):
 * {"process": T|null, "thread": T|null, "effective": T|null}, each T a token snapshot
 * (docs/token-snapshot.md). A file holding a single token snapshot also loads: an
 * impersonation token as the thread token (process unknown), any other as the process token.
 */
#ifndef TOKENLENS_WHOAMI_H
#define TOKENLENS_WHOAMI_H

#include "tokenlens/common.h"
#include "tokenlens/token.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque whoami document; free with tl_whoami_free(). */
typedef struct tl_whoami tl_whoami;

/**
 * Capture the live process token and, when the calling thread impersonates, its thread token.
 * TL_ENOTSUP off Windows. Ownership: *out is freed with tl_whoami_free().
 */
TL_EXTERN tl_result tl_whoami_capture(tl_whoami **out);

/**
 * Parse a whoami document or a single token snapshot (at most TL_TOKEN_MAX_FILE bytes).
 * Errors name the JSON path ("$.thread.groups[2].sid"); TL_EPARSE for an unknown top-level
 * key or a document with neither a process nor a thread token.
 * Ownership: *out is freed with tl_whoami_free().
 */
TL_EXTERN tl_result tl_whoami_from_json(tl_whoami **out, const char *text, size_t len);

/** tl_whoami_from_json() of a file. Ownership: *out is freed with tl_whoami_free(). */
TL_EXTERN tl_result tl_whoami_load(tl_whoami **out, const char *path);

/**
 * The document as JSON (2-space indent, keys in schema order, ASCII), without a trailing
 * newline. Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_whoami_to_json(char **out, const tl_whoami *w);

/** Write tl_whoami_to_json() and a newline to `path`. */
TL_EXTERN tl_result tl_whoami_save(const tl_whoami *w, const char *path);

/** The process token, or NULL when the document has none. Borrowed from `w`. */
TL_EXTERN const tl_token *tl_whoami_process(const tl_whoami *w);

/** The thread's impersonation token, or NULL when the thread does not impersonate.
 *  Borrowed from `w`. */
TL_EXTERN const tl_token *tl_whoami_thread(const tl_whoami *w);

/** The effective token: a saved "effective" member, else the thread token when there is one,
 *  else the process token. Borrowed from `w`. */
TL_EXTERN const tl_token *tl_whoami_effective(const tl_whoami *w);

/** Release a document. NULL is ignored. */
TL_EXTERN void tl_whoami_free(tl_whoami *w);

/** Largest text tl_token_from_whoami_text() reads. */
#define TL_WHOAMI_MAX_TEXT (4u * 1024u * 1024u)

/**
 * Build a primary-token snapshot from the text of `whoami /all` (and /user, /groups, /priv,
 * /fo list, /fo csv), as an admin copies it from a console (`len` bytes; UTF-8, or UTF-16LE
 * with a BOM as Windows PowerShell's `>` writes it). Prompt lines, trailing padding and
 * lines wrapped by a narrow console are accepted; localised headers are read by column
 * position. Group attributes become SE_GROUP_* bits, a privilege whose State is Enabled gets
 * SE_PRIVILEGE_ENABLED, the Mandatory Label row sets the integrity level. What is not
 * understood is never guessed: it is left out and described in `*notes` (may be NULL; one
 * note per line, "line N: ..."; NULL when there is nothing to say). docs/whoami-import.md.
 * TL_EPARSE (naming the line) when no user, group or privilege is found, TL_ELIMIT beyond
 * TL_WHOAMI_MAX_TEXT. Ownership: *out with tl_token_free(), *notes with tl_free(); both
 * untouched on failure.
 */
TL_EXTERN tl_result tl_token_from_whoami_text(tl_token **out, const char *text, size_t len,
                                              char **notes);

/**
 * A whoami document from the text of `whoami /all` (see tl_token_from_whoami_text()): the
 * process token is the imported one, there is no thread token, and the effective token is
 * the process token. `*notes` as for tl_token_from_whoami_text() (may be NULL).
 * Ownership: *out with tl_whoami_free(), *notes with tl_free(); both untouched on failure.
 */
TL_EXTERN tl_result tl_whoami_from_text(tl_whoami **out, const char *text, size_t len,
                                        char **notes);

#ifdef __cplusplus
}
#endif
#endif
