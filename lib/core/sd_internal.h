/* Internal layout of tl_sd, shared by sd.c (binary, accessors), sddl.c and access.c. */
#ifndef TL_SD_INTERNAL_H
#define TL_SD_INTERNAL_H
#include "tokenlens/sd.h"
#include "internal.h"

typedef struct tl__acl {
    bool present;
    bool null_acl;
    tl_ace *aces; /* condition and app_data owned by the ACE entry */
    size_t count;
    size_t cap;
} tl__acl;

struct tl_sd {
    uint16_t control; /* without PRESENT and SELF_RELATIVE bits: derived from the ACLs */
    bool has_owner, has_group;
    tl_sid owner, group;
    tl__acl acl[2]; /* TL_ACL_DACL, TL_ACL_SACL */
};

/* Append a copy of ace (deep copies condition / app_data). */
int tl__sd_acl_append(tl__acl *acl, const tl_ace *ace);
/* True for types that carry the object flags and GUIDs. */
bool tl__ace_is_object(uint8_t type);
/* True for callback (conditional) types whose trailing data is application data. */
bool tl__ace_is_callback(uint8_t type);
/* Spare bytes Windows adds to an ACL for this ACE (an empty access mask: 4), see sd.c. */
size_t tl__ace_slack(const tl_ace *ace);
/* Format a SID as SDDL prints it (alias when one applies). buf >= TL_SID_STRING_MAX. */
void tl__sddl_sid(char *buf, size_t size, const tl_sid *sid, const tl_sid *domain);
/* Conditional expressions (sddl_cond.c). compile: SDDL condition text (with its outer
 * parentheses, `len` bytes, `base` = its offset in the whole SDDL for errors) -> "artx"
 * application data padded to 4 bytes (tl__free). render: application data -> canonical
 * text as Windows prints it (tl__free); TL_ENOTIMPL when not "artx"; TL_EPARSE (offset in the data)
 * when malformed. */
int tl__cond_compile(uint8_t **out, size_t *out_len, const char *text, size_t len, size_t base,
                     const tl_sid *domain);
int tl__cond_render(char **out, const uint8_t *data, size_t len, const tl_sid *domain);

/* Resource attribute ACEs (sddl_ra.c). TL_ACE_SYSTEM_RESOURCE_ATTRIBUTE carries a
 * CLAIM_SECURITY_ATTRIBUTE_RELATIVE_V1 as its application data and its canonical SDDL text
 * as `condition`. compile: `("name",T?,flags,values)` -> claim bytes padded to 4 (tl__free);
 * render: claim bytes -> canonical text (tl__free). */
#define TL__ACE_RESOURCE_ATTRIBUTE 0x12
int tl__ra_compile(uint8_t **out, size_t *out_len, const char *text, size_t len, size_t base,
                   const tl_sid *domain);
int tl__ra_render(char **out, const uint8_t *data, size_t len, const tl_sid *domain);
/* A claim read in place (borrowed bytes). type: 1 INT64, 2 UINT64, 3 STRING, 5 SID,
 * 6 BOOLEAN, 0x10 OCTET_STRING (MS-DTYP 2.4.10.1). */
typedef struct tl__claim {
    const uint8_t *data, *name; /* name: UTF-16LE, name_bytes long, no NUL */
    size_t size, name_bytes;
    uint16_t type;
    uint32_t flags, count;
} tl__claim;
typedef struct tl__claim_value {
    uint16_t type;
    int64_t i;        /* INT64, UINT64 (as bits), BOOLEAN */
    const uint8_t *p; /* STRING: UTF-16LE without NUL; SID / OCTET_STRING: the bytes */
    size_t len;
} tl__claim_value;
/* Validate a claim and every value offset. */
int tl__claim_parse(tl__claim *c, const uint8_t *data, size_t len);
int tl__claim_value_at(const tl__claim *c, uint32_t index, tl__claim_value *v);
/* True for ACE types whose bytes after the SID are application data (callback, RA). */
bool tl__ace_has_app_data(uint8_t type);
#endif
