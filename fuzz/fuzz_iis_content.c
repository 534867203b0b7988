/* libFuzzer target for the SITE=SDDL content reader (tl_iis_content_parse): any input either
 * fails with a clean error naming a line (TL_EPARSE / TL_EINVAL / TL_ELIMIT / TL_ENOMEM) or
 * loads pairs whose descriptors render back to SDDL. */
#include "tokenlens.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_iis_content *c = NULL;
    if (tl_iis_content_new(&c) != TL_OK)
        return 0;
    int rc = tl_iis_content_parse(c, (const char *)data, size);
    if (rc != TL_OK) {
        const tl_error *e = tl_error_last();
        if (e->code != rc || e->message[0] == '\0' ||
            (rc != TL_EPARSE && rc != TL_EINVAL && rc != TL_ELIMIT && rc != TL_ENOMEM))
            abort();
        if (rc == TL_EPARSE && strncmp(e->path, "line ", 5) != 0)
            abort();
    }
    for (size_t i = 0; i < tl_iis_content_count(c); i++) {
        char *sddl = NULL;
        const char *site = tl_iis_content_site(c, i);
        if (!site || !site[0] || strchr(site, '=') ||
            tl_sd_to_sddl(&sddl, tl_iis_content_sd(c, i), NULL) != TL_OK)
            abort();
        tl_free(sddl);
    }
    tl_iis_content_free(c);
    return 0;
}
