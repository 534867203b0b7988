/**
 * @file tokenlens/hop.h
 * @brief Hop probes: run a real authentication exchange to a target and report what the
 *        protocol did (mechanism, whether the credentials were delegated, and why not).
 *
 * One API over two implementations: GSSAPI (MIT Kerberos, plus gss-ntlmssp for NTLM) on
 * POSIX and SSPI (Negotiate, Kerberos, NTLM) on Windows. In builds without hop support every
 * constructor fails with TL_ENOTSUP; the pure helpers (names, reason texts, ticket flags)
 * always work.
 *
 * The library never touches the network: a probe turns tokens into tokens. The caller moves
 * them (see examples/probes/ for a three-tier client -> web -> db over TCP):
 *
 *     tl_hop_client *c;  tl_hop_client_new(&c, "HTTP/web.lab.test", &opts);
 *     uint8_t *out; size_t n;  const uint8_t *in = NULL; size_t in_len = 0;
 *     while (!tl_hop_client_done(c)) {
 *         tl_hop_client_step(c, in, in_len, &out, &n);   // send out (if n > 0), free with tl_free
 *         if (!tl_hop_client_done(c)) { ...receive in / in_len... }
 *     }
 *
 * Authentication failures are TL_EAUTH: the message carries the GSS major/minor text (or the
 * SSPI status text) and tl_error::native the GSS major status or SECURITY_STATUS.
 * Field meanings and the lab: docs/hop-probes.md.
 */
#ifndef TOKENLENS_HOP_H
#define TOKENLENS_HOP_H

#include "tokenlens/common.h"
#include "tokenlens/token.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Authentication mechanism (SSPI package / GSS mechanism). Stable values. */
typedef enum tl_hop_mech {
    TL_HOP_MECH_UNKNOWN = 0,   /**< not yet known (exchange not finished) */
    TL_HOP_MECH_NEGOTIATE = 1, /**< request: SPNEGO, Kerberos preferred, NTLM fallback */
    TL_HOP_MECH_KERBEROS = 2,
    TL_HOP_MECH_NTLM = 3
} tl_hop_mech;

/** What the client asks for. Stable values. */
typedef enum tl_hop_delegation {
    TL_HOP_DELEGATE_NONE = 0, /**< never delegate */
    TL_HOP_DELEGATE_POLICY =
        1,                     /**< delegate only to targets whose ticket says ok-as-delegate
                                    (what Windows does: ISC_REQ_DELEGATE; GSS_C_DELEG_POLICY_FLAG) */
    TL_HOP_DELEGATE_ALWAYS = 2 /**< delegate whenever the ticket is forwardable, ignoring
                                    ok-as-delegate (GSS_C_DELEG_FLAG; not possible with SSPI,
                                    which then behaves as POLICY) */
} tl_hop_delegation;

/** Why credentials were or were not delegated. Stable values. */
typedef enum tl_hop_deleg_reason {
    TL_HOP_DELEG_GRANTED = 0,            /**< delegated: the next hop can act as the user */
    TL_HOP_DELEG_NOT_REQUESTED = 1,      /**< the client did not ask */
    TL_HOP_DELEG_NOT_FORWARDABLE = 2,    /**< the user's ticket is not forwardable (AD: "account is
                                              sensitive and cannot be delegated", Protected Users;
                                              MIT: -allow_forwardable) */
    TL_HOP_DELEG_NOT_OK_AS_DELEGATE = 3, /**< the target's ticket lacks ok-as-delegate (AD: the
                                           service account is not TRUSTED_FOR_DELEGATION) */
    TL_HOP_DELEG_MECH_CANNOT = 4,        /**< the mechanism cannot delegate (NTLM) */
    TL_HOP_DELEG_REFUSED = 5             /**< asked, allowed by the visible flags, yet not granted
                                              (e.g. the KDC refused the forwarded TGT) */
} tl_hop_deleg_reason;

/** Kerberos ticket flags (RFC 4120 5.3 bit order; same values as MIT TKT_FLG_* and Windows
 *  KERB_TICKET_FLAGS_*). */
#define TL_HOP_TKT_FORWARDABLE 0x40000000u
#define TL_HOP_TKT_FORWARDED 0x20000000u
#define TL_HOP_TKT_PROXIABLE 0x10000000u
#define TL_HOP_TKT_PROXY 0x08000000u
#define TL_HOP_TKT_MAY_POSTDATE 0x04000000u
#define TL_HOP_TKT_POSTDATED 0x02000000u
#define TL_HOP_TKT_INVALID 0x01000000u
#define TL_HOP_TKT_RENEWABLE 0x00800000u
#define TL_HOP_TKT_INITIAL 0x00400000u
#define TL_HOP_TKT_PRE_AUTHENT 0x00200000u
#define TL_HOP_TKT_HW_AUTHENT 0x00100000u
#define TL_HOP_TKT_TRANSITED_CHECKED 0x00080000u
#define TL_HOP_TKT_OK_AS_DELEGATE 0x00040000u
#define TL_HOP_TKT_NAME_CANONICALIZE 0x00010000u
#define TL_HOP_TKT_ANONYMOUS 0x00008000u

/** Version of tl_hop_options; set `version` to this (TL_HOP_OPTIONS_INIT does). */
#define TL_HOP_OPTIONS_VERSION 1

/** Options for clients and servers. Zero-initialised fields mean "default". */
typedef struct tl_hop_options {
    unsigned version;             /**< TL_HOP_OPTIONS_VERSION */
    tl_hop_mech mech;             /**< client: mechanism to use (UNKNOWN = NEGOTIATE);
                                       server: mechanism to accept (UNKNOWN = any) */
    tl_hop_delegation delegation; /**< client only */
    const char *principal;        /**< client: whose credentials (NULL = the default ones:
                                       ccache / logged-on user; for NTLM "DOMAIN\\user" looked up
                                       in NTLM_USER_FILE). Server: name to accept as (NULL = any
                                       key in the keytab) */
    const char *keytab;           /**< client: a client keytab for `principal` = the process
                                       identity of a service (POSIX only); server: the acceptor
                                       keytab (NULL = KRB5_KTNAME / default); when the server
                                       accepts any mechanism it becomes the process's default
                                       acceptor keytab (gsskrb5_register_acceptor_identity).
                                       Ignored by SSPI. */
} tl_hop_options;

/** Static initialiser: `tl_hop_options o = TL_HOP_OPTIONS_INIT;` */
#define TL_HOP_OPTIONS_INIT                                                                        \
    {                                                                                              \
        TL_HOP_OPTIONS_VERSION, TL_HOP_MECH_UNKNOWN, TL_HOP_DELEGATE_NONE, NULL, NULL              \
    }

/** Opaque client side of one exchange. */
typedef struct tl_hop_client tl_hop_client;
/** Opaque server side of one exchange. */
typedef struct tl_hop_server tl_hop_server;

/** True when this build has real hop probes (GSSAPI or SSPI). */
TL_EXTERN bool tl_hop_available(void);

/**
 * Start a client exchange to `target`, an SPN ("HTTP/web.lab.test", "MSSQLSvc/db:1433") or a
 * GSS host-based name ("HTTP@web.lab.test"), with the credentials `opts` selects.
 * Fails with TL_EINVAL (bad arguments), TL_EAUTH (no usable credentials), TL_ENOTSUP (no hop
 * support in this build). Ownership: the caller frees *out with tl_hop_client_free().
 */
TL_EXTERN tl_result tl_hop_client_new(tl_hop_client **out, const char *target,
                                      const tl_hop_options *opts);

/**
 * Start a client exchange to `target` with the credentials that arrived at `from` (the middle
 * tier acting as its caller). Fails with TL_ESTATE when `from` is not complete.
 * GSSAPI: also TL_ESTATE when no delegated credentials arrived -- the hop cannot happen as the
 * user at all (Windows would send ANONYMOUS LOGON). `opts->principal`/`keytab` are ignored.
 * SSPI: the outbound credentials are acquired while impersonating the caller
 * (ImpersonateSecurityContext), exactly as a Windows service does, so without delegation the
 * exchange proceeds and what arrives is what Windows sends (NTLM: ANONYMOUS LOGON).
 * Ownership: the client borrows the delegated credentials: free it before `from`.
 */
TL_EXTERN tl_result tl_hop_client_new_delegated(tl_hop_client **out, const tl_hop_server *from,
                                                const char *target, const tl_hop_options *opts);

/**
 * Feed the peer's token (`in`, NULL/0 on the first call) and produce the next token to send.
 * *out_token (free with tl_free) is NULL and *out_len 0 when there is nothing to send.
 * TL_ESTATE after completion; TL_EAUTH when the mechanism rejects the exchange.
 */
TL_EXTERN tl_result tl_hop_client_step(tl_hop_client *c, const uint8_t *in, size_t in_len,
                                       uint8_t **out_token, size_t *out_len);

/** True once the client side is established. */
TL_EXTERN bool tl_hop_client_done(const tl_hop_client *c);

/** Mechanism actually used (UNKNOWN before completion). */
TL_EXTERN tl_hop_mech tl_hop_client_mech(const tl_hop_client *c);

/** True when the credentials were delegated to the target (valid after completion). */
TL_EXTERN bool tl_hop_client_delegated(const tl_hop_client *c);

/** Why delegation did (not) happen (valid after completion). */
TL_EXTERN tl_hop_deleg_reason tl_hop_client_deleg_reason(const tl_hop_client *c);

/** Flags of the service ticket used (TL_HOP_TKT_*). TL_ENOTFOUND when not visible (NTLM,
 *  SSPI, or before completion); *out is then 0. */
TL_EXTERN tl_result tl_hop_client_ticket_flags(uint32_t *out, const tl_hop_client *c);

/** Name of the credentials used ("alice@LAB.TEST", "LAB\\alice"); NULL when unknown.
 *  Ownership: owned by `c`. */
TL_EXTERN const char *tl_hop_client_name(const tl_hop_client *c);

/** Free a client; NULL is ignored. */
TL_EXTERN void tl_hop_client_free(tl_hop_client *c);

/**
 * Start a server (acceptor) exchange. Fails with TL_EAUTH when no acceptor credentials can
 * be had (e.g. unreadable keytab), TL_ENOTSUP without hop support.
 * Ownership: the caller frees *out with tl_hop_server_free().
 */
TL_EXTERN tl_result tl_hop_server_new(tl_hop_server **out, const tl_hop_options *opts);

/** Like tl_hop_client_step() for the server side. */
TL_EXTERN tl_result tl_hop_server_step(tl_hop_server *s, const uint8_t *in, size_t in_len,
                                       uint8_t **out_token, size_t *out_len);

/** True once the server side is established. */
TL_EXTERN bool tl_hop_server_done(const tl_hop_server *s);

/** Who connected ("alice@LAB.TEST", "LAB\\alice"); NULL before completion. Owned by `s`. */
TL_EXTERN const char *tl_hop_server_client_name(const tl_hop_server *s);

/** Mechanism the client used (UNKNOWN before completion). */
TL_EXTERN tl_hop_mech tl_hop_server_mech(const tl_hop_server *s);

/** True when delegated credentials arrived with the client. */
TL_EXTERN bool tl_hop_server_delegated(const tl_hop_server *s);

/** Flags of the ticket the client presented (TL_HOP_TKT_*); TL_ENOTFOUND when not visible.
 *  TL_HOP_TKT_FORWARDED means the client itself acted with delegated credentials. */
TL_EXTERN tl_result tl_hop_server_ticket_flags(uint32_t *out, const tl_hop_server *s);

/**
 * Impersonation level of the client's token on the server (Windows: QuerySecurityContextToken
 * + TokenImpersonationLevel; 0 anonymous, 1 identification, 2 impersonation, 3 delegation).
 * TL_ENOTSUP off Windows (there are no tokens), TL_ESTATE before completion.
 */
TL_EXTERN tl_result tl_hop_server_impersonation_level(int *out, const tl_hop_server *s);

/**
 * Snapshot of the client's token as the server holds it (Windows: ImpersonateSecurityContext,
 * tl_live_thread_token(), RevertSecurityContext), so its impersonation level, logon session
 * and groups can be inspected and saved like any other token. TL_ENOTSUP off Windows,
 * TL_ESTATE before completion. Ownership: free *out with tl_token_free().
 */
TL_EXTERN tl_result tl_hop_server_token(tl_token **out, const tl_hop_server *s);

/** Free a server, including any delegated credentials; NULL is ignored. */
TL_EXTERN void tl_hop_server_free(tl_hop_server *s);

/** "Negotiate", "Kerberos", "NTLM", "unknown". Static string. */
TL_EXTERN const char *tl_hop_mech_name(tl_hop_mech mech);

/** Parse "negotiate" | "kerberos" | "ntlm" (case-insensitive; "krb5" too). TL_EINVAL otherwise. */
TL_EXTERN tl_result tl_hop_mech_from_string(tl_hop_mech *out, const char *s);

/** One-line explanation of a delegation reason ("the user's ticket is not forwardable ...").
 *  Static string; "unknown reason" for out-of-range values. */
TL_EXTERN const char *tl_hop_deleg_reason_text(tl_hop_deleg_reason reason);

/** Short stable token for a reason ("granted", "not_forwardable", ...), for JSON output. */
TL_EXTERN const char *tl_hop_deleg_reason_name(tl_hop_deleg_reason reason);

/**
 * Format ticket flags as space-separated lowercase names in RFC 4120 order ("forwardable
 * renewable pre_authent ok_as_delegate"); unknown bits as "0x00000200". "" for 0.
 * Ownership: free *out with tl_free.
 */
TL_EXTERN tl_result tl_hop_ticket_flags_format(char **out, uint32_t flags);

#ifdef __cplusplus
}
#endif
#endif
