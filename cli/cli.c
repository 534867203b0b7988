#include "cli.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

cli_opt *cli_find(cli_opt *opts, const char *name)
{
    for (cli_opt *o = opts; o && o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static int record(const char *cmd, cli_opt *o, const char *value)
{
    o->seen++;
    o->value = value;
    if (o->repeat && value) {
        const char **v = realloc(o->values, sizeof *v * (size_t)(o->nvalues + 1));
        if (!v) {
            cli_fprintf(stderr, "tokenlens %s: out of memory\n", cmd);
            return CLI_FAILED;
        }
        o->values = v;
        o->values[o->nvalues++] = value;
    }
    return CLI_OK;
}

int cli_parse(const char *cmd, int argc, char **argv, cli_opt *opts, const char **pos, int max_pos,
              int *npos, int *help)
{
    *npos = 0;
    *help = 0;
    int only_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            *help = 1;
            continue;
        }
        if (!only_pos && a[0] == '-' && a[1] != '\0') {
            cli_opt *o = NULL;
            const char *inline_val = NULL;
            if (a[1] == '-') {
                const char *name = a + 2;
                const char *eq = strchr(name, '=');
                size_t n = eq ? (size_t)(eq - name) : strlen(name);
                for (cli_opt *p = opts; p && p->name; p++)
                    if (strlen(p->name) == n && strncmp(p->name, name, n) == 0)
                        o = p;
                if (eq)
                    inline_val = eq + 1;
            } else if (a[2] == '\0') {
                for (cli_opt *p = opts; p && p->name; p++)
                    if (p->short_name && p->short_name == a[1])
                        o = p;
            }
            if (!o) {
                char ex[CLI_EXCERPT_SIZE];
                return cli_usage(cmd, "unknown option '%s'", cli_excerpt(ex, a));
            }
            if (o->takes_value) {
                const char *v = inline_val;
                if (!v) {
                    if (i + 1 >= argc)
                        return cli_usage(cmd, "option '--%s' needs a value", o->name);
                    v = argv[++i];
                }
                if (record(cmd, o, v) != CLI_OK)
                    return CLI_FAILED;
            } else {
                if (inline_val)
                    return cli_usage(cmd, "option '--%s' takes no value", o->name);
                if (record(cmd, o, NULL) != CLI_OK)
                    return CLI_FAILED;
            }
            if (o->seen > 1 && !o->repeat && o->takes_value)
                return cli_usage(cmd, "option '--%s' given more than once", o->name);
            continue;
        }
        if (*npos >= max_pos) {
            char ex[CLI_EXCERPT_SIZE];
            return cli_usage(cmd, "unexpected argument '%s'", cli_excerpt(ex, a));
        }
        pos[(*npos)++] = a;
    }
    return CLI_OK;
}

int cli_run(const cli_command *cmd, cli_opt *opts, int argc, char **argv)
{
    const char *pos[CLI_MAX_POS];
    int npos = 0, help = 0;
    int max_pos = cmd->max_pos < CLI_MAX_POS ? cmd->max_pos : CLI_MAX_POS;
    int rc = cli_parse(cmd->name, argc, argv, opts, pos, max_pos, &npos, &help);
    if (rc == CLI_OK && help)
        cmd->help();
    else if (rc == CLI_OK)
        rc = cmd->run(opts, pos, npos);
    cli_opts_free(opts);
    return rc;
}

void cli_opts_free(cli_opt *opts)
{
    for (cli_opt *o = opts; o && o->name; o++) {
        free(o->values);
        o->values = NULL;
        o->nvalues = 0;
    }
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_fprintf(stderr, "tokenlens %s: ", cmd);
    cli_vfprintf(stderr, fmt, ap);
    cli_fprintf(stderr, "\nTry 'tokenlens %s --help'.\n", cmd);
    va_end(ap);
    return CLI_USAGE;
}

int cli_fail(const char *cmd, int rc, const char *what)
{
    const tl_error *e = tl_error_last();
    cli_fprintf(stderr, "tokenlens %s: error: ", cmd);
    if (what && !strstr(e->message, what)) /* loaders already name their file */
        cli_fprintf(stderr, "%s: ", what);
    if (rc == TL_ENOTIMPL && !strstr(e->message, "not implemented"))
        cli_fputs("not implemented: ", stderr);
    cli_fprintf(stderr, "%s", e->message[0] ? e->message : tl_error_name(rc));
    if (e->path[0] && !strstr(e->message, e->path))
        cli_fprintf(stderr, " (at %s)", e->path);
    else if (e->offset != TL_NO_OFFSET && !strstr(e->message, "offset"))
        cli_fprintf(stderr, " (at byte offset %zu)", e->offset);
    if (e->native)
        cli_fprintf(stderr, " [native code %ld / 0x%lx, %s]", e->native, (unsigned long)e->native,
                    tl_native_kind_name(e->native_kind));
    cli_fputc('\n', stderr);
    return rc == TL_ENOTSUP ? CLI_UNSUPPORTED : CLI_FAILED;
}

int cli_print_json(json_t *v)
{
    if (!v) {
        cli_fprintf(stderr, "tokenlens: out of memory building JSON\n");
        return CLI_FAILED;
    }
    int rc = json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(v);
    cli_fputc('\n', stdout);
    return rc == 0 ? CLI_OK : CLI_FAILED;
}

json_t *cli_json_identity(const char *name, const tl_sid *sid)
{
    char buf[TL_SID_STRING_MAX];
    json_t *o = json_object();
    json_object_set_new(o, "name", name ? json_string(name) : json_null());
    if (sid && tl_sid_to_string(buf, sizeof buf, sid) == TL_OK)
        json_object_set_new(o, "sid", json_string(buf));
    else
        json_object_set_new(o, "sid", json_null());
    return o;
}

/* --domain-sid: a valid SID with room for a RID that can be a domain. Windows' own recorded
 * tests use S-1-2-3-4, so a SID tokenlens has no name for is taken as it is; what is refused
 * is a SID known to name something else (docs/sddl.md): an S-1-5-21 SID without exactly the
 * three domain numbers (S-1-5-21-a-b-c-RID is an account of that domain), and a well-known
 * account, alias, virtual account, logon session, integrity level or capability
 * (S-1-5-18 is SYSTEM). A value that cannot be used is a usage error that says why, never
 * silently ignored or left to fail later. */
int cli_domain_sid(const char *cmd, const char *value, tl_sid *out)
{
    char ex[CLI_EXCERPT_SIZE];
    if (tl_sid_from_string(out, value) != TL_OK)
        return cli_usage(cmd, "--domain-sid '%s' is not a SID (%s)", cli_excerpt(ex, value),
                         tl_error_last()->message);
    if (out->sub_authority_count >= TL_SID_MAX_SUB_AUTHORITIES)
        return cli_usage(cmd,
                         "--domain-sid '%s' already has %d sub-authorities: no room for the "
                         "relative ID of DU, DA, ...",
                         value, TL_SID_MAX_SUB_AUTHORITIES);
    char str[TL_SID_STRING_MAX];
    tl_sid_to_string(str, sizeof str, out);
    if (tl_sid_authority(out) == 5 && out->sub_authority[0] == 21 &&
        out->sub_authority_count != 4) {
        if (out->sub_authority_count < 4)
            return cli_usage(cmd,
                             "--domain-sid %s is not a domain SID: an S-1-5-21 domain SID has "
                             "three numbers after 21 (S-1-5-21-a-b-c)",
                             str);
        tl_sid dom;
        uint32_t rid = 0;
        char dstr[TL_SID_STRING_MAX];
        tl_sid_split_rid(&dom, &rid, out);
        tl_sid_to_string(dstr, sizeof dstr, &dom);
        return cli_usage(cmd,
                         "--domain-sid %s is not a domain SID but an account SID (relative ID "
                         "%u of %s): pass the domain part, S-1-5-21-a-b-c",
                         str, (unsigned)rid, dstr);
    }
    tl_sid_kind kind = tl_sid_kind_of(out);
    if (kind != TL_SID_KIND_UNKNOWN && kind != TL_SID_KIND_ACCOUNT) {
        char *name = NULL;
        if (tl_sid_lookup_name(&name, out) != TL_OK)
            tl_error_clear();
        int rc = cli_usage(cmd,
                           "--domain-sid %s names %s (SID kind %s), not a domain: a domain SID "
                           "looks like S-1-5-21-a-b-c",
                           str, name ? name : "an account", tl_sid_kind_name(kind));
        tl_free(name);
        return rc;
    }
    return CLI_OK;
}

int cli_name_option(const char *cmd, const char *option, tl_name_kind kind, const char *value)
{
    if (!value)
        return CLI_OK;
    if (kind == TL_NAME_SPN && strcmp(value, "local") == 0)
        return CLI_OK;
    if (tl_name_check(kind, value) == TL_OK)
        return CLI_OK;
    char shown[CLI_EXCERPT_SIZE];
    return cli_usage(cmd, "--%s %s: %s", option, cli_excerpt(shown, value),
                     tl_error_last()->message);
}
