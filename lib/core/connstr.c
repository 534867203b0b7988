/* SqlClient connection strings: the keyword/value syntax of ADO.NET ("Connection String
 * Syntax", learn.microsoft.com/dotnet/framework/data/adonet/connection-strings), SqlClient's
 * keyword synonyms (SqlConnection.ConnectionString), and the SPN SqlClient derives from the
 * Data Source (learn.microsoft.com/sql/database-engine/configure-windows/
 * register-a-service-principal-name-for-kerberos-connections). docs/webconfig.md. */
#include "arena.h"
#include "webconfig_internal.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Synonym -> canonical keyword (SqlClient). */
static const char *const synonyms[][2] = {
    {"data source", "data source"},
    {"server", "data source"},
    {"address", "data source"},
    {"addr", "data source"},
    {"network address", "data source"},
    {"integrated security", "integrated security"},
    {"trusted_connection", "integrated security"},
    {"initial catalog", "initial catalog"},
    {"database", "initial catalog"},
    {"user id", "user id"},
    {"uid", "user id"},
    {"user", "user id"},
    {"password", "password"},
    {"pwd", "password"},
    {"attachdbfilename", "attachdbfilename"},
    {"extended properties", "attachdbfilename"},
    {"initial file name", "attachdbfilename"},
    {"network library", "network library"},
    {"network", "network library"},
    {"net", "network library"},
    {"failover partner", "failover partner"},
};

static char *canon_key(const char *k, size_t n)
{
    char *s = tl__strndup(k, n);
    if (!s)
        return NULL;
    for (char *p = s; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (size_t i = 0; i < sizeof synonyms / sizeof synonyms[0]; i++)
        if (!strcmp(s, synonyms[i][0])) {
            tl__free(s);
            return tl__strdup(synonyms[i][1]);
        }
    return s;
}

const char *tl_connection_provider_name(int provider)
{
    static const char *const names[] = {"sqlclient", "oledb",      "odbc", "oracle",
                                        "mysql",     "postgresql", "other"};
    return provider >= 0 && provider <= TL_PROVIDER_OTHER ? names[provider] : NULL;
}

void tl_connection_free(tl_connection *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nkv; i++) {
        tl__free(c->keys[i]);
        tl__free(c->vals[i]);
    }
    tl__free(c->keys);
    tl__free(c->vals);
    tl__free(c->server);
    tl__free(c->host);
    tl__free(c->instance);
    tl__free(c->spn);
    tl__free(c->note);
    tl__free(c);
}

static int put_kv(tl_connection *c, char *key, char *val)
{
    for (size_t i = 0; i < c->nkv; i++)
        if (!strcmp(c->keys[i], key)) { /* the last occurrence wins */
            tl__free(key);
            tl__free(c->vals[i]);
            c->vals[i] = val;
            return TL_OK;
        }
    char **k = tl__realloc(c->keys, (c->nkv + 1) * sizeof *k);
    if (k)
        c->keys = k;
    char **v = k ? tl__realloc(c->vals, (c->nkv + 1) * sizeof *v) : NULL;
    if (v)
        c->vals = v;
    if (!k || !v) {
        tl__free(key);
        tl__free(val);
        return tl__oom();
    }
    c->keys[c->nkv] = key;
    c->vals[c->nkv] = val;
    c->nkv++;
    return TL_OK;
}

static bool ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v';
}

/* Split into keyword/value pairs (the ADO.NET syntax). */
static int split(tl_connection *c, const char *s, size_t len)
{
    size_t i = 0;
    tl__buf key = TL__BUF_INIT, val = TL__BUF_INIT;
    int rc = TL_OK;
    while (i < len && rc == TL_OK) {
        while (i < len && (ws(s[i]) || s[i] == ';'))
            i++;
        if (i >= len)
            break;
        size_t kstart = i;
        key.len = 0;
        if (key.data)
            key.data[0] = 0;
        /* keyword: up to a single '='; "==" stands for '=' inside the keyword */
        for (;;) {
            if (i >= len || s[i] == ';') {
                rc = tl__error_at(TL_EPARSE, kstart,
                                  "connection string: keyword at offset %zu has no '=' value",
                                  kstart);
                break;
            }
            if (s[i] == '=') {
                if (i + 1 < len && s[i + 1] == '=') {
                    tl__buf_putc(&key, '=');
                    i += 2;
                    continue;
                }
                i++;
                break;
            }
            tl__buf_putc(&key, s[i++]);
        }
        if (rc)
            break;
        /* trim the keyword */
        size_t ka = 0, kb = key.len;
        while (ka < kb && ws(key.data[ka]))
            ka++;
        while (kb > ka && ws(key.data[kb - 1]))
            kb--;
        if (ka == kb) {
            rc = tl__error_at(TL_EPARSE, kstart, "connection string: empty keyword at offset %zu",
                              kstart);
            break;
        }
        while (i < len && ws(s[i]))
            i++;
        val.len = 0;
        if (val.data)
            val.data[0] = 0;
        if (i < len && (s[i] == '"' || s[i] == '\'')) {
            char q = s[i];
            size_t vstart = i++;
            bool closed = false;
            while (i < len) {
                if (s[i] == q) {
                    if (i + 1 < len && s[i + 1] == q) {
                        tl__buf_putc(&val, q);
                        i += 2;
                        continue;
                    }
                    i++;
                    closed = true;
                    break;
                }
                tl__buf_putc(&val, s[i++]);
            }
            if (!closed) {
                rc = tl__error_at(TL_EPARSE, vstart,
                                  "connection string: the value quoted at offset %zu is not "
                                  "closed",
                                  vstart);
                break;
            }
            while (i < len && ws(s[i]))
                i++;
            if (i < len && s[i] != ';') {
                rc =
                    tl__error_at(TL_EPARSE, i,
                                 "connection string: text after the quoted value at offset %zu", i);
                break;
            }
        } else {
            size_t vs = i;
            while (i < len && s[i] != ';')
                i++;
            size_t ve = i;
            while (ve > vs && ws(s[ve - 1]))
                ve--;
            tl__buf_putn(&val, s + vs, ve - vs);
        }
        if (key.failed || val.failed) {
            rc = tl__oom();
            break;
        }
        char *k = canon_key(key.data + ka, kb - ka);
        char *v = tl__strdup(val.data ? val.data : "");
        if (!k || !v) {
            tl__free(k);
            tl__free(v);
            rc = tl__oom();
            break;
        }
        rc = put_kv(c, k, v);
    }
    tl__buf_free(&key);
    tl__buf_free(&val);
    return rc;
}

const char *tl_connection_get(const tl_connection *c, const char *key)
{
    if (!c || !key)
        return NULL;
    char *k = canon_key(key, strlen(key));
    if (!k)
        return NULL;
    const char *v = NULL;
    for (size_t i = 0; i < c->nkv; i++)
        if (!strcmp(c->keys[i], k))
            v = c->vals[i];
    tl__free(k);
    return v;
}

static bool ieq(const char *a, const char *b)
{
    return a && b && !tl__strcasecmp(a, b);
}

static bool icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; p && *p; p++)
        if (!tl__strncasecmp(p, needle, n))
            return true;
    return false;
}

static tl_connection_provider provider_of(const char *name)
{
    if (!name || !*name || ieq(name, "System.Data.SqlClient") ||
        ieq(name, "Microsoft.Data.SqlClient"))
        return TL_PROVIDER_SQLCLIENT;
    if (ieq(name, "System.Data.OleDb"))
        return TL_PROVIDER_OLEDB;
    if (ieq(name, "System.Data.Odbc"))
        return TL_PROVIDER_ODBC;
    if (icontains(name, "oracle"))
        return TL_PROVIDER_ORACLE;
    if (icontains(name, "mysql") || icontains(name, "mariadb"))
        return TL_PROVIDER_MYSQL;
    if (icontains(name, "npgsql") || icontains(name, "postgres"))
        return TL_PROVIDER_POSTGRES;
    return TL_PROVIDER_OTHER;
}

static bool is_local_host(const char *h)
{
    return ieq(h, ".") || ieq(h, "(local)") || ieq(h, "localhost") || ieq(h, "127.0.0.1") ||
           ieq(h, "::1");
}

static int set_note(tl_connection *c, const char *text)
{
    if (c->note)
        return TL_OK;
    c->note = tl__strdup(text);
    return c->note ? TL_OK : tl__oom();
}

/* Data Source -> host, instance, port, SPN. */
static int data_source(tl_connection *c, const char *ds)
{
    c->server = tl__strdup(ds);
    if (!c->server)
        return tl__oom();
    const char *s = ds;
    bool np = false, lpc = false;
    if (!tl__strncasecmp(s, "tcp:", 4))
        s += 4;
    else if (!tl__strncasecmp(s, "np:", 3))
        s += 3, np = true;
    else if (!tl__strncasecmp(s, "lpc:", 4))
        s += 4, lpc = true;
    else if (!tl__strncasecmp(s, "admin:", 6))
        s += 6;
    while (*s == ' ')
        s++;
    char *work = tl__strdup(s);
    if (!work)
        return tl__oom();
    char *host = work, *inst = NULL, *port = NULL;
    if (np) {
        /* np:\\host\pipe\sql\query or \\host\pipe\MSSQL$INST\sql\query */
        if (host[0] == '\\' && host[1] == '\\')
            host += 2;
        char *sl = strchr(host, '\\');
        if (sl) {
            *sl = 0;
            char *m = strstr(sl + 1, "MSSQL$");
            if (m) {
                inst = m + 6;
                char *e = strchr(inst, '\\');
                if (e)
                    *e = 0;
            }
        }
    } else {
        char *comma = strrchr(host, ',');
        if (comma) {
            *comma = 0;
            port = comma + 1;
        }
        char *bs = strchr(host, '\\');
        if (bs) {
            *bs = 0;
            inst = bs + 1;
        }
    }
    /* trim */
    while (*host == ' ')
        host++;
    for (size_t n = strlen(host); n && host[n - 1] == ' ';)
        host[--n] = 0;
    if (inst) {
        while (*inst == ' ')
            inst++;
        for (size_t n = strlen(inst); n && inst[n - 1] == ' ';)
            inst[--n] = 0;
        if (!*inst)
            inst = NULL;
    }
    int rc = TL_OK;
    c->port = -1;
    if (port) {
        while (*port == ' ')
            port++;
        char *end = NULL;
        long p = strtol(port, &end, 10);
        while (end && *end == ' ')
            end++;
        if (!*port || !end || *end || p < 1 || p > 65535)
            rc = set_note(c, "the port after ',' in the Data Source is not a number 1..65535");
        else
            c->port = (int)p;
    }
    bool localdb = ieq(host, "(localdb)");
    bool local = lpc || is_local_host(host) || !*host;
    c->localdb = localdb;
    c->host = tl__strdup(localdb ? "(localdb)" : local ? "local" : host);
    c->instance = inst ? tl__strdup(inst) : NULL;
    if (!c->host || (inst && !c->instance))
        rc = tl__oom();
    if (!rc && !inst && c->port < 0 && !np && !localdb && !port)
        c->port = 1433;
    if (!rc && !localdb && !local && c->provider == TL_PROVIDER_SQLCLIENT) {
        if (c->port > 0)
            c->spn = tl__asprintf("MSSQLSvc/%s:%d", host, c->port);
        else if (inst)
            c->spn = tl__asprintf("MSSQLSvc/%s:%s", host, inst);
        else if (np)
            c->spn = tl__asprintf("MSSQLSvc/%s", host);
        if ((c->port > 0 || inst || np) && !c->spn)
            rc = tl__oom();
    }
    if (!rc && localdb)
        rc = set_note(c, "LocalDB runs on this machine as the calling user: no network hop");
    tl__free(work);
    return rc;
}

static int finish(tl_connection *c)
{
    const char *is = tl_connection_get(c, "integrated security");
    if (is) {
        if (ieq(is, "true") || ieq(is, "yes") || ieq(is, "sspi"))
            c->integrated = true;
        else if (!ieq(is, "false") && !ieq(is, "no")) {
            int rc = set_note(c, "Integrated Security has a value SqlClient refuses (it takes "
                                 "true, false, yes, no or sspi)");
            if (rc)
                return rc;
        }
    }
    const char *auth = tl_connection_get(c, "authentication");
    if (auth && (icontains(auth, "Active Directory") || icontains(auth, "Entra"))) {
        int rc = set_note(c, "Authentication= selects Microsoft Entra ID, not Windows "
                             "integrated security");
        if (rc)
            return rc;
        c->integrated = false;
    }
    if (c->provider == TL_PROVIDER_OLEDB) {
        const char *p = tl_connection_get(c, "provider");
        if (p &&
            (icontains(p, "SQLOLEDB") || icontains(p, "SQLNCLI") || icontains(p, "MSOLEDBSQL")))
            set_note(c, "an OLE DB provider for SQL Server, not SqlClient: the SPN is not "
                        "derived");
    }
    const char *ds = tl_connection_get(c, "data source");
    if (!ds && c->provider == TL_PROVIDER_SQLCLIENT)
        return TL_OK;
    if (ds)
        return data_source(c, ds);
    return TL_OK;
}

static int parse_into(tl_connection **out, const char *text, size_t len, const char *provider,
                      int depth)
{
    if (len > TL__CONNSTR_MAX)
        return tl__error(TL_ELIMIT, "connection string: longer than %u bytes", TL__CONNSTR_MAX);
    tl_connection *c = tl__calloc(1, sizeof *c);
    if (!c)
        return tl__oom();
    c->port = -1;
    c->provider = provider_of(provider);
    int rc = split(c, text, len);
    if (!rc) {
        const char *inner = tl_connection_get(c, "provider connection string");
        if (inner && depth == 0 &&
            (ieq(provider, "System.Data.EntityClient") || tl_connection_get(c, "metadata"))) {
            /* Entity Framework: the real string is inside, for the provider named by
             * provider=. */
            tl_connection *in = NULL;
            rc = parse_into(&in, inner, strlen(inner), tl_connection_get(c, "provider"), 1);
            tl_connection_free(c);
            if (rc)
                return rc;
            *out = in;
            return TL_OK;
        }
        if (!provider || !*provider) {
            if (tl_connection_get(c, "provider"))
                c->provider = TL_PROVIDER_OLEDB;
            else if (tl_connection_get(c, "driver") || tl_connection_get(c, "dsn"))
                c->provider = TL_PROVIDER_ODBC;
        }
        rc = finish(c);
    }
    if (rc) {
        tl_connection_free(c);
        return rc;
    }
    *out = c;
    return TL_OK;
}

tl_result tl_connection_parse(tl_connection **out, const char *text, const char *provider_name)
{
    if (!out || !text)
        return tl__error(TL_EINVAL, "out or text is NULL");
    tl_connection *c = NULL;
    int rc = parse_into(&c, text, strlen(text), provider_name, 0);
    if (rc)
        return rc;
    *out = c;
    tl_error_clear();
    return TL_OK;
}

tl_connection_provider tl_connection_provider_kind(const tl_connection *c)
{
    return c ? c->provider : TL_PROVIDER_OTHER;
}
bool tl_connection_is_sql_server(const tl_connection *c)
{
    return c && c->provider == TL_PROVIDER_SQLCLIENT;
}
bool tl_connection_integrated(const tl_connection *c)
{
    return c && c->integrated;
}
const char *tl_connection_server(const tl_connection *c)
{
    return c ? c->server : NULL;
}
const char *tl_connection_host(const tl_connection *c)
{
    return c ? c->host : NULL;
}
int tl_connection_port(const tl_connection *c)
{
    return c ? c->port : -1;
}
const char *tl_connection_instance(const tl_connection *c)
{
    return c ? c->instance : NULL;
}
const char *tl_connection_spn(const tl_connection *c)
{
    return c ? c->spn : NULL;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *tl__connection_json(const tl_connection *c)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |=
        json_object_set_new(o, "provider", json_string(tl_connection_provider_name(c->provider)));
    bad |= json_object_set_new(o, "sql_server", json_boolean(c->provider == TL_PROVIDER_SQLCLIENT));
    bad |= json_object_set_new(o, "integrated", json_boolean(c->integrated));
    bad |= json_object_set_new(o, "server", str_or_null(c->server));
    bad |= json_object_set_new(o, "host", str_or_null(c->host));
    bad |= json_object_set_new(o, "port", c->port > 0 ? json_integer(c->port) : json_null());
    bad |= json_object_set_new(o, "instance", str_or_null(c->instance));
    bad |= json_object_set_new(o, "spn", str_or_null(c->spn));
    bad |= json_object_set_new(o, "database", str_or_null(tl_connection_get(c, "initial catalog")));
    bad |= json_object_set_new(o, "user", str_or_null(tl_connection_get(c, "user id")));
    bad |= json_object_set_new(o, "note", str_or_null(c->note));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- UNC paths ------------------------------------------------------------------------------ */

static bool host_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.' || ch == '$' ||
           (unsigned char)ch >= 0x80;
}

int tl__unc_scan(const char *s, char ***list, size_t *n, size_t *cap)
{
    for (const char *p = s; p && *p; p++) {
        if (p[0] != '\\' || p[1] != '\\')
            continue;
        if (p > s && (p[-1] == '\\'))
            continue;
        const char *h = p + 2, *e = h;
        while (host_char(*e))
            e++;
        /* \\?\ and \\.\ are device paths; "..": a relative path; a server needs a share */
        if (e == h || *e != '\\' || (e - h == 1 && h[0] == '.') ||
            (e - h == 2 && h[0] == '.' && h[1] == '.') || !host_char(e[1])) {
            p = e > p + 1 ? e - 1 : p + 1;
            continue;
        }
        const char *end = e;
        while (*end && *end != ';' && *end != '"' && *end != '\'' && *end != ',' && *end != '<' &&
               *end != '>' && *end != '|' && !ws(*end))
            end++;
        char *path = tl__strndup(p, (size_t)(end - p));
        if (!path)
            return tl__oom();
        bool dup = false;
        for (size_t i = 0; i < *n; i++)
            if (!tl__strcasecmp((*list)[i], path))
                dup = true;
        int rc = dup ? TL_OK : tl__strlist_add(list, n, cap, path);
        tl__free(path);
        if (rc)
            return rc;
        p = end - 1;
    }
    return TL_OK;
}

char *tl__unc_spn(const char *path)
{
    const char *h = path + 2, *e = h;
    while (*e && *e != '\\')
        e++;
    return tl__asprintf("cifs/%.*s", (int)(e - h), h);
}

int tl__strlist_add(char ***list, size_t *n, size_t *cap, const char *s)
{
    if (tl__array_grow(list, cap, *n + 1, sizeof **list))
        return tl__oom();
    char *c = tl__strdup(s);
    if (!c)
        return tl__oom();
    (*list)[(*n)++] = c;
    return TL_OK;
}

void tl__strlist_free(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tl__free(list[i]);
    tl__free(list);
}
