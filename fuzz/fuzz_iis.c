/* libFuzzer target for the applicationHost.config reader: any bytes must give TL_OK or a clean
 * error (no crash, leak or hang); on success the JSON, the scenario of every site and the
 * isolation verdict over an allow-everyone descriptor must work too. */
#include "tokenlens/iis.h"
#include "tokenlens/sd.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
        if (tl_iis_isolation_evaluate(&iso, a, names, sds, 2) == TL_OK)
            tl_iis_isolation_free(iso);
        tl_sd_free(sd);
    }
    tl_iis_audit_free(a);
    return 0;
}
