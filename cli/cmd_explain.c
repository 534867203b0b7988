/* Placeholder until the explain module lands; replaced by its owner. */
#include "cli.h"

int cmd_explain(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "tokenlens explain: not available in this build yet\n");
    return CLI_UNSUPPORTED;
}
