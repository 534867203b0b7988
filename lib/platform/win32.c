/* Platform services on Windows: SHA-1 through CNG (BCrypt) and case mapping through user32. */
#include "internal.h"
#include <windows.h>
#include <stdlib.h>
#include <bcrypt.h>

int tl__sha1(uint8_t digest[20], const void *data, size_t len)
{
    if (len > 0xFFFFFFFFu)
        return tl__error(TL_ELIMIT, "SHA-1 input too large");
    /* BCryptHash (Windows 10+) is not in every mingw/Wine; use the portable sequence. */
    BCRYPT_ALG_HANDLE alg = NULL;
    BCRYPT_HASH_HANDLE h = NULL;
    NTSTATUS st = BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA1_ALGORITHM, NULL, 0);
    if (st < 0)
        return tl__error_native_kind(TL_EOS, TL_NATIVE_NTSTATUS, (long)st,
                                     "BCryptOpenAlgorithmProvider(SHA1) failed");
    st = BCryptCreateHash(alg, &h, NULL, 0, NULL, 0, 0);
    if (st >= 0)
        st = BCryptHashData(h, (PUCHAR)data, (ULONG)len, 0);
    if (st >= 0)
        st = BCryptFinishHash(h, digest, 20, 0);
    if (h)
        BCryptDestroyHash(h);
    BCryptCloseAlgorithmProvider(alg, 0);
    if (st < 0)
        return tl__error_native_kind(TL_EOS, TL_NATIVE_NTSTATUS, (long)st, "BCrypt SHA-1 failed");
    return TL_OK;
}

void tl__utf16_case(uint16_t *units, size_t count, int upper)
{
    /* Windows' own tables: the same ones RtlUpcaseUnicodeString uses for service names. */
    while (count > 0) {
        DWORD n = count > 0x7FFFFFFF ? 0x7FFFFFFF : (DWORD)count;
        if (upper)
            CharUpperBuffW((WCHAR *)units, n);
        else
            CharLowerBuffW((WCHAR *)units, n);
        units += n;
        count -= n;
    }
}

#include <fcntl.h>
#include <io.h>
#include <string.h>

/* True for a path in the Win32 device namespace ("\\.\pipe\x", "\\.\COM1", "//./PhysicalDrive0")
 * or an NT object path other than a drive or UNC file ("\\?\pipe\x", "\\?\GLOBALROOT\..."):
 * opening one can connect to a named pipe's server or a device before anything can be checked.
 * "\\?\C:\long\path" and "\\?\UNC\server\share\file" are files and stay allowed. */
static int device_path(const char *p)
{
    int sep0 = p[0] == '\\' || p[0] == '/', sep1 = p[1] == '\\' || p[1] == '/';
    if (!sep0 || !sep1 || !(p[2] == '.' || p[2] == '?') || !(p[3] == '\\' || p[3] == '/'))
        return 0;
    if (p[2] == '.')
        return 1;
    const char *r = p + 4;
    int drive = ((r[0] >= 'A' && r[0] <= 'Z') || (r[0] >= 'a' && r[0] <= 'z')) && r[1] == ':';
    int unc = tl__strncasecmp(r, "UNC\\", 4) == 0;
    return !(drive || unc);
}

/* CreateFile never waits for a named pipe's writer the way POSIX open(2) waits on a FIFO, but
 * reading a console ("CON", "CONIN$"), a serial port or a pipe blocks: GetFileType() tells
 * them from a disk file before the first read. FILE_FLAG_BACKUP_SEMANTICS lets a directory
 * open, so it is named as one instead of failing with "access denied". Paths are UTF-8 in
 * every front end (the CLI's manifest, Python's str, the C# layer's LPUTF8Str), so a path that
 * is valid UTF-8 is opened with CreateFileW; only one that is not (bytes in the ANSI code page
 * from some other C caller) goes to CreateFileA, as fopen() would have taken it. */
static HANDLE open_utf8(const char *path)
{
    const DWORD share = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
    if (n <= 0)
        return CreateFileA(path, GENERIC_READ, share, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS, NULL);
    wchar_t *w = tl__malloc((size_t)n * sizeof *w);
    if (!w) {
        SetLastError(ERROR_NOT_ENOUGH_MEMORY);
        return INVALID_HANDLE_VALUE;
    }
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, w, n);
    HANDLE h =
        CreateFileW(w, GENERIC_READ, share, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    DWORD e = GetLastError();
    tl__free(w);
    SetLastError(e);
    return h;
}

int tl__path_kind(const char *path)
{
    DWORD attr = INVALID_FILE_ATTRIBUTES;
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, NULL, 0);
    wchar_t *w = n > 0 ? tl__malloc((size_t)n * sizeof *w) : NULL;
    if (n > 0 && !w)
        return tl__oom();
    if (w && MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, path, -1, w, n) > 0)
        attr = GetFileAttributesW(w);
    else if (n <= 0)
        attr = GetFileAttributesA(path); /* not UTF-8: the ANSI code page, as open_utf8 */
    tl__free(w);
    if (attr == INVALID_FILE_ATTRIBUTES)
        return TL__PATH_NONE;
    return attr & (FILE_ATTRIBUTE_DIRECTORY | FILE_ATTRIBUTE_DEVICE) ? TL__PATH_OTHER
                                                                     : TL__PATH_FILE;
}

int tl__file_open(FILE **out, const char *path)
{
    *out = NULL;
    if (device_path(path))
        return tl__error(TL_EIO, "'%s' is a device or pipe path, not a regular file", path);
    HANDLE h = open_utf8(path);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD e = GetLastError();
        if (e == ERROR_NOT_ENOUGH_MEMORY)
            return tl__error(TL_ENOMEM, "out of memory opening '%s'", path);
        const char *why = e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND
                              ? "No such file or directory"
                          : e == ERROR_ACCESS_DENIED ? "Permission denied"
                                                     : "the system refused to open it";
        return tl__error_native_kind(TL_EIO, TL_NATIVE_WIN32, (long)e, "cannot open '%s': %s", path,
                                     why);
    }
    DWORD type = GetFileType(h);
    const char *kind = NULL;
    if (type == FILE_TYPE_CHAR)
        kind = "a character device";
    else if (type == FILE_TYPE_PIPE)
        kind = "a pipe";
    else if (type != FILE_TYPE_DISK)
        kind = "not a file";
    else {
        BY_HANDLE_FILE_INFORMATION info;
        if (!GetFileInformationByHandle(h, &info)) {
            DWORD e = GetLastError();
            CloseHandle(h);
            return tl__error_native_kind(TL_EIO, TL_NATIVE_WIN32, (long)e, "cannot read '%s'",
                                         path);
        }
        if (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            kind = "a directory";
    }
    if (kind) {
        CloseHandle(h);
        return tl__error(TL_EIO, "'%s' is %s, not a regular file", path, kind);
    }
    int fd = _open_osfhandle((intptr_t)h, _O_RDONLY | _O_BINARY);
    if (fd < 0) {
        CloseHandle(h);
        return tl__error(TL_EIO, "cannot read '%s'", path);
    }
    FILE *f = _fdopen(fd, "rb");
    if (!f) {
        _close(fd); /* closes the handle too */
        return tl__error(TL_EIO, "cannot read '%s'", path);
    }
    *out = f;
    return TL_OK;
}

/* A thread's spare block is freed by the fiber-local slot's callback when the thread exits. */
static DWORD spare_slot = FLS_OUT_OF_INDEXES;
static INIT_ONCE spare_once = INIT_ONCE_STATIC_INIT;

static void WINAPI spare_free(PVOID block)
{
    free(block);
}

static BOOL CALLBACK spare_slot_init(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    spare_slot = FlsAlloc(spare_free);
    return TRUE;
}

void tl__thread_spare(void *block)
{
    InitOnceExecuteOnce(&spare_once, spare_slot_init, NULL, NULL);
    if (spare_slot != FLS_OUT_OF_INDEXES)
        (void)FlsSetValue(spare_slot, block);
}
