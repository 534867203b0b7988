/* db: the last tier. Accepts one client and reports who arrived and how:
 *   db sees alice@LAB.TEST (Kerberos, delegated)             the ticket came from a forwarded TGT
 *   db sees HTTP/web.lab.test@LAB.TEST (Kerberos, process identity)   a service's own key
 *   db sees alice@LAB.TEST (Kerberos, own credentials)       the user came directly
 *   db sees CONTOSO\alice (Kerberos, user)                   Windows: no ticket flags to tell
 * The verdict uses only what the protocol shows db: the client name and the ticket's FORWARDED
 * flag (RFC 4120 2.6: set on tickets issued from a forwarded TGT). */
#include "probe_net.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(stderr, "usage: db [--keytab FILE] [--principal SPN] [--mech kerberos|ntlm|negotiate]\n"
                    "          [--port N] [--port-file FILE] [--timeout SECONDS]\n"
                    "Accepts one connection on 127.0.0.1 and prints who arrived.\n");
    return 2;
}

int main(int argc, char **argv)
{
    probe_net_init();
    tl_hop_options o = TL_HOP_OPTIONS_INIT;
    const char *port_file = NULL;
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
            o.keytab = v;
        else if (!strcmp(a, "--principal"))
            o.principal = v;
        else if (!strcmp(a, "--port"))
            port = atoi(v);
        else if (!strcmp(a, "--port-file"))
            port_file = v;
        else if (!strcmp(a, "--timeout"))
            timeout = atoi(v);
        else if (!strcmp(a, "--mech")) {
            if (tl_hop_mech_from_string(&o.mech, v) != TL_OK)
                return usage();
        } else
            return usage();
        i++;
    }
    tl_hop_server *s;
    int fd;
    if (probe_serve_one("db", &o, port, port_file, timeout, &s, &fd) != 0)
        return 1;
    const char *who = tl_hop_server_client_name(s);
    uint32_t flags = 0;
    int have_flags = tl_hop_server_ticket_flags(&flags, s) == TL_OK;
    /* SSPI shows no ticket flags: there a user who arrives is just "user" (delegated or
     * logged on directly, db cannot tell); a service principal or HOST$ is a process identity. */
    const char *how = have_flags && (flags & TL_HOP_TKT_FORWARDED) ? "delegated"
                      : probe_is_service_name(who)                 ? "process identity"
                      : have_flags                                 ? "own credentials"
                                                                   : "user";
    char line[1024];
    snprintf(line, sizeof line, "db sees %s (%s, %s)", who ? who : "?",
             tl_hop_mech_name(tl_hop_server_mech(s)), how);
    printf("%s\n", line);
    if (have_flags) {
        char *names = NULL;
        if (tl_hop_ticket_flags_format(&names, flags) == TL_OK)
            printf("db: ticket flags: %s\n", names);
        tl_free(names);
    }
    fflush(stdout);
    int rc = probe_send(fd, 'R', line, strlen(line)) == 0 ? 0 : 1;
    probe_close(fd);
    tl_hop_server_free(s);
    return rc;
}
