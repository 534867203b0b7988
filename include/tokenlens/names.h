/**
 * @file tokenlens/names.h
 * @brief The Windows name rules the scenario loader applies, for front ends that take a
 *        name on their own (the CLI's --machine, --domain, --user, --hop and --target).
 *
 * The rules and their sources are in docs/explain.md ("Names in a scenario").
 */
#ifndef TOKENLENS_NAMES_H
#define TOKENLENS_NAMES_H

#include "tokenlens/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a name is meant to be. */
typedef enum tl_name_kind {
    TL_NAME_COMPUTER = 0,    /**< a NetBIOS computer name: WEB01 (no trailing '$') */
    TL_NAME_DOMAIN = 1,      /**< a NetBIOS domain name: CONTOSO */
    TL_NAME_DOMAIN_USER = 2, /**< DOMAIN\\user (a local account is WEB01\\alice) */
    TL_NAME_ACCOUNT = 3,     /**< DOMAIN\\user or a bare user name */
    TL_NAME_SPN = 4          /**< service/host[:port][/service name] */
} tl_name_kind;

/** The canonical word for a kind ("computer", "domain", "domain-user", "account", "spn");
 *  "unknown" for a value outside the enum. Ownership: a static string. */
TL_EXTERN const char *tl_name_kind_name(tl_name_kind kind);

/**
 * Whether `value` is a valid name of `kind`. TL_OK (and no error left behind), or TL_EINVAL
 * with tl_error_last() saying what is wrong and what a valid value looks like, e.g.
 * "give the computer name without the machine account's trailing '$'; expected a NetBIOS
 * computer name such as WEB01". NULL `value` or an unknown `kind` is TL_EINVAL.
 * Ownership: nothing is allocated.
 */
TL_EXTERN tl_result tl_name_check(tl_name_kind kind, const char *value);

#ifdef __cplusplus
}
#endif
#endif
