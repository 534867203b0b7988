/* iis_content.i: the SITE=SDDL content list (tokenlens/iis_content.h) for every binding,
 * pulled in by tokenlens.i. */
%{
#include "tokenlens/iis_content.h"
%}
#ifdef SWIGCSHARP
%rename(IisContentList) tl_iis_content;
#endif
TL_OPAQUE(tl_iis_content, tl_iis_content_free)
%include "tokenlens/iis_content.h"
