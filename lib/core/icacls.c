/*
 * icacls text in and out (learn.microsoft.com, "icacls" command reference): the rights
 * letters and the inheritance flags are the documented ones; the output layout (path, then
 * `NAME:(flags)(rights)` lines aligned under the first name, a blank line between files, a
 * closing "Successfully processed N files" line) and the /save layout (path line, SDDL line,
 * UTF-16LE) are the ones icacls writes. How icacls orders flags and picks between simple and
 * specific rights when it prints is not documented; tl_sd_to_icacls's choices are listed in
 * docs/sddl.md.
 */
#include "tokenlens/icacls.h"
#include "sd_internal.h"
#include <string.h>

#define MAX_TEXT (16u << 20)
#define MAX_ENTRIES 100000u

typedef struct entry {
    char *path;
    tl_sd *sd;
} entry;

struct tl_icacls {
    entry *e;
    size_t n, cap;
};

void tl_icacls_free(tl_icacls *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++) {
        tl__free(x->e[i].path);
        tl_sd_free(x->e[i].sd);
    }
    tl__free(x->e);
    tl__free(x);
}

size_t tl_icacls_count(const tl_icacls *x)
{
    return x ? x->n : 0;
}
const char *tl_icacls_path_at(const tl_icacls *x, size_t i)
{
    return x && i < x->n ? x->e[i].path : NULL;
}
const tl_sd *tl_icacls_sd_at(const tl_icacls *x, size_t i)
{
    return x && i < x->n ? x->e[i].sd : NULL;
}

/* ---- rights vocabulary --------------------------------------------------------------------- */

typedef struct right {
    const char *name;
    uint32_t mask;
} right;

/* Simple rights, widest first (the order they are tried when printing a union). */
static const right simple[] = {
    {"F", 0x1F01FF}, {"M", 0x1301BF}, {"RX", 0x1200A9},
    {"R", 0x120089}, {"W", 0x100116}, {"D", 0x10000},
};
/* Specific rights, in the order the icacls help lists them. */
static const right specific[] = {
    {"DE", 0x10000},    {"RC", 0x20000},    {"WDAC", 0x40000},  {"WO", 0x80000},
    {"S", 0x100000},    {"AS", 0x1000000},  {"MA", 0x2000000},  {"GR", 0x80000000u},
    {"GW", 0x40000000}, {"GE", 0x20000000}, {"GA", 0x10000000}, {"RD", 0x1},
    {"WD", 0x2},        {"AD", 0x4},        {"REA", 0x8},       {"WEA", 0x10},
    {"X", 0x20},        {"DC", 0x40},       {"RA", 0x80},       {"WA", 0x100},
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool word_eq(const char *w, size_t n, const char *name)
{
    return strlen(name) == n && tl__strncasecmp(w, name, n) == 0;
}

/* ---- parsing --------------------------------------------------------------------------------- */

typedef struct lines {
    const char *s;
    size_t len, pos, line;
} lines;

/* Next line [*b, *e) without its CR LF; false at the end. */
static bool next_line(lines *L, size_t *b, size_t *e)
{
    if (L->pos >= L->len)
        return false;
    *b = L->pos;
    size_t p = L->pos;
    while (p < L->len && L->s[p] != '\n')
        p++;
    *e = p;
    if (*e > *b && L->s[*e - 1] == '\r')
        (*e)--;
    L->pos = p < L->len ? p + 1 : p;
    L->line++;
    return true;
}

static int add_entry(tl_icacls *x, const char *path, size_t plen, tl_sd *sd)
{
    if (x->n >= MAX_ENTRIES) {
        tl_sd_free(sd);
        return tl__error(TL_ELIMIT, "icacls text has more than %u entries", MAX_ENTRIES);
    }
    if (x->n == x->cap) {
        size_t ncap = x->cap ? x->cap * 2 : 8;
        entry *n = tl__realloc(x->e, ncap * sizeof *n);
        if (!n) {
            tl_sd_free(sd);
            return tl__oom();
        }
        x->e = n;
        x->cap = ncap;
    }
    char *p = tl__strndup(path, plen);
    if (!p) {
        tl_sd_free(sd);
        return tl__oom();
    }
    x->e[x->n].path = p;
    x->e[x->n].sd = sd;
    x->n++;
    return TL_OK;
}

/* "NAME:(...)(...)" in [b, e): append the ACE to sd's DACL. `off` is the byte offset of b. */
static int parse_ace(tl_sd *sd, const char *s, size_t b, size_t e, size_t line,
                     const tl_sid *domain)
{
    /* The rights part is the run of "(...)" groups at the end; the name is what precedes the
     * ':' before it (names may hold ':' and blanks, never "(" followed by ")" at the end). */
    size_t p = e;
    while (p > b && s[p - 1] == ')') {
        size_t q = p - 1;
        while (q > b && s[q - 1] != '(')
            q--;
        if (q == b)
            return tl__error_at(TL_EPARSE, b, "icacls line %zu: unbalanced '(' in the rights",
                                line);
        p = q - 1;
    }
    if (p == e || p <= b || s[p - 1] != ':')
        return tl__error_at(TL_EPARSE, p, "icacls line %zu: expected NAME:(rights)", line);
    size_t name_end = p - 1, nb = b;
    while (nb < name_end && (s[nb] == ' ' || s[nb] == '\t'))
        nb++;
    if (nb == name_end)
        return tl__error_at(TL_EPARSE, nb, "icacls line %zu: empty account name", line);
    char name[512];
    size_t nl = name_end - nb;
    if (nl >= sizeof name)
        return tl__error_at(TL_ELIMIT, nb, "icacls line %zu: account name too long", line);
    memcpy(name, s + nb, nl);
    name[nl] = 0;
    tl_ace ace;
    memset(&ace, 0, sizeof ace);
    int rc = tl_sid_resolve(&ace.sid, name[0] == '*' ? name + 1 : name, domain);
    if (rc)
        return tl__error_at(rc == TL_ENOMEM ? TL_ENOMEM : TL_ENOTFOUND, nb,
                            "icacls line %zu: account '%s' is not a well-known name or a SID "
                            "(icacls prints a SID for accounts it cannot name)",
                            line, name);
    ace.type = TL_ACE_ACCESS_ALLOWED;
    bool any_right = false;
    for (size_t q = p; q < e;) {
        /* one "(...)" group: comma-separated words */
        size_t g = q + 1, ge = g;
        while (ge < e && s[ge] != ')')
            ge++;
        for (size_t w = g; w < ge;) {
            size_t we = w;
            while (we < ge && s[we] != ',')
                we++;
            const char *word = s + w;
            size_t n = we - w;
            bool known = true;
            if (word_eq(word, n, "I"))
                ace.flags |= TL_ACE_INHERITED;
            else if (word_eq(word, n, "OI"))
                ace.flags |= TL_ACE_OBJECT_INHERIT;
            else if (word_eq(word, n, "CI"))
                ace.flags |= TL_ACE_CONTAINER_INHERIT;
            else if (word_eq(word, n, "IO"))
                ace.flags |= TL_ACE_INHERIT_ONLY;
            else if (word_eq(word, n, "NP"))
                ace.flags |= TL_ACE_NO_PROPAGATE_INHERIT;
            else if (word_eq(word, n, "DENY"))
                ace.type = TL_ACE_ACCESS_DENIED;
            else if (word_eq(word, n, "N"))
                any_right = true; /* no access: an empty mask */
            else {
                known = false;
                for (size_t k = 0; k < COUNT(simple) && !known; k++)
                    if (word_eq(word, n, simple[k].name)) {
                        ace.mask |= simple[k].mask;
                        known = any_right = true;
                    }
                for (size_t k = 0; k < COUNT(specific) && !known; k++)
                    if (word_eq(word, n, specific[k].name)) {
                        ace.mask |= specific[k].mask;
                        known = any_right = true;
                    }
            }
            if (!known)
                return tl__error_at(TL_EPARSE, w,
                                    "icacls line %zu: unknown right or flag "
                                    "'%.*s'",
                                    line, (int)(n > 16 ? 16 : n), word);
            w = we < ge ? we + 1 : we;
        }
        q = ge + 1;
    }
    if (!any_right)
        return tl__error_at(TL_EPARSE, p, "icacls line %zu: no rights for '%s'", line, name);
    return tl_sd_add_ace(sd, TL_ACL_DACL, &ace);
}

static bool blank(const char *s, size_t b, size_t e)
{
    for (size_t i = b; i < e; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

static bool starts_with_ci(const char *s, size_t b, size_t e, const char *w)
{
    size_t n = strlen(w);
    return e - b >= n && tl__strncasecmp(s + b, w, n) == 0;
}

/* icacls output: returns the number of entries added. */
static int parse_listing(tl_icacls *x, const char *s, size_t len, const tl_sid *domain)
{
    lines L = {s, len, 0, 0};
    size_t b, e;
    tl_sd *sd = NULL;
    int rc = TL_OK;
    while (next_line(&L, &b, &e)) {
        if (blank(s, b, e)) {
            sd = NULL; /* the next non-blank line starts a file */
            continue;
        }
        if (starts_with_ci(s, b, e, "Successfully processed"))
            continue;
        size_t lead = b;
        while (lead < e && s[lead] == ' ')
            lead++;
        if (sd && lead > b) { /* an indented line: one more ACE of the current file */
            if ((rc = parse_ace(sd, s, b, e, L.line, domain)) != TL_OK)
                return rc;
            continue;
        }
        /* A new file: "PATH NAME:(...)". The name starts where the continuation lines are
         * indented to; without them, at the first blank whose remainder parses. */
        if ((rc = tl_sd_new(&sd)) != TL_OK)
            return rc;
        if ((rc = tl_sd_set_acl(sd, TL_ACL_DACL, false)) != TL_OK) {
            tl_sd_free(sd);
            return rc;
        }
        size_t split = 0;
        size_t peek_b, peek_e;
        lines M = L;
        if (next_line(&M, &peek_b, &peek_e) && !blank(s, peek_b, peek_e)) {
            size_t q = peek_b;
            while (q < peek_e && s[q] == ' ')
                q++;
            if (q > peek_b && b + (q - peek_b) < e && s[b + (q - peek_b) - 1] == ' ')
                split = b + (q - peek_b);
        }
        if (!split) {
            for (size_t q = b; q < e && !split; q++)
                if (s[q] == ' ' && parse_ace(sd, s, q + 1, e, L.line, domain) == TL_OK)
                    split = q + 1;
            if (split)
                tl_error_clear();
        } else if ((rc = parse_ace(sd, s, split, e, L.line, domain)) != TL_OK) {
            tl_sd_free(sd);
            return rc;
        }
        if (!split) {
            tl_sd_free(sd);
            return tl__error_at(TL_EPARSE, b, "icacls line %zu: expected PATH NAME:(rights)",
                                L.line);
        }
        size_t pe = split - 1;
        while (pe > b && s[pe - 1] == ' ')
            pe--;
        if ((rc = add_entry(x, s + b, pe - b, sd)) != TL_OK)
            return rc;
    }
    return TL_OK;
}

/* icacls /save: pairs of lines, the second SDDL. */
static int parse_save(tl_icacls *x, const char *s, size_t len, const tl_sid *domain)
{
    lines L = {s, len, 0, 0};
    size_t pb, pe, b, e;
    while (next_line(&L, &pb, &pe)) {
        if (blank(s, pb, pe))
            continue;
        size_t path_line = L.line;
        if (!next_line(&L, &b, &e))
            return tl__error_at(TL_EPARSE, len,
                                "icacls /save line %zu: a path without its "
                                "SDDL line",
                                path_line);
        char *sddl = tl__strndup(s + b, e - b);
        if (!sddl)
            return tl__oom();
        tl_sd *sd = NULL;
        int rc = tl_sd_from_sddl(&sd, sddl, domain);
        tl__free(sddl);
        if (rc) {
            size_t off = tl_error_last()->offset;
            char msg[256];
            snprintf(msg, sizeof msg, "%s", tl_error_last()->message);
            return tl__error_at(rc, b + (off == TL_NO_OFFSET ? 0 : off),
                                "icacls /save line %zu: %s", L.line, msg);
        }
        if ((rc = add_entry(x, s + pb, pe - pb, sd)) != TL_OK)
            return rc;
    }
    return TL_OK;
}

/* UTF-16LE (BOM or NULs in odd bytes) -> UTF-8, ASCII/BMP. */
static int from_utf16(char **out, size_t *olen, const uint8_t *d, size_t n)
{
    size_t i = (n >= 2 && d[0] == 0xFF && d[1] == 0xFE) ? 2 : 0;
    tl__buf b = TL__BUF_INIT;
    for (; i + 1 < n; i += 2) {
        uint32_t u = d[i] | (uint32_t)d[i + 1] << 8;
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            uint32_t lo = d[i + 2] | (uint32_t)d[i + 3] << 8;
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        char t[4];
        size_t k;
        if (u < 0x80) {
            t[0] = (char)u, k = 1;
        } else if (u < 0x800) {
            t[0] = (char)(0xC0 | u >> 6), t[1] = (char)(0x80 | (u & 63)), k = 2;
        } else if (u < 0x10000) {
            t[0] = (char)(0xE0 | u >> 12), t[1] = (char)(0x80 | ((u >> 6) & 63));
            t[2] = (char)(0x80 | (u & 63)), k = 3;
        } else {
            t[0] = (char)(0xF0 | u >> 18), t[1] = (char)(0x80 | ((u >> 12) & 63));
            t[2] = (char)(0x80 | ((u >> 6) & 63)), t[3] = (char)(0x80 | (u & 63)), k = 4;
        }
        tl__buf_putn(&b, t, k);
    }
    tl__buf_put(&b, "");
    *olen = b.len;
    return tl__buf_detach(&b, out);
}

tl_result tl_icacls_parse(tl_icacls **out, const char *text, size_t len, const tl_sid *domain)
{
    if (!out || (!text && len))
        return tl__error(TL_EINVAL, "tl_icacls_parse: NULL argument");
    *out = NULL;
    if (len > MAX_TEXT)
        return tl__error(TL_ELIMIT, "icacls text longer than %u bytes", MAX_TEXT);
    const uint8_t *d = (const uint8_t *)text;
    char *conv = NULL;
    size_t clen = len;
    bool utf16 = (len >= 2 && d[0] == 0xFF && d[1] == 0xFE) || (len >= 2 && d[1] == 0 && d[0]);
    int rc;
    if (utf16) {
        if ((rc = from_utf16(&conv, &clen, d, len)) != TL_OK)
            return rc;
        text = conv;
    } else if (len >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
        text += 3;
        clen -= 3;
    }
    for (size_t i = 0; i < clen; i++)
        if (text[i] == 0) {
            tl__free(conv);
            return tl__error_at(TL_EPARSE, i, "NUL byte in icacls text");
        }
    tl_icacls *x = tl__calloc(1, sizeof *x);
    if (!x) {
        tl__free(conv);
        return tl__oom();
    }
    /* /save files have SDDL on every second line; listings have NAME:(...) lines. */
    lines L = {text, clen, 0, 0};
    size_t b, e;
    bool save = false;
    while (next_line(&L, &b, &e))
        if (!blank(text, b, e)) {
            if (next_line(&L, &b, &e)) {
                size_t q = b;
                save = e - q >= 2 && strchr("OGDS", text[q]) && text[q + 1] == ':';
            }
            break;
        }
    rc = save ? parse_save(x, text, clen, domain) : parse_listing(x, text, clen, domain);
    tl__free(conv);
    if (rc == TL_OK && x->n == 0)
        rc = tl__error_at(TL_EPARSE, 0, "no icacls entries found");
    if (rc) {
        tl_icacls_free(x);
        return rc;
    }
    *out = x;
    tl_error_clear();
    return TL_OK;
}

/* ---- printing -------------------------------------------------------------------------------- */

static void put_rights(tl__buf *b, uint32_t mask)
{
    if (mask == 0) {
        tl__buf_put(b, "(N)");
        return;
    }
    for (size_t k = 0; k < COUNT(simple); k++)
        if (simple[k].mask == mask) {
            tl__buf_printf(b, "(%s)", simple[k].name);
            return;
        }
    /* A union of simple rights, widest first, each adding bits. */
    uint32_t got = 0;
    const char *names[COUNT(simple)];
    size_t n = 0;
    for (size_t k = 0; k < COUNT(simple); k++)
        if ((simple[k].mask & ~mask) == 0 && (simple[k].mask & ~got)) {
            got |= simple[k].mask;
            names[n++] = simple[k].name;
        }
    tl__buf_putc(b, '(');
    if (got == mask) {
        for (size_t k = 0; k < n; k++) {
            if (k)
                tl__buf_putc(b, ',');
            tl__buf_put(b, names[k]);
        }
    } else {
        bool first = true;
        for (size_t k = 0; k < COUNT(specific); k++)
            if (mask & specific[k].mask) {
                if (!first)
                    tl__buf_putc(b, ',');
                first = false;
                tl__buf_put(b, specific[k].name);
            }
        uint32_t named = 0;
        for (size_t k = 0; k < COUNT(specific); k++)
            named |= specific[k].mask;
        if (mask & ~named)
            tl__buf_printf(b, "%s0x%x", first ? "" : ",", (unsigned)(mask & ~named));
    }
    tl__buf_putc(b, ')');
}

tl_result tl_sd_to_icacls(char **out, const tl_sd *sd)
{
    if (!out || !sd)
        return tl__error(TL_EINVAL, "tl_sd_to_icacls: NULL argument");
    *out = NULL;
    const tl__acl *dacl = &sd->acl[TL_ACL_DACL];
    for (size_t i = 0; i < dacl->count; i++) {
        uint8_t t = dacl->aces[i].type;
        if (t != TL_ACE_ACCESS_ALLOWED && t != TL_ACE_ACCESS_DENIED)
            return tl__error(TL_ENOTIMPL,
                             "DACL ACE %zu: icacls shows allow and deny ACEs only "
                             "(type 0x%02x)",
                             i, t);
    }
    tl__buf b = TL__BUF_INIT;
    if (dacl->present && dacl->null_acl)
        tl__buf_put(&b, "Everyone:(F)\n"); /* a NULL DACL: icacls shows full control for all */
    for (size_t i = 0; i < dacl->count; i++) {
        const tl_ace *a = &dacl->aces[i];
        char *name = NULL;
        if (tl_sid_lookup_name(&name, &a->sid) == TL_OK && name) {
            tl__buf_put(&b, name);
        } else {
            char tmp[TL_SID_STRING_MAX];
            tl_sid_to_string(tmp, sizeof tmp, &a->sid);
            tl__buf_put(&b, tmp);
        }
        tl_free(name);
        tl__buf_putc(&b, ':');
        if (a->type == TL_ACE_ACCESS_DENIED)
            tl__buf_put(&b, "(DENY)");
        if (a->flags & TL_ACE_INHERITED)
            tl__buf_put(&b, "(I)");
        if (a->flags & TL_ACE_OBJECT_INHERIT)
            tl__buf_put(&b, "(OI)");
        if (a->flags & TL_ACE_CONTAINER_INHERIT)
            tl__buf_put(&b, "(CI)");
        if (a->flags & TL_ACE_INHERIT_ONLY)
            tl__buf_put(&b, "(IO)");
        if (a->flags & TL_ACE_NO_PROPAGATE_INHERIT)
            tl__buf_put(&b, "(NP)");
        put_rights(&b, a->mask);
        tl__buf_putc(&b, '\n');
    }
    int rc = tl__buf_detach(&b, out);
    if (rc == TL_OK)
        tl_error_clear(); /* failed name lookups are not this call's failure */
    return rc;
}
