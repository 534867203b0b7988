/* tokenlens explain SCENARIO --ad SERVER: the scenario's directory facts come from AD
 * (tl_ad_fill_scenario), the file's values are reported where they differ. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

#define MAX_SCENARIO (4u * 1024u * 1024u)

static json_t *json_or_string(const char *text)
{
    json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return v ? v : json_null();
}

int cmd_explain_ad(const char *path, const char *server, int json, int dot)
{
    size_t len = 0;
    char *text = NULL;
    int st = cli_read_input(&text, &len, "explain", path, MAX_SCENARIO, 1);
    if (st != CLI_OK)
        return st;
    tl_ad_options o = TL_AD_OPTIONS_INIT;
    o.server = server;
    tl_ad *ad = NULL;
    int rc = tl_ad_connect(&ad, &o);
    if (rc != TL_OK) {
        tl_free(text);
        return cli_fail("explain --ad", rc, NULL);
    }
    tl_ad_filled *f = NULL;
    rc = tl_ad_fill_scenario(&f, ad, text, len);
    tl_free(text);
    char *bound = NULL;
    if (rc == TL_OK && tl_ad_server(ad) && (bound = malloc(strlen(tl_ad_server(ad)) + 1)))
        memcpy(bound, tl_ad_server(ad), strlen(tl_ad_server(ad)) + 1);
    tl_ad_free(ad);
    if (rc != TL_OK) {
        free(bound);
        return cli_fail("explain --ad", rc, path);
    }
    tl_scenario *s = NULL;
    tl_explanation *e = NULL;
    const char *filled = tl_ad_filled_json(f);
    rc = tl_scenario_from_json(&s, filled, strlen(filled));
    if (rc == TL_OK) {
        rc = tl_scenario_explain(&e, s);
        tl_scenario_free(s);
    }
    char *out = NULL;
    if (rc == TL_OK)
        rc = json  ? tl_explanation_to_json(&out, e)
             : dot ? tl_explanation_to_dot(&out, e)
                   : tl_explanation_to_text(&out, e);
    tl_explanation_free(e);
    if (rc != TL_OK) {
        tl_ad_filled_free(f);
        free(bound);
        return cli_fail("explain --ad", rc, path);
    }
    int status = CLI_OK;
    if (json) {
        json_t *root = json_loads(out, 0, NULL);
        json_t *adj = json_object(), *diffs = json_array(), *notes = json_array();
        json_object_set_new(adj, "server", bound ? json_string(bound) : json_null());
        for (size_t i = 0; i < tl_ad_filled_difference_count(f); i++) {
            json_t *d = json_object();
            json_object_set_new(d, "field", json_string(tl_ad_filled_difference_field(f, i)));
            json_object_set_new(d, "file", json_or_string(tl_ad_filled_difference_file(f, i)));
            json_object_set_new(d, "ad", json_or_string(tl_ad_filled_difference_ad(f, i)));
            json_array_append_new(diffs, d);
        }
        for (size_t i = 0; i < tl_ad_filled_note_count(f); i++)
            json_array_append_new(notes, json_string(tl_ad_filled_note_at(f, i)));
        json_object_set_new(adj, "differences", diffs);
        json_object_set_new(adj, "notes", notes);
        if (root && json_is_object(root)) {
            json_object_set_new(root, "ad", adj);
            status = cli_print_json(root);
        } else {
            json_decref(adj);
            json_decref(root);
            cli_fputs(out, stdout);
            cli_fputc('\n', stdout);
        }
    } else {
        cli_fputs(out, stdout);
        if (!dot) {
            size_t nd = tl_ad_filled_difference_count(f), nn = tl_ad_filled_note_count(f);
            cli_printf("\nActive Directory (%s): %s\n", bound ? bound : "?",
                       nd ? "these facts come from AD, not from the file:"
                          : "the file agrees with AD");
            for (size_t i = 0; i < nd; i++) {
                const char *fv = tl_ad_filled_difference_file(f, i);
                cli_printf("  %s: AD says %s, the file %s%s\n", tl_ad_filled_difference_field(f, i),
                           tl_ad_filled_difference_ad(f, i), fv ? "says " : "does not say",
                           fv ? fv : "");
            }
            for (size_t i = 0; i < nn; i++)
                cli_printf("  note: %s\n", tl_ad_filled_note_at(f, i));
        }
    }
    tl_free(out);
    tl_ad_filled_free(f);
    free(bound);
    return fflush(stdout) == 0 ? status : CLI_FAILED;
}

/* A whoami --json file ({"process", "thread", "effective"}) or a single token snapshot. */
static int load_tokens(const char *path, tl_token **process, tl_token **thread)
{
    *process = *thread = NULL;
    size_t len = 0;
    char *text = NULL;
    int st = cli_read_input(&text, &len, "explain --token", path, TL_TOKEN_MAX_FILE, 1);
    if (st != CLI_OK)
        return st;
    tl_whoami *w = NULL;
    int rc = tl_whoami_from_json(&w, text, len);
    tl_free(text);
    if (rc == TL_OK && !tl_whoami_process(w)) {
        tl_whoami_free(w);
        cli_fprintf(stderr,
                    "tokenlens explain --token: error: %s is an impersonation (thread) token "
                    "alone; the hop also depends on the process token RevertToSelf returns to: "
                    "give the whoami --json output, which holds both\n",
                    path);
        return CLI_FAILED;
    }
    if (rc == TL_OK)
        rc = tl_token_copy(process, tl_whoami_process(w));
    if (rc == TL_OK && tl_whoami_thread(w))
        rc = tl_token_copy(thread, tl_whoami_thread(w));
    tl_whoami_free(w);
    if (rc != TL_OK) {
        tl_token_free(*process);
        tl_token_free(*thread);
        *process = *thread = NULL;
        return cli_fail("explain --token", rc, strcmp(path, "-") ? path : "standard input");
    }
    return CLI_OK;
}

int cmd_explain_token(const char *path, const char **targets, int ntargets, const char *machine,
                      const char *domain, const char *server, int use_ad, int json, int dot)
{
    tl_token *process = NULL, *thread = NULL;
    int st = load_tokens(path, &process, &thread);
    if (st != CLI_OK)
        return st;
    tl_next_hop_options o = TL_NEXT_HOP_OPTIONS_INIT;
    o.machine = machine;
    o.domain = domain;
    tl_ad *ad = NULL;
    int rc = TL_OK;
    if (use_ad) {
        tl_ad_options ao = TL_AD_OPTIONS_INIT;
        ao.server = server;
        if ((rc = tl_ad_connect(&ad, &ao)) != TL_OK) {
            tl_token_free(process);
            tl_token_free(thread);
            return cli_fail("explain --token", rc, NULL);
        }
        o.ad = ad;
    }
    tl_explanation *e = NULL;
    rc = tl_token_next_hop(&e, thread, process, targets, (size_t)ntargets, &o);
    tl_ad_free(ad);
    tl_token_free(process);
    tl_token_free(thread);
    if (rc != TL_OK)
        return cli_fail("explain --token", rc, path);
    char *out = NULL;
    rc = json  ? tl_explanation_to_json(&out, e)
         : dot ? tl_explanation_to_dot(&out, e)
               : tl_explanation_to_text(&out, e);
    tl_explanation_free(e);
    if (rc != TL_OK)
        return cli_fail("explain --token", rc, path);
    cli_fputs(out, stdout);
    if (json)
        cli_fputc('\n', stdout);
    tl_free(out);
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAILED;
}
