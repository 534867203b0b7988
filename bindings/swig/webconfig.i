/* web.config reader, SqlClient connection strings, whoami text import and the whole-server
 * reader (issue 14). Included from tokenlens.i. */
/* Declared first: the C# %extend bodies below are emitted where their classes are declared. */
%insert("begin") %{
#include "tokenlens/common.h"
#include "tokenlens/token.h"
#include "tokenlens/webconfig.h"
#include "tokenlens/whoami.h"
#include "tokenlens/server.h"
tl_result tl_swig_server_load(tl_server **out, const char *config, const char *maps,
                              const char *machine, const char *domain);
%}
#ifdef SWIGCSHARP
%rename(WebConfig) tl_webconfig;
%rename(SqlConnection) tl_connection;
%rename(IisServer) tl_server;
#endif
%{
#include "tokenlens/webconfig.h"
%}
TL_OPAQUE(tl_webconfig, tl_webconfig_free)
TL_OPAQUE(tl_connection, tl_connection_free)
%ignore tl_webconfig_options;
%ignore tl_webconfig_load;
%ignore tl_webconfig_parse;
%include "tokenlens/webconfig.h"
%inline %{
/** tl_webconfig_load() with the default options. Ownership: tl_webconfig_free(). */
tl_result tl_swig_webconfig_load(tl_webconfig **out, const char *path)
{
    return tl_webconfig_load(out, path, NULL);
}
%}

%{
#include "tokenlens/whoami.h"
%}
%inline %{
/** tl_token_from_whoami_text() without the notes. Ownership: tl_token_free(). */
tl_result tl_swig_token_from_whoami(tl_token **out, const char *text, size_t len)
{
    return tl_token_from_whoami_text(out, text, len, NULL);
}
/** The notes tl_token_from_whoami_text() gives for `text` (NULL when none). */
tl_result tl_swig_whoami_notes(char **out, const char *text, size_t len)
{
    tl_token *t = NULL;
    char *n = NULL;
    int rc = tl_token_from_whoami_text(&t, text, len, &n);
    tl_token_free(t);
    if (rc)
        return rc;
    *out = n;
    return 0;
}
%}

%{
#include "tokenlens/server.h"
%}
TL_OPAQUE(tl_server, tl_server_free)
%ignore tl_server_options;
%ignore tl_server_load;
%include "tokenlens/server.h"
%inline %{
/** tl_server_load() with `maps` as "WINPATH=DIR" lines separated by '\n' (NULL or "" for
 *  none); machine and domain may be NULL. Ownership: tl_server_free(). */
tl_result tl_swig_server_load(tl_server **out, const char *config, const char *maps,
                              const char *machine, const char *domain)
{
    const char *list[64];
    char *copy = NULL;
    size_t n = 0;
    if (maps && *maps) {
        copy = (char *)malloc(strlen(maps) + 1);
        if (!copy)
            return tl_swig_fail(TL_ENOMEM);
        strcpy(copy, maps);
        for (char *p = copy; p && *p && n < 64;) {
            char *e = strchr(p, '\n');
            if (e)
                *e = 0;
            if (*p)
                list[n++] = p;
            p = e ? e + 1 : NULL;
        }
    }
    tl_server_options o = TL_SERVER_OPTIONS_INIT;
    o.maps = list;
    o.map_count = n;
    o.machine = machine;
    o.domain = domain;
    int rc = tl_server_load(out, config, &o);
    free(copy);
    return rc;
}
%}

#ifdef SWIGCSHARP
/* C#: static factories and JSON; TLCS raises on a failing return code. */
%newobject tl_webconfig::Load;
%newobject tl_webconfig::ToJson;
%extend tl_webconfig {
    /** Read a web.config file (docs/webconfig.md). */
    static tl_webconfig *Load(const char *path) {
        tl_webconfig *w = NULL;
        TLCS(tl_webconfig_load(&w, path, NULL));
        return w;
    }
    /** `tokenlens webconfig --json`. */
    char *ToJson() { char *s = NULL; TLCS(tl_webconfig_to_json(&s, $self)); return s; }
}
%newobject tl_token::FromWhoami;
%extend tl_token {
    /** A token from the text of `whoami /all` (docs/whoami-import.md). */
    static tl_token *FromWhoami(const char *text) {
        tl_token *t = NULL;
        TLCS(tl_token_from_whoami_text(&t, text, strlen(text), NULL));
        return t;
    }
}
%newobject tl_server::Load;
%newobject tl_server::ToJson;
%newobject tl_server::DiagnoseJson;
%extend tl_server {
    /** Read the whole server; `maps` holds "WINPATH=DIR" lines separated by newlines. */
    static tl_server *Load(const char *config, const char *maps = NULL, const char *machine = NULL,
                           const char *domain = NULL) {
        tl_server *s = NULL;
        TLCS(tl_swig_server_load(&s, config, maps, machine, domain));
        return s;
    }
    /** `tokenlens iis --map ... --json`. */
    char *ToJson() { char *s = NULL; TLCS(tl_server_to_json(&s, $self)); return s; }
    /** `tokenlens diagnose --json`. */
    char *DiagnoseJson() { char *s = NULL; TLCS(tl_server_diagnose(&s, $self, TL_DIAGNOSE_JSON)); return s; }
}
#endif
