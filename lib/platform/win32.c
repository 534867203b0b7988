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
