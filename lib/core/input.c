/* tl_input_read: the public face of the library's one file reader (util.c, lib/platform/). */
#include "internal.h"
#include "tokenlens/input.h"
#include <string.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#endif

static int read_stdin(char **out, size_t *len, size_t max)
{
#ifdef _WIN32
    /* The C runtime opens stdin in text mode: CR LF would become LF and a ^Z end the input. */
    _setmode(_fileno(stdin), _O_BINARY);
#endif
    return tl__read_stream(out, len, stdin, "standard input", max);
}

int tl_input_read(char **out, size_t *len, const char *path, const tl_input_options *options)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_input_read: out is NULL");
    *out = NULL;
    if (len)
        *len = 0;
    if (!len || !path)
        return tl__error(TL_EINVAL, "tl_input_read: %s is NULL", !len ? "len" : "path");
    tl_input_options o = TL_INPUT_OPTIONS_INIT;
    if (options) {
        if (options->version != TL_INPUT_OPTIONS_VERSION)
            return tl__error(TL_EINVAL, "tl_input_read: options version %u (this library has %u)",
                             options->version, TL_INPUT_OPTIONS_VERSION);
        if (options->flags & ~TL_INPUT_STDIN_DASH)
            return tl__error(TL_EINVAL, "tl_input_read: unknown flags 0x%x", options->flags);
        o = *options;
    }
    size_t max = o.max_bytes ? o.max_bytes : TL_INPUT_DEFAULT_MAX;
    int rc = (o.flags & TL_INPUT_STDIN_DASH) && strcmp(path, "-") == 0
                 ? read_stdin(out, len, max)
                 : tl__read_file(out, len, path, max);
    if (rc == TL_OK)
        tl_error_clear();
    return rc;
}
