/* libFuzzer target for the SqlClient connection-string parser: the first byte picks a
 * providerName, the rest is the string. Any input gives TL_OK or a clean error. */
#include "tokenlens/webconfig.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const providers[] = {NULL, "System.Data.SqlClient",
                                            "System.Data.EntityClient", "System.Data.OleDb",
                                            "Oracle.ManagedDataAccess.Client"};
    if (size < 1)
        return 0;
    const char *prov = providers[data[0] % 5];
    char *s = malloc(size);
    if (!s)
        return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = 0;
    tl_connection *c = NULL;
    if (tl_connection_parse(&c, s, prov) == TL_OK) {
        (void)tl_connection_spn(c);
        (void)tl_connection_get(c, "server");
        tl_connection_free(c);
    } else if (c) {
        abort();
    }
    free(s);
    return 0;
}
