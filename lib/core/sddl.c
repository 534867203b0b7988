/*
 * SDDL (MS-DTYP 2.5.1) parse and format, matching what Windows' sechost accepts and prints.
 *
 * Behaviour follows recordings made on Windows (Samba libcli/security/tests/windows, the *.txt
 * files: input -> ConvertSecurityDescriptorToStringSecurityDescriptor output) and Microsoft's SDDL
 * documentation; where Windows is odd we match it and say so next to the code. The list of
 * rules with their sources is docs/sddl.md.
 */
#include "sd_internal.h"
#include <string.h>

typedef struct parser {
    const char *s;
    size_t len;
    size_t pos;
    const tl_sid *domain;
} parser;

static bool is_ws(char c)
{
    /* iswspace() in the C locale, which is what wcstoul and sechost's skipping use. */
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static char up(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static size_t skip_ws(const char *s, size_t pos, size_t end)
{
    while (pos < end && is_ws(s[pos]))
        pos++;
    return pos;
}

/* ---- numbers: wcstoul semantics -------------------------------------------------------- */

/*
 * Parse an unsigned number the way the Windows CRT's wcstoul does, because sechost uses it
 * for masks and SID parts: leading whitespace skipped, optional sign, base 0 detection
 * ("0x" hex, "0" octal), saturation at `max` on overflow, and a leading '-' negates the
 * (saturated) value modulo 2^32. Recorded on Windows: "-99" -> 0xffffff9d,
 * "0x123456789" -> 0xffffffff, "-9876543210" -> 1, "01234567" -> 0x53977.
 * Returns false (nothing consumed) when no digit follows.
 */
static bool parse_ul(const char *s, size_t end, size_t *pos, int base, bool allow_sign,
                     uint64_t max, uint64_t *out)
{
    size_t p = skip_ws(s, *pos, end);
    bool neg = false;
    if (allow_sign && p < end && (s[p] == '-' || s[p] == '+')) {
        neg = s[p] == '-';
        p++;
    }
    if ((base == 0 || base == 16) && p + 1 < end && s[p] == '0' && up(s[p + 1]) == 'X') {
        /* "0x" counts only when a hex digit follows; else the "0" alone is the number. */
        if (p + 2 < end && ((s[p + 2] >= '0' && s[p + 2] <= '9') ||
                            (up(s[p + 2]) >= 'A' && up(s[p + 2]) <= 'F'))) {
            base = 16;
            p += 2;
        } else if (base == 0) {
            base = 10;
        }
    } else if (base == 0) {
        base = (p < end && s[p] == '0') ? 8 : 10;
    }
    uint64_t v = 0;
    bool any = false, over = false;
    while (p < end) {
        char c = up(s[p]);
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (d >= base)
            break;
        any = true;
        if (!over) {
            if (v > (max - (uint64_t)d) / (uint64_t)base)
                over = true;
            else
                v = v * (uint64_t)base + (uint64_t)d;
        }
        p++;
    }
    if (!any)
        return false;
    if (over)
        v = max;
    if (neg)
        v = (uint64_t)(-(int64_t)v) & 0xFFFFFFFFu;
    *out = v;
    *pos = p;
    return true;
}

/* ---- SIDs in SDDL -------------------------------------------------------------------- */

/*
 * A string SID inside SDDL, [pos, end). Windows' quirks (recorded on Windows):
 *  - whitespace is allowed before each number ("S- 1- 2-3" -> S-1-2-3), not after the SID;
 *  - sub-authorities saturate at 4294967295 ("S-1-3-0x100000000-3-4");
 *  - the authority is 48 bits, decimal or hex ("S-1-21474836480-32-579"); larger fails;
 *  - a hex revision ("S-0x1-...") makes every later number hex ("S-0x1-0-0-579" ->
 *    S-1-0-0-1401).
 */
static int parse_sid_string(parser *P, tl_sid *out, size_t start, size_t end)
{
    const char *s = P->s;
    size_t p = start + 2; /* after "S-" */
    uint64_t v;
    size_t rev_at = skip_ws(s, p, end);
    if (!parse_ul(s, end, &p, 0, false, 0xFFFFFFFFu, &v))
        return tl__error_at(TL_EPARSE, rev_at, "SID revision expected");
    int base = (p - rev_at > 2 && s[rev_at] == '0' && up(s[rev_at + 1]) == 'X') ? 16 : 0;
    if (v != 1)
        return tl__error_at(TL_EPARSE, rev_at, "SID revision must be 1");
    if (p >= end || s[p] != '-')
        return tl__error_at(TL_EPARSE, p, "expected '-' and the SID authority");
    p++;
    size_t auth_at = skip_ws(s, p, end);
    uint64_t auth;
    /* Base 0 detection for the authority unless the revision switched to hex. */
    if (!parse_ul(s, end, &p, base, false, UINT64_MAX >> 1, &auth))
        return tl__error_at(TL_EPARSE, auth_at, "SID authority expected");
    if (auth > 0xFFFFFFFFFFFFull)
        return tl__error_at(TL_EPARSE, auth_at, "SID authority exceeds 48 bits");
    uint32_t subs[TL_SID_MAX_SUB_AUTHORITIES];
    size_t n = 0;
    while (p < end && s[p] == '-') {
        p++;
        size_t at = skip_ws(s, p, end);
        if (n == TL_SID_MAX_SUB_AUTHORITIES)
            return tl__error_at(TL_EPARSE, at, "a SID has at most 15 sub-authorities");
        uint64_t sub;
        if (!parse_ul(s, end, &p, base, false, 0xFFFFFFFFu, &sub))
            return tl__error_at(TL_EPARSE, at, "SID sub-authority expected");
        subs[n++] = (uint32_t)sub;
    }
    if (p != end)
        return tl__error_at(TL_EPARSE, p, "unexpected character in SID");
    return tl_sid_init(out, auth, subs, n);
}

/* A SID field: alias (two letters, case-insensitive, trailing blanks allowed) or S-... */
static int parse_sid_field(parser *P, tl_sid *out, size_t start, size_t end)
{
    const char *s = P->s;
    size_t p = skip_ws(s, start, end);
    if (p >= end)
        return tl__error_at(TL_EPARSE, p, "SID or SID alias expected");
    /* Windows takes a lower-case "s-1-1-0" too (recorded: "O:s-1-1-0D:..." -> "O:WD",
     * Samba tests/data/conditional_aces_windows_only.txt). */
    if (end - p >= 2 && up(s[p]) == 'S' && s[p + 1] == '-')
        return parse_sid_string(P, out, p, end);
    size_t q = p;
    while (q < end && !is_ws(s[q]))
        q++;
    if (skip_ws(s, q, end) != end)
        return tl__error_at(TL_EPARSE, q, "unexpected text after the SID alias");
    if (q - p != 2)
        return tl__error_at(TL_EPARSE, p, "SID alias must be two letters or a S-1-... SID");
    char alias[3] = {up(s[p]), up(s[p + 1]), 0};
    int rc = tl_sid_from_sddl_alias(out, alias, P->domain);
    if (rc) {
        /* "not an SDDL SID alias" or "relative to a domain: give the domain SID". */
        char msg[256]; /* the message lives in the error buffer being rewritten */
        snprintf(msg, sizeof msg, "%s", tl_error_last()->message);
        return tl__error_at(TL_EPARSE, p, "%s", msg);
    }
    return TL_OK;
}

/* ---- tables -------------------------------------------------------------------------- */

typedef struct named {
    const char *name;
    uint32_t value;
} named;

static const named ace_types[] = {
    {"A", TL_ACE_ACCESS_ALLOWED},
    {"D", TL_ACE_ACCESS_DENIED},
    {"OA", TL_ACE_ACCESS_ALLOWED_OBJECT},
    {"OD", TL_ACE_ACCESS_DENIED_OBJECT},
    {"AU", TL_ACE_SYSTEM_AUDIT},
    {"AL", TL_ACE_SYSTEM_ALARM},
    {"OU", TL_ACE_SYSTEM_AUDIT_OBJECT},
    {"OL", TL_ACE_SYSTEM_ALARM_OBJECT},
    {"ML", TL_ACE_SYSTEM_MANDATORY_LABEL},
    {"XA", TL_ACE_ACCESS_ALLOWED_CALLBACK},
    {"XD", TL_ACE_ACCESS_DENIED_CALLBACK},
    {"ZA", TL_ACE_ACCESS_ALLOWED_CALLBACK_OBJECT},
    {"XU", TL_ACE_SYSTEM_AUDIT_CALLBACK},
    {"SP", TL_ACE_SYSTEM_SCOPED_POLICY_ID},
    {"TL", TL_ACE_SYSTEM_PROCESS_TRUST_LABEL},
    {"RA", TL__ACE_RESOURCE_ATTRIBUTE},
};

/* Windows prints ACE flags in bit order (recorded: "OICIIO", "CIIDSA", "OICIID"). */
static const named ace_flags[] = {
    {"OI", TL_ACE_OBJECT_INHERIT},
    {"CI", TL_ACE_CONTAINER_INHERIT},
    {"NP", TL_ACE_NO_PROPAGATE_INHERIT},
    {"IO", TL_ACE_INHERIT_ONLY},
    {"ID", TL_ACE_INHERITED},
    {"SA", TL_ACE_SUCCESSFUL_ACCESS},
    {"FA", TL_ACE_FAILED_ACCESS},
};

/* Every two-letter right accepted on input (MS "Access rights strings"), indexed by its two
 * upper-case letters; 0 = not a right. */
#define R(a, b) [((a) - 'A') * 26 + ((b) - 'A')]
static const uint32_t rights_in[26 * 26] = {
    R('G', 'A') = TL_GENERIC_ALL,
    R('G', 'R') = TL_GENERIC_READ,
    R('G', 'W') = TL_GENERIC_WRITE,
    R('G', 'X') = TL_GENERIC_EXECUTE,
    R('R', 'C') = TL_READ_CONTROL,
    R('S', 'D') = TL_DELETE,
    R('W', 'D') = TL_WRITE_DAC,
    R('W', 'O') = TL_WRITE_OWNER,
    R('R', 'P') = 0x10,
    R('W', 'P') = 0x20,
    R('C', 'C') = 0x1,
    R('D', 'C') = 0x2,
    R('L', 'C') = 0x4,
    R('S', 'W') = 0x8,
    R('L', 'O') = 0x80,
    R('D', 'T') = 0x40,
    R('C', 'R') = 0x100,
    R('F', 'A') = TL_FILE_ALL_ACCESS,
    R('F', 'R') = TL_FILE_GENERIC_READ,
    R('F', 'W') = TL_FILE_GENERIC_WRITE,
    R('F', 'X') = TL_FILE_GENERIC_EXECUTE,
    R('K', 'A') = TL_KEY_ALL_ACCESS,
    R('K', 'R') = TL_KEY_READ,
    R('K', 'W') = TL_KEY_WRITE,
    R('K', 'X') = TL_KEY_READ,
    R('N', 'R') = TL_MANDATORY_NO_READ_UP,
    R('N', 'W') = TL_MANDATORY_NO_WRITE_UP,
    R('N', 'X') = TL_MANDATORY_NO_EXECUTE_UP,
};
#undef R

/*
 * Output. Windows first looks for a single alias equal to the whole mask (0x1f01ff -> "FA",
 * 0x20019 -> "KR", never "KX"), then spells the mask bit by bit in ascending bit order when
 * every set bit has a name (0xf01ff -> "CCDCLCSWRPWPDTLOCRSDRCWDWO", 0xe00f0000 ->
 * "SDRCWDWOGXGWGR"), and otherwise prints "0x" + lowercase hex (0x1200a9 -> "0x1200a9",
 * FA|GX -> "0x201f01ff"). All recorded on Windows (Samba's windows/non_canonical.txt).
 */
static const named rights_whole[] = {
    {"FA", TL_FILE_ALL_ACCESS},    {"FR", TL_FILE_GENERIC_READ},
    {"FW", TL_FILE_GENERIC_WRITE}, {"FX", TL_FILE_GENERIC_EXECUTE},
    {"KA", TL_KEY_ALL_ACCESS},     {"KR", TL_KEY_READ},
    {"KW", TL_KEY_WRITE},
};
static const char *const rights_bits[32] = {
    "CC", "DC", "LC", "SW", "RP", "WP", "DT", "LO", "CR", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    "SD", "RC", "WD", "WO", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "GA", "GX", "GW", "GR"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *tl_ace_type_sddl(uint8_t type)
{
    for (size_t i = 0; i < COUNT(ace_types); i++)
        if (ace_types[i].value == type)
            return ace_types[i].name;
    return NULL;
}

/* The rights field into buf (>= 80 bytes); returns its length. No printf: it runs once per
 * ACE when formatting. */
static size_t rights_text(char *buf, uint32_t mask, uint8_t ace_type)
{
    size_t n = 0;
    if (mask == 0)
        return 0;
    if (ace_type == TL_ACE_SYSTEM_MANDATORY_LABEL && !(mask & ~7u)) {
        /* ML ACEs spell their policy bits NW, NR, NX in bit order (inferred from published
         * outputs such as "S:(ML;;NWNR;;;SI)"; not in Samba's recordings). */
        static const char ml[3][2] = {{'N', 'W'}, {'N', 'R'}, {'N', 'X'}};
        for (int b = 0; b < 3; b++)
            if (mask & (1u << b)) {
                memcpy(buf + n, ml[b], 2);
                n += 2;
            }
        return n;
    }
    for (size_t i = 0; i < COUNT(rights_whole); i++)
        if (rights_whole[i].value == mask) {
            memcpy(buf, rights_whole[i].name, 2);
            return 2;
        }
    /* Every set bit named: 0x01ff000f is the set of named bits (CC..CR, SD RC WD WO, GA..GR). */
    if (!(mask & ~0xF00F01FFu)) {
        for (uint32_t m = mask; m; m &= m - 1) {
            memcpy(buf + n, rights_bits[__builtin_ctz(m)], 2);
            n += 2;
        }
        return n;
    }
    static const char hex[] = "0123456789abcdef";
    char tmp[8];
    size_t k = 0;
    buf[n++] = '0';
    buf[n++] = 'x';
    while (mask) {
        tmp[k++] = hex[mask & 15];
        mask >>= 4;
    }
    while (k)
        buf[n++] = tmp[--k];
    return n;
}

int tl_sddl_rights_string(char *out, size_t out_size, uint32_t mask, uint8_t ace_type)
{
    if (!out || out_size == 0)
        return tl__error(TL_EINVAL, "tl_sddl_rights_string: no buffer");
    char buf[96];
    size_t len = rights_text(buf, mask, ace_type);
    if (len + 1 > out_size)
        return tl__error(TL_ERANGE, "tl_sddl_rights_string: buffer too small");
    memcpy(out, buf, len);
    out[len] = 0;
    return TL_OK;
}

/* ---- ACE parsing --------------------------------------------------------------------- */

/* End of the field starting at p: the next ';' or ')' (not beyond end). */
static size_t field_end(const char *s, size_t p, size_t end)
{
    /* One table load per byte; NUL stops the scan too (the text is NUL-terminated). */
    static const unsigned char stop[256] = {[0] = 1, [';'] = 1, [')'] = 1};
    while (!stop[(unsigned char)s[p]])
        p++;
    return p < end ? p : end;
}

static bool is_system_type(uint8_t t)
{
    return t == TL_ACE_SYSTEM_AUDIT || t == TL_ACE_SYSTEM_ALARM ||
           t == TL_ACE_SYSTEM_AUDIT_OBJECT || t == TL_ACE_SYSTEM_ALARM_OBJECT ||
           t == TL_ACE_SYSTEM_MANDATORY_LABEL || t == TL_ACE_SYSTEM_AUDIT_CALLBACK ||
           t == TL_ACE_SYSTEM_SCOPED_POLICY_ID || t == TL_ACE_SYSTEM_PROCESS_TRUST_LABEL ||
           t == TL__ACE_RESOURCE_ATTRIBUTE;
}

static uint32_t right_of(char a, char b)
{
    return rights_in[(a - 'A') * 26 + (b - 'A')];
}

static int parse_rights(parser *P, uint32_t *mask, size_t start, size_t end)
{
    const char *s = P->s;
    size_t p = skip_ws(s, start, end);
    *mask = 0;
    if (p == end)
        return TL_OK;
    if ((s[p] >= '0' && s[p] <= '9') || s[p] == '-' || s[p] == '+') {
        uint64_t v;
        size_t q = p;
        if (!parse_ul(s, end, &q, 0, true, 0xFFFFFFFFu, &v))
            return tl__error_at(TL_EPARSE, p, "access mask number expected");
        if (q != end)
            return tl__error_at(TL_EPARSE, q, "unexpected character in access mask");
        *mask = (uint32_t)v;
        return TL_OK;
    }
    while (p < end) {
        if (end - p < 2)
            return tl__error_at(TL_EPARSE, p, "access rights are two-letter codes");
        char a = up(s[p]), b = up(s[p + 1]);
        uint32_t v = (a >= 'A' && a <= 'Z' && b >= 'A' && b <= 'Z') ? right_of(a, b) : 0;
        *mask |= v;
        if (!v)
            return tl__error_at(TL_EPARSE, p, "unknown access right '%c%c'", s[p], s[p + 1]);
        p += 2;
    }
    return TL_OK;
}

int tl_sddl_rights_from_string(uint32_t *out, const char *text)
{
    if (!out || !text)
        return tl__error(TL_EINVAL, "tl_sddl_rights_from_string: NULL argument");
    *out = 0;
    parser P = {text, strlen(text), 0, NULL};
    size_t end = P.len;
    while (end > 0 && is_ws(text[end - 1]))
        end--;
    return parse_rights(&P, out, 0, end);
}

static int parse_guid_field(parser *P, tl_guid *g, bool *present, size_t start, size_t end,
                            bool object_ace)
{
    const char *s = P->s;
    *present = false;
    if (skip_ws(s, start, end) == end)
        return TL_OK;
    /* Windows rejects blanks around a GUID (" f30e...", "f30e... "), braces and short
     * forms (recorded). A GUID on a non-object ACE is rejected too (inferred: every such
     * recorded case fails; docs/sddl.md). */
    if (!object_ace)
        return tl__error_at(TL_EPARSE, start, "a GUID is only valid in an object ACE");
    int rc = tl_guid_from_string(g, s + start, end - start);
    if (rc) {
        size_t off = tl_error_last()->offset;
        char msg[256]; /* the message lives in the error buffer being rewritten */
        snprintf(msg, sizeof msg, "%s", tl_error_last()->message);
        return tl__error_at(TL_EPARSE, start + (off == TL_NO_OFFSET ? 0 : off), "bad GUID: %s",
                            msg);
    }
    *present = true;
    return TL_OK;
}

/* The condition of a callback ACE: "( ... )" with nested parentheses and quoted strings,
 * compiled to the binary form Windows stores and rendered back the way Windows prints it. */
static int parse_condition(parser *P, size_t *pos, char **out, uint8_t **data, size_t *dlen,
                           bool ra)
{
    const char *s = P->s;
    size_t p = skip_ws(s, *pos, P->len);
    if (p >= P->len || s[p] != '(')
        return tl__error_at(TL_EPARSE, p, "conditional expression must start with '('");
    size_t start = p;
    int depth = 0;
    bool quoted = false;
    for (; p < P->len; p++) {
        char c = s[p];
        if (quoted) {
            if (c == '"')
                quoted = false;
            continue;
        }
        if (c == '"')
            quoted = true;
        else if (c == '(')
            depth++;
        else if (c == ')' && --depth == 0)
            break;
        if (depth > 256)
            return tl__error_at(TL_ELIMIT, p, "conditional expression nested too deeply");
    }
    if (p >= P->len)
        return tl__error_at(TL_EPARSE, quoted ? P->len : start,
                            "unterminated conditional "
                            "expression");
    int rc = ra ? tl__ra_compile(data, dlen, s + start, p - start + 1, start, P->domain)
                : tl__cond_compile(data, dlen, s + start, p - start + 1, start, P->domain);
    if (rc)
        return rc;
    rc = ra ? tl__ra_render(out, *data, *dlen, P->domain)
            : tl__cond_render(out, *data, *dlen, P->domain);
    if (rc != TL_OK) {
        tl__free(*data);
        *data = NULL;
        if (rc == TL_ENOMEM)
            return rc;
        char msg[256]; /* the message lives in the error buffer being rewritten */
        snprintf(msg, sizeof msg, "%s", tl_error_last()->message);
        return tl__error_at(TL_ELIMIT, start, "%s", msg);
    }
    *pos = p + 1;
    return TL_OK;
}

static int parse_ace(parser *P, tl_ace *ace, char **cond, uint8_t **data, tl_acl_kind which)
{
    const char *s = P->s;
    size_t end = P->len;
    memset(ace, 0, sizeof *ace);
    *cond = NULL;
    *data = NULL;
    size_t p = P->pos + 1; /* after '(' */
    size_t f[6][2];
    for (int i = 0; i < 6; i++) {
        size_t e = field_end(s, p, end);
        if (e >= end)
            return tl__error_at(TL_EPARSE, e, "ACE is not terminated by ')'");
        if (i < 5 && s[e] != ';')
            return tl__error_at(TL_EPARSE, e, "ACE has too few fields (6 separated by ';')");
        f[i][0] = p;
        f[i][1] = e;
        p = e + 1;
    }
    /* type */
    size_t tp = skip_ws(s, f[0][0], f[0][1]);
    size_t tl = f[0][1] - tp;
    bool found = false;
    if (tl == 1 || tl == 2) {
        char c0 = up(s[tp]), c1 = tl == 2 ? up(s[tp + 1]) : 0;
        for (size_t i = 0; i < COUNT(ace_types) && !found; i++) {
            const char *n = ace_types[i].name;
            if (n[0] == c0 && n[1] == c1) {
                ace->type = (uint8_t)ace_types[i].value;
                found = true;
            }
        }
    }
    if (!found) {
        return tl__error_at(TL_EPARSE, tp, "unknown ACE type '%.*s'", (int)(tl > 8 ? 8 : tl),
                            s + tp);
    }
    /* Windows refused audit ACEs in a DACL in a recorded case (docs/sddl.md). */
    if (which == TL_ACL_DACL && is_system_type(ace->type))
        return tl__error_at(TL_EPARSE, tp, "ACE type '%s' belongs in the SACL, not the DACL",
                            tl_ace_type_sddl(ace->type));
    /* flags */
    size_t q = skip_ws(s, f[1][0], f[1][1]);
    while (q < f[1][1]) {
        if (f[1][1] - q < 2)
            return tl__error_at(TL_EPARSE, q, "ACE flags are two-letter codes");
        char a = up(s[q]), b = up(s[q + 1]);
        found = false;
        for (size_t i = 0; i < COUNT(ace_flags); i++)
            if (ace_flags[i].name[0] == a && ace_flags[i].name[1] == b) {
                ace->flags |= (uint8_t)ace_flags[i].value;
                found = true;
            }
        if (!found)
            return tl__error_at(TL_EPARSE, q, "unknown ACE flag '%c%c'", s[q], s[q + 1]);
        q += 2;
    }
    int rc = parse_rights(P, &ace->mask, f[2][0], f[2][1]);
    if (rc)
        return rc;
    bool obj = tl__ace_is_object(ace->type), present;
    if ((rc = parse_guid_field(P, &ace->object_type, &present, f[3][0], f[3][1], obj)))
        return rc;
    if (present)
        ace->object_flags |= TL_ACE_OBJECT_TYPE_PRESENT;
    if ((rc = parse_guid_field(P, &ace->inherited_object_type, &present, f[4][0], f[4][1], obj)))
        return rc;
    if (present)
        ace->object_flags |= TL_ACE_INHERITED_OBJECT_TYPE_PRESENT;
    if ((rc = parse_sid_field(P, &ace->sid, f[5][0], f[5][1])))
        return rc;
    p = f[5][1];
    bool ra = ace->type == TL__ACE_RESOURCE_ATTRIBUTE;
    if (ra && s[p] != ';')
        return tl__error_at(TL_EPARSE, p,
                            "a resource attribute ACE (RA) needs its attribute "
                            "as a seventh field: (\"name\",TS,0x0,\"value\")");
    if (s[p] == ';') {
        if (!tl__ace_has_app_data(ace->type))
            return tl__error_at(TL_EPARSE, p,
                                "only conditional ACEs (XA, XD, ZA, XU) and "
                                "resource attribute ACEs (RA) take a seventh field");
        p++;
        size_t dlen = 0;
        if ((rc = parse_condition(P, &p, cond, data, &dlen, ra)))
            return rc;
        ace->condition = *cond;
        ace->app_data = *data;
        ace->app_data_len = dlen;
        p = skip_ws(s, p, end);
        if (p >= end || s[p] != ')') {
            tl__free(*cond);
            tl__free(*data);
            *cond = NULL;
            *data = NULL;
            return tl__error_at(TL_EPARSE, p, "expected ')' after the %s",
                                ra ? "resource attribute" : "conditional expression");
        }
    }
    P->pos = p + 1;
    return TL_OK;
}

/* ---- descriptor parsing -------------------------------------------------------------- */

static bool tag_at(const parser *P, size_t p)
{
    if (p + 1 >= P->len || P->s[p + 1] != ':')
        return false;
    char c = P->s[p];
    return c == 'O' || c == 'G' || c == 'D' || c == 'S';
}

static size_t ace_binary_size(const tl_ace *a)
{
    size_t n = 8 + tl_sid_binary_size(&a->sid);
    if (tl__ace_is_object(a->type))
        n += 4 + ((a->object_flags & 1) ? 16 : 0) + ((a->object_flags & 2) ? 16 : 0);
    n += (a->app_data_len + 3) & ~(size_t)3;
    return n + tl__ace_slack(a);
}

static int parse_acl(parser *P, tl_sd *sd, tl_acl_kind which)
{
    const char *s = P->s;
    tl__acl *acl = &sd->acl[which];
    acl->present = true;
    bool is_d = which == TL_ACL_DACL;
    /* Flags: P, AR, AI, NO_ACCESS_CONTROL in any order, repeats allowed ("D:PPPP" -> "D:P"). */
    size_t p = skip_ws(s, P->pos, P->len);
    for (;;) {
        if (p < P->len && s[p] == 'P') {
            sd->control |= is_d ? TL_SD_DACL_PROTECTED : TL_SD_SACL_PROTECTED;
            p++;
        } else if (p + 1 < P->len && s[p] == 'A' && s[p + 1] == 'R') {
            sd->control |= is_d ? TL_SD_DACL_AUTO_INHERIT_REQ : TL_SD_SACL_AUTO_INHERIT_REQ;
            p += 2;
        } else if (p + 1 < P->len && s[p] == 'A' && s[p + 1] == 'I') {
            sd->control |= is_d ? TL_SD_DACL_AUTO_INHERITED : TL_SD_SACL_AUTO_INHERITED;
            p += 2;
        } else if (P->len - p >= 17 && memcmp(s + p, "NO_ACCESS_CONTROL", 17) == 0) {
            acl->null_acl = true;
            p += 17;
        } else {
            break;
        }
    }
    size_t bytes = 8;
    for (;;) {
        p = skip_ws(s, p, P->len);
        if (p >= P->len || tag_at(P, p))
            break;
        if (s[p] != '(')
            return tl__error_at(TL_EPARSE, p,
                                "expected '(' to start an ACE, or the next "
                                "O:, G:, D: or S: part");
        if (acl->null_acl)
            return tl__error_at(TL_EPARSE, p, "NO_ACCESS_CONTROL (a NULL ACL) cannot have ACEs");
        size_t ace_at = p;
        P->pos = p;
        tl_ace ace;
        char *cond = NULL;
        uint8_t *data = NULL;
        int rc = parse_ace(P, &ace, &cond, &data, which);
        if (rc)
            return rc;
        bytes += ace_binary_size(&ace);
        if (bytes > TL_SD_MAX_ACL_BYTES || acl->count >= TL_SD_MAX_ACES) {
            tl__free(cond);
            tl__free(data);
            return tl__error_at(TL_ELIMIT, ace_at, "ACL exceeds %u bytes (the 16-bit ACL size)",
                                TL_SD_MAX_ACL_BYTES);
        }
        rc = tl__sd_acl_append(acl, &ace);
        tl__free(cond);
        tl__free(data);
        if (rc)
            return rc;
        p = P->pos;
    }
    P->pos = p;
    return TL_OK;
}

int tl_sd_from_sddl(tl_sd **out, const char *text, const tl_sid *domain)
{
    if (!out || !text)
        return tl__error(TL_EINVAL, "tl_sd_from_sddl: NULL argument");
    *out = NULL;
    parser P = {text, strlen(text), 0, domain};
    if (P.len > TL_SDDL_MAX_TEXT)
        return tl__error_at(TL_ELIMIT, TL_SDDL_MAX_TEXT, "SDDL longer than %u bytes",
                            TL_SDDL_MAX_TEXT);
    tl_sd *sd;
    int rc = tl_sd_new(&sd);
    if (rc)
        return rc;
    bool seen[4] = {false, false, false, false};
    size_t p = skip_ws(text, 0, P.len);
    while (p < P.len) {
        if (!tag_at(&P, p)) {
            rc = tl__error_at(TL_EPARSE, p, "expected O:, G:, D: or S:");
            goto fail;
        }
        char tag = text[p];
        int idx = tag == 'O' ? 0 : tag == 'G' ? 1 : tag == 'D' ? 2 : 3;
        if (seen[idx]) {
            rc = tl__error_at(TL_EPARSE, p, "'%c:' appears twice", tag);
            goto fail;
        }
        seen[idx] = true;
        p += 2;
        if (idx < 2) {
            /* Windows cuts the owner/group at the next "X:" tag before parsing the SID:
             * "O:S-1-2-0x200D:" is S-1-2-512 and then D: (recorded). */
            size_t e = p;
            while (e < P.len && !tag_at(&P, e))
                e++;
            tl_sid sid;
            if ((rc = parse_sid_field(&P, &sid, p, e)) != TL_OK)
                goto fail;
            if (idx == 0) {
                sd->owner = sid;
                sd->has_owner = true;
            } else {
                sd->group = sid;
                sd->has_group = true;
            }
            p = e;
        } else {
            P.pos = p;
            if ((rc = parse_acl(&P, sd, idx == 2 ? TL_ACL_DACL : TL_ACL_SACL)) != TL_OK)
                goto fail;
            p = P.pos;
        }
        p = skip_ws(text, p, P.len);
    }
    *out = sd;
    return TL_OK;
fail:
    tl_sd_free(sd);
    return rc;
}

/* ---- formatting ---------------------------------------------------------------------- */

static size_t put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return n;
}

/* One ACE, written into a stack buffer and appended once (the largest fixed part is two
 * GUIDs, a SID and a hex mask: far below the buffer). */
static void put_ace(tl__buf *b, const tl_ace *a, const tl_sid *domain)
{
    char buf[TL_SID_STRING_MAX + 2 * 37 + 96 + 32];
    size_t n = 0;
    const char *t = tl_ace_type_sddl(a->type);
    buf[n++] = '(';
    n += put_str(buf + n, t ? t : "?");
    buf[n++] = ';';
    for (size_t i = 0; i < COUNT(ace_flags); i++)
        if (a->flags & ace_flags[i].value) {
            memcpy(buf + n, ace_flags[i].name, 2);
            n += 2;
        }
    buf[n++] = ';';
    n += rights_text(buf + n, a->mask, a->type);
    buf[n++] = ';';
    bool obj = tl__ace_is_object(a->type);
    if (obj && (a->object_flags & TL_ACE_OBJECT_TYPE_PRESENT)) {
        tl_guid_to_string(buf + n, 37, &a->object_type);
        n += 36;
    }
    buf[n++] = ';';
    if (obj && (a->object_flags & TL_ACE_INHERITED_OBJECT_TYPE_PRESENT)) {
        tl_guid_to_string(buf + n, 37, &a->inherited_object_type);
        n += 36;
    }
    buf[n++] = ';';
    tl__sddl_sid(buf + n, TL_SID_STRING_MAX, &a->sid, domain);
    n += strlen(buf + n);
    if (a->condition) {
        buf[n++] = ';';
        tl__buf_putn(b, buf, n);
        tl__buf_put(b, a->condition);
        tl__buf_putc(b, ')');
        return;
    }
    buf[n++] = ')';
    tl__buf_putn(b, buf, n);
}

static int check_formattable(const tl_ace *a, const char *where, size_t i)
{
    if (!tl_ace_type_sddl(a->type))
        return tl__error(TL_ENOTIMPL, "%s ACE %zu: type 0x%02x has no SDDL form", where, i,
                         a->type);
    /* 0x20 is CRITICAL_ACE_FLAG; newer SDKs spell it "CR" but no recording shows where
     * Windows prints it, so refuse rather than drop the bit silently. */
    if (a->flags & 0x20)
        return tl__error(TL_ENOTIMPL,
                         "%s ACE %zu: ACE flag 0x20 (CRITICAL_ACE_FLAG) has no SDDL "
                         "form in tokenlens",
                         where, i);
    if (tl__ace_has_app_data(a->type) && !a->condition && a->app_data_len)
        return tl__error(TL_ENOTIMPL, "%s ACE %zu: its %s data has no SDDL form", where, i,
                         a->type == TL__ACE_RESOURCE_ATTRIBUTE
                             ? "resource attribute"
                             : "callback (not an \"artx\" conditional expression)");
    return TL_OK;
}

int tl_ace_to_sddl(char **out, const tl_ace *ace, const tl_sid *domain)
{
    if (!out || !ace)
        return tl__error(TL_EINVAL, "tl_ace_to_sddl: NULL argument");
    *out = NULL;
    int rc = check_formattable(ace, "the", 0);
    if (rc)
        return rc;
    tl__buf b = TL__BUF_INIT;
    put_ace(&b, ace, domain);
    return tl__buf_detach(&b, out);
}

static int put_acl(tl__buf *b, const tl_sd *sd, tl_acl_kind which, const tl_sid *domain)
{
    const tl__acl *acl = &sd->acl[which];
    bool d = which == TL_ACL_DACL;
    for (size_t i = 0; i < acl->count; i++) {
        int rc = check_formattable(&acl->aces[i], d ? "DACL" : "SACL", i);
        if (rc)
            return rc;
    }
    tl__buf_put(b, d ? "D:" : "S:");
    if (sd->control & (d ? TL_SD_DACL_PROTECTED : TL_SD_SACL_PROTECTED))
        tl__buf_put(b, "P");
    if (sd->control & (d ? TL_SD_DACL_AUTO_INHERIT_REQ : TL_SD_SACL_AUTO_INHERIT_REQ))
        tl__buf_put(b, "AR");
    if (sd->control & (d ? TL_SD_DACL_AUTO_INHERITED : TL_SD_SACL_AUTO_INHERITED))
        tl__buf_put(b, "AI");
    if (acl->null_acl)
        tl__buf_put(b, "NO_ACCESS_CONTROL");
    for (size_t i = 0; i < acl->count; i++)
        put_ace(b, &acl->aces[i], domain);
    return TL_OK;
}

int tl_sd_to_sddl(char **out, const tl_sd *sd, const tl_sid *domain)
{
    if (!out || !sd)
        return tl__error(TL_EINVAL, "tl_sd_to_sddl: NULL argument");
    *out = NULL;
    tl__buf b = TL__BUF_INIT;
    char tmp[TL_SID_STRING_MAX + 2];
    int rc = TL_OK;
    tl__buf_put(&b, "");
    if (sd->has_owner) {
        tmp[0] = 'O', tmp[1] = ':';
        tl__sddl_sid(tmp + 2, TL_SID_STRING_MAX, &sd->owner, domain);
        tl__buf_put(&b, tmp);
    }
    if (sd->has_group) {
        tmp[0] = 'G', tmp[1] = ':';
        tl__sddl_sid(tmp + 2, TL_SID_STRING_MAX, &sd->group, domain);
        tl__buf_put(&b, tmp);
    }
    if (sd->acl[TL_ACL_DACL].present)
        rc = put_acl(&b, sd, TL_ACL_DACL, domain);
    if (!rc && sd->acl[TL_ACL_SACL].present)
        rc = put_acl(&b, sd, TL_ACL_SACL, domain);
    if (rc) {
        tl__buf_free(&b);
        return rc;
    }
    return tl__buf_detach(&b, out);
}
