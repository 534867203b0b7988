/*
 * tokenlens.i — the one SWIG interface every language binding is generated from.
 *
 * Layering (pygit2 / GDAL style): this file exposes the C API almost 1:1 as a raw module
 * (Python: tokenlens._native); each language then has a hand-written idiomatic layer
 * (bindings/python/tokenlens/, bindings/powershell/). What is decided HERE, once, for every
 * language:
 *
 *   - which headers are wrapped (one TL_SWIG_HAVE_<MODULE> define per header present, set by
 *     bindings/swig/TokenlensSwig.cmake, so a binding builds while modules are still landing);
 *   - ownership: opaque handles (tl_token, ...) get a destructor that calls tl_<type>_free and
 *     tl_<type>_free is %delobject, so the proxy and an explicit free never double-free;
 *     `%newobject` on everything that hands over a new allocation;
 *   - which `int` returns are NOT status codes (TL_PLAIN_INT below): every other `int` is a
 *     status (0 or a negative TL_E*), which the language's single status typemap turns into
 *     an exception built from tl_error_last();
 *   - scalar out-parameters via typemaps.i OUTPUT (works in Python and C#).
 *
 * What a language overlay provides (Python: python.i, included below; C#: define the same
 * macros before %including this file, or add an `#elif defined(SWIGCSHARP)` block):
 *
 *   %typemap(out) int                 the status typemap: raise on < 0
 *   TL_PLAIN_INT(fn)                  restore the plain int return for function `fn`
 *   TL_OUT_HANDLE(TYPE, FREE)         typemaps for `TYPE **out` (a new owned handle)
 *   typemaps for `tl_sid *out` (value out), `char **out` (string out, free with tl_free),
 *   `(char *out, size_t out_size)`, `(const char *text, size_t len)` and friends.
 *
 * Languages without an overlay still get a usable module: out-parameters are then passed
 * explicitly (e.g. a `tl_sid` proxy the function fills in).
 */

#if defined(SWIGPYTHON)
%module(package="tokenlens") _native
#elif !defined(TL_SWIG_MODULE_DECLARED)
%module tokenlens_native
#endif

%{
#include <stdlib.h>
#include <string.h>
#include "tokenlens/common.h"
#include "tokenlens/sid.h"
%}

%include <stdint.i>
%include <typemaps.i>

/* ---- language overlay: status typemap and out-parameter typemaps ------------------------- */
#if defined(SWIGPYTHON)
%include "python.i"
#endif

/* Defaults for languages whose overlay does not define the hooks. */
#ifndef TL_PLAIN_INT
%define TL_PLAIN_INT(FN) %enddef
#endif
#ifndef TL_OUT_HANDLE
%define TL_OUT_HANDLE(TYPE, FREE) %enddef
#endif

/* `int` results that are values, not status codes. Keep this list complete: a function
 * missing here would raise for legitimate negative values. */
TL_PLAIN_INT(tl_sid_compare)
TL_PLAIN_INT(tl_token_elevated)
/* Struct members of type int (their getters match by member name); tl_swig_missing.i adds
 * any new ones automatically. */
TL_PLAIN_INT(code)
TL_PLAIN_INT(pass)
TL_PLAIN_INT(level)
TL_PLAIN_INT(rc)
TL_PLAIN_INT(observed_level)
TL_PLAIN_INT(observed_type)

/* An opaque handle type: no public constructor (created through `TYPE **out` functions), a
 * destructor that calls FREE, and FREE itself marked as taking ownership away from the proxy. */
%define TL_OPAQUE(TYPE, FREE)
%nodefaultctor TYPE;
struct TYPE {};
%extend TYPE {
    ~TYPE() {
%#ifndef TL_SWIG_STUB_##FREE /* see tl_swig_missing.i */
        FREE($self);
%#endif
    }
}
%delobject FREE;
TL_OUT_HANDLE(TYPE, FREE)
%enddef

/* Scalar out-parameters: a result, not an argument, in every language with typemaps.i. */
#ifndef SWIGCSHARP /* C#'s typemaps.i has no size_t OUTPUT; csharp.i maps these itself */
%apply size_t *OUTPUT { size_t *consumed, size_t *written };
#endif
%apply uint32_t *OUTPUT { uint32_t *rid };

/* Functions declared in a header but not yet defined in lib/ (generated at build time by
 * bindings/swig/missing_symbols.cmake), so the module never references an undefined symbol. */
#ifdef TL_SWIG_HAVE_MISSING_LIST
%include "tl_swig_missing.i"
#endif

/* ---- binding support helpers (all languages) -------------------------------------------- */
%{
/* Allocation accounting for the bindings' leak tests: routes tokenlens' allocator through
 * counters. Only the tests switch it on; the underlying calls stay malloc/realloc/free, so
 * memory allocated before or after counting is released consistently. */
static long tl_swig_outstanding;
static unsigned long tl_swig_total;

static void *tl_swig_count_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p) {
        tl_swig_outstanding++;
        tl_swig_total++;
    }
    return p;
}

static void *tl_swig_count_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q && !p) {
        tl_swig_outstanding++;
        tl_swig_total++;
    }
    return q;
}

static void tl_swig_count_free(void *p)
{
    if (p)
        tl_swig_outstanding--;
    free(p);
}
%}

%inline %{
/** Test hook: count allocations made by tokenlens (true) or go back to plain malloc (false).
 *  Not thread-safe; for leak tests only. */
void tl_swig_alloc_counting(bool on)
{
    if (on)
        tl_set_allocator(tl_swig_count_malloc, tl_swig_count_realloc, tl_swig_count_free);
    else
        tl_set_allocator(NULL, NULL, NULL);
}

/** Allocations minus frees while counting was on. */
long tl_swig_alloc_outstanding(void) { return tl_swig_outstanding; }

/** Allocations made while counting was on. */
unsigned long tl_swig_alloc_total(void) { return (unsigned long)tl_swig_total; }

/** Copy a SID (e.g. one borrowed from a token) into `out`; TL_EINVAL when `sid` is NULL. */
int tl_swig_sid_copy(tl_sid *out, const tl_sid *sid)
{
    if (!sid) {
        memset(out, 0, sizeof *out);
        return TL_EINVAL;
    }
    *out = *sid;
    return TL_OK;
}
%}

/* Structs the library hands out are views (borrowed from their parent or static): read-only
 * in every language. Values the caller builds go through functions, not field writes. */
%immutable;

/* ---- common: errors, memory, version ----------------------------------------------------- */
/* Allocator replacement takes C function pointers: not meaningful from a binding. */
%ignore tl_set_allocator;
/* Raw tl_free is only for results a typemap already frees; exposing it invites double frees. */
%ignore tl_free;
%include "tokenlens/common.h"

/* ---- sid --------------------------------------------------------------------------------- */
/* tl_sid is a value type: the proxy owns a copy (default constructor/destructor). */
%ignore tl_sid_from_stringn; /* tl_sid_from_string covers it for bindings (strings carry length) */
%include "tokenlens/sid.h"

/* ---- token snapshots --------------------------------------------------------------------- */
#ifdef TL_SWIG_HAVE_TOKEN
%{
#include "tokenlens/token.h"
%}
TL_OPAQUE(tl_token, tl_token_free)
%include "tokenlens/token.h"
#endif

/* ---- live capture (Windows; TL_ENOTSUP elsewhere) ---------------------------------------- */
#ifdef TL_SWIG_HAVE_LIVE
%{
#include "tokenlens/live.h"
%}
TL_OPAQUE(tl_probe, tl_probe_free)
%include "tokenlens/live.h"
#endif

/* ---- explain engine ------------------------------------------------------------------------ */
#ifdef TL_SWIG_HAVE_SIM
%{
#include "tokenlens/sim.h"
%}
TL_OPAQUE(tl_scenario, tl_scenario_free)
TL_OPAQUE(tl_explanation, tl_explanation_free)
/* tl_explained_hop is a view borrowed from its explanation: an opaque pointer, never freed. */
%include "tokenlens/sim.h"
#endif

/* ---- security descriptors ------------------------------------------------------------------ */
#ifdef TL_SWIG_HAVE_SD
%{
#include "tokenlens/sd.h"
%}
TL_OPAQUE(tl_sd, tl_sd_free)
/* Raw trailing bytes of callback ACEs: reach them with tl_swig_ace_app_data_byte(). */
%ignore tl_ace::app_data;
%include "tokenlens/sd.h"
%inline %{
/** Byte `i` of a callback ACE's application data (0..255), or -1 past the end. */
int tl_swig_ace_app_data_byte(const tl_ace *ace, size_t i)
{
    return ace && ace->app_data && i < ace->app_data_len ? ace->app_data[i] : -1;
}
%}
#endif

/* ---- access check -------------------------------------------------------------------------- */
#ifdef TL_SWIG_HAVE_ACCESS
%{
#include "tokenlens/access.h"
%}
TL_OPAQUE(tl_access_result, tl_access_result_free)
/* Arrays of SIDs in: bindings build a tl_token (set_user / add_group) and use tl_access_check. */
%ignore tl_access_check_sids;
%ignore tl_access_token_from_sids;
/* `pass` is a keyword in Python. */
%rename(pass_index) tl_access_reason::pass;
%include "tokenlens/access.h"
%inline %{
/** tl_access_check() with its options flattened: TL_ACCESS_* flags and the object kind. */
int tl_swig_access_check(tl_access_result **out, const tl_sd *sd, const tl_token *token,
                         uint32_t desired, uint32_t flags, tl_object_kind object)
{
#ifdef TL_SWIG_STUB_tl_access_check
    *out = NULL;
    return TL_ENOTSUP;
#else
    tl_access_options o;
    memset(&o, 0, sizeof o);
    o.flags = flags;
    o.object = object;
    return tl_access_check(out, sd, token, desired, &o);
#endif
}
%}
#endif

/* ---- IIS audit ----------------------------------------------------------------------------- */
#ifdef TL_SWIG_HAVE_IIS
%{
#include "tokenlens/iis.h"
%}
TL_OPAQUE(tl_iis_audit, tl_iis_audit_free)
TL_OPAQUE(tl_iis_isolation, tl_iis_isolation_free)
#ifndef SWIGCSHARP
%apply size_t *OUTPUT { size_t *out };
#endif
/* C arrays inside the views become count + indexed getters (tl_swig_iis_* below). */
%ignore tl_iis_site::bindings;
%ignore tl_iis_site::apps;
%ignore tl_iis_auth::providers;
%ignore tl_iis_shared_identity::sites;
%ignore tl_iis_finding::sites;
%ignore tl_iis_options;
%ignore tl_iis_scenario_options;
%ignore tl_iis_site_scenario_json;
%include "tokenlens/iis.h"
#ifndef SWIGCSHARP
%clear size_t *out;
#endif
%inline %{
/** Binding `i` of a site ("http *:80:host"), NULL past the end. Borrowed from the audit. */
const char *tl_swig_iis_site_binding(const tl_iis_site *site, size_t i)
{
    return site && i < site->binding_count ? site->bindings[i] : NULL;
}
/** Application `i` of a site (0 is "/"), NULL past the end. Borrowed from the audit. */
const tl_iis_app *tl_swig_iis_site_app(const tl_iis_site *site, size_t i)
{
    return site && i < site->app_count ? &site->apps[i] : NULL;
}
/** Windows authentication provider `i`, NULL past the end. */
const char *tl_swig_iis_auth_provider(const tl_iis_auth *auth, size_t i)
{
    return auth && i < auth->provider_count ? auth->providers[i] : NULL;
}
/** Site name `i` of a shared anonymous identity, NULL past the end. */
const char *tl_swig_iis_shared_site(const tl_iis_shared_identity *shared, size_t i)
{
    return shared && i < shared->site_count ? shared->sites[i] : NULL;
}
/** Site name `i` a finding is about, NULL past the end. */
const char *tl_swig_iis_finding_site(const tl_iis_finding *finding, size_t i)
{
    return finding && i < finding->site_count ? finding->sites[i] : NULL;
}
/** tl_iis_site_scenario_json() with its options flattened (each may be NULL). */
int tl_swig_iis_site_scenario_json(char **out, const tl_iis_audit *audit, size_t site,
                                   const char *machine, const char *domain,
                                   const char *request_user, const char *protocol,
                                   const char *hop_target, const char *application)
{
#ifdef TL_SWIG_STUB_tl_iis_site_scenario_json
    *out = NULL;
    return TL_ENOTSUP;
#else
    tl_iis_scenario_options o;
    memset(&o, 0, sizeof o);
    o.machine = machine;
    o.domain = domain;
    o.request_user = request_user;
    o.protocol = protocol;
    o.hop_target = hop_target;
    o.application = application;
    return tl_iis_site_scenario_json(out, audit, site, &o);
#endif
}
%}

/* Isolation verdict: the C call takes parallel arrays (site names, descriptors). Bindings
 * collect the pairs in a tl_swig_site_sds list, one add per pair, then evaluate. The list
 * copies the names and borrows the descriptors, which must stay alive until the evaluate call
 * returns (tl_iis_isolation_evaluate does not keep them). */
#ifdef TL_SWIG_HAVE_SD
%{
typedef struct tl_swig_site_sds {
    size_t count, cap;
    char **sites;
    const tl_sd **sds;
} tl_swig_site_sds;

static int tl_swig_site_sds_new(tl_swig_site_sds **out)
{
    *out = (tl_swig_site_sds *)calloc(1, sizeof **out);
    return *out ? TL_OK : TL_ENOMEM;
}

static void tl_swig_site_sds_free(tl_swig_site_sds *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        free(list->sites[i]);
    free(list->sites);
    free((void *)list->sds);
    free(list);
}

static int tl_swig_site_sds_add(tl_swig_site_sds *list, const char *site, const tl_sd *sd)
{
    if (!list || !site || !sd)
        return TL_EINVAL;
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        char **sites = (char **)realloc(list->sites, cap * sizeof *sites);
        if (!sites)
            return TL_ENOMEM;
        list->sites = sites;
        const tl_sd **sds = (const tl_sd **)realloc((void *)list->sds, cap * sizeof *sds);
        if (!sds)
            return TL_ENOMEM;
        list->sds = sds;
        list->cap = cap;
    }
    size_t n = strlen(site) + 1;
    char *copy = (char *)malloc(n);
    if (!copy)
        return TL_ENOMEM;
    memcpy(copy, site, n);
    list->sites[list->count] = copy;
    list->sds[list->count] = sd;
    list->count++;
    return TL_OK;
}

static int tl_swig_iis_isolation_evaluate(tl_iis_isolation **out, const tl_iis_audit *audit,
                                          const tl_swig_site_sds *list)
{
#ifdef TL_SWIG_STUB_tl_iis_isolation_evaluate
    *out = NULL;
    return TL_ENOTSUP;
#else
    if (!list)
        return TL_EINVAL;
    return tl_iis_isolation_evaluate(out, audit, (const char *const *)list->sites,
                                     (const tl_sd *const *)list->sds, list->count);
#endif
}
%}
TL_OPAQUE(tl_swig_site_sds, tl_swig_site_sds_free)
typedef struct tl_swig_site_sds tl_swig_site_sds;
%ignore tl_iis_isolation_evaluate; /* parallel arrays: use tl_swig_iis_isolation_evaluate */
/** A new, empty list of (site, descriptor) pairs. Ownership: tl_swig_site_sds_free(). */
int tl_swig_site_sds_new(tl_swig_site_sds **out);
void tl_swig_site_sds_free(tl_swig_site_sds *list);
/** Append a pair: `site` is copied, `sd` is borrowed until the evaluate call returns. */
int tl_swig_site_sds_add(tl_swig_site_sds *list, const char *site, const tl_sd *sd);
/** tl_iis_isolation_evaluate() over the pairs of `list`.
 *  Ownership: *out is freed with tl_iis_isolation_free(); it borrows from `audit`. */
int tl_swig_iis_isolation_evaluate(tl_iis_isolation **out, const tl_iis_audit *audit,
                                   const tl_swig_site_sds *list);
#endif
#endif

%include "ad.i"

%mutable;
