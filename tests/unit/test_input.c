/* Issue 18 items 3, 5 and 6: the one file reader (tl_input_read and every *_load through it)
 * reads all of a regular file or fails, refuses what would block (a FIFO, a device, a pipe)
 * before the first read, and every JSON loader takes a UTF-8 BOM, names UTF-16 and refuses a
 * raw NUL with its offset. A regression that blocks again is killed by alarm() instead of
 * hanging the suite. */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L /* mkdtemp, mkfifo */
#endif
#include "tl_test.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <direct.h>
#include <windows.h>
#else
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#endif

static char tmpdir[512];

static int setup(void **state)
{
    (void)state;
#ifdef _WIN32
    char base[MAX_PATH];
    GetTempPathA(sizeof base, base);
    snprintf(tmpdir, sizeof tmpdir, "%stl-input-%lu", base, (unsigned long)GetCurrentProcessId());
    _mkdir(tmpdir);
#else
    snprintf(tmpdir, sizeof tmpdir, "/tmp/tl-input-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    alarm(60); /* a reader that blocks again fails the suite instead of hanging it */
#endif
    return 0;
}

static const char *tmp_path(const char *name)
{
    static char p[600];
    snprintf(p, sizeof p, "%s/%s", tmpdir, name);
    return p;
}

static const char *write_tmp(const char *name, const void *data, size_t len)
{
    const char *p = tmp_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    return p;
}

static char *slurp_test_data(const char *rel, size_t *len)
{
    FILE *f = fopen(tl_test_data(rel), "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    buf[*len] = 0;
    return buf;
}

/* ---- the reader -------------------------------------------------------------------------- */

/* More than one 64 KiB chunk, with NUL bytes inside: every byte comes back, nothing stops at a
 * short read or a NUL. */
static void reads_whole_file(void **state)
{
    (void)state;
    size_t n = 200000;
    unsigned char *data = malloc(n);
    assert_non_null(data);
    for (size_t i = 0; i < n; i++)
        data[i] = (unsigned char)(i * 7);
    const char *p = write_tmp("big.bin", data, n);
    char *out = NULL;
    size_t len = 0;
    assert_tl_ok(tl_input_read(&out, &len, p, NULL));
    assert_int_equal(len, n);
    assert_memory_equal(out, data, n);
    assert_int_equal(out[len], 0);
    assert_int_equal(tl_error_last()->code, TL_OK);
    tl_free(out);

    /* the limit: exactly max bytes load, one more is TL_ELIMIT naming the file */
    tl_input_options o = TL_INPUT_OPTIONS_INIT;
    o.max_bytes = n;
    assert_tl_ok(tl_input_read(&out, &len, p, &o));
    tl_free(out);
    o.max_bytes = n - 1;
    out = (char *)1;
    assert_tl_error(tl_input_read(&out, &len, p, &o), TL_ELIMIT);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_non_null(strstr(tl_error_last()->message, "big.bin"));
    free(data);

    p = write_tmp("empty", "", 0);
    assert_tl_ok(tl_input_read(&out, &len, p, NULL));
    assert_int_equal(len, 0);
    assert_string_equal(out, "");
    tl_free(out);
}

static void refuses_what_is_not_a_regular_file(void **state)
{
    (void)state;
    struct {
        const char *path;
        const char *says;
    } rows[8];
    size_t n = 0;
    rows[n].path = tmpdir;
    rows[n++].says = "is a directory, not a regular file";
#ifdef _WIN32
    rows[n].path = "NUL";
    rows[n++].says = "not a regular file";
    rows[n].path = "\\\\.\\pipe\\tl-input-test";
    rows[n++].says = "is a device or pipe path, not a regular file";
    rows[n].path = "//./pipe/tl-input-test";
    rows[n++].says = "is a device or pipe path, not a regular file";
    rows[n].path = "\\\\?\\pipe\\tl-input-test";
    rows[n++].says = "is a device or pipe path, not a regular file";
#else
    static char fifo[600], sock[600];
    snprintf(fifo, sizeof fifo, "%s", tmp_path("fifo"));
    assert_int_equal(mkfifo(fifo, 0600), 0);
    rows[n].path = fifo;
    rows[n++].says = "is a FIFO, not a regular file";
    rows[n].path = "/dev/null";
    rows[n++].says = "is a character device, not a regular file";
    snprintf(sock, sizeof sock, "%s", tmp_path("sock"));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    assert_true(strlen(sock) < sizeof sa.sun_path);
    memcpy(sa.sun_path, sock, strlen(sock) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    rows[n].path = sock;
    rows[n++].says = "is a socket, not a regular file";
#endif
    for (size_t i = 0; i < n; i++) {
        char *out = (char *)1;
        size_t len = 7;
        int rc = tl_input_read(&out, &len, rows[i].path, NULL);
        if (rc != TL_EIO || out || len || !strstr(tl_error_last()->message, rows[i].says) ||
            !strstr(tl_error_last()->message, rows[i].path))
            fail_msg("%s: rc %d, message '%s' (want TL_EIO, '%s')", rows[i].path, rc,
                     tl_error_last()->message, rows[i].says);
        /* the library's own loaders use the same reader */
        tl_token *t = NULL;
        assert_tl_error(tl_token_load(&t, rows[i].path), TL_EIO);
        tl_scenario *s = NULL;
        assert_tl_error(tl_scenario_load(&s, rows[i].path), TL_EIO);
        tl_whoami *w = NULL;
        assert_tl_error(tl_whoami_load(&w, rows[i].path), TL_EIO);
        tl_iis_audit *a = NULL;
        assert_tl_error(tl_iis_audit_load(&a, rows[i].path, NULL), TL_EIO);
    }
#ifndef _WIN32
    close(fd);
#endif
}

static void arguments_and_stdin(void **state)
{
    (void)state;
    char *out = (char *)1;
    size_t len = 0;
    assert_tl_error(tl_input_read(&out, &len, tmp_path("missing"), NULL), TL_EIO);
    assert_null(out);
    assert_non_null(strstr(tl_error_last()->message, "cannot open"));
    assert_tl_error(tl_input_read(NULL, &len, "x", NULL), TL_EINVAL);
    assert_tl_error(tl_input_read(&out, NULL, "x", NULL), TL_EINVAL);
    assert_tl_error(tl_input_read(&out, &len, NULL, NULL), TL_EINVAL);
    tl_input_options o = TL_INPUT_OPTIONS_INIT;
    o.version = 99;
    assert_tl_error(tl_input_read(&out, &len, "x", &o), TL_EINVAL);
    o.version = TL_INPUT_OPTIONS_VERSION;
    o.flags = 0x80;
    assert_tl_error(tl_input_read(&out, &len, "x", &o), TL_EINVAL);

    /* "-" is a file name unless the caller asks for stdin */
    assert_tl_error(tl_input_read(&out, &len, "-", NULL), TL_EIO);
    const char *p = write_tmp("stdin.txt", "line 1\r\nline\0 2\n", 16);
    assert_non_null(freopen(p, "rb", stdin));
    o.flags = TL_INPUT_STDIN_DASH;
    o.max_bytes = 15;
    assert_tl_error(tl_input_read(&out, &len, "-", &o), TL_ELIMIT);
    assert_non_null(strstr(tl_error_last()->message, "standard input"));
    assert_non_null(freopen(p, "rb", stdin));
    o.max_bytes = 16;
    assert_tl_ok(tl_input_read(&out, &len, "-", &o));
    assert_int_equal(len, 16); /* binary: the CR stays, the NUL too */
    assert_memory_equal(out, "line 1\r\nline\0 2\n", 16);
    tl_free(out);
}

/* ---- the JSON loaders -------------------------------------------------------------------- */

typedef int (*json_loader)(const char *text, size_t len);

static int load_token(const char *text, size_t len)
{
    tl_token *t = NULL;
    int rc = tl_token_from_json(&t, text, len);
    tl_token_free(t);
    return rc;
}
static int load_whoami(const char *text, size_t len)
{
    tl_whoami *w = NULL;
    int rc = tl_whoami_from_json(&w, text, len);
    tl_whoami_free(w);
    return rc;
}
static int load_scenario(const char *text, size_t len)
{
    tl_scenario *s = NULL;
    int rc = tl_scenario_from_json(&s, text, len);
    tl_scenario_free(s);
    return rc;
}

/* `utf8` as UTF-16 (le/be), with or without a byte order mark; *n is the byte count. */
static char *to_utf16(const char *utf8, size_t len, int le, int bom, size_t *n)
{
    char *w = malloc(2 * len + 2);
    assert_non_null(w);
    size_t k = 0;
    if (bom) {
        w[k++] = le ? (char)0xFF : (char)0xFE;
        w[k++] = le ? (char)0xFE : (char)0xFF;
    }
    for (size_t i = 0; i < len; i++) { /* the samples are ASCII */
        w[k++] = le ? utf8[i] : 0;
        w[k++] = le ? 0 : utf8[i];
    }
    *n = k;
    return w;
}

static void json_encodings(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        json_loader load;
        const char *file;
    } loaders[] = {
        {"token", load_token, "token/wine-process.json"},
        {"whoami", load_whoami, "token/wine-whoami.json"},
        {"scenario", load_scenario, "../../examples/scenarios/after-revert.json"},
    };
    for (size_t i = 0; i < sizeof loaders / sizeof loaders[0]; i++) {
        size_t len = 0;
        char *text = slurp_test_data(loaders[i].file, &len);
        assert_tl_ok(loaders[i].load(text, len));

        /* a UTF-8 byte order mark (Notepad, Out-File -Encoding utf8BOM) is accepted */
        char *bom = malloc(len + 3);
        memcpy(bom, "\xEF\xBB\xBF", 3);
        memcpy(bom + 3, text, len);
        if (loaders[i].load(bom, len + 3) != TL_OK)
            fail_msg("%s with a BOM: %s", loaders[i].name, tl_error_last()->message);
        /* ... and offsets still count from the file's first byte */
        assert_tl_error(loaders[i].load(bom, 4), TL_EPARSE);
        assert_int_equal(tl_error_last()->offset, 4);
        free(bom);

        /* UTF-16 in all four shapes names itself and says what to do */
        for (int shape = 0; shape < 4; shape++) {
            size_t n = 0;
            char *w = to_utf16(text, len, shape & 1, shape & 2, &n);
            int rc = loaders[i].load(w, n);
            const char *m = tl_error_last()->message;
            if (rc != TL_EPARSE || !strstr(m, "UTF-16") || !strstr(m, "re-save it as UTF-8") ||
                !strstr(m, (shape & 1) ? "little-endian" : "big-endian"))
                fail_msg("%s as UTF-16 shape %d: rc %d '%s'", loaders[i].name, shape, rc, m);
            free(w);
        }

        /* a raw NUL anywhere (jansson took one right after a number) is refused at its offset */
        char *nul = tl_test_strdup(text);
        char *digit = strpbrk(nul, "0123456789");
        assert_non_null(digit);
        while (digit[1] >= '0' && digit[1] <= '9')
            digit++;
        size_t at = (size_t)(digit + 1 - nul);
        digit[1] = '\0';
        int rc = loaders[i].load(nul, len);
        if (rc != TL_EPARSE || tl_error_last()->offset != at ||
            !strstr(tl_error_last()->message, "NUL"))
            fail_msg("%s with a NUL at %zu: rc %d offset %zu '%s'", loaders[i].name, at, rc,
                     tl_error_last()->offset, tl_error_last()->message);
        free(nul);
        free(text);
    }
    /* the minimal case from the issue: a NUL right after a number */
    assert_tl_error(load_token("{\"tokenlens_token\": 1\0}", 23), TL_EPARSE);
    assert_int_equal(tl_error_last()->offset, 21);
}

/* `tokenlens whoami --json` output loads as a token: its effective one (access --token and
 * Token.load point users to it). */
static void token_from_whoami_document(void **state)
{
    (void)state;
    size_t plen = 0, tlen = 0;
    char *proc = slurp_test_data("token/wine-process.json", &plen);
    char *thr = slurp_test_data("token/iis-ntlm-impersonation.json", &tlen);
    size_t cap = plen + tlen + 64;
    char *doc = malloc(cap);
    snprintf(doc, cap, "{\"process\": %s, \"thread\": %s, \"effective\": null}", proc, thr);
    tl_token *t = NULL, *want = NULL;
    assert_tl_ok(tl_token_from_json(&t, doc, strlen(doc)));
    assert_tl_ok(tl_token_from_json(&want, thr, tlen));
    assert_true(tl_sid_equal(tl_token_user(t), tl_token_user(want)));
    assert_int_equal(tl_token_get_type(t), TL_TOKEN_IMPERSONATION);
    tl_token_free(t);
    tl_token_free(want);
    /* the file form, through the same reader */
    const char *p = write_tmp("whoami.json", doc, strlen(doc));
    assert_tl_ok(tl_token_load(&t, p));
    assert_int_equal(tl_token_get_type(t), TL_TOKEN_IMPERSONATION);
    tl_token_free(t);
    /* a whoami document's errors keep their JSON path */
    snprintf(doc, cap, "{\"process\": %s, \"bogus\": 1}", proc);
    assert_tl_error(tl_token_from_json(&t, doc, strlen(doc)), TL_EPARSE);
    assert_non_null(strstr(tl_error_last()->message, "$.bogus"));
    assert_null(t);
    free(doc);
    free(proc);
    free(thr);
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"big.bin", "empty",     "fifo",
                                        "sock",    "stdin.txt", "whoami.json"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        remove(tmp_path(names[i]));
#ifdef _WIN32
    _rmdir(tmpdir);
#else
    rmdir(tmpdir);
#endif
    return 0;
}

/* A UTF-8 path names the file it spells on every platform: on Windows the reader opens it with
 * CreateFileW (the CLI's manifest, Python and the C# layer all pass UTF-8), so a name outside
 * the ANSI code page opens too. The file is made with the wide API there, so the test does not
 * depend on the code page of the test binary. */
static void reads_a_utf8_path(void **state)
{
    (void)state;
    static const char content[] = "caf\xc3\xa9 \xe6\x9d\xb1\n";
    const char *p = tmp_path("caf\xc3\xa9-\xe6\x9d\xb1.txt");
#ifdef _WIN32
    wchar_t wp[700];
    assert_true(MultiByteToWideChar(CP_UTF8, 0, p, -1, wp, 700) > 0);
    FILE *f = _wfopen(wp, L"wb");
#else
    FILE *f = fopen(p, "wb");
#endif
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, sizeof content - 1, f), sizeof content - 1);
    assert_int_equal(fclose(f), 0);
    char *text = NULL;
    size_t len = 0;
    int rc = tl_input_read(&text, &len, p, NULL);
    if (rc != TL_OK)
        print_error("%s: %s\n", p, tl_error_last()->message);
    assert_int_equal(rc, TL_OK);
    assert_int_equal(len, sizeof content - 1);
    assert_memory_equal(text, content, len);
    tl_free(text);
#ifdef _WIN32
    assert_int_equal(_wremove(wp), 0);
#else
    assert_int_equal(remove(p), 0);
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_whole_file),
        cmocka_unit_test(refuses_what_is_not_a_regular_file),
        cmocka_unit_test(arguments_and_stdin),
        cmocka_unit_test(json_encodings),
        cmocka_unit_test(token_from_whoami_document),
        cmocka_unit_test(reads_a_utf8_path),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
