/* hop.i: hop probes (tokenlens/hop.h) for every binding, pulled in by tokenlens.i.
 *
 * The C constructors take a tl_hop_options struct; the bindings get them flattened
 * (tl_swig_hop_client_new & co., every string may be NULL). A probe moves tokens between a
 * client and a server: Python can step each side itself (bytes in, bytes out); every language
 * can run both sides in this process with tl_swig_hop_pump(), which is how a diagnostic script
 * repeats a lab case (client -> web -> db) without a network. */
%{
#include "tokenlens/hop.h"

/* Most rounds of one exchange (SPNEGO with Kerberos takes 2, NTLM 3): more is a loop. */
#define TL_SWIG_HOP_MAX_ROUNDS 16

static tl_result tl_swig_hop_client_new(tl_hop_client **out, const char *target,
                                        tl_hop_mech mech, tl_hop_delegation delegation,
                                        const char *principal, const char *keytab)
{
    tl_hop_options o = TL_HOP_OPTIONS_INIT;
    o.mech = mech;
    o.delegation = delegation;
    o.principal = principal;
    o.keytab = keytab;
    return tl_hop_client_new(out, target, &o);
}

static tl_result tl_swig_hop_client_new_delegated(tl_hop_client **out, const tl_hop_server *from,
                                                  const char *target, tl_hop_mech mech,
                                                  tl_hop_delegation delegation)
{
    tl_hop_options o = TL_HOP_OPTIONS_INIT;
    o.mech = mech;
    o.delegation = delegation;
    return tl_hop_client_new_delegated(out, from, target, &o);
}

static tl_result tl_swig_hop_server_new(tl_hop_server **out, tl_hop_mech mech,
                                        const char *principal, const char *keytab)
{
    tl_hop_options o = TL_HOP_OPTIONS_INIT;
    o.mech = mech;
    o.principal = principal;
    o.keytab = keytab;
    return tl_hop_server_new(out, &o);
}

static tl_result tl_swig_hop_pump(tl_hop_client *c, tl_hop_server *s)
{
    uint8_t *from_server = NULL;
    size_t from_server_len = 0;
    if (!c || !s)
        return tl_swig_fail(TL_EINVAL);
    for (int round = 0; round < TL_SWIG_HOP_MAX_ROUNDS; round++) {
        uint8_t *from_client = NULL;
        size_t from_client_len = 0;
        tl_result rc = tl_hop_client_step(c, from_server, from_server_len, &from_client,
                                          &from_client_len);
        tl_free(from_server);
        from_server = NULL;
        from_server_len = 0;
        if (rc == TL_OK && from_client_len && !tl_hop_server_done(s))
            rc = tl_hop_server_step(s, from_client, from_client_len, &from_server,
                                    &from_server_len);
        tl_free(from_client);
        if (rc != TL_OK) {
            tl_free(from_server);
            return rc;
        }
        if (tl_hop_client_done(c)) {
            tl_free(from_server);
            /* the server must have accepted the client's last token */
            return tl_hop_server_done(s) ? TL_OK : tl_swig_fail(TL_EAUTH);
        }
        if (!from_server_len) /* the client waits for a token the server does not send */
            return tl_swig_fail(TL_EAUTH);
    }
    tl_free(from_server);
    return tl_swig_fail(TL_ELIMIT);
}

/* Ticket flags as names ("forwardable renewable ok_as_delegate"), NULL when not visible. */
static char *tl_swig_hop_flags_text(tl_result rc, uint32_t flags)
{
    char *s = NULL;
    if (rc == TL_OK && tl_hop_ticket_flags_format(&s, flags) == TL_OK)
        return s;
    tl_error_clear(); /* not visible is an answer, not an error */
    return NULL;
}

static char *tl_swig_hop_client_ticket_flags_text(const tl_hop_client *c)
{
    uint32_t f = 0;
    tl_result rc = tl_hop_client_ticket_flags(&f, c); /* before f is read */
    return tl_swig_hop_flags_text(rc, f);
}

static char *tl_swig_hop_server_ticket_flags_text(const tl_hop_server *s)
{
    uint32_t f = 0;
    tl_result rc = tl_hop_server_ticket_flags(&f, s);
    return tl_swig_hop_flags_text(rc, f);
}
%}

#ifdef SWIGCSHARP
%rename(HopClient) tl_hop_client;
%rename(HopServer) tl_hop_server;
%rename(HopMech) tl_hop_mech;
%rename(HopDelegation) tl_hop_delegation;
%rename(HopDelegReason) tl_hop_deleg_reason;
/* Partial: bindings/powershell/src/Hop.cs adds constructors and properties. */
%typemap(csclassmodifiers) tl_hop_client, struct tl_hop_client, tl_hop_server,
                           struct tl_hop_server "public partial class"
#endif
TL_OPAQUE(tl_hop_client, tl_hop_client_free)
TL_OPAQUE(tl_hop_server, tl_hop_server_free)

/* Flattened constructors instead of the options struct. */
%ignore tl_hop_client_new;
%ignore tl_hop_client_new_delegated;
%ignore tl_hop_server_new;
%ignore tl_hop_options;
%ignore tl_hop_mech_from_string; /* the bindings spell mechanisms with the enum */

#ifdef SWIGPYTHON
/* Tokens are bytes both ways; scalar results come back as values. */
%apply (const void *data, size_t len) { (const uint8_t *in, size_t in_len) };
%apply (uint8_t **out, size_t *len) { (uint8_t **out_token, size_t *out_len) };
%apply uint32_t *OUTPUT { uint32_t *out };
%apply int *OUTPUT { int *out };
#else
/* C#: both sides run through tl_swig_hop_pump; flags come as text. */
%ignore tl_hop_client_step;
%ignore tl_hop_server_step;
%ignore tl_hop_client_ticket_flags;
%ignore tl_hop_server_ticket_flags;
%ignore tl_hop_server_impersonation_level;
%ignore tl_hop_ticket_flags_format;
#endif
%include "tokenlens/hop.h"
#ifdef SWIGPYTHON
%clear (const uint8_t *in, size_t in_len);
%clear (uint8_t **out_token, size_t *out_len);
%clear uint32_t *out;
%clear int *out;
#endif

%newobject tl_swig_hop_client_ticket_flags_text;
%newobject tl_swig_hop_server_ticket_flags_text;
/** A client exchange to `target` (SPN or host@name) with the credentials principal/keytab
 *  select (NULL: the default ones). Ownership: free with tl_hop_client_free. */
tl_result tl_swig_hop_client_new(tl_hop_client **out, const char *target, tl_hop_mech mech,
                                 tl_hop_delegation delegation, const char *principal,
                                 const char *keytab);
/** A client exchange to `target` with the credentials that arrived at `from` (the middle
 *  tier acting as its caller). The client borrows them: free it before `from`. */
tl_result tl_swig_hop_client_new_delegated(tl_hop_client **out, const tl_hop_server *from,
                                           const char *target, tl_hop_mech mech,
                                           tl_hop_delegation delegation);
/** A server (acceptor) exchange; mech UNKNOWN accepts any. */
tl_result tl_swig_hop_server_new(tl_hop_server **out, tl_hop_mech mech, const char *principal,
                                 const char *keytab);
/** Run the exchange between `c` and `s` in this process until both are done. TL_EAUTH when a
 *  side rejects it (the library's message) or stalls; TL_ELIMIT past 16 rounds. */
tl_result tl_swig_hop_pump(tl_hop_client *c, tl_hop_server *s);
/** Ticket flags the client used / the server saw, as names; NULL when not visible. */
char *tl_swig_hop_client_ticket_flags_text(const tl_hop_client *c);
char *tl_swig_hop_server_ticket_flags_text(const tl_hop_server *s);
