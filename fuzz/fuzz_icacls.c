/* Fuzz icacls text (listings and /save files, UTF-8 or UTF-16): parse, then print every
 * descriptor in icacls style and as SDDL; what prints in icacls style must parse back to the
 * same DACL. Bounded: the parser caps text size and entries. */
#include "tokenlens.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_icacls *ic = NULL;
    if (tl_icacls_parse(&ic, (const char *)data, size, NULL) != TL_OK)
        return 0;
    for (size_t i = 0; i < tl_icacls_count(ic); i++) {
        const tl_sd *sd = tl_icacls_sd_at(ic, i);
        char *text = NULL, *sddl = NULL;
        if (tl_sd_to_sddl(&sddl, sd, NULL) != TL_OK)
            abort(); /* every parsed descriptor has an SDDL form */
        if (tl_sd_to_icacls(&text, sd) == TL_OK && text[0]) {
            /* As icacls lays out a listing: the path, then each further ACE line indented to
             * the width of the path and its space ("x "). */
            size_t n = strlen(text), lines = 1;
            for (size_t k = 0; k < n; k++)
                lines += text[k] == '\n';
            char *line = malloc(n + 2 * lines + 3);
            if (!line)
                abort();
            size_t w = 0;
            line[w++] = 'x';
            line[w++] = ' ';
            for (size_t k = 0; k < n; k++) {
                line[w++] = text[k];
                if (text[k] == '\n' && k + 1 < n) {
                    line[w++] = ' ';
                    line[w++] = ' ';
                }
            }
            line[w] = 0;
            n = w - 2;
            tl_icacls *back = NULL;
            if (tl_icacls_parse(&back, line, n + 2, NULL) == TL_OK) {
                char *again = NULL;
                if (tl_sd_to_icacls(&again, tl_icacls_sd_at(back, 0)) != TL_OK ||
                    strcmp(again, text) != 0)
                    abort(); /* printing is a fixed point */
                tl_free(again);
                tl_icacls_free(back);
            }
            free(line);
        }
        tl_free(text);
        tl_free(sddl);
    }
    tl_icacls_free(ic);
    return 0;
}
