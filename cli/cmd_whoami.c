/* tokenlens whoami: the live process, thread and effective token (Windows), or a saved
 * snapshot anywhere. JSON: {"process": T, "thread": T|null, "effective": T} with T the
 * snapshot schema of docs/token-snapshot.md. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

#define CMD "whoami"

static void help(void)
{
    printf("Usage: tokenlens whoami [--json] [--snapshot FILE] [--save FILE]\n\n"
           "Show the process token, the calling thread's impersonation token and the effective\n"
           "token (the thread's when it impersonates, else the process's): user, groups with\n"
           "their flags, privileges, integrity level, elevation, logon session (LUID,\n"
           "authentication package, logon type).\n\n"
           "Options:\n"
           "  --json           print {\"process\": T, \"thread\": T|null, \"effective\": T}\n"
           "  --snapshot FILE  show a saved snapshot instead of capturing: either a whoami\n"
           "                   file written by --save, or a single token snapshot\n"
           "  --save FILE      also write the result as whoami JSON (loads anywhere)\n\n"
           "Live capture needs Windows; elsewhere use --snapshot (exit status 3 without it).\n");
}

/* ---- human output ------------------------------------------------------------------------- */

/* `known` (may be NULL) is a name captured with the token; else the well-known name. */
static void print_sid_line(const char *label, const tl_sid *sid, const char *known)
{
    char s[TL_SID_STRING_MAX];
    char *name = NULL;
    if (!sid) {
        printf("  %-16s (unknown)\n", label);
        return;
    }
    tl_sid_to_string(s, sizeof s, sid);
    if (!known && tl_sid_lookup_name(&name, sid) == TL_OK && name)
        known = name;
    tl_error_clear();
    if (known)
        printf("  %-16s %s  %s\n", label, s, known);
    else
        printf("  %-16s %s\n", label, s);
    tl_free(name);
}

static void print_sid_list(const char *title, const tl_token *t, size_t n,
                           const tl_sid_and_attributes *(*at)(const tl_token *, size_t))
{
    printf("  %s (%u):\n", title, (unsigned)n);
    for (size_t i = 0; i < n; i++) {
        const tl_sid_and_attributes *g = at(t, i);
        char s[TL_SID_STRING_MAX], flags[CLI_FLAGS_MAX];
        char *name = NULL;
        tl_sid_to_string(s, sizeof s, &g->sid);
        tl_group_attributes_string(flags, sizeof flags, g->attributes);
        if (tl_sid_lookup_name(&name, &g->sid) != TL_OK)
            name = NULL;
        printf("    %-46s %-32s %s\n", s, name ? name : "", flags);
        tl_free(name);
    }
}

static void print_token(const char *title, const tl_token *t)
{
    const char *type = tl_token_type_name(tl_token_get_type(t));
    printf("%s: %s token", title, type ? type : "unknown-type");
    if (tl_token_has_impersonation_level(t))
        printf(", impersonation level %s",
               tl_impersonation_level_name(tl_token_impersonation_level(t)));
    printf("\n");
    const tl_sid *user = tl_token_user(t);
    print_sid_line("User:", user, tl_token_user_name(t));
    if (tl_token_logon_domain(t) || tl_token_logon_user(t))
        printf("  %-16s %s\\%s\n", "Logon name:",
               tl_token_logon_domain(t) ? tl_token_logon_domain(t) : "",
               tl_token_logon_user(t) ? tl_token_logon_user(t) : "");
    if (tl_token_has_logon_id(t)) {
        const char *lt = tl_logon_type_name(tl_token_logon_type(t));
        printf("  %-16s LUID 0x%llx, package %s, logon type %s\n", "Logon session:",
               (unsigned long long)tl_token_logon_id(t),
               tl_token_logon_package(t) ? tl_token_logon_package(t) : "(unknown)",
               lt ? lt : "(unknown)");
    }
    if (tl_token_has_integrity(t)) {
        const char *il = tl_integrity_name(tl_token_integrity_rid(t));
        printf("  %-16s %s (S-1-16-%u)\n", "Integrity:", il ? il : "?",
               (unsigned)tl_token_integrity_rid(t));
    }
    const char *et = tl_elevation_type_name(tl_token_elevation_type(t));
    printf("  %-16s %s%s%s%s\n", "Elevated:",
           !tl_token_has_elevation(t) ? "unknown" : tl_token_elevated(t) ? "yes" : "no",
           et ? " (elevation type " : "", et ? et : "", et ? ")" : "");
    printf("  %-16s %u\n", "Session:", (unsigned)tl_token_session_id(t));
    const tl_sid *owner = tl_token_owner(t);
    print_sid_line("Owner:", owner,
                   owner && user && tl_sid_equal(owner, user) ? tl_token_user_name(t) : NULL);
    print_sid_line("Primary group:", tl_token_primary_group(t), NULL);
    print_sid_list("Groups", t, tl_token_group_count(t), tl_token_group_at);
    if (tl_token_restricted_count(t))
        print_sid_list("Restricted SIDs", t, tl_token_restricted_count(t),
                       tl_token_restricted_at);
    printf("  Privileges (%u):\n", (unsigned)tl_token_privilege_count(t));
    for (size_t i = 0; i < tl_token_privilege_count(t); i++) {
        const tl_privilege *p = tl_token_privilege_at(t, i);
        char flags[CLI_FLAGS_MAX];
        tl_privilege_attributes_string(flags, sizeof flags, p->attributes);
        printf("    %-42s %s\n", p->name[0] ? p->name : "(unknown)",
               flags[0] ? flags : "disabled");
    }
}

static void print_human(const tl_whoami *w)
{
    if (tl_whoami_process(w))
        print_token("Process token", tl_whoami_process(w));
    else
        printf("Process token: not in this snapshot\n");
    printf("\n");
    if (tl_whoami_thread(w)) {
        print_token("Thread token", tl_whoami_thread(w));
        printf("\nEffective token: the thread token (the thread impersonates)\n");
    } else {
        printf("Thread token: none (the thread is not impersonating)\n");
        printf("\nEffective token: the process token\n");
    }
}

static int run(cli_opt *opts, const char **pos, int npos)
{
    (void)pos;
    (void)npos;
    int rc;
    const char *snapshot = cli_find(opts, "snapshot")->value;
    const char *save = cli_find(opts, "save")->value;
    int json = cli_find(opts, "json")->seen;

    tl_whoami *w = NULL;
    if (snapshot) {
        if ((rc = tl_whoami_load(&w, snapshot)) != TL_OK)
            return cli_fail(CMD, rc, snapshot);
    } else if (!tl_live_supported()) {
        fprintf(stderr,
                "tokenlens whoami: live capture needs Windows.\n"
                "Hint: run 'tokenlens whoami --save FILE' on the Windows machine and show it "
                "here with 'tokenlens whoami --snapshot FILE'.\n");
        return CLI_UNSUPPORTED;
    } else if ((rc = tl_whoami_capture(&w)) != TL_OK) {
        return cli_fail(CMD, rc, NULL);
    }

    int status = CLI_OK;
    if (save && (rc = tl_whoami_save(w, save)) != TL_OK)
        status = cli_fail(CMD, rc, save);
    if (status == CLI_OK) {
        char *text = NULL;
        if (!json) {
            print_human(w);
        } else if ((rc = tl_whoami_to_json(&text, w)) != TL_OK) {
            status = cli_fail(CMD, rc, NULL);
        } else {
            printf("%s\n", text);
            tl_free(text);
        }
    }
    tl_whoami_free(w);
    return status;
}

static const cli_command command = {CMD, help, 0, run};

int cmd_whoami(int argc, char **argv)
{
    cli_opt opts[] = {CLI_FLAG("json", 'j'), CLI_VALUE("snapshot"), CLI_VALUE("save"), CLI_END};
    return cli_run(&command, opts, argc, argv);
}
