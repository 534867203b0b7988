/* whoami text -> token snapshot. The layout is whoami.exe's (learn.microsoft.com/
 * windows-server/administration/windows-commands/whoami): sections USER / GROUP /
 * PRIVILEGES / USER CLAIMS INFORMATION, each a table whose columns are underlined with '='
 * runs (/fo table), "Key: value" records (/fo list) or quoted CSV (/fo csv).
 * Rules and their sources: docs/whoami-import.md. */
#include "arena.h"
#include "tokenlens/whoami.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 200000
#define MAX_NOTES 50

typedef struct line {
    char *s;        /* trailing white space removed */
    size_t raw;     /* length before trimming (wrap detection) */
    bool space_end; /* the untrimmed line ended in a space */
} line;

typedef struct imp {
    line *lines;
    size_t n;
    tl_token *t;
    tl__buf notes;
    size_t nnotes;
    size_t found; /* users + groups + privileges read */
    bool user_seen;
} imp;

static void note(imp *m, size_t ln, const char *fmt, ...) TL__PRINTF(3, 4);
static void note(imp *m, size_t ln, const char *fmt, ...)
{
    if (m->nnotes++ >= MAX_NOTES) {
        if (m->nnotes == MAX_NOTES + 1)
            tl__buf_put(&m->notes, "(more notes left out)\n");
        return;
    }
    char text[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    tl__buf_printf(&m->notes, "line %zu: %s\n", ln + 1, text);
}

/* ---- text decoding ----------------------------------------------------------------------- */

static void put_utf8(tl__buf *b, uint32_t cp)
{
    char u[4];
    if (cp < 0x80) {
        tl__buf_putc(b, (char)cp);
        return;
    }
    if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        tl__buf_putn(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        tl__buf_putn(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        tl__buf_putn(b, u, 4);
    }
}

/* UTF-8 (BOM dropped) or UTF-16 with a BOM -> NUL-free UTF-8. */
static int decode(tl__buf *out, const unsigned char *p, size_t len)
{
    if (len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        bool le = p[0] == 0xFF;
        for (size_t i = 2; i + 1 < len; i += 2) {
            uint32_t u = le ? (uint32_t)(p[i] | p[i + 1] << 8) : (uint32_t)(p[i] << 8 | p[i + 1]);
            if (u >= 0xD800 && u <= 0xDBFF && i + 3 < len) {
                uint32_t l = le ? (uint32_t)(p[i + 2] | p[i + 3] << 8)
                                : (uint32_t)(p[i + 2] << 8 | p[i + 3]);
                if (l >= 0xDC00 && l <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00);
                    i += 2;
                }
            }
            if (u == 0)
                return tl__error_at(TL_EPARSE, i,
                                    "whoami text: a NUL character at byte %zu "
                                    "(binary data, not whoami output)",
                                    i);
            put_utf8(out, u);
        }
    } else {
        if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
            p += 3, len -= 3;
        if (memchr(p, 0, len))
            return tl__error_at(TL_EPARSE, (size_t)((const unsigned char *)memchr(p, 0, len) - p),
                                "whoami text: a NUL byte (binary data, or UTF-16 without a BOM)");
        tl__buf_putn(out, (const char *)p, len);
    }
    return out->failed ? tl__oom() : TL_OK;
}

static int split_lines(imp *m, char *s)
{
    size_t cap = 0;
    for (;;) {
        if (m->n >= MAX_LINES)
            return tl__error(TL_ELIMIT, "whoami text: more than %d lines", MAX_LINES);
        char *e = strchr(s, '\n');
        if (e)
            *e = 0;
        size_t raw = strlen(s);
        if (raw && s[raw - 1] == '\r')
            s[--raw] = 0;
        for (char *c = s; *c; c++)
            if (*c == '\t')
                *c = ' ';
        size_t t = raw;
        bool sp = raw && s[raw - 1] == ' ';
        while (t && (s[t - 1] == ' '))
            s[--t] = 0;
        if (tl__array_grow(&m->lines, &cap, m->n + 1, sizeof *m->lines))
            return tl__oom();
        m->lines[m->n].s = s;
        m->lines[m->n].raw = raw;
        m->lines[m->n].space_end = sp;
        m->n++;
        if (!e)
            break;
        s = e + 1;
    }
    return TL_OK;
}

/* ---- shared helpers ----------------------------------------------------------------------- */

static bool is_sep(const char *s)
{
    bool eq = false;
    for (; *s; s++) {
        if (*s == '=')
            eq = true;
        else if (*s != ' ')
            return false;
    }
    return eq;
}

static bool is_dashes(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s != '-')
            return false;
    return true;
}

static int parse_sid(tl_sid *sid, const char *s, size_t n)
{
    char buf[TL_SID_STRING_MAX + 8];
    if (n < 5 || n >= sizeof buf || (s[0] != 'S' && s[0] != 's') || s[1] != '-')
        return TL_EPARSE;
    memcpy(buf, s, n);
    buf[n] = 0;
    int rc = tl_sid_from_string(sid, buf);
    if (rc)
        tl_error_clear();
    return rc;
}

/* The last whitespace-separated token of s[0..n) that is a SID: its start and end. */
static bool last_sid(const char *s, size_t n, tl_sid *sid, size_t *start, size_t *end)
{
    size_t i = n;
    while (i > 0) {
        while (i > 0 && s[i - 1] == ' ')
            i--;
        size_t e = i;
        while (i > 0 && s[i - 1] != ' ')
            i--;
        if (e > i && parse_sid(sid, s + i, e - i) == TL_OK) {
            *start = i;
            *end = e;
            return true;
        }
    }
    return false;
}

static char *trimdup(const char *s, size_t n)
{
    while (n && *s == ' ')
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    return tl__strndup(s, n);
}

/* Attribute phrases whoami prints (English). */
static const struct {
    const char *text;
    uint32_t bit;
} group_attrs[] = {
    {"Mandatory group", TL_GROUP_MANDATORY},
    {"Enabled by default", TL_GROUP_ENABLED_BY_DEFAULT},
    {"Enabled group", TL_GROUP_ENABLED},
    {"Group owner", TL_GROUP_OWNER},
    {"Group used for deny only", TL_GROUP_USE_FOR_DENY_ONLY},
    {"Local Group", TL_GROUP_RESOURCE},
};

/* Parse "A, B, C"; *unknown receives the first phrase not understood (or NULL). */
static uint32_t parse_attrs(const char *s, size_t n, char **unknown, bool *ok)
{
    uint32_t bits = 0;
    *ok = true;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && s[a] == ' ')
            a++;
        while (b > a && s[b - 1] == ' ')
            b--;
        if (b > a) {
            bool known = false;
            for (size_t k = 0; k < sizeof group_attrs / sizeof group_attrs[0]; k++)
                if (strlen(group_attrs[k].text) == b - a &&
                    !tl__strncasecmp(group_attrs[k].text, s + a, b - a)) {
                    bits |= group_attrs[k].bit;
                    known = true;
                }
            if (!known && *ok) {
                *ok = false;
                if (unknown)
                    *unknown = tl__strndup(s + a, b - a);
            }
        }
        i = j + 1;
    }
    return bits;
}

static int add_user(imp *m, size_t ln, const tl_sid *sid, const char *name)
{
    if (m->user_seen) {
        note(m, ln, "a second user row (left out: a token has one user)");
        return TL_OK;
    }
    int rc = tl_token_set_user(m->t, sid, 0);
    if (!rc && name && *name)
        rc = tl_token_set_user_name(m->t, name);
    if (!rc) {
        m->user_seen = true;
        m->found++;
    }
    return rc;
}

static int add_group(imp *m, size_t ln, const tl_sid *sid, const char *attrs, size_t alen)
{
    char *unknown = NULL;
    bool ok;
    uint32_t bits = parse_attrs(attrs, alen, &unknown, &ok);
    bool label = sid->authority[5] == 16 && sid->authority[0] == 0 && sid->sub_authority_count == 1;
    if (!ok) {
        note(m, ln,
             "group attribute '%.80s' is not understood (the group is kept with the "
             "attributes that are)",
             unknown ? unknown : "?");
    }
    tl__free(unknown);
    int rc;
    if (label) {
        /* the Mandatory Label row: TokenIntegrityLevel, listed among the groups */
        rc = tl_token_set_integrity(m->t, true, sid->sub_authority[0]);
        if (!rc)
            rc = tl_token_add_group(m->t, sid,
                                    bits | TL_GROUP_INTEGRITY | TL_GROUP_INTEGRITY_ENABLED);
    } else {
        /* a logon SID (S-1-5-5-X-Y) is always SE_GROUP_LOGON_ID in TokenGroups (winnt.h);
         * whoami does not print that bit */
        bool logon =
            sid->authority[5] == 5 && sid->sub_authority_count == 3 && sid->sub_authority[0] == 5;
        rc = tl_token_add_group(m->t, sid, bits | (logon ? TL_GROUP_LOGON_ID : 0u));
    }
    if (!rc)
        m->found++;
    return rc;
}

static uint64_t privilege_luid(const char *name)
{
    for (uint64_t l = 2; l < 64; l++) {
        const char *p = tl_privilege_name(l);
        if (p && !tl__strcasecmp(p, name))
            return l;
    }
    return 0;
}

static int add_privilege(imp *m, size_t ln, const char *name, const char *state)
{
    uint32_t attrs = 0;
    if (state && !tl__strcasecmp(state, "Enabled"))
        attrs = TL_PRIVILEGE_ENABLED;
    else if (!state || tl__strcasecmp(state, "Disabled"))
        note(m, ln, "privilege %s: State '%.40s' is not understood (kept as not enabled)", name,
             state ? state : "");
    uint64_t luid = privilege_luid(name);
    if (!luid)
        note(m, ln, "privilege '%.60s' is not a privilege Windows defines (kept, LUID 0)", name);
    int rc = tl_token_add_privilege(m->t, name, luid, attrs);
    if (!rc)
        m->found++;
    return rc;
}

static bool is_priv_name(const char *s, size_t n)
{
    return n > 11 && !strncmp(s, "Se", 2) && !strncmp(s + n - 9, "Privilege", 9);
}

/* Lines that are whoami's own words, prompts or headings: no note needed. */
static bool ignorable(const imp *m, size_t i)
{
    const char *s = m->lines[i].s;
    while (*s == ' ')
        s++;
    if (!*s || is_dashes(s))
        return true;
    if (i + 1 < m->n && is_dashes(m->lines[i + 1].s))
        return true; /* a section heading, in any language */
    const char *gt = strchr(s, '>');
    if (gt && (s[0] == '>' || !strncmp(s, "PS ", 3) || strstr(s, " PS ") ||
               (isalpha((unsigned char)s[0]) && s[1] == ':')))
        return true; /* a prompt: C:\Users\alice>whoami /all, PS C:\> whoami, *Evil-WinRM* PS C:\>
                      */
    if (!tl__strncasecmp(s, "whoami", 6) && (s[6] == 0 || s[6] == ' ' || s[6] == '.'))
        return true; /* the command echoed by a remote shell */
    if (!strncmp(s, "ERROR: Unable to get user claims information", 44) ||
        !strcmp(s, "User claims unknown.") ||
        !strncmp(s, "Kerberos support for Dynamic Access Control", 43) ||
        !strncmp(s, "Microsoft Windows [Version", 26) ||
        !strncmp(s, "(c) Microsoft Corporation", 25) || !strncmp(s, "Windows PowerShell", 18) ||
        !strncmp(s, "Copyright (C) Microsoft Corporation", 35))
        return true;
    return false;
}

/* ---- /fo table ---------------------------------------------------------------------------- */

typedef enum kind { K_NONE, K_USER, K_GROUPS, K_PRIVS } kind;

static int table_row(imp *m, kind k, size_t ln, const char *s, const size_t *cols, size_t ncols)
{
    size_t n = strlen(s);
    tl_sid sid;
    size_t a, b;
    if (k == K_PRIVS) {
        size_t e = 0;
        while (e < n && s[e] != ' ')
            e++;
        if (!is_priv_name(s, e)) {
            note(m, ln, "not a privilege row: '%.80s'", s);
            return TL_OK;
        }
        size_t st = n;
        while (st > 0 && s[st - 1] != ' ')
            st--;
        char *name = tl__strndup(s, e), *state = st > e ? tl__strdup(s + st) : NULL;
        int rc = name ? add_privilege(m, ln, name, state) : tl__oom();
        tl__free(name);
        tl__free(state);
        return rc;
    }
    if (!last_sid(s, n, &sid, &a, &b)) {
        note(m, ln, "no SID on this %s row: '%.80s' (left out)", k == K_USER ? "user" : "group", s);
        return TL_OK;
    }
    if (k == K_USER) {
        char *name = trimdup(s, a);
        int rc = name ? add_user(m, ln, &sid, name) : tl__oom();
        tl__free(name);
        return rc;
    }
    (void)cols, (void)ncols;
    return add_group(m, ln, &sid, s + b, n - b);
}

/* A group row is complete when it has a SID and every attribute phrase is known (or it is a
 * label row without attributes). */
static bool group_row_complete(const char *s, bool need_attrs)
{
    size_t n = strlen(s), a, b;
    tl_sid sid;
    if (!last_sid(s, n, &sid, &a, &b))
        return false;
    bool ok;
    uint32_t bits = parse_attrs(s + b, n - b, NULL, &ok);
    return ok && (!need_attrs || bits || (sid.authority[5] == 16 && sid.sub_authority_count == 1));
}

static bool has_sid(const char *s)
{
    tl_sid sid;
    size_t a, b;
    return last_sid(s, strlen(s), &sid, &a, &b);
}

static bool starts_privilege(const char *s)
{
    size_t e = 0;
    while (s[e] && s[e] != ' ')
        e++;
    return is_priv_name(s, e);
}

/* Does `next` continue the wrapped row `row`? */
static bool continues(kind k, const char *row, const char *next)
{
    if (k == K_USER)
        return !has_sid(row);
    if (k == K_GROUPS)
        return !has_sid(row) || (!has_sid(next) && !group_row_complete(row, true));
    if (k == K_PRIVS)
        return !starts_privilege(next);
    return false;
}

static int parse_table(imp *m, size_t sep, size_t *next)
{
    /* join a separator wrapped by a narrow console */
    size_t width = 0, i = sep + 1;
    tl__buf sepb = TL__BUF_INIT;
    tl__buf_put(&sepb, m->lines[sep].s);
    while (i < m->n && is_sep(m->lines[i].s) && m->lines[i].s[0] == '=') {
        if (!width)
            width = m->lines[sep].raw;
        tl__buf_put(&sepb, m->lines[i].s);
        i++;
    }
    if (sepb.failed)
        return tl__oom();
    size_t cols[16], ncols = 0;
    for (size_t c = 0; sepb.data[c] && ncols < 16; c++)
        if (sepb.data[c] == '=' && (c == 0 || sepb.data[c - 1] == ' '))
            cols[ncols++] = c;
    tl__buf_free(&sepb);
    /* the header names the table; in other languages the column count does */
    const char *hdr = sep > 0 ? m->lines[sep - 1].s : "";
    size_t h = sep;
    while (h > 0 && !*m->lines[h - 1].s)
        h--;
    size_t h0 = h;
    while (h0 > 0 && *m->lines[h0 - 1].s && !is_dashes(m->lines[h0 - 1].s))
        h0--;
    tl__buf hb = TL__BUF_INIT;
    tl__buf_put(&hb, "");
    for (size_t j = h0; j < h; j++)
        tl__buf_put(&hb, m->lines[j].s);
    if (hb.failed)
        return tl__oom();
    hdr = hb.data;
    kind k = K_NONE;
    if (!strncmp(hdr, "User Name", 9) || (ncols == 2))
        k = K_USER;
    if (!strncmp(hdr, "Group Name", 10) || (ncols == 4 && tl__strncasecmp(hdr, "Claim", 5)))
        k = K_GROUPS;
    if (!strncmp(hdr, "Privilege Name", 14) || (ncols == 3 && strncmp(hdr, "User Name", 9)))
        k = K_PRIVS;
    if (!strncmp(hdr, "Claim", 5) || !strncmp(hdr, "User claim", 10))
        k = K_NONE;
    if (k == K_NONE) {
        note(m, sep, "a table with %zu columns under '%.60s' is not understood (left out)", ncols,
             hdr);
    } else if (strncmp(hdr, "User Name", 9) && strncmp(hdr, "Group Name", 10) &&
               strncmp(hdr, "Privilege Name", 14)) {
        note(m, sep,
             "header '%.60s' is not whoami's English one: read by column position as "
             "the %s table",
             hdr,
             k == K_USER     ? "user"
             : k == K_GROUPS ? "group"
                             : "privilege");
    }
    tl__buf_free(&hb);
    tl__buf row = TL__BUF_INIT;
    int rc = TL_OK;
    while (i < m->n && *m->lines[i].s && !rc) {
        size_t ln = i;
        row.len = 0;
        if (row.data)
            row.data[0] = 0;
        tl__buf_put(&row, m->lines[i].s);
        /* a narrow console wrapped the row. A physical line as wide as the console that
         * ends inside a word continues directly on the next line ... */
        while (
            width && i + 1 < m->n && *m->lines[i + 1].s && m->lines[i].raw == width &&
            !m->lines[i].space_end &&
            !(k == K_GROUPS && group_row_complete(row.data, true) && has_sid(m->lines[i + 1].s))) {
            i++;
            tl__buf_put(&row, m->lines[i].s);
        }
        /* ... and one that broke on a space continues after it, as long as the row is
         * incomplete and the next line does not start a row of its own */
        while (width && i + 1 < m->n && *m->lines[i + 1].s &&
               continues(k, row.data, m->lines[i + 1].s)) {
            i++;
            tl__buf_putc(&row, ' ');
            tl__buf_put(&row, m->lines[i].s);
            while (i + 1 < m->n && *m->lines[i + 1].s && m->lines[i].raw == width &&
                   !m->lines[i].space_end) {
                i++;
                tl__buf_put(&row, m->lines[i].s);
            }
        }
        if (row.failed) {
            rc = tl__oom();
            break;
        }
        if (k != K_NONE && !is_sep(row.data))
            rc = table_row(m, k, ln, row.data, cols, ncols);
        i++;
    }
    tl__buf_free(&row);
    *next = i;
    return rc;
}

/* ---- /fo csv ------------------------------------------------------------------------------ */

/* Split one CSV line ("a","b""c"); returns the field count (max 8) or -1. */
static int csv_fields(const char *s, char **f, int max)
{
    int n = 0;
    const char *p = s;
    while (*p && n < max) {
        if (*p != '"')
            return -1;
        p++;
        tl__buf b = TL__BUF_INIT;
        tl__buf_put(&b, "");
        for (;;) {
            if (!*p) {
                tl__buf_free(&b);
                return -1;
            }
            if (*p == '"') {
                if (p[1] == '"') {
                    tl__buf_putc(&b, '"');
                    p += 2;
                    continue;
                }
                p++;
                break;
            }
            tl__buf_putc(&b, *p++);
        }
        if (b.failed) {
            tl__buf_free(&b);
            return -2;
        }
        f[n++] = b.data;
        if (*p == ',')
            p++;
        else if (*p)
            return -1;
    }
    return n;
}

static int parse_csv_line(imp *m, size_t ln, const char *s)
{
    char *f[8] = {0};
    int n = csv_fields(s, f, 8), rc = TL_OK;
    tl_sid sid;
    if (n == -2)
        rc = tl__oom();
    else if (n == 2 && parse_sid(&sid, f[1], strlen(f[1])) == TL_OK)
        rc = add_user(m, ln, &sid, f[0]);
    else if (n == 4 && parse_sid(&sid, f[2], strlen(f[2])) == TL_OK)
        rc = add_group(m, ln, &sid, f[3], strlen(f[3]));
    else if (n == 3 && is_priv_name(f[0], strlen(f[0])))
        rc = add_privilege(m, ln, f[0], f[2]);
    else if (n < 0 || (n != 2 && n != 3 && n != 4))
        note(m, ln, "CSV line not understood: '%.80s'", s);
    /* else a header row ("User Name","SID"), in any language */
    for (int i = 0; i < 8; i++)
        tl__free(f[i]);
    return rc;
}

/* ---- /fo list ----------------------------------------------------------------------------- */

static int flush_record(imp *m, size_t ln, char **vals, int n)
{
    tl_sid sid;
    int rc = TL_OK;
    if (n == 0)
        return TL_OK;
    if (n == 2 && parse_sid(&sid, vals[1], strlen(vals[1])) == TL_OK)
        rc = add_user(m, ln, &sid, vals[0]);
    else if (n == 4 && parse_sid(&sid, vals[2], strlen(vals[2])) == TL_OK)
        rc = add_group(m, ln, &sid, vals[3], strlen(vals[3]));
    else if (n == 3 && is_priv_name(vals[0], strlen(vals[0])))
        rc = add_privilege(m, ln, vals[0], vals[2]);
    else
        note(m, ln, "a record of %d fields is not understood (left out)", n);
    return rc;
}

static int parse_list(imp *m)
{
    char *vals[8];
    int nv = 0, rc = TL_OK;
    size_t start = 0;
    for (size_t i = 0; i < m->n && !rc; i++) {
        const char *s = m->lines[i].s;
        const char *colon = strchr(s, ':');
        bool field = colon && colon > s && (colon[1] == ' ' || colon[1] == 0) &&
                     !(i + 1 < m->n && is_dashes(m->lines[i + 1].s)) && s[0] != ' ';
        if (field && !ignorable(m, i)) {
            if (nv == 8) {
                note(m, i, "a record with more than 8 fields (left out)");
                for (int k = 0; k < nv; k++)
                    tl__free(vals[k]);
                nv = 0;
            }
            if (nv == 0)
                start = i;
            const char *v = colon + 1;
            vals[nv] = trimdup(v, strlen(v));
            if (!vals[nv]) {
                rc = tl__oom();
                break;
            }
            nv++;
            continue;
        }
        if (*s && nv > 0 && !ignorable(m, i) && s[0] != ' ' && !field) {
            /* a value wrapped by a narrow console continues on this line */
            char *j = tl__asprintf("%s%s", vals[nv - 1], s);
            if (!j) {
                rc = tl__oom();
                break;
            }
            tl__free(vals[nv - 1]);
            vals[nv - 1] = j;
            continue;
        }
        rc = flush_record(m, start, vals, nv);
        for (int k = 0; k < nv; k++)
            tl__free(vals[k]);
        nv = 0;
        if (*s && !ignorable(m, i))
            note(m, i, "not understood: '%.80s'", s);
    }
    if (!rc)
        rc = flush_record(m, start, vals, nv);
    for (int k = 0; k < nv; k++)
        tl__free(vals[k]);
    return rc;
}

/* ---- entry -------------------------------------------------------------------------------- */

static int run(imp *m)
{
    bool table = false, csv = false;
    for (size_t i = 0; i < m->n; i++) {
        if (is_sep(m->lines[i].s) && strstr(m->lines[i].s, "==="))
            table = true;
        if (m->lines[i].s[0] == '"' && strstr(m->lines[i].s, "\",\""))
            csv = true;
    }
    int rc = TL_OK;
    if (table) {
        for (size_t i = 0; i < m->n && !rc;) {
            if (is_sep(m->lines[i].s) && strstr(m->lines[i].s, "===")) {
                rc = parse_table(m, i, &i);
                continue;
            }
            /* the header line of the next table is read by parse_table */
            bool header = false;
            for (size_t j = i + 1; j < m->n && j <= i + 2; j++)
                if (is_sep(m->lines[j].s))
                    header = true;
            if (!header && !ignorable(m, i))
                note(m, i, "not understood: '%.80s'", m->lines[i].s);
            i++;
        }
    } else if (csv) {
        for (size_t i = 0; i < m->n && !rc; i++) {
            if (m->lines[i].s[0] == '"')
                rc = parse_csv_line(m, i, m->lines[i].s);
            else if (!ignorable(m, i))
                note(m, i, "not understood: '%.80s'", m->lines[i].s);
        }
    } else {
        rc = parse_list(m);
    }
    return rc;
}

tl_result tl_token_from_whoami_text(tl_token **out, const char *text, size_t len, char **notes)
{
    if (!out || (!text && len))
        return tl__error(TL_EINVAL, "out or text is NULL");
    if (len > TL_WHOAMI_MAX_TEXT)
        return tl__error(TL_ELIMIT, "whoami text: larger than %u bytes", TL_WHOAMI_MAX_TEXT);
    imp m;
    memset(&m, 0, sizeof m);
    tl__buf utf8 = TL__BUF_INIT;
    int rc = decode(&utf8, (const unsigned char *)(text ? text : ""), len);
    if (!rc && !utf8.data)
        tl__buf_put(&utf8, "");
    if (!rc && utf8.failed)
        rc = tl__oom();
    if (!rc)
        rc = split_lines(&m, utf8.data);
    if (!rc)
        rc = tl_token_new(&m.t);
    if (!rc)
        rc = tl_token_set_type(m.t, TL_TOKEN_PRIMARY);
    if (!rc)
        rc = run(&m);
    if (!rc && m.notes.failed)
        rc = tl__oom();
    if (!rc && m.found == 0) {
        const char *first = NULL;
        size_t ln = 0;
        for (size_t i = 0; i < m.n && !first; i++)
            if (*m.lines[i].s)
                first = m.lines[i].s, ln = i;
        rc = tl__error_path(TL_EPARSE, "line 1",
                            "whoami text: no user, group or privilege found (expected the "
                            "output of whoami /all, /user, /groups or /priv; line %zu reads "
                            "'%.60s')",
                            ln + 1, first ? first : "");
    }
    char *n = NULL;
    if (!rc && notes && m.notes.len)
        rc = tl__buf_detach(&m.notes, &n);
    tl__buf_free(&m.notes);
    tl__free(m.lines);
    tl__buf_free(&utf8);
    if (rc) {
        tl_token_free(m.t);
        return rc;
    }
    *out = m.t;
    if (notes)
        *notes = n;
    tl_error_clear();
    return TL_OK;
}
