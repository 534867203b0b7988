/*
 * Well-known SIDs, their canonical names, SDDL aliases, name resolution and the offline
 * virtual-account SIDs (IIS APPPOOL\pool, NT SERVICE\name). Sources: docs/sid.md.
 */
#include "internal.h"
#include "tokenlens/sid.h"
#include <stdatomic.h>
#include <string.h>

/* Rows: string SID (or "-RID" for a SID relative to a domain), domain, name, SDDL alias.
 * Names are those LookupAccountSid returns on an English system ("Well-known SIDs",
 * learn.microsoft.com/windows/win32/secauthz/well-known-sids and
 * learn.microsoft.com/windows-server/identity/ad-ds/manage/understand-security-identifiers).
 * Aliases: "SID Strings", learn.microsoft.com/windows/win32/secauthz/sid-strings. */
static const tl_sid_wellknown table[] = {
    {"S-1-0-0", "", "NULL SID", NULL},
    {"S-1-1-0", "", "Everyone", "WD"},
    {"S-1-2-0", "", "LOCAL", NULL},
    {"S-1-2-1", "", "CONSOLE LOGON", NULL},
    {"S-1-3-0", "", "CREATOR OWNER", "CO"},
    {"S-1-3-1", "", "CREATOR GROUP", "CG"},
    {"S-1-3-2", "", "CREATOR OWNER SERVER", NULL},
    {"S-1-3-3", "", "CREATOR GROUP SERVER", NULL},
    {"S-1-3-4", "", "OWNER RIGHTS", "OW"},
    {"S-1-5-1", "NT AUTHORITY", "DIALUP", NULL},
    {"S-1-5-2", "NT AUTHORITY", "NETWORK", "NU"},
    {"S-1-5-3", "NT AUTHORITY", "BATCH", NULL},
    {"S-1-5-4", "NT AUTHORITY", "INTERACTIVE", "IU"},
    {"S-1-5-6", "NT AUTHORITY", "SERVICE", "SU"},
    {"S-1-5-7", "NT AUTHORITY", "ANONYMOUS LOGON", "AN"},
    {"S-1-5-8", "NT AUTHORITY", "PROXY", NULL},
    {"S-1-5-9", "NT AUTHORITY", "ENTERPRISE DOMAIN CONTROLLERS", "ED"},
    {"S-1-5-10", "NT AUTHORITY", "SELF", "PS"},
    {"S-1-5-11", "NT AUTHORITY", "Authenticated Users", "AU"},
    {"S-1-5-12", "NT AUTHORITY", "RESTRICTED", "RC"},
    {"S-1-5-13", "NT AUTHORITY", "TERMINAL SERVER USER", NULL},
    {"S-1-5-14", "NT AUTHORITY", "REMOTE INTERACTIVE LOGON", NULL},
    {"S-1-5-15", "NT AUTHORITY", "This Organization", NULL},
    {"S-1-5-17", "NT AUTHORITY", "IUSR", NULL},
    {"S-1-5-18", "NT AUTHORITY", "SYSTEM", "SY"},
    {"S-1-5-19", "NT AUTHORITY", "LOCAL SERVICE", "LS"},
    {"S-1-5-20", "NT AUTHORITY", "NETWORK SERVICE", "NS"},
    {"S-1-5-33", "NT AUTHORITY", "WRITE RESTRICTED", "WR"},
    {"S-1-5-64-10", "NT AUTHORITY", "NTLM Authentication", NULL},
    {"S-1-5-64-14", "NT AUTHORITY", "SChannel Authentication", NULL},
    {"S-1-5-64-21", "NT AUTHORITY", "Digest Authentication", NULL},
    {"S-1-5-80-0", "NT SERVICE", "ALL SERVICES", NULL},
    {"S-1-5-84-0-0-0-0-0", "NT AUTHORITY", "USER MODE DRIVERS", "UD"},
    {"S-1-5-113", "NT AUTHORITY", "Local account", NULL},
    {"S-1-5-114", "NT AUTHORITY", "Local account and member of Administrators group", NULL},
    {"S-1-5-1000", "NT AUTHORITY", "Other Organization", NULL},
    {"S-1-5-32-544", "BUILTIN", "Administrators", "BA"},
    {"S-1-5-32-545", "BUILTIN", "Users", "BU"},
    {"S-1-5-32-546", "BUILTIN", "Guests", "BG"},
    {"S-1-5-32-547", "BUILTIN", "Power Users", "PU"},
    {"S-1-5-32-548", "BUILTIN", "Account Operators", "AO"},
    {"S-1-5-32-549", "BUILTIN", "Server Operators", "SO"},
    {"S-1-5-32-550", "BUILTIN", "Print Operators", "PO"},
    {"S-1-5-32-551", "BUILTIN", "Backup Operators", "BO"},
    {"S-1-5-32-552", "BUILTIN", "Replicator", "RE"},
    {"S-1-5-32-554", "BUILTIN", "Pre-Windows 2000 Compatible Access", "RU"},
    {"S-1-5-32-555", "BUILTIN", "Remote Desktop Users", "RD"},
    {"S-1-5-32-556", "BUILTIN", "Network Configuration Operators", "NO"},
    {"S-1-5-32-557", "BUILTIN", "Incoming Forest Trust Builders", NULL},
    {"S-1-5-32-558", "BUILTIN", "Performance Monitor Users", "MU"},
    {"S-1-5-32-559", "BUILTIN", "Performance Log Users", "LU"},
    {"S-1-5-32-560", "BUILTIN", "Windows Authorization Access Group", NULL},
    {"S-1-5-32-561", "BUILTIN", "Terminal Server License Servers", NULL},
    {"S-1-5-32-562", "BUILTIN", "Distributed COM Users", NULL},
    {"S-1-5-32-568", "BUILTIN", "IIS_IUSRS", "IS"},
    {"S-1-5-32-569", "BUILTIN", "Cryptographic Operators", "CY"},
    {"S-1-5-32-573", "BUILTIN", "Event Log Readers", "ER"},
    {"S-1-5-32-574", "BUILTIN", "Certificate Service DCOM Access", "CD"},
    {"S-1-5-32-575", "BUILTIN", "RDS Remote Access Servers", "RA"},
    {"S-1-5-32-576", "BUILTIN", "RDS Endpoint Servers", "ES"},
    {"S-1-5-32-577", "BUILTIN", "RDS Management Servers", "MS"},
    {"S-1-5-32-578", "BUILTIN", "Hyper-V Administrators", "HA"},
    {"S-1-5-32-579", "BUILTIN", "Access Control Assistance Operators", "AA"},
    {"S-1-5-32-580", "BUILTIN", "Remote Management Users", "RM"},
    {"S-1-15-2-1", "APPLICATION PACKAGE AUTHORITY", "ALL APPLICATION PACKAGES", "AC"},
    {"S-1-15-2-2", "APPLICATION PACKAGE AUTHORITY", "ALL RESTRICTED APPLICATION PACKAGES", NULL},
    {"S-1-16-0", "Mandatory Label", "Untrusted Mandatory Level", NULL},
    {"S-1-16-4096", "Mandatory Label", "Low Mandatory Level", "LW"},
    {"S-1-16-8192", "Mandatory Label", "Medium Mandatory Level", "ME"},
    {"S-1-16-8448", "Mandatory Label", "Medium Plus Mandatory Level", "MP"},
    {"S-1-16-12288", "Mandatory Label", "High Mandatory Level", "HI"},
    {"S-1-16-16384", "Mandatory Label", "System Mandatory Level", "SI"},
    {"S-1-16-20480", "Mandatory Label", "Protected Process Mandatory Level", NULL},
    {"S-1-18-1", "", "Authentication authority asserted identity", "AS"},
    {"S-1-18-2", "", "Service asserted identity", "SS"},
    /* Relative to a domain (or, for LA/LG, the machine's account domain). EA, SA, RO and EK
     * belong to the forest root domain; tokenlens takes the one domain SID it is given. */
    {"-498", "", "Enterprise Read-only Domain Controllers", "RO"},
    {"-500", "", "Administrator", "LA"},
    {"-501", "", "Guest", "LG"},
    {"-502", "", "krbtgt", NULL},
    {"-512", "", "Domain Admins", "DA"},
    {"-513", "", "Domain Users", "DU"},
    {"-514", "", "Domain Guests", "DG"},
    {"-515", "", "Domain Computers", "DC"},
    {"-516", "", "Domain Controllers", "DD"},
    {"-517", "", "Cert Publishers", "CA"},
    {"-518", "", "Schema Admins", "SA"},
    {"-519", "", "Enterprise Admins", "EA"},
    {"-520", "", "Group Policy Creator Owners", "PA"},
    {"-521", "", "Read-only Domain Controllers", NULL},
    {"-522", "", "Cloneable Domain Controllers", "CN"},
    {"-525", "", "Protected Users", "AP"},
    {"-526", "", "Key Admins", "KA"},
    {"-527", "", "Enterprise Key Admins", "EK"},
    {"-553", "", "RAS and IAS Servers", "RS"},
};
#define TABLE_N (sizeof table / sizeof table[0])

/* Other spellings people type for the service accounts (sc.exe "obj=" names). */
static const struct {
    const char *name;
    const char *sid;
} extra_names[] = {
    {"LocalSystem", "S-1-5-18"},
    {"LocalService", "S-1-5-19"},
    {"NetworkService", "S-1-5-20"},
    {"NT AUTHORITY\\LocalService", "S-1-5-19"},
    {"NT AUTHORITY\\NetworkService", "S-1-5-20"},
    {"ANONYMOUS LOGON", "S-1-5-7"},
};

/* Parsed form of each absolute row, computed once, and the absolute rows sorted by SID so
 * that SID -> row is a binary search (the access check and SDDL formatter ask per ACE). */
static tl_sid parsed[TABLE_N];
static uint32_t rel_rid[TABLE_N]; /* RID of domain-relative rows */
static size_t by_sid[TABLE_N];    /* indices of absolute rows, sorted by tl_sid_compare */
static size_t by_sid_n;
static size_t by_alias[TABLE_N];       /* rows with an SDDL alias, sorted by alias_key */
static uint16_t by_alias_key[TABLE_N]; /* alias_key of by_alias[i] */
static size_t by_alias_n;

static uint16_t alias_key(const char *a)
{
    unsigned c0 = (unsigned char)a[0], c1 = (unsigned char)a[1];
    if (c0 >= 'a' && c0 <= 'z')
        c0 -= 32;
    if (c1 >= 'a' && c1 <= 'z')
        c1 -= 32;
    return (uint16_t)(c0 << 8 | c1);
}
static atomic_int parsed_state; /* 0 not yet, 1 in progress, 2 ready */

/* tl_sid_compare's order, with the (big-endian) authority compared as one number: it runs
 * ~7 times per SID an SDDL formatter prints. */
static inline uint64_t auth48(const tl_sid *s)
{
    const uint8_t *a = s->authority;
    return (uint64_t)a[0] << 40 | (uint64_t)a[1] << 32 | (uint64_t)a[2] << 24 |
           (uint64_t)a[3] << 16 | (uint64_t)a[4] << 8 | a[5];
}

static uint64_t row_auth[TABLE_N]; /* auth48 of parsed[i] */

static inline int sid_cmp(const tl_sid *a, uint64_t a_auth, const tl_sid *b, uint64_t b_auth)
{
    if (a_auth != b_auth)
        return a_auth < b_auth ? -1 : 1;
    if (a->revision != b->revision)
        return a->revision < b->revision ? -1 : 1;
    unsigned n = a->sub_authority_count < b->sub_authority_count ? a->sub_authority_count
                                                                 : b->sub_authority_count;
    for (unsigned i = 0; i < n; i++)
        if (a->sub_authority[i] != b->sub_authority[i])
            return a->sub_authority[i] < b->sub_authority[i] ? -1 : 1;
    if (a->sub_authority_count != b->sub_authority_count)
        return a->sub_authority_count < b->sub_authority_count ? -1 : 1;
    return 0;
}

static void ensure_parsed(void)
{
    if (atomic_load(&parsed_state) == 2)
        return;
    int expected = 0;
    if (atomic_compare_exchange_strong(&parsed_state, &expected, 1)) {
        for (size_t i = 0; i < TABLE_N; i++) {
            if (table[i].sid[0] == '-') {
                uint32_t r = 0;
                for (const char *p = table[i].sid + 1; *p; p++)
                    r = r * 10 + (uint32_t)(*p - '0');
                rel_rid[i] = r;
            } else {
                (void)tl_sid_from_string(&parsed[i], table[i].sid);
                /* insertion sort: ~80 rows, once per process */
                size_t j = by_sid_n++;
                while (j > 0 && tl_sid_compare(&parsed[by_sid[j - 1]], &parsed[i]) > 0) {
                    by_sid[j] = by_sid[j - 1];
                    j--;
                }
                by_sid[j] = i;
            }
        }
        for (size_t i = 0; i < TABLE_N; i++) {
            if (!table[i].sddl_alias)
                continue;
            size_t j = by_alias_n++;
            while (j > 0 &&
                   alias_key(table[by_alias[j - 1]].sddl_alias) > alias_key(table[i].sddl_alias)) {
                by_alias[j] = by_alias[j - 1];
                j--;
            }
            by_alias[j] = i;
        }
        for (size_t j = 0; j < by_alias_n; j++)
            by_alias_key[j] = alias_key(table[by_alias[j]].sddl_alias);
        for (size_t j = 0; j < TABLE_N; j++)
            row_auth[j] = auth48(&parsed[j]);
        atomic_store(&parsed_state, 2);
    } else {
        while (atomic_load(&parsed_state) != 2)
            ;
    }
}

static bool is_relative(size_t i)
{
    return table[i].sid[0] == '-';
}

size_t tl_sid_wellknown_count(void)
{
    return TABLE_N;
}
const tl_sid_wellknown *tl_sid_wellknown_at(size_t index)
{
    return index < TABLE_N ? &table[index] : NULL;
}

/* Any valid SID with room for one more sub-authority can be the domain: Windows resolves DU,
 * DA, ... against whatever domain SID it is given (its own recorded SDDL tests use S-1-2-3-4;
 * docs/sddl.md). Machine and AD domains take the form S-1-5-21-x-y-z. */
static bool is_domain_sid(const tl_sid *d)
{
    return d && tl_sid_is_valid(d) && d->sub_authority_count < TL_SID_MAX_SUB_AUTHORITIES;
}

/* Row index whose SID equals `sid` (domain-relative rows match when `domain` is NULL and the
 * SID looks like S-1-5-21-...-RID, or when domain + RID equals it). -1 when none. */
static long find_row(const tl_sid *sid, const tl_sid *domain, bool any_domain)
{
    ensure_parsed();
    size_t lo = 0, hi = by_sid_n;
    uint64_t sa = auth48(sid);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t r = by_sid[mid];
        int c = sid_cmp(&parsed[r], row_auth[r], sid, sa);
        if (c == 0)
            return (long)by_sid[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    tl_sid dom;
    uint32_t rid;
    if (domain && !any_domain) {
        /* An explicit domain: SID == domain + RID, whatever the domain looks like. */
        if (sid->sub_authority_count != domain->sub_authority_count + 1 ||
            tl_sid_split_rid(&dom, &rid, sid) != TL_OK || !tl_sid_equal(&dom, domain))
            return -1;
    } else {
        if (tl_sid_authority(sid) != 5 || sid->sub_authority_count < 2 ||
            sid->sub_authority[0] != 21)
            return -1;
        if (tl_sid_split_rid(&dom, &rid, sid) != TL_OK)
            return -1;
        if (!any_domain)
            return -1;
    }
    for (size_t i = 0; i < TABLE_N; i++)
        if (is_relative(i) && rel_rid[i] == rid)
            return (long)i;
    return -1;
}

tl_sid_kind tl_sid_kind_of(const tl_sid *sid)
{
    if (!tl_sid_is_valid(sid))
        return TL_SID_KIND_UNKNOWN;
    uint64_t a = tl_sid_authority(sid);
    uint8_t n = sid->sub_authority_count;
    const uint32_t *s = sid->sub_authority;
    if (a == 5 && n == 6 && s[0] == 82)
        return TL_SID_KIND_IIS_APPPOOL;
    if (a == 5 && n == 6 && s[0] == 80)
        return TL_SID_KIND_SERVICE;
    if (a == 5 && n == 3 && s[0] == 5)
        return TL_SID_KIND_LOGON_SESSION;
    if (a == 16)
        return TL_SID_KIND_INTEGRITY;
    if (a == 15 && n >= 1 && s[0] == 3)
        return TL_SID_KIND_CAPABILITY;
    if (a == 5 && n == 2 && s[0] == 32)
        return TL_SID_KIND_BUILTIN;
    long row = find_row(sid, NULL, false);
    if (row >= 0)
        return TL_SID_KIND_WELL_KNOWN;
    if (a == 5 && n >= 2 && s[0] == 21)
        return find_row(sid, NULL, true) >= 0 ? TL_SID_KIND_DOMAIN_RELATIVE : TL_SID_KIND_ACCOUNT;
    return TL_SID_KIND_UNKNOWN;
}

int tl_sid_lookup_name(char **out, const tl_sid *sid)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_sid_lookup_name: out is NULL");
    *out = NULL;
    if (!tl_sid_is_valid(sid))
        return tl__error(TL_EINVAL, "tl_sid_lookup_name: invalid SID");
    char *name = NULL;
    long row = find_row(sid, NULL, true);
    if (row >= 0 &&
        (!is_relative((size_t)row) || tl_sid_kind_of(sid) == TL_SID_KIND_DOMAIN_RELATIVE)) {
        const tl_sid_wellknown *w = &table[row];
        name = w->domain[0] ? tl__asprintf("%s\\%s", w->domain, w->name) : tl__strdup(w->name);
    } else if (tl_sid_kind_of(sid) == TL_SID_KIND_LOGON_SESSION) {
        /* LookupAccountSid names logon SIDs NT AUTHORITY\LogonSessionId_<high>_<low>. */
        name = tl__asprintf("NT AUTHORITY\\LogonSessionId_%u_%u", (unsigned)sid->sub_authority[1],
                            (unsigned)sid->sub_authority[2]);
    } else {
        char s[TL_SID_STRING_MAX];
        tl_sid_to_string(s, sizeof s, sid);
        const char *why = "";
        switch (tl_sid_kind_of(sid)) {
        case TL_SID_KIND_IIS_APPPOOL:
            why = " (an IIS APPPOOL\\ virtual account: the pool name is hashed and cannot be "
                  "recovered)";
            break;
        case TL_SID_KIND_SERVICE:
            why = " (an NT SERVICE\\ virtual account: the service name is hashed and cannot be "
                  "recovered)";
            break;
        case TL_SID_KIND_ACCOUNT:
            why = " (a local or domain account: only the machine or domain controller knows its "
                  "name)";
            break;
        default:
            break;
        }
        return tl__error(TL_ENOTFOUND, "%s is not a well-known SID%s", s, why);
    }
    if (!name)
        return tl__oom();
    *out = name;
    return TL_OK;
}

/* ---- SDDL aliases ----------------------------------------------------------------------- */

/* Row of the table whose SDDL alias is `alias` (two letters, case-insensitive), or TABLE_N:
 * a binary search over the aliases sorted by their upper-case 16-bit key (SDDL parsing asks
 * once per SID field). */
static size_t alias_index(const char *alias)
{
    if (!alias[0] || !alias[1] || alias[2])
        return TABLE_N;
    uint16_t key = alias_key(alias);
    size_t lo = 0, hi = by_alias_n;
    while (lo < hi) { /* first row with this key: the table's order breaks ties */
        size_t mid = lo + (hi - lo) / 2;
        if (by_alias_key[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < by_alias_n && by_alias_key[lo] == key)
        return by_alias[lo];
    return TABLE_N;
}

/* The SID of table row `i`, domain-relative rows completed with `domain`; `out` is written
 * only on success. `what` is the text the caller was given, for the message. */
static int row_sid(tl_sid *out, size_t i, const tl_sid *domain, const char *what)
{
    if (!is_relative(i)) {
        *out = parsed[i];
        return TL_OK;
    }
    if (!is_domain_sid(domain))
        return tl__error(
            TL_ENOTFOUND,
            "'%s' (%s) is relative to a domain: give the domain SID (e.g. S-1-5-21-a-b-c)", what,
            table[i].name);
    tl_sid sid;
    int rc = tl_sid_append_rid(&sid, domain, rel_rid[i]);
    if (rc == TL_OK)
        *out = sid;
    return rc;
}

int tl_sid_from_sddl_alias(tl_sid *out, const char *alias, const tl_sid *domain)
{
    if (!out || !alias)
        return tl__error(TL_EINVAL, "tl_sid_from_sddl_alias: NULL argument");
    ensure_parsed();
    size_t i = alias_index(alias);
    if (i == TABLE_N)
        return tl__error(TL_ENOTFOUND, "'%s' is not an SDDL SID alias", alias);
    return row_sid(out, i, domain, alias);
}

const char *tl_sid_sddl_alias(const tl_sid *sid, const tl_sid *domain)
{
    if (!tl_sid_is_valid(sid))
        return NULL;
    long row = find_row(sid, is_domain_sid(domain) ? domain : NULL, false);
    return row >= 0 ? table[row].sddl_alias : NULL;
}

/* ---- virtual accounts -------------------------------------------------------------------- */

/* S-1-5-<rid>-h0-h1-h2-h3-h4 where h = SHA-1 over the UTF-16LE bytes of the case-folded
 * name, read as five little-endian uint32. Service SIDs fold to upper case
 * (RtlCreateServiceSid; NT SERVICE\TrustedInstaller is the published
 * S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464); IIS application pool SIDs
 * fold to lower case (IIS APPPOOL\DefaultAppPool is the published
 * S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415). See docs/sid.md. */
static int virtual_sid(tl_sid *out, const char *name, uint32_t rid, int upper, const char *what)
{
    if (!out)
        return tl__error(TL_EINVAL, "%s: out is NULL", what);
    if (!name || !name[0])
        return tl__error(TL_EINVAL, "%s name is empty", what);
    size_t len = strlen(name);
    if (len > 1024)
        return tl__error(TL_ELIMIT, "%s name is longer than 1024 bytes", what);
    uint16_t *w = NULL;
    size_t units = 0;
    int rc = tl__utf8_to_utf16(&w, &units, name, len);
    if (rc != TL_OK) {
        tl__error_prefix("%s name", what);
        return rc;
    }
    tl__utf16_case(w, units, upper);
    uint8_t *bytes = tl__malloc(units * 2);
    if (!bytes) {
        tl__free(w);
        return tl__oom();
    }
    for (size_t i = 0; i < units; i++) {
        bytes[2 * i] = (uint8_t)(w[i] & 0xFF);
        bytes[2 * i + 1] = (uint8_t)(w[i] >> 8);
    }
    tl__free(w);
    uint8_t d[20];
    rc = tl__sha1(d, bytes, units * 2);
    tl__free(bytes);
    if (rc != TL_OK)
        return rc;
    uint32_t subs[6] = {rid};
    for (size_t i = 0; i < 5; i++)
        subs[i + 1] = (uint32_t)d[4 * i] | (uint32_t)d[4 * i + 1] << 8 |
                      (uint32_t)d[4 * i + 2] << 16 | (uint32_t)d[4 * i + 3] << 24;
    return tl_sid_init(out, 5, subs, 6);
}

int tl_sid_iis_apppool(tl_sid *out, const char *pool)
{
    return virtual_sid(out, pool, 82, 0, "application pool");
}

int tl_sid_service(tl_sid *out, const char *service)
{
    return virtual_sid(out, service, 80, 1, "service");
}

/* ---- resolution ------------------------------------------------------------------------- */

static bool has_prefix(const char *s, const char *prefix)
{
    return tl__strncasecmp(s, prefix, strlen(prefix)) == 0;
}

int tl_sid_resolve(tl_sid *out, const char *text, const tl_sid *domain)
{
    if (!out || !text)
        return tl__error(TL_EINVAL, "tl_sid_resolve: NULL argument");
    size_t len = strlen(text);
    if (len == 0)
        return tl__error_at(TL_EPARSE, 0,
                            "empty name: give a SID (S-1-...), an SDDL alias or an account name");
    if ((text[0] == 'S' || text[0] == 's') && text[1] == '-')
        return tl_sid_from_string(out, text);
    ensure_parsed();
    if (alias_index(text) < TABLE_N)
        return tl_sid_from_sddl_alias(out, text, domain);
    if (has_prefix(text, "IIS APPPOOL\\")) {
        if (!text[12])
            return tl__error_at(TL_EPARSE, 12, "empty application pool name after 'IIS APPPOOL\\'");
        return tl_sid_iis_apppool(out, text + 12);
    }
    ensure_parsed();
    for (size_t i = 0; i < TABLE_N; i++) {
        const tl_sid_wellknown *w = &table[i];
        bool match = tl__strcasecmp(text, w->name) == 0;
        if (!match && w->domain[0]) {
            size_t dl = strlen(w->domain);
            match = tl__strncasecmp(text, w->domain, dl) == 0 && text[dl] == '\\' &&
                    tl__strcasecmp(text + dl + 1, w->name) == 0;
        }
        if (!match)
            continue;
        return row_sid(out, i, domain, text);
    }
    for (size_t i = 0; i < sizeof extra_names / sizeof extra_names[0]; i++)
        if (tl__strcasecmp(text, extra_names[i].name) == 0)
            return tl_sid_from_string(out, extra_names[i].sid);
    if (has_prefix(text, "NT SERVICE\\")) {
        if (!text[11])
            return tl__error_at(TL_EPARSE, 11, "empty service name after 'NT SERVICE\\'");
        return tl_sid_service(out, text + 11);
    }
    const char *bs = strchr(text, '\\');
    /* The name is echoed at most 200 bytes long (cut between characters), so that the
     * explanation after it survives a long argument. */
    int shown = len > 200 ? 200 : (int)len;
    while (shown > 0 && shown < (int)len && ((unsigned char)text[shown] & 0xc0) == 0x80)
        shown--;
    const char *more = shown < (int)len ? "..." : "";
    if (bs == text)
        return tl__error_at(TL_EPARSE, 0, "empty domain before '\\' in '%.*s%s'", shown, text,
                            more);
    if (bs && !bs[1])
        return tl__error_at(TL_EPARSE, len, "empty account name after '\\' in '%.*s%s'", shown,
                            text, more);
    return tl__error(TL_ENOTFOUND,
                     "unknown account '%.*s%s': tokenlens resolves SID strings, SDDL aliases, "
                     "well-known names, IIS APPPOOL\\<pool> and NT SERVICE\\<service> offline; "
                     "other accounts need their SID",
                     shown, text, more);
}

/* ---- vocabulary and canonical names ------------------------------------------------------ */

const char *tl_sid_kind_name(tl_sid_kind kind)
{
    switch (kind) {
    case TL_SID_KIND_WELL_KNOWN:
        return "well-known";
    case TL_SID_KIND_BUILTIN:
        return "builtin";
    case TL_SID_KIND_DOMAIN_RELATIVE:
        return "domain-relative";
    case TL_SID_KIND_IIS_APPPOOL:
        return "iis-apppool";
    case TL_SID_KIND_SERVICE:
        return "service";
    case TL_SID_KIND_LOGON_SESSION:
        return "logon-session";
    case TL_SID_KIND_INTEGRITY:
        return "integrity";
    case TL_SID_KIND_CAPABILITY:
        return "capability";
    case TL_SID_KIND_ACCOUNT:
        return "account";
    case TL_SID_KIND_UNKNOWN:
        break;
    }
    return "unknown";
}

int tl_sid_resolve_name(char **out, const char *text, const tl_sid *domain)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_sid_resolve_name: out is NULL");
    *out = NULL;
    tl_sid sid;
    int rc = tl_sid_resolve(&sid, text, domain);
    if (rc != TL_OK)
        return rc;
    char *name = NULL;
    rc = tl_sid_lookup_name(&name, &sid);
    if (rc == TL_OK) {
        *out = name;
        return TL_OK;
    }
    if (rc != TL_ENOTFOUND)
        return rc;
    tl_sid_kind kind = tl_sid_kind_of(&sid);
    const char *bs = strchr(text, '\\');
    if ((kind != TL_SID_KIND_IIS_APPPOOL && kind != TL_SID_KIND_SERVICE) || !bs)
        return rc; /* tl_sid_lookup_name's TL_ENOTFOUND says why there is no name */
    name = tl__asprintf("%s\\%s", kind == TL_SID_KIND_IIS_APPPOOL ? "IIS APPPOOL" : "NT SERVICE",
                        bs + 1);
    if (!name)
        return tl__oom();
    tl_error_clear(); /* the failed lookup above is not this call's error */
    *out = name;
    return TL_OK;
}
