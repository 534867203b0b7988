/* Active Directory transport for builds without an LDAP library: every call is TL_ENOTSUP. */
#include "ad_internal.h"
#include "internal.h"

static int nope(void)
{
    return tl__error(TL_ENOTSUP,
                     "this tokenlens was built without LDAP (install libldap-dev and rebuild)");
}

int tl__ad_conn_open(tl__ad_conn **out, const char *host, unsigned int timeout_ms)
{
    *out = NULL;
    return nope();
}

int tl__ad_conn_search(tl__ad_conn *c, const char *base, int scope, const char *filter,
                       const char *const *attrs, tl__ad_entries *out)
{
    return nope();
}

void tl__ad_conn_close(tl__ad_conn *c) {}

int tl__ad_discover_dc(char **out, const char *realm)
{
    *out = NULL;
    return nope();
}

int tl__ad_caller_realm(char **out)
{
    *out = NULL;
    return nope();
}
