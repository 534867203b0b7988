/* tokenlens whoami: the live process, thread and effective token (Windows), or a saved
 * snapshot anywhere. JSON: {"process": T, "thread": T|null, "effective": T} with T the
 * snapshot schema of docs/token-snapshot.md. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

#define CMD "whoami"

static void help(void)
{
    cli_printf(
        "Usage: tokenlens whoami [--json] [--snapshot FILE | --import FILE] [--save FILE]\n\n"
        "Show the process token, the calling thread's impersonation token and the effective\n"
        "token (the thread's when it impersonates, else the process's): user, groups with\n"
        "their flags, privileges, integrity level, elevation, logon session (LUID,\n"
        "authentication package, logon type).\n\n"
        "Options:\n"
        "  --json           print {\"process\": T, \"thread\": T|null, \"effective\": T}\n"
        "  --snapshot FILE  show a saved snapshot instead of capturing: either a whoami\n"
        "                   file written by --save, or a single token snapshot ('-' reads\n"
        "                   stdin; at most 4 MiB)\n"
        "  --import FILE    read the text of 'whoami /all' (or /user, /groups, /priv, /fo list,\n"
        "                   /fo csv) as copied from a console: the process token is the\n"
        "                   imported one, no thread token; what is not understood is\n"
        "                   named on stderr, never guessed ('-' reads stdin; UTF-8 or\n"
        "                   UTF-16 with a byte order mark, as PowerShell 5.1's '>' writes)\n"
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
        cli_printf("  %-16s (unknown)\n", label);
        return;
    }
    tl_sid_to_string(s, sizeof s, sid);
    if (!known && tl_sid_lookup_name(&name, sid) == TL_OK && name)
        known = name;
    tl_error_clear();
    if (known)
        cli_printf("  %-16s %s  %s\n", label, s, known);
    else
        cli_printf("  %-16s %s\n", label, s);
    tl_free(name);
}

static void print_sid_list(const char *title, const tl_token *t, size_t n,
                           const tl_sid_and_attributes *(*at)(const tl_token *, size_t))
{
    cli_printf("  %s (%u):\n", title, (unsigned)n);
    for (size_t i = 0; i < n; i++) {
        const tl_sid_and_attributes *g = at(t, i);
        char s[TL_SID_STRING_MAX], flags[CLI_FLAGS_MAX];
        char *name = NULL;
        tl_sid_to_string(s, sizeof s, &g->sid);
        tl_group_attributes_string(flags, sizeof flags, g->attributes);
        if (tl_sid_lookup_name(&name, &g->sid) != TL_OK)
            name = NULL;
        cli_printf("    %-46s %-32s %s\n", s, name ? name : "", flags);
        tl_free(name);
    }
}

static void print_token(const char *title, const tl_token *t)
{
    const char *type = tl_token_type_name(tl_token_get_type(t));
    cli_printf("%s: %s token", title, type ? type : "unknown-type");
    if (tl_token_has_impersonation_level(t))
        cli_printf(", impersonation level %s",
                   tl_impersonation_level_name(tl_token_impersonation_level(t)));
    cli_printf("\n");
    const tl_sid *user = tl_token_user(t);
    print_sid_line("User:", user, tl_token_user_name(t));
    if (tl_token_logon_domain(t) || tl_token_logon_user(t))
        cli_printf("  %-16s %s\\%s\n",
                   "Logon name:", tl_token_logon_domain(t) ? tl_token_logon_domain(t) : "",
                   tl_token_logon_user(t) ? tl_token_logon_user(t) : "");
    if (tl_token_has_logon_id(t)) {
        const char *lt = tl_logon_type_name(tl_token_logon_type(t));
        cli_printf("  %-16s LUID 0x%llx, package %s, logon type %s\n",
                   "Logon session:", (unsigned long long)tl_token_logon_id(t),
                   tl_token_logon_package(t) ? tl_token_logon_package(t) : "(unknown)",
                   lt ? lt : "(unknown)");
    }
    if (tl_token_has_integrity(t)) {
        const char *il = tl_integrity_name(tl_token_integrity_rid(t));
        cli_printf("  %-16s %s (S-1-16-%u)\n", "Integrity:", il ? il : "?",
                   (unsigned)tl_token_integrity_rid(t));
    }
    const char *et = tl_elevation_type_name(tl_token_elevation_type(t));
    cli_printf("  %-16s %s%s%s%s\n", "Elevated:",
               !tl_token_has_elevation(t) ? "unknown"
               : tl_token_elevated(t)     ? "yes"
                                          : "no",
               et ? " (elevation type " : "", et ? et : "", et ? ")" : "");
    cli_printf("  %-16s %u\n", "Session:", (unsigned)tl_token_session_id(t));
    const tl_sid *owner = tl_token_owner(t);
    print_sid_line("Owner:", owner,
                   owner && user && tl_sid_equal(owner, user) ? tl_token_user_name(t) : NULL);
    print_sid_line("Primary group:", tl_token_primary_group(t), NULL);
    print_sid_list("Groups", t, tl_token_group_count(t), tl_token_group_at);
    if (tl_token_restricted_count(t))
        print_sid_list("Restricted SIDs", t, tl_token_restricted_count(t), tl_token_restricted_at);
    cli_printf("  Privileges (%u):\n", (unsigned)tl_token_privilege_count(t));
    for (size_t i = 0; i < tl_token_privilege_count(t); i++) {
        const tl_privilege *p = tl_token_privilege_at(t, i);
        char flags[CLI_FLAGS_MAX];
        tl_privilege_attributes_string(flags, sizeof flags, p->attributes);
        cli_printf("    %-42s %s\n", p->name[0] ? p->name : "(unknown)",
                   flags[0] ? flags : "disabled");
    }
}

static void print_human(const tl_whoami *w)
{
    if (tl_whoami_process(w))
        print_token("Process token", tl_whoami_process(w));
    else
        cli_printf("Process token: not in this snapshot\n");
    cli_printf("\n");
    if (tl_whoami_thread(w)) {
        print_token("Thread token", tl_whoami_thread(w));
        cli_printf("\nEffective token: the thread token (the thread impersonates)\n");
    } else {
        cli_printf("Thread token: none (the thread is not impersonating)\n");
        cli_printf("\nEffective token: the process token\n");
    }
}

static int import_text(tl_whoami **out, const char *file)
{
    char *text = NULL;
    size_t len = 0;
    /* --import FILE ('-' for stdin), at most TL_WHOAMI_MAX_TEXT bytes. */
    int rc = cli_read_input(&text, &len, CMD, file, TL_WHOAMI_MAX_TEXT, 1);
    if (rc != CLI_OK)
        return rc;
    char *notes = NULL;
    rc = tl_whoami_from_text(out, text, len, &notes);
    tl_free(text);
    if (rc != TL_OK)
        return cli_fail(CMD, rc, strcmp(file, "-") ? file : "standard input");
    for (char *p = notes; p && *p;) {
        char *e = strchr(p, '\n');
        if (e)
            *e = 0;
        cli_fprintf(stderr, "tokenlens whoami: note: %s: %s\n", file, p);
        p = e ? e + 1 : NULL;
    }
    tl_free(notes);
    return CLI_OK;
}

static int run(cli_opt *opts, const char **pos, int npos)
{
    (void)pos;
    (void)npos;
    int rc;
    const char *snapshot = cli_find(opts, "snapshot")->value;
    const char *save = cli_find(opts, "save")->value;
    const char *import = cli_find(opts, "import")->value;
    int json = cli_find(opts, "json")->seen;

    tl_whoami *w = NULL;
    if (snapshot && import)
        return cli_usage(CMD, "--snapshot and --import both name the token: give one");
    if (import) {
        if ((rc = import_text(&w, import)) != CLI_OK)
            return rc;
    } else if (snapshot) {
        char *text = NULL;
        size_t len = 0;
        if ((rc = cli_read_input(&text, &len, CMD, snapshot, TL_TOKEN_MAX_FILE, 1)) != CLI_OK)
            return rc;
        rc = tl_whoami_from_json(&w, text, len);
        tl_free(text);
        if (rc != TL_OK)
            return cli_fail(CMD, rc, strcmp(snapshot, "-") ? snapshot : "standard input");
    } else if (!tl_live_supported()) {
        cli_fprintf(stderr,
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
            cli_printf("%s\n", text);
            tl_free(text);
        }
    }
    tl_whoami_free(w);
    return status;
}

static const cli_command command = {CMD, help, 0, run};

int cmd_whoami(int argc, char **argv)
{
    cli_opt opts[] = {CLI_FLAG("json", 'j'), CLI_VALUE("snapshot"), CLI_VALUE("save"),
                      CLI_VALUE("import"), CLI_END};
    return cli_run(&command, opts, argc, argv);
}
