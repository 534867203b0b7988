/*
 * SIDs: string and binary forms, well-known names, SDDL aliases, virtual-account SIDs.
 * Rules and sources: docs/sid.md. Portable; SHA-1 and case mapping come from lib/platform.
 */
#include "internal.h"
#include "tokenlens/sid.h"
#include <stdatomic.h>
#include <string.h>

/* ---- construction and comparison ------------------------------------------------------- */

int tl_sid_init(tl_sid *out, uint64_t authority, const uint32_t *subs, size_t count)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_sid_init: out is NULL");
    if (count > TL_SID_MAX_SUB_AUTHORITIES)
        return tl__error(TL_ERANGE, "a SID has at most 15 sub-authorities, got %zu", count);
    if (authority > 0xFFFFFFFFFFFFull)
        return tl__error(TL_ERANGE, "identifier authority exceeds 48 bits");
    if (count && !subs)
        return tl__error(TL_EINVAL, "tl_sid_init: subs is NULL");
    tl_sid sid; /* built aside: on failure *out is untouched */
    memset(&sid, 0, sizeof sid);
    sid.revision = 1;
    sid.sub_authority_count = (uint8_t)count;
    for (int i = 5; i >= 0; i--, authority >>= 8)
        sid.authority[i] = (uint8_t)(authority & 0xFF);
    for (size_t i = 0; i < count; i++)
        sid.sub_authority[i] = subs[i];
    *out = sid;
    return TL_OK;
}

uint64_t tl_sid_authority(const tl_sid *sid)
{
    uint64_t a = 0;
    for (int i = 0; i < 6; i++)
        a = (a << 8) | sid->authority[i];
    return a;
}

bool tl_sid_is_valid(const tl_sid *sid)
{
    return sid && sid->revision == 1 && sid->sub_authority_count <= TL_SID_MAX_SUB_AUTHORITIES;
}

int tl_sid_compare(const tl_sid *a, const tl_sid *b)
{
    int c = memcmp(a->authority, b->authority, 6);
    if (c)
        return c < 0 ? -1 : 1;
    if (a->revision != b->revision)
        return a->revision < b->revision ? -1 : 1;
    size_t n = a->sub_authority_count < b->sub_authority_count ? a->sub_authority_count
                                                               : b->sub_authority_count;
    for (size_t i = 0; i < n; i++)
        if (a->sub_authority[i] != b->sub_authority[i])
            return a->sub_authority[i] < b->sub_authority[i] ? -1 : 1;
    if (a->sub_authority_count != b->sub_authority_count)
        return a->sub_authority_count < b->sub_authority_count ? -1 : 1;
    return 0;
}

bool tl_sid_equal(const tl_sid *a, const tl_sid *b)
{
    return a && b && tl_sid_compare(a, b) == 0;
}

uint32_t tl_sid_hash(const tl_sid *sid)
{
    uint8_t bin[TL_SID_MAX_BINARY];
    size_t n = 0;
    uint32_t h = 2166136261u;
    if (tl_sid_to_binary(bin, sizeof bin, sid, &n) != TL_OK)
        return 0;
    for (size_t i = 0; i < n; i++)
        h = (h ^ bin[i]) * 16777619u;
    return h;
}

int tl_sid_append_rid(tl_sid *out, const tl_sid *domain, uint32_t rid)
{
    if (!out || !tl_sid_is_valid(domain))
        return tl__error(TL_EINVAL, "tl_sid_append_rid: invalid domain SID");
    if (domain->sub_authority_count >= TL_SID_MAX_SUB_AUTHORITIES)
        return tl__error(TL_ERANGE, "domain SID already has 15 sub-authorities");
    tl_sid s = *domain;
    s.sub_authority[s.sub_authority_count++] = rid;
    *out = s;
    return TL_OK;
}

int tl_sid_split_rid(tl_sid *domain, uint32_t *rid, const tl_sid *sid)
{
    if (!tl_sid_is_valid(sid) || sid->sub_authority_count == 0)
        return tl__error(TL_EINVAL, "SID has no relative identifier to split off");
    if (rid)
        *rid = sid->sub_authority[sid->sub_authority_count - 1];
    if (domain) { /* after the checks: on failure both outputs are untouched */
        *domain = *sid;
        domain->sub_authority[--domain->sub_authority_count] = 0;
    }
    return TL_OK;
}

/* ---- binary form (MS-DTYP 2.4.2.2) ------------------------------------------------------ */

size_t tl_sid_binary_size(const tl_sid *sid)
{
    return 8 + 4 * (size_t)sid->sub_authority_count;
}

int tl_sid_to_binary(void *out, size_t out_size, const tl_sid *sid, size_t *written)
{
    if (!out || !tl_sid_is_valid(sid))
        return tl__error(TL_EINVAL, "tl_sid_to_binary: invalid SID or NULL buffer");
    size_t need = tl_sid_binary_size(sid);
    if (out_size < need)
        return tl__error(TL_ERANGE, "buffer of %zu bytes is too small for a %zu-byte SID", out_size,
                         need);
    uint8_t *p = out;
    p[0] = sid->revision;
    p[1] = sid->sub_authority_count;
    memcpy(p + 2, sid->authority, 6);                       /* big-endian, as stored */
    for (size_t i = 0; i < sid->sub_authority_count; i++) { /* little-endian */
        uint32_t v = sid->sub_authority[i];
        p[8 + 4 * i] = (uint8_t)v;
        p[9 + 4 * i] = (uint8_t)(v >> 8);
        p[10 + 4 * i] = (uint8_t)(v >> 16);
        p[11 + 4 * i] = (uint8_t)(v >> 24);
    }
    if (written)
        *written = need;
    return TL_OK;
}

int tl_sid_from_binary(tl_sid *out, const void *data, size_t len, size_t *consumed)
{
    if (!out || (!data && len))
        return tl__error(TL_EINVAL, "tl_sid_from_binary: NULL argument");
    const uint8_t *p = data;
    if (len < 8)
        return tl__error_at(TL_EPARSE, len,
                            "binary SID truncated: %zu bytes, a SID needs at least 8", len);
    if (p[0] != 1)
        return tl__error_at(TL_EPARSE, 0, "binary SID revision is %u, must be 1", p[0]);
    if (p[1] > TL_SID_MAX_SUB_AUTHORITIES)
        return tl__error_at(TL_EPARSE, 1,
                            "binary SID claims %u sub-authorities, at most 15 allowed", p[1]);
    size_t need = 8 + 4 * (size_t)p[1];
    if (len < need)
        return tl__error_at(TL_EPARSE, len,
                            "binary SID truncated: %u sub-authorities need %zu bytes, have %zu",
                            p[1], need, len);
    tl_sid sid; /* built aside: on failure *out is untouched */
    memset(&sid, 0, sizeof sid);
    sid.revision = 1;
    sid.sub_authority_count = p[1];
    memcpy(sid.authority, p + 2, 6);
    for (size_t i = 0; i < p[1]; i++)
        sid.sub_authority[i] = (uint32_t)p[8 + 4 * i] | (uint32_t)p[9 + 4 * i] << 8 |
                               (uint32_t)p[10 + 4 * i] << 16 | (uint32_t)p[11 + 4 * i] << 24;
    *out = sid;
    if (consumed)
        *consumed = need;
    return TL_OK;
}

/* ---- string form (MS-DTYP 2.4.2.1; ConvertStringSidToSid) ------------------------------- */

/* Parse one number at s[*i], decimal or 0x/0X hex (ConvertStringSidToSid accepts
 * "S-0x1-0XC-0x1a", per Wine's conformance tests recorded on Windows), at most `max`. */
static int parse_num(const char *s, size_t len, size_t *i, uint64_t max, uint64_t *out,
                     const char *what)
{
    size_t start = *i, p = *i;
    int base = 10;
    if (p + 1 < len && s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X')) {
        base = 16;
        p += 2;
    }
    size_t digits_at = p;
    uint64_t v = 0;
    while (p < len) {
        int d;
        char c = s[p];
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (v > (max - (uint64_t)d) / (uint64_t)base)
            return tl__error_at(TL_EPARSE, start, "%s at offset %zu is larger than %llu", what,
                                start, (unsigned long long)max);
        v = v * (uint64_t)base + (uint64_t)d;
        p++;
    }
    if (p == digits_at) {
        if (p >= len)
            return tl__error_at(TL_EPARSE, p, "%s missing at offset %zu (end of input)", what, p);
        return tl__error_at(TL_EPARSE, p, "expected %s at offset %zu, found '%c'", what, p, s[p]);
    }
    *out = v;
    *i = p;
    return TL_OK;
}

int tl_sid_from_stringn(tl_sid *out, const char *s, size_t len)
{
    if (!out || (!s && len))
        return tl__error(TL_EINVAL, "tl_sid_from_string: NULL argument");
    if (len == 0)
        return tl__error_at(TL_EPARSE, 0, "empty SID string");
    if (!(s[0] == 'S' || s[0] == 's'))
        return tl__error_at(TL_EPARSE, 0, "a SID string starts with 'S-', found '%c' at offset 0",
                            s[0]);
    if (len < 2 || s[1] != '-')
        return tl__error_at(TL_EPARSE, 1, "expected '-' after 'S' at offset 1");
    size_t i = 2;
    uint64_t rev, auth, v;
    int rc;
    if ((rc = parse_num(s, len, &i, 0xFF, &rev, "revision")) != TL_OK)
        return rc;
    if (rev != 1)
        return tl__error_at(TL_EPARSE, 2, "SID revision must be 1, got %llu",
                            (unsigned long long)rev);
    if (i >= len || s[i] != '-')
        return tl__error_at(TL_EPARSE, i, "expected '-' after the revision at offset %zu", i);
    i++;
    if ((rc = parse_num(s, len, &i, 0xFFFFFFFFFFFFull, &auth, "identifier authority")) != TL_OK)
        return rc;
    uint32_t subs[TL_SID_MAX_SUB_AUTHORITIES];
    size_t n = 0;
    while (i < len) {
        if (s[i] != '-')
            return tl__error_at(TL_EPARSE, i, "unexpected '%c' at offset %zu in SID string", s[i],
                                i);
        i++;
        if (n == TL_SID_MAX_SUB_AUTHORITIES)
            return tl__error_at(TL_EPARSE, i, "more than 15 sub-authorities (offset %zu)", i);
        if ((rc = parse_num(s, len, &i, 0xFFFFFFFFu, &v, "sub-authority")) != TL_OK)
            return rc;
        subs[n++] = (uint32_t)v;
    }
    /* ConvertStringSidToSid("S-1-5") fails with ERROR_INVALID_SID (Wine's tests, recorded on
     * Windows): a SID string needs at least one sub-authority. */
    if (n == 0)
        return tl__error_at(TL_EPARSE, len, "a SID string needs at least one sub-authority");
    return tl_sid_init(out, auth, subs, n);
}

int tl_sid_from_string(tl_sid *out, const char *str)
{
    if (!str)
        return tl__error(TL_EINVAL, "tl_sid_from_string: NULL string");
    return tl_sid_from_stringn(out, str, strlen(str));
}

int tl_sid_to_string(char *out, size_t out_size, const tl_sid *sid)
{
    if (!out || !tl_sid_is_valid(sid))
        return tl__error(TL_EINVAL, "tl_sid_to_string: invalid SID or NULL buffer");
    /* Decimal below 2^32, upper-case hex above (as Windows prints it): sddl_sid.c. A buffer
     * of TL_SID_STRING_MAX always fits, so it is written in place. */
    if (out_size >= TL_SID_STRING_MAX) {
        tl__sid_format(out, sid);
        return TL_OK;
    }
    char buf[TL_SID_STRING_MAX];
    size_t n = tl__sid_format(buf, sid);
    if (n + 1 > out_size)
        return tl__error(TL_ERANGE, "buffer of %zu bytes is too small for '%s'", out_size, buf);
    memcpy(out, buf, n + 1);
    return TL_OK;
}
