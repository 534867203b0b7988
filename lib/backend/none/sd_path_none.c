/* Reading a file's descriptor needs Windows (GetNamedSecurityInfo): TL_ENOTSUP elsewhere. */
#include "internal.h"
#include "tokenlens/sd.h"

int tl_sd_from_path(tl_sd **out, const char *path, unsigned int parts)
{
    (void)path;
    (void)parts;
    if (out)
        *out = NULL;
    return tl__error(TL_ENOTSUP, "reading a file's security descriptor needs Windows "
                                 "(GetNamedSecurityInfo); elsewhere pass its SDDL, e.g. "
                                 "(Get-Acl PATH).Sddl or an icacls /save file");
}
