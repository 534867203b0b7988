/* explain --ad: rewrite a scenario document's directory facts (delegation, sensitive,
 * Protected Users, SPN states, RBCD) with what AD says, before the engine reads it. Works on
 * the JSON document only (field names pinned in PRODUCT.md), so the engine stays untouched. */
#include "ad_internal.h"
#include "scenario_names.h"
#include "internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define TL__AD_FILL_MAX_TEXT (4u * 1024u * 1024u)
#define TL__AD_FILL_MAX_HOPS 256

typedef struct tl__ad_diff {
    char *field, *file, *ad;
} tl__ad_diff;

struct tl_ad_filled {
    char *json;
    size_t ndiff, nnote;
    tl__ad_diff *diff;
    char **notes;
};

void tl_ad_filled_free(tl_ad_filled *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->ndiff; i++) {
        tl__free(f->diff[i].field);
        tl__free(f->diff[i].file);
        tl__free(f->diff[i].ad);
    }
    for (size_t i = 0; i < f->nnote; i++)
        tl__free(f->notes[i]);
    tl__free(f->diff);
    tl__free(f->notes);
    tl__free(f->json);
    tl__free(f);
}

const char *tl_ad_filled_json(const tl_ad_filled *f)
{
    return f ? f->json : NULL;
}
size_t tl_ad_filled_difference_count(const tl_ad_filled *f)
{
    return f ? f->ndiff : 0;
}
const char *tl_ad_filled_difference_field(const tl_ad_filled *f, size_t i)
{
    return f && i < f->ndiff ? f->diff[i].field : NULL;
}
const char *tl_ad_filled_difference_file(const tl_ad_filled *f, size_t i)
{
    return f && i < f->ndiff ? f->diff[i].file : NULL;
}
const char *tl_ad_filled_difference_ad(const tl_ad_filled *f, size_t i)
{
    return f && i < f->ndiff ? f->diff[i].ad : NULL;
}
size_t tl_ad_filled_note_count(const tl_ad_filled *f)
{
    return f ? f->nnote : 0;
}
const char *tl_ad_filled_note_at(const tl_ad_filled *f, size_t i)
{
    return f && i < f->nnote ? f->notes[i] : NULL;
}

static char *dump_any(const json_t *v)
{
    char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    char *copy = t ? tl__strdup(t) : NULL;
    free(t);
    return copy;
}

static int add_note(tl_ad_filled *f, char *text)
{
    if (!text)
        return tl__oom();
    char **n = tl__realloc(f->notes, (f->nnote + 1) * sizeof *n);
    if (!n) {
        tl__free(text);
        return tl__oom();
    }
    f->notes = n;
    n[f->nnote++] = text;
    return TL_OK;
}

/* SPN lists compare as case-insensitive sets. */
static bool same_value(const json_t *a, const json_t *b)
{
    if (json_is_array(a) && json_is_array(b)) {
        if (json_array_size(a) != json_array_size(b))
            return false;
        for (size_t i = 0; i < json_array_size(a); i++) {
            const char *x = json_string_value(json_array_get(a, i));
            bool found = false;
            for (size_t j = 0; x && j < json_array_size(b) && !found; j++) {
                const char *y = json_string_value(json_array_get(b, j));
                found = y && tl__strcasecmp(x, y) == 0;
            }
            if (!found)
                return false;
        }
        return true;
    }
    if (json_is_string(a) && json_is_string(b))
        return tl__strcasecmp(json_string_value(a), json_string_value(b)) == 0;
    return json_equal(a, b);
}

/* Set parent[key] = v (stolen) unless equal to the file's value; absent + default: leave out. */
static int set_fact(tl_ad_filled *f, json_t *parent, const char *key, const char *path, json_t *v,
                    const json_t *dflt)
{
    if (!v)
        return tl__oom();
    json_t *old = json_object_get(parent, key);
    if ((old && same_value(old, v)) || (!old && dflt && same_value(v, dflt))) {
        json_decref(v);
        return TL_OK;
    }
    tl__ad_diff *n = tl__realloc(f->diff, (f->ndiff + 1) * sizeof *n);
    if (!n) {
        json_decref(v);
        return tl__oom();
    }
    f->diff = n;
    tl__ad_diff *d = &n[f->ndiff];
    d->field = tl__strdup(path);
    d->file = old ? dump_any(old) : NULL;
    d->ad = dump_any(v);
    f->ndiff++;
    if (!d->field || !d->ad || (old && !d->file))
        return json_decref(v), tl__oom();
    if (json_object_set_new(parent, key, v) != 0)
        return tl__oom();
    return TL_OK;
}

static const char *str_at(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_t *strings(size_t n, const char *(*at)(const void *, size_t), const void *obj)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(at(obj, i)));
    return a;
}

static const char *deleg_at(const void *a, size_t i)
{
    return tl_ad_account_delegate_to_at(a, i);
}

/* A lookup outcome: TL_OK, TL_ENOTFOUND as a note (returns 1), other errors fail. */
static int lookup_account(tl_ad_filled *f, tl__ad_account_fn fn, void *ctx, const char *name,
                          const char *why, tl_ad_account **out, int *rc)
{
    *out = NULL;
    *rc = fn(ctx, name, out);
    if (*rc == TL_ENOTFOUND) {
        *rc = add_note(f, tl__asprintf("%s %s: %s; the file's values stay", why, name,
                                       tl_error_last()->message));
        tl_error_clear();
        return 1;
    }
    return *rc == TL_OK ? 0 : 1;
}

int tl__ad_fill(tl_ad_filled **out, const char *text, size_t len, tl__ad_account_fn account,
                tl__ad_spn_fn spnfn, void *ctx)
{
    if (!out || !text || !account || !spnfn)
        return tl__error(TL_EINVAL, "tl_ad_fill_scenario: NULL argument");
    *out = NULL;
    if (len > TL__AD_FILL_MAX_TEXT)
        return tl__error(TL_ELIMIT, "scenario is %zu bytes (limit %u)", len, TL__AD_FILL_MAX_TEXT);
    json_error_t jerr;
    int oom = 0;
    json_t *root = tl__json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr, &oom);
    if (!root && oom)
        return tl__oom();
    if (!root)
        return tl__error_at(TL_EPARSE, (size_t)jerr.position, "scenario line %d: %s", jerr.line,
                            jerr.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return tl__error_path(TL_EPARSE, "$", "a scenario is a JSON object");
    }
    tl_ad_filled *f = tl__calloc(1, sizeof *f);
    if (!f) {
        json_decref(root);
        return tl__oom();
    }
    int rc = TL_OK;
    json_t *pool = json_object_get(root, "app_pool"), *machine = json_object_get(root, "machine");
    json_t *req = json_object_get(root, "request"), *hops = json_object_get(root, "hops");

    /* ---- the web tier's account: its delegation settings ---- */
    const char *ident = str_at(pool, "identity");
    char *web = NULL;
    if (ident && tl__strcasecmp(ident, "SpecificUser") == 0 && str_at(pool, "user"))
        web = tl__strdup(str_at(pool, "user"));
    else if (ident && tl__strcasecmp(ident, "LocalService") != 0 && str_at(machine, "name") &&
             str_at(machine, "domain"))
        web = tl__asprintf("%s\\%s$", str_at(machine, "domain"), str_at(machine, "name"));
    if (web) {
        tl_ad_account *a;
        if (!lookup_account(f, account, ctx, web, "the web tier's account", &a, &rc)) {
            json_t *d = json_object_get(root, "delegation");
            bool fresh = false;
            if (!json_is_object(d)) {
                d = json_object();
                fresh = true;
            }
            json_t *none = json_string("none"), *empty = json_array();
            rc = set_fact(f, d, "mode", "$.delegation.mode",
                          json_string(tl_ad_account_delegation_mode(a)), none);
            if (rc == TL_OK)
                rc = set_fact(f, d, "to", "$.delegation.to",
                              strings(tl_ad_account_delegate_to_count(a), deleg_at, a), empty);
            json_decref(none);
            json_decref(empty);
            if (fresh) {
                if (json_object_size(d))
                    json_object_set(root, "delegation", d);
                json_decref(d);
            }
            tl_ad_account_free(a);
        }
        tl__free(web);
    }
    /* ---- the request's user: sensitive, Protected Users ---- */
    const char *user = str_at(req, "user");
    if (rc == TL_OK && user && *user) {
        tl_ad_account *a;
        if (!lookup_account(f, account, ctx, user, "the request's user", &a, &rc)) {
            json_t *no = json_false();
            rc = set_fact(f, req, "sensitive", "$.request.sensitive",
                          json_boolean(tl_ad_account_flags(a) & TL_AD_UF_NOT_DELEGATED), no);
            if (rc == TL_OK)
                rc = set_fact(f, req, "protected_users", "$.request.protected_users",
                              json_boolean(tl_ad_account_protected_users(a)), no);
            tl_ad_account_free(a);
        }
    }
    /* ---- every hop to an SPN: its state and the RBCD list of its holder ---- */
    size_t nh = json_is_array(hops) ? json_array_size(hops) : 0;
    if (nh > TL__AD_FILL_MAX_HOPS)
        nh = TL__AD_FILL_MAX_HOPS;
    for (size_t i = 0; rc == TL_OK && i < nh; i++) {
        json_t *h = json_array_get(hops, i);
        const char *target = str_at(h, "target");
        if (!json_is_object(h) || !target || !strchr(target, '/'))
            continue;
        tl_ad_spn *s = NULL;
        rc = spnfn(ctx, target, &s);
        if (rc != TL_OK)
            break;
        char path[64];
        snprintf(path, sizeof path, "$.hops[%zu].spn", i);
        json_t *reg = json_string("registered"), *empty = json_array();
        rc = set_fact(f, h, "spn", path, json_string(tl_ad_spn_state_name(tl_ad_spn_state_of(s))),
                      reg);
        if (rc == TL_OK && tl_ad_spn_state_of(s) == TL_AD_SPN_REGISTERED) {
            tl_ad_account *a;
            if (!lookup_account(f, account, ctx, tl_ad_spn_account_at(s, 0),
                                "the holder of the target's SPN is", &a, &rc)) {
                json_t *acts = json_array();
                for (size_t k = 0; acts && k < tl_ad_account_allowed_to_act_count(a); k++) {
                    const char *n = tl_ad_account_allowed_to_act_name(a, k);
                    char sid[TL_SID_STRING_MAX] = "";
                    tl_sid_to_string(sid, sizeof sid, tl_ad_account_allowed_to_act_sid(a, k));
                    /* a name the scenario format refuses is written as its SID */
                    bool named = n && *n && !tl__account_problem(n, TL__ACCOUNT_SID_OK);
                    json_array_append_new(acts, json_string(named ? n : sid));
                }
                snprintf(path, sizeof path, "$.hops[%zu].allowed_to_act", i);
                rc = set_fact(f, h, "allowed_to_act", path, acts, empty);
                tl_ad_account_free(a);
            }
        }
        json_decref(reg);
        json_decref(empty);
        tl_ad_spn_free(s);
    }
    if (rc == TL_OK) {
        char *t = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        f->json = t ? tl__strdup(t) : NULL;
        free(t);
        if (!f->json)
            rc = tl__oom();
    }
    json_decref(root);
    if (rc != TL_OK) {
        tl_ad_filled_free(f);
        return rc;
    }
    tl_error_clear();
    *out = f;
    return TL_OK;
}

static int ad_account_cb(void *ctx, const char *name, tl_ad_account **out)
{
    return tl_ad_account_lookup(out, ctx, name);
}

static int ad_spn_cb(void *ctx, const char *spn, tl_ad_spn **out)
{
    return tl_ad_spn_lookup(out, ctx, spn);
}

tl_result tl_ad_fill_scenario(tl_ad_filled **out, tl_ad *ad, const char *text, size_t len)
{
    if (!ad)
        return tl__error(TL_EINVAL, "tl_ad_fill_scenario: ad is NULL");
    return tl__ad_fill(out, text, len, ad_account_cb, ad_spn_cb, ad);
}
