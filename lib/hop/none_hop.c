/* Hop probes in builds without GSSAPI/SSPI (TL_WITH_HOP off): every probe constructor says
 * so with TL_ENOTSUP; getters on the (never created) objects are harmless. */
#include "internal.h"
#include "hop/hop_internal.h"

#define NOHOP()                                                                                    \
    tl__error(TL_ENOTSUP,                                                                          \
              "this tokenlens was built without hop probes (TL_WITH_HOP=OFF or no GSSAPI)")

bool tl_hop_available(void)
{
    return false;
}

int tl_hop_client_new(tl_hop_client **out, const char *target, const tl_hop_options *opts)
{
    (void)target;
    (void)opts;
    if (out)
        *out = NULL;
    return NOHOP();
}

int tl_hop_client_new_delegated(tl_hop_client **out, const tl_hop_server *from, const char *target,
                                const tl_hop_options *opts)
{
    (void)from;
    (void)target;
    (void)opts;
    if (out)
        *out = NULL;
    return NOHOP();
}

int tl_hop_client_step(tl_hop_client *c, const uint8_t *in, size_t in_len, uint8_t **out_token,
                       size_t *out_len)
{
    (void)c;
    (void)in;
    (void)in_len;
    if (out_token)
        *out_token = NULL;
    if (out_len)
        *out_len = 0;
    return NOHOP();
}

bool tl_hop_client_done(const tl_hop_client *c)
{
    (void)c;
    return false;
}
tl_hop_mech tl_hop_client_mech(const tl_hop_client *c)
{
    (void)c;
    return TL_HOP_MECH_UNKNOWN;
}
bool tl_hop_client_delegated(const tl_hop_client *c)
{
    (void)c;
    return false;
}
tl_hop_deleg_reason tl_hop_client_deleg_reason(const tl_hop_client *c)
{
    (void)c;
    return TL_HOP_DELEG_NOT_REQUESTED;
}
const char *tl_hop_client_name(const tl_hop_client *c)
{
    (void)c;
    return NULL;
}
int tl_hop_client_ticket_flags(uint32_t *out, const tl_hop_client *c)
{
    (void)c;
    if (out)
        *out = 0;
    return NOHOP();
}
void tl_hop_client_free(tl_hop_client *c)
{
    (void)c;
}

int tl_hop_server_new(tl_hop_server **out, const tl_hop_options *opts)
{
    (void)opts;
    if (out)
        *out = NULL;
    return NOHOP();
}

int tl_hop_server_step(tl_hop_server *s, const uint8_t *in, size_t in_len, uint8_t **out_token,
                       size_t *out_len)
{
    (void)s;
    (void)in;
    (void)in_len;
    if (out_token)
        *out_token = NULL;
    if (out_len)
        *out_len = 0;
    return NOHOP();
}

bool tl_hop_server_done(const tl_hop_server *s)
{
    (void)s;
    return false;
}
const char *tl_hop_server_client_name(const tl_hop_server *s)
{
    (void)s;
    return NULL;
}
tl_hop_mech tl_hop_server_mech(const tl_hop_server *s)
{
    (void)s;
    return TL_HOP_MECH_UNKNOWN;
}
bool tl_hop_server_delegated(const tl_hop_server *s)
{
    (void)s;
    return false;
}
int tl_hop_server_ticket_flags(uint32_t *out, const tl_hop_server *s)
{
    (void)s;
    if (out)
        *out = 0;
    return NOHOP();
}
int tl_hop_server_impersonation_level(int *out, const tl_hop_server *s)
{
    (void)s;
    if (out)
        *out = -1;
    return NOHOP();
}
void tl_hop_server_free(tl_hop_server *s)
{
    (void)s;
}

int tl_hop_server_token(tl_token **out, const tl_hop_server *s)
{
    (void)s;
    if (out)
        *out = NULL;
    return NOHOP();
}
