/* Placeholder until the whoami module lands; replaced by its owner. */
#include "cli.h"

int cmd_whoami(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "tokenlens whoami: not available in this build yet\n");
    return CLI_UNSUPPORTED;
}
