/* The Win32 calls the live backend makes, as a table of function pointers: the seam through
 * which tests make any call fail in turn (tests/win32/test_live_faults.c). Production code
 * calls only through tl__win32; tl__win32_api_reset() restores the real functions.
 * Not for use outside lib/backend/win32 and its tests. */
#ifndef TL_WIN32_API_H
#define TL_WIN32_API_H
#include <windows.h>
#include <ntsecapi.h>

typedef struct tl__win32_api {
    BOOL(WINAPI *OpenProcessToken)(HANDLE process, DWORD access, PHANDLE token);
    BOOL(WINAPI *OpenThreadToken)(HANDLE thread, DWORD access, BOOL open_as_self, PHANDLE token);
    BOOL(WINAPI *GetTokenInformation)
    (HANDLE token, TOKEN_INFORMATION_CLASS cls, LPVOID info, DWORD length, PDWORD return_length);
    BOOL(WINAPI *DuplicateTokenEx)
    (HANDLE token, DWORD access, LPSECURITY_ATTRIBUTES sa, SECURITY_IMPERSONATION_LEVEL level,
     TOKEN_TYPE type, PHANDLE new_token);
    BOOL(WINAPI *SetThreadToken)(PHANDLE thread, HANDLE token);
    BOOL(WINAPI *RevertToSelf)(void);
    BOOL(WINAPI *CloseHandle)(HANDLE handle);
    BOOL(WINAPI *LookupAccountSidW)
    (LPCWSTR system, PSID sid, LPWSTR name, LPDWORD name_len, LPWSTR domain, LPDWORD domain_len,
     PSID_NAME_USE use);
    NTSTATUS(NTAPI *LsaGetLogonSessionData)(PLUID logon_id, PSECURITY_LOGON_SESSION_DATA *data);
    NTSTATUS(NTAPI *LsaFreeReturnBuffer)(PVOID buffer);
} tl__win32_api;

/* The table in use. Tests replace entries; production never writes it. */
extern tl__win32_api tl__win32;
/* The real functions. */
extern const tl__win32_api tl__win32_real;
void tl__win32_api_reset(void);

#endif
