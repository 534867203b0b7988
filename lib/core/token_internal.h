/* The layout of tl_token, shared by token.c and token_json.c only. */
#ifndef TL_TOKEN_INTERNAL_H
#define TL_TOKEN_INTERNAL_H
#include "tokenlens/token.h"

struct tl_token {
    bool has_user;
    tl_sid user;
    uint32_t user_attributes;
    char *user_name; /* "DOMAIN\\user" as LookupAccountSid gave it, or NULL */
    tl_sid_and_attributes *groups;
    size_t ngroups, groups_cap;
    tl_sid_and_attributes *restricted;
    size_t nrestricted, restricted_cap;
    bool restricted_known;
    tl_privilege *privileges;
    size_t nprivileges, privileges_cap;
    bool has_owner;
    tl_sid owner;
    bool has_primary_group;
    tl_sid primary_group;
    tl_token_type type;
    tl_impersonation_level impersonation_level;
    bool has_integrity;
    uint32_t integrity_rid;
    int elevated;
    tl_elevation_type elevation_type;
    uint32_t session_id;
    bool has_logon_id;
    uint64_t logon_id;
    tl_logon_type logon_type;
    char *logon_package;
    char *logon_domain;
    char *logon_user;
};

/* JSON tree forms, for callers that embed a snapshot in a larger document (whoami's
 * {"process", "thread", "effective"}). tl__token_json returns a new reference or NULL (out of
 * memory, error raised). tl__token_from_jansson reports errors with paths under `path`
 * ("$" for a document of its own, "$.process" inside whoami output). */
#include <jansson.h>
json_t *tl__token_json(const tl_token *token);
int tl__token_from_jansson(tl_token **out, json_t *root, const char *path);
/* Parse text with jansson's strict options, mapping syntax errors to TL_EPARSE with the byte
 * offset, line and column. Ownership: *out is released with json_decref(). */
int tl__token_json_parse(json_t **out, const char *text, size_t len);

#endif
