/**
 * @file tokenlens/live.h
 * @brief Live capture on Windows: the process token, the calling thread's impersonation token,
 *        the effective token, and a probe that impersonates at each level and reverts.
 *
 * On other platforms every function fails with TL_ENOTSUP ("live capture needs Windows");
 * load a snapshot saved on Windows with tl_token_load() instead.
 * Query shapes, OpenAsSelf handling and Wine limits: docs/win32-backend.md.
 */
#ifndef TOKENLENS_LIVE_H
#define TOKENLENS_LIVE_H

#include "tokenlens/common.h"
#include "tokenlens/token.h"

#ifdef __cplusplus
extern "C" {
#endif

/** True when this build can capture live tokens (Windows builds). */
TL_EXTERN bool tl_live_supported(void);

/**
 * Snapshot of the process's primary token (OpenProcessToken(TOKEN_QUERY)), with its logon
 * session (LsaGetLogonSessionData; left unknown, not an error, when LSA refuses).
 * Ownership: *out is freed with tl_token_free().
 */
TL_EXTERN tl_result tl_live_process_token(tl_token **out);

/**
 * Snapshot of the calling thread's impersonation token. TL_ENOTFOUND when the thread is not
 * impersonating (OpenThreadToken fails with ERROR_NO_TOKEN; native code 1008). Opened first
 * with OpenAsSelf = FALSE, then retried with OpenAsSelf = TRUE when the access check against
 * the impersonated identity fails (an Identification-level token cannot open objects).
 * Ownership: *out is freed with tl_token_free().
 */
TL_EXTERN tl_result tl_live_thread_token(tl_token **out);

/** The thread token when the thread impersonates, else the process token.
 *  Ownership: *out is freed with tl_token_free(). */
TL_EXTERN tl_result tl_live_effective_token(tl_token **out);

/** One level of the impersonation probe. */
typedef struct tl_probe_step {
    int level;           /**< requested tl_impersonation_level (0..3) */
    int rc;              /**< TL_OK when the level was impersonated and read back */
    int observed_level;  /**< level read back from the thread token, -1 if not read */
    int observed_type;   /**< tl_token_type read back (2 = impersonation), 0 if not read */
    bool opened_as_self; /**< the thread token opened only with OpenAsSelf = TRUE */
    bool reverted;       /**< after reverting, OpenThreadToken failed with ERROR_NO_TOKEN */
    long native;         /**< Win32 error of the failing call (rc != TL_OK), else 0 */
    const char *message; /**< why the step failed, "" when it succeeded; owned by the probe */
} tl_probe_step;

/** Result of tl_live_probe_impersonation(); opaque, free with tl_probe_free(). */
typedef struct tl_probe tl_probe;

/**
 * For each level Anonymous..Delegation: duplicate the process token as an impersonation
 * token at that level (DuplicateTokenEx), put it on the calling thread (SetThreadToken),
 * read the thread token back, then revert (RevertToSelf, with SetThreadToken(NULL) as a
 * fallback) and check that the thread holds no token (ERROR_NO_TOKEN). The thread is reverted
 * on every path, including failures. Fails with TL_ESTATE if the thread already impersonates
 * (the probe would destroy the caller's impersonation). A step that fails is recorded in the
 * result; the call itself fails only when it cannot run at all, or when a revert could not be
 * verified (then TL_EOS: the thread may still impersonate).
 * Ownership: *out is freed with tl_probe_free().
 */
TL_EXTERN tl_result tl_live_probe_impersonation(tl_probe **out);
TL_EXTERN void tl_probe_free(tl_probe *probe);
/** The process token the probe started from (borrowed; valid while the probe lives). */
TL_EXTERN const tl_token *tl_probe_process_token(const tl_probe *probe);
TL_EXTERN size_t tl_probe_step_count(const tl_probe *probe);
/** Step `i` (0 = Anonymous), NULL if out of range. Borrowed. */
TL_EXTERN const tl_probe_step *tl_probe_step_at(const tl_probe *probe, size_t i);
/** The thread token captured during step `i`, NULL if none was read. Borrowed. */
TL_EXTERN const tl_token *tl_probe_step_token(const tl_probe *probe, size_t i);
/** True when, after the whole probe, the thread holds no token (it snapped back). */
TL_EXTERN bool tl_probe_thread_reverted(const tl_probe *probe);

#ifdef __cplusplus
}
#endif
#endif
