/* Internal layout of tl_iis_audit, shared by the reader (iis.c), JSON (iis_json.c) and the
 * isolation verdict (iis_isolation.c). */
#ifndef TL_IIS_INTERNAL_H
#define TL_IIS_INTERNAL_H

#include "arena.h"
#include "internal.h"
#include "tokenlens/iis.h"

struct tl_iis_audit {
    tl__arena arena;
    tl_iis_site *sites;
    size_t site_count;
    tl_iis_app *apps; /* all applications; sites point into it */
    size_t app_count;
    tl_iis_identity *anon_ids; /* parallel to apps */
    tl_iis_pool *pools;
    size_t pool_count;
    tl_iis_shared_identity *shared;
    size_t shared_count;
    tl_iis_finding *findings;
    size_t finding_count;
    const char **warnings; /* in the arena */
    size_t warning_count;
};

#endif
