/* libFuzzer target for the applicationHost.config reader: any bytes must give TL_OK or a clean
 * error (no crash, leak or hang); on success the JSON, the scenario of every site and the
 * isolation verdict over an allow-everyone descriptor must work too. */
#include "tokenlens/iis.h"
#include "tokenlens/sd.h"
#include <stdbool.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* true when a and b are equal ignoring ASCII case (as IIS compares site names) */
static bool strcasecmp_ascii(const char *a, const char *b)
{
    for (;; a++, b++) {
        int x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a,
            y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (x != y)
            return false;
        if (!x)
            return true;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_iis_audit *a = NULL;
    if (tl_iis_audit_parse(&a, (const char *)data, size, NULL) != TL_OK) {
        if (a)
            abort(); /* outputs are NULL on failure */
        return 0;
    }
    char *text = NULL;
    if (tl_iis_audit_to_json(&text, a) == TL_OK)
        tl_free(text);
    size_t n = tl_iis_site_count(a);
    for (size_t i = 0; i < n && i < 8; i++) {
        tl_iis_scenario_options o = TL_IIS_SCENARIO_OPTIONS_INIT;
        o.hop_target = "cifs/files.contoso.com";
        if (tl_iis_site_scenario_json(&text, a, i, &o) == TL_OK)
            tl_free(text);
    }
    tl_sd *sd = NULL;
    if (n && tl_sd_from_sddl(&sd, "D:(A;;FA;;;WD)", NULL) == TL_OK) {
        const char *names[2] = {tl_iis_site_at(a, 0)->name, tl_iis_site_at(a, n - 1)->name};
        const tl_sd *sds[2] = {sd, sd};
        tl_iis_isolation *iso = NULL;
        int rc = tl_iis_isolation_evaluate(&iso, a, names, sds, 2);
        /* the names are the audit's own: found, and refused only when the same site twice */
        bool same = strcasecmp_ascii(names[0], names[1]);
        if (rc == TL_OK)
            tl_iis_isolation_free(iso);
        else if (iso || (rc == TL_EINVAL) != same)
            abort();
        tl_sd_free(sd);
    }
    tl_iis_audit_free(a);
    return 0;
}
