/* Portable parts of the hop probes: names, reason texts, ticket flag formatting, the
 * delegation-reason decision and target parsing. No OS or GSSAPI calls. */
#include "internal.h"
#include "hop/hop_internal.h"
#include <string.h>

const char *tl_hop_mech_name(tl_hop_mech mech)
{
    switch (mech) {
    case TL_HOP_MECH_NEGOTIATE:
        return "Negotiate";
    case TL_HOP_MECH_KERBEROS:
        return "Kerberos";
    case TL_HOP_MECH_NTLM:
        return "NTLM";
    default:
        return "unknown";
    }
}

int tl_hop_mech_from_string(tl_hop_mech *out, const char *s)
{
    static const struct {
        const char *name;
        tl_hop_mech mech;
    } names[] = {
        {"negotiate", TL_HOP_MECH_NEGOTIATE}, {"spnego", TL_HOP_MECH_NEGOTIATE},
        {"kerberos", TL_HOP_MECH_KERBEROS},   {"krb5", TL_HOP_MECH_KERBEROS},
        {"ntlm", TL_HOP_MECH_NTLM},
    };
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_mech_from_string: out is NULL");
    *out = TL_HOP_MECH_UNKNOWN;
    if (!s)
        return tl__error(TL_EINVAL, "tl_hop_mech_from_string: name is NULL");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (tl__strcasecmp(s, names[i].name) == 0) {
            *out = names[i].mech;
            return TL_OK;
        }
    }
    return tl__error(TL_EINVAL, "unknown mechanism '%s' (expected negotiate, kerberos or ntlm)", s);
}

static const struct {
    const char *name;
    const char *text;
} reasons[] = {
    [TL_HOP_DELEG_GRANTED] =
        {"granted", "delegated: the target received a forwarded TGT and can act as the user"},
    [TL_HOP_DELEG_NOT_REQUESTED] = {"not_requested", "the client did not request delegation"},
    [TL_HOP_DELEG_NOT_FORWARDABLE] = {"not_forwardable",
                                      "the user's ticket is not forwardable (AD: account is "
                                      "sensitive and cannot be delegated, or Protected Users)"},
    [TL_HOP_DELEG_NOT_OK_AS_DELEGATE] = {"not_ok_as_delegate",
                                         "the target's ticket is not ok-as-delegate (AD: the "
                                         "service account is not trusted for delegation)"},
    [TL_HOP_DELEG_MECH_CANNOT] =
        {"mech_cannot_delegate", "the mechanism cannot delegate (NTLM never forwards credentials)"},
    [TL_HOP_DELEG_REFUSED] =
        {"refused",
         "delegation was requested and the ticket flags allowed it, but it was not granted"},
};

const char *tl_hop_deleg_reason_text(tl_hop_deleg_reason reason)
{
    if ((unsigned)reason >= sizeof reasons / sizeof reasons[0])
        return "unknown reason";
    return reasons[reason].text;
}

const char *tl_hop_deleg_reason_name(tl_hop_deleg_reason reason)
{
    if ((unsigned)reason >= sizeof reasons / sizeof reasons[0])
        return "unknown";
    return reasons[reason].name;
}

int tl_hop_ticket_flags_format(char **out, uint32_t flags)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {0x80000000u, "reserved"},
        {TL_HOP_TKT_FORWARDABLE, "forwardable"},
        {TL_HOP_TKT_FORWARDED, "forwarded"},
        {TL_HOP_TKT_PROXIABLE, "proxiable"},
        {TL_HOP_TKT_PROXY, "proxy"},
        {TL_HOP_TKT_MAY_POSTDATE, "may_postdate"},
        {TL_HOP_TKT_POSTDATED, "postdated"},
        {TL_HOP_TKT_INVALID, "invalid"},
        {TL_HOP_TKT_RENEWABLE, "renewable"},
        {TL_HOP_TKT_INITIAL, "initial"},
        {TL_HOP_TKT_PRE_AUTHENT, "pre_authent"},
        {TL_HOP_TKT_HW_AUTHENT, "hw_authent"},
        {TL_HOP_TKT_TRANSITED_CHECKED, "transited_policy_checked"},
        {TL_HOP_TKT_OK_AS_DELEGATE, "ok_as_delegate"},
        {TL_HOP_TKT_NAME_CANONICALIZE, "name_canonicalize"},
        {TL_HOP_TKT_ANONYMOUS, "anonymous"},
    };
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_ticket_flags_format: out is NULL");
    *out = NULL;
    tl__buf b = TL__BUF_INIT;
    tl__buf_put(&b, "");
    for (int bit = 31; bit >= 0; bit--) {
        uint32_t m = (uint32_t)1 << bit;
        if (!(flags & m))
            continue;
        const char *name = NULL;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (names[i].bit == m)
                name = names[i].name;
        if (b.len)
            tl__buf_putc(&b, ' ');
        if (name)
            tl__buf_put(&b, name);
        else
            tl__buf_printf(&b, "0x%08lx", (unsigned long)m);
    }
    if (tl__buf_detach(&b, out) != TL_OK)
        return tl__oom();
    return TL_OK;
}

tl_hop_deleg_reason tl__hop_deleg_reason(const tl__hop_outcome *o)
{
    if (o->granted)
        return TL_HOP_DELEG_GRANTED;
    if (o->requested == TL_HOP_DELEGATE_NONE)
        return TL_HOP_DELEG_NOT_REQUESTED;
    if (o->mech == TL_HOP_MECH_NTLM)
        return TL_HOP_DELEG_MECH_CANNOT;
    if (o->flags_known) {
        if (!(o->ticket_flags & TL_HOP_TKT_FORWARDABLE))
            return TL_HOP_DELEG_NOT_FORWARDABLE;
        if (o->requested == TL_HOP_DELEGATE_POLICY &&
            !(o->ticket_flags & TL_HOP_TKT_OK_AS_DELEGATE))
            return TL_HOP_DELEG_NOT_OK_AS_DELEGATE;
    }
    return TL_HOP_DELEG_REFUSED;
}

int tl__hop_split_target(char **service, char **host, const char *target)
{
    *service = *host = NULL;
    if (!target || !*target)
        return tl__error(TL_EINVAL,
                         "hop target is empty (expected an SPN like HTTP/web.example.com)");
    const char *slash = strchr(target, '/');
    const char *at = strchr(target, '@');
    const char *sep = slash ? slash : at;
    if (!sep)
        return tl__error_at(
            TL_EINVAL, 0,
            "hop target '%s' is not an SPN (service/host) or host-based name (service@host)",
            target);
    if (sep == target)
        return tl__error_at(TL_EINVAL, 0, "hop target '%s' has no service class", target);
    const char *h = sep + 1;
    size_t hl = strcspn(h, slash ? ":@/" : ":@/");
    if (hl == 0)
        return tl__error_at(TL_EINVAL, (size_t)(h - target), "hop target '%s' has no host", target);
    for (size_t i = 0; i < hl; i++) {
        unsigned char ch = (unsigned char)h[i];
        if (ch <= 0x20 || ch == 0x7f)
            return tl__error_at(TL_EINVAL, (size_t)(h - target) + i,
                                "hop target '%s' has a control or space character in the host",
                                target);
    }
    *service = tl__strndup(target, (size_t)(sep - target));
    *host = tl__strndup(h, hl);
    if (!*service || !*host) {
        tl__free(*service);
        tl__free(*host);
        *service = *host = NULL;
        return tl__oom();
    }
    return TL_OK;
}

int tl__hop_options_check(tl_hop_options *out, const tl_hop_options *in)
{
    static const tl_hop_options defaults = TL_HOP_OPTIONS_INIT;
    *out = defaults;
    out->mech = TL_HOP_MECH_NEGOTIATE;
    if (!in)
        return TL_OK;
    if (in->version != TL_HOP_OPTIONS_VERSION)
        return tl__error(TL_EINVAL,
                         "tl_hop_options.version is %u, expected %d (use TL_HOP_OPTIONS_INIT)",
                         in->version, TL_HOP_OPTIONS_VERSION);
    if ((unsigned)in->mech > TL_HOP_MECH_NTLM)
        return tl__error(TL_EINVAL, "tl_hop_options.mech %d is out of range", (int)in->mech);
    if ((unsigned)in->delegation > TL_HOP_DELEGATE_ALWAYS)
        return tl__error(TL_EINVAL, "tl_hop_options.delegation %d is out of range",
                         (int)in->delegation);
    *out = *in;
    if (out->mech == TL_HOP_MECH_UNKNOWN)
        out->mech = TL_HOP_MECH_NEGOTIATE;
    return TL_OK;
}

int tl__hop_copy_token(uint8_t **out, size_t *out_len, const void *data, size_t len)
{
    *out = NULL;
    *out_len = 0;
    if (!data || !len)
        return TL_OK;
    uint8_t *p = tl__malloc(len);
    if (!p)
        return tl__oom();
    memcpy(p, data, len);
    *out = p;
    *out_len = len;
    return TL_OK;
}
