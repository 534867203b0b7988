/*
 * SID text without printf: the formatter every SID string goes through (tl_sid_to_string,
 * SDDL output, conditional expressions), kept below sd.c / sddl.c / sddl_cond.c so none of
 * them depends on another for it. Windows prints authorities below 2^32 in decimal and
 * larger ones as unpadded upper-case hex ("S-1-0x12A05F200-30-40", recorded on Windows,
 * Samba libcli/security/tests/windows); docs/sddl.md.
 */
#include "sd_internal.h"
#include <string.h>

size_t tl__fmt_u64(char *out, uint64_t v)
{
    char tmp[20];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

size_t tl__sid_format(char *out, const tl_sid *sid)
{
    char *p = out;
    *p++ = 'S';
    *p++ = '-';
    p += tl__fmt_u64(p, sid->revision);
    *p++ = '-';
    uint64_t a = tl_sid_authority(sid);
    if (a <= 0xFFFFFFFFull) {
        p += tl__fmt_u64(p, a);
    } else {
        static const char hex[] = "0123456789ABCDEF";
        char tmp[16];
        size_t n = 0;
        while (a) {
            tmp[n++] = hex[a & 15];
            a >>= 4;
        }
        *p++ = '0';
        *p++ = 'x';
        while (n)
            *p++ = tmp[--n];
    }
    for (unsigned i = 0; i < sid->sub_authority_count; i++) {
        *p++ = '-';
        p += tl__fmt_u64(p, sid->sub_authority[i]);
    }
    *p = 0;
    return (size_t)(p - out);
}

void tl__sddl_sid(char *buf, size_t size, const tl_sid *sid, const tl_sid *domain)
{
    const char *alias = tl_sid_sddl_alias(sid, domain);
    char tmp[TL_SID_STRING_MAX];
    const char *src = alias;
    size_t n;
    if (alias) {
        n = strlen(alias);
    } else {
        n = tl__sid_format(tmp, sid);
        src = tmp;
    }
    if (size == 0)
        return;
    if (n >= size)
        n = size - 1;
    memcpy(buf, src, n);
    buf[n] = 0;
}
