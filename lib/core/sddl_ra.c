/*
 * Resource attribute ACEs (SDDL "RA", SYSTEM_RESOURCE_ATTRIBUTE_ACE 0x12, MS-DTYP 2.4.4.15):
 * the seventh field `("name",T?,flags,value,...)` (MS-DTYP 2.5.1.1 attribute-data) <-> the
 * CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 bytes stored after the ACE's SID (MS-DTYP 2.4.10.1).
 *
 * Layout, as Windows builds it (recorded: Samba libcli/security/tests/windows/
 * conditional_aces.txt.json and tests/test_sddl_conditional_ace.c, bytes from Windows):
 * Name offset (4), ValueType (2), Reserved (2), Flags (4), ValueCount (4), ValueCount
 * value offsets (4 each), the NUL-terminated UTF-16LE name, then the values back to back
 * without alignment: INT64 / UINT64 / BOOLEAN as 8 bytes, STRING as NUL-terminated
 * UTF-16LE, SID and OCTET_STRING as a 4-byte length and the bytes. Offsets count from the
 * start of the claim; the ACE is padded with zeros to a multiple of 4.
 *
 * Canonical text, as Windows prints it: `("colour",TS,0x0,"blue","red")` - flags in hex
 * with "0x", values separated by "," without blanks, strings quoted, integers in decimal,
 * SIDs bare (alias when one exists, unlike SID(...) in conditions), octets as bare hex.
 */
#include "sd_internal.h"
#include <string.h>

#define MAX_VALUES 1024u

static bool ws_char(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int hexv(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Characters a claim name prints unescaped; everything else is %XXXX (UTF-16 code unit,
 * lower-case hex, as in Samba's Windows-derived "colOIr%0016..." case). */
static bool name_plain(uint16_t u)
{
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z'))
        return true;
    return u && u < 0x80 && strchr("#$'*+-./:;?@[\\]^_`{}~", (int)u) != NULL;
}

typedef struct rp {
    const char *s;
    size_t len, pos, base;
    const tl_sid *domain;
    tl__buf vals; /* value bytes */
    uint32_t offs[MAX_VALUES];
    uint32_t count;
} rp;

static int rerr(rp *r, size_t at, const char *msg)
{
    return tl__error_at(TL_EPARSE, r->base + at, "resource attribute: %s", msg);
}

static void skip(rp *r)
{
    while (r->pos < r->len && ws_char(r->s[r->pos]))
        r->pos++;
}

static bool eat(rp *r, char c)
{
    skip(r);
    if (r->pos < r->len && r->s[r->pos] == c) {
        r->pos++;
        return true;
    }
    return false;
}

static void put_le(tl__buf *b, uint64_t v, int bytes)
{
    char t[8];
    for (int i = 0; i < bytes; i++)
        t[i] = (char)(v >> (8 * i));
    tl__buf_putn(b, t, (size_t)bytes);
}

/* An integer as SDDL writes one: optional sign, 0x hex, leading-0 octal, else decimal. */
static int number(rp *r, bool allow_neg, uint64_t max, uint64_t *out, bool *neg)
{
    skip(r);
    size_t at = r->pos;
    *neg = false;
    if (r->pos < r->len && (r->s[r->pos] == '-' || r->s[r->pos] == '+')) {
        *neg = r->s[r->pos] == '-';
        r->pos++;
    }
    if (*neg && !allow_neg)
        return rerr(r, at, "a negative number is not allowed here");
    unsigned base = 10;
    if (r->len - r->pos >= 2 && r->s[r->pos] == '0' &&
        (r->s[r->pos + 1] == 'x' || r->s[r->pos + 1] == 'X')) {
        base = 16;
        r->pos += 2;
    } else if (r->pos < r->len && r->s[r->pos] == '0') {
        base = 8;
    }
    size_t digits = r->pos;
    uint64_t v = 0;
    while (r->pos < r->len) {
        int d = hexv(r->s[r->pos]);
        if (d < 0 || (unsigned)d >= base)
            break;
        if ((uint64_t)d > max || v > (max - (uint64_t)d) / base)
            return rerr(r, at, "number out of range");
        v = v * base + (uint64_t)d;
        r->pos++;
    }
    if (r->pos == digits)
        return rerr(r, at, "number expected");
    *out = v;
    return TL_OK;
}

static int value(rp *r, char type)
{
    if (r->count >= MAX_VALUES)
        return rerr(r, r->pos, "more than 1024 values");
    skip(r);
    size_t at = r->pos;
    r->offs[r->count++] = (uint32_t)r->vals.len; /* relative to the value area for now */
    uint64_t v;
    bool neg;
    int rc;
    switch (type) {
    case 'I':
        if ((rc = number(r, true, (uint64_t)INT64_MAX + 1, &v, &neg)))
            return rc;
        if (!neg && v > (uint64_t)INT64_MAX)
            return rerr(r, at, "TI value out of range");
        put_le(&r->vals, neg ? (uint64_t)0 - v : v, 8);
        return TL_OK;
    case 'U':
        if ((rc = number(r, false, UINT64_MAX, &v, &neg)))
            return rc;
        put_le(&r->vals, v, 8);
        return TL_OK;
    case 'B':
        if ((rc = number(r, false, 1, &v, &neg)))
            return rc == TL_EPARSE ? rerr(r, at, "TB values are 0 or 1") : rc;
        put_le(&r->vals, v, 8);
        return TL_OK;
    case 'S': {
        if (r->pos >= r->len || r->s[r->pos] != '"')
            return rerr(r, at, "TS values are \"quoted\"");
        size_t start = ++r->pos;
        while (r->pos < r->len && r->s[r->pos] != '"') {
            if ((unsigned char)r->s[r->pos] >= 0x80)
                return rerr(r, r->pos, "non-ASCII strings are not supported");
            r->pos++;
        }
        if (r->pos >= r->len)
            return rerr(r, start - 1, "unterminated string");
        for (size_t i = start; i < r->pos; i++)
            put_le(&r->vals, (unsigned char)r->s[i], 2);
        put_le(&r->vals, 0, 2);
        r->pos++;
        return TL_OK;
    }
    case 'D': {
        size_t start = r->pos;
        while (r->pos < r->len && r->s[r->pos] != ',' && r->s[r->pos] != ')' &&
               !ws_char(r->s[r->pos]))
            r->pos++;
        size_t n = r->pos - start;
        char text[TL_SID_STRING_MAX];
        if (n == 0 || n >= sizeof text)
            return rerr(r, start, "TD values are SIDs (S-1-... or an alias)");
        memcpy(text, r->s + start, n);
        text[n] = 0;
        tl_sid sid;
        if (n > 2 && (text[0] == 's' || text[0] == 'S') && text[1] == '-') {
            text[0] = 'S';
            rc = tl_sid_from_string(&sid, text);
        } else {
            rc = tl_sid_from_sddl_alias(&sid, text, r->domain);
        }
        if (rc)
            return rerr(r, start, "bad SID in a TD value");
        uint8_t bin[TL_SID_MAX_BINARY];
        size_t w = 0;
        tl_sid_to_binary(bin, sizeof bin, &sid, &w);
        put_le(&r->vals, w, 4);
        tl__buf_putn(&r->vals, (const char *)bin, w);
        return TL_OK;
    }
    case 'X': {
        /* Bare hex digits, '#' counting as 0 (an optional leading '#' included); an odd
         * count reads as having a leading 0: "abc" = 0abc, "#12" = 0012, "f##" = 0f00
         * (Samba's notes on Windows' resource attribute octet strings). */
        size_t start = r->pos;
        while (r->pos < r->len && (hexv(r->s[r->pos]) >= 0 || r->s[r->pos] == '#'))
            r->pos++;
        size_t n = r->pos - start, odd = n % 2;
        if (n == 0)
            return rerr(r, start, "TX values are hex digits");
        put_le(&r->vals, (n + odd) / 2, 4);
        unsigned acc = 0;
        for (size_t i = 0; i < n + odd; i++) {
            int d = (odd && i == 0) ? 0 : hexv(r->s[start + i - odd]);
            acc = acc << 4 | (unsigned)(d < 0 ? 0 : d); /* '#' is 0 */
            if (i % 2) {
                char b = (char)acc;
                tl__buf_putn(&r->vals, &b, 1);
                acc = 0;
            }
        }
        return TL_OK;
    }
    default:
        return rerr(r, at, "unknown attribute type");
    }
}

int tl__ra_compile(uint8_t **out, size_t *out_len, const char *text, size_t len, size_t base,
                   const tl_sid *domain)
{
    *out = NULL;
    *out_len = 0;
    rp *r = tl__calloc(1, sizeof *r);
    if (!r)
        return tl__oom();
    r->s = text;
    r->len = len;
    r->base = base;
    r->domain = domain;
    tl__buf name = TL__BUF_INIT, claim = TL__BUF_INIT;
    int rc = TL_OK;
    uint16_t vtype = 0;
    uint64_t flags = 0;
    bool neg;
    if (!eat(r, '(') || !eat(r, '"')) {
        rc = rerr(r, r->pos, "expected (\"name\",T?,flags,value...)");
        goto done;
    }
    size_t name_at = r->pos;
    while (r->pos < r->len && r->s[r->pos] != '"') {
        char c = r->s[r->pos];
        if (c == '%' && r->len - r->pos >= 5 && hexv(r->s[r->pos + 1]) >= 0 &&
            hexv(r->s[r->pos + 2]) >= 0 && hexv(r->s[r->pos + 3]) >= 0 &&
            hexv(r->s[r->pos + 4]) >= 0) {
            unsigned u = 0;
            for (int i = 1; i <= 4; i++)
                u = u << 4 | (unsigned)hexv(r->s[r->pos + (size_t)i]);
            if (u == 0) {
                rc = rerr(r, r->pos, "%0000 in an attribute name");
                goto done;
            }
            put_le(&name, u, 2);
            r->pos += 5;
        } else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f || c == '%') {
            rc = rerr(r, r->pos, "attribute names are printable ASCII or %XXXX escapes");
            goto done;
        } else {
            put_le(&name, (unsigned char)c, 2);
            r->pos++;
        }
    }
    if (r->pos >= r->len || r->pos == name_at) {
        rc = rerr(r, name_at,
                  r->pos >= r->len ? "unterminated attribute name" : "empty attribute name");
        goto done;
    }
    r->pos++;
    if (!eat(r, ',')) {
        rc = rerr(r, r->pos, "',' expected after the attribute name");
        goto done;
    }
    skip(r);
    static const struct {
        char c;
        uint16_t type;
    } types[] = {{'I', 1}, {'U', 2}, {'S', 3}, {'D', 5}, {'B', 6}, {'X', 0x10}};
    char tc = 0;
    if (r->len - r->pos >= 2 && r->s[r->pos] == 'T')
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (r->s[r->pos + 1] == types[i].c) {
                tc = types[i].c;
                vtype = types[i].type;
            }
    if (!tc) {
        rc = rerr(r, r->pos, "attribute type must be TI, TU, TS, TD, TX or TB");
        goto done;
    }
    r->pos += 2;
    if (!eat(r, ',')) {
        rc = rerr(r, r->pos, "',' expected after the attribute type");
        goto done;
    }
    size_t flags_at = r->pos;
    if ((rc = number(r, false, 0xFFFFFFFFu, &flags, &neg)))
        goto done;
    if (flags & 0xFF00u) {
        /* MS-DTYP 2.4.10.1: 0xFF00 is reserved for the system. */
        rc = rerr(r, flags_at, "attribute flags may not use the reserved bits 0xff00");
        goto done;
    }
    do {
        if (!eat(r, ',')) {
            rc = rerr(r, r->pos, r->count ? "',' or ')' expected" : "at least one value expected");
            goto done;
        }
        if ((rc = value(r, tc)))
            goto done;
    } while (!eat(r, ')'));
    skip(r);
    if (r->pos != r->len) {
        rc = rerr(r, r->pos, "unexpected text after the attribute");
        goto done;
    }
    if (name.failed || r->vals.failed) {
        rc = tl__oom();
        goto done;
    }
    uint32_t header = 16 + 4 * r->count;
    uint32_t vbase = header + (uint32_t)name.len + 2;
    put_le(&claim, header, 4);
    put_le(&claim, vtype, 2);
    put_le(&claim, 0, 2);
    put_le(&claim, flags, 4);
    put_le(&claim, r->count, 4);
    for (uint32_t i = 0; i < r->count; i++)
        put_le(&claim, vbase + r->offs[i], 4);
    tl__buf_putn(&claim, name.data, name.len);
    put_le(&claim, 0, 2);
    tl__buf_putn(&claim, r->vals.data, r->vals.len);
    while (claim.len % 4)
        put_le(&claim, 0, 1);
    if (claim.failed) {
        rc = tl__oom();
        goto done;
    }
    *out_len = claim.len;
    *out = (uint8_t *)claim.data;
    claim.data = NULL;
done:
    tl__buf_free(&claim);
    tl__buf_free(&name);
    tl__buf_free(&r->vals);
    tl__free(r);
    return rc;
}

/* ---- reading ---------------------------------------------------------------------------- */

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Length in bytes of the NUL-terminated UTF-16 string at d[off] (without the NUL), or
 * SIZE_MAX when it runs off the end. */
static size_t utf16z(const uint8_t *d, size_t n, size_t off)
{
    for (size_t q = off; q + 1 < n; q += 2)
        if (d[q] == 0 && d[q + 1] == 0)
            return q - off;
    return (size_t)-1;
}

int tl__claim_parse(tl__claim *c, const uint8_t *d, size_t n)
{
    memset(c, 0, sizeof *c);
    if (n < 16)
        return tl__error(TL_EPARSE, "resource attribute data is shorter than its 16-byte header");
    uint32_t name_off = rd32(d);
    c->type = (uint16_t)(d[4] | d[5] << 8);
    c->flags = rd32(d + 8);
    c->count = rd32(d + 12);
    if (c->type != 1 && c->type != 2 && c->type != 3 && c->type != 5 && c->type != 6 &&
        c->type != 0x10)
        return tl__error(TL_EPARSE, "resource attribute value type 0x%x is unknown", c->type);
    if (c->count == 0 || c->count > (n - 16) / 4)
        return tl__error(TL_EPARSE, "resource attribute has a bad value count %u", c->count);
    size_t nl = name_off < n ? utf16z(d, n, name_off) : (size_t)-1;
    if (nl == (size_t)-1 || nl == 0)
        return tl__error(TL_EPARSE, "resource attribute name lies outside its data");
    c->data = d;
    c->size = n;
    c->name = d + name_off;
    c->name_bytes = nl;
    for (uint32_t i = 0; i < c->count; i++) {
        tl__claim_value v;
        int rc = tl__claim_value_at(c, i, &v);
        if (rc)
            return rc;
    }
    return TL_OK;
}

int tl__claim_value_at(const tl__claim *c, uint32_t i, tl__claim_value *v)
{
    memset(v, 0, sizeof *v);
    const uint8_t *d = c->data;
    size_t n = c->size, off = rd32(d + 16 + 4 * (size_t)i);
    v->type = c->type;
    if (off >= n)
        return tl__error(TL_EPARSE, "resource attribute value %u lies outside its data", i);
    switch (c->type) {
    case 1:
    case 2:
    case 6:
        if (n - off < 8)
            return tl__error(TL_EPARSE, "resource attribute value %u is truncated", i);
        v->i = (int64_t)((uint64_t)rd32(d + off) | (uint64_t)rd32(d + off + 4) << 32);
        return TL_OK;
    case 3: {
        size_t l = utf16z(d, n, off);
        if (l == (size_t)-1)
            return tl__error(TL_EPARSE, "resource attribute string %u is not terminated", i);
        v->p = d + off;
        v->len = l;
        return TL_OK;
    }
    default: {
        if (n - off < 4 || rd32(d + off) > n - off - 4)
            return tl__error(TL_EPARSE, "resource attribute value %u is truncated", i);
        v->p = d + off + 4;
        v->len = rd32(d + off);
        if (c->type == 5) {
            tl_sid sid;
            size_t used;
            if (tl_sid_from_binary(&sid, v->p, v->len, &used) || used != v->len)
                return tl__error(TL_EPARSE, "resource attribute SID %u is invalid", i);
        }
        return TL_OK;
    }
    }
}

int tl__ra_render(char **out, const uint8_t *d, size_t n, const tl_sid *domain)
{
    *out = NULL;
    tl__claim c;
    int rc = tl__claim_parse(&c, d, n);
    if (rc)
        return rc;
    static const char *const tname[] = {NULL, "TI", "TU", "TS", NULL, "TD", "TB"};
    tl__buf b = TL__BUF_INIT;
    tl__buf_put(&b, "(\"");
    for (size_t q = 0; q < c.name_bytes; q += 2) {
        uint16_t u = (uint16_t)(c.name[q] | c.name[q + 1] << 8);
        if (name_plain(u)) {
            tl__buf_putc(&b, (char)u);
        } else {
            static const char hx[] = "0123456789abcdef";
            char e[5] = {'%', hx[u >> 12], hx[(u >> 8) & 15], hx[(u >> 4) & 15], hx[u & 15]};
            tl__buf_putn(&b, e, 5);
        }
    }
    tl__buf_put(&b, "\",");
    tl__buf_put(&b, c.type == 0x10 ? "TX" : tname[c.type]);
    tl__buf_printf(&b, ",0x%x", (unsigned)c.flags);
    for (uint32_t i = 0; i < c.count; i++) {
        tl__claim_value v;
        tl__claim_value_at(&c, i, &v); /* validated by tl__claim_parse */
        char num[24];
        tl__buf_putc(&b, ',');
        switch (c.type) {
        case 1:
            if (v.i < 0) {
                tl__buf_putc(&b, '-');
                tl__buf_putn(&b, num, tl__fmt_u64(num, (uint64_t)0 - (uint64_t)v.i));
            } else {
                tl__buf_putn(&b, num, tl__fmt_u64(num, (uint64_t)v.i));
            }
            break;
        case 2:
        case 6:
            tl__buf_putn(&b, num, tl__fmt_u64(num, (uint64_t)v.i));
            break;
        case 3:
            tl__buf_putc(&b, '"');
            for (size_t q = 0; q < v.len; q += 2) {
                uint16_t u = (uint16_t)(v.p[q] | v.p[q + 1] << 8);
                if (u >= 0x80) {
                    tl__buf_free(&b);
                    return tl__error(TL_ENOTIMPL, "non-ASCII resource attribute strings are not "
                                                  "implemented");
                }
                tl__buf_putc(&b, (char)u);
            }
            tl__buf_putc(&b, '"');
            break;
        case 5: {
            tl_sid sid;
            size_t used;
            char tmp[TL_SID_STRING_MAX];
            tl_sid_from_binary(&sid, v.p, v.len, &used);
            tl__sddl_sid(tmp, sizeof tmp, &sid, domain);
            tl__buf_put(&b, tmp);
            break;
        }
        default: {
            static const char hx[] = "0123456789abcdef";
            for (size_t q = 0; q < v.len; q++) {
                char e[2] = {hx[v.p[q] >> 4], hx[v.p[q] & 15]};
                tl__buf_putn(&b, e, 2);
            }
            break;
        }
        }
    }
    tl__buf_putc(&b, ')');
    return tl__buf_detach(&b, out);
}
