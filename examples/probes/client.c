/* client: the user's side. Authenticates to web (an SPN) with the current credentials,
 * asks for delegation, prints what the protocol did, then prints web's and db's report. */
#include "probe_net.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fprintf(
        stderr,
        "usage: client --connect 127.0.0.1:PORT --spn HTTP/web.lab.test\n"
        "              [--mech negotiate|kerberos|ntlm] [--delegate none|policy|always]\n"
        "              [--user NAME]\n"
        "--delegate policy (default) delegates only to ok-as-delegate targets, as Windows does.\n");
    return 2;
}

int main(int argc, char **argv)
{
    probe_net_init();
    tl_hop_options o = TL_HOP_OPTIONS_INIT;
    const char *addr = NULL, *spn = NULL;
    o.delegation = TL_HOP_DELEGATE_POLICY;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        }
        if (!v)
            return usage();
        if (!strcmp(a, "--connect"))
            addr = v;
        else if (!strcmp(a, "--spn"))
            spn = v;
        else if (!strcmp(a, "--user"))
            o.principal = v;
        else if (!strcmp(a, "--mech")) {
            if (tl_hop_mech_from_string(&o.mech, v) != TL_OK)
                return usage();
        } else if (!strcmp(a, "--delegate")) {
            if (!strcmp(v, "none"))
                o.delegation = TL_HOP_DELEGATE_NONE;
            else if (!strcmp(v, "policy"))
                o.delegation = TL_HOP_DELEGATE_POLICY;
            else if (!strcmp(v, "always"))
                o.delegation = TL_HOP_DELEGATE_ALWAYS;
            else
                return usage();
        } else
            return usage();
        i++;
    }
    if (!addr || !spn)
        return usage();
    tl_hop_client *c;
    if (tl_hop_client_new(&c, spn, &o) != TL_OK) {
        probe_print_error("client");
        return 1;
    }
    int fd = probe_connect(addr);
    if (fd < 0 || probe_client_exchange(fd, c) != 0) {
        if (fd >= 0)
            probe_close(fd);
        tl_hop_client_free(c);
        return 1;
    }
    const char *me = tl_hop_client_name(c);
    printf("client: %s -> %s over %s\n", me ? me : "?", spn,
           tl_hop_mech_name(tl_hop_client_mech(c)));
    tl_hop_deleg_reason r = tl_hop_client_deleg_reason(c);
    if (tl_hop_client_delegated(c))
        printf("client: delegation granted\n");
    else
        printf("client: not delegated (%s): %s\n", tl_hop_deleg_reason_name(r),
               tl_hop_deleg_reason_text(r));
    uint32_t flags;
    if (tl_hop_client_ticket_flags(&flags, c) == TL_OK) {
        char *names = NULL;
        if (tl_hop_ticket_flags_format(&names, flags) == TL_OK)
            printf("client: service ticket flags: %s\n", names);
        tl_free(names);
    }
    char type;
    uint8_t *line;
    size_t len;
    int rc = 1;
    if (probe_recv(fd, &type, &line, &len) == 0) {
        printf("%s\n", (char *)line);
        rc = type == 'R' && !strstr((char *)line, "db sees nobody") ? 0 : 1;
        free(line);
    }
    probe_close(fd);
    tl_hop_client_free(c);
    return rc;
}
