/* --from-icacls / --icacls FILE: a descriptor from `icacls` output or an `icacls /save` file
 * ('-': standard input). */
#include "cli.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ICACLS_FILE (16u << 20)

int cli_icacls_sd(tl_sd **out, const char *cmd, const char *path, size_t index, const tl_sid *dom)
{
    char *text = NULL;
    size_t len = 0;
    int st = cli_read_input(&text, &len, cmd, path, MAX_ICACLS_FILE, 1);
    if (st != CLI_OK)
        return st;
    tl_icacls *ic = NULL;
    int rc = tl_icacls_parse(&ic, text, len, dom);
    tl_free(text);
    if (rc)
        return cli_fail(cmd, rc, strcmp(path, "-") ? path : "standard input");
    if (index >= tl_icacls_count(ic)) {
        size_t n = tl_icacls_count(ic);
        tl_icacls_free(ic);
        return cli_usage(cmd, "--entry %lu: %s has %lu entr%s", (unsigned long)(index + 1), path,
                         (unsigned long)n, n == 1 ? "y" : "ies");
    }
    rc = tl_sd_copy(out, tl_icacls_sd_at(ic, index));
    tl_icacls_free(ic);
    return rc ? cli_fail(cmd, rc, NULL) : CLI_OK;
}
