/*
 * tokenlens.i — the one SWIG interface every language binding is generated from.
 *
 * Layering (pygit2 / GDAL style): this file exposes the C API almost 1:1 as a raw module
 * (Python: tokenlens._native); each language then has a hand-written idiomatic layer
 * (bindings/python/tokenlens/, bindings/powershell/). What is decided HERE, once, for every
 * language:
 *
 *   - which headers are wrapped: all of them, unconditionally. A function declared in a header
 *     but missing from the library is a link error of the binding, not a silently skipped
 *     suite;
 *   - ownership: opaque handles (tl_token, ...) get a destructor that calls tl_<type>_free and
 *     tl_<type>_free is %delobject, so the proxy and an explicit free never double-free;
 *     `%newobject` on everything that hands over a new allocation;
 *   - errors: every fallible function returns `tl_result` (common.h); the language's one
 *     `%typemap(out) tl_result` turns a negative result into an exception built from
 *     tl_error_last(). It keys on the return code only: a successful call never raises,
 *     whatever error an earlier call left behind. Plain `int` results are plain values;
 *   - scalar out-parameters via typemaps.i OUTPUT (works in Python and C#).
 *
 * What a language overlay provides (Python: python.i, included below; C#: define the same
 * macros before %including this file, or add an `#elif defined(SWIGCSHARP)` block):
 *
 *   %typemap(out) tl_result           the status typemap: raise on < 0
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

/* Default for languages whose overlay does not define the hook. */
#ifndef TL_OUT_HANDLE
%define TL_OUT_HANDLE(TYPE, FREE) %enddef
#endif

/* An opaque handle type: no public constructor (created through `TYPE **out` functions), a
 * destructor that calls FREE, and FREE itself marked as taking ownership away from the proxy. */
%define TL_OPAQUE(TYPE, FREE)
%nodefaultctor TYPE;
struct TYPE {};
%extend TYPE {
    ~TYPE() { FREE($self); }
}
%delobject FREE;
TL_OUT_HANDLE(TYPE, FREE)
%enddef

/* Scalar out-parameters: a result, not an argument, in every language with typemaps.i. */
#ifndef SWIGCSHARP /* C#'s typemaps.i has no size_t OUTPUT; csharp.i maps these itself */
%apply size_t *OUTPUT { size_t *consumed, size_t *written };
#endif
%apply uint32_t *OUTPUT { uint32_t *rid };

/* ---- binding support helpers (all languages) -------------------------------------------- */
%{
/* A helper's own failure: clear whatever an earlier call left in tl_error_last(), so the
 * status typemap reports this failure (named after the wrapped function), not a stale one. */
static tl_result tl_swig_fail(tl_result rc)
{
    tl_error_clear();
    return rc;
}

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
tl_result tl_swig_sid_copy(tl_sid *out, const tl_sid *sid)
{
    if (!sid) {
        memset(out, 0, sizeof *out);
        return tl_swig_fail(TL_EINVAL);
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
%{
#include "tokenlens/token.h"
%}
TL_OPAQUE(tl_token, tl_token_free)
%include "tokenlens/token.h"

/* ---- live capture (Windows; TL_ENOTSUP elsewhere) ---------------------------------------- */
%{
#include "tokenlens/live.h"
%}
TL_OPAQUE(tl_probe, tl_probe_free)
%include "tokenlens/live.h"

/* ---- explain engine ------------------------------------------------------------------------ */
%{
#include "tokenlens/sim.h"
%}
TL_OPAQUE(tl_scenario, tl_scenario_free)
TL_OPAQUE(tl_explanation, tl_explanation_free)
/* tl_explained_hop is a view borrowed from its explanation: an opaque pointer, never freed.
 * Python gives it a proxy class (no constructor, no destructor) so the view can hold its
 * explanation (python_lifetime.i). */
#if defined(SWIGPYTHON)
%nodefaultctor tl_explained_hop;
%nodefaultdtor tl_explained_hop;
struct tl_explained_hop {};
#endif
%include "tokenlens/sim.h"

/* ---- security descriptors ------------------------------------------------------------------ */
%{
#include "tokenlens/sd.h"
%}
TL_OPAQUE(tl_sd, tl_sd_free)
/* Raw trailing bytes of callback ACEs: the bindings read conditions through the SDDL text. */
%ignore tl_ace::app_data;
%include "tokenlens/sd.h"

/* ---- access check -------------------------------------------------------------------------- */
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
tl_result tl_swig_access_check(tl_access_result **out, const tl_sd *sd, const tl_token *token,
                         uint32_t desired, uint32_t flags, tl_object_kind object)
{
    tl_access_options o = TL_ACCESS_OPTIONS_INIT;
    o.flags = flags;
    o.object = object;
    return tl_access_check(out, sd, token, desired, &o);
}
%}
%include "access_fast.i"

/* ---- IIS audit ----------------------------------------------------------------------------- */
%{
#include "tokenlens/iis.h"
%}
TL_OPAQUE(tl_iis_audit, tl_iis_audit_free)
TL_OPAQUE(tl_iis_isolation, tl_iis_isolation_free)
#ifndef SWIGCSHARP
%apply size_t *OUTPUT { size_t *out };
#endif
/* Arrays inside the views are count + the library's indexed getters (tl_iis_site_app, ...). */
%ignore tl_iis_options;
%ignore tl_iis_scenario_options;
%ignore tl_iis_site_scenario_json;
%include "tokenlens/iis.h"
#ifndef SWIGCSHARP
%clear size_t *out;
#endif
%inline %{
/** tl_iis_site_scenario_json() with its options flattened (each may be NULL). */
tl_result tl_swig_iis_site_scenario_json(char **out, const tl_iis_audit *audit, size_t site,
                                   const char *machine, const char *domain,
                                   const char *request_user, const char *protocol,
                                   const char *hop_target, const char *application)
{
    tl_iis_scenario_options o = TL_IIS_SCENARIO_OPTIONS_INIT;
    o.machine = machine;
    o.domain = domain;
    o.request_user = request_user;
    o.protocol = protocol;
    o.hop_target = hop_target;
    o.application = application;
    return tl_iis_site_scenario_json(out, audit, site, &o);
}
%}

/* Isolation verdict: the C call takes parallel arrays (site names, descriptors). Bindings
 * collect the pairs in a tl_swig_site_sds list, one add per pair, then evaluate. The list
 * copies the names and borrows the descriptors, which must stay alive until the evaluate call
 * returns (tl_iis_isolation_evaluate does not keep them). */
%{
typedef struct tl_swig_site_sds {
    size_t count, cap;
    char **sites;
    const tl_sd **sds;
} tl_swig_site_sds;

static tl_result tl_swig_site_sds_new(tl_swig_site_sds **out)
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

static tl_result tl_swig_site_sds_add(tl_swig_site_sds *list, const char *site, const tl_sd *sd)
{
    if (!list || !site || !sd)
        return tl_swig_fail(TL_EINVAL);
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        char **sites = (char **)realloc(list->sites, cap * sizeof *sites);
        if (!sites)
            return tl_swig_fail(TL_ENOMEM);
        list->sites = sites;
        const tl_sd **sds = (const tl_sd **)realloc((void *)list->sds, cap * sizeof *sds);
        if (!sds)
            return tl_swig_fail(TL_ENOMEM);
        list->sds = sds;
        list->cap = cap;
    }
    size_t n = strlen(site) + 1;
    char *copy = (char *)malloc(n);
    if (!copy)
        return tl_swig_fail(TL_ENOMEM);
    memcpy(copy, site, n);
    list->sites[list->count] = copy;
    list->sds[list->count] = sd;
    list->count++;
    return TL_OK;
}

static tl_result tl_swig_iis_isolation_evaluate(tl_iis_isolation **out, const tl_iis_audit *audit,
                                          const tl_swig_site_sds *list)
{
    if (!list)
        return tl_swig_fail(TL_EINVAL);
    return tl_iis_isolation_evaluate(out, audit, (const char *const *)list->sites,
                                     (const tl_sd *const *)list->sds, list->count);
}
%}
TL_OPAQUE(tl_swig_site_sds, tl_swig_site_sds_free)
typedef struct tl_swig_site_sds tl_swig_site_sds;
%ignore tl_iis_isolation_evaluate; /* parallel arrays: use tl_swig_iis_isolation_evaluate */
/** A new, empty list of (site, descriptor) pairs. Ownership: tl_swig_site_sds_free(). */
tl_result tl_swig_site_sds_new(tl_swig_site_sds **out);
void tl_swig_site_sds_free(tl_swig_site_sds *list);
/** Append a pair: `site` is copied, `sd` is borrowed until the evaluate call returns. */
tl_result tl_swig_site_sds_add(tl_swig_site_sds *list, const char *site, const tl_sd *sd);
/** tl_iis_isolation_evaluate() over the pairs of `list`.
 *  Ownership: *out is freed with tl_iis_isolation_free(); it borrows from `audit`. */
tl_result tl_swig_iis_isolation_evaluate(tl_iis_isolation **out, const tl_iis_audit *audit,
                                   const tl_swig_site_sds *list);

%include "whoami.i"
%include "iis_content.i"
%include "hop.i"

%include "webconfig.i"

%include "ad.i"

%mutable;
