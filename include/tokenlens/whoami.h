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

#ifdef __cplusplus
}
#endif
#endif
