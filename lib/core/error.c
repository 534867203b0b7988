/* The thread-local error model: every failing call records code, message, input position and
 * the native status here, and tl_error_last() hands it back. */
#include "internal.h"
#include <stdio.h>
#include <string.h>

#define TL__MSG_MAX 1024
#define TL__PATH_MAX 256

typedef struct tl__error_slot {
    tl_error pub;
    char message[TL__MSG_MAX];
    char path[TL__PATH_MAX];
} tl__error_slot;

static _Thread_local tl__error_slot slot = {
    {TL_OK, "", TL_NO_OFFSET, "", 0, TL_NATIVE_NONE}, "", ""};

static void publish(void)
{
    slot.pub.message = slot.message;
    slot.pub.path = slot.path;
}

const tl_error *tl_error_last(void)
{
    publish();
    return &slot.pub;
}

void tl_error_clear(void)
{
    slot.pub.code = TL_OK;
    slot.pub.offset = TL_NO_OFFSET;
    slot.pub.native = 0;
    slot.pub.native_kind = TL_NATIVE_NONE;
    slot.message[0] = '\0';
    slot.path[0] = '\0';
    publish();
}

const char *tl_error_name(int code)
{
    switch (code) {
    case TL_OK:
        return "TL_OK";
    case TL_ERROR:
        return "TL_ERROR";
    case TL_ENOMEM:
        return "TL_ENOMEM";
    case TL_EINVAL:
        return "TL_EINVAL";
    case TL_EPARSE:
        return "TL_EPARSE";
    case TL_ERANGE:
        return "TL_ERANGE";
    case TL_ENOTFOUND:
        return "TL_ENOTFOUND";
    case TL_ENOTSUP:
        return "TL_ENOTSUP";
    case TL_EOS:
        return "TL_EOS";
    case TL_EIO:
        return "TL_EIO";
    case TL_ELIMIT:
        return "TL_ELIMIT";
    case TL_EAUTH:
        return "TL_EAUTH";
    case TL_ESTATE:
        return "TL_ESTATE";
    case TL_ENOTIMPL:
        return "TL_ENOTIMPL";
    default:
        return "TL_E?";
    }
}

int tl__error_full(int code, size_t offset, const char *path, long native, const char *fmt,
                   va_list ap)
{
    slot.pub.code = code;
    slot.pub.offset = offset;
    slot.pub.native = native;
    slot.pub.native_kind = native ? TL_NATIVE_OTHER : TL_NATIVE_NONE;
    int n = vsnprintf(slot.message, sizeof slot.message, fmt, ap);
    if (n >= (int)sizeof slot.message) {
        /* A message that echoes a long input: cut it between two UTF-8 characters and say so,
         * never end it in half a character or without a word that it was cut. */
        static const char mark[] = "... [message cut]";
        size_t keep = sizeof slot.message - sizeof mark;
        while (keep > 0 && ((unsigned char)slot.message[keep] & 0xc0) == 0x80)
            keep--;
        memcpy(slot.message + keep, mark, sizeof mark);
    }
    snprintf(slot.path, sizeof slot.path, "%s", path ? path : "");
    publish();
    return code;
}

int tl__error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl__error_full(code, TL_NO_OFFSET, NULL, 0, fmt, ap);
    va_end(ap);
    return code;
}

int tl__error_at(int code, size_t offset, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl__error_full(code, offset, NULL, 0, fmt, ap);
    va_end(ap);
    return code;
}

int tl__error_path(int code, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl__error_full(code, TL_NO_OFFSET, path, 0, fmt, ap);
    va_end(ap);
    return code;
}

int tl__error_native(int code, long native, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl__error_full(code, TL_NO_OFFSET, NULL, native, fmt, ap);
    va_end(ap);
    return code;
}

int tl__error_native_kind(int code, tl_native_kind kind, long native, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl__error_full(code, TL_NO_OFFSET, NULL, native, fmt, ap);
    va_end(ap);
    slot.pub.native_kind = kind;
    return code;
}

const char *tl_native_kind_name(tl_native_kind kind)
{
    switch (kind) {
    case TL_NATIVE_NONE:
        return "none";
    case TL_NATIVE_OTHER:
        return "other";
    case TL_NATIVE_WIN32:
        return "win32";
    case TL_NATIVE_NTSTATUS:
        return "ntstatus";
    case TL_NATIVE_SECURITY_STATUS:
        return "security-status";
    case TL_NATIVE_GSS_MAJOR:
        return "gss-major";
    case TL_NATIVE_ERRNO:
        return "errno";
    }
    return "unknown";
}

void tl__error_prefix(const char *fmt, ...)
{
    char prefix[TL__MSG_MAX], old[TL__MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, slot.message, sizeof old);
    /* Truncation of very long messages is fine; build it piecewise so it is explicit. */
    size_t n = strlen(prefix);
    if (n > sizeof slot.message - 3)
        n = sizeof slot.message - 3;
    memcpy(slot.message, prefix, n);
    memcpy(slot.message + n, ": ", 2);
    size_t room = sizeof slot.message - n - 3, m = strlen(old);
    if (m > room)
        m = room;
    memcpy(slot.message + n + 2, old, m);
    slot.message[n + 2 + m] = '\0';
    publish();
}

int tl__oom(void)
{
    return tl__error(TL_ENOMEM, "out of memory");
}

const char *tl_version(void)
{
    return TL_VERSION_STRING;
}
