/* --from-icacls / --icacls FILE: a descriptor from `icacls` output or an `icacls /save` file. */
#include "cli.h"
#include <stdio.h>
#include <stdlib.h>

#define MAX_ICACLS_FILE (16u << 20)

int cli_icacls_sd(tl_sd **out, const char *cmd, const char *path, size_t index, const tl_sid *dom)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_usage(cmd, "cannot open %s", path);
    char *text = malloc(MAX_ICACLS_FILE + 1);
    size_t len = text ? fread(text, 1, MAX_ICACLS_FILE + 1, f) : 0;
    int err = ferror(f);
    fclose(f);
    if (!text || err || len > MAX_ICACLS_FILE) {
        free(text);
        return cli_usage(cmd, "%s: %s", path,
                         !text ? "out of memory"
                         : err ? "read error"
                               : "larger than 16 MiB");
    }
    tl_icacls *ic = NULL;
    int rc = tl_icacls_parse(&ic, text, len, dom);
    free(text);
    if (rc)
        return cli_fail(cmd, rc, path);
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
