/* Conditional ACE byte codes and their names (MS-DTYP 2.4.4.17); see cond.h. */
#include "cond.h"
#include "internal.h"
#include <string.h>

typedef struct op_name {
    uint8_t code;
    int arity;
    const char *name; /* as Windows prints it */
} op_name;

static const op_name ops[] = {
    {TL_COND_EQ, 2, "=="},
    {TL_COND_NE, 2, "!="},
    {TL_COND_LT, 2, "<"},
    {TL_COND_LE, 2, "<="},
    {TL_COND_GT, 2, ">"},
    {TL_COND_GE, 2, ">="},
    {TL_COND_CONTAINS, 2, "Contains"},
    {TL_COND_ANY_OF, 2, "Any_of"},
    {TL_COND_NOT_CONTAINS, 2, "Not_Contains"},
    {TL_COND_NOT_ANY_OF, 2, "Not_Any_of"},
    {TL_COND_EXISTS, 1, "Exists"},
    {TL_COND_NOT_EXISTS, 1, "Not_Exists"},
    {TL_COND_MEMBER_OF, 1, "Member_of"},
    {TL_COND_DEVICE_MEMBER_OF, 1, "Device_Member_of"},
    {TL_COND_MEMBER_OF_ANY, 1, "Member_of_any"},
    {TL_COND_DEVICE_MEMBER_OF_ANY, 1, "Device_Member_of_any"},
    {TL_COND_NOT_MEMBER_OF, 1, "Not_Member_of"},
    {TL_COND_NOT_DEVICE_MEMBER_OF, 1, "Not_Device_Member_of"},
    {TL_COND_NOT_MEMBER_OF_ANY, 1, "Not_Member_of_any"},
    {TL_COND_NOT_DEVICE_MEMBER_OF_ANY, 1, "Not_Device_Member_of_any"},
    {TL_COND_AND, 2, "&&"},
    {TL_COND_OR, 2, "||"},
    {TL_COND_NOT, 1, "!"},
};
#define N_OPS (sizeof ops / sizeof ops[0])

int tl__cond_arity(uint8_t code)
{
    switch (code) {
    case TL_COND_INT8:
    case TL_COND_INT16:
    case TL_COND_INT32:
    case TL_COND_INT64:
    case TL_COND_STRING:
    case TL_COND_OCTETS:
    case TL_COND_COMPOSITE:
    case TL_COND_SID:
    case TL_COND_LOCAL:
    case TL_COND_USER:
    case TL_COND_RESOURCE:
    case TL_COND_DEVICE:
        return 0;
    default:
        break;
    }
    for (size_t i = 0; i < N_OPS; i++)
        if (ops[i].code == code)
            return ops[i].arity;
    return -1;
}

const char *tl__cond_op_name(uint8_t code)
{
    for (size_t i = 0; i < N_OPS; i++)
        if (ops[i].code == code)
            return ops[i].name;
    return NULL;
}

uint8_t tl__cond_op_code(const char *name, size_t len, bool unary)
{
    for (size_t i = 0; i < N_OPS; i++) {
        const op_name *o = &ops[i];
        if (o->code == TL_COND_AND || o->code == TL_COND_OR || o->code == TL_COND_NOT)
            continue;
        if ((o->arity == 1) != unary || strlen(o->name) != len)
            continue;
        if (tl__strncasecmp(o->name, name, len) == 0)
            return o->code;
    }
    return 0;
}

size_t tl__cond_operand_size(const uint8_t *d, size_t n, size_t p)
{
    if (p >= n)
        return 0;
    switch (d[p]) {
    case TL_COND_INT8:
    case TL_COND_INT16:
    case TL_COND_INT32:
    case TL_COND_INT64:
        return n - p >= 11 ? 11 : 0; /* code, 8 value bytes, sign, base */
    case TL_COND_STRING:
    case TL_COND_OCTETS:
    case TL_COND_COMPOSITE:
    case TL_COND_SID:
    case TL_COND_LOCAL:
    case TL_COND_USER:
    case TL_COND_RESOURCE:
    case TL_COND_DEVICE: {
        if (n - p < 5)
            return 0;
        uint32_t l = tl__cond_u32(d + p + 1);
        return l <= n - p - 5 ? (size_t)l + 5 : 0;
    }
    default:
        return 0;
    }
}
