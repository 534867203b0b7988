/* Every FILE argument the CLI reads itself goes through the library's reader (tl_input_read):
 * regular files only (a FIFO or device is refused at once instead of blocking), '-' for
 * standard input where the command's help says so, bounded, the whole input or an error. */
#include "cli.h"

int cli_read_input(char **out, size_t *len, const char *cmd, const char *path, size_t max,
                   int allow_stdin)
{
    tl_input_options o = TL_INPUT_OPTIONS_INIT;
    o.max_bytes = max;
    o.flags = allow_stdin ? TL_INPUT_STDIN_DASH : 0;
    int rc = tl_input_read(out, len, path, &o);
    return rc == TL_OK ? CLI_OK : cli_fail(cmd, rc, NULL);
}
