/* ---- Active Directory and the next hop of a token (issue 15) -------------------------------
 * tokenlens/ad.h and tokenlens/nexthop.h. Option structs and array arguments are flattened
 * into tl_swig_* helpers, so every language passes plain strings. */
#ifdef TL_SWIG_HAVE_AD
%{
#include "tokenlens/ad.h"
#include "tokenlens/nexthop.h"
%}
TL_OPAQUE(tl_ad, tl_ad_free)
TL_OPAQUE(tl_ad_account, tl_ad_account_free)
TL_OPAQUE(tl_ad_spn, tl_ad_spn_free)
TL_OPAQUE(tl_ad_filled, tl_ad_filled_free)
%ignore tl_ad_options;
%ignore tl_ad_connect;
%ignore tl_ad_fill_scenario; /* (text, len): tl_swig_ad_fill_scenario takes a string */
%include "tokenlens/ad.h"
#ifdef TL_SWIG_HAVE_NEXTHOP
%ignore tl_next_hop_options;
%ignore tl_token_next_hop;
%ignore tl_token_next_hop_scenario;
%include "tokenlens/nexthop.h"
#endif
%inline %{
/** tl_ad_connect() with its options flattened (server, realm may be NULL; 0: default timeout). */
int tl_swig_ad_connect(tl_ad **out, const char *server, const char *realm, unsigned int timeout_ms)
{
    tl_ad_options o = TL_AD_OPTIONS_INIT;
    o.server = server && *server ? server : NULL;
    o.realm = realm && *realm ? realm : NULL;
    if (timeout_ms)
        o.timeout_ms = timeout_ms;
    return tl_ad_connect(out, &o);
}
/** tl_ad_fill_scenario() over a NUL-terminated string. */
int tl_swig_ad_fill_scenario(tl_ad_filled **out, tl_ad *ad, const char *text)
{
    if (!text) {
        *out = NULL;
        return TL_EINVAL;
    }
    return tl_ad_fill_scenario(out, ad, text, strlen(text));
}
/** tl_token_next_hop() for one target; effective and ad may be NULL. */
int tl_swig_token_next_hop(tl_explanation **out, const tl_token *effective, const tl_token *process,
                           const char *target, const char *machine, const char *domain, tl_ad *ad)
{
    tl_next_hop_options o = TL_NEXT_HOP_OPTIONS_INIT;
    o.machine = machine;
    o.domain = domain;
    o.ad = ad;
    return tl_token_next_hop(out, effective, process, &target, 1, &o);
}
/** tl_token_next_hop_scenario() for one target. Ownership: *out freed with tl_free(). */
int tl_swig_token_next_hop_scenario(char **out, const tl_token *effective, const tl_token *process,
                                    const char *target, const char *machine, const char *domain, tl_ad *ad)
{
    tl_next_hop_options o = TL_NEXT_HOP_OPTIONS_INIT;
    o.machine = machine;
    o.domain = domain;
    o.ad = ad;
    return tl_token_next_hop_scenario(out, effective, process, &target, 1, &o);
}
%}
#endif
