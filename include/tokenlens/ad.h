/**
 * @file tokenlens/ad.h
 * @brief Active Directory: read the delegation facts of an account or an SPN from a domain
 *        controller over LDAP, with the caller's Kerberos credentials.
 *
 * POSIX: OpenLDAP's libldap with SASL GSSAPI (the ticket cache of KRB5CCNAME); Windows:
 * wldap32 with Negotiate as the logged-on user. In builds without an LDAP library every
 * connect fails with TL_ENOTSUP; the decoding helpers always work.
 *
 *     tl_ad_options o = TL_AD_OPTIONS_INIT;  o.server = "dc1.contoso.com";  // NULL: DNS SRV
 *     tl_ad *ad;          tl_ad_connect(&ad, &o);
 *     tl_ad_account *a;   tl_ad_account_lookup(&a, ad, "CONTOSO\\svc-web");
 *     if (tl_ad_account_flags(a) & TL_AD_UF_TRUSTED_TO_AUTH_FOR_DELEGATION) ...
 *     tl_ad_account_free(a);  tl_ad_free(ad);
 *
 * The server name is used as given for the SASL service name (ldap/<server>, no reverse-DNS
 * canonicalisation, as `ldapsearch -N`); the base DN is the rootDSE's defaultNamingContext.
 * Errors: TL_ENOTFOUND no such account / no DC in DNS; TL_EAUTH no Kerberos credentials or the
 * bind was refused; TL_EOS the DC is unreachable; TL_ESTATE access denied to an attribute.
 * See docs/ad.md.
 */
#ifndef TOKENLENS_AD_H
#define TOKENLENS_AD_H

#include "tokenlens/common.h"
#include "tokenlens/sid.h"

#ifdef __cplusplus
extern "C" {
#endif

/** userAccountControl bits that decide delegation ([MS-ADTS] 2.2.16). */
#define TL_AD_UF_ACCOUNTDISABLE 0x00000002u
#define TL_AD_UF_NORMAL_ACCOUNT 0x00000200u
#define TL_AD_UF_WORKSTATION_TRUST_ACCOUNT 0x00001000u
#define TL_AD_UF_SERVER_TRUST_ACCOUNT 0x00002000u
#define TL_AD_UF_TRUSTED_FOR_DELEGATION 0x00080000u         /**< unconstrained */
#define TL_AD_UF_NOT_DELEGATED 0x00100000u                  /**< "sensitive" */
#define TL_AD_UF_TRUSTED_TO_AUTH_FOR_DELEGATION 0x01000000u /**< protocol transition */

/** Connection options. Versioned: start from TL_AD_OPTIONS_INIT. */
typedef struct tl_ad_options {
    unsigned int version;
    const char *server;      /**< DC host name (or host:port); NULL: a DC of `realm` from DNS SRV
                                  _ldap._tcp.dc._msdcs.<realm> */
    const char *realm;       /**< DNS domain for discovery; NULL: the realm of the caller's
                                  Kerberos credentials */
    unsigned int timeout_ms; /**< connect and per-search timeout; 0: 10000 */
} tl_ad_options;
#define TL_AD_OPTIONS_VERSION 1
#define TL_AD_OPTIONS_INIT                                                                         \
    {                                                                                              \
        TL_AD_OPTIONS_VERSION, NULL, NULL, 10000                                                   \
    }

/** A bound LDAP connection to one DC. */
typedef struct tl_ad tl_ad;

/**
 * Find (or take) the DC, bind with the caller's credentials and read the rootDSE.
 * Ownership: *out is freed with tl_ad_free().
 */
TL_EXTERN tl_result tl_ad_connect(tl_ad **out, const tl_ad_options *opts);
TL_EXTERN void tl_ad_free(tl_ad *ad);
/** The DC's host name as bound; the domain's DN, DNS name, NetBIOS name and SID. Owned by ad. */
TL_EXTERN const char *tl_ad_server(const tl_ad *ad);
TL_EXTERN const char *tl_ad_base_dn(const tl_ad *ad);
TL_EXTERN const char *tl_ad_dns_domain(const tl_ad *ad);
TL_EXTERN const char *tl_ad_netbios_domain(const tl_ad *ad);
TL_EXTERN const tl_sid *tl_ad_domain_sid(const tl_ad *ad);

/** One account's delegation facts. */
typedef struct tl_ad_account tl_ad_account;

/**
 * Look up NAME: `svc-web`, `CONTOSO\svc-web`, `WEB01$`, a UPN `alice@contoso.com` or a SID
 * string. Reads userAccountControl, objectSid, servicePrincipalName,
 * msDS-AllowedToDelegateTo, msDS-AllowedToActOnBehalfOfOtherIdentity (decoded, its SIDs
 * resolved to names through the directory) and tokenGroups (Protected Users, nesting included).
 * TL_ENOTFOUND when there is no such account. Ownership: *out is freed with tl_ad_account_free().
 */
TL_EXTERN tl_result tl_ad_account_lookup(tl_ad_account **out, tl_ad *ad, const char *name);
TL_EXTERN void tl_ad_account_free(tl_ad_account *a);
/** DOMAIN\sAMAccountName, the DN, the SID. Owned by a. */
TL_EXTERN const char *tl_ad_account_name(const tl_ad_account *a);
TL_EXTERN const char *tl_ad_account_dn(const tl_ad_account *a);
TL_EXTERN const tl_sid *tl_ad_account_sid(const tl_ad_account *a);
TL_EXTERN uint32_t tl_ad_account_flags(const tl_ad_account *a); /**< userAccountControl */
/** Member of Protected Users (S-1-5-21-<domain>-525) directly or through nested groups. */
TL_EXTERN bool tl_ad_account_protected_users(const tl_ad_account *a);
/** msDS-AllowedToDelegateTo. */
TL_EXTERN size_t tl_ad_account_delegate_to_count(const tl_ad_account *a);
TL_EXTERN const char *tl_ad_account_delegate_to_at(const tl_ad_account *a, size_t index);
/** servicePrincipalName. */
TL_EXTERN size_t tl_ad_account_spn_count(const tl_ad_account *a);
TL_EXTERN const char *tl_ad_account_spn_at(const tl_ad_account *a, size_t index);
/** The principals msDS-AllowedToActOnBehalfOfOtherIdentity allows (its access-allowed ACEs). */
TL_EXTERN size_t tl_ad_account_allowed_to_act_count(const tl_ad_account *a);
TL_EXTERN const tl_sid *tl_ad_account_allowed_to_act_sid(const tl_ad_account *a, size_t index);
/** DOMAIN\name of that principal, or NULL when the directory does not know the SID. */
TL_EXTERN const char *tl_ad_account_allowed_to_act_name(const tl_ad_account *a, size_t index);
/**
 * The account's delegation in the words of the scenario format's `delegation.mode`:
 * "unconstrained" (TRUSTED_FOR_DELEGATION), "constrained_any_protocol" (an
 * msDS-AllowedToDelegateTo list and TRUSTED_TO_AUTH_FOR_DELEGATION), "constrained" (a list,
 * Kerberos only) or "none". Static string.
 */
TL_EXTERN const char *tl_ad_account_delegation_mode(const tl_ad_account *a);
/**
 * The contract JSON (PRODUCT.md "Active Directory"): {"name", "sid", "dn",
 * "user_account_control", "trusted_for_delegation", "trusted_to_auth_for_delegation",
 * "not_delegated", "protected_users", "allowed_to_delegate_to", "allowed_to_act", "spns"}.
 * Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_ad_account_to_json(char **out, const tl_ad_account *a);

/** Where an SPN stands in the directory. Stable values. */
typedef enum tl_ad_spn_state {
    TL_AD_SPN_MISSING = 0,    /**< no account holds it: Kerberos fails, Negotiate falls to NTLM */
    TL_AD_SPN_REGISTERED = 1, /**< exactly one account */
    TL_AD_SPN_DUPLICATE = 2   /**< two or more: the KDC refuses it (KDC_ERR_S_PRINCIPAL_UNKNOWN) */
} tl_ad_spn_state;
/** "missing", "registered", "duplicate" (the words of the scenario format). Static string. */
TL_EXTERN const char *tl_ad_spn_state_name(tl_ad_spn_state state);

/** Every holder of one SPN in the domain (as `setspn -Q`). */
typedef struct tl_ad_spn tl_ad_spn;
/** Ownership: *out is freed with tl_ad_spn_free(). */
TL_EXTERN tl_result tl_ad_spn_lookup(tl_ad_spn **out, tl_ad *ad, const char *spn);
TL_EXTERN void tl_ad_spn_free(tl_ad_spn *s);
TL_EXTERN const char *tl_ad_spn_name(const tl_ad_spn *s);
TL_EXTERN tl_ad_spn_state tl_ad_spn_state_of(const tl_ad_spn *s);
TL_EXTERN size_t tl_ad_spn_account_count(const tl_ad_spn *s);
/** DOMAIN\sAMAccountName of a holder. Owned by s. */
TL_EXTERN const char *tl_ad_spn_account_at(const tl_ad_spn *s, size_t index);
/** {"spn", "accounts": [DOMAIN\name...], "state"}. Ownership: *out is freed with tl_free(). */
TL_EXTERN tl_result tl_ad_spn_to_json(char **out, const tl_ad_spn *s);

/**
 * A scenario (format v1, PRODUCT.md) with its directory facts taken from AD: `delegation`
 * (of the account the web tier runs as: app_pool.user, or the machine account HOST$),
 * `request.sensitive` and `request.protected_users` (of request.user), and for every hop to an
 * SPN `hops[].spn` (registered / missing / duplicate) and `hops[].allowed_to_act` (the RBCD
 * list of the SPN's holder). A field is written when AD's value differs from the file's, and
 * left out when the file has none and AD's value is the format's default, so the document
 * stays valid for engines that predate the optional fields. Each change is a difference
 * (JSON path, the file's value, AD's value); a fact AD could not give (an account in another
 * domain, no such account) is a note and the file's value stays.
 */
typedef struct tl_ad_filled tl_ad_filled;
/**
 * Fill the scenario JSON `text` (len bytes) from ad. TL_EPARSE (with line/path) when the
 * text is not a JSON object; lookup failures other than "not found" fail the call.
 * Ownership: *out is freed with tl_ad_filled_free().
 */
TL_EXTERN tl_result tl_ad_fill_scenario(tl_ad_filled **out, tl_ad *ad, const char *text,
                                        size_t len);
TL_EXTERN void tl_ad_filled_free(tl_ad_filled *f);
/** The filled scenario as JSON text. Owned by f. */
TL_EXTERN const char *tl_ad_filled_json(const tl_ad_filled *f);
TL_EXTERN size_t tl_ad_filled_difference_count(const tl_ad_filled *f);
/** JSON path of a difference ("$.delegation.mode"). Owned by f. */
TL_EXTERN const char *tl_ad_filled_difference_field(const tl_ad_filled *f, size_t index);
/** The file's value as JSON text, or NULL when the file had none. Owned by f. */
TL_EXTERN const char *tl_ad_filled_difference_file(const tl_ad_filled *f, size_t index);
/** AD's value as JSON text. Owned by f. */
TL_EXTERN const char *tl_ad_filled_difference_ad(const tl_ad_filled *f, size_t index);
TL_EXTERN size_t tl_ad_filled_note_count(const tl_ad_filled *f);
TL_EXTERN const char *tl_ad_filled_note_at(const tl_ad_filled *f, size_t index);

#ifdef __cplusplus
}
#endif
#endif
