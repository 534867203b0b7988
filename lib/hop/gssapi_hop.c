/* Hop probes over GSSAPI: MIT Kerberos for Kerberos and SPNEGO, gss-ntlmssp for NTLM.
 * The mechanism glue picks the implementation by OID; nothing here is MIT-internal beyond
 * the documented gssapi_krb5.h / gssapi_ext.h extensions (credential stores, ticket flags). */
#include "internal.h"
#include "hop/hop_internal.h"
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <string.h>

/* RFC 4178 SPNEGO and MS-NLMP NTLMSSP mechanism OIDs (gss_mech_krb5 comes from MIT). */
static gss_OID_desc oid_spnego = {6, (void *)"\x2b\x06\x01\x05\x05\x02"};
static gss_OID_desc oid_ntlmssp = {10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a"};

struct tl_hop_client {
    gss_ctx_id_t ctx;
    gss_cred_id_t cred; /* owned unless borrowed */
    bool cred_borrowed; /* delegated credentials owned by a tl_hop_server */
    gss_name_t target;
    gss_OID mech_req;
    OM_uint32 req_flags;
    tl_hop_delegation requested;
    bool done;
    tl__hop_outcome outcome;
    tl_hop_deleg_reason reason;
    char *name;
};

struct tl_hop_server {
    gss_cred_id_t acceptor;
    gss_ctx_id_t ctx;
    gss_cred_id_t delegated;
    bool done;
    tl_hop_mech mech;
    bool flags_known;
    uint32_t flags;
    char *client_name;
};

bool tl_hop_available(void)
{
    return true;
}

/* Append the display text of one GSS status kind to b. */
static void put_status(tl__buf *b, OM_uint32 code, int type, gss_OID mech)
{
    OM_uint32 min, ctx = 0;
    int first = 1;
    do {
        gss_buffer_desc msg = GSS_C_EMPTY_BUFFER;
        if (GSS_ERROR(gss_display_status(&min, code, type, mech, &ctx, &msg)))
            break;
        if (!first)
            tl__buf_put(b, "; ");
        tl__buf_putn(b, msg.value, msg.length);
        gss_release_buffer(&min, &msg);
        first = 0;
    } while (ctx != 0);
}

/* Raise TL_EAUTH "what: <major text>: <minor text> (GSS major 0x.., minor ..)". */
static int gss_fail(const char *what, OM_uint32 maj, OM_uint32 min, gss_OID mech)
{
    tl__buf b = TL__BUF_INIT;
    put_status(&b, maj, GSS_C_GSS_CODE, GSS_C_NO_OID);
    if (min) {
        tl__buf_put(&b, ": ");
        put_status(&b, min, GSS_C_MECH_CODE, mech);
    }
    int rc = tl__error_native_kind(
        TL_EAUTH, TL_NATIVE_GSS_MAJOR, (long)maj, "%s: %s (GSS major 0x%08lx, minor %lu)", what,
        b.data && !b.failed ? b.data : "?", (unsigned long)maj, (unsigned long)min);
    tl__buf_free(&b);
    return rc;
}

static tl_hop_mech mech_of(gss_const_OID oid)
{
    if (!oid)
        return TL_HOP_MECH_UNKNOWN;
    if (oid->length == gss_mech_krb5->length &&
        memcmp(oid->elements, gss_mech_krb5->elements, oid->length) == 0)
        return TL_HOP_MECH_KERBEROS;
    if (oid->length == oid_ntlmssp.length &&
        memcmp(oid->elements, oid_ntlmssp.elements, oid->length) == 0)
        return TL_HOP_MECH_NTLM;
    if (oid->length == oid_spnego.length &&
        memcmp(oid->elements, oid_spnego.elements, oid->length) == 0)
        return TL_HOP_MECH_NEGOTIATE;
    return TL_HOP_MECH_UNKNOWN;
}

static gss_OID mech_oid(tl_hop_mech m)
{
    switch (m) {
    case TL_HOP_MECH_KERBEROS:
        return gss_mech_krb5;
    case TL_HOP_MECH_NTLM:
        return &oid_ntlmssp;
    default:
        return &oid_spnego;
    }
}

static int import_name(gss_name_t *out, const char *text, gss_OID type, const char *what)
{
    OM_uint32 maj, min;
    gss_buffer_desc buf = {strlen(text), (void *)text};
    *out = GSS_C_NO_NAME;
    maj = gss_import_name(&min, &buf, type, out);
    if (GSS_ERROR(maj)) {
        gss_fail(what, maj, min, GSS_C_NO_OID);
        tl__error_prefix("'%s'", text);
        return TL_EAUTH;
    }
    return TL_OK;
}

/* "alice@LAB.TEST" from a name; NULL on failure (callers treat the name as unknown). */
static char *display_name(gss_name_t name)
{
    OM_uint32 min;
    gss_buffer_desc buf = GSS_C_EMPTY_BUFFER;
    if (name == GSS_C_NO_NAME || GSS_ERROR(gss_display_name(&min, name, &buf, NULL)))
        return NULL;
    char *s = tl__strndup(buf.value, buf.length);
    gss_release_buffer(&min, &buf);
    return s;
}

/* Kerberos wants the SPN as a principal name (keeps ":port"); NTLM and SPNEGO get a host-based
 * name service@host, which each mechanism converts itself. */
static int import_target(gss_name_t *out, const char *target, tl_hop_mech mech)
{
    char *svc = NULL, *host = NULL;
    int rc = tl__hop_split_target(&svc, &host, target);
    if (rc)
        return rc;
    if (mech == TL_HOP_MECH_KERBEROS && strchr(target, '/')) {
        rc = import_name(out, target, (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME, "cannot import target");
    } else {
        char *hb = tl__asprintf("%s@%s", svc, host);
        rc = hb ? import_name(out, hb, GSS_C_NT_HOSTBASED_SERVICE, "cannot import target")
                : tl__oom();
        tl__free(hb);
    }
    tl__free(svc);
    tl__free(host);
    return rc;
}

/* A one-mechanism OID set on the stack. */
#define ONE_MECH_SET(name, oid) gss_OID_set_desc name = {1, (oid)}

static int client_creds(tl_hop_client *c, const tl_hop_options *o)
{
    OM_uint32 maj, min;
    gss_name_t name = GSS_C_NO_NAME;
    int rc = TL_OK;
    if (!o->principal && !o->keytab)
        return TL_OK; /* default credentials, picked by the mechanism at the first step */
    gss_OID mech = mech_oid(o->mech == TL_HOP_MECH_NTLM ? TL_HOP_MECH_NTLM : TL_HOP_MECH_KERBEROS);
    ONE_MECH_SET(mechs, mech);
    if (o->principal) {
        gss_OID type =
            o->mech == TL_HOP_MECH_NTLM ? GSS_C_NT_USER_NAME : (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME;
        if ((rc = import_name(&name, o->principal, type, "cannot import client name")) != TL_OK)
            return rc;
    }
    if (o->keytab) {
        if (o->mech == TL_HOP_MECH_NTLM) {
            gss_release_name(&min, &name);
            return tl__error(
                TL_EINVAL,
                "a client keytab gives Kerberos credentials; it cannot be used with NTLM");
        }
        /* A private in-memory cache so the process identity never lands in the user's ccache. */
        char ccname[64];
        snprintf(ccname, sizeof ccname, "MEMORY:tokenlens-hop-%p", (void *)c);
        gss_key_value_element_desc el[2] = {{"client_keytab", o->keytab}, {"ccache", ccname}};
        gss_key_value_set_desc store = {2, el};
        maj = gss_acquire_cred_from(&min, name, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &store,
                                    &c->cred, NULL, NULL);
    } else {
        maj = gss_acquire_cred(&min, name, GSS_C_INDEFINITE, &mechs, GSS_C_INITIATE, &c->cred, NULL,
                               NULL);
    }
    if (GSS_ERROR(maj)) {
        rc = gss_fail("cannot acquire client credentials", maj, min, mech);
        if (o->principal)
            tl__error_prefix("%s", o->principal);
    }
    gss_release_name(&min, &name);
    return rc;
}

static int client_alloc(tl_hop_client **out, const char *target, const tl_hop_options *in,
                        tl_hop_options *o)
{
    *out = NULL;
    int rc = tl__hop_options_check(o, in);
    if (rc)
        return rc;
    if (!target)
        return tl__error(TL_EINVAL, "tl_hop_client_new: target is NULL");
    tl_hop_client *c = tl__calloc(1, sizeof *c);
    if (!c)
        return tl__oom();
    c->ctx = GSS_C_NO_CONTEXT;
    c->cred = GSS_C_NO_CREDENTIAL;
    c->mech_req = mech_oid(o->mech);
    c->requested = o->delegation;
    c->req_flags = GSS_C_MUTUAL_FLAG | GSS_C_SEQUENCE_FLAG;
    if (o->delegation == TL_HOP_DELEGATE_POLICY)
        c->req_flags |= GSS_C_DELEG_POLICY_FLAG;
    else if (o->delegation == TL_HOP_DELEGATE_ALWAYS)
        c->req_flags |= GSS_C_DELEG_FLAG;
    if ((rc = import_target(&c->target, target, o->mech)) != TL_OK) {
        tl_hop_client_free(c);
        return rc;
    }
    *out = c;
    return TL_OK;
}

int tl_hop_client_new(tl_hop_client **out, const char *target, const tl_hop_options *opts)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_client_new: out is NULL");
    *out = NULL;
    tl_hop_options o;
    tl_hop_client *c;
    int rc = client_alloc(&c, target, opts, &o);
    if (rc)
        return rc;
    if ((rc = client_creds(c, &o)) != TL_OK) {
        tl_hop_client_free(c);
        return rc;
    }
    *out = c;
    return TL_OK;
}

int tl_hop_client_new_delegated(tl_hop_client **out, const tl_hop_server *from, const char *target,
                                const tl_hop_options *opts)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_client_new_delegated: out is NULL");
    *out = NULL;
    if (!from)
        return tl__error(TL_EINVAL, "tl_hop_client_new_delegated: from is NULL");
    if (!from->done)
        return tl__error(TL_ESTATE, "the incoming exchange is not complete yet");
    if (from->delegated == GSS_C_NO_CREDENTIAL)
        return tl__error(
            TL_ESTATE,
            "no delegated credentials arrived from %s (%s): this tier cannot act as its caller "
            "off-box (Windows would send NT AUTHORITY\\ANONYMOUS LOGON)",
            from->client_name ? from->client_name : "the client", tl_hop_mech_name(from->mech));
    tl_hop_options o;
    tl_hop_client *c;
    tl_hop_options tmp;
    if (opts) {
        tmp = *opts;
    } else {
        tl_hop_options d = TL_HOP_OPTIONS_INIT;
        tmp = d;
    }
    tmp.principal = NULL;
    tmp.keytab = NULL;
    if (tmp.mech == TL_HOP_MECH_UNKNOWN || tmp.mech == TL_HOP_MECH_NEGOTIATE)
        tmp.mech = TL_HOP_MECH_KERBEROS; /* delegated credentials are Kerberos ones */
    int rc = client_alloc(&c, target, &tmp, &o);
    if (rc)
        return rc;
    c->cred = from->delegated;
    c->cred_borrowed = true;
    *out = c;
    return TL_OK;
}

static void client_finish(tl_hop_client *c, gss_OID actual, OM_uint32 ret_flags)
{
    OM_uint32 min, flags = 0;
    gss_name_t src = GSS_C_NO_NAME;
    c->done = true;
    c->outcome.mech = mech_of(actual);
    c->outcome.requested = c->requested;
    /* Only Kerberos forwards a TGT; gss-ntlmssp echoes the requested flag without meaning it. */
    c->outcome.granted =
        c->outcome.mech == TL_HOP_MECH_KERBEROS && (ret_flags & GSS_C_DELEG_FLAG) != 0;
    if (c->outcome.mech == TL_HOP_MECH_KERBEROS &&
        !GSS_ERROR(gss_krb5_get_tkt_flags(&min, c->ctx, (krb5_flags *)&flags))) {
        c->outcome.flags_known = true;
        c->outcome.ticket_flags = flags;
    }
    c->reason = tl__hop_deleg_reason(&c->outcome);
    if (!GSS_ERROR(gss_inquire_context(&min, c->ctx, &src, NULL, NULL, NULL, NULL, NULL, NULL))) {
        c->name = display_name(src);
        gss_release_name(&min, &src);
    }
}

int tl_hop_client_step(tl_hop_client *c, const uint8_t *in, size_t in_len, uint8_t **out_token,
                       size_t *out_len)
{
    if (out_token)
        *out_token = NULL;
    if (out_len)
        *out_len = 0;
    if (!c || !out_token || !out_len)
        return tl__error(TL_EINVAL, "tl_hop_client_step: NULL argument");
    if (c->done)
        return tl__error(TL_ESTATE, "the client exchange is already complete");
    if (in_len && !in)
        return tl__error(TL_EINVAL, "tl_hop_client_step: in is NULL with a length");
    if (c->ctx != GSS_C_NO_CONTEXT && !in_len)
        return tl__error(TL_EINVAL,
                         "tl_hop_client_step: the exchange continues but no token came back");
    OM_uint32 maj, min, ret_flags = 0;
    gss_buffer_desc ib = {in_len, (void *)in}, ob = GSS_C_EMPTY_BUFFER;
    gss_OID actual = GSS_C_NO_OID;
    maj = gss_init_sec_context(&min, c->cred, &c->ctx, c->target, c->mech_req, c->req_flags, 0,
                               GSS_C_NO_CHANNEL_BINDINGS, in_len ? &ib : GSS_C_NO_BUFFER, &actual,
                               &ob, &ret_flags, NULL);
    if (GSS_ERROR(maj)) {
        gss_release_buffer(&min, &ob);
        return gss_fail("client authentication failed", maj, min, actual ? actual : c->mech_req);
    }
    int rc = tl__hop_copy_token(out_token, out_len, ob.value, ob.length);
    gss_release_buffer(&min, &ob);
    if (rc)
        return rc;
    if (maj == GSS_S_COMPLETE)
        client_finish(c, actual, ret_flags);
    return TL_OK;
}

bool tl_hop_client_done(const tl_hop_client *c)
{
    return c && c->done;
}
tl_hop_mech tl_hop_client_mech(const tl_hop_client *c)
{
    return c && c->done ? c->outcome.mech : TL_HOP_MECH_UNKNOWN;
}
bool tl_hop_client_delegated(const tl_hop_client *c)
{
    return c && c->done && c->outcome.granted;
}
tl_hop_deleg_reason tl_hop_client_deleg_reason(const tl_hop_client *c)
{
    return c && c->done ? c->reason : TL_HOP_DELEG_NOT_REQUESTED;
}
const char *tl_hop_client_name(const tl_hop_client *c)
{
    return c ? c->name : NULL;
}

int tl_hop_client_ticket_flags(uint32_t *out, const tl_hop_client *c)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_client_ticket_flags: out is NULL");
    *out = 0;
    if (!c)
        return tl__error(TL_EINVAL, "tl_hop_client_ticket_flags: client is NULL");
    if (!c->done || !c->outcome.flags_known)
        return tl__error(TL_ENOTFOUND, "no Kerberos ticket flags are visible for this exchange");
    *out = c->outcome.ticket_flags;
    return TL_OK;
}

void tl_hop_client_free(tl_hop_client *c)
{
    OM_uint32 min;
    if (!c)
        return;
    if (c->ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&min, &c->ctx, GSS_C_NO_BUFFER);
    if (!c->cred_borrowed && c->cred != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&min, &c->cred);
    if (c->target != GSS_C_NO_NAME)
        gss_release_name(&min, &c->target);
    tl__free(c->name);
    tl__free(c);
}

/* ---- server ------------------------------------------------------------------------------ */

int tl_hop_server_new(tl_hop_server **out, const tl_hop_options *opts)
{
    OM_uint32 maj, min;
    tl_hop_options o;
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_server_new: out is NULL");
    *out = NULL;
    int rc = tl__hop_options_check(&o, opts);
    if (rc)
        return rc;
    tl_hop_server *s = tl__calloc(1, sizeof *s);
    if (!s)
        return tl__oom();
    s->acceptor = GSS_C_NO_CREDENTIAL;
    s->ctx = GSS_C_NO_CONTEXT;
    s->delegated = GSS_C_NO_CREDENTIAL;
    if (o.mech == TL_HOP_MECH_NEGOTIATE) {
        /* Any mechanism. gss-ntlmssp 1.2 crashes when it is handed a credential store, so the
         * keytab is registered process-wide (MIT's documented acceptor API) and every mechanism
         * acquires its own default acceptor credential inside gss_accept_sec_context. */
        if (o.keytab && gsskrb5_register_acceptor_identity(o.keytab) != GSS_S_COMPLETE) {
            tl__free(s);
            return tl__error(TL_EAUTH, "cannot register acceptor keytab %s", o.keytab);
        }
    } else {
        gss_name_t name = GSS_C_NO_NAME;
        ONE_MECH_SET(one, mech_oid(o.mech));
        if (o.principal &&
            (rc = import_name(&name, o.principal,
                              o.mech == TL_HOP_MECH_NTLM ? GSS_C_NT_HOSTBASED_SERVICE
                                                         : (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME,
                              "cannot import acceptor name")) != TL_OK) {
            tl__free(s);
            return rc;
        }
        gss_key_value_element_desc el = {"keytab", o.keytab};
        gss_key_value_set_desc store = {1, &el};
        bool use_store = o.keytab && o.mech == TL_HOP_MECH_KERBEROS;
        maj = gss_acquire_cred_from(&min, name, GSS_C_INDEFINITE, &one, GSS_C_ACCEPT,
                                    use_store ? &store : GSS_C_NO_CRED_STORE, &s->acceptor, NULL,
                                    NULL);
        gss_release_name(&min, &name);
        if (GSS_ERROR(maj)) {
            rc = gss_fail("cannot acquire acceptor credentials", maj, min, mech_oid(o.mech));
            if (use_store)
                tl__error_prefix("keytab %s", o.keytab);
            tl__free(s);
            return rc;
        }
    }
    *out = s;
    return TL_OK;
}

static void server_finish(tl_hop_server *s, gss_name_t src, gss_OID mech, OM_uint32 ret_flags)
{
    OM_uint32 min, flags = 0;
    s->done = true;
    s->mech = mech_of(mech);
    s->client_name = display_name(src);
    if ((s->mech != TL_HOP_MECH_KERBEROS || !(ret_flags & GSS_C_DELEG_FLAG)) &&
        s->delegated != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&min, &s->delegated);
    if (s->mech == TL_HOP_MECH_KERBEROS &&
        !GSS_ERROR(gss_krb5_get_tkt_flags(&min, s->ctx, (krb5_flags *)&flags))) {
        s->flags_known = true;
        s->flags = flags;
    }
}

int tl_hop_server_step(tl_hop_server *s, const uint8_t *in, size_t in_len, uint8_t **out_token,
                       size_t *out_len)
{
    if (out_token)
        *out_token = NULL;
    if (out_len)
        *out_len = 0;
    if (!s || !out_token || !out_len)
        return tl__error(TL_EINVAL, "tl_hop_server_step: NULL argument");
    if (s->done)
        return tl__error(TL_ESTATE, "the server exchange is already complete");
    if (!in || !in_len)
        return tl__error(TL_EINVAL, "tl_hop_server_step: the server needs the client's token");
    OM_uint32 maj, min, ret_flags = 0;
    gss_buffer_desc ib = {in_len, (void *)in}, ob = GSS_C_EMPTY_BUFFER;
    gss_OID mech = GSS_C_NO_OID;
    gss_name_t src = GSS_C_NO_NAME;
    if (s->delegated != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&min, &s->delegated);
    maj = gss_accept_sec_context(&min, &s->ctx, s->acceptor, &ib, GSS_C_NO_CHANNEL_BINDINGS, &src,
                                 &mech, &ob, &ret_flags, NULL, &s->delegated);
    if (GSS_ERROR(maj)) {
        gss_release_buffer(&min, &ob);
        gss_release_name(&min, &src);
        return gss_fail("server could not accept the client", maj, min, mech);
    }
    int rc = tl__hop_copy_token(out_token, out_len, ob.value, ob.length);
    gss_release_buffer(&min, &ob);
    if (rc == TL_OK && maj == GSS_S_COMPLETE)
        server_finish(s, src, mech, ret_flags);
    gss_release_name(&min, &src);
    return rc;
}

bool tl_hop_server_done(const tl_hop_server *s)
{
    return s && s->done;
}
const char *tl_hop_server_client_name(const tl_hop_server *s)
{
    return s && s->done ? s->client_name : NULL;
}
tl_hop_mech tl_hop_server_mech(const tl_hop_server *s)
{
    return s && s->done ? s->mech : TL_HOP_MECH_UNKNOWN;
}
bool tl_hop_server_delegated(const tl_hop_server *s)
{
    return s && s->done && s->delegated != GSS_C_NO_CREDENTIAL;
}

int tl_hop_server_ticket_flags(uint32_t *out, const tl_hop_server *s)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_server_ticket_flags: out is NULL");
    *out = 0;
    if (!s)
        return tl__error(TL_EINVAL, "tl_hop_server_ticket_flags: server is NULL");
    if (!s->done || !s->flags_known)
        return tl__error(TL_ENOTFOUND, "no Kerberos ticket flags are visible for this exchange");
    *out = s->flags;
    return TL_OK;
}

int tl_hop_server_impersonation_level(int *out, const tl_hop_server *s)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_server_impersonation_level: out is NULL");
    *out = -1;
    if (!s)
        return tl__error(TL_EINVAL, "tl_hop_server_impersonation_level: server is NULL");
    return tl__error(TL_ENOTSUP, "impersonation levels belong to Windows tokens; GSSAPI has none");
}

void tl_hop_server_free(tl_hop_server *s)
{
    OM_uint32 min;
    if (!s)
        return;
    if (s->ctx != GSS_C_NO_CONTEXT)
        gss_delete_sec_context(&min, &s->ctx, GSS_C_NO_BUFFER);
    if (s->delegated != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&min, &s->delegated);
    if (s->acceptor != GSS_C_NO_CREDENTIAL)
        gss_release_cred(&min, &s->acceptor);
    tl__free(s->client_name);
    tl__free(s);
}

int tl_hop_server_token(tl_token **out, const tl_hop_server *s)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_hop_server_token: out is NULL");
    *out = NULL;
    if (!s)
        return tl__error(TL_EINVAL, "tl_hop_server_token: server is NULL");
    return tl__error(TL_ENOTSUP,
                     "GSSAPI has no access tokens; the client's token exists only on Windows");
}
