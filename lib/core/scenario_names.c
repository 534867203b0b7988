/*
 * The Windows name rules a scenario's names must follow (docs/explain.md "Names in a
 * scenario"). Each check returns NULL when the name is valid, else a static phrase saying what
 * is wrong; the loader adds the JSON path and an example of a valid value.
 *
 * Sources:
 * - NetBIOS computer and domain names: 1 to 15 characters, none of \ / : * ? " < > |, not
 *   starting with a period ("Naming conventions in Active Directory for computers, domains,
 *   sites, and OUs", KB 909264); no leading or trailing blank, no control characters
 *   ([MS-SRVS] 2.2.2.8 Name Types, NAMETYPE_COMPUTER / NAMETYPE_DOMAIN).
 * - Account names (sAMAccountName): none of " / \ [ ] : ; | = , + * ? < > (the SAM-Account-Name
 *   attribute, Range-Upper 256; 20 characters for pre-Windows 2000 clients) and not ending in a
 *   period, no characters 1-31 (USER_INFO_0 remarks).
 * - SPNs: <service class>/<host>[:<port>][/<service name>] ("Name Formats for Unique SPNs");
 *   a port is a decimal number 1 to 65535; SQL Server's named instances register
 *   MSSQLSvc/<host>:<instance name> ("Register a Service Principal Name for Kerberos
 *   Connections"; instance names: "Database Engine instances", 16 characters).
 */
#include "scenario_names.h"
#include "tokenlens/names.h"
#include "tokenlens/sid.h"
#include <string.h>

#define NETBIOS_MAX 15
#define ACCOUNT_MAX 256
#define SPN_HOST_MAX 255

/* Characters, not bytes: a UTF-8 continuation byte does not start one. */
static size_t chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

static bool ctl(unsigned char c)
{
    return c < 0x20 || c == 0x7F;
}

static const char *netbios(const char *s, size_t n, bool computer)
{
    if (n == 0)
        return computer ? "the computer name is empty" : "the domain name is empty";
    if (chars(s, n) > NETBIOS_MAX)
        return computer ? "a NetBIOS computer name has at most 15 characters"
                        : "a NetBIOS domain name has at most 15 characters";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (ctl(c))
            return "control characters are not allowed";
        if (strchr("\\/:*?\"<>|", c))
            return computer ? "a NetBIOS computer name has none of \\ / : * ? \" < > |"
                            : "a NetBIOS domain name has none of \\ / : * ? \" < > |";
        if (computer && c == ' ')
            return "a computer name has no spaces";
    }
    if (s[0] == '.')
        return "a NetBIOS name does not start with a period";
    if (s[0] == ' ' || s[n - 1] == ' ')
        return "a NetBIOS name has no leading or trailing space";
    return NULL;
}

const char *tl__computer_name_problem(const char *s)
{
    size_t n = strlen(s);
    if (n && s[n - 1] == '$') /* the account is NAME$: tokenlens adds the '$' itself */
        return "give the computer name without the machine account's trailing '$'";
    return netbios(s, n, true);
}

const char *tl__domain_name_problem(const char *s)
{
    return netbios(s, strlen(s), false);
}

static const char *user_part(const char *s, size_t n)
{
    if (n == 0)
        return "the user name is empty";
    if (chars(s, n) > ACCOUNT_MAX)
        return "an account name has at most 256 characters";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (ctl(c))
            return "control characters are not allowed";
        if (strchr("\"/\\[]:;|=,+*?<>", c))
            return "an account name has none of \" / \\ [ ] : ; | = , + * ? < >";
    }
    if (s[n - 1] == '.')
        return "an account name does not end with a period";
    size_t blank = strspn(s, " .");
    if (blank >= n)
        return "an account name is not only spaces and periods";
    return NULL;
}

static bool is_sid(const char *s)
{
    tl_sid sid;
    return (s[0] == 'S' || s[0] == 's') && s[1] == '-' && tl_sid_from_string(&sid, s) == TL_OK;
}

const char *tl__account_problem(const char *s, unsigned flags)
{
    if ((flags & TL__ACCOUNT_SID_OK) && is_sid(s)) {
        tl_error_clear(); /* a SID string is accepted as it is */
        return NULL;
    }
    const char *bs = strchr(s, '\\');
    if (!bs) {
        if (flags & TL__ACCOUNT_DOMAIN_REQUIRED)
            return "the account has no domain";
        return user_part(s, strlen(s));
    }
    if (strchr(bs + 1, '\\'))
        return "an account name has one '\\', between the domain and the user";
    size_t dn = (size_t)(bs - s);
    if (dn == 0)
        return "the domain before '\\' is empty";
    /* The domain part is a NetBIOS domain or an authority such as NT AUTHORITY or IIS APPPOOL
     * (spaces inside are allowed there). */
    if (chars(s, dn) > NETBIOS_MAX)
        return "the domain before '\\' has at most 15 characters";
    for (size_t i = 0; i < dn; i++) {
        unsigned char c = (unsigned char)s[i];
        if (ctl(c))
            return "control characters are not allowed";
        if (strchr("/:*?\"<>|", c))
            return "the domain before '\\' has none of / : * ? \" < > |";
    }
    if (s[0] == '.' || s[0] == ' ' || s[dn - 1] == ' ')
        return "the domain before '\\' does not start with a period or a space";
    return user_part(bs + 1, strlen(bs + 1));
}

static bool alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A port 1-65535, or SQL Server's named-instance form MSSQLSvc/host:INSTANCE (an instance
 * name starts with a letter or '_' and continues with letters, digits, $, # or _). */
static bool port_ok(const char *p, size_t n)
{
    if (n == 0)
        return false;
    if (alpha(p[0]) || p[0] == '_') {
        for (size_t i = 1; i < n; i++)
            if (!alpha(p[i]) && !(p[i] >= '0' && p[i] <= '9') && !strchr("$#_", p[i]))
                return false;
        return n <= 16;
    }
    if (n > 5)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    return v >= 1 && v <= 65535;
}

static bool ipv6_chars(const char *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdefABCDEF:.", h[i]))
            return false;
    return n > 1;
}

const char *tl__spn_problem(const char *s)
{
    const char *slash = strchr(s, '/');
    if (!slash)
        return "an SPN has a '/' between the service class and the host";
    if (slash == s)
        return "the service class before '/' is empty";
    for (const char *c = s; c < slash; c++)
        if (ctl((unsigned char)*c) || strchr(" \\:@\"", *c))
            return "the service class has no spaces, control characters or \\ : @ \"";
    const char *h = slash + 1;
    size_t rest = strcspn(h, "/"); /* host[:port] */
    const char *tail = h + rest;
    if (rest == 0)
        return "the host after '/' is empty";
    const char *port = NULL;
    size_t hn = rest;
    if (h[0] == '[') { /* [IPv6]:port */
        const char *close = memchr(h, ']', rest);
        if (!close || !ipv6_chars(h + 1, (size_t)(close - h - 1)))
            return "an IPv6 host is written [address] with hexadecimal digits and ':'";
        if (close + 1 < tail) {
            if (close[1] != ':')
                return "only :port may follow ']'";
            port = close + 2;
        }
    } else {
        size_t colons = 0;
        for (size_t i = 0; i < rest; i++)
            colons += h[i] == ':';
        if (colons >= 2) { /* a bare IPv6 address: no port */
            if (!ipv6_chars(h, rest))
                return "an IPv6 host has only hexadecimal digits and ':'";
        } else {
            const char *colon = memchr(h, ':', rest);
            if (colon) {
                hn = (size_t)(colon - h);
                port = colon + 1;
            }
            if (hn == 0)
                return "the host after '/' is empty";
            if (hn > SPN_HOST_MAX)
                return "the host has at most 255 characters";
            for (size_t i = 0; i < hn; i++)
                if (ctl((unsigned char)h[i]) || strchr(" \\@\"[]<>|*?,;=+", h[i]))
                    return "the host is a name or an address, with no spaces or \\ @ \" [ ] < > | "
                           "* ? , ; = +";
            if (h[0] == '.' || h[0] == '-')
                return "the host does not start with '.' or '-'";
        }
    }
    if (port && !port_ok(port, (size_t)(tail - port)))
        return "the part after ':' is a port from 1 to 65535 (or an SQL Server instance name)";
    if (*tail == '/') { /* /service name */
        const char *sn = tail + 1;
        if (!*sn)
            return "the service name after the last '/' is empty";
        for (; *sn; sn++)
            if (ctl((unsigned char)*sn) || strchr(" \\/\"", *sn))
                return "the service name has no spaces, control characters, \\, / or \"";
    }
    return NULL;
}

/* ---- the public check (tokenlens/names.h) ------------------------------------------------ */

const char *tl_name_kind_name(tl_name_kind kind)
{
    switch (kind) {
    case TL_NAME_COMPUTER:
        return "computer";
    case TL_NAME_DOMAIN:
        return "domain";
    case TL_NAME_DOMAIN_USER:
        return "domain-user";
    case TL_NAME_ACCOUNT:
        return "account";
    case TL_NAME_SPN:
        return "spn";
    }
    return "unknown";
}

tl_result tl_name_check(tl_name_kind kind, const char *value)
{
    if (!value)
        return tl__error(TL_EINVAL, "tl_name_check: value is NULL");
    const char *problem, *expected;
    switch (kind) {
    case TL_NAME_COMPUTER:
        problem = tl__computer_name_problem(value);
        expected = EXPECT_COMPUTER;
        break;
    case TL_NAME_DOMAIN:
        problem = tl__domain_name_problem(value);
        expected = EXPECT_DOMAIN;
        break;
    case TL_NAME_DOMAIN_USER:
        problem = tl__account_problem(value, TL__ACCOUNT_DOMAIN_REQUIRED);
        expected = EXPECT_DOMAIN_USER;
        break;
    case TL_NAME_ACCOUNT:
        problem = tl__account_problem(value, 0);
        expected = EXPECT_ACCOUNT;
        break;
    case TL_NAME_SPN:
        problem = tl__spn_problem(value);
        expected = EXPECT_SPN;
        break;
    default:
        return tl__error(TL_EINVAL, "tl_name_check: unknown name kind %d", (int)kind);
    }
    if (problem)
        return tl__error(TL_EINVAL, "%s; expected %s", problem, expected);
    tl_error_clear();
    return TL_OK;
}
