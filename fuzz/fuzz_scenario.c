/* libFuzzer target for the scenario loader and everything downstream of it: any input either
 * fails with an error (code, message, and a JSON path or byte offset) or loads, explains and
 * renders as JSON, text and dot; the JSON must parse back and have one entry per hop. */
#include "tokenlens.h"
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_scenario *s = NULL;
    int rc = tl_scenario_from_json(&s, (const char *)data, size);
    if (rc != TL_OK) {
        const tl_error *e = tl_error_last();
        if (s != NULL || e->code != rc || !e->message[0])
            abort();
        if (rc == TL_EPARSE && !e->path[0] && e->offset == TL_NO_OFFSET)
            abort();
        return 0;
    }
    tl_explanation *x = NULL;
    if (tl_scenario_explain(&x, s) != TL_OK)
        abort();
    char *j = NULL, *t = NULL, *d = NULL;
    if (tl_explanation_to_json(&j, x) || tl_explanation_to_text(&t, x) ||
        tl_explanation_to_dot(&d, x))
        abort();
    json_t *root = json_loads(j, 0, NULL);
    if (!root || json_array_size(json_object_get(root, "hops")) != tl_explanation_hop_count(x))
        abort();
    for (size_t i = 0; i < tl_explanation_hop_count(x); i++) {
        const tl_explained_hop *h = tl_explanation_hop_at(x, i);
        const char *o = tl_explain_outcome_name(tl_explained_hop_outcome(h));
        if (!o || tl_explained_hop_step_count(h) == 0 ||
            (strcmp(o, "ok") && strcmp(o, "anonymous") && strcmp(o, "denied")))
            abort();
    }
    json_decref(root);
    tl_free(j);
    tl_free(t);
    tl_free(d);
    tl_explanation_free(x);
    tl_scenario_free(s);
    return 0;
}
