/* tokenlens probe impersonation: impersonate the process's own token at each level on this
 * thread, read the thread token back, revert, and show the thread snapped back. Windows only
 * (exit 3 elsewhere). */
#include "cli.h"
#include <string.h>

#define CMD "probe"

static void help(void)
{
    cli_printf("Usage: tokenlens probe impersonation [--json]\n\n"
               "For each impersonation level (Anonymous, Identification, Impersonation,\n"
               "Delegation): duplicate this process's token at that level, put it on the calling\n"
               "thread, read the thread token back, revert (RevertToSelf) and check that the\n"
               "thread holds no token any more (OpenThreadToken fails with ERROR_NO_TOKEN).\n"
               "Shows which level Windows reports back and that the thread snapped back to the\n"
               "process identity. Needs Windows (exit status 3 elsewhere).\n\n"
               "Options:\n"
               "  --json   print {\"process\": ID, \"levels\": [...], \"thread_after\": null,\n"
               "           \"reverted\": bool}\n");
}

static json_t *identity_of(const tl_token *t)
{
    const char *user = t ? tl_token_logon_user(t) : NULL;
    const char *domain = t ? tl_token_logon_domain(t) : NULL;
    const char *name = t ? tl_token_user_name(t) : NULL;
    char joined[CLI_NAME_MAX];
    if (!name && user) {
        snprintf(joined, sizeof joined, "%s%s%s", domain ? domain : "", domain ? "\\" : "", user);
        name = joined;
    }
    return cli_json_identity(name, t ? tl_token_user(t) : NULL);
}

static json_t *probe_json(const tl_probe *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "process", identity_of(tl_probe_process_token(p)));
    json_t *levels = json_array();
    for (size_t i = 0; i < tl_probe_step_count(p); i++) {
        const tl_probe_step *s = tl_probe_step_at(p, i);
        const tl_token *t = tl_probe_step_token(p, i);
        json_t *l = json_object();
        json_object_set_new(l, "level", json_string(tl_impersonation_level_name(s->level)));
        json_object_set_new(l, "native_level", json_integer(s->level));
        json_object_set_new(l, "dotnet_level", json_integer(s->level + 1));
        json_object_set_new(l, "ok", json_boolean(s->rc == TL_OK));
        const char *rb = tl_impersonation_level_name(s->observed_level);
        json_object_set_new(l, "read_back", rb ? json_string(rb) : json_null());
        json_object_set_new(l, "matches",
                            json_boolean(s->rc == TL_OK && s->observed_level == s->level));
        const char *type = tl_token_type_name(s->observed_type);
        json_object_set_new(l, "token_type", type ? json_string(type) : json_null());
        json_object_set_new(l, "opened_as_self", json_boolean(s->opened_as_self));
        json_object_set_new(l, "thread_identity", t ? identity_of(t) : json_null());
        json_object_set_new(l, "reverted", json_boolean(s->reverted));
        json_object_set_new(l, "error", s->rc == TL_OK ? json_null() : json_string(s->message));
        json_object_set_new(l, "native_error", s->native ? json_integer(s->native) : json_null());
        json_array_append_new(levels, l);
    }
    json_object_set_new(o, "levels", levels);
    /* After the probe the thread holds no token: it runs as the process again. */
    json_object_set_new(o, "thread_after", json_null());
    json_object_set_new(o, "reverted", json_boolean(tl_probe_thread_reverted(p)));
    return o;
}

static void print_probe(const tl_probe *p)
{
    const tl_token *proc = tl_probe_process_token(p);
    char sid[TL_SID_STRING_MAX] = "?";
    if (tl_token_user(proc))
        tl_sid_to_string(sid, sizeof sid, tl_token_user(proc));
    cli_printf("Process identity: %s  %s\n",
               tl_token_user_name(proc) ? tl_token_user_name(proc) : "(name unknown)", sid);
    cli_printf("Thread before: no token (runs as the process)\n\n");
    cli_printf("%-15s %-15s %-9s %-8s %s\n", "Level", "Read back", "AsSelf", "Reverted", "Note");
    for (size_t i = 0; i < tl_probe_step_count(p); i++) {
        const tl_probe_step *s = tl_probe_step_at(p, i);
        const char *rb = tl_impersonation_level_name(s->observed_level);
        cli_printf("%-15s %-15s %-9s %-8s %s\n", tl_impersonation_level_name(s->level),
                   rb ? rb : "-", s->opened_as_self ? "yes" : "no", s->reverted ? "yes" : "NO",
                   s->rc == TL_OK ? (s->observed_level == s->level ? "ok" : "level differs")
                                  : s->message);
    }
    cli_printf("\nThread after: %s\n", tl_probe_thread_reverted(p)
                                           ? "no token (OpenThreadToken: ERROR_NO_TOKEN) - "
                                             "snapped back to the process identity"
                                           : "STILL IMPERSONATING");
}

static int probe_impersonation(int json)
{
    tl_probe *p = NULL;
    int rc = tl_live_probe_impersonation(&p);
    if (rc == TL_ENOTSUP) {
        cli_fprintf(stderr, "tokenlens probe: live capture needs Windows.\n"
                            "Hint: 'tokenlens explain' models impersonation offline.\n");
        return CLI_UNSUPPORTED;
    }
    if (rc)
        return cli_fail(CMD, rc, "impersonation");
    int status = CLI_OK;
    if (json)
        status = cli_print_json(probe_json(p));
    else
        print_probe(p);
    tl_probe_free(p);
    return status;
}

static int run(cli_opt *opts, const char **pos, int npos)
{
    int json = cli_find(opts, "json")->seen;
    if (npos == 0)
        return cli_usage(CMD, "which probe? (impersonation)");
    if (strcmp(pos[0], "impersonation") == 0 && npos == 1)
        return probe_impersonation(json);
    return cli_usage(CMD, "unknown probe '%s' (impersonation)", pos[0]);
}

static const cli_command command = {CMD, help, 2, run};

int cmd_probe(int argc, char **argv)
{
    cli_opt opts[] = {CLI_FLAG("json", 'j'), CLI_END};
    return cli_run(&command, opts, argc, argv);
}
