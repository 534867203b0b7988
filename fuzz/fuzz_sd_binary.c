/* Fuzz the self-relative binary parser: every offset and size comes from the input. Whatever
 * parses is formatted and re-encoded; re-encoding must parse again. */
#include "tokenlens.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_sd *sd = NULL;
    if (tl_sd_from_binary(&sd, data, size) != TL_OK)
        return 0;
    char *text = NULL;
    tl_sd_to_sddl(&text, sd, NULL);
    uint8_t *bin = NULL;
    size_t len = 0;
    if (tl_sd_to_binary(&bin, &len, sd) == TL_OK) {
        tl_sd *back = NULL;
        if (tl_sd_from_binary(&back, bin, len) != TL_OK)
            abort();
        tl_sd_free(back);
    }
    tl_sid user;
    tl_sid_from_string(&user, "S-1-1-0");
    tl_access_result *r = NULL;
    if (tl_access_check_sids(&r, sd, &user, 1, TL_MAXIMUM_ALLOWED, NULL) == TL_OK) {
        char *e = NULL;
        tl_access_result_explain(&e, r);
        tl_free(e);
    }
    tl_access_result_free(r);
    tl_free(bin);
    tl_free(text);
    tl_sd_free(sd);
    return 0;
}
