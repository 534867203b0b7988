/* libFuzzer target for the SITE=SDDL content reader (tl_iis_content_parse): any input either
 * fails with a clean error naming a line (TL_EPARSE / TL_EINVAL / TL_ELIMIT / TL_ENOMEM) or
 * loads pairs whose descriptors render back to SDDL, and whose isolation verdict against a
 * two-site server is whole or a clean error. */
#include "tokenlens.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tl_iis_content *c = NULL;
    if (tl_iis_content_new(&c) != TL_OK)
        return 0;
    int rc = tl_iis_content_parse(c, (const char *)data, size);
    if (rc != TL_OK) {
        const tl_error *e = tl_error_last();
        if (e->code != rc || e->message[0] == '\0' ||
            (rc != TL_EPARSE && rc != TL_EINVAL && rc != TL_ELIMIT && rc != TL_ENOMEM))
            abort();
        if (rc == TL_EPARSE && strncmp(e->path, "line ", 5) != 0)
            abort();
    }
    /* the verdict over the pairs against a fixed two-site server (sites a and b): a site
     * given twice never gets this far (the parse refuses it), so the verdict succeeds unless a
     * name is not a site */
    static tl_iis_audit *audit;
    static const char conf[] =
        "<configuration><system.applicationHost><sites><site name=\"a\" id=\"1\"><application "
        "path=\"/\" /></site><site name=\"b\" id=\"2\"><application path=\"/\" /></site>"
        "</sites></system.applicationHost><system.webServer><security><authentication>"
        "<anonymousAuthentication enabled=\"true\" userName=\"\" /></authentication></security>"
        "</system.webServer></configuration>";
    if (!audit && tl_iis_audit_parse(&audit, conf, sizeof conf - 1, NULL) != TL_OK)
        abort();
    tl_iis_isolation *iso = NULL;
    int erc = tl_iis_content_evaluate(&iso, audit, c);
    if (erc == TL_OK) {
        if (tl_iis_isolation_count(iso) != tl_iis_content_count(c) * tl_iis_content_count(c) ||
            tl_iis_isolation_access_checks(iso) > tl_iis_isolation_count(iso))
            abort();
        tl_iis_isolation_free(iso);
    } else if (iso || (erc != TL_ENOTFOUND && erc != TL_ENOMEM)) {
        abort();
    }
    for (size_t i = 0; i < tl_iis_content_count(c); i++) {
        char *sddl = NULL;
        const char *site = tl_iis_content_site(c, i);
        if (!site || !site[0] || strchr(site, '=') ||
            tl_sd_to_sddl(&sddl, tl_iis_content_sd(c, i), NULL) != TL_OK)
            abort();
        tl_free(sddl);
    }
    tl_iis_content_free(c);
    return 0;
}
