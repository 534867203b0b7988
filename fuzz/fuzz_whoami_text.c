/* libFuzzer target for the whoami text importer: any bytes give a token or a clean error. */
#include "tokenlens/whoami.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_token *t = NULL;
    char *notes = NULL;
    if (tl_token_from_whoami_text(&t, (const char *)data, size, &notes) != TL_OK) {
        if (t || notes)
            abort();
        return 0;
    }
    char *json = NULL;
    if (tl_token_to_json(&json, t) == TL_OK)
        tl_free(json);
    tl_free(notes);
    tl_token_free(t);
    return 0;
}
