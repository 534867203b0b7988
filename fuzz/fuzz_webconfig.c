/* libFuzzer target for the web.config reader: any bytes give TL_OK or a clean error (no
 * crash, leak or hang); on success the JSON and every getter work. */
#include "tokenlens/webconfig.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_webconfig *w = NULL;
    if (tl_webconfig_parse(&w, (const char *)data, size, "fuzz.config", NULL) != TL_OK) {
        if (w)
            abort(); /* outputs are NULL on failure */
        return 0;
    }
    char *text = NULL;
    if (tl_webconfig_to_json(&text, w) == TL_OK)
        tl_free(text);
    for (size_t i = 0; i < tl_webconfig_connection_count(w); i++)
        (void)tl_connection_spn(tl_webconfig_connection_at(w, i));
    tl_webconfig_free(w);
    return 0;
}
