/* Fuzz the decoding of an LDAP account entry into delegation facts (lib/core/ad_record.c):
 * the input is a list of (attribute index, 16-bit length, value) triples, so the SID, the
 * userAccountControl text, the SPN strings, tokenGroups and the binary RBCD descriptor all
 * come from it. Whatever decodes is printed as JSON; an SPN record is built from the same. */
#include "ad_internal.h"
#include "tokenlens.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int resolve(void *ctx, const tl_sid *sid, char **out)
{
    return tl_sid_lookup_name(out, sid) == TL_OK ? TL_OK : TL_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"sAMAccountName",
                                        "objectSid",
                                        "userAccountControl",
                                        "servicePrincipalName",
                                        "msDS-AllowedToDelegateTo",
                                        "msDS-AllowedToActOnBehalfOfOtherIdentity",
                                        "tokenGroups"};
    tl__ad_entries acc = {0}, grp = {0};
    if (tl__ad_entries_add(&acc, "CN=fuzz,DC=example,DC=com") ||
        tl__ad_entries_add(&grp, "CN=fuzz"))
        goto done;
    size_t i = 0;
    while (i + 3 <= size) {
        unsigned which = data[i] % 7;
        size_t len = (size_t)data[i + 1] | ((size_t)data[i + 2] << 8);
        i += 3;
        if (len > size - i)
            len = size - i;
        tl__ad_entry *e = which == 6 ? &grp.items[0] : &acc.items[0];
        tl__ad_attr *a = (tl__ad_attr *)tl__ad_entry_attr(e, names[which]);
        if (!a) {
            if (tl__ad_entry_add_attr(e, names[which]) != TL_OK)
                break;
            a = &e->attrs[e->nattrs - 1];
        }
        if (tl__ad_attr_add_val(a, data + i, len) != TL_OK)
            break;
        i += len;
    }
    tl_ad_account *ac = NULL;
    if (tl__ad_account_decode(&ac, &acc.items[0], &grp.items[0], "FUZZ", resolve, NULL) == TL_OK) {
        char *json = NULL;
        if (tl_ad_account_to_json(&json, ac) != TL_OK || !json)
            abort();
        tl_free(json);
        (void)tl_ad_account_delegation_mode(ac);
        tl_ad_account_free(ac);
    }
    tl_ad_spn *s = NULL;
    if (tl__ad_spn_make(&s, "HTTP/fuzz", &acc, "FUZZ") == TL_OK) {
        char *json = NULL;
        tl_ad_spn_to_json(&json, s);
        tl_free(json);
        tl_ad_spn_free(s);
    }
done:
    tl__ad_entries_free(&acc);
    tl__ad_entries_free(&grp);
    return 0;
}
