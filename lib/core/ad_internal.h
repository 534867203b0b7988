/* Active Directory internals: LDAP entries as plain data, the transport each backend provides
 * (lib/ad/: libldap on POSIX, wldap32 on Windows, none elsewhere) and the decoding of entries
 * into records, kept apart from the network so it can be fuzzed (fuzz/fuzz_ad_record.c). */
#ifndef TL_AD_INTERNAL_H
#define TL_AD_INTERNAL_H

#include "tokenlens/ad.h"
#include <stddef.h>
#include <stdint.h>

/* Bounds on what a DC may send (hostile input). */
#define TL__AD_MAX_ENTRIES 1000 /* per search */
#define TL__AD_MAX_VALUES 4096  /* per attribute */
#define TL__AD_MAX_VALUE 65536  /* bytes per value */
#define TL__AD_MAX_ACT 1024     /* SIDs taken from an RBCD descriptor */

typedef struct tl__ad_val {
    uint8_t *data; /* NUL-terminated copy (the NUL is not counted in len) */
    size_t len;
} tl__ad_val;

typedef struct tl__ad_attr {
    char *name;
    size_t count;
    tl__ad_val *vals;
} tl__ad_attr;

typedef struct tl__ad_entry {
    char *dn;
    size_t nattrs;
    tl__ad_attr *attrs;
} tl__ad_entry;

typedef struct tl__ad_entries {
    size_t count;
    tl__ad_entry *items;
} tl__ad_entries;

void tl__ad_entries_free(tl__ad_entries *r);
/* Attribute by name (case-insensitive), or NULL. */
const tl__ad_attr *tl__ad_entry_attr(const tl__ad_entry *e, const char *name);
/* Append one entry / attribute / value (copies); for backends and the fuzz target. */
int tl__ad_entries_add(tl__ad_entries *r, const char *dn);
int tl__ad_entry_add_attr(tl__ad_entry *e, const char *name);
int tl__ad_attr_add_val(tl__ad_attr *a, const void *data, size_t len);

/* RFC 4515 escaping of an assertion value (also for binary values such as a SID).
 * Ownership: tl__free. */
char *tl__ad_filter_escape(const void *data, size_t len);

/* ---- transport (one implementation per backend) ---- */
typedef struct tl__ad_conn tl__ad_conn;
/* Bind to `host` ("name" or "name:port") with the caller's credentials. */
int tl__ad_conn_open(tl__ad_conn **out, const char *host, unsigned int timeout_ms);
/* scope: 0 base, 2 subtree. attrs NULL-terminated. Fills *out (zeroed first). */
int tl__ad_conn_search(tl__ad_conn *c, const char *base, int scope, const char *filter,
                       const char *const *attrs, tl__ad_entries *out);
void tl__ad_conn_close(tl__ad_conn *c);
/* A DC host of `realm` from DNS SRV _ldap._tcp.dc._msdcs.<realm>. Ownership: tl__free. */
int tl__ad_discover_dc(char **out, const char *realm);
/* The realm (DNS domain) of the caller's credentials. Ownership: tl__free. */
int tl__ad_caller_realm(char **out);

/* ---- records ---- */
/* SID -> DOMAIN\name through the directory (ctx: a tl_ad), NULL *out when unknown. */
typedef int (*tl__ad_resolve_fn)(void *ctx, const tl_sid *sid, char **out);

/* Decode an account entry (attributes of tl__ad_account_attrs) plus, optionally, the entry
 * holding its tokenGroups. netbios (may be NULL) prefixes the name. */
int tl__ad_account_decode(tl_ad_account **out, const tl__ad_entry *e, const tl__ad_entry *groups,
                          const char *netbios, tl__ad_resolve_fn resolve, void *ctx);
extern const char *const tl__ad_account_attrs[];
int tl__ad_spn_make(tl_ad_spn **out, const char *spn, const tl__ad_entries *holders,
                    const char *netbios);

/* The scenario filler over lookup callbacks (tl_ad in production, fakes in tests). Each
 * returns TL_OK with *out set, TL_ENOTFOUND (becomes a note) or another error (fails). */
typedef int (*tl__ad_account_fn)(void *ctx, const char *name, tl_ad_account **out);
typedef int (*tl__ad_spn_fn)(void *ctx, const char *spn, tl_ad_spn **out);
int tl__ad_fill(tl_ad_filled **out, const char *text, size_t len, tl__ad_account_fn account,
                tl__ad_spn_fn spn, void *ctx);

#endif
