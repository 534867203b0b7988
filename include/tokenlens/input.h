/**
 * @file tokenlens/input.h
 * @brief Reading an input file the way every tokenlens loader does: the whole file or an
 *        error, never blocking, never more than a stated number of bytes.
 *
 * The rules (what is refused, the limits, the encodings each format accepts) are in
 * docs/inputs.md. tl_token_load(), tl_scenario_load(), tl_whoami_load(), tl_iis_load() and the
 * other *_load functions read through the same code; this entry point is for programs (the
 * tokenlens CLI among them) that hand the bytes to a *_from_json / *_parse function themselves.
 */
#ifndef TOKENLENS_INPUT_H
#define TOKENLENS_INPUT_H

#include "tokenlens/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes tl_input_read() reads when tl_input_options.max_bytes is 0 (16 MiB). */
#define TL_INPUT_DEFAULT_MAX (16u * 1024u * 1024u)

/** tl_input_options.flags: the path "-" means standard input (read to its end, bounded). */
#define TL_INPUT_STDIN_DASH 0x1u

/** Options of tl_input_read(). Versioned: start from TL_INPUT_OPTIONS_INIT. */
typedef struct tl_input_options {
    unsigned int version; /**< TL_INPUT_OPTIONS_VERSION */
    size_t max_bytes;     /**< larger inputs fail with TL_ELIMIT; 0: TL_INPUT_DEFAULT_MAX */
    unsigned int flags;   /**< TL_INPUT_STDIN_DASH or 0 */
} tl_input_options;

#define TL_INPUT_OPTIONS_VERSION 1
#define TL_INPUT_OPTIONS_INIT                                                                      \
    {                                                                                              \
        TL_INPUT_OPTIONS_VERSION, 0, 0                                                             \
    }

/**
 * Read all of `path` into memory. Only a regular file is read: a FIFO, socket, device or
 * directory (on Windows also a `\\.\` device or pipe path, a console or a pipe) is refused
 * with TL_EIO ("'/tmp/f' is a FIFO, not a regular file") before the first read, so nothing
 * blocks. A file larger than the limit is TL_ELIMIT; a read error is TL_EIO with the errno.
 * The bytes are returned as they are (no decoding): *out is NUL-terminated, *len excludes the
 * terminator (a NUL inside the file stays and is counted). `options` may be NULL.
 * Ownership: *out is freed with tl_free(); NULL on failure.
 */
TL_EXTERN tl_result tl_input_read(char **out, size_t *len, const char *path,
                                  const tl_input_options *options);

#ifdef __cplusplus
}
#endif
#endif
