/* Placeholder until the sddl module lands; replaced by its owner. */
#include "cli.h"

int cmd_sddl(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "tokenlens sddl: not available in this build yet\n");
    return CLI_UNSUPPORTED;
}
