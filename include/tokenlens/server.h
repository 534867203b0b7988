/**
 * @file tokenlens/server.h
 * @brief A whole IIS server: applicationHost.config (with configSource and redirection.config),
 *        every application's web.config read through path maps, and the explain answer for
 *        every off-box target they name (`tokenlens iis --map`, `tokenlens diagnose`).
 *        docs/diagnose.md.
 */
#ifndef TOKENLENS_SERVER_H
#define TOKENLENS_SERVER_H

#include "tokenlens/common.h"
#include "tokenlens/iis.h"
#include "tokenlens/webconfig.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TL_SERVER_OPTIONS_VERSION 1
/** Options of tl_server_load() (versioned). */
typedef struct tl_server_options {
    unsigned int version;    /**< TL_SERVER_OPTIONS_VERSION */
    const char *const *maps; /**< "WINPATH=DIR": where a copy of the server's disk is, e.g.
                                  "C:\\=/mnt/web01/c" (longest WINPATH wins) */
    size_t map_count;
    const char *machine;          /**< the server's computer name; NULL: "WEB01" */
    const char *domain;           /**< its NetBIOS domain; NULL: a workgroup machine */
    size_t max_bytes;             /**< applicationHost.config limit; 0: TL_IIS_DEFAULT_MAX_BYTES */
    const char *const *variables; /**< "NAME=value" for %NAME% in physical paths, before the
                                       Windows defaults (SystemDrive=C:, windir=C:\Windows...) */
    size_t variable_count;
} tl_server_options;
#define TL_SERVER_OPTIONS_INIT                                                                     \
    {                                                                                              \
        TL_SERVER_OPTIONS_VERSION, NULL, 0, NULL, NULL, 0, NULL, 0                                 \
    }

/** A read server (opaque). */
typedef struct tl_server tl_server;

/**
 * Read applicationHost.config at `config` (following redirection.config in its folder and
 * configSource files), expand %SystemDrive%, %windir%, %SystemRoot%, %ProgramFiles% ... in
 * physical paths, and read each application's web.config through `maps` (directly on
 * Windows when there are no maps). A web.config that exists but cannot be read or parsed is
 * an error naming it; a missing one means the application has none.
 * Ownership: *out is freed with tl_server_free(); untouched on failure.
 */
TL_EXTERN tl_result tl_server_load(tl_server **out, const char *config,
                                   const tl_server_options *options);
TL_EXTERN void tl_server_free(tl_server *s);
/** The audit of applicationHost.config. Borrowed. */
TL_EXTERN const tl_iis_audit *tl_server_audit(const tl_server *s);
/** The web.config in application `app` of site `site`'s own folder, or NULL. Borrowed. */
TL_EXTERN const tl_webconfig *tl_server_webconfig(const tl_server *s, size_t site, size_t app);
/** Notes about the reading (unmapped paths, redirection). */
TL_EXTERN size_t tl_server_note_count(const tl_server *s);
TL_EXTERN const char *tl_server_note_at(const tl_server *s, size_t i);
/** `tokenlens iis --json` with, per application, "web_config" (after inheritance from the
 *  parent applications) and "hops": [{"target", "source"}]. Ownership: tl_free(). */
TL_EXTERN tl_result tl_server_to_json(char **out, const tl_server *s);
/** Receives tl_server_write_json()'s text in order, in pieces of whole JSON tokens (`text`
 *  is NUL-terminated, `len` bytes, borrowed for the call). Non-zero stops the writing. */
typedef int (*tl_server_json_writer)(const char *text, size_t len, void *ctx);
/** The same text as tl_server_to_json(), streamed: one site at a time is built, handed to
 *  `write` and freed, so memory stays flat however many sites the server has (issue 18).
 *  TL_EIO when `write` returns non-zero, TL_ENOMEM; on failure part of the text may have
 *  been written already. The text ends without a newline. */
TL_EXTERN tl_result tl_server_write_json(const tl_server *s, tl_server_json_writer write,
                                         void *ctx);

/** Output forms of tl_server_diagnose(). */
typedef enum tl_diagnose_format {
    TL_DIAGNOSE_JSON = 0, /**< {"sites": [{"name", "applications": [{"path", "hops": [...]}]}]} */
    TL_DIAGNOSE_TEXT = 1, /**< one screen per site */
    TL_DIAGNOSE_DOT = 2   /**< Graphviz: sites, pools, identities, arrows coloured by outcome */
} tl_diagnose_format;

/** For every site and application, every off-box target of its configuration, the explain
 *  answer (the explain engine fed with the audit and the web.config). Ownership: tl_free(). */
TL_EXTERN tl_result tl_server_diagnose(char **out, const tl_server *s, tl_diagnose_format format);

#ifdef __cplusplus
}
#endif
#endif
