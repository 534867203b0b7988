/* web: the middle tier. Accepts the client with its keytab (HTTP/web...), then calls db:
 *   as the client, with the credentials the client delegated (when they arrived and
 *   --impersonate allows it), or
 *   as itself, its process identity: its own principal from its keytab.
 * It relays db's verdict to the client, so the client prints the whole chain.
 *
 * --impersonate never         always the process identity (IIS: impersonation off, or after
 *                             RevertToSelf / on a thread-pool continuation)
 * --impersonate if-delegated  the user when delegated credentials arrived, else the process
 *                             identity (the default)
 * --impersonate always        the user or nothing: without delegated credentials the hop fails
 *                             (Windows would send ANONYMOUS LOGON) */
#include "probe_net.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(
        stderr,
        "usage: web --db ADDR --db-spn SPN [--keytab FILE --principal SPN]\n"
        "           [--mech kerberos|ntlm|negotiate] [--impersonate never|if-delegated|always]\n"
        "           [--port N] [--port-file FILE] [--timeout SECONDS]\n"
        "Accepts one client on 127.0.0.1, then connects to db as the client or as itself.\n"
        "Itself = --principal from --keytab (POSIX), else the process's own credentials\n"
        "(Windows: the service's logon, e.g. the machine account for NetworkService).\n");
    return 2;
}

/* Send the lines collected so far to the client, as one 'R' (or 'E') frame. */
static void relay(int cfd, char type, const char *text)
{
    if (cfd >= 0)
        probe_send(cfd, type, text, strlen(text));
}

int main(int argc, char **argv)
{
    probe_net_init();
    tl_hop_options in = TL_HOP_OPTIONS_INIT;
    const char *port_file = NULL, *db = NULL, *db_spn = NULL, *imp = "if-delegated";
    int port = 0, timeout = 60;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        }
        if (!v)
            return usage();
        if (!strcmp(a, "--keytab"))
            in.keytab = v;
        else if (!strcmp(a, "--principal"))
            in.principal = v;
        else if (!strcmp(a, "--port"))
            port = atoi(v);
        else if (!strcmp(a, "--port-file"))
            port_file = v;
        else if (!strcmp(a, "--timeout"))
            timeout = atoi(v);
        else if (!strcmp(a, "--db"))
            db = v;
        else if (!strcmp(a, "--db-spn"))
            db_spn = v;
        else if (!strcmp(a, "--impersonate"))
            imp = v;
        else if (!strcmp(a, "--mech")) {
            if (tl_hop_mech_from_string(&in.mech, v) != TL_OK)
                return usage();
        } else
            return usage();
        i++;
    }
    if (!db || !db_spn || (!in.principal != !in.keytab) ||
        (strcmp(imp, "never") && strcmp(imp, "if-delegated") && strcmp(imp, "always")))
        return usage();

    /* The acceptor: any mechanism the client picks (its keytab for Kerberos; NTLM_USER_FILE
     * for NTLM), named by its own principal. */
    tl_hop_options acc = in;
    acc.principal = NULL;
    tl_hop_server *s;
    int cfd;
    if (probe_serve_one("web", &acc, port, port_file, timeout, &s, &cfd) != 0)
        return 1;

    const char *who = tl_hop_server_client_name(s);
    bool deleg = tl_hop_server_delegated(s);
    char report[4096];
    int n = snprintf(report, sizeof report, "web sees %s (%s, %s)\n", who ? who : "?",
                     tl_hop_mech_name(tl_hop_server_mech(s)),
                     deleg ? "delegated credentials arrived" : "no delegated credentials");

    /* Pick the outbound identity. */
    tl_hop_client *c = NULL;
    tl_hop_options out = TL_HOP_OPTIONS_INIT;
    out.mech = TL_HOP_MECH_KERBEROS;
    int rc;
    const char *as;
    if (strcmp(imp, "never") != 0 && deleg) {
        rc = tl_hop_client_new_delegated(&c, s, db_spn, &out);
        as = "delegated credentials";
    } else if (!strcmp(imp, "always")) {
        rc = tl_hop_client_new_delegated(&c, s, db_spn, &out); /* fails: nothing was delegated */
        as = "delegated credentials";
    } else {
        out.principal = in.principal;
        out.keytab = in.keytab;
        rc = tl_hop_client_new(&c, db_spn, &out);
        as = "process identity";
    }
    if (rc != TL_OK) {
        const tl_error *e = tl_error_last();
        probe_print_error("web -> db");
        snprintf(report + n, sizeof report - (size_t)n,
                 "web -> db as %s: %s\ndb sees nobody (the hop failed)", who ? who : "?",
                 e->message);
        printf("%s\n", report);
        relay(cfd, 'R', report);
        probe_close(cfd);
        tl_hop_server_free(s);
        return 1;
    }
    int dfd = probe_connect(db);
    if (dfd < 0 || probe_client_exchange(dfd, c) != 0) {
        snprintf(report + n, sizeof report - (size_t)n,
                 "web -> db failed (see web's stderr)\ndb sees nobody (the hop failed)");
        printf("%s\n", report);
        relay(cfd, 'R', report);
        if (dfd >= 0)
            probe_close(dfd);
        probe_close(cfd);
        tl_hop_client_free(c);
        tl_hop_server_free(s);
        return 1;
    }
    n += snprintf(report + n, sizeof report - (size_t)n, "web -> db as %s (%s, %s)\n",
                  tl_hop_client_name(c) ? tl_hop_client_name(c) : "?",
                  tl_hop_mech_name(tl_hop_client_mech(c)), as);
    char type;
    uint8_t *line;
    size_t len;
    if (probe_recv(dfd, &type, &line, &len) == 0) {
        snprintf(report + n, sizeof report - (size_t)n, "%s", (char *)line);
        free(line);
    }
    printf("%s\n", report);
    fflush(stdout);
    relay(cfd, 'R', report);
    probe_close(dfd);
    probe_close(cfd);
    tl_hop_client_free(c);
    tl_hop_server_free(s);
    return 0;
}
