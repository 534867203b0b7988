/* web.config reader, SqlClient connection strings and whoami text import (issue 14).
 * Included from tokenlens.i. */
#ifdef TL_SWIG_HAVE_WEBCONFIG
%{
#include "tokenlens/webconfig.h"
%}
TL_OPAQUE(tl_webconfig, tl_webconfig_free)
TL_OPAQUE(tl_connection, tl_connection_free)
TL_PLAIN_INT(tl_connection_port)
%ignore tl_webconfig_options;
%ignore tl_webconfig_load;
%ignore tl_webconfig_parse;
%include "tokenlens/webconfig.h"
%inline %{
/** tl_webconfig_load() with the default options. Ownership: tl_webconfig_free(). */
int tl_swig_webconfig_load(tl_webconfig **out, const char *path)
{
    return tl_webconfig_load(out, path, NULL);
}
%}
#endif

#ifdef TL_SWIG_HAVE_WHOAMI
%{
#include "tokenlens/whoami.h"
%}
%ignore tl_token_from_whoami_text;
%include "tokenlens/whoami.h"
%inline %{
/** tl_token_from_whoami_text() without the notes. Ownership: tl_token_free(). */
int tl_swig_token_from_whoami(tl_token **out, const char *text, size_t len)
{
    return tl_token_from_whoami_text(out, text, len, NULL);
}
/** The notes tl_token_from_whoami_text() gives for `text` (NULL when none). */
int tl_swig_whoami_notes(char **out, const char *text, size_t len)
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
#endif
