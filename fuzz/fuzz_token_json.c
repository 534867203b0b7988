/* libFuzzer target for the token snapshot loader: any input must either fail with a clean
 * error (TL_EPARSE / TL_ELIMIT and a message) or load into a token that serialises and
 * reloads to an equal token. */
#include "tokenlens.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_token *t = NULL;
    int rc = tl_token_from_json(&t, (const char *)data, size);
    if (rc != TL_OK) {
        const tl_error *e = tl_error_last();
        if (t != NULL || e->code != rc || e->message[0] == '\0' ||
            (rc != TL_EPARSE && rc != TL_ELIMIT && rc != TL_ENOMEM))
            abort();
        return 0;
    }
    char *json = NULL;
    if (tl_token_to_json(&json, t) != TL_OK)
        abort();
    tl_token *back = NULL;
    if (tl_token_from_json(&back, json, strlen(json)) != TL_OK || !tl_token_equal(t, back)) {
        fprintf(stderr, "round trip failed: %s\n%s\n", tl_error_last()->message, json);
        abort();
    }
    tl_free(json);
    tl_token_free(back);
    tl_token_free(t);
    return 0;
}
