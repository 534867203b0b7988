/* tokenlens sddl: parse SDDL and print it as Windows would, as JSON, or as binary hex. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    cli_printf(
        "Usage: tokenlens sddl <SDDL> [--domain-sid SID] [--json | --binary]\n"
        "       tokenlens sddl --from-binary HEX [--domain-sid SID] [--json]\n"
        "       tokenlens sddl --path FILE [--domain-sid SID] [--json | --binary]\n"
        "       tokenlens sddl --from-icacls FILE [--entry N] [--domain-sid SID] [...]\n\n"
        "Parse a security descriptor in SDDL and print, on the first line, the canonical\n"
        "SDDL Windows would print for it (ConvertSecurityDescriptorToStringSecurityDescriptor).\n"
        "Domain-relative aliases (DA, DU, ...) are resolved against --domain-sid.\n\n"
        "Options:\n"
        "  --domain-sid SID   domain SID for DA, DU, DC, ... aliases (usually\n"
        "                     S-1-5-21-a-b-c; a SID known as an account, such as\n"
        "                     S-1-5-18, is a usage error)\n"
        "  --binary           print the self-relative binary descriptor as lowercase hex\n"
        "  --from-binary HEX  read a self-relative binary descriptor (hex) instead of SDDL\n"
        "  --from-icacls FILE read `icacls PATH` output or an `icacls /save` file (UTF-16\n"
        "                     or UTF-8; '-' reads stdin, at most 16 MiB); --entry N picks\n"
        "                     the Nth file in it (default 1)\n"
        "  --icacls           print the DACL the way icacls does, NAME:(OI)(CI)(RX) lines\n"
        "  --path FILE        read FILE's descriptor (owner, group, DACL, label) on Windows\n"
        "                     (GetNamedSecurityInfo); exit status 3 elsewhere\n"
        "  --json             print the parsed structure as JSON\n"
        "Exit status: 0 ok, 1 the input did not parse (the message names the byte offset),\n"
        "2 usage error, 3 --path off Windows.\n");
}

/* Longest input shown with a caret under the fault (longer lines would wrap unreadably). */
#define CARET_MAX_INPUT 200

/* Show where a parse error is: the input and a caret under the offending byte. */
static void show_offset(const char *text)
{
    const tl_error *e = tl_error_last();
    size_t len = strlen(text);
    if (e->offset == TL_NO_OFFSET || len > CARET_MAX_INPUT || e->offset > len)
        return;
    /* The caret counts one column per byte: only true when what precedes it is printable
     * ASCII (an escaped control or a multi-byte character takes a different width). */
    for (size_t i = 0; i < e->offset; i++)
        if (text[i] < 0x20 || text[i] > 0x7e)
            return;
    cli_fprintf(stderr, "  %s\n  %*s^\n", text, (int)e->offset, "");
}

static int hex_value(unsigned char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* --from-binary HEX as bytes: CLI_OK, or a usage error that names the first character that
 * is not a hex digit (and its offset) or says the count is odd. */
static int hex_decode(const char *hex, uint8_t **out, size_t *len)
{
    size_t n = strlen(hex);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)hex[i];
        if (hex_value(c) >= 0)
            continue;
        if (c > 0x20 && c < 0x7f)
            return cli_usage("sddl", "--from-binary: '%c' at offset %zu is not a hex digit", c, i);
        return cli_usage("sddl", "--from-binary: byte 0x%02x at offset %zu is not a hex digit", c,
                         i);
    }
    if (n % 2)
        return cli_usage("sddl", "--from-binary needs an even number of hex digits (got %zu)", n);
    uint8_t *b = malloc(n / 2 + 1);
    if (!b) {
        cli_fprintf(stderr, "tokenlens sddl: out of memory\n");
        return CLI_FAILED;
    }
    for (size_t i = 0; i < n / 2; i++)
        b[i] = (uint8_t)(hex_value((unsigned char)hex[2 * i]) << 4 |
                         hex_value((unsigned char)hex[2 * i + 1]));
    *out = b;
    *len = n / 2;
    return CLI_OK;
}

static json_t *json_sid(const tl_sid *sid, const tl_sid *domain)
{
    char *name = NULL;
    if (!sid)
        return json_null();
    tl_sid_lookup_name(&name, sid);
    json_t *o = cli_json_identity(name, sid);
    const char *alias = tl_sid_sddl_alias(sid, domain);
    json_object_set_new(o, "sddl_alias", alias ? json_string(alias) : json_null());
    tl_free(name);
    return o;
}

static json_t *json_acl(const tl_sd *sd, tl_acl_kind which, const tl_sid *domain)
{
    if (!tl_sd_acl_present(sd, which))
        return json_null();
    json_t *o = json_object();
    json_object_set_new(o, "null", json_boolean(tl_sd_acl_is_null(sd, which)));
    uint16_t c = tl_sd_control(sd);
    bool d = which == TL_ACL_DACL;
    json_object_set_new(o, "protected",
                        json_boolean(c & (d ? TL_SD_DACL_PROTECTED : TL_SD_SACL_PROTECTED)));
    json_object_set_new(
        o, "auto_inherit_req",
        json_boolean(c & (d ? TL_SD_DACL_AUTO_INHERIT_REQ : TL_SD_SACL_AUTO_INHERIT_REQ)));
    json_object_set_new(
        o, "auto_inherited",
        json_boolean(c & (d ? TL_SD_DACL_AUTO_INHERITED : TL_SD_SACL_AUTO_INHERITED)));
    json_t *aces = json_array();
    for (size_t i = 0; i < tl_sd_ace_count(sd, which); i++) {
        const tl_ace *a = tl_sd_ace_at(sd, which, i);
        json_t *j = json_object();
        char buf[96], *text = NULL;
        const char *t = tl_ace_type_sddl(a->type);
        json_object_set_new(j, "type", t ? json_string(t) : json_null());
        json_object_set_new(j, "type_code", json_integer(a->type));
        json_object_set_new(j, "flags", json_integer(a->flags));
        static const struct {
            uint8_t bit;
            const char *name;
        } fl[] = {{TL_ACE_OBJECT_INHERIT, "OI"},
                  {TL_ACE_CONTAINER_INHERIT, "CI"},
                  {TL_ACE_NO_PROPAGATE_INHERIT, "NP"},
                  {TL_ACE_INHERIT_ONLY, "IO"},
                  {TL_ACE_INHERITED, "ID"},
                  {TL_ACE_SUCCESSFUL_ACCESS, "SA"},
                  {TL_ACE_FAILED_ACCESS, "FA"}};
        json_t *fa = json_array();
        for (size_t k = 0; k < sizeof fl / sizeof fl[0]; k++)
            if (a->flags & fl[k].bit)
                json_array_append_new(fa, json_string(fl[k].name));
        json_object_set_new(j, "flag_names", fa);
        snprintf(buf, sizeof buf, "0x%08x", (unsigned)a->mask);
        json_object_set_new(j, "mask", json_string(buf));
        tl_sddl_rights_string(buf, sizeof buf, a->mask, a->type);
        json_object_set_new(j, "rights", json_string(buf));
        if (a->object_flags & TL_ACE_OBJECT_TYPE_PRESENT) {
            tl_guid_to_string(buf, sizeof buf, &a->object_type);
            json_object_set_new(j, "object_type", json_string(buf));
        }
        if (a->object_flags & TL_ACE_INHERITED_OBJECT_TYPE_PRESENT) {
            tl_guid_to_string(buf, sizeof buf, &a->inherited_object_type);
            json_object_set_new(j, "inherited_object_type", json_string(buf));
        }
        json_object_set_new(j, "trustee", json_sid(&a->sid, domain));
        if (a->condition)
            json_object_set_new(j, "condition", json_string(a->condition));
        if (tl_ace_to_sddl(&text, a, domain) == TL_OK)
            json_object_set_new(j, "sddl", json_string(text));
        tl_free(text);
        json_array_append_new(aces, j);
    }
    json_object_set_new(o, "aces", aces);
    return o;
}

static int run(cli_opt *opts, const char **pos, int npos)
{
    int rc;
    cli_opt *o_dom = cli_find(opts, "domain-sid"), *o_json = cli_find(opts, "json"),
            *o_bin = cli_find(opts, "binary"), *o_from = cli_find(opts, "from-binary"),
            *o_path = cli_find(opts, "path"), *o_ica = cli_find(opts, "from-icacls"),
            *o_entry = cli_find(opts, "entry"), *o_icout = cli_find(opts, "icacls");
    if (o_from->seen + o_path->seen + o_ica->seen > 1)
        return cli_usage("sddl", "--from-binary, --path and --from-icacls are exclusive");
    if (o_entry->seen && !o_ica->seen)
        return cli_usage("sddl", "--entry picks an entry of --from-icacls; give that too");
    if (o_icout->seen && (o_json->seen || o_bin->seen))
        return cli_usage("sddl", "--icacls, --json and --binary are exclusive");
    bool other_source = o_from->seen || o_path->seen || o_ica->seen;
    if (other_source ? npos != 0 : npos != 1)
        return cli_usage("sddl", other_source ? "give one source: SDDL, --from-binary, --path or "
                                                "--from-icacls"
                                              : "expected one SDDL string");
    if (o_json->seen && o_bin->seen)
        return cli_usage("sddl", "--json and --binary are exclusive");
    tl_sid domain, *dom = NULL;
    if (o_dom->seen) {
        if ((rc = cli_domain_sid("sddl", o_dom->value, &domain)) != CLI_OK)
            return rc;
        dom = &domain;
    }
    tl_sd *sd = NULL;
    if (o_ica->seen) {
        char *end = NULL;
        long want = o_entry->seen ? strtol(o_entry->value, &end, 10) : 1;
        if (o_entry->seen && (*end || want < 1))
            return cli_usage("sddl", "--entry is a number from 1");
        if ((rc = cli_icacls_sd(&sd, "sddl", o_ica->value, (size_t)want - 1, dom)) != CLI_OK)
            return rc;
    } else if (o_path->seen) {
        if ((rc = tl_sd_from_path(&sd, o_path->value, 0)) != TL_OK)
            return cli_fail("sddl", rc, o_path->value); /* TL_ENOTSUP: exit status 3 */
    } else if (o_from->seen) {
        uint8_t *bytes = NULL;
        size_t len = 0;
        if ((rc = hex_decode(o_from->value, &bytes, &len)) != CLI_OK)
            return rc;
        rc = tl_sd_from_binary(&sd, bytes, len);
        free(bytes);
        if (rc)
            return cli_fail("sddl", rc, "binary descriptor");
    } else if ((rc = tl_sd_from_sddl(&sd, pos[0], dom)) != TL_OK) {
        int st = cli_fail("sddl", rc, "SDDL");
        show_offset(pos[0]);
        return st;
    }
    char *text = NULL;
    uint8_t *bin = NULL;
    size_t blen = 0;
    int status = CLI_OK;
    if ((rc = tl_sd_to_sddl(&text, sd, dom)) != TL_OK) {
        status = cli_fail("sddl", rc, NULL);
        goto out;
    }
    int brc = tl_sd_to_binary(&bin, &blen, sd);
    if (o_bin->seen) {
        if (brc) {
            status = cli_fail("sddl", brc, "binary form");
            goto out;
        }
        for (size_t i = 0; i < blen; i++)
            cli_printf("%02x", bin[i]);
        cli_printf("\n");
    } else if (o_icout->seen) {
        char *ic = NULL;
        if ((rc = tl_sd_to_icacls(&ic, sd)) != TL_OK) {
            status = cli_fail("sddl", rc, "icacls form");
            goto out;
        }
        cli_fputs(ic, stdout);
        tl_free(ic);
    } else if (o_json->seen) {
        json_t *j = json_object();
        char buf[16];
        json_object_set_new(j, "sddl", json_string(text));
        snprintf(buf, sizeof buf, "0x%04x", (unsigned)(tl_sd_control(sd) | TL_SD_SELF_RELATIVE));
        json_object_set_new(j, "control", json_string(buf));
        json_object_set_new(j, "owner", json_sid(tl_sd_owner(sd), dom));
        json_object_set_new(j, "group", json_sid(tl_sd_group(sd), dom));
        json_object_set_new(j, "dacl", json_acl(sd, TL_ACL_DACL, dom));
        json_object_set_new(j, "sacl", json_acl(sd, TL_ACL_SACL, dom));
        if (!brc) {
            char *hex = malloc(blen * 2 + 1);
            if (hex) {
                for (size_t i = 0; i < blen; i++)
                    snprintf(hex + 2 * i, 3, "%02x", bin[i]);
                hex[blen * 2] = 0;
                json_object_set_new(j, "binary", json_string(hex));
                free(hex);
            }
        } else {
            json_object_set_new(j, "binary", json_null());
        }
        status = cli_print_json(j);
    } else {
        cli_printf("%s\n", text);
    }
out:
    tl_free(text);
    tl_free(bin);
    tl_sd_free(sd);
    return status;
}

static const cli_command command = {"sddl", help, 1, run};

int cmd_sddl(int argc, char **argv)
{
    cli_opt opts[] = {CLI_VALUE("domain-sid"),  CLI_FLAG("json", 0),   CLI_FLAG("binary", 0),
                      CLI_VALUE("from-binary"), CLI_VALUE("path"),     CLI_VALUE("from-icacls"),
                      CLI_VALUE("entry"),       CLI_FLAG("icacls", 0), CLI_END};
    return cli_run(&command, opts, argc, argv);
}
