/**
 * @file tokenlens/webconfig.h
 * @brief Read an application's web.config (impersonation, authentication, ASP.NET Core
 *        hosting, connection strings, UNC paths) and parse SqlClient connection strings into
 *        the SPN a SQL client asks for. JSON shape: docs/webconfig.md.
 *
 * Every reader takes hostile input: no DTDs or entities, nesting, size and token limits,
 * errors name the file and line (tl_error_last()->path is "FILE: line N, column M").
 */
#ifndef TOKENLENS_WEBCONFIG_H
#define TOKENLENS_WEBCONFIG_H

#include "tokenlens/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- SqlClient connection strings ---------------------------------------------------------- */

/** A parsed connection string (opaque). Release with tl_connection_free(). */
typedef struct tl_connection tl_connection;

/** Which provider a connection string is for. */
typedef enum tl_connection_provider {
    TL_PROVIDER_SQLCLIENT = 0, /**< System.Data.SqlClient / Microsoft.Data.SqlClient */
    TL_PROVIDER_OLEDB = 1,     /**< Provider=... (OLE DB), not SqlClient */
    TL_PROVIDER_ODBC = 2,      /**< Driver=... / DSN=... */
    TL_PROVIDER_ORACLE = 3,
    TL_PROVIDER_MYSQL = 4,
    TL_PROVIDER_POSTGRES = 5,
    TL_PROVIDER_OTHER = 6 /**< a providerName tokenlens does not know */
} tl_connection_provider;

/** Canonical name ("sqlclient", "oledb", "odbc", "oracle", "mysql", "postgresql", "other");
 *  NULL for values outside the enum. Static. */
TL_EXTERN const char *tl_connection_provider_name(int provider);

/**
 * Parse `text` with the SqlClient connection-string rules (keywords case-insensitive,
 * leading/trailing white space ignored, values quoted with ' or " and the quote doubled
 * inside, "==" for '=' in a keyword, the last duplicate wins). `provider_name` is the
 * providerName attribute of the <add> element (may be NULL: SqlClient). An Entity Framework
 * string ("metadata=...;provider connection string='...'") is parsed through to the inner one.
 * TL_EPARSE with the byte offset on malformed text; TL_ELIMIT beyond 64 KiB.
 * Ownership: *out is freed with tl_connection_free().
 */
TL_EXTERN tl_result tl_connection_parse(tl_connection **out, const char *text,
                                        const char *provider_name);
/** Release. NULL is ignored. */
TL_EXTERN void tl_connection_free(tl_connection *c);
TL_EXTERN tl_connection_provider tl_connection_provider_kind(const tl_connection *c);
/** True when the provider is SQL Server's (SqlClient). */
TL_EXTERN bool tl_connection_is_sql_server(const tl_connection *c);
/** Integrated Security / Trusted_Connection is true, yes or sspi (Windows credentials). */
TL_EXTERN bool tl_connection_integrated(const tl_connection *c);
/** The Data Source value as written, or NULL when absent. Borrowed. */
TL_EXTERN const char *tl_connection_server(const tl_connection *c);
/** Host without tcp:, \\INSTANCE or ,port; "local" for ".", "(local)", "localhost" and the
 *  loopback addresses; "(localdb)" for LocalDB. NULL when there is no Data Source. Borrowed. */
TL_EXTERN const char *tl_connection_host(const tl_connection *c);
/** TCP port the client connects to (the one written, 1433 for a default instance), or -1
 *  when unknown (a named instance found through SQL Browser, named pipes, LocalDB). */
TL_EXTERN int tl_connection_port(const tl_connection *c);
/** Named instance, or NULL. Borrowed. */
TL_EXTERN const char *tl_connection_instance(const tl_connection *c);
/** The SPN the SQL client asks for ("MSSQLSvc/db01.contoso.com:1433"), NULL for local
 *  targets, LocalDB and other providers. Borrowed. */
TL_EXTERN const char *tl_connection_spn(const tl_connection *c);
/** Value of keyword `key` (any synonym, case-insensitive) after parsing, or NULL. Borrowed. */
TL_EXTERN const char *tl_connection_get(const tl_connection *c, const char *key);

/* ---- web.config ---------------------------------------------------------------------------- */

/** A read web.config (opaque). Release with tl_webconfig_free(). */
typedef struct tl_webconfig tl_webconfig;

#define TL_WEBCONFIG_OPTIONS_VERSION 1
/** Reader options (versioned). */
typedef struct tl_webconfig_options {
    unsigned int version; /**< TL_WEBCONFIG_OPTIONS_VERSION */
    size_t max_bytes;     /**< largest file read (0: TL_WEBCONFIG_MAX_BYTES) */
    bool follow_includes; /**< read configSource= and appSettings file= files (load only) */
} tl_webconfig_options;
#define TL_WEBCONFIG_OPTIONS_INIT                                                                  \
    {                                                                                              \
        TL_WEBCONFIG_OPTIONS_VERSION, 0, true                                                      \
    }
/** Default size limit of a web.config and of each file it includes. */
#define TL_WEBCONFIG_MAX_BYTES (16u * 1024u * 1024u)
#define TL_WEBCONFIG_MAX_DEPTH 64

/**
 * Read the web.config at `path` (a regular file; a directory or FIFO is TL_EIO), following
 * configSource= and appSettings file= relative to its folder. `options` may be NULL.
 * Ownership: *out is freed with tl_webconfig_free(); untouched (NULL) on failure.
 */
TL_EXTERN tl_result tl_webconfig_load(tl_webconfig **out, const char *path,
                                      const tl_webconfig_options *options);
/** Read web.config text held in memory; `name` (may be NULL) names it in errors. Includes
 *  are reported, not followed. Ownership as tl_webconfig_load(). */
TL_EXTERN tl_result tl_webconfig_parse(tl_webconfig **out, const char *xml, size_t len,
                                       const char *name, const tl_webconfig_options *options);
TL_EXTERN void tl_webconfig_free(tl_webconfig *w);

/** system.web/identity/@impersonate. */
TL_EXTERN bool tl_webconfig_impersonate(const tl_webconfig *w);
/** system.web/identity/@userName, or NULL. Borrowed. */
TL_EXTERN const char *tl_webconfig_impersonate_user(const tl_webconfig *w);
/** system.web/authentication/@mode as written, or NULL. Borrowed. */
TL_EXTERN const char *tl_webconfig_authentication_mode(const tl_webconfig *w);
/** True when the file configures the ASP.NET Core Module (system.webServer/aspNetCore). */
TL_EXTERN bool tl_webconfig_is_aspnetcore(const tl_webconfig *w);
/** "inprocess" or "outofprocess" (the module's default when not written), NULL when not
 *  ASP.NET Core. Static. */
TL_EXTERN const char *tl_webconfig_hosting_model(const tl_webconfig *w);
TL_EXTERN bool tl_webconfig_forward_windows_auth_token(const tl_webconfig *w);
TL_EXTERN size_t tl_webconfig_connection_count(const tl_webconfig *w);
/** Connection `i` or NULL. Borrowed. */
TL_EXTERN const tl_connection *tl_webconfig_connection_at(const tl_webconfig *w, size_t i);
/** Name of connection `i` (the <add name=> or appSettings key). Borrowed. */
TL_EXTERN const char *tl_webconfig_connection_name(const tl_webconfig *w, size_t i);
/** "connectionStrings" or "appSettings". Static. */
TL_EXTERN const char *tl_webconfig_connection_where(const tl_webconfig *w, size_t i);
TL_EXTERN size_t tl_webconfig_unc_count(const tl_webconfig *w);
/** UNC path `i` ("\\\\fs01\\share\\logs"). Borrowed. */
TL_EXTERN const char *tl_webconfig_unc_at(const tl_webconfig *w, size_t i);
/** Notes: what was reported but not applied (xdt transforms, encrypted sections, locked
 *  sections, includes not followed, values not understood). */
TL_EXTERN size_t tl_webconfig_note_count(const tl_webconfig *w);
TL_EXTERN const char *tl_webconfig_note_at(const tl_webconfig *w, size_t i);
/**
 * The JSON of docs/webconfig.md (PRODUCT.md "Reading a real server"), pretty-printed.
 * Ownership: *out is freed with tl_free().
 */
TL_EXTERN tl_result tl_webconfig_to_json(char **out, const tl_webconfig *w);

#ifdef __cplusplus
}
#endif
#endif
