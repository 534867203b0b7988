/**
 * @file tokenlens/nexthop.h
 * @brief Delegability of a captured or imported token: who arrives at each target SPN when
 *        the code holding this token makes a call off the box.
 *
 * The effective token is the request thread (NULL when the thread does not impersonate), the
 * process token is what RevertToSelf returns to. The logon session's package and type and the
 * token's impersonation level decide whether the user's identity can leave the box; Active
 * Directory (optional) decides the rest: the delegation settings of the process account,
 * whether the user is sensitive or in Protected Users, the target SPN's state and RBCD.
 *
 * The tokens are turned into a scenario (format v1, PRODUCT.md) and explained by the same
 * engine as `tokenlens explain`, so the verdicts and cited rules are the same; the scenario
 * itself is available through tl_token_next_hop_scenario(). See docs/ad.md.
 *
 *     const char *targets[] = {"MSSQLSvc/db01.contoso.com:1433"};
 *     tl_next_hop_options o = TL_NEXT_HOP_OPTIONS_INIT;  o.machine = "WEB01"; o.domain = "CONTOSO";
 *     tl_explanation *e;  tl_token_next_hop(&e, thread, process, targets, 1, &o);
 *     tl_explained_hop_arrives_as_name(tl_explanation_hop_at(e, 0));
 */
#ifndef TOKENLENS_NEXTHOP_H
#define TOKENLENS_NEXTHOP_H

#include "tokenlens/ad.h"
#include "tokenlens/common.h"
#include "tokenlens/sim.h"
#include "tokenlens/token.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Options. Versioned: start from TL_NEXT_HOP_OPTIONS_INIT. */
typedef struct tl_next_hop_options {
    unsigned int version;
    const char *machine; /**< this machine's name (its account MACHINE$ is who a service
                              identity arrives as); NULL: "THISHOST" */
    const char *domain;  /**< its domain (NetBIOS or DNS); NULL: the domain of `ad`, or a
                              workgroup machine without `ad` */
    tl_ad *ad;           /**< directory facts; NULL: none (the token alone decides) */
} tl_next_hop_options;
#define TL_NEXT_HOP_OPTIONS_VERSION 1
#define TL_NEXT_HOP_OPTIONS_INIT                                                                   \
    {                                                                                              \
        TL_NEXT_HOP_OPTIONS_VERSION, NULL, NULL, NULL                                              \
    }

/** Most targets one call explains. */
#define TL_NEXT_HOP_MAX_TARGETS 64

/**
 * Explain one hop per target SPN (or "local") for code running with `effective` (the
 * impersonation token of the thread, NULL when not impersonating) in a process whose token is
 * `process`. TL_EINVAL for no process token, no targets or more than TL_NEXT_HOP_MAX_TARGETS;
 * AD lookups other than "not found" fail the call. Ownership: *out is freed with
 * tl_explanation_free().
 */
TL_EXTERN tl_result tl_token_next_hop(tl_explanation **out, const tl_token *effective,
                                      const tl_token *process, const char *const *targets,
                                      size_t count, const tl_next_hop_options *opts);
/** The scenario document tl_token_next_hop() explains, as JSON. Ownership: tl_free(). */
TL_EXTERN tl_result tl_token_next_hop_scenario(char **out, const tl_token *effective,
                                               const tl_token *process, const char *const *targets,
                                               size_t count, const tl_next_hop_options *opts);

#ifdef __cplusplus
}
#endif
#endif
