/* Text output of the CLI. Every byte the CLI writes to a terminal goes through here, so that a
 * name read from a hostile file (a token snapshot, a config, a whoami transcript) or typed as an
 * argument cannot move the cursor, clear the screen or set the window title: C0 controls other
 * than newline and tab, DEL, the C1 controls (U+0080-U+009F, which some terminals obey as
 * escape sequences) and the Unicode bidirectional overrides (U+202A-U+202E, U+2066-U+2069,
 * which reorder what is shown) are written as \xHH or \uHHHH instead. Text on stderr is capped
 * per message, so a 100 KB argument echoed in an error costs one line, not 100 KB. */
#include "cli.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Length of the escape-worthy sequence at s (n bytes left), or 0 when s[0] prints as is. */
static size_t unsafe_len(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned char c = s[0];
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
        *cp = c;
        return 1;
    }
    if (c == 0xc2 && n >= 2 && s[1] >= 0x80 && s[1] <= 0x9f) {
        *cp = s[1];
        return 2;
    }
    if (c == 0xe2 && n >= 3) {
        if (s[1] == 0x80 && s[2] >= 0xaa && s[2] <= 0xae) {
            *cp = 0x2000u + (s[2] - 0x80u);
            return 3;
        }
        if (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9) {
            *cp = 0x2040u + (s[2] - 0x80u);
            return 3;
        }
    }
    return 0;
}

/* Write n bytes of s to f with the unsafe sequences escaped; at most cap bytes of s are shown
 * (cap 0: no limit). */
static int write_safe(FILE *f, const char *s, size_t n, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t shown = cap && n > cap ? cap : n;
    size_t i = 0, run = 0;
    int bad = 0;
    while (i < shown) {
        unsigned cp = 0;
        size_t k = unsafe_len(p + i, shown - i, &cp);
        if (!k) {
            i++;
            continue;
        }
        if (i > run)
            bad |= fwrite(p + run, 1, i - run, f) != i - run;
        if (cp < 0x80)
            bad |= fprintf(f, "\\x%02x", cp) < 0;
        else
            bad |= fprintf(f, "\\u%04x", cp) < 0;
        i += k;
        run = i;
    }
    if (i > run)
        bad |= fwrite(p + run, 1, i - run, f) != i - run;
    if (shown < n)
        bad |= fprintf(f, "... [%zu more bytes not shown]", n - shown) < 0;
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
    char ch = (char)c;
    return write_safe(f, &ch, 1, 0) ? EOF : (unsigned char)c;
}

int cli_putchar(int c)
{
    return cli_fputc(c, stdout);
}
