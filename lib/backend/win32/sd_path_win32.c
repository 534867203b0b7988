/* A file's security descriptor through GetNamedSecurityInfoW (SE_FILE_OBJECT), handed to
 * tl_sd_from_binary so the descriptor is read by the same bounds-checked code as any other. */
#include "internal.h"
#include "tokenlens/sd.h"
#include <windows.h>
#include <aclapi.h>
#include <string.h>

int tl_sd_from_path(tl_sd **out, const char *path, unsigned int parts)
{
    if (!out || !path)
        return tl__error(TL_EINVAL, "tl_sd_from_path: NULL argument");
    *out = NULL;
    if (!parts)
        parts = TL_SD_PART_DEFAULT;
    SECURITY_INFORMATION si = 0;
    if (parts & TL_SD_PART_OWNER)
        si |= OWNER_SECURITY_INFORMATION;
    if (parts & TL_SD_PART_GROUP)
        si |= GROUP_SECURITY_INFORMATION;
    if (parts & TL_SD_PART_DACL)
        si |= DACL_SECURITY_INFORMATION;
    if (parts & TL_SD_PART_SACL)
        si |= SACL_SECURITY_INFORMATION;
    if (parts & TL_SD_PART_LABEL)
        si |= LABEL_SECURITY_INFORMATION;
    uint16_t *w = NULL;
    size_t units = 0;
    int rc = tl__utf8_to_utf16(&w, &units, path, strlen(path));
    if (rc)
        return rc;
    PSECURITY_DESCRIPTOR psd = NULL;
    DWORD err = GetNamedSecurityInfoW((LPCWSTR)w, SE_FILE_OBJECT, si, NULL, NULL, NULL, NULL, &psd);
    tl__free(w);
    if (err != ERROR_SUCCESS) {
        int code =
            (err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND) ? TL_ENOTFOUND : TL_ERROR;
        return tl__error_native(code, (long)err,
                                "GetNamedSecurityInfo failed for '%s' (Win32 error %lu)", path,
                                (unsigned long)err);
    }
    rc = tl_sd_from_binary(out, psd, GetSecurityDescriptorLength(psd));
    LocalFree(psd);
    return rc;
}
