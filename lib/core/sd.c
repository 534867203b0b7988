/*
 * Security descriptors: lifetime, accessors, and the self-relative binary form (MS-DTYP
 * 2.4.6 SECURITY_DESCRIPTOR, 2.4.5 ACL, 2.4.4 ACEs). Every read is bounds-checked against
 * the caller's length; faults are reported with their byte offset.
 */
#include "sd_internal.h"
#include <string.h>

/* ---- lifetime ----------------------------------------------------------------------------- */

static void acl_clear(tl__acl *acl)
{
    for (size_t i = 0; i < acl->count; i++) {
        tl__free((void *)acl->aces[i].condition);
        tl__free((void *)acl->aces[i].app_data);
    }
    tl__free(acl->aces);
    memset(acl, 0, sizeof *acl);
}

int tl_sd_new(tl_sd **out)
{
    if (!out)
        return tl__error(TL_EINVAL, "tl_sd_new: out is NULL");
    *out = tl__calloc(1, sizeof **out);
    return *out ? TL_OK : tl__oom();
}

void tl_sd_free(tl_sd *sd)
{
    if (!sd)
        return;
    acl_clear(&sd->acl[0]);
    acl_clear(&sd->acl[1]);
    tl__free(sd);
}

bool tl__ace_is_object(uint8_t type)
{
    return (type >= 0x05 && type <= 0x08) || type == 0x0B || type == 0x0C || type == 0x0F ||
           type == 0x10;
}

bool tl__ace_is_callback(uint8_t type)
{
    return (type >= 0x09 && type <= 0x10);
}

bool tl__ace_has_app_data(uint8_t type)
{
    return tl__ace_is_callback(type) || type == TL__ACE_RESOURCE_ATTRIBUTE;
}

/*
 * Bytes Windows reserves in an ACL beyond an ACE's own size. Recorded on Windows (Samba
 * libcli/security/tests/data/oversize-acls.json): every ACE with an empty access mask makes
 * the ACL 4 bytes larger than the sum of its ACEs, and the ACL revision 4 (ACL_REVISION_DS):
 * "D:P(D;;;;;MP)" x2 -> AclSize 56 = 8 + 2*20 + 2*4, x11 -> 272 = 8 + 11*20 + 11*4, and one
 * "(A;OICI;;;;AU)" among seven ordinary ACEs -> 208 = 8 + 196 + 4. The spare bytes are zero
 * and follow the last ACE. A conditional (callback) ACE with an empty mask gets neither
 * (recorded: "D:(XA;;;;;WD;(@Device.bb == 0x7fffffffffffffff))" keeps revision 2 and its
 * exact size, conditional_aces.txt.json), nor does a resource attribute ACE (its mask is
 * always 0: "S:(RA;;;;;WD;(...))" is 8 + 64 bytes, same file). docs/sddl.md.
 */
size_t tl__ace_slack(const tl_ace *ace)
{
    return ace->mask == 0 && !tl__ace_has_app_data(ace->type) ? 4 : 0;
}

int tl__sd_acl_append(tl__acl *acl, const tl_ace *ace)
{
    if (acl->count >= TL_SD_MAX_ACES)
        return tl__error(TL_ELIMIT, "more than %u ACEs in one ACL", TL_SD_MAX_ACES);
    if (acl->count == acl->cap) {
        size_t ncap = acl->cap ? acl->cap * 2 : 8;
        tl_ace *n = tl__realloc(acl->aces, ncap * sizeof *n);
        if (!n)
            return tl__oom();
        acl->aces = n;
        acl->cap = ncap;
    }
    tl_ace copy = *ace;
    copy.condition = NULL;
    copy.app_data = NULL;
    if (ace->condition && !(copy.condition = tl__strdup(ace->condition)))
        return tl__oom();
    if (ace->app_data && ace->app_data_len) {
        uint8_t *d = tl__malloc(ace->app_data_len);
        if (!d) {
            tl__free((void *)copy.condition);
            return tl__oom();
        }
        memcpy(d, ace->app_data, ace->app_data_len);
        copy.app_data = d;
    } else {
        copy.app_data_len = 0;
    }
    acl->aces[acl->count++] = copy;
    acl->present = true;
    acl->null_acl = false;
    return TL_OK;
}

int tl_sd_copy(tl_sd **out, const tl_sd *sd)
{
    if (!out || !sd)
        return tl__error(TL_EINVAL, "tl_sd_copy: NULL argument");
    *out = NULL;
    tl_sd *n;
    int rc = tl_sd_new(&n);
    if (rc)
        return rc;
    n->control = sd->control;
    n->has_owner = sd->has_owner;
    n->has_group = sd->has_group;
    n->owner = sd->owner;
    n->group = sd->group;
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < sd->acl[k].count; i++)
            if ((rc = tl__sd_acl_append(&n->acl[k], &sd->acl[k].aces[i])) != TL_OK) {
                tl_sd_free(n);
                return rc;
            }
        n->acl[k].present = sd->acl[k].present;
        n->acl[k].null_acl = sd->acl[k].null_acl;
    }
    *out = n;
    return TL_OK;
}

/* ---- accessors ---------------------------------------------------------------------------- */

uint16_t tl_sd_control(const tl_sd *sd)
{
    if (!sd)
        return 0;
    uint16_t c = sd->control;
    if (sd->acl[TL_ACL_DACL].present)
        c |= TL_SD_DACL_PRESENT;
    if (sd->acl[TL_ACL_SACL].present)
        c |= TL_SD_SACL_PRESENT;
    return c;
}

int tl_sd_set_control(tl_sd *sd, uint16_t control)
{
    if (!sd)
        return tl__error(TL_EINVAL, "tl_sd_set_control: sd is NULL");
    sd->control =
        control & (uint16_t) ~(TL_SD_DACL_PRESENT | TL_SD_SACL_PRESENT | TL_SD_SELF_RELATIVE);
    return TL_OK;
}

const tl_sid *tl_sd_owner(const tl_sd *sd)
{
    return sd && sd->has_owner ? &sd->owner : NULL;
}

const tl_sid *tl_sd_group(const tl_sd *sd)
{
    return sd && sd->has_group ? &sd->group : NULL;
}

int tl_sd_set_owner(tl_sd *sd, const tl_sid *sid)
{
    if (!sd)
        return tl__error(TL_EINVAL, "tl_sd_set_owner: sd is NULL");
    sd->has_owner = sid != NULL;
    if (sid)
        sd->owner = *sid;
    return TL_OK;
}

int tl_sd_set_group(tl_sd *sd, const tl_sid *sid)
{
    if (!sd)
        return tl__error(TL_EINVAL, "tl_sd_set_group: sd is NULL");
    sd->has_group = sid != NULL;
    if (sid)
        sd->group = *sid;
    return TL_OK;
}

static bool kind_ok(tl_acl_kind which)
{
    return which == TL_ACL_DACL || which == TL_ACL_SACL;
}

bool tl_sd_acl_present(const tl_sd *sd, tl_acl_kind which)
{
    return sd && kind_ok(which) && sd->acl[which].present;
}

bool tl_sd_acl_is_null(const tl_sd *sd, tl_acl_kind which)
{
    return sd && kind_ok(which) && sd->acl[which].present && sd->acl[which].null_acl;
}

size_t tl_sd_ace_count(const tl_sd *sd, tl_acl_kind which)
{
    return sd && kind_ok(which) ? sd->acl[which].count : 0;
}

const tl_ace *tl_sd_ace_at(const tl_sd *sd, tl_acl_kind which, size_t index)
{
    if (!sd || !kind_ok(which) || index >= sd->acl[which].count)
        return NULL;
    return &sd->acl[which].aces[index];
}

int tl_sd_set_acl(tl_sd *sd, tl_acl_kind which, bool null)
{
    if (!sd || !kind_ok(which))
        return tl__error(TL_EINVAL, "tl_sd_set_acl: bad argument");
    acl_clear(&sd->acl[which]);
    sd->acl[which].present = true;
    sd->acl[which].null_acl = null;
    return TL_OK;
}

int tl_sd_remove_acl(tl_sd *sd, tl_acl_kind which)
{
    if (!sd || !kind_ok(which))
        return tl__error(TL_EINVAL, "tl_sd_remove_acl: bad argument");
    acl_clear(&sd->acl[which]);
    return TL_OK;
}

int tl_sd_add_ace(tl_sd *sd, tl_acl_kind which, const tl_ace *ace)
{
    if (!sd || !kind_ok(which) || !ace || !tl_sid_is_valid(&ace->sid))
        return tl__error(TL_EINVAL, "tl_sd_add_ace: bad argument");
    return tl__sd_acl_append(&sd->acl[which], ace);
}

/* ---- GUIDs -------------------------------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int tl_guid_from_string(tl_guid *out, const char *text, size_t len)
{
    /* Textual order of the 16 bytes; Data1..Data3 are stored little-endian. */
    static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    if (!out || !text)
        return tl__error(TL_EINVAL, "tl_guid_from_string: NULL argument");
    memset(out, 0, sizeof *out);
    if (len != 36)
        return tl__error_at(TL_EPARSE, 0, "a GUID is 36 characters (8-4-4-4-12 hex digits)");
    size_t pos = 0;
    for (int b = 0; b < 16; b++) {
        if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
            if (text[pos] != '-')
                return tl__error_at(TL_EPARSE, pos, "expected '-' in GUID");
            pos++;
        }
        int hi = hexval(text[pos]), lo = hexval(text[pos + 1]);
        if (hi < 0 || lo < 0)
            return tl__error_at(TL_EPARSE, hi < 0 ? pos : pos + 1, "bad hex digit in GUID");
        out->bytes[order[b]] = (uint8_t)(hi << 4 | lo);
        pos += 2;
    }
    return TL_OK;
}

int tl_guid_to_string(char *out, size_t out_size, const tl_guid *g)
{
    if (!out || !g)
        return tl__error(TL_EINVAL, "tl_guid_to_string: NULL argument");
    if (out_size < 37)
        return tl__error(TL_ERANGE, "tl_guid_to_string: buffer too small");
    /* Data1..Data3 little-endian, then Data4 in order; lower-case hex, no printf. */
    static const int order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[n++] = '-';
        uint8_t v = g->bytes[order[i]];
        out[n++] = hex[v >> 4];
        out[n++] = hex[v & 15];
    }
    out[n] = 0;
    return TL_OK;
}

/* ---- binary in ---------------------------------------------------------------------------- */

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool known_type(uint8_t t)
{
    return t <= 0x03 || (t >= 0x05 && t <= 0x0B) || t == 0x0D || t == 0x11 || t == 0x12 ||
           t == 0x13 || t == 0x14;
}

static int read_sid_at(tl_sid *out, const uint8_t *base, size_t len, size_t off, size_t end,
                       const char *what, size_t *consumed)
{
    if (off >= end || end > len)
        return tl__error_at(TL_EPARSE, off, "%s SID lies outside the buffer", what);
    size_t used = 0;
    int rc = tl_sid_from_binary(out, base + off, end - off, &used);
    if (rc) {
        const tl_error *e = tl_error_last();
        size_t at = e->offset == TL_NO_OFFSET ? off : off + e->offset;
        char msg[256]; /* the message lives in the error buffer being rewritten */
        snprintf(msg, sizeof msg, "%s", e->message);
        return tl__error_at(TL_EPARSE, at, "bad %s SID: %s", what, msg);
    }
    if (consumed)
        *consumed = used;
    return TL_OK;
}

static int read_acl(tl__acl *acl, const uint8_t *d, size_t len, size_t off, const char *name)
{
    if (off > len || len - off < 8)
        return tl__error_at(TL_EPARSE, off, "%s header lies outside the buffer", name);
    uint8_t rev = d[off];
    if (rev < 2 || rev > 4)
        return tl__error_at(TL_EPARSE, off, "%s revision %u (expected 2 or 4)", name, rev);
    size_t size = rd16(d + off + 2), count = rd16(d + off + 4);
    if (size < 8 || size > len - off)
        return tl__error_at(TL_EPARSE, off + 2, "%s size %zu exceeds the buffer", name, size);
    if (count > TL_SD_MAX_ACES)
        return tl__error_at(TL_ELIMIT, off + 4, "%s has %zu ACEs (limit %u)", name, count,
                            TL_SD_MAX_ACES);
    acl->present = true;
    acl->null_acl = false;
    size_t end = off + size, p = off + 8;
    for (size_t i = 0; i < count; i++) {
        if (end - p < 4)
            return tl__error_at(TL_EPARSE, p, "%s ACE %zu header lies outside the ACL", name, i);
        tl_ace ace;
        memset(&ace, 0, sizeof ace);
        ace.type = d[p];
        ace.flags = d[p + 1];
        size_t asize = rd16(d + p + 2);
        if (asize < 8 || asize > end - p)
            return tl__error_at(TL_EPARSE, p + 2, "%s ACE %zu size %zu is invalid", name, i, asize);
        if (!known_type(ace.type))
            return tl__error_at(TL_EPARSE, p, "%s ACE %zu has unsupported type 0x%02x", name, i,
                                ace.type);
        size_t aend = p + asize, q = p + 4;
        ace.mask = rd32(d + q);
        q += 4;
        if (tl__ace_is_object(ace.type)) {
            if (aend - q < 4)
                return tl__error_at(TL_EPARSE, q, "object ACE %zu is truncated", i);
            ace.object_flags = rd32(d + q);
            q += 4;
            if (ace.object_flags & TL_ACE_OBJECT_TYPE_PRESENT) {
                if (aend - q < 16)
                    return tl__error_at(TL_EPARSE, q, "object ACE %zu GUID is truncated", i);
                memcpy(ace.object_type.bytes, d + q, 16);
                q += 16;
            }
            if (ace.object_flags & TL_ACE_INHERITED_OBJECT_TYPE_PRESENT) {
                if (aend - q < 16)
                    return tl__error_at(TL_EPARSE, q, "object ACE %zu GUID is truncated", i);
                memcpy(ace.inherited_object_type.bytes, d + q, 16);
                q += 16;
            }
        }
        size_t used = 0;
        int rc = read_sid_at(&ace.sid, d, len, q, aend, "ACE", &used);
        if (rc)
            return rc;
        q += used;
        char *cond = NULL;
        if (tl__ace_has_app_data(ace.type) && q < aend) {
            ace.app_data = d + q;
            ace.app_data_len = aend - q;
            /* Render the expression (or resource attribute) as Windows prints it. Malformed
             * data (an "artx" expression that does not parse, a resource attribute whose
             * fields lie outside it) fails the read with the offset of the fault in this
             * buffer. Data that is well formed but has no SDDL form here (callback data
             * that is not "artx", a non-ASCII attribute string) stays raw: the read
             * succeeds, leaves no error behind, and only formatting it as SDDL fails. */
            bool ra = ace.type == TL__ACE_RESOURCE_ATTRIBUTE;
            int crc = ra ? tl__ra_render(&cond, ace.app_data, ace.app_data_len, NULL)
                         : tl__cond_render(&cond, ace.app_data, ace.app_data_len, NULL);
            if (crc == TL_OK) {
                ace.condition = cond;
            } else if (crc == TL_ENOMEM) {
                return crc;
            } else if (crc == TL_EPARSE || crc == TL_ELIMIT) {
                const tl_error *e = tl_error_last();
                size_t at = q + (e->offset == TL_NO_OFFSET ? 0 : e->offset);
                char msg[256]; /* the message lives in the error buffer being rewritten */
                snprintf(msg, sizeof msg, "%s", e->message);
                return tl__error_at(crc, at, "%s ACE %zu: %s", name, i, msg);
            } else {
                tl_error_clear();
            }
        }
        rc = tl__sd_acl_append(acl, &ace);
        tl__free(cond);
        if (rc)
            return rc;
        p = aend;
    }
    return TL_OK;
}

int tl_sd_from_binary(tl_sd **out, const void *data, size_t len)
{
    if (!out || (!data && len))
        return tl__error(TL_EINVAL, "tl_sd_from_binary: NULL argument");
    *out = NULL;
    const uint8_t *d = data;
    if (len < 20)
        return tl__error_at(TL_EPARSE, len, "a self-relative descriptor needs 20 header bytes");
    if (d[0] != 1)
        return tl__error_at(TL_EPARSE, 0, "descriptor revision %u (expected 1)", d[0]);
    uint16_t control = rd16(d + 2);
    if (!(control & TL_SD_SELF_RELATIVE))
        return tl__error_at(TL_EPARSE, 2,
                            "not a self-relative descriptor (SE_SELF_RELATIVE "
                            "missing in control 0x%04x)",
                            control);
    uint32_t o_owner = rd32(d + 4), o_group = rd32(d + 8), o_sacl = rd32(d + 12),
             o_dacl = rd32(d + 16);
    tl_sd *sd;
    int rc = tl_sd_new(&sd);
    if (rc)
        return rc;
    sd->control =
        control & (uint16_t) ~(TL_SD_DACL_PRESENT | TL_SD_SACL_PRESENT | TL_SD_SELF_RELATIVE);
    /* An offset pointing outside the buffer is reported at the header field holding it. */
    static const char *const part[4] = {"owner", "group", "SACL", "DACL"};
    const uint32_t offs[4] = {o_owner, o_group, o_sacl, o_dacl};
    for (int i = 0; i < 4; i++)
        if (offs[i] && (offs[i] < 20 || offs[i] >= len) &&
            (i < 2 || (control & (i == 2 ? TL_SD_SACL_PRESENT : TL_SD_DACL_PRESENT)))) {
            tl_sd_free(sd);
            return tl__error_at(TL_EPARSE, 4 + 4 * (size_t)i,
                                "%s offset %u lies outside the "
                                "%zu-byte buffer (or inside the header)",
                                part[i], offs[i], len);
        }
    if (o_owner) {
        if ((rc = read_sid_at(&sd->owner, d, len, o_owner, len, "owner", NULL)) != TL_OK)
            goto fail;
        sd->has_owner = true;
    }
    if (o_group) {
        if ((rc = read_sid_at(&sd->group, d, len, o_group, len, "group", NULL)) != TL_OK)
            goto fail;
        sd->has_group = true;
    }
    /* An ACL counts only with its PRESENT bit; present with offset 0 is a NULL ACL. */
    if (control & TL_SD_SACL_PRESENT) {
        sd->acl[TL_ACL_SACL].present = true;
        sd->acl[TL_ACL_SACL].null_acl = o_sacl == 0;
        if (o_sacl && (rc = read_acl(&sd->acl[TL_ACL_SACL], d, len, o_sacl, "SACL")) != TL_OK)
            goto fail;
    }
    if (control & TL_SD_DACL_PRESENT) {
        sd->acl[TL_ACL_DACL].present = true;
        sd->acl[TL_ACL_DACL].null_acl = o_dacl == 0;
        if (o_dacl && (rc = read_acl(&sd->acl[TL_ACL_DACL], d, len, o_dacl, "DACL")) != TL_OK)
            goto fail;
    }
    *out = sd;
    tl_error_clear(); /* success leaves no error behind (an undecodable condition stays raw) */
    return TL_OK;
fail:
    tl_sd_free(sd);
    return rc;
}

/* ---- binary out --------------------------------------------------------------------------- */

static size_t ace_size(const tl_ace *a, int *err)
{
    size_t n = 8 + tl_sid_binary_size(&a->sid);
    if (tl__ace_is_object(a->type)) {
        n += 4;
        if (a->object_flags & TL_ACE_OBJECT_TYPE_PRESENT)
            n += 16;
        if (a->object_flags & TL_ACE_INHERITED_OBJECT_TYPE_PRESENT)
            n += 16;
    }
    if (tl__ace_has_app_data(a->type)) {
        if (a->condition && !a->app_data_len)
            *err = 1;
        n += (a->app_data_len + 3) & ~(size_t)3;
    }
    return n;
}

static int acl_size(const tl__acl *acl, size_t *out, const char *name)
{
    size_t n = 8;
    for (size_t i = 0; i < acl->count; i++) {
        int err = 0;
        n += ace_size(&acl->aces[i], &err) + tl__ace_slack(&acl->aces[i]);
        if (err)
            return tl__error(TL_ENOTIMPL,
                             "%s ACE %zu: binary encoding of conditional "
                             "expressions is not implemented",
                             name, i);
    }
    if (n > TL_SD_MAX_ACL_BYTES)
        return tl__error(TL_ELIMIT, "%s would be %zu bytes; an ACL holds at most %u", name, n,
                         TL_SD_MAX_ACL_BYTES);
    *out = n;
    return TL_OK;
}

static void wr16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, v);
    wr16(p + 2, v >> 16);
}

static size_t write_acl(uint8_t *p, const tl__acl *acl, size_t size)
{
    bool ds = false;
    for (size_t i = 0; i < acl->count; i++)
        ds |= tl__ace_is_object(acl->aces[i].type) || tl__ace_slack(&acl->aces[i]) != 0;
    /* ACL_REVISION_DS (4) is required as soon as one object ACE is present; Windows also
     * writes 4 for an ACL holding an ACE with an empty access mask (tl__ace_slack). */
    p[0] = ds ? 4 : 2;
    p[1] = 0;
    wr16(p + 2, (uint32_t)size);
    wr16(p + 4, (uint32_t)acl->count);
    wr16(p + 6, 0);
    size_t q = 8;
    for (size_t i = 0; i < acl->count; i++) {
        const tl_ace *a = &acl->aces[i];
        int err = 0;
        size_t as = ace_size(a, &err);
        p[q] = a->type;
        p[q + 1] = a->flags;
        wr16(p + q + 2, (uint32_t)as);
        wr32(p + q + 4, a->mask);
        size_t r = q + 8;
        if (tl__ace_is_object(a->type)) {
            wr32(p + r, a->object_flags);
            r += 4;
            if (a->object_flags & TL_ACE_OBJECT_TYPE_PRESENT) {
                memcpy(p + r, a->object_type.bytes, 16);
                r += 16;
            }
            if (a->object_flags & TL_ACE_INHERITED_OBJECT_TYPE_PRESENT) {
                memcpy(p + r, a->inherited_object_type.bytes, 16);
                r += 16;
            }
        }
        size_t w = 0;
        tl_sid_to_binary(p + r, TL_SID_MAX_BINARY, &a->sid, &w);
        r += w;
        if (a->app_data_len) {
            memcpy(p + r, a->app_data, a->app_data_len);
            r += a->app_data_len;
        }
        q += as; /* padding bytes stay zero (buffer is calloc'd) */
    }
    return size;
}

int tl_sd_to_binary(uint8_t **out, size_t *len, const tl_sd *sd)
{
    if (!out || !len || !sd)
        return tl__error(TL_EINVAL, "tl_sd_to_binary: NULL argument");
    *out = NULL;
    *len = 0;
    const tl__acl *sacl = &sd->acl[TL_ACL_SACL], *dacl = &sd->acl[TL_ACL_DACL];
    size_t ssize = 0, dsize = 0;
    int rc;
    if (sacl->present && !sacl->null_acl && (rc = acl_size(sacl, &ssize, "SACL")) != TL_OK)
        return rc;
    if (dacl->present && !dacl->null_acl && (rc = acl_size(dacl, &dsize, "DACL")) != TL_OK)
        return rc;
    size_t osize = sd->has_owner ? tl_sid_binary_size(&sd->owner) : 0;
    size_t gsize = sd->has_group ? tl_sid_binary_size(&sd->group) : 0;
    size_t total = 20 + ssize + dsize + osize + gsize;
    uint8_t *b = tl__calloc(1, total);
    if (!b)
        return tl__oom();
    b[0] = 1;
    wr16(b + 2, (uint32_t)(tl_sd_control(sd) | TL_SD_SELF_RELATIVE));
    /* Windows' RtlAbsoluteToSelfRelativeSD order: SACL, DACL, owner, group. */
    size_t p = 20;
    if (ssize) {
        wr32(b + 12, (uint32_t)p);
        p += write_acl(b + p, sacl, ssize);
    }
    if (dsize) {
        wr32(b + 16, (uint32_t)p);
        p += write_acl(b + p, dacl, dsize);
    }
    if (osize) {
        wr32(b + 4, (uint32_t)p);
        tl_sid_to_binary(b + p, osize, &sd->owner, NULL);
        p += osize;
    }
    if (gsize) {
        wr32(b + 8, (uint32_t)p);
        tl_sid_to_binary(b + p, gsize, &sd->group, NULL);
        p += gsize;
    }
    *out = b;
    *len = total;
    return TL_OK;
}
