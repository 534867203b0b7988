/* Text output of the CLI. Every byte the CLI writes to a terminal goes through here, so that a
 * name read from a hostile file (a token snapshot, a config, a whoami transcript) or typed as an
 * argument cannot move the cursor, clear the screen or set the window title: C0 controls other
 * than newline and tab, DEL, the C1 controls (U+0080-U+009F, which some terminals obey as
 * escape sequences) and the Unicode bidirectional overrides (U+202A-U+202E, U+2066-U+2069,
 * which reorder what is shown) are written as \xHH or \uHHHH instead, and so is every byte
 * that is not well-formed UTF-8. Text on stderr is capped per message (CLI_STDERR_MAX bytes:
 * its start and its end, cut between characters), so a 100 KB argument echoed in an error
 * costs one line, not 100 KB. */
#include "cli.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Length of a well-formed UTF-8 sequence of two or more bytes at s (n bytes left; no overlong
 * forms, no surrogates, at most U+10FFFF) with its code point in *cp, or 0. */
static size_t utf8_len(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0], need, min;
    if (c >= 0xc2 && c <= 0xdf)
        need = 1, min = 0x80, c &= 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        need = 2, min = 0x800, c &= 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 3, min = 0x10000, c &= 0x07;
    else
        return 0;
    if (n < need + 1)
        return 0;
    for (unsigned k = 1; k <= need; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (s[k] & 0x3fu);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return need + 1;
}

/* Length of the sequence at s (n bytes left) and whether it must be escaped (*cp is then the
 * byte or code point to show). Escaped: C0 controls but newline and tab, DEL, C1 controls
 * (U+0080-U+009F), the bidi embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069), and every byte that is not part of well-formed UTF-8 (a terminal in an
 * 8-bit mode obeys a lone 0x9b as CSI). */
static size_t next_seq(const unsigned char *s, size_t n, unsigned *cp, int *escape)
{
    unsigned c = s[0];
    *cp = c;
    if (c < 0x80) {
        *escape = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
        return 1;
    }
    size_t k = utf8_len(s, n, cp);
    if (!k) {
        *cp = c; /* not UTF-8: the byte itself, as \xHH */
        *escape = 2;
        return 1;
    }
    *escape = (*cp >= 0x80 && *cp <= 0x9f) || (*cp >= 0x202a && *cp <= 0x202e) ||
              (*cp >= 0x2066 && *cp <= 0x2069);
    return k;
}

/* Write n bytes of s to f with the unsafe sequences escaped. */
static int write_escaped(FILE *f, const unsigned char *p, size_t n)
{
    size_t i = 0, run = 0;
    int bad = 0;
    while (i < n) {
        unsigned cp = 0;
        int esc = 0;
        size_t k = next_seq(p + i, n - i, &cp, &esc);
        if (!esc) {
            i += k;
            continue;
        }
        if (i > run)
            bad |= fwrite(p + run, 1, i - run, f) != i - run;
        if (esc == 2 || cp < 0x80)
            bad |= fprintf(f, "\\x%02x", cp) < 0;
        else
            bad |= fprintf(f, "\\u%04x", cp) < 0;
        i += k;
        run = i;
    }
    if (i > run)
        bad |= fwrite(p + run, 1, i - run, f) != i - run;
    return bad;
}

/* i moved back (at most 3 bytes) to the start of a UTF-8 character, so that a cut never splits
 * one: the piece before i and the piece from i are each whole characters. */
static size_t char_start(const unsigned char *p, size_t i)
{
    for (int k = 0; k < 3 && i > 0 && (p[i] & 0xc0) == 0x80; k++)
        i--;
    return i;
}

/* Write n bytes of s to f escaped. With a cap (non-zero) and more than cap bytes, only the
 * first and the last part of the message are shown, each cut on a character boundary, around
 * "... [N bytes not shown] ...": what the message says after a long echoed value (and its
 * newline) stays readable. */
static int write_safe(FILE *f, const char *s, size_t n, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!cap || n <= cap)
        return write_escaped(f, p, n) ? EOF : 0;
    size_t head = char_start(p, cap - CLI_STDERR_TAIL);
    size_t tail = char_start(p, n - CLI_STDERR_TAIL);
    int bad = write_escaped(f, p, head);
    bad |= fprintf(f, "... [%zu bytes not shown] ...", tail - head) < 0;
    bad |= write_escaped(f, p + tail, n - tail);
    return bad ? EOF : 0;
}

static size_t cap_for(FILE *f)
{
    return f == stderr ? CLI_STDERR_MAX : 0;
}

int cli_vfprintf(FILE *f, const char *fmt, va_list ap)
{
    char small[1024];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    if (n < 0)
        return n;
    if ((size_t)n < sizeof small)
        return write_safe(f, small, (size_t)n, cap_for(f)) ? EOF : n;
    char *big = malloc((size_t)n + 1);
    if (!big)
        return EOF;
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    int rc = write_safe(f, big, (size_t)n, cap_for(f));
    free(big);
    return rc ? EOF : n;
}

int cli_fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = cli_vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int cli_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = cli_vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int cli_fputs(const char *s, FILE *f)
{
    return write_safe(f, s, strlen(s), cap_for(f));
}

int cli_fputc(int c, FILE *f)
{
    unsigned char ch = (unsigned char)c;
    return write_escaped(f, &ch, 1) ? EOF : ch;
}

int cli_putchar(int c)
{
    return cli_fputc(c, stdout);
}

const char *cli_excerpt(char buf[CLI_EXCERPT_SIZE], const char *s)
{
    size_t n = strlen(s);
    if (n <= CLI_ECHO_MAX)
        return s;
    size_t keep = char_start((const unsigned char *)s, CLI_ECHO_MAX);
    snprintf(buf, CLI_EXCERPT_SIZE, "%.*s... (%zu bytes)", (int)keep, s, n);
    return buf;
}
