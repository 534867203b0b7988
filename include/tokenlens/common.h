/**
 * @file tokenlens/common.h
 * @brief Export macro, version, memory and the error model shared by every module.
 *
 * Every function that can fail returns `tl_result`: 0 (TL_OK) on success or a negative TL_E*
 * code. On failure, handle and string outputs (`**out`) are set to NULL, value outputs (a
 * `tl_sid *out`, a `size_t *consumed`) are left untouched, and tl_error_last() describes what went
 * wrong, where (byte offset, JSON path, line) and, for OS failures, the native code.
 */
#ifndef TOKENLENS_COMMON_H
#define TOKENLENS_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#if defined(_WIN32) && !defined(TL_STATIC)
#if defined(TL_BUILDING)
#define TL_EXTERN __declspec(dllexport)
#else
#define TL_EXTERN __declspec(dllimport)
#endif
#elif defined(TL_BUILDING) && defined(__GNUC__)
#define TL_EXTERN __attribute__((visibility("default")))
#else
#define TL_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

#include "tokenlens/version.h"

/** Error codes. Always negative; TL_OK is zero. Stable: never renumbered. */
typedef enum tl_error_code {
    TL_OK = 0,
    TL_ERROR = -1,     /**< unspecified failure */
    TL_ENOMEM = -2,    /**< allocation failed */
    TL_EINVAL = -3,    /**< invalid argument (NULL where not allowed, bad flag) */
    TL_EPARSE = -4,    /**< input text or bytes did not parse; see offset/path */
    TL_ERANGE = -5,    /**< index or value out of range; buffer too small */
    TL_ENOTFOUND = -6, /**< name, SID or item not known */
    TL_ENOTSUP = -7,   /**< not supported on this platform (e.g. live capture off Windows) */
    TL_EOS = -8,       /**< an operating-system call failed; see native code */
    TL_EIO = -9,       /**< reading or writing a file failed */
    TL_ELIMIT = -10,   /**< input exceeds a safety bound (size, depth, count) */
    TL_EAUTH = -11,    /**< an authentication exchange failed (hop probes) */
    TL_ESTATE = -12,   /**< operation not valid in the current state */
    TL_ENOTIMPL = -13  /**< valid input or request that tokenlens does not handle on any
                            platform (e.g. an ACE with no SDDL form); TL_ENOTSUP is the
                            platform limit */
} tl_error_code;

/**
 * Return type of every call that can fail: 0 (TL_OK) or a negative tl_error_code. The
 * bindings raise on a negative tl_result (a typemap keyed on this type, not on leftover
 * error state), so every fallible public function is declared with it.
 */
typedef int tl_result;

/** Value of tl_error::offset when the error has no input position. */
#define TL_NO_OFFSET ((size_t)-1)

/** What tl_error::native holds, so a caller knows which table to look it up in. */
typedef enum tl_native_kind {
    TL_NATIVE_NONE = 0,        /**< no native status (native is 0) */
    TL_NATIVE_OTHER,           /**< a native status of a kind not recorded */
    TL_NATIVE_WIN32,           /**< a Win32 error code (GetLastError) */
    TL_NATIVE_NTSTATUS,        /**< an NTSTATUS (BCrypt*, Lsa*) */
    TL_NATIVE_SECURITY_STATUS, /**< an SSPI SECURITY_STATUS (HRESULT-shaped) */
    TL_NATIVE_GSS_MAJOR,       /**< a GSS-API major status */
    TL_NATIVE_ERRNO            /**< a POSIX errno value */
} tl_native_kind;

/** "none", "other", "win32", "ntstatus", "security-status", "gss-major", "errno"; "unknown"
 *  for values outside the enum. Static string, never NULL. */
TL_EXTERN const char *tl_native_kind_name(tl_native_kind kind);

/** What went wrong in the last failing call on this thread. */
typedef struct tl_error {
    int code;                   /**< a tl_error_code, TL_OK if nothing failed */
    const char *message;        /**< human-readable, never NULL ("" when no error) */
    size_t offset;              /**< byte offset into the input, or TL_NO_OFFSET */
    const char *path;           /**< location inside structured input (JSON path "$.groups[3].sid",
                                     XML "line 12"), never NULL, "" when none */
    long native;                /**< native status: Win32 error, NTSTATUS, GSS major; 0 if none */
    tl_native_kind native_kind; /**< what `native` is (TL_NATIVE_NONE when 0) */
} tl_error;

/**
 * The last error raised on the calling thread. Never NULL. The strings stay valid until the
 * next tokenlens call on this thread that fails or clears the error.
 */
TL_EXTERN const tl_error *tl_error_last(void);

/** Reset the calling thread's error to TL_OK. */
TL_EXTERN void tl_error_clear(void);

/** Symbolic name of a code ("TL_EPARSE"), or "TL_E?" for unknown codes. Static string. */
TL_EXTERN const char *tl_error_name(int code);

/** Free memory returned by tokenlens (strings, buffers). NULL is ignored. */
TL_EXTERN void tl_free(void *ptr);

/**
 * Replace the allocator used by tokenlens (for embedding and failure-injection tests).
 * Pass all NULL to restore malloc/realloc/free. Not thread-safe: call before other use.
 */
TL_EXTERN void tl_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
                                void (*free_fn)(void *));

/** Library version string, e.g. "0.1.0". */
TL_EXTERN const char *tl_version(void);

#ifdef __cplusplus
}
#endif
#endif
