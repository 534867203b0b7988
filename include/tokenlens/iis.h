/**
 * @file tokenlens/iis.h
 * @brief IIS audit: read applicationHost.config and say who every site runs as.
 *
 * The reader streams the file through expat (no DTD, no entities, bounded depth, size and
 * token length) and keeps only what the audit needs, so memory grows with the number of
 * sites, pools and location overrides, not with the file. The audit resolves, per site and
 * application: the application pool, the pool's process identity (with its SID; S-1-5-82 for
 * ApplicationPoolIdentity), the anonymous identity after server-level settings and
 * `<location>` overrides, Windows authentication, groups of sites that share an anonymous
 * identity, and findings in plain words with the fix.
 *
 * Semantics and sources (IIS configuration reference): docs/iis.md.
 * Passwords (processModel/@password, anonymousAuthentication/@password) are never read.
 */
#ifndef TOKENLENS_IIS_H
#define TOKENLENS_IIS_H

#include "tokenlens/common.h"
#include "tokenlens/sid.h"
#include "tokenlens/sd.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Safety bounds of the reader (a hostile file gets TL_ELIMIT with line and column). */
#define TL_IIS_MAX_BYTES (64u * 1024u * 1024u) /**< the 0.1 whole-file limit (kept for callers) */
/** Default whole-file limit when tl_iis_options::max_bytes is 0: admits a 50,000-site
 *  hosting server (about 105 MiB); memory follows sites, not bytes. */
#define TL_IIS_DEFAULT_MAX_BYTES (1024u * 1024u * 1024u)
#define TL_IIS_MAX_DEPTH 64              /**< element nesting */
#define TL_IIS_MAX_TOKEN (1024u * 1024u) /**< bytes without a markup event (one tag) */

/** applicationPools/add/processModel/@identityType. */
typedef enum tl_iis_identity_type {
    TL_IIS_APPPOOL_IDENTITY =
        0,                  /**< ApplicationPoolIdentity: IIS APPPOOL\\pool (IIS 7.5+ default) */
    TL_IIS_NETWORK_SERVICE, /**< NT AUTHORITY\\NETWORK SERVICE */
    TL_IIS_LOCAL_SERVICE,   /**< NT AUTHORITY\\LOCAL SERVICE */
    TL_IIS_LOCAL_SYSTEM,    /**< NT AUTHORITY\\SYSTEM */
    TL_IIS_SPECIFIC_USER    /**< processModel/@userName */
} tl_iis_identity_type;

/** Name of an identity type as the configuration spells it ("ApplicationPoolIdentity"). */
TL_EXTERN const char *tl_iis_identity_type_name(tl_iis_identity_type type);

/** An account: the name Windows shows and, when computable offline, its SID. */
typedef struct tl_iis_identity {
    const char *name; /**< "IIS APPPOOL\\coke", "NT AUTHORITY\\IUSR", "CONTOSO\\svc-web" */
    bool sid_known;   /**< false for specific accounts (their SID needs the account database) */
    tl_sid sid;       /**< valid when sid_known */
} tl_iis_identity;

/** An application pool after applicationPoolDefaults inheritance. */
typedef struct tl_iis_pool {
    const char *name;
    bool declared; /**< false: referenced by an application but not defined */
    tl_iis_identity_type identity_type;
    const char *user_name;    /**< processModel/@userName (SpecificUser), else NULL */
    tl_iis_identity identity; /**< the worker process's user */
    size_t site_count;        /**< sites with at least one application in this pool */
} tl_iis_pool;

/** Effective authentication of one application (server level + location overrides). */
typedef struct tl_iis_auth {
    bool anonymous_enabled;
    const char
        *anonymous_user; /**< userName as configured: "IUSR", "" (= pool identity), account */
    bool windows_enabled;
    size_t provider_count;         /**< providers: tl_iis_auth_provider() */
    bool use_kernel_mode;          /**< windowsAuthentication/@useKernelMode (default true) */
    bool use_app_pool_credentials; /**< windowsAuthentication/@useAppPoolCredentials (default false)
                                    */
} tl_iis_auth;

/** One application of a site (the root application has path "/"). */
typedef struct tl_iis_app {
    const char *path;          /**< "/", "/api" */
    const char *app_pool;      /**< pool name after applicationDefaults */
    const tl_iis_pool *pool;   /**< never NULL (undeclared pools have declared=false) */
    const char *physical_path; /**< root virtual directory, variables expanded; may be NULL */
    const char *content_user;  /**< the root virtual directory's userName ("connect
                                    as": content is read as this account), or NULL */
    tl_iis_auth auth;
    const tl_iis_identity *anonymous; /**< NULL when anonymous authentication is off */
    const char *config_error;         /**< non-NULL: IIS refuses this path (HTTP 500.19), why */
    size_t vdir_count; /**< virtual directories other than "/": tl_iis_app_vdir_path() */
#ifdef TL_BUILDING     /* library-private tail: views are only handed out by pointer */
    const char *const *auth_providers;
    const char *const *vdir_paths;
    const char *const *vdir_physical;
#endif
} tl_iis_app;

/** A site. Its application 0 is the root application "/". */
typedef struct tl_iis_site {
    const char *name;
    uint64_t id;
    size_t binding_count; /**< bindings: tl_iis_site_binding() */
    size_t app_count;     /**< applications: tl_iis_site_app() */
#ifdef TL_BUILDING
    const char *const *bindings;
    const tl_iis_app *apps;
#endif
} tl_iis_site;

/** Sites whose anonymous requests run as the same account. */
typedef struct tl_iis_shared_identity {
    tl_iis_identity identity;
    size_t site_count; /**< site names, in file order: tl_iis_shared_site() */
#ifdef TL_BUILDING
    const char *const *sites;
#endif
} tl_iis_shared_identity;

/** What a finding is about (stable values). */
typedef enum tl_iis_finding_kind {
    /** several sites serve anonymous requests as one account */
    TL_IIS_FINDING_SHARED_ANONYMOUS = 1,
    TL_IIS_FINDING_SHARED_POOL,      /**< several sites run in one pool (one process identity) */
    TL_IIS_FINDING_LOCAL_SYSTEM,     /**< a pool runs as LocalSystem */
    TL_IIS_FINDING_NETWORK_IDENTITY, /**< off the box the pool is the machine account / anonymous */
    TL_IIS_FINDING_UNDECLARED_POOL,  /**< an application names a pool that does not exist */
    TL_IIS_FINDING_LOCKED_SECTION,   /**< a location sets a section or attribute locked above it */
    TL_IIS_FINDING_KERBEROS_KERNEL_MODE /**< kernel-mode auth with a domain-account pool and no
                                             useAppPoolCredentials: Kerberos falls back to NTLM */
} tl_iis_finding_kind;

typedef enum tl_iis_severity { TL_IIS_INFO = 0, TL_IIS_WARNING, TL_IIS_CRITICAL } tl_iis_severity;

/** A finding in plain words, with the fix. */
typedef struct tl_iis_finding {
    tl_iis_finding_kind kind;
    tl_iis_severity severity;
    const char *text;  /**< "sites coke and pepsi both serve anonymous requests as ..." */
    const char *fix;   /**< what to change */
    size_t site_count; /**< the sites concerned: tl_iis_finding_site() */
#ifdef TL_BUILDING
    const char *const *sites;
#endif
} tl_iis_finding;

/** Short name of a finding kind ("shared_anonymous_identity"). Static string. */
TL_EXTERN const char *tl_iis_finding_kind_name(tl_iis_finding_kind kind);
/** "info", "warning" or "critical". Static string. */
TL_EXTERN const char *tl_iis_severity_name(tl_iis_severity severity);

#define TL_IIS_OPTIONS_VERSION 1
/** Reader options (versioned): start from TL_IIS_OPTIONS_INIT; a version the library does not
 *  know is TL_EINVAL. */
typedef struct tl_iis_options {
    unsigned int version; /**< TL_IIS_OPTIONS_VERSION */
    /** Values for %VARIABLES% in physical paths, as "NAME=value" strings (IIS Express uses
     *  %IIS_SITES_HOME%, %IIS_USER_HOME%, %IIS_BIN%). Unknown variables are left as written. */
    const char *const *variables;
    size_t variable_count;
    /** Largest file read (each configSource file too); 0: TL_IIS_DEFAULT_MAX_BYTES. */
    size_t max_bytes;
    /** Folder that configSource= files are relative to. tl_iis_audit_load() uses the file's
     *  own folder when NULL; with tl_iis_audit_parse() and NULL, a configSource is an error. */
    const char *config_dir;
} tl_iis_options;
#define TL_IIS_OPTIONS_INIT                                                                        \
    {                                                                                              \
        TL_IIS_OPTIONS_VERSION, NULL, 0, 0, NULL                                                   \
    }

/** The audit of one configuration file (opaque). */
typedef struct tl_iis_audit tl_iis_audit;

/**
 * Read and audit applicationHost.config text (UTF-8 or UTF-16 with BOM).
 * Errors: TL_EPARSE (malformed XML, DOCTYPE, unknown identityType, ...) and TL_ELIMIT (size,
 * depth, token length) with tl_error::offset = byte offset and tl_error::path = "line L,
 * column C"; TL_ENOMEM. `options` may be NULL.
 * Ownership: *out is freed with tl_iis_audit_free().
 */
TL_EXTERN tl_result tl_iis_audit_parse(tl_iis_audit **out, const char *xml, size_t len,
                                       const tl_iis_options *options);

/** Like tl_iis_audit_parse() but streams the file at `path` (TL_EIO when unreadable). */
TL_EXTERN tl_result tl_iis_audit_load(tl_iis_audit **out, const char *path,
                                      const tl_iis_options *options);

/** Free an audit and every view obtained from it. NULL is ignored. */
TL_EXTERN void tl_iis_audit_free(tl_iis_audit *audit);

/** Sites in file order. Views are valid while the audit lives. */
TL_EXTERN size_t tl_iis_site_count(const tl_iis_audit *audit);
TL_EXTERN const tl_iis_site *tl_iis_site_at(const tl_iis_audit *audit, size_t index);
/** Index of the site named `name` (case-insensitive), or TL_ENOTFOUND. */
TL_EXTERN tl_result tl_iis_site_find(size_t *out, const tl_iis_audit *audit, const char *name);

/** Binding `i` of a site ("http *:80:coke.example": protocol, space, bindingInformation), or
 *  NULL past the end. Borrowed from the audit. */
TL_EXTERN const char *tl_iis_site_binding(const tl_iis_site *site, size_t i);
/** Application `i` of a site (0 is the root "/"), or NULL past the end. Borrowed. */
TL_EXTERN const tl_iis_app *tl_iis_site_app(const tl_iis_site *site, size_t i);
/** Virtual directory `i` of an application other than its root: its path inside the
 *  application ("/images"), or NULL past the end. Borrowed. */
TL_EXTERN const char *tl_iis_app_vdir_path(const tl_iis_app *app, size_t i);
/** Its physicalPath (variables expanded), or NULL when it has none / past the end. */
TL_EXTERN const char *tl_iis_app_vdir_physical_path(const tl_iis_app *app, size_t i);
/** Windows authentication provider `i` ("Negotiate", "NTLM", ... in order), or NULL. */
TL_EXTERN const char *tl_iis_auth_provider(const tl_iis_auth *auth, size_t i);
/** Site name `i` of a shared anonymous identity, or NULL. */
TL_EXTERN const char *tl_iis_shared_site(const tl_iis_shared_identity *shared, size_t i);
/** Site name `i` a finding is about, or NULL. */
TL_EXTERN const char *tl_iis_finding_site(const tl_iis_finding *finding, size_t i);

/** Application pools: declared ones in file order, then undeclared ones referenced by sites. */
TL_EXTERN size_t tl_iis_pool_count(const tl_iis_audit *audit);
TL_EXTERN const tl_iis_pool *tl_iis_pool_at(const tl_iis_audit *audit, size_t index);

/** Anonymous identities shared by two or more sites. */
TL_EXTERN size_t tl_iis_shared_count(const tl_iis_audit *audit);
TL_EXTERN const tl_iis_shared_identity *tl_iis_shared_at(const tl_iis_audit *audit, size_t index);

/** Warnings about the input itself (a fragment instead of a whole file, configSource files
 *  read), in the order met. Borrowed strings. */
TL_EXTERN size_t tl_iis_warning_count(const tl_iis_audit *audit);
TL_EXTERN const char *tl_iis_warning_at(const tl_iis_audit *audit, size_t index);

/** Findings, most severe first. */
TL_EXTERN size_t tl_iis_finding_count(const tl_iis_audit *audit);
TL_EXTERN const tl_iis_finding *tl_iis_finding_at(const tl_iis_audit *audit, size_t index);

/**
 * The audit as JSON text (the `tokenlens iis --json` contract of PRODUCT.md: "sites",
 * "shared_anonymous_identities", plus "application_pools" and "findings").
 * Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_iis_audit_to_json(char **out, const tl_iis_audit *audit);

#define TL_IIS_SCENARIO_OPTIONS_VERSION 1
/** Inputs of tl_iis_site_scenario_json() that the configuration cannot know (versioned:
 *  start from TL_IIS_SCENARIO_OPTIONS_INIT). */
typedef struct tl_iis_scenario_options {
    unsigned int version;     /**< TL_IIS_SCENARIO_OPTIONS_VERSION */
    const char *machine;      /**< computer name; NULL -> "WEB01" */
    const char *domain;       /**< NetBIOS domain; NULL -> a workgroup machine */
    const char *request_user; /**< NULL -> an anonymous request when the site allows one,
                                   else "<domain>\\alice" */
    const char *protocol;     /**< "ntlm" | "kerberos"; NULL -> "ntlm" */
    const char *hop_target;   /**< SPN of the off-box call, or "local"; NULL -> no hop */
    const char *application;  /**< application path ("/api"); NULL -> the root application */
} tl_iis_scenario_options;
#define TL_IIS_SCENARIO_OPTIONS_INIT                                                               \
    {                                                                                              \
        TL_IIS_SCENARIO_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL                        \
    }

/**
 * Describe one site as an explain-engine scenario (format v1 of PRODUCT.md), so the explain
 * engine can answer "and off the box?". `options` may be NULL.
 * Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_iis_site_scenario_json(char **out, const tl_iis_audit *audit, size_t site,
                                              const tl_iis_scenario_options *options);

/* ---- isolation verdict (needs the security-descriptor module) ---------------------------- */

/** Can one site's anonymous identity read another site's content folder? */
typedef struct tl_iis_isolation_check {
    const char *reader;              /**< site whose anonymous requests do the reading */
    const tl_iis_identity *identity; /**< its anonymous identity (borrowed from the audit) */
    const char *content;             /**< site whose content folder is checked */
    bool known;                      /**< false: the identity's SID is unknown (specific
                                          account), so no answer */
    bool can_read;                   /**< FILE_GENERIC_READ granted */
    const char *reason;              /**< the deciding ACE(s) in words */
} tl_iis_isolation_check;

typedef struct tl_iis_isolation tl_iis_isolation;

/**
 * The isolation verdict: for every site in `sites` with anonymous authentication on, and every
 * site in `sites` (itself included), an offline access check of the reader's anonymous
 * identity (as a token with the groups Windows gives it: see docs/iis.md) against the content
 * descriptor for FILE_GENERIC_READ. `sites[i]` names a site of the audit and
 * `descriptors[i]` is its content folder's descriptor (e.g. from `icacls /save` or
 * `Get-Acl | % Sddl`). TL_ENOTFOUND when a name is not a site of the audit; TL_EINVAL when
 * a site is given twice (names compare case-insensitively, as IIS compares them): one folder
 * has one descriptor, and picking one of two could turn a failing verdict into a passing one;
 * TL_ELIMIT when (sites with anonymous access) x count exceeds TL_IIS_ISOLATION_MAX_CHECKS.
 * Cost: one access check per distinct (anonymous identity SID, descriptor) pair
 * (tl_iis_isolation_access_checks()), memory linear in the checks.
 * Ownership: *out is freed with tl_iis_isolation_free(); it borrows from `audit`, which must
 * outlive it. The descriptors are not kept.
 */
TL_EXTERN tl_result tl_iis_isolation_evaluate(tl_iis_isolation **out, const tl_iis_audit *audit,
                                              const char *const *sites,
                                              const tl_sd *const *descriptors, size_t count);
TL_EXTERN void tl_iis_isolation_free(tl_iis_isolation *iso);
/** Most checks (readers x content folders) of one verdict: 1024 sites with anonymous access
 *  against 1024 folders (about 48 MiB of checks). */
#define TL_IIS_ISOLATION_MAX_CHECKS (1024u * 1024u)
/** Access checks actually run: one per distinct (anonymous identity SID, descriptor) pair,
 *  at most tl_iis_isolation_count(). */
TL_EXTERN size_t tl_iis_isolation_access_checks(const tl_iis_isolation *iso);
/** Checks, reader-major in the order given. */
TL_EXTERN size_t tl_iis_isolation_count(const tl_iis_isolation *iso);
TL_EXTERN const tl_iis_isolation_check *tl_iis_isolation_at(const tl_iis_isolation *iso,
                                                            size_t index);
/** True when no site's anonymous identity can read another site's content, as shown by the
 *  checks: a check of another site's content with an unknown answer (a specific account,
 *  whose SID needs the account database) makes it false too. */
TL_EXTERN bool tl_iis_isolation_holds(const tl_iis_isolation *iso);

#ifdef __cplusplus
}
#endif
#endif
