/* The IIS reader's internal interface, shared by the reader (iis.c), the resolution
 * (iis_resolve.c) and the findings (iis_findings.c): the raw configuration as read, the
 * reader's state and the builder that turns it into a tl_iis_audit. */
#ifndef TL_IIS_READER_H
#define TL_IIS_READER_H

#include "iis_internal.h"
#include "xml.h"

/* ---- raw configuration, as read ------------------------------------------------------------ */

enum { PM_TYPE = 1, PM_USER = 2 };
typedef struct raw_pm {
    unsigned set;
    tl_iis_identity_type type;
    const char *user;
} raw_pm;

typedef struct raw_pool {
    const char *name;
    raw_pm pm;
} raw_pool;

typedef struct raw_app {
    const char *path;
    const char *pool;              /* NULL: from applicationDefaults */
    const char *physical;          /* root virtual directory's physicalPath */
    const char *content_user;      /* its userName ("connect as"); the password is never read */
    size_t vdir_first, vdir_count; /* other virtual directories, in reader.vdirs */
} raw_app;

typedef struct raw_vdir {
    const char *path;
    const char *physical; /* may be NULL */
} raw_vdir;

typedef struct raw_site {
    const char *name;
    uint64_t id;
    const char *default_pool; /* site/applicationDefaults/@applicationPool */
    size_t bind_first, bind_count;
    size_t app_first, app_count;
} raw_site;

enum { ANON_EN = 1, ANON_USER = 2 };
enum { WIN_EN = 1, WIN_KERNEL = 2, WIN_APC = 4, WIN_PROVIDERS = 8 };
enum { OP_ADD, OP_REMOVE, OP_CLEAR };

typedef struct raw_op {
    int op;
    const char *value;
    size_t next; /* index + 1 of the next op of the same location, 0 = end */
} raw_op;

typedef struct raw_loc {
    const char *path; /* normalised: no trailing '/', "" = server level */
    size_t path_len;
    bool no_inherit; /* inheritInChildApplications="false" */
    bool has_anon, anon_lock;
    unsigned anon_set, anon_attr_lock;
    bool anon_enabled;
    const char *anon_user;
    bool has_win, win_lock;
    unsigned win_set, win_attr_lock;
    bool win_enabled, win_kernel, win_apc;
    size_t op_head, op_tail; /* index + 1 into ops */
} raw_loc;

/* Element contexts of the state machine; anything unknown is CTX_OTHER with its subtree. */
typedef enum ctx {
    CTX_ROOT,
    CTX_CONFIGURATION,
    CTX_OTHER,
    CTX_SAH,
    CTX_POOLS,
    CTX_POOL_DEFAULTS,
    CTX_POOL,
    CTX_SITES,
    CTX_SITE,
    CTX_BINDINGS,
    CTX_APP,
    CTX_LOCATION,
    CTX_SWS,
    CTX_SECURITY,
    CTX_AUTHN,
    CTX_WIN,
    CTX_PROVIDERS,
    CTX_LEAF
} ctx;

typedef struct reader {
    XML_Parser parser;
    tl__arena *arena;
    const tl_iis_options *options;
    int rc;
    char msg[256];
    unsigned long line, column;
    size_t offset;
    int depth;
    ctx stack[TL_IIS_MAX_DEPTH + 2];
    unsigned long long last_event; /* byte index of the last markup event */

    raw_pm pm_defaults;
    raw_pool *pools;
    size_t npools, cap_pools;
    raw_site *sites;
    size_t nsites, cap_sites;
    const char **binds;
    size_t nbinds, cap_binds;
    raw_vdir *vdirs;
    size_t nvdirs, cap_vdirs;
    raw_app *apps;
    size_t napps, cap_apps;
    raw_loc *locs;
    size_t nlocs, cap_locs;
    raw_op *ops;
    size_t nops, cap_ops;
    tl__smap loc_map;
    const char *global_default_pool; /* sites/applicationDefaults/@applicationPool */
    size_t cur_loc;                  /* location whose sections are being read */
    const char **warnings;
    size_t nwarnings, cap_warnings;
    int including;            /* depth of the element whose configSource is being read, 0: none */
    const char *file;         /* the file being read, for messages (NULL: the main text) */
    const char *include_name; /* the element the included file replaces */
    const char *err_file;     /* the configSource file an error is in, or NULL */
    bool cur_deny;            /* that <location> has overrideMode="Deny" / allowOverride="false" */
} reader;

typedef struct builder {
    reader *r;
    tl_iis_audit *a;
    tl__smap pool_map; /* pool name -> index in a->pools */
    size_t cap_pools;
    tl_iis_identity iusr;
    const char **prov; /* scratch provider list */
    size_t nprov, cap_prov;
    tl_iis_finding *findings;
    size_t nfindings, cap_findings;
} builder;

/* iis_resolve.c: resolve what `r` read into `a` (pools, sites, applications, shared
 * identities, findings). */
int tl__iis_build(reader *r, tl_iis_audit *a);
/* iis_findings.c: group the sites that share an anonymous identity, then every finding, in
 * that order; each appends to b->findings. */
int tl__iis_group_shared(builder *b);
int tl__iis_findings(builder *b);

#endif
