/* Fuzz explain --ad's scenario rewriting (lib/core/ad_scenario.c): any JSON document, with
 * lookups that answer from the input's own names (an account with delegation for names
 * starting with 'a', not found otherwise; SPNs missing, registered or duplicate by length). */
#include "ad_internal.h"
#include "internal.h"
#include "tokenlens.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int account(void *ctx, const char *name, tl_ad_account **out)
{
    if (!name || (name[0] != 'a' && name[0] != 'A'))
        return tl__error(TL_ENOTFOUND, "no such account: %s", name ? name : "(null)");
    tl__ad_entries r = {0};
    uint8_t sid[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
    int rc = tl__ad_entries_add(&r, "CN=a");
    rc = rc ? rc : tl__ad_entry_add_attr(&r.items[0], "sAMAccountName");
    rc = rc ? rc : tl__ad_attr_add_val(&r.items[0].attrs[0], "a", 1);
    rc = rc ? rc : tl__ad_entry_add_attr(&r.items[0], "objectSid");
    rc = rc ? rc : tl__ad_attr_add_val(&r.items[0].attrs[1], sid, sizeof sid);
    rc = rc ? rc : tl__ad_entry_add_attr(&r.items[0], "userAccountControl");
    rc = rc ? rc : tl__ad_attr_add_val(&r.items[0].attrs[2], "17301504", 8);
    rc = rc ? rc : tl__ad_entry_add_attr(&r.items[0], "msDS-AllowedToDelegateTo");
    rc = rc ? rc : tl__ad_attr_add_val(&r.items[0].attrs[3], "HTTP/x", 6);
    rc = rc ? rc : tl__ad_account_decode(out, &r.items[0], NULL, "FUZZ", NULL, NULL);
    tl__ad_entries_free(&r);
    return rc;
}

static int spn(void *ctx, const char *s, tl_ad_spn **out)
{
    tl__ad_entries r = {0};
    size_t holders = strlen(s) % 3;
    int rc = TL_OK;
    for (size_t i = 0; rc == TL_OK && i < holders; i++) {
        rc = tl__ad_entries_add(&r, "CN=h");
        rc = rc ? rc : tl__ad_entry_add_attr(&r.items[i], "sAMAccountName");
        rc = rc ? rc : tl__ad_attr_add_val(&r.items[i].attrs[0], "a", 1);
    }
    rc = rc ? rc : tl__ad_spn_make(out, s, &r, "FUZZ");
    tl__ad_entries_free(&r);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_ad_filled *f = NULL;
    if (tl__ad_fill(&f, (const char *)data, size, account, spn, NULL) == TL_OK) {
        tl_scenario *s = NULL;
        const char *j = tl_ad_filled_json(f);
        if (tl_scenario_from_json(&s, j, strlen(j)) == TL_OK)
            tl_scenario_free(s);
        for (size_t i = 0; i < tl_ad_filled_difference_count(f); i++)
            (void)tl_ad_filled_difference_field(f, i);
        tl_ad_filled_free(f);
    }
    return 0;
}
