/* SHA-1 through OpenSSL's libcrypto (EVP interface; the one-shot SHA1() is deprecated). */
#include "core/internal.h"
#include <openssl/evp.h>

int tl__sha1(uint8_t digest[20], const void *data, size_t len)
{
    unsigned int n = 0;
    if (EVP_Digest(data, len, digest, &n, EVP_sha1(), NULL) != 1 || n != 20)
        return tl__error(TL_ERROR, "SHA-1 failed in libcrypto");
    return TL_OK;
}
