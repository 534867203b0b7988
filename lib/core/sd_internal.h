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
 * text as Windows prints it (tl__free); TL_ENOTSUP when not "artx". */
int tl__cond_compile(uint8_t **out, size_t *out_len, const char *text, size_t len, size_t base,
                     const tl_sid *domain);
int tl__cond_render(char **out, const uint8_t *data, size_t len, const tl_sid *domain);
#endif
