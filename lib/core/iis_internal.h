/* Internal layout of tl_iis_audit, shared by the reader (iis.c), JSON (iis_json.c) and the
 * isolation verdict (iis_isolation.c). */
#ifndef TL_IIS_INTERNAL_H
#define TL_IIS_INTERNAL_H

#include "arena.h"
#include "internal.h"
#include "tokenlens/iis.h"

struct tl_iis_audit {
    tl__arena arena;
    tl_iis_site *sites;
    size_t site_count;
    tl_iis_app *apps; /* all applications; sites point into it */
    size_t app_count;
    tl_iis_identity *anon_ids; /* parallel to apps */
    tl_iis_pool *pools;
    size_t pool_count;
    tl_iis_shared_identity *shared;
    size_t shared_count;
    tl_iis_finding *findings;
    size_t finding_count;
    const char **warnings; /* in the arena */
    size_t warning_count;
};

/* ---- JSON streaming (iis_json.c): a document written one element at a time, each dumped
 * with jansson (JSON_INDENT(2) | JSON_PRESERVE_ORDER) and freed, byte for byte what dumping
 * the whole tree gives; memory is one element, not the document. With write == NULL the
 * text accumulates in `out` (tl_iis_audit_to_json). ---- */
struct json_t;
typedef struct tl__jstream {
    int (*write)(const char *text, size_t len, void *ctx); /* NUL-terminated pieces */
    void *ctx;
    tl__buf out; /* pending text */
    int indent;  /* scratch: spaces added after each line break of the value being dumped */
    int rc;      /* first failure, raised */
} tl__jstream;
#define TL__JSTREAM_INIT(w, c)                                                                     \
    {                                                                                              \
        (w), (c), TL__BUF_INIT, 0, 0                                                               \
    }
void tl__js_raw(tl__jstream *js, const char *text);
/* Dump `v` (taken; NULL = out of memory) as a value at `depth`. */
void tl__js_value(tl__jstream *js, struct json_t *v, int depth);
/* The same as element `index` of an array whose elements are at `depth`. */
void tl__js_item(tl__jstream *js, struct json_t *v, int depth, size_t index);
/* Close an array of `count` elements that was opened at `depth` ("[" written by the caller). */
void tl__js_end_array(tl__jstream *js, int depth, size_t count);
/* Flush what is pending; the first failure (TL_ENOMEM, TL_EIO from the writer) or TL_OK. */
int tl__js_finish(tl__jstream *js);
/* For a stream made with write == NULL: its text in *out (freed with tl_free; untouched on
 * failure) when `rc`, the producer's result, is TL_OK; the stream's buffer is freed either way.
 * Returns the first failure, or TL_OK with no error left behind. */
int tl__js_detach(tl__jstream *js, int rc, char **out);
/* Called with each site's object before it is written (may add keys); non-zero: out of
 * memory. */
typedef int (*tl__iis_site_hook)(struct json_t *site, size_t index, void *ctx);
/* The audit document ("sites", ..., "warnings", then `extra_key`: `extra` (taken) when
 * extra_key is not NULL) through `js`; tl__js_finish()'s result. */
int tl__iis_stream_json(const tl_iis_audit *a, tl__jstream *js, tl__iis_site_hook hook, void *hctx,
                        const char *extra_key, struct json_t *extra);

#endif
