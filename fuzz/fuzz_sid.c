/* Fuzz the SID parsers: string form, binary form and name resolution. Properties checked:
 * no crash or leak, and anything that parses formats to a string that parses back equal. */
#include "tokenlens.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_sid a, b;
    char s[TL_SID_STRING_MAX];
    if (tl_sid_from_stringn(&a, (const char *)data, size) == TL_OK) {
        if (tl_sid_to_string(s, sizeof s, &a) != TL_OK || tl_sid_from_string(&b, s) != TL_OK ||
            !tl_sid_equal(&a, &b))
            abort();
    }
    size_t used = 0;
    if (tl_sid_from_binary(&a, data, size, &used) == TL_OK) {
        uint8_t bin[TL_SID_MAX_BINARY];
        size_t n = 0;
        if (used > size || tl_sid_to_binary(bin, sizeof bin, &a, &n) != TL_OK || n != used ||
            memcmp(bin, data, n) != 0)
            abort();
    }
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    tl_sid dom;
    tl_sid_from_string(&dom, "S-1-5-21-1-2-3");
    if (tl_sid_resolve(&a, text, &dom) == TL_OK) {
        char *name = NULL;
        if (tl_sid_lookup_name(&name, &a) == TL_OK)
            tl_free(name);
        (void)tl_sid_sddl_alias(&a, &dom);
    }
    free(text);
    return 0;
}
