/* ---- Active Directory and the next hop of a token (issue 15) -------------------------------
 * tokenlens/ad.h and tokenlens/nexthop.h. Option structs and array arguments are flattened
 * into tl_swig_* helpers, so every language passes plain strings. */
%{
#include "tokenlens/ad.h"
#include "tokenlens/nexthop.h"
/** tl_ad_connect() with its options flattened (server, realm may be NULL; 0: default timeout). */
tl_result tl_swig_ad_connect(tl_ad **out, const char *server, const char *realm, unsigned int timeout_ms)
{
    tl_ad_options o = TL_AD_OPTIONS_INIT;
    o.server = server && *server ? server : NULL;
    o.realm = realm && *realm ? realm : NULL;
    if (timeout_ms)
        o.timeout_ms = timeout_ms;
    return tl_ad_connect(out, &o);
}
/** tl_ad_fill_scenario() over a NUL-terminated string. */
tl_result tl_swig_ad_fill_scenario(tl_ad_filled **out, tl_ad *ad, const char *text)
{
    if (!text) {
        *out = NULL;
        return tl_swig_fail(TL_EINVAL);
    }
    return tl_ad_fill_scenario(out, ad, text, strlen(text));
}
/** tl_token_next_hop() for one target; effective and ad may be NULL. */
tl_result tl_swig_token_next_hop(tl_explanation **out, const tl_token *effective, const tl_token *process,
                           const char *target, const char *machine, const char *domain, tl_ad *ad)
{
    tl_next_hop_options o = TL_NEXT_HOP_OPTIONS_INIT;
    o.machine = machine;
    o.domain = domain;
    o.ad = ad;
    return tl_token_next_hop(out, effective, process, &target, 1, &o);
}
/** tl_token_next_hop_scenario() for one target. Ownership: *out freed with tl_free(). */
tl_result tl_swig_token_next_hop_scenario(char **out, const tl_token *effective, const tl_token *process,
                                    const char *target, const char *machine, const char *domain, tl_ad *ad)
{
    tl_next_hop_options o = TL_NEXT_HOP_OPTIONS_INIT;
    o.machine = machine;
    o.domain = domain;
    o.ad = ad;
    return tl_token_next_hop_scenario(out, effective, process, &target, 1, &o);
}
%}
#ifdef SWIGCSHARP
%rename(ActiveDirectory) tl_ad;
%rename(AdAccount) tl_ad_account;
%rename(AdSpn) tl_ad_spn;
%rename(AdFilled) tl_ad_filled;
%rename(AdSpnState) tl_ad_spn_state;
#endif
TL_OPAQUE(tl_ad, tl_ad_free)
TL_OPAQUE(tl_ad_account, tl_ad_account_free)
TL_OPAQUE(tl_ad_spn, tl_ad_spn_free)
TL_OPAQUE(tl_ad_filled, tl_ad_filled_free)
%ignore tl_ad_options;
%ignore tl_ad_connect;
%ignore tl_ad_fill_scenario; /* (text, len): tl_swig_ad_fill_scenario takes a string */
%include "tokenlens/ad.h"
%ignore tl_next_hop_options;
%ignore tl_token_next_hop;
%ignore tl_token_next_hop_scenario;
%include "tokenlens/nexthop.h"
/** tl_ad_connect() with its options flattened (server, realm may be NULL; 0: default timeout). */
tl_result tl_swig_ad_connect(tl_ad **out, const char *server, const char *realm, unsigned int timeout_ms);
/** tl_ad_fill_scenario() over a NUL-terminated string. */
tl_result tl_swig_ad_fill_scenario(tl_ad_filled **out, tl_ad *ad, const char *text);
/** tl_token_next_hop() for one target; effective and ad may be NULL. */
tl_result tl_swig_token_next_hop(tl_explanation **out, const tl_token *effective, const tl_token *process,
                           const char *target, const char *machine, const char *domain, tl_ad *ad);
/** tl_token_next_hop_scenario() for one target. Ownership: *out freed with tl_free(). */
tl_result tl_swig_token_next_hop_scenario(char **out, const tl_token *effective, const tl_token *process,
                                    const char *target, const char *machine, const char *domain, tl_ad *ad);

#ifdef SWIGCSHARP
/* C# (PowerShell Test-TLHop): methods on the handles, TLCS raises on a failing return code. */
%newobject tl_ad::Connect;
%newobject tl_ad::AccountJson;
%newobject tl_ad::SpnJson;
%newobject tl_ad::NextHop;
%extend tl_ad {
    /** Bind to SERVER (null or "": a DC of the caller's realm through DNS SRV). */
    static tl_ad *Connect(const char *server) {
        tl_ad *a = NULL; TLCS(tl_swig_ad_connect(&a, server, NULL, 0)); return a;
    }
    /** `tokenlens ad account NAME --json`. */
    char *AccountJson(const char *name) {
        tl_ad_account *a = NULL; char *s = NULL;
        if (TLCS(tl_ad_account_lookup(&a, $self, name)) == TL_OK)
            TLCS(tl_ad_account_to_json(&s, a));
        tl_ad_account_free(a);
        return s;
    }
    /** The next hop to TARGET: EFFECTIVE is the thread's impersonation token (null: not
     *  impersonating), PROCESS the process token, AD the directory (null: none). */
    static tl_explanation *NextHop(tl_token *effective, tl_token *process, const char *target,
                                   const char *machine, const char *domain, tl_ad *ad) {
        tl_explanation *e = NULL;
        TLCS(tl_swig_token_next_hop(&e, effective, process, target, machine, domain, ad));
        return e;
    }
    /** `tokenlens ad spn SPN --json`. */
    char *SpnJson(const char *spn) {
        tl_ad_spn *x = NULL; char *s = NULL;
        if (TLCS(tl_ad_spn_lookup(&x, $self, spn)) == TL_OK)
            TLCS(tl_ad_spn_to_json(&s, x));
        tl_ad_spn_free(x);
        return s;
    }
}
#endif
