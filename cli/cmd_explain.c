/* tokenlens explain <scenario.json> [--json|--dot]: which identity each hop runs as and
 * arrives as, and why (docs/explain.md, rules in docs/rules.md). */
#include "cli.h"
#include <string.h>

static void help(void)
{
    cli_printf(
        "usage: tokenlens explain <scenario.json> [--json | --dot] [--ad SERVER]\n"
        "       tokenlens explain --token WHOAMI.json --target SPN... [--machine NAME --domain D]\n"
        "                         [--ad SERVER] [--json | --dot]\n"
        "       tokenlens explain --rules [--json]\n"
        "\n"
        "Explain, for an IIS/ASP.NET setup and request (scenario format v1), the process\n"
        "identity, the request thread's identity and impersonation level, and for each hop\n"
        "the identity it runs as and arrives as, with every step citing a rule. A rule that\n"
        "no source settles is marked \"(unsettled)\" in the story and the diagram, and\n"
        "\"unsettled\": true in the JSON. Scenario fields: docs/explain.md. A FILE of '-'\n"
        "is standard input (scenario or --token; at most 4 MiB; file rules: docs/inputs.md).\n"
        "\n"
        "  --json    print the explanation as JSON\n"
        "  --dot     print a Graphviz diagram (render with: dot -Tsvg)\n"
        "  --rules   list the rules the engine cites, with their sources\n"
        "  --token FILE  explain the next hop of a captured or imported token instead of a\n"
        "            scenario: FILE is whoami --json output (its thread is the effective\n"
        "            token, its process token what RevertToSelf returns to) or one snapshot\n"
        "  --target SPN  a target of --token (repeatable): MSSQLSvc/..., cifs/..., HTTP/..., "
        "local\n"
        "  --machine NAME, --domain D  the machine the token was captured on (--token)\n"
        "  --ad SERVER  take delegation, sensitive, Protected Users, RBCD and SPN states\n"
        "            from Active Directory (LDAP with your Kerberos ticket; SERVER '-' finds\n"
        "            a DC through DNS) and report where the file differs (docs/ad.md)\n"
        "\n"
        "Exit status: 0 explained, 1 the scenario did not load, 2 usage error.\n");
}

static int print_rules(bool json)
{
    if (!json) {
        for (size_t i = 0; i < tl_sim_rule_count(); i++)
            cli_printf("%s%s\n  %s\n  source: %s\n", tl_sim_rule_id(i),
                       tl_sim_rule_unsettled(i) ? " (unsettled)" : "", tl_sim_rule_statement(i),
                       tl_sim_rule_source(i));
        return CLI_OK;
    }
    json_t *a = json_array();
    for (size_t i = 0; a && i < tl_sim_rule_count(); i++) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(tl_sim_rule_id(i)));
        json_object_set_new(o, "statement", json_string(tl_sim_rule_statement(i)));
        json_object_set_new(o, "source", json_string(tl_sim_rule_source(i)));
        json_object_set_new(o, "unsettled", json_boolean(tl_sim_rule_unsettled(i)));
        json_array_append_new(a, o);
    }
    return cli_print_json(a);
}

static int run(cli_opt *opts, const char **pos, int npos)
{
    int rc;
    bool json = cli_find(opts, "json")->seen, dot = cli_find(opts, "dot")->seen;
    if (json && dot)
        return cli_usage("explain", "--json and --dot are exclusive");
    if (cli_find(opts, "rules")->seen) {
        if (npos || dot)
            return cli_usage("explain", "--rules takes no scenario and no --dot");
        return print_rules(json);
    }
    cli_opt *tok = cli_find(opts, "token"), *tgt = cli_find(opts, "target");
    if (tok->seen || tgt->seen || cli_find(opts, "machine")->seen ||
        cli_find(opts, "domain")->seen) {
        const char *srv = cli_find(opts, "ad")->value;
        if (!tok->seen || !tok->value || !*tok->value)
            return cli_usage("explain",
                             "--target, --machine and --domain go with --token WHOAMI.json");
        if (npos)
            return cli_usage("explain", "--token takes no scenario file");
        if (!tgt->seen)
            return cli_usage("explain", "--token needs at least one --target SPN");
        if (cli_find(opts, "ad")->seen && (!srv || !*srv))
            return cli_usage("explain",
                             "--ad needs a DC host name (or '-' to find one through DNS)");
        char host[256];
        const char *dc = NULL;
        if (srv && strcmp(srv, "-") && !(dc = cli_ad_server("explain", srv, host, sizeof host)))
            return CLI_USAGE;
        if ((rc = cli_name_option("explain", "machine", TL_NAME_COMPUTER,
                                  cli_find(opts, "machine")->value)) ||
            (rc = cli_name_option("explain", "domain", TL_NAME_DOMAIN,
                                  cli_find(opts, "domain")->value)))
            return rc;
        for (int i = 0; i < tgt->nvalues; i++)
            if ((rc = cli_name_option("explain", "target", TL_NAME_SPN, tgt->values[i])))
                return rc;
        return cmd_explain_token(tok->value, tgt->values, tgt->nvalues,
                                 cli_find(opts, "machine")->value, cli_find(opts, "domain")->value,
                                 dc, cli_find(opts, "ad")->seen, json, dot);
    }
    if (npos != 1)
        return cli_usage("explain", "expected one scenario file");
    if (cli_find(opts, "ad")->seen) {
        const char *srv = cli_find(opts, "ad")->value;
        if (!srv || !*srv)
            return cli_usage("explain",
                             "--ad needs a DC host name (or '-' to find one through DNS)");
        char host[256];
        const char *dc = NULL;
        if (strcmp(srv, "-") && !(dc = cli_ad_server("explain", srv, host, sizeof host)))
            return CLI_USAGE;
        return cmd_explain_ad(pos[0], dc, json, dot);
    }

    tl_scenario *s = NULL;
    tl_explanation *e = NULL;
    char *text = NULL;
    size_t len = 0;
    if ((rc = cli_read_input(&text, &len, "explain", pos[0], TL_SCENARIO_MAX_BYTES, 1)) != CLI_OK)
        return rc;
    rc = tl_scenario_from_json(&s, text, len);
    tl_free(text);
    text = NULL;
    if (rc != TL_OK)
        return cli_fail("explain", rc, strcmp(pos[0], "-") ? pos[0] : "standard input");
    rc = tl_scenario_explain(&e, s);
    tl_scenario_free(s);
    if (rc != TL_OK)
        return cli_fail("explain", rc, pos[0]);
    rc = json  ? tl_explanation_to_json(&text, e)
         : dot ? tl_explanation_to_dot(&text, e)
               : tl_explanation_to_text(&text, e);
    tl_explanation_free(e);
    if (rc != TL_OK)
        return cli_fail("explain", rc, pos[0]);
    cli_fputs(text, stdout);
    if (json)
        cli_fputc('\n', stdout);
    tl_free(text);
    return fflush(stdout) == 0 ? CLI_OK : CLI_FAILED;
}

static const cli_command command = {"explain", help, 1, run};

int cmd_explain(int argc, char **argv)
{
    cli_opt opts[] = {CLI_FLAG("json", 0),  CLI_FLAG("dot", 0),  CLI_FLAG("rules", 0),
                      CLI_VALUE("ad"),      CLI_VALUE("token"),  CLI_REPEAT("target"),
                      CLI_VALUE("machine"), CLI_VALUE("domain"), CLI_END};
    return cli_run(&command, opts, argc, argv);
}
