/* tokenlens whoami: the live process, thread and effective token (Windows), or a saved
 * snapshot anywhere. JSON: {"process": T, "thread": T|null, "effective": T} with T the
 * snapshot schema of docs/token-snapshot.md. */
#include "cli.h"
#include "internal.h"
#include "token_internal.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CMD "whoami"

static void help(void)
{
    printf("Usage: tokenlens whoami [--json] [--snapshot FILE | --import FILE] [--save FILE]\n\n"
           "Show the process token, the calling thread's impersonation token and the effective\n"
           "token (the thread's when it impersonates, else the process's): user, groups with\n"
           "their flags, privileges, integrity level, elevation, logon session (LUID,\n"
           "authentication package, logon type).\n\n"
           "Options:\n"
           "  --json           print {\"process\": T, \"thread\": T|null, \"effective\": T}\n"
           "  --snapshot FILE  show a saved snapshot instead of capturing: either a whoami\n"
           "                   file written by --save, or a single token snapshot\n"
           "  --import FILE    read the text of 'whoami /all' (or /user, /groups, /priv, /fo list,\n"
           "                   /fo csv) as copied from a console: the process token is the\n"
           "                   imported one, no thread token; what is not understood is\n"
           "                   named on stderr, never guessed ('-' reads stdin)\n"
           "  --save FILE      also write the result as whoami JSON (loads anywhere)\n\n"
           "Live capture needs Windows; elsewhere use --snapshot (exit status 3 without it).\n");
}

typedef struct whoami {
    tl_token *process; /* may be NULL when a single thread snapshot was loaded */
    tl_token *thread;  /* NULL: not impersonating */
    tl_token *effective_owned; /* only when loaded separately from a file */
} whoami;

static const tl_token *effective_of(const whoami *w)
{
    if (w->effective_owned)
        return w->effective_owned;
    return w->thread ? w->thread : w->process;
}

static void whoami_free(whoami *w)
{
    tl_token_free(w->process);
    tl_token_free(w->thread);
    tl_token_free(w->effective_owned);
}

static int capture_live(whoami *w)
{
    int rc = tl_live_process_token(&w->process);
    if (rc)
        return rc;
    rc = tl_live_thread_token(&w->thread);
    if (rc == TL_ENOTFOUND) {
        tl_error_clear();
        return TL_OK;
    }
    return rc;
}

/* A token or null at `key` of a whoami document. */
static int load_member(tl_token **out, json_t *root, const char *key)
{
    *out = NULL;
    json_t *v = json_object_get(root, key);
    if (!v || json_is_null(v))
        return TL_OK;
    char path[32];
    snprintf(path, sizeof path, "$.%s", key);
    return tl__token_from_jansson(out, v, path);
}

/* --snapshot FILE holds either one token ({"tokenlens_token": 1, ...}) or whoami output
 * ({"process": T|null, "thread": T|null, "effective": T|null}). A single impersonation
 * token is shown as the thread token (process unknown), any other as the process token. */
static int load_snapshot(whoami *w, const char *file)
{
    char *text = NULL;
    size_t len = 0;
    json_t *root = NULL;
    int rc = tl__read_file(&text, &len, file, TL_TOKEN_MAX_FILE);
    if (rc)
        return rc;
    rc = tl__token_json_parse(&root, text, len);
    tl__free(text);
    if (rc)
        return rc;
    if (!json_is_object(root)) {
        rc = tl__error_path(TL_EPARSE, "$", "$: expected an object (a token snapshot or "
                                            "whoami output)");
    } else if (json_object_get(root, "tokenlens_token")) {
        tl_token *t = NULL;
        rc = tl__token_from_jansson(&t, root, "$");
        if (rc == TL_OK) {
            if (tl_token_get_type(t) == TL_TOKEN_IMPERSONATION)
                w->thread = t;
            else
                w->process = t;
        }
    } else {
        const char *key;
        json_t *v;
        json_object_foreach(root, key, v) {
            if (strcmp(key, "process") && strcmp(key, "thread") && strcmp(key, "effective")) {
                char path[80];
                snprintf(path, sizeof path, "$.%.60s", key);
                rc = tl__error_path(TL_EPARSE, path,
                                    "%s: unknown key (expected \"process\", \"thread\", "
                                    "\"effective\", or a token snapshot with "
                                    "\"tokenlens_token\")",
                                    path);
                break;
            }
        }
        if (!rc && !(rc = load_member(&w->process, root, "process")) &&
            !(rc = load_member(&w->thread, root, "thread")))
            rc = load_member(&w->effective_owned, root, "effective");
        if (!rc && !w->process && !w->thread)
            rc = tl__error_path(TL_EPARSE, "$.process",
                                "$.process: a whoami snapshot needs a process or thread token");
    }
    json_decref(root);
    return rc;
}

/* --import FILE: whoami text as copied from a console. */
static int import_text(whoami *w, const char *file)
{
    char *text = NULL;
    size_t len = 0;
    int rc;
    if (!strcmp(file, "-")) {
        tl__buf b = TL__BUF_INIT;
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0 && b.len <= TL_WHOAMI_MAX_TEXT)
            tl__buf_putn(&b, chunk, n);
        len = b.len;
        if ((rc = tl__buf_detach(&b, &text)) != TL_OK)
            return rc;
        if (!text && !(text = tl__strdup("")))
            return tl__oom();
    } else {
        struct stat st;
        if (stat(file, &st) != 0)
            return tl__error(TL_EIO, "%s: cannot open it", file);
        if (S_ISDIR(st.st_mode))
            return tl__error(TL_EIO, "%s: is a directory, not a file", file);
        if (!S_ISREG(st.st_mode))
            return tl__error(TL_EIO, "%s: not a regular file (a FIFO, socket or device)", file);
        if ((rc = tl__read_file(&text, &len, file, TL_WHOAMI_MAX_TEXT)) != TL_OK)
            return rc;
    }
    char *notes = NULL;
    rc = tl_token_from_whoami_text(&w->process, text, len, &notes);
    tl__free(text);
    if (rc) {
        tl__error_prefix("%s", file);
        return rc;
    }
    if (notes) {
        for (char *p = notes; *p;) {
            char *e = strchr(p, '\n');
            if (e)
                *e = 0;
            fprintf(stderr, "tokenlens whoami: note: %s: %s\n", file, p);
            if (!e)
                break;
            p = e + 1;
        }
    }
    tl_free(notes);
    return TL_OK;
}

static json_t *token_or_null(const tl_token *t) { return t ? tl__token_json(t) : json_null(); }

static json_t *whoami_json(const whoami *w)
{
    json_t *o = json_object();
    json_t *p = token_or_null(w->process), *t = token_or_null(w->thread);
    json_t *e = token_or_null(effective_of(w));
    if (!o || !p || !t || !e || json_object_set_new(o, "process", p) ||
        json_object_set_new(o, "thread", t) || json_object_set_new(o, "effective", e)) {
        json_decref(o);
        return NULL;
    }
    return o;
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
        char s[TL_SID_STRING_MAX], flags[256];
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
    int level = tl_token_impersonation_level(t);
    printf("%s: %s token", title, type ? type : "unknown-type");
    if (level >= 0)
        printf(", impersonation level %s", tl_impersonation_level_name(level));
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
    int el = tl_token_elevated(t);
    const char *et = tl_elevation_type_name(tl_token_elevation_type(t));
    printf("  %-16s %s%s%s%s\n", "Elevated:", el < 0 ? "unknown" : el ? "yes" : "no",
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
        char flags[128];
        tl_privilege_attributes_string(flags, sizeof flags, p->attributes);
        printf("    %-42s %s\n", p->name[0] ? p->name : "(unknown)",
               flags[0] ? flags : "disabled");
    }
}

static void print_human(const whoami *w)
{
    if (w->process)
        print_token("Process token", w->process);
    else
        printf("Process token: not in this snapshot\n");
    printf("\n");
    if (w->thread) {
        print_token("Thread token", w->thread);
        printf("\nEffective token: the thread token (the thread impersonates)\n");
    } else {
        printf("Thread token: none (the thread is not impersonating)\n");
        printf("\nEffective token: the process token\n");
    }
}

int cmd_whoami(int argc, char **argv)
{
    cli_opt opts[] = {{"json", 'j', 0, 0, 0, NULL, NULL, 0},
                      {"snapshot", 0, 1, 0, 0, NULL, NULL, 0},
                      {"save", 0, 1, 0, 0, NULL, NULL, 0},
                      {"import", 0, 1, 0, 0, NULL, NULL, 0},
                      {NULL, 0, 0, 0, 0, NULL, NULL, 0}};
    const char *pos[1];
    int npos = 0, want_help = 0;
    int rc = cli_parse(CMD, argc, argv, opts, pos, 0, &npos, &want_help);
    if (rc != CLI_OK) {
        cli_opts_free(opts);
        return rc;
    }
    if (want_help) {
        help();
        cli_opts_free(opts);
        return CLI_OK;
    }
    const char *snapshot = cli_find(opts, "snapshot")->value;
    const char *save = cli_find(opts, "save")->value;
    const char *import = cli_find(opts, "import")->value;
    int json = cli_find(opts, "json")->seen;
    cli_opts_free(opts);

    whoami w = {NULL, NULL, NULL};
    if (snapshot && import)
        return cli_usage(CMD, "--snapshot and --import both name the token: give one");
    if (import) {
        if ((rc = import_text(&w, import)) != TL_OK) {
            whoami_free(&w);
            return cli_fail(CMD, rc, NULL);
        }
    } else if (snapshot) {
        if ((rc = load_snapshot(&w, snapshot)) != TL_OK) {
            whoami_free(&w);
            return cli_fail(CMD, rc, snapshot);
        }
    } else if (!tl_live_supported()) {
        fprintf(stderr,
                "tokenlens whoami: live capture needs Windows.\n"
                "Hint: run 'tokenlens whoami --save FILE' on the Windows machine and show it "
                "here with 'tokenlens whoami --snapshot FILE'.\n");
        return CLI_UNSUPPORTED;
    } else if ((rc = capture_live(&w)) != TL_OK) {
        whoami_free(&w);
        return cli_fail(CMD, rc, NULL);
    }

    int status = CLI_OK;
    if (save) {
        json_t *doc = whoami_json(&w);
        char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                               JSON_ENSURE_ASCII)
                         : NULL;
        json_decref(doc);
        if (!text) {
            fprintf(stderr, "tokenlens whoami: out of memory\n");
            status = CLI_FAILED;
        } else {
            char *line = tl__asprintf("%s\n", text);
            free(text);
            rc = line ? tl__write_file(save, line, strlen(line)) : tl__oom();
            tl__free(line);
            if (rc)
                status = cli_fail(CMD, rc, save);
        }
    }
    if (status == CLI_OK) {
        if (json)
            status = cli_print_json(whoami_json(&w));
        else
            print_human(&w);
    }
    whoami_free(&w);
    return status;
}
