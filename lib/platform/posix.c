/* Platform services on POSIX: SHA-1 through libmd (the BSD <sha1.h> API; chosen over
 * libcrypto and nettle because it costs nothing at start-up: docs/benchmarks.md) and Unicode
 * case mapping through glibc. */
#define _POSIX_C_SOURCE 200809L /* newlocale, towupper_l */
#define _DEFAULT_SOURCE         /* u_int*_t in <sha1.h> */
#include "internal.h"
#include <sys/types.h>
#include <sha1.h>
#include <stdlib.h>

int tl__sha1(uint8_t digest[20], const void *data, size_t len)
{
    SHA1_CTX ctx;
    SHA1Init(&ctx);
    SHA1Update(&ctx, (const uint8_t *)data, len);
    SHA1Final(digest, &ctx);
    return TL_OK;
}

#include <locale.h>
#include <pthread.h>
#include <wctype.h>

/* The C locale only maps ASCII; C.UTF-8 (built into glibc >= 2.35) carries Unicode's simple
 * case mappings. Created once for the process (pthread_once: two threads hashing pool names
 * at the same time must not race to create, and leak, two locales); ASCII when missing. */
static locale_t utf8_locale;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void utf8_locale_init(void)
{
    utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

void tl__utf16_case(uint16_t *units, size_t count, int upper)
{
    locale_t utf8 = (locale_t)0; /* created on the first non-ASCII unit */
    for (size_t i = 0; i < count; i++) {
        uint16_t c = units[i];
        if (c < 0x80) { /* ASCII needs no locale (loading C.UTF-8 costs start-up time) */
            if (upper && c >= 'a' && c <= 'z')
                units[i] = (uint16_t)(c - 32);
            else if (!upper && c >= 'A' && c <= 'Z')
                units[i] = (uint16_t)(c + 32);
            continue;
        }
        if (c >= 0xD800 && c <= 0xDFFF)
            continue;
        if (!utf8) {
            pthread_once(&utf8_once, utf8_locale_init);
            utf8 = utf8_locale;
        }
        wint_t m;
        if (utf8)
            m = upper ? towupper_l(c, utf8) : towlower_l(c, utf8);
        else if (upper)
            m = (c >= 'a' && c <= 'z') ? c - 32 : c;
        else
            m = (c >= 'A' && c <= 'Z') ? c + 32 : c;
        if (m <= 0xFFFF && !(m >= 0xD800 && m <= 0xDFFF))
            units[i] = (uint16_t)m;
    }
}

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *file_kind_name(unsigned int mode)
{
    return S_ISDIR(mode)    ? "a directory"
           : S_ISFIFO(mode) ? "a FIFO"
           : S_ISCHR(mode)  ? "a character device"
           : S_ISBLK(mode)  ? "a block device"
           : S_ISSOCK(mode) ? "a socket"
                            : "not a file";
}

/* O_NONBLOCK: open(2) of a FIFO with no writer would wait for one forever (fifo(7)); the
 * flag makes it return at once, and fstat then tells what was opened. O_NOCTTY: a terminal
 * device must not become the controlling terminal. The flag is cleared again before reading
 * (it means nothing for a regular file, but the FILE* must behave as fopen's). */
int tl__path_kind(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return TL__PATH_NONE;
    return S_ISREG(st.st_mode) ? TL__PATH_FILE : TL__PATH_OTHER;
}

int tl__file_open(FILE **out, const char *path)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    struct stat st;
    if (fd < 0 && errno == ENXIO && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return tl__error(TL_EIO, "'%s' is %s, not a regular file", path, /* a socket */
                         file_kind_name((unsigned int)st.st_mode));
    if (fd < 0)
        return tl__error_native_kind(TL_EIO, TL_NATIVE_ERRNO, errno, "cannot open '%s': %s", path,
                                     strerror(errno));
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return tl__error_native_kind(TL_EIO, TL_NATIVE_ERRNO, e, "cannot read '%s': %s", path,
                                     strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return tl__error(TL_EIO, "'%s' is %s, not a regular file", path,
                         file_kind_name((unsigned int)st.st_mode));
    }
    int fl = fcntl(fd, F_GETFL);
    FILE *f = fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ? NULL : fdopen(fd, "rb");
    if (!f) {
        int e = errno;
        close(fd);
        return tl__error_native_kind(TL_EIO, TL_NATIVE_ERRNO, e, "cannot read '%s': %s", path,
                                     strerror(e));
    }
    *out = f;
    return TL_OK;
}

/* A thread's spare block is freed by the key's destructor when the thread exits (the main
 * thread's stays reachable until the process ends). Without a key (pthread_key_create
 * failed) the block stays where it was: reachable from the thread-local, as before. */
static pthread_key_t spare_key;
static int spare_key_ok;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void spare_key_init(void)
{
    spare_key_ok = pthread_key_create(&spare_key, free) == 0;
}

void tl__thread_spare(void *block)
{
    pthread_once(&spare_once, spare_key_init);
    if (spare_key_ok)
        (void)pthread_setspecific(spare_key, block);
}
