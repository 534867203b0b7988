/* Shared by connstr.c, webconfig.c and the server reader: the layouts behind
 * tokenlens/webconfig.h and the JSON builders. */
#ifndef TL_WEBCONFIG_INTERNAL_H
#define TL_WEBCONFIG_INTERNAL_H
#include "tokenlens/webconfig.h"
#include <jansson.h>

#define TL__CONNSTR_MAX (64u * 1024u)

struct tl_connection {
    tl_connection_provider provider;
    bool integrated;
    char *server;   /* Data Source as written */
    char *host;     /* see tl_connection_host */
    char *instance; /* named instance */
    char *spn;      /* MSSQLSvc/... or NULL */
    int port;       /* -1 unknown */
    bool localdb;
    char **keys; /* canonical keyword (lower case) */
    char **vals;
    size_t nkv;
    char *note; /* what the reader could not use, or NULL */
};

typedef struct tl__wc_conn {
    char *name;
    const char *where; /* "connectionStrings" | "appSettings" (static) */
    tl_connection *conn;
    unsigned long line;
} tl__wc_conn;

typedef struct tl__wc_auth {
    bool present;
    int enabled; /* -1 not written */
    char *user;  /* anonymous userName, NULL when not written */
    bool user_set;
    char **providers; /* windows providers after <clear/>/<add>/<remove> */
    size_t nproviders;
    bool providers_set;
    int use_app_pool_credentials; /* -1 */
    int use_kernel_mode;          /* -1 */
} tl__wc_auth;

/* What one scope (the file itself, or one <location path=...>) sets. */
typedef struct tl__wc_scope {
    char *path;      /* NULL for the file's own scope ("" and "." included) */
    int impersonate; /* -1 not written */
    char *impersonate_user;
    char *authentication_mode;
    tl__wc_auth anonymous, windows;
    int allow_override; /* <location allowOverride / overrideMode>: -1 not written */
} tl__wc_scope;

struct tl_webconfig {
    char *name; /* the file as named by the caller */
    tl__wc_scope root;
    tl__wc_scope *locs;
    size_t nlocs, cap_locs;
    bool aspnetcore;
    char *aspnetcore_module; /* "AspNetCoreModuleV2" | "AspNetCoreModule" | NULL */
    const char *hosting_model;
    bool hosting_model_written;
    bool forward_windows_auth_token;
    char *process_path;
    tl__wc_conn *conns;
    size_t nconns, cap_conns;
    char **unc;
    size_t nunc, cap_unc;
    char **unc_where; /* parallel to unc: "appSettings/UploadFolder", "<element>/@attr" */
    size_t nunc_where, cap_unc_where;
    char **notes;
    size_t nnotes, cap_notes;
    bool transform;  /* an xdt transform file */
    char **includes; /* files followed (configSource / file=) */
    size_t nincludes, cap_includes;
    char **encrypted; /* sections protected by a configProtectionProvider */
    size_t nencrypted, cap_encrypted;
};

/* Append a copy of `s` to a string list (NULL + count + capacity); TL_ENOMEM raised. */
int tl__strlist_add(char ***list, size_t *n, size_t *cap, const char *s);
void tl__strlist_free(char **list, size_t n);

/* JSON of one connection (the webconfig "connections" element without name/where), new
 * reference or NULL on out of memory. */
json_t *tl__connection_json(const tl_connection *c);
json_t *tl__webconfig_json(const tl_webconfig *w);
/* Every UNC path in `s` ("\\server\share..."): the server names are appended to *list as
 * paths. Not UNC: "\\?\", "\\.\", relative paths. */
int tl__unc_scan(const char *s, char ***list, size_t *n, size_t *cap);
/* "cifs/server" for a UNC path, allocated (tl__free), NULL on out of memory. */
char *tl__unc_spn(const char *path);

#endif
