/*
 * Internal pieces of the hop module shared by the GSSAPI, SSPI and "none" implementations:
 * the pure decision of why delegation did (not) happen, kept apart so unit tests can drive it
 * without a KDC.
 */
#ifndef TL_HOP_INTERNAL_H
#define TL_HOP_INTERNAL_H

#include "tokenlens/hop.h"

/* What the client side learned once the exchange completed. */
typedef struct tl__hop_outcome {
    tl_hop_mech mech;            /* mechanism used */
    tl_hop_delegation requested; /* what the caller asked for */
    bool granted;                /* the mechanism reports the delegation flag */
    bool flags_known;            /* ticket_flags below are real */
    uint32_t ticket_flags;       /* the service ticket's flags (TL_HOP_TKT_*) */
} tl__hop_outcome;

/* The reason for the outcome, in this order: granted; not requested; mechanism cannot
 * delegate (NTLM); the user's ticket not forwardable; the target not ok-as-delegate (only when
 * the client follows the ok-as-delegate policy); otherwise refused. */
tl_hop_deleg_reason tl__hop_deleg_reason(const tl__hop_outcome *o);

/* Split an SPN "svc/host[:port][@REALM]" or host-based "svc@host" into service and host
 * (port and realm dropped). Returns TL_EINVAL with a message on malformed input. The outputs
 * are allocated (tl__free). */
int tl__hop_split_target(char **service, char **host, const char *target);

/* Validate the options pointer (NULL = defaults) into *out. TL_EINVAL on a bad version or
 * out-of-range enum. */
int tl__hop_options_check(tl_hop_options *out, const tl_hop_options *in);

/* Copy a token into a tl__malloc'ed buffer (NULL/0 for empty). TL_ENOMEM on failure. */
int tl__hop_copy_token(uint8_t **out, size_t *out_len, const void *data, size_t len);

#endif
