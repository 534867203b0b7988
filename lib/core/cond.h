/*
 * Conditional ACE byte codes (MS-DTYP 2.4.4.17.4 - 2.4.4.17.8), shared by the SDDL compiler and
 * renderer (sddl_cond.c) and the access check (access.c), so the opcodes live in one place.
 */
#ifndef TL_COND_H
#define TL_COND_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    /* operands */
    TL_COND_INT8 = 0x01,
    TL_COND_INT16 = 0x02,
    TL_COND_INT32 = 0x03,
    TL_COND_INT64 = 0x04,
    TL_COND_STRING = 0x10,
    TL_COND_OCTETS = 0x18,
    TL_COND_COMPOSITE = 0x50,
    TL_COND_SID = 0x51,
    TL_COND_LOCAL = 0xf8,
    TL_COND_USER = 0xf9,
    TL_COND_RESOURCE = 0xfa,
    TL_COND_DEVICE = 0xfb,
    /* relational (binary) */
    TL_COND_EQ = 0x80,
    TL_COND_NE = 0x81,
    TL_COND_LT = 0x82,
    TL_COND_LE = 0x83,
    TL_COND_GT = 0x84,
    TL_COND_GE = 0x85,
    TL_COND_CONTAINS = 0x86,
    TL_COND_ANY_OF = 0x88,
    TL_COND_NOT_CONTAINS = 0x8e,
    TL_COND_NOT_ANY_OF = 0x8f,
    /* unary */
    TL_COND_EXISTS = 0x87,
    TL_COND_MEMBER_OF = 0x89,
    TL_COND_DEVICE_MEMBER_OF = 0x8a,
    TL_COND_MEMBER_OF_ANY = 0x8b,
    TL_COND_DEVICE_MEMBER_OF_ANY = 0x8c,
    TL_COND_NOT_EXISTS = 0x8d,
    TL_COND_NOT_MEMBER_OF = 0x90,
    TL_COND_NOT_DEVICE_MEMBER_OF = 0x91,
    TL_COND_NOT_MEMBER_OF_ANY = 0x92,
    TL_COND_NOT_DEVICE_MEMBER_OF_ANY = 0x93,
    /* logical */
    TL_COND_AND = 0xa0,
    TL_COND_OR = 0xa1,
    TL_COND_NOT = 0xa2
};

/* Integer tokens: sign byte (1 '+', 2 '-', 3 none) and base byte (1 octal, 2 decimal, 3 hex). */
enum { TL_COND_SIGN_PLUS = 1, TL_COND_SIGN_MINUS = 2, TL_COND_SIGN_NONE = 3 };
enum { TL_COND_BASE_8 = 1, TL_COND_BASE_10 = 2, TL_COND_BASE_16 = 3 };

/* 0 for an operand token, 1 for a unary operator, 2 for a binary one, -1 when unknown. */
int tl__cond_arity(uint8_t code);
/* The name Windows prints for an operator ("==", "Member_of_any", "&&", ...), or NULL. */
const char *tl__cond_op_name(uint8_t code);
/* Operator code for a name as typed (case-insensitive, exact length), or 0. `unary` picks the
 * membership/Exists table, else the relational one. */
uint8_t tl__cond_op_code(const char *name, size_t len, bool unary);
/* Bytes taken by the operand token at d[p] (code byte included), 0 when truncated or when
 * d[p] is not an operand. */
size_t tl__cond_operand_size(const uint8_t *d, size_t n, size_t p);
/* Little-endian 32-bit read. */
static inline uint32_t tl__cond_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
#endif
