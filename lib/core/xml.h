/* Expat the way every tokenlens XML reader uses it (iis.c, iis_server.c, webconfig.c): parsers
 * that allocate through the library's allocator hook and never expand external or parameter
 * entities, and the small pieces each reader's handlers need. */
#ifndef TL_XML_H
#define TL_XML_H

#include "internal.h"
#include <expat.h>

/* A parser allocating through tl__malloc (so tl_set_allocator failure injection reaches
 * expat), with `ud` as user data, the element handlers, and `doctype` / `entity` (may be NULL)
 * as the reader's refusal of DTDs and entity declarations; parameter entities are never
 * parsed. NULL when out of memory. Free with XML_ParserFree. */
XML_Parser tl__xml_parser(void *ud, XML_StartElementHandler start, XML_EndElementHandler end,
                          XML_StartDoctypeDeclHandler doctype, XML_EntityDeclHandler entity);

/* The value of attribute `name` in expat's attribute list, or NULL. */
const char *tl__xml_attr(const XML_Char **atts, const char *name);

/* Where `p` is, for an error: its line, 1-based column and byte offset (TL_NO_OFFSET when
 * expat does not know it). */
void tl__xml_where(XML_Parser p, unsigned long *line, unsigned long *column, size_t *offset);

/* Set the thread's error with a byte offset and a path (either may be TL_NO_OFFSET / NULL) and
 * return `code`: how the readers report what their handlers recorded. */
int tl__raise_at(int code, size_t offset, const char *path, const char *fmt, ...) TL__PRINTF(4, 5);

#endif
