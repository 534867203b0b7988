/* Fuzz SDDL parsing: parse, format, re-parse the canonical form (must be a fixed point),
 * and round-trip through the binary form. Bounded: the parser caps text, ACLs and nesting. */
#include "tokenlens.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    tl_sid domain;
    tl_sid_from_string(&domain, "S-1-5-21-1-2-3");
    tl_sd *sd = NULL;
    if (tl_sd_from_sddl(&sd, text, &domain) == TL_OK) {
        char *out = NULL;
        if (tl_sd_to_sddl(&out, sd, &domain) == TL_OK) {
            tl_sd *again = NULL;
            char *out2 = NULL;
            if (tl_sd_from_sddl(&again, out, &domain) != TL_OK)
                abort(); /* our canonical output must parse */
            if (tl_sd_to_sddl(&out2, again, &domain) != TL_OK || strcmp(out, out2) != 0)
                abort(); /* and be a fixed point */
            tl_free(out2);
            tl_sd_free(again);
        }
        uint8_t *bin = NULL;
        size_t len = 0;
        if (tl_sd_to_binary(&bin, &len, sd) == TL_OK) {
            tl_sd *back = NULL;
            if (tl_sd_from_binary(&back, bin, len) != TL_OK)
                abort(); /* our binary output must parse */
            tl_sd_free(back);
        }
        tl_free(bin);
        tl_free(out);
        tl_sd_free(sd);
    }
    free(text);
    return 0;
}
