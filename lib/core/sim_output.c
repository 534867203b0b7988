/*
 * Renderings of an explanation: the JSON contract of `tokenlens explain --json` (PRODUCT.md),
 * the plain-text story, and a Graphviz digraph.
 */
#include "sim_internal.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON ------------------------------------------------------------------------------- */

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

/* Set a key, tracking failure (jansson returns -1 and steals the value either way). */
static void put(json_t *o, const char *k, json_t *v, int *bad)
{
    if (json_object_set_new(o, k, v) != 0) /* takes v even on failure, NULL o included */
        *bad = 1;
}

static json_t *jid(const char *name, const char *sid, int *bad)
{
    json_t *o = json_object();
    put(o, "name", jstr(name), bad);
    put(o, "sid", jstr(sid), bad);
    return o;
}

static json_t *jlogon(const char *package, const char *type, int *bad)
{
    json_t *o = json_object();
    put(o, "package", jstr(package), bad);
    put(o, "type", jstr(type), bad);
    return o;
}

static json_t *jsteps(const tl__steps *s, int *bad)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < s->n; i++) {
        json_t *st = json_object();
        put(st, "rule", jstr(s->v[i].rule), bad);
        put(st, "text", jstr(s->v[i].text), bad);
        put(st, "unsettled", json_boolean(tl__sim_rule_is_unsettled(s->v[i].rule)), bad);
        if (!st || json_array_append_new(a, st) != 0)
            *bad = 1;
    }
    if (!a)
        *bad = 1;
    return a;
}

static json_t *explanation_json(const tl_explanation *e, int *bad)
{
    json_t *root = json_object();
    json_t *p = jid(e->process.user.name, tl_explanation_process_sid(e), bad);
    put(p, "logon", jlogon(e->process.package, e->process.logon_type, bad), bad);
    put(p, "steps", jsteps(&e->process_steps, bad), bad);
    put(root, "process", p, bad);

    json_t *t = jid(e->thread.user.name, tl_explanation_thread_sid(e), bad);
    put(t, "impersonation_level", jstr(tl_impersonation_level_name(tl_explanation_thread_level(e))),
        bad);
    put(t, "logon", jlogon(e->thread.package, e->thread.logon_type, bad), bad);
    put(t, "steps", jsteps(&e->thread_steps, bad), bad);
    put(root, "request_thread", t, bad);

    json_t *hops = json_array();
    for (size_t i = 0; hops && i < e->hop_count; i++) {
        const tl_explained_hop *h = &e->hops[i];
        json_t *o = json_object();
        put(o, "target", jstr(h->target), bad);
        put(o, "from", jstr(tl_explain_from_name(h->from)), bad);
        /* PRODUCT.md 0.2: a hop that never happens (IIS refused the request) arrives as null. */
        put(o, "arrives_as",
            h->arrives_as.name ? jid(h->arrives_as.name, tl_explained_hop_arrives_as_sid(h), bad)
                               : json_null(),
            bad);
        put(o, "protocol", jstr(tl_explain_protocol_name(h->protocol)), bad);
        put(o, "outcome", jstr(tl_explain_outcome_name(h->outcome)), bad);
        put(o, "steps", jsteps(&h->steps, bad), bad);
        put(o, "unsettled", json_boolean(tl_explained_hop_unsettled(h)), bad);
        json_t *r = jid(h->runs_as.name, tl_explained_hop_runs_as_sid(h), bad);
        put(r, "impersonation_level",
            jstr(tl_impersonation_level_name(tl_explained_hop_runs_as_level(h))), bad);
        put(o, "runs_as", r, bad);
        put(o, "fix", jstr(h->fix), bad);
        if (!o || json_array_append_new(hops, o) != 0)
            *bad = 1;
    }
    put(root, "hops", hops, bad);
    put(root, "scenario", jstr(e->scenario_name), bad);
    json_t *client = json_object();
    put(client, "name", jstr(e->client), bad);
    put(client, "protocol", jstr(e->client_proto), bad);
    put(root, "client", client, bad);
    if (!root)
        *bad = 1;
    return root;
}

int tl_explanation_to_json(char **out, const tl_explanation *e)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_explanation_to_json: out is NULL");
    *out = NULL;
    if (!e)
        return tl__error(TL_EINVAL, "tl_explanation_to_json: explanation is NULL");
    int bad = 0;
    json_t *root = explanation_json(e, &bad);
    char *text =
        bad ? NULL : json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(root);
    if (!text)
        return tl__oom();
    *out = text; /* jansson allocates through tokenlens' allocator (util.c): tl_free() */
    return TL_OK;
}

/* ---- text ------------------------------------------------------------------------------- */

static void put_id(tl__buf *b, const char *name, const char *sid)
{
    tl__buf_put(b, name ? name : "(nobody)");
    if (sid)
        tl__buf_printf(b, " (%s)", sid);
}

static void put_steps(tl__buf *b, const tl__steps *s, const char *indent)
{
    for (size_t i = 0; i < s->n; i++)
        tl__buf_printf(b, "%s%zu. [%s%s] %s\n", indent, i + 1, s->v[i].rule,
                       tl__sim_rule_is_unsettled(s->v[i].rule) ? " (unsettled)" : "", s->v[i].text);
}

static bool has_step(const tl__steps *s, const tl__step *st)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].rule == st->rule && strcmp(s->v[i].text, st->text) == 0)
            return true;
    return false;
}

/* A hop's steps without those the story already told for the process and the thread. */
static void put_hop_steps(tl__buf *b, const tl_explanation *e, const tl__steps *s)
{
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (has_step(&e->process_steps, &s->v[i]) || has_step(&e->thread_steps, &s->v[i]))
            continue;
        if (k == 0)
            tl__buf_put(b, "  steps (after those above):\n");
        tl__buf_printf(b, "    %zu. [%s%s] %s\n", ++k, s->v[i].rule,
                       tl__sim_rule_is_unsettled(s->v[i].rule) ? " (unsettled)" : "", s->v[i].text);
    }
}

/* "because ..." clause: the deciding step's text with its first letter lowered. */
static void put_because(tl__buf *b, const tl__steps *s)
{
    if (!s->n)
        return;
    /* The last step usually says what arrives and the one before it why; local access and
     * refused requests are decided by the last step itself. */
    const tl__step *st = &s->v[s->n - 1];
    if (s->n > 1 &&
        (strcmp(st->rule, R_NET_ANON_LOGON) == 0 || strcmp(st->rule, R_NET_NEGOTIATE) == 0 ||
         strcmp(st->rule, R_NET_DELEGATED) == 0))
        st = &s->v[s->n - 2];
    tl__buf_printf(b, " because [%s%s] %s", st->rule,
                   tl__sim_rule_is_unsettled(st->rule) ? " (unsettled)" : "", st->text);
}

int tl_explanation_to_text(char **out, const tl_explanation *e)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_explanation_to_text: out is NULL");
    *out = NULL;
    if (!e)
        return tl__error(TL_EINVAL, "tl_explanation_to_text: explanation is NULL");
    tl__buf b = TL__BUF_INIT;
    if (e->scenario_name)
        tl__buf_printf(&b, "Scenario: %s\n\n", e->scenario_name);
    tl__buf_printf(&b, "Process: %s on %s runs as ",
                   e->out_of_process ? "the ASP.NET Core app (out of process, started by w3wp.exe)"
                                     : "w3wp.exe",
                   e->machine);
    put_id(&b, e->process.user.name, tl_explanation_process_sid(e));
    tl__buf_put(&b, ".\n");
    put_steps(&b, &e->process_steps, "  ");
    tl__buf_put(&b, "\nRequest thread: ");
    if (e->request_denied) {
        tl__buf_put(&b, "the request is refused; application code never runs.\n");
    } else {
        put_id(&b, e->thread.user.name, tl_explanation_thread_sid(e));
        if (e->impersonating)
            tl__buf_printf(&b, ", impersonating at %s level",
                           tl_impersonation_level_name(tl_explanation_thread_level(e)));
        else
            tl__buf_put(&b, ", not impersonating (the process identity)");
        if (e->thread.logon_type || e->thread.package)
            tl__buf_printf(&b, "; logon %s via %s",
                           e->thread.logon_type ? e->thread.logon_type : "of unknown type",
                           e->thread.package ? e->thread.package : "an unknown package");
        tl__buf_put(&b, ".\n");
    }
    put_steps(&b, &e->thread_steps, "  ");
    for (size_t i = 0; i < e->hop_count; i++) {
        const tl_explained_hop *h = &e->hops[i];
        const char *proto = tl_explain_protocol_name(h->protocol);
        const char *outcome = tl_explain_outcome_name(h->outcome);
        const char *level = tl_impersonation_level_name(tl_explained_hop_runs_as_level(h));
        tl__buf_printf(&b, "\nHop %zu: %s -> %s\n", i + 1, tl_explain_from_name(h->from),
                       h->target);
        if (h->arrives_as.name) {
            tl__buf_put(&b, "  runs as ");
            put_id(&b, h->runs_as.name, tl_explained_hop_runs_as_sid(h));
            if (level)
                tl__buf_printf(&b, " at %s level", level);
            tl__buf_put(&b, "\n  arrives as ");
            put_id(&b, h->arrives_as.name, tl_explained_hop_arrives_as_sid(h));
            tl__buf_printf(&b, "%s%s (outcome: %s%s)", proto ? " over " : " (local access)",
                           proto ? proto : "", outcome,
                           tl_explained_hop_unsettled(h) ? "; unsettled" : "");
        } else {
            tl__buf_printf(&b, "  %s (outcome: %s)", e->request_denied ? "never made" : "refused",
                           outcome);
        }
        put_because(&b, &h->steps);
        tl__buf_putc(&b, '\n');
        put_hop_steps(&b, e, &h->steps);
        if (h->fix)
            tl__buf_printf(&b, "  fix: %s\n", h->fix);
    }
    return tl__buf_detach(&b, out);
}

/* ---- dot -------------------------------------------------------------------------------- */

/* A DOT double-quoted string body: escape '"' and '\'; keep it on one line. */
static void dot_str(tl__buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '"' || *s == '\\')
            tl__buf_putc(b, '\\');
        tl__buf_putc(b, (unsigned char)*s < 0x20 ? ' ' : *s);
    }
}

int tl_explanation_to_dot(char **out, const tl_explanation *e)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_explanation_to_dot: out is NULL");
    *out = NULL;
    if (!e)
        return tl__error(TL_EINVAL, "tl_explanation_to_dot: explanation is NULL");
    tl__buf b = TL__BUF_INIT;
    tl__buf_put(&b, "digraph tokenlens {\n  rankdir=LR;\n"
                    "  graph [fontname=\"Helvetica\"];\n"
                    "  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
                    "  edge [fontname=\"Helvetica\", fontsize=10];\n");
    if (e->scenario_name) {
        tl__buf_put(&b, "  labelloc=t;\n  label=\"");
        dot_str(&b, e->scenario_name);
        tl__buf_put(&b, "\";\n");
    }
    tl__buf_put(&b, "  client [label=\"client\\n");
    dot_str(&b, e->client ? e->client : "(anonymous)");
    tl__buf_put(&b, "\"];\n  web [label=\"");
    dot_str(&b, e->machine);
    tl__buf_put(&b, "\\nprocess: ");
    dot_str(&b, e->process.user.name);
    tl__buf_put(&b, "\\nthread: ");
    dot_str(&b, e->request_denied ? "(request refused)" : e->thread.user.name);
    if (e->impersonating) {
        tl__buf_put(&b, " (");
        dot_str(&b, tl_impersonation_level_name(tl_explanation_thread_level(e)));
        tl__buf_putc(&b, ')');
    }
    tl__buf_put(&b, "\"];\n  client -> web [label=\"");
    dot_str(&b, e->client_proto ? e->client_proto : "anonymous");
    tl__buf_put(&b, "\"");
    if (e->request_denied)
        tl__buf_put(&b, ", color=red, fontcolor=red");
    tl__buf_put(&b, "];\n");
    for (size_t i = 0; i < e->hop_count; i++) {
        const tl_explained_hop *h = &e->hops[i];
        bool local = tl__strcasecmp(h->target, "local") == 0;
        tl__buf_printf(&b, "  hop%zu [label=\"", i + 1);
        dot_str(&b, local ? "local resource on " : h->target);
        if (local)
            dot_str(&b, e->machine);
        tl__buf_put(&b, "\"");
        if (local)
            tl__buf_put(&b, ", shape=folder");
        tl__buf_printf(&b, "];\n  web -> hop%zu [label=\"", i + 1);
        const char *proto = tl_explain_protocol_name(h->protocol);
        dot_str(&b, tl_explain_from_name(h->from));
        tl__buf_put(&b, "\\n");
        dot_str(&b, h->arrives_as.name ? h->arrives_as.name : "(no call)");
        tl__buf_put(&b, "\\n");
        dot_str(&b, proto ? proto : (local ? "local" : "-"));
        tl__buf_put(&b, ", ");
        dot_str(&b, tl_explain_outcome_name(h->outcome));
        if (tl_explained_hop_unsettled(h))
            tl__buf_put(&b, "\\n(unsettled)");
        tl__buf_put(&b, "\"");
        if (h->outcome == TL_EXPLAIN_OUTCOME_OK)
            tl__buf_put(&b, ", color=darkgreen");
        else if (h->outcome == TL_EXPLAIN_OUTCOME_ANONYMOUS)
            tl__buf_put(&b, ", color=orange, fontcolor=orange4, style=dashed");
        else
            tl__buf_put(&b, ", color=red, fontcolor=red");
        tl__buf_put(&b, "];\n");
    }
    tl__buf_put(&b, "}\n");
    return tl__buf_detach(&b, out);
}
