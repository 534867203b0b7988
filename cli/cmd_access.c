/* Placeholder until the access module lands; replaced by its owner. */
#include "cli.h"

int cmd_access(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "tokenlens access: not available in this build yet\n");
    return CLI_UNSUPPORTED;
}
