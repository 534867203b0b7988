/* libFuzzer target for the whoami document reader (tl_whoami_from_json): any input must either
 * fail with a clean error (TL_EPARSE / TL_ELIMIT / TL_ENOMEM and a message) or load into a
 * document that serialises and reloads to the same text. */
#include "tokenlens.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_whoami *w = NULL;
    int rc = tl_whoami_from_json(&w, (const char *)data, size);
    if (rc != TL_OK) {
        const tl_error *e = tl_error_last();
        if (w != NULL || e->code != rc || e->message[0] == '\0' ||
            (rc != TL_EPARSE && rc != TL_ELIMIT && rc != TL_ENOMEM))
            abort();
        return 0;
    }
    if (!tl_whoami_effective(w))
        abort();
    char *json = NULL, *again = NULL;
    tl_whoami *back = NULL;
    if (tl_whoami_to_json(&json, w) != TL_OK ||
        tl_whoami_from_json(&back, json, strlen(json)) != TL_OK ||
        tl_whoami_to_json(&again, back) != TL_OK || strcmp(json, again) != 0) {
        fprintf(stderr, "round trip failed: %s\n%s\n", tl_error_last()->message, json);
        abort();
    }
    tl_free(again);
    tl_free(json);
    tl_whoami_free(back);
    tl_whoami_free(w);
    return 0;
}
