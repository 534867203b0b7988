/*
 * Internal helpers shared by every module: error raising, allocation, a growable string
 * buffer, bounded file reading (docs/inputs.md), SHA-1 and UTF-8/UTF-16 conversion.
 * Names are tl__*; nothing here is exported.
 */
#ifndef TL_INTERNAL_H
#define TL_INTERNAL_H

#include "tokenlens/common.h"
#include <stdarg.h>
#include <stdio.h>

#if defined(__MINGW32__)
/* Built with __USE_MINGW_ANSI_STDIO=1, so the C99 formats (%zu, %lld) are available. */
#define TL__PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#define TL__VPRINTF(a) __attribute__((format(gnu_printf, a, 0)))
#elif defined(__GNUC__)
#define TL__PRINTF(a, b) __attribute__((format(printf, a, b)))
#define TL__VPRINTF(a) __attribute__((format(printf, a, 0)))
#else
#define TL__PRINTF(a, b)
#define TL__VPRINTF(a)
#endif

/* ---- errors ---------------------------------------------------------------------------- */
/* Each setter records the error for tl_error_last() and returns `code`, so callers write
 * `return tl__error(TL_EPARSE, "...")`. */
int tl__error(int code, const char *fmt, ...) TL__PRINTF(2, 3);
int tl__error_at(int code, size_t offset, const char *fmt, ...) TL__PRINTF(3, 4);
int tl__error_path(int code, const char *path, const char *fmt, ...) TL__PRINTF(3, 4);
int tl__error_native(int code, long native, const char *fmt, ...) TL__PRINTF(3, 4);
/* The same with what `native` is (Win32 error, NTSTATUS, errno ...); tl__error_native records
 * TL_NATIVE_OTHER. */
int tl__error_native_kind(int code, tl_native_kind kind, long native, const char *fmt, ...)
    TL__PRINTF(4, 5);
/* Full form: any of offset (TL_NO_OFFSET), path (NULL) and native (0) may be absent. */
int tl__error_full(int code, size_t offset, const char *path, long native, const char *fmt,
                   va_list ap) TL__VPRINTF(5);
/* Prefix the current error message with "context: " (keeps code, offset, path, native). */
void tl__error_prefix(const char *fmt, ...) TL__PRINTF(1, 2);

/* ---- memory ---------------------------------------------------------------------------- */
/* jansson allocates through the same hook (tl_set_allocator installs it). Around a json_load*:
 * tl__json_oom_reset() before, and when it returns NULL, tl__json_oom(&err) tells an
 * allocation failure (report TL_ENOMEM) from a syntax error. */
struct json_error_t;
struct json_t;
/* Parse JSON text with jansson through the hook. NULL with *oom set: an allocation failed
 * (report TL_ENOMEM; no partial tree is returned); NULL with *oom clear: err says why. */
struct json_t *tl__json_loadb(const char *text, size_t len, size_t flags, struct json_error_t *err,
                              int *oom);
void tl__json_oom_reset(void);
int tl__json_oom(const struct json_error_t *err);

/* All allocation goes through these so tl_set_allocator() can inject failures. They do not
 * raise errors themselves; callers return tl__error(TL_ENOMEM, ...) (see tl__oom()). */
void *tl__malloc(size_t n);
void *tl__calloc(size_t count, size_t size); /* overflow-checked */
void *tl__realloc(void *p, size_t n);
void tl__free(void *p);
char *tl__strdup(const char *s);
char *tl__strndup(const char *s, size_t n);
int tl__oom(void); /* raises TL_ENOMEM "out of memory" and returns it */
/* sprintf into a fresh allocation; NULL on failure (no error raised). */
char *tl__asprintf(const char *fmt, ...) TL__PRINTF(1, 2);

/* ---- growable string buffer ------------------------------------------------------------- */
typedef struct tl__buf {
    char *data; /* always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    int failed; /* sticky: set once an allocation failed */
} tl__buf;
#define TL__BUF_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }
void tl__buf_put(tl__buf *b, const char *s);
void tl__buf_putn(tl__buf *b, const char *s, size_t n);
void tl__buf_putc(tl__buf *b, char c);
void tl__buf_printf(tl__buf *b, const char *fmt, ...) TL__PRINTF(2, 3);
/* Hands the string to the caller (free with tl_free). Returns TL_ENOMEM if any append failed
 * (and frees the buffer). */
int tl__buf_detach(tl__buf *b, char **out);
void tl__buf_free(tl__buf *b);

/* ---- files ------------------------------------------------------------------------------ */
/* Read a whole file, refusing files larger than max_bytes (TL_ELIMIT). The result is
 * NUL-terminated; *len excludes the NUL. Raises TL_EIO naming the path on failure. */
int tl__read_file(char **out, size_t *len, const char *path, size_t max_bytes);
/* The same from an open stream to its end; `name` is how errors name it ("'x.json'",
 * "standard input"). */
int tl__read_stream(char **out, size_t *len, FILE *f, const char *name, size_t max_bytes);
/* Open `path` for binary reading without ever blocking: a FIFO, device, socket, directory or
 * (Windows) pipe/device path is refused with TL_EIO "'p' is a FIFO, not a regular file"
 * (lib/platform/). Close *out with fclose. */
int tl__file_open(FILE **out, const char *path);
/* What `path` names, without opening it (lib/platform; UTF-8 paths on Windows too):
 * TL__PATH_NONE (missing or unreachable), TL__PATH_FILE (a regular file), TL__PATH_OTHER,
 * or TL_ENOMEM (negative, error set) when the path could not be converted. */
enum { TL__PATH_NONE = 0, TL__PATH_FILE = 1, TL__PATH_OTHER = 2 };
int tl__path_kind(const char *path);
int tl__write_file(const char *path, const char *data, size_t len);

/* ---- hashing ---------------------------------------------------------------------------- */
/* SHA-1 from the platform's crypto library (libmd on POSIX, BCrypt on Windows). */
int tl__sha1(uint8_t digest[20], const void *data, size_t len);
/* Unicode simple case mapping of UTF-16 code units in place (BMP only; surrogates are left
 * alone, as Windows' per-code-unit upcase table does). upper != 0 maps to upper case.
 * glibc's C.UTF-8 tables on POSIX, CharUpperBuffW/CharLowerBuffW on Windows. */
void tl__utf16_case(uint16_t *units, size_t count, int upper);
/* The calling thread's spare block (a malloc() block the access check keeps for reuse), or
 * NULL: freed with free() when the thread exits, so a worker thread does not leak it. */
void tl__thread_spare(void *block);

/* ---- text -------------------------------------------------------------------------------- */
/* Strict UTF-8 -> UTF-16LE code units (rejects overlongs, surrogates, > U+10FFFF).
 * *out is allocated (tl__free); *units is the count of uint16_t. Raises TL_EPARSE with the
 * byte offset of the first invalid sequence. */
int tl__utf8_to_utf16(uint16_t **out, size_t *units, const char *s, size_t len);
/* ASCII-only case-insensitive compare (names Windows compares case-insensitively). */
int tl__strcasecmp(const char *a, const char *b);
int tl__strncasecmp(const char *a, const char *b, size_t n);

/* Decimal digits of v (no terminator); out >= 20 bytes. sddl_sid.c. */
size_t tl__fmt_u64(char *out, uint64_t v);
/* The string SID as Windows prints it, NUL-terminated; out >= TL_SID_STRING_MAX (sid.h).
 * Returns the length. sid must be valid. sddl_sid.c. */
struct tl_sid;
size_t tl__sid_format(char *out, const struct tl_sid *sid);
/* True while no tl_set_allocator() allocator is installed (util.c). */
bool tl__allocator_is_default(void);
#endif
