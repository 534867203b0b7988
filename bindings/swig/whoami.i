/* whoami.i: the whoami document (tokenlens/whoami.h), pulled in by tokenlens.i for every
 * language. The tokens it hands out are borrowed from the document. */
%{
#include "tokenlens/whoami.h"
%}
TL_OPAQUE(tl_whoami, tl_whoami_free)
#ifdef SWIGCSHARP
%ignore tl_whoami_from_json; /* (text, len): C# reads files with tl_whoami_load */
#endif
/* the whoami text import is wrapped in webconfig.i without its notes argument */
%ignore tl_token_from_whoami_text;
%include "tokenlens/whoami.h"
