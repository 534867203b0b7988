/*
 * Conditional ACE expressions (MS-DTYP 2.4.4.17, SDDL syntax in "Security Descriptor
 * Definition Language for Conditional ACEs" on learn.microsoft.com): SDDL text -> the binary
 * "artx" application data Windows stores, and binary -> the canonical text Windows prints
 * back. Windows re-renders from the binary form, so the canonical text follows from the
 * rendering rules alone: every relational, membership and logical result in parentheses,
 * attribute prefixes as @USER. @DEVICE. @RESOURCE., "Member_of_any" spelled that way
 * (recorded outputs in Samba's libcli/security/tests/data/conditional_aces.txt).
 */
#include "sd_internal.h"
#include "cond.h"
#include <stdlib.h>
#include <string.h>

/* Token bytes: cond.h (MS-DTYP 2.4.4.17.4 - 2.4.4.17.7). */
enum {
    T_INT64 = TL_COND_INT64,
    T_STRING = TL_COND_STRING,
    T_OCTETS = TL_COND_OCTETS,
    T_COMPOSITE = TL_COND_COMPOSITE,
    T_SID = TL_COND_SID,
    T_LOCAL = TL_COND_LOCAL,
    T_USER = TL_COND_USER,
    T_RESOURCE = TL_COND_RESOURCE,
    T_DEVICE = TL_COND_DEVICE,
    T_AND = TL_COND_AND,
    T_OR = TL_COND_OR,
    T_NOT = TL_COND_NOT,
    T_EXISTS = TL_COND_EXISTS,
    T_NOT_EXISTS = TL_COND_NOT_EXISTS
};

/* Operator keywords in the order the compiler tries them (longest first where one name
 * starts another: "<=" before "<"). Names and codes: cond.c. */
static const uint8_t rel_codes[] = {
    TL_COND_EQ, TL_COND_NE,       TL_COND_LE,     TL_COND_GE,           TL_COND_LT,
    TL_COND_GT, TL_COND_CONTAINS, TL_COND_ANY_OF, TL_COND_NOT_CONTAINS, TL_COND_NOT_ANY_OF};
static const uint8_t member_codes[] = {TL_COND_MEMBER_OF,         TL_COND_DEVICE_MEMBER_OF,
                                       TL_COND_MEMBER_OF_ANY,     TL_COND_DEVICE_MEMBER_OF_ANY,
                                       TL_COND_NOT_MEMBER_OF,     TL_COND_NOT_DEVICE_MEMBER_OF,
                                       TL_COND_NOT_MEMBER_OF_ANY, TL_COND_NOT_DEVICE_MEMBER_OF_ANY};
#define N(a) (sizeof(a) / sizeof((a)[0]))
/* Bounds. The parser's recursion (parentheses and '!') is limited generously; the
 * expression tree's depth is limited when rendering, so that canonical text (which adds
 * parentheses around every operation) always parses again under the same limits. */
#define MAX_PARSE_DEPTH 512
#define MAX_DEPTH 64

/* ---- compiler ----------------------------------------------------------------------------- */

typedef struct comp {
    const char *s;
    size_t len, pos, base; /* base: offset of s in the whole SDDL text, for errors */
    const tl_sid *domain;
    tl__buf out; /* binary, built with putn */
    int depth;
} comp;

static int cerr(comp *c, size_t at, const char *msg)
{
    return tl__error_at(TL_EPARSE, c->base + at, "conditional expression: %s", msg);
}

static void ws(comp *c)
{
    while (c->pos < c->len && (c->s[c->pos] == ' ' || c->s[c->pos] == '\t'))
        c->pos++;
}

static void put_u32(comp *c, uint32_t v)
{
    char b[4] = {(char)v, (char)(v >> 8), (char)(v >> 16), (char)(v >> 24)};
    tl__buf_putn(&c->out, b, 4);
}

static void put_byte(comp *c, uint8_t v)
{
    char b = (char)v;
    tl__buf_putn(&c->out, &b, 1);
}

static void put_utf16(comp *c, uint8_t token, const char *s, size_t n)
{
    put_byte(c, token);
    put_u32(c, (uint32_t)(n * 2));
    for (size_t i = 0; i < n; i++) { /* names and strings are ASCII here (checked by callers) */
        put_byte(c, (uint8_t)s[i]);
        put_byte(c, 0);
    }
}

static bool kw(comp *c, const char *word)
{
    size_t n = strlen(word);
    if (c->len - c->pos < n || tl__strncasecmp(c->s + c->pos, word, n) != 0)
        return false;
    char next = c->pos + n < c->len ? c->s[c->pos + n] : 0;
    bool alnum = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
                 (next >= '0' && next <= '9') || next == '_';
    if (alnum && ((word[0] >= 'A' && word[0] <= 'Z') || (word[0] >= 'a' && word[0] <= 'z')))
        return false;
    c->pos += n;
    return true;
}

static bool name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == ':' || ch == '/' || ch == '.' || ch == '$' || ch == '\'' ||
           ch == '\\';
}

/* @User.x, @Device.x, @Resource.x or a local attribute name. Returns false if none. */
static int attribute(comp *c, bool *found)
{
    *found = false;
    size_t at = c->pos;
    uint8_t tok = T_LOCAL;
    if (c->pos < c->len && c->s[c->pos] == '@') {
        static const struct {
            const char *p;
            uint8_t t;
        } pre[] = {{"@User.", T_USER}, {"@Device.", T_DEVICE}, {"@Resource.", T_RESOURCE}};
        size_t i;
        for (i = 0; i < N(pre); i++) {
            size_t n = strlen(pre[i].p);
            if (c->len - c->pos >= n && tl__strncasecmp(c->s + c->pos, pre[i].p, n) == 0) {
                tok = pre[i].t;
                c->pos += n;
                break;
            }
        }
        if (i == N(pre))
            return cerr(c, at, "attribute prefix must be @User., @Device. or @Resource.");
    } else if (c->pos >= c->len ||
               !((c->s[c->pos] >= 'a' && c->s[c->pos] <= 'z') ||
                 (c->s[c->pos] >= 'A' && c->s[c->pos] <= 'Z') || c->s[c->pos] == '_')) {
        return TL_OK;
    }
    size_t start = c->pos;
    while (c->pos < c->len && name_char(c->s[c->pos]))
        c->pos++;
    if (c->pos == start)
        return cerr(c, start, "attribute name expected");
    put_utf16(c, tok, c->s + start, c->pos - start);
    *found = true;
    return TL_OK;
}

static int sid_literal(comp *c)
{
    size_t at = c->pos;
    if (!kw(c, "SID"))
        return cerr(c, at, "SID(...) expected");
    ws(c);
    if (c->pos >= c->len || c->s[c->pos] != '(')
        return cerr(c, c->pos, "'(' expected after SID");
    size_t start = ++c->pos;
    while (c->pos < c->len && c->s[c->pos] != ')')
        c->pos++;
    if (c->pos >= c->len)
        return cerr(c, start, "unterminated SID(...)");
    char text[TL_SID_STRING_MAX];
    size_t n = c->pos - start;
    while (n && (c->s[start + n - 1] == ' '))
        n--;
    size_t lead = 0;
    while (lead < n && c->s[start + lead] == ' ')
        lead++;
    if (n - lead == 0 || n - lead >= sizeof text)
        return cerr(c, start, "bad SID in SID(...)");
    memcpy(text, c->s + start + lead, n - lead);
    text[n - lead] = 0;
    tl_sid sid;
    int rc = (text[0] == 'S' || text[0] == 's') && text[1] == '-'
                 ? tl_sid_from_string(&sid, text)
                 : tl_sid_from_sddl_alias(&sid, text, c->domain);
    if (rc)
        return cerr(c, start + lead, "bad SID in SID(...)");
    c->pos++; /* ')' */
    uint8_t bin[TL_SID_MAX_BINARY];
    size_t w = 0;
    tl_sid_to_binary(bin, sizeof bin, &sid, &w);
    put_byte(c, T_SID);
    put_u32(c, (uint32_t)w);
    tl__buf_putn(&c->out, (const char *)bin, w);
    return TL_OK;
}

static int literal(comp *c, bool allow_composite);

static int hexdig(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static int composite(comp *c)
{
    size_t at = c->pos++; /* '{' */
    put_byte(c, T_COMPOSITE);
    size_t len_at = c->out.len;
    put_u32(c, 0);
    size_t body = c->out.len;
    ws(c);
    if (c->pos < c->len && c->s[c->pos] == '}') {
        c->pos++;
    } else {
        for (;;) {
            int rc = literal(c, false);
            if (rc)
                return rc;
            ws(c);
            if (c->pos < c->len && c->s[c->pos] == ',') {
                c->pos++;
                ws(c);
                continue;
            }
            if (c->pos < c->len && c->s[c->pos] == '}') {
                c->pos++;
                break;
            }
            return cerr(c, c->pos, "',' or '}' expected in composite value");
        }
    }
    if (c->out.failed)
        return tl__oom();
    uint32_t n = (uint32_t)(c->out.len - body);
    unsigned char *p = (unsigned char *)c->out.data + len_at;
    p[0] = (unsigned char)n, p[1] = (unsigned char)(n >> 8), p[2] = (unsigned char)(n >> 16),
    p[3] = (unsigned char)(n >> 24);
    (void)at;
    return TL_OK;
}

static int literal(comp *c, bool allow_composite)
{
    ws(c);
    if (c->pos >= c->len)
        return cerr(c, c->pos, "value expected");
    char ch = c->s[c->pos];
    if (ch == '{') {
        if (!allow_composite)
            return cerr(c, c->pos, "composite values do not nest");
        return composite(c);
    }
    if (ch == '"') {
        size_t start = ++c->pos;
        while (c->pos < c->len && c->s[c->pos] != '"')
            c->pos++;
        if (c->pos >= c->len)
            return cerr(c, start - 1, "unterminated string");
        for (size_t i = start; i < c->pos; i++)
            if ((unsigned char)c->s[i] >= 0x80)
                return cerr(c, i, "non-ASCII strings are not supported");
        put_utf16(c, T_STRING, c->s + start, c->pos - start);
        c->pos++;
        return TL_OK;
    }
    if (ch == '#') {
        /* Windows reads '#' inside an octet string as a 0 digit and an odd number of digits
         * as having a leading 0 (recorded: "#1#2#3##" and "##1#2#3##" both give 01 02 03 00,
         * Samba tests/data/conditional_aces*.txt and windows/conditional_aces.txt.json). */
        size_t start = ++c->pos;
        while (c->pos < c->len && (c->s[c->pos] == '#' || hexdig(c->s[c->pos]) >= 0))
            c->pos++;
        size_t n = c->pos - start, odd = n % 2;
        put_byte(c, T_OCTETS);
        put_u32(c, (uint32_t)((n + odd) / 2));
        unsigned acc = 0;
        for (size_t i = 0; i < n + odd; i++) {
            int d = (odd && i == 0) ? 0 : hexdig(c->s[start + i - odd]);
            acc = acc << 4 | (unsigned)(d < 0 ? 0 : d);
            if (i % 2) {
                put_byte(c, (uint8_t)acc);
                acc = 0;
            }
        }
        return TL_OK;
    }
    if (ch == 'S' || ch == 's') {
        if (c->len - c->pos >= 3 && tl__strncasecmp(c->s + c->pos, "SID", 3) == 0)
            return sid_literal(c);
    }
    if ((ch >= '0' && ch <= '9') || ch == '-' || ch == '+') {
        uint8_t sign = 3, base = 2;
        size_t at = c->pos;
        if (ch == '-' || ch == '+') {
            sign = ch == '-' ? 2 : 1;
            c->pos++;
        }
        unsigned b = 10;
        if (c->len - c->pos >= 2 && c->s[c->pos] == '0' &&
            (c->s[c->pos + 1] == 'x' || c->s[c->pos + 1] == 'X')) {
            b = 16, base = 3;
            c->pos += 2;
        } else if (c->pos < c->len && c->s[c->pos] == '0' && c->pos + 1 < c->len &&
                   c->s[c->pos + 1] >= '0' && c->s[c->pos + 1] <= '7') {
            b = 8, base = 1;
        }
        uint64_t v = 0;
        size_t digits = c->pos;
        while (c->pos < c->len) {
            char d = c->s[c->pos];
            unsigned x = (d >= '0' && d <= '9')   ? (unsigned)(d - '0')
                         : (d >= 'a' && d <= 'f') ? (unsigned)(d - 'a' + 10)
                         : (d >= 'A' && d <= 'F') ? (unsigned)(d - 'A' + 10)
                                                  : 99u;
            if (x >= b)
                break;
            if (v > (UINT64_MAX - x) / b)
                return cerr(c, at, "integer out of range");
            v = v * b + x;
            c->pos++;
        }
        if (c->pos == digits)
            return cerr(c, at, "digits expected");
        /* Windows takes hex (and octal) literals up to 2^64 - 1 as the bit pattern
         * (recorded: "0xffffffffffffffff" prints back unchanged, "0x10000000000000000" fails);
         * decimals stay within int64. */
        if (base == 2 && v > (sign == 2 ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
            return cerr(c, at, "integer out of range");
        uint64_t stored = sign == 2 ? (uint64_t)0 - v : v;
        put_byte(c, T_INT64);
        put_u32(c, (uint32_t)stored);
        put_u32(c, (uint32_t)(stored >> 32));
        put_byte(c, sign);
        put_byte(c, base);
        return TL_OK;
    }
    bool found;
    int rc = attribute(c, &found);
    if (rc)
        return rc;
    if (!found)
        return cerr(c, c->pos,
                    "value expected (number, \"string\", #octets, SID(...), {...} or "
                    "attribute)");
    return TL_OK;
}

static int cond_or(comp *c);

/* A SID operand of Member_of: SID(x), {SID(x), ...} or a parenthesised one. */
static int member_operand(comp *c)
{
    ws(c);
    if (c->pos < c->len && c->s[c->pos] == '(') {
        if (++c->depth > MAX_PARSE_DEPTH)
            return tl__error_at(TL_ELIMIT, c->base + c->pos,
                                "conditional expression nested "
                                "too deeply");
        c->pos++;
        int rc = member_operand(c);
        c->depth--;
        if (rc)
            return rc;
        ws(c);
        if (c->pos >= c->len || c->s[c->pos] != ')')
            return cerr(c, c->pos, "')' expected");
        c->pos++;
        return TL_OK;
    }
    /* Any value: Windows takes "Member_of {1, 2, 3}" and "Member_of 3" as well as SIDs
     * (recorded, Samba tests/data/conditional_aces.txt); only SIDs can ever match. */
    return literal(c, true);
}

static int factor(comp *c)
{
    if (++c->depth > MAX_PARSE_DEPTH)
        return tl__error_at(TL_ELIMIT, c->base + c->pos,
                            "conditional expression nested too deeply");
    ws(c);
    int rc = TL_OK;
    if (c->pos >= c->len) {
        rc = cerr(c, c->pos, "expression expected");
    } else if (c->s[c->pos] == '(') {
        c->pos++;
        if (!(rc = cond_or(c))) {
            ws(c);
            if (c->pos >= c->len || c->s[c->pos] != ')')
                rc = cerr(c, c->pos, "')' expected");
            else
                c->pos++;
        }
    } else if (c->s[c->pos] == '!' && !(c->pos + 1 < c->len && c->s[c->pos + 1] == '=')) {
        /* Windows wants '(' after '!' (blanks allowed): "(!(! (Member_of{SID(AA)})))" parses,
         * "(! Member_of{SID(BA)})" and "(!!! Member_of...)" fail (recorded, Samba
         * tests/data/conditional_aces_should_fail.txt). */
        c->pos++;
        ws(c);
        if (c->pos >= c->len || c->s[c->pos] != '(')
            rc = cerr(c, c->pos, "'(' expected after '!'");
        else if (!(rc = factor(c)))
            put_byte(c, T_NOT);
    } else {
        size_t i;
        for (i = 0; i < N(member_codes); i++) {
            /* Longest names first would matter only for shared prefixes: kw() requires a
             * non-name character after the keyword, so Member_of never eats Member_of_any. */
            if (kw(c, tl__cond_op_name(member_codes[i]))) {
                if (!(rc = member_operand(c)))
                    put_byte(c, member_codes[i]);
                break;
            }
        }
        if (i == N(member_codes)) {
            bool neg = false;
            if ((neg = kw(c, "Not_Exists")) || kw(c, "Exists")) {
                ws(c);
                bool found;
                if (!(rc = attribute(c, &found)) && !found)
                    rc = cerr(c, c->pos, "attribute expected after Exists");
                if (!rc)
                    put_byte(c, neg ? T_NOT_EXISTS : T_EXISTS);
            } else {
                size_t at = c->pos;
                bool found;
                if (!(rc = attribute(c, &found)) && !found)
                    rc = cerr(c, at, "attribute, Member_of, Exists, '!' or '(' expected");
                if (!rc) {
                    ws(c);
                    uint8_t op = 0;
                    for (size_t k = 0; k < N(rel_codes) && !op; k++)
                        if (kw(c, tl__cond_op_name(rel_codes[k])))
                            op = rel_codes[k];
                    size_t rhs_at = c->pos, mark = c->out.len;
                    if (op && !(rc = literal(c, true))) {
                        /* Local attributes are fine on the left only (recorded: "(a == a)"
                         * fails, "(a == @User.a)" parses). */
                        if (c->out.len > mark && (uint8_t)c->out.data[mark] == T_LOCAL)
                            rc = cerr(c, rhs_at,
                                      "a local attribute cannot be compared to; "
                                      "use @User., @Device. or @Resource.");
                        else
                            put_byte(c, op);
                    }
                    /* no operator: the attribute is used as a boolean */
                }
            }
        }
    }
    c->depth--;
    return rc;
}

static int cond_and(comp *c)
{
    int rc = factor(c);
    for (;;) {
        if (rc)
            return rc;
        ws(c);
        if (c->len - c->pos >= 2 && c->s[c->pos] == '&' && c->s[c->pos + 1] == '&') {
            c->pos += 2;
            if (!(rc = factor(c)))
                put_byte(c, T_AND);
        } else {
            return TL_OK;
        }
    }
}

static int cond_or(comp *c)
{
    int rc = cond_and(c);
    for (;;) {
        if (rc)
            return rc;
        ws(c);
        if (c->len - c->pos >= 2 && c->s[c->pos] == '|' && c->s[c->pos + 1] == '|') {
            c->pos += 2;
            if (!(rc = cond_and(c)))
                put_byte(c, T_OR);
        } else {
            return TL_OK;
        }
    }
}

int tl__cond_compile(uint8_t **out, size_t *out_len, const char *text, size_t len, size_t base,
                     const tl_sid *domain)
{
    *out = NULL;
    *out_len = 0;
    comp c = {text, len, 0, base, domain, TL__BUF_INIT, 0};
    tl__buf_putn(&c.out, "artx", 4);
    int rc = factor(&c); /* the whole condition is one parenthesised factor */
    if (!rc) {
        ws(&c);
        if (c.pos != c.len)
            rc = cerr(&c, c.pos, "unexpected text after the expression");
    }
    if (!rc && c.out.failed)
        rc = tl__oom();
    while (!rc && c.out.len % 4)
        put_byte(&c, 0);
    if (rc) {
        tl__buf_free(&c.out);
        return rc;
    }
    *out_len = c.out.len;
    *out = (uint8_t *)c.out.data; /* hand over the buffer */
    return TL_OK;
}

/* ---- renderer ------------------------------------------------------------------------------ */

typedef struct item {
    char *text;
    bool bare; /* an attribute or literal: wrapped in () as an operand of && || ! */
    int depth; /* height of the expression tree below */
} item;

/* A malformed expression: TL_EPARSE (TL_ELIMIT past the depth bound) at byte `at` of the
 * data, which the caller shifts to its own input's offsets. */
static int render_fail(item *st, size_t n, size_t at, const char *msg)
{
    for (size_t i = 0; i < n; i++)
        tl__free(st[i].text);
    return tl__error_at(strstr(msg, "deep") ? TL_ELIMIT : TL_EPARSE, at, "conditional ACE data: %s",
                        msg);
}

static char *wrap(const item *it)
{
    return it->bare ? tl__asprintf("(%s)", it->text) : tl__strdup(it->text);
}

/* Render one literal/attribute token at d[*p]; appends to b. */
static int render_value(tl__buf *b, const uint8_t *d, size_t n, size_t *p, const tl_sid *domain,
                        int depth)
{
    if (*p >= n)
        return -1;
    uint8_t t = d[*p];
    size_t q = *p + 1;
    if (t == T_INT64) {
        if (n - q < 10)
            return -1;
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--)
            v = v << 8 | d[q + (size_t)i];
        uint8_t sign = d[q + 8], base = d[q + 9];
        /* Decimal prints the signed value; hex and octal without a '-' print the bit
         * pattern ("0xffffffffffffffff", recorded). */
        bool neg = (int64_t)v < 0 && (sign == 2 || base == 2);
        uint64_t mag = neg ? (uint64_t)0 - v : v;
        const char *sg = neg ? "-" : sign == 1 ? "+" : "";
        if (base == 3)
            tl__buf_printf(b, "%s0x%llx", sg, (unsigned long long)mag);
        else if (base == 1)
            tl__buf_printf(b, "%s0%llo", sg, (unsigned long long)mag);
        else
            tl__buf_printf(b, "%s%llu", sg, (unsigned long long)mag);
        *p = q + 10;
        return 0;
    }
    if (n - q < 4)
        return -1;
    size_t l =
        (size_t)d[q] | (size_t)d[q + 1] << 8 | (size_t)d[q + 2] << 16 | (size_t)d[q + 3] << 24;
    q += 4;
    if (l > n - q)
        return -1;
    switch (t) {
    case T_STRING:
    case T_LOCAL:
    case T_USER:
    case T_DEVICE:
    case T_RESOURCE: {
        if (l % 2 || (t != T_STRING && l == 0))
            return -1; /* odd UTF-16, or an attribute without a name */
        if (t == T_STRING)
            tl__buf_putc(b, '"');
        else if (t == T_USER)
            tl__buf_put(b, "@USER.");
        else if (t == T_DEVICE)
            tl__buf_put(b, "@DEVICE.");
        else if (t == T_RESOURCE)
            tl__buf_put(b, "@RESOURCE.");
        for (size_t i = 0; i < l; i += 2) {
            uint16_t u = (uint16_t)(d[q + i] | d[q + i + 1] << 8);
            if (u >= 0x80 || u == 0)
                return -1; /* ASCII only (see the compiler) */
            tl__buf_putc(b, (char)u);
        }
        if (t == T_STRING)
            tl__buf_putc(b, '"');
        break;
    }
    case T_OCTETS:
        tl__buf_putc(b, '#');
        for (size_t i = 0; i < l; i++)
            tl__buf_printf(b, "%02x", d[q + i]);
        break;
    case T_SID: {
        tl_sid sid;
        size_t used;
        if (tl_sid_from_binary(&sid, d + q, l, &used) || used != l)
            return -1;
        char tmp[TL_SID_STRING_MAX];
        tl__sddl_sid(tmp, sizeof tmp, &sid, domain);
        tl__buf_printf(b, "SID(%s)", tmp);
        break;
    }
    case T_COMPOSITE: {
        if (depth > 0)
            return -1;
        tl__buf_putc(b, '{');
        size_t r = q, end = q + l;
        bool first = true;
        while (r < end) {
            if (!first)
                tl__buf_put(b, ", ");
            first = false;
            if (render_value(b, d, end, &r, domain, depth + 1))
                return -1;
        }
        tl__buf_putc(b, '}');
        break;
    }
    default:
        return -1;
    }
    *p = q + l;
    return 0;
}

int tl__cond_render(char **out, const uint8_t *d, size_t n, const tl_sid *domain)
{
    *out = NULL;
    if (n < 4 || memcmp(d, "artx", 4) != 0)
        return tl__error(TL_ENOTIMPL, "callback ACE data that is not an \"artx\" conditional "
                                      "expression has no SDDL form");
    item st[MAX_DEPTH];
    size_t sp = 0, p = 4;
    while (p < n) {
        uint8_t t = d[p];
        if (t == 0) { /* padding: only zeros may follow */
            for (; p < n; p++)
                if (d[p])
                    return render_fail(st, sp, p, "garbage after padding");
            break;
        }
        const char *rel = NULL, *mem = NULL;
        int arity = tl__cond_arity(t);
        if (t != T_AND && t != T_OR && t != T_NOT && t != T_EXISTS && t != T_NOT_EXISTS &&
            arity > 0) {
            if (arity == 2)
                rel = tl__cond_op_name(t);
            else
                mem = tl__cond_op_name(t);
        }
        char *s = NULL;
        bool bare = false;
        int depth = 1;
        if (rel || mem || t == T_EXISTS || t == T_NOT_EXISTS || t == T_AND || t == T_OR ||
            t == T_NOT) {
            int need = (rel || t == T_AND || t == T_OR) ? 2 : 1;
            for (int k = 1; k <= need && (size_t)k <= sp; k++)
                if (st[sp - (size_t)k].depth + 1 > depth)
                    depth = st[sp - (size_t)k].depth + 1;
            if (depth > MAX_DEPTH)
                return render_fail(st, sp, p, "expression more than 64 levels deep");
        }
        if (rel) {
            if (sp < 2)
                return render_fail(st, sp, p, "operator without operands");
            s = tl__asprintf("(%s %s %s)", st[sp - 2].text, rel, st[sp - 1].text);
            tl__free(st[--sp].text);
            tl__free(st[--sp].text);
        } else if (mem || t == T_EXISTS || t == T_NOT_EXISTS) {
            if (sp < 1)
                return render_fail(st, sp, p, "operator without operand");
            s = tl__asprintf("(%s %s)",
                             mem             ? mem
                             : t == T_EXISTS ? "Exists"
                                             : "Not_Exists",
                             st[sp - 1].text);
            tl__free(st[--sp].text);
        } else if (t == T_AND || t == T_OR) {
            if (sp < 2)
                return render_fail(st, sp, p, "logical operator without operands");
            char *l = wrap(&st[sp - 2]), *r = wrap(&st[sp - 1]);
            s = l && r ? tl__asprintf("(%s %s %s)", l, t == T_AND ? "&&" : "||", r) : NULL;
            tl__free(l);
            tl__free(r);
            tl__free(st[--sp].text);
            tl__free(st[--sp].text);
        } else if (t == T_NOT) {
            if (sp < 1)
                return render_fail(st, sp, p, "'!' without operand");
            char *x = wrap(&st[sp - 1]);
            s = x ? tl__asprintf("(!%s)", x) : NULL;
            tl__free(x);
            tl__free(st[--sp].text);
        } else {
            tl__buf b = TL__BUF_INIT;
            size_t tok = p;
            if (render_value(&b, d, n, &p, domain, 0)) {
                p = tok;
                tl__buf_free(&b);
                return render_fail(st, sp, p, "bad operand token");
            }
            if (tl__buf_detach(&b, &s) != TL_OK) {
                for (size_t i = 0; i < sp; i++)
                    tl__free(st[i].text);
                return tl__oom();
            }
            bare = true;
            p--; /* compensate the increment below */
        }
        p++;
        if (!s) {
            for (size_t i = 0; i < sp; i++)
                tl__free(st[i].text);
            return tl__oom();
        }
        if (sp == MAX_DEPTH) {
            tl__free(s);
            return render_fail(st, sp, p, "more than 64 operands wait for an operator");
        }
        st[sp].text = s;
        st[sp].bare = bare;
        st[sp].depth = depth;
        sp++;
    }
    if (sp != 1)
        return render_fail(st, sp, p, "expression does not reduce to one value");
    *out = st[0].bare ? tl__asprintf("(%s)", st[0].text) : st[0].text;
    if (st[0].bare)
        tl__free(st[0].text);
    return *out ? TL_OK : tl__oom();
}
