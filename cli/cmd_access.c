/* tokenlens access: offline access check of a token snapshot or SIDs against SDDL. */
#include "cli.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --desired: SDDL rights or a number that fits the 32-bit ACCESS_MASK. A sign, or a number
 * too large for 32 bits, is a usage error: SDDL's own rights parser (like Windows' wcstoul)
 * would wrap "-1" to 0xffffffff and clamp an overflow, asking a question nobody typed. */
static int parse_desired(uint32_t *out, const char *value)
{
    char shown[CLI_EXCERPT_SIZE];
    const char *p = value;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '-' || *p == '+')
        return cli_usage("access",
                         "--desired %s: an access mask has no sign; give SDDL rights "
                         "(FR, GW, RPWP) or a number from 0 to 0xffffffff",
                         cli_excerpt(shown, value));
    if (*p >= '0' && *p <= '9') {
        errno = 0;
        char *end = NULL;
        unsigned long long v = strtoull(p, &end, 0);
        if (errno == ERANGE || v > 0xffffffffull)
            return cli_usage("access",
                             "--desired %s: larger than the 32-bit access mask "
                             "(at most 0xffffffff)",
                             cli_excerpt(shown, value));
    }
    int rc = tl_sddl_rights_from_string(out, value);
    if (rc != TL_OK)
        return cli_usage("access", "--desired %s: %s", cli_excerpt(shown, value),
                         tl_error_last()->message);
    return CLI_OK;
}

static void help(void)
{
    cli_printf("Usage: tokenlens access (--sddl SDDL | --path FILE | --icacls FILE)\n"
               "                        (--token FILE | --sid SID...)\n"
               "                        [options]\n\n"
               "Offline access check (MS-DTYP 2.5.3.2): which rights the subject gets from the\n"
               "descriptor, and the ACE(s) that decided it.\n\n"
               "Options:\n"
               "  --sddl SDDL        the security descriptor\n"
               "  --icacls FILE      instead: the first entry of `icacls` output or an\n"
               "                     `icacls /save` file ('-' reads stdin, at most 16 MiB)\n"
               "  --path FILE        instead: FILE's descriptor, read on Windows\n"
               "                     (GetNamedSecurityInfo); exit status 3 elsewhere\n"
               "  --token FILE       a token snapshot or 'tokenlens whoami --json' output (its\n"
               "                     effective token); '-' reads stdin (at most 4 MiB)\n"
               "  --sid SID          a SID or name; the first is the user, the others enabled\n"
               "                     groups (repeatable; nothing else is implied: add WD, AU, BU)\n"
               "  --desired MASK     rights wanted: SDDL rights (FR, GW, RPWP) or a number;\n"
               "                     default MAXIMUM_ALLOWED (empty: usage error)\n"
               "  --object KIND      generic mapping: file (default), key, generic\n"
               "  --backup           backup intent: SeBackup/SeRestorePrivilege apply\n"
               "  --no-privileges    ignore the token's privileges\n"
               "  --no-integrity     skip the mandatory integrity policy\n"
               "  --domain-sid SID   domain SID for DA, DU, ... in the SDDL and --sid\n"
               "  --json             JSON output\n"
               "A descriptor without a DACL (or a NULL DACL, or an empty --sddl) grants\n"
               "everyone full access, as on Windows: a warning on stderr and in the JSON\n"
               "\"warnings\" says so.\n"
               "Exit status: 0 access allowed, 1 denied or a parse error, 2 usage error,\n"
               "3 --path off Windows.\n");
}

/* True when s is empty or only blanks. */
static int blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    return *s == '\0';
}

static int run(cli_opt *opts, const char **pos, int npos)
{
    (void)pos;
    (void)npos;
    int rc, status = CLI_FAILED;
    cli_opt *o_sddl = cli_find(opts, "sddl"), *o_tok = cli_find(opts, "token"),
            *o_sid = cli_find(opts, "sid"), *o_des = cli_find(opts, "desired"),
            *o_obj = cli_find(opts, "object"), *o_dom = cli_find(opts, "domain-sid");
    tl_sd *sd = NULL;
    tl_token *tok = NULL;
    tl_access_result *res = NULL;
    char *expl = NULL;
    cli_opt *o_path = cli_find(opts, "path"), *o_ica = cli_find(opts, "icacls");
    if (o_sddl->seen + o_path->seen + o_ica->seen != 1 ||
        (o_tok->seen == 0) == (o_sid->nvalues == 0)) {
        status = cli_usage("access", "need one of --sddl, --path or --icacls, and one of "
                                     "--token or --sid");
        goto out;
    }
    if (o_ica->seen && o_tok->seen && !strcmp(o_ica->value, "-") && !strcmp(o_tok->value, "-")) {
        status = cli_usage("access", "--icacls - and --token - cannot both read stdin");
        goto out;
    }
    tl_sid domain, *dom = NULL;
    if (o_dom->seen) {
        if ((status = cli_domain_sid("access", o_dom->value, &domain)) != CLI_OK)
            goto out;
        status = CLI_FAILED;
        dom = &domain;
    }
    tl_access_options opt = TL_ACCESS_OPTIONS_INIT;
    if (o_obj->seen) {
        if (strcmp(o_obj->value, "file") == 0)
            opt.object = TL_OBJECT_FILE;
        else if (strcmp(o_obj->value, "key") == 0)
            opt.object = TL_OBJECT_KEY;
        else if (strcmp(o_obj->value, "generic") == 0)
            opt.object = TL_OBJECT_GENERIC;
        else {
            status = cli_usage("access", "--object is file, key or generic");
            goto out;
        }
    }
    if (cli_find(opts, "backup")->seen)
        opt.flags |= TL_ACCESS_BACKUP_INTENT;
    if (cli_find(opts, "no-privileges")->seen)
        opt.flags |= TL_ACCESS_NO_PRIVILEGES;
    if (cli_find(opts, "no-integrity")->seen)
        opt.flags |= TL_ACCESS_NO_INTEGRITY;
    uint32_t desired = TL_MAXIMUM_ALLOWED;
    if (o_des->seen && blank(o_des->value)) {
        /* An empty request is denied by Windows; an empty --desired is far more likely an
         * unset shell variable than a question about nothing. */
        status = cli_usage("access", "--desired is empty: give SDDL rights (FR, GW, RPWP), a "
                                     "number, or leave it out for MAXIMUM_ALLOWED");
        goto out;
    }
    if (o_des->seen && (status = parse_desired(&desired, o_des->value)) != CLI_OK)
        goto out;
    if (o_ica->seen) {
        if ((status = cli_icacls_sd(&sd, "access", o_ica->value, 0, dom)) != CLI_OK)
            goto out;
        status = CLI_FAILED;
    } else if (o_path->seen) {
        if ((rc = tl_sd_from_path(&sd, o_path->value, 0)) != TL_OK) {
            status = cli_fail("access", rc, o_path->value); /* TL_ENOTSUP: exit status 3 */
            goto out;
        }
    } else if ((rc = tl_sd_from_sddl(&sd, o_sddl->value, dom)) != TL_OK) {
        status = cli_fail("access", rc, "--sddl");
        goto out;
    }
    if (o_tok->seen) {
        /* A snapshot or `whoami --json` output (its effective token); '-' reads stdin. */
        char *text = NULL;
        size_t len = 0;
        if ((status = cli_read_input(&text, &len, "access", o_tok->value, TL_TOKEN_MAX_FILE, 1)) !=
            CLI_OK)
            goto out;
        rc = tl_token_from_json(&tok, text, len);
        tl_free(text);
        if (rc != TL_OK) {
            status =
                cli_fail("access", rc, strcmp(o_tok->value, "-") ? o_tok->value : "standard input");
            goto out;
        }
    } else {
        tl_sid sids[64];
        if (o_sid->nvalues > 64) {
            status = cli_usage("access", "at most 64 --sid options");
            goto out;
        }
        for (int i = 0; i < o_sid->nvalues; i++)
            if ((rc = tl_sid_resolve(&sids[i], o_sid->values[i], dom)) != TL_OK) {
                char ex[CLI_EXCERPT_SIZE];
                status = cli_fail("access", rc, cli_excerpt(ex, o_sid->values[i]));
                goto out;
            }
        if ((rc = tl_access_token_from_sids(&tok, sids, (size_t)o_sid->nvalues)) != TL_OK) {
            status = cli_fail("access", rc, NULL);
            goto out;
        }
    }
    if ((rc = tl_access_check(&res, sd, tok, desired, &opt)) != TL_OK) {
        status = cli_fail("access", rc, NULL);
        goto out;
    }
    /* A NULL or absent DACL lets everyone in: true to Windows, but never quietly. */
    const char *warning = NULL;
    for (size_t i = 0; i < tl_access_result_reason_count(res); i++)
        if (tl_access_result_reason_at(res, i)->kind == TL_REASON_NULL_DACL)
            warning = o_sddl->seen && blank(o_sddl->value)
                          ? "--sddl is empty, which is a descriptor with no DACL, so everyone is "
                            "granted full access (Windows: a NULL DACL grants full access to any "
                            "user); an unset shell variable reads this way"
                          : "the descriptor has no DACL (or a NULL one), so everyone is granted "
                            "full access (Windows: a NULL DACL grants full access to any user)";
    if (warning)
        cli_fprintf(stderr, "tokenlens access: warning: %s\n", warning);
    if (cli_find(opts, "json")->seen) {
        json_t *j = json_object();
        char buf[96];
        json_object_set_new(j, "allowed", json_boolean(tl_access_result_allowed(res)));
        snprintf(buf, sizeof buf, "0x%08x", (unsigned)tl_access_result_desired(res));
        json_object_set_new(j, "desired", json_string(buf));
        json_object_set_new(j, "maximum_allowed", json_boolean(desired & TL_MAXIMUM_ALLOWED));
        snprintf(buf, sizeof buf, "0x%08x", (unsigned)tl_access_result_granted(res));
        json_object_set_new(j, "granted", json_string(buf));
        tl_sddl_rights_string(buf, sizeof buf, tl_access_result_granted(res), 0);
        json_object_set_new(j, "granted_sddl", json_string(buf));
        snprintf(buf, sizeof buf, "0x%08x", (unsigned)tl_access_result_grantable(res));
        json_object_set_new(j, "grantable", json_string(buf));
        json_t *rs = json_array();
        for (size_t i = 0; i < tl_access_result_reason_count(res); i++) {
            const tl_access_reason *x = tl_access_result_reason_at(res, i);
            json_t *o = json_object();
            json_object_set_new(o, "kind", json_string(tl_access_reason_kind_name(x->kind)));
            json_object_set_new(o, "pass", json_string(x->pass ? "restricted" : "normal"));
            json_object_set_new(o, "ace_index",
                                x->ace_index < 0 ? json_null() : json_integer(x->ace_index));
            snprintf(buf, sizeof buf, "0x%08x", (unsigned)x->mask);
            json_object_set_new(o, "mask", json_string(buf));
            json_object_set_new(o, "ace", x->ace ? json_string(x->ace) : json_null());
            json_object_set_new(o, "text", json_string(x->text));
            json_array_append_new(rs, o);
        }
        json_object_set_new(j, "reasons", rs);
        json_t *ws = json_array();
        if (warning)
            json_array_append_new(ws, json_string(warning));
        json_object_set_new(j, "warnings", ws);
        if (cli_print_json(j) != CLI_OK)
            goto out;
    } else {
        if ((rc = tl_access_result_explain(&expl, res)) != TL_OK) {
            status = cli_fail("access", rc, NULL);
            goto out;
        }
        cli_fputs(expl, stdout);
    }
    status = tl_access_result_allowed(res) ? CLI_OK : CLI_FAILED;
out:
    tl_free(expl);
    tl_access_result_free(res);
    tl_token_free(tok);
    tl_sd_free(sd);
    return status;
}

static const cli_command command = {"access", help, 0, run};

int cmd_access(int argc, char **argv)
{
    cli_opt opts[] = {CLI_VALUE("sddl"),
                      CLI_VALUE("token"),
                      CLI_REPEAT("sid"),
                      CLI_VALUE("desired"),
                      CLI_VALUE("object"),
                      CLI_FLAG("backup", 0),
                      CLI_FLAG("no-privileges", 0),
                      CLI_FLAG("no-integrity", 0),
                      CLI_VALUE("domain-sid"),
                      CLI_FLAG("json", 0),
                      CLI_VALUE("path"),
                      CLI_VALUE("icacls"),
                      CLI_END};
    return cli_run(&command, opts, argc, argv);
}
