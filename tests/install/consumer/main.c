/* Uses only the installed public headers: prints the DefaultAppPool SID and the version. */
#include <stdio.h>
#include <tokenlens.h>

int main(void)
{
    tl_sid sid;
    char s[TL_SID_STRING_MAX];
    if (tl_sid_resolve(&sid, "IIS APPPOOL\\DefaultAppPool", NULL) != TL_OK ||
        tl_sid_to_string(s, sizeof s, &sid) != TL_OK) {
        fprintf(stderr, "%s\n", tl_error_last()->message);
        return 1;
    }
    printf("%s %s\n", tl_version(), s);
    return 0;
}
