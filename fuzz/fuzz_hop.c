/* Fuzz the hop module's text inputs: SPN / host-based target parsing (tl__hop_split_target,
 * which every probe runs on its target before any GSSAPI/SSPI call), mechanism names and
 * ticket-flag formatting. Checks: a split target's parts are non-empty and occur in the input;
 * failures raise TL_EINVAL with outputs cleared. */
#include "internal.h"
#include "hop/hop_internal.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0'; /* embedded NULs just shorten the string, as in C callers */

    char *svc = (char *)"x", *host = (char *)"x";
    int rc = tl__hop_split_target(&svc, &host, s);
    if (rc == TL_OK) {
        if (!svc[0] || !host[0] || !strstr(s, svc) || !strstr(s, host))
            abort();
        tl_free(svc);
        tl_free(host);
    } else if (rc != TL_EINVAL || svc || host) {
        abort();
    }

    tl_hop_mech m;
    rc = tl_hop_mech_from_string(&m, s);
    if (rc == TL_OK ? (m < TL_HOP_MECH_NEGOTIATE || m > TL_HOP_MECH_NTLM)
                    : (rc != TL_EINVAL || m != TL_HOP_MECH_UNKNOWN))
        abort();
    (void)tl_hop_mech_name(m);

    if (size >= 4) {
        uint32_t flags =
            (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
        char *text = NULL;
        if (tl_hop_ticket_flags_format(&text, flags) == TL_OK) {
            if (!text || (flags == 0) != (text[0] == '\0'))
                abort();
            tl_free(text);
        }
        (void)tl_hop_deleg_reason_text((tl_hop_deleg_reason)(data[0] % 8));
        tl__hop_outcome o = {(tl_hop_mech)(data[1] % 4), (tl_hop_delegation)(data[2] % 3),
                             (data[3] & 1) != 0, (data[3] & 2) != 0, flags};
        if ((unsigned)tl__hop_deleg_reason(&o) > TL_HOP_DELEG_REFUSED)
            abort();
    }
    free(s);
    return 0;
}
