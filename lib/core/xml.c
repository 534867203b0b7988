/* Shared expat plumbing of the XML readers (xml.h). */
#include "xml.h"
#include <stdarg.h>
#include <string.h>

static void *XMLCALL x_malloc(size_t n)
{
    return tl__malloc(n);
}

static void *XMLCALL x_realloc(void *p, size_t n)
{
    return tl__realloc(p, n);
}

static void XMLCALL x_free(void *p)
{
    tl__free(p);
}

XML_Parser tl__xml_parser(void *ud, XML_StartElementHandler start, XML_EndElementHandler end,
                          XML_StartDoctypeDeclHandler doctype, XML_EntityDeclHandler entity)
{
    static const XML_Memory_Handling_Suite mem = {x_malloc, x_realloc, x_free};
    XML_Parser p = XML_ParserCreate_MM(NULL, &mem, NULL);
    if (!p)
        return NULL;
    XML_SetUserData(p, ud);
    XML_SetElementHandler(p, start, end);
    XML_SetStartDoctypeDeclHandler(p, doctype);
    if (entity)
        XML_SetEntityDeclHandler(p, entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    return p;
}

const char *tl__xml_attr(const XML_Char **atts, const char *name)
{
    for (; atts[0]; atts += 2)
        if (strcmp(atts[0], name) == 0)
            return atts[1];
    return NULL;
}

void tl__xml_where(XML_Parser p, unsigned long *line, unsigned long *column, size_t *offset)
{
    *line = (unsigned long)XML_GetCurrentLineNumber(p);
    *column = (unsigned long)XML_GetCurrentColumnNumber(p) + 1;
    XML_Index idx = XML_GetCurrentByteIndex(p);
    *offset = idx < 0 ? TL_NO_OFFSET : (size_t)idx;
}

int tl__raise_at(int code, size_t offset, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tl__error_full(code, offset, path, 0, fmt, ap);
    va_end(ap);
    return code;
}
