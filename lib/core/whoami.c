/* The whoami document (tokenlens/whoami.h): process, thread and effective token, live or
 * from JSON. The token members reuse the snapshot reader and writer (token_json.c). */
#include "internal.h"
#include "token_internal.h"
#include "tokenlens/live.h"
#include "tokenlens/whoami.h"
#include <stdio.h>
#include <string.h>

struct tl_whoami {
    tl_token *process;   /* NULL when a single thread snapshot was loaded */
    tl_token *thread;    /* NULL: not impersonating */
    tl_token *effective; /* only when a document carried its own "effective" member */
};

void tl_whoami_free(tl_whoami *w)
{
    if (!w)
        return;
    tl_token_free(w->process);
    tl_token_free(w->thread);
    tl_token_free(w->effective);
    tl__free(w);
}

const tl_token *tl_whoami_process(const tl_whoami *w)
{
    return w ? w->process : NULL;
}
const tl_token *tl_whoami_thread(const tl_whoami *w)
{
    return w ? w->thread : NULL;
}

const tl_token *tl_whoami_effective(const tl_whoami *w)
{
    if (!w)
        return NULL;
    if (w->effective)
        return w->effective;
    return w->thread ? w->thread : w->process;
}

int tl_whoami_capture(tl_whoami **out)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_whoami_capture: out is NULL");
    *out = NULL;
    tl_whoami *w = tl__calloc(1, sizeof *w);
    if (!w)
        return tl__oom();
    int rc = tl_live_process_token(&w->process);
    if (rc == TL_OK) {
        rc = tl_live_thread_token(&w->thread);
        if (rc == TL_ENOTFOUND) /* not impersonating: no thread token, not an error */
            rc = TL_OK;
    }
    if (rc != TL_OK) {
        tl_whoami_free(w);
        return rc;
    }
    tl_error_clear();
    *out = w;
    return TL_OK;
}

int tl_whoami_from_text(tl_whoami **out, const char *text, size_t len, char **notes)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_whoami_from_text: out is NULL");
    tl_whoami *w = tl__calloc(1, sizeof *w);
    if (!w)
        return tl__oom();
    int rc = tl_token_from_whoami_text(&w->process, text, len, notes);
    if (rc != TL_OK) {
        tl_whoami_free(w);
        return rc;
    }
    *out = w;
    return TL_OK;
}

/* A token or null at `key` of a whoami document. */
static int load_member(tl_token **out, json_t *root, const char *key)
{
    json_t *v = json_object_get(root, key);
    if (!v || json_is_null(v))
        return TL_OK;
    char path[32];
    snprintf(path, sizeof path, "$.%s", key);
    return tl__token_from_jansson(out, v, path);
}

static int load_document(tl_whoami *w, json_t *root)
{
    if (!json_is_object(root))
        return tl__error_path(TL_EPARSE, "$",
                              "$: expected an object (a token snapshot or whoami output)");
    if (json_object_get(root, "tokenlens_token")) {
        tl_token *t = NULL;
        int rc = tl__token_from_jansson(&t, root, "$");
        if (rc != TL_OK)
            return rc;
        if (tl_token_get_type(t) == TL_TOKEN_IMPERSONATION)
            w->thread = t;
        else
            w->process = t;
        return TL_OK;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "process") && strcmp(key, "thread") && strcmp(key, "effective")) {
            char path[80];
            snprintf(path, sizeof path, "$.%.60s", key);
            return tl__error_path(TL_EPARSE, path,
                                  "%s: unknown key (expected \"process\", \"thread\", "
                                  "\"effective\", or a token snapshot with "
                                  "\"tokenlens_token\")",
                                  path);
        }
    }
    int rc;
    if ((rc = load_member(&w->process, root, "process")) ||
        (rc = load_member(&w->thread, root, "thread")) ||
        (rc = load_member(&w->effective, root, "effective")))
        return rc;
    if (!w->process && !w->thread)
        return tl__error_path(TL_EPARSE, "$.process",
                              "$.process: a whoami snapshot needs a process or thread token");
    return TL_OK;
}

int tl_whoami_from_json(tl_whoami **out, const char *text, size_t len)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_whoami_from_json: out is NULL");
    *out = NULL;
    if (!text && len)
        return tl__error(TL_EINVAL, "tl_whoami_from_json: text is NULL");
    if (len > TL_TOKEN_MAX_FILE)
        return tl__error(TL_ELIMIT, "whoami document larger than %u bytes",
                         (unsigned)TL_TOKEN_MAX_FILE);
    json_t *root = NULL;
    int rc = tl__token_json_parse(&root, text ? text : "", len);
    if (rc != TL_OK)
        return rc;
    tl_whoami *w = tl__calloc(1, sizeof *w);
    rc = w ? load_document(w, root) : tl__oom();
    json_decref(root);
    if (rc != TL_OK) {
        tl_whoami_free(w);
        return rc;
    }
    *out = w;
    return TL_OK;
}

int tl_whoami_load(tl_whoami **out, const char *path)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_whoami_load: out is NULL");
    *out = NULL;
    if (!path)
        return tl__error(TL_EINVAL, "tl_whoami_load: path is NULL");
    char *text = NULL;
    size_t len = 0;
    int rc = tl__read_file(&text, &len, path, TL_TOKEN_MAX_FILE);
    if (rc != TL_OK)
        return rc;
    rc = tl_whoami_from_json(out, text, len);
    tl__free(text);
    return rc;
}

static json_t *token_or_null(const tl_token *t)
{
    return t ? tl__token_json(t) : json_null();
}

int tl_whoami_to_json(char **out, const tl_whoami *w)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_whoami_to_json: out is NULL");
    *out = NULL;
    if (!w)
        return tl__error(TL_EINVAL, "tl_whoami_to_json: document is NULL");
    json_t *o = json_object();
    /* json_object_set_new takes each value even when it fails (a NULL o included). */
    int bad = !o;
    bad |= json_object_set_new(o, "process", token_or_null(w->process)) != 0;
    bad |= json_object_set_new(o, "thread", token_or_null(w->thread)) != 0;
    bad |= json_object_set_new(o, "effective", token_or_null(tl_whoami_effective(w))) != 0;
    char *text =
        bad ? NULL : json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!text)
        return tl__oom();
    *out = text; /* jansson allocates through tokenlens' allocator (util.c): tl_free() */
    return TL_OK;
}

int tl_whoami_save(const tl_whoami *w, const char *path)
{
    if (!path)
        return tl__error(TL_EINVAL, "tl_whoami_save: path is NULL");
    char *text = NULL;
    int rc = tl_whoami_to_json(&text, w);
    if (rc != TL_OK)
        return rc;
    char *line = tl__asprintf("%s\n", text);
    tl__free(text);
    if (!line)
        return tl__oom();
    rc = tl__write_file(path, line, strlen(line));
    tl__free(line);
    return rc;
}
