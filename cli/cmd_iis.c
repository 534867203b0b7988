/* Placeholder until the iis module lands; replaced by its owner. */
#include "cli.h"

int cmd_iis(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "tokenlens iis: not available in this build yet\n");
    return CLI_UNSUPPORTED;
}
