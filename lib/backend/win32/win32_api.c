/* The default (real) Win32 function table behind the live backend's fault-injection seam. */
#include "backend/win32/win32_api.h"

const tl__win32_api tl__win32_real = {
    OpenProcessToken,       OpenThreadToken,     GetTokenInformation, DuplicateTokenEx,
    SetThreadToken,         RevertToSelf,        CloseHandle,         LookupAccountSidW,
    LsaGetLogonSessionData, LsaFreeReturnBuffer,
};

tl__win32_api tl__win32 = {
    OpenProcessToken,       OpenThreadToken,     GetTokenInformation, DuplicateTokenEx,
    SetThreadToken,         RevertToSelf,        CloseHandle,         LookupAccountSidW,
    LsaGetLogonSessionData, LsaFreeReturnBuffer,
};

void tl__win32_api_reset(void)
{
    tl__win32 = tl__win32_real;
}
