/* Placeholder until the probe module lands; replaced by its owner. */
#include "cli.h"

int cmd_probe(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "tokenlens probe: not available in this build yet\n");
    return CLI_UNSUPPORTED;
}
