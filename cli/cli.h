/* Shared plumbing for the tokenlens subcommands: option parsing, error reporting, JSON. */
#ifndef TL_CLI_H
#define TL_CLI_H
#include "tokenlens.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

/* printf-style checking; MinGW builds with __USE_MINGW_ANSI_STDIO take %zu (gnu_printf). */
#if defined(__MINGW32__)
#define CLI_PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#else
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#endif

/* Exit statuses (PRODUCT.md contract). */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2, CLI_UNSUPPORTED = 3 };

/* One option of a subcommand. `value` options take an argument (--name VALUE or
 * --name=VALUE); `repeat` collects every occurrence. */
typedef struct cli_opt {
    const char *name; /* long name without dashes, e.g. "json" */
    char short_name;  /* 0 for none */
    int takes_value;
    int repeat;
    /* filled by cli_parse: */
    int seen;
    const char *value;   /* last value */
    const char **values; /* all values when repeat (malloc'd, free with cli_opts_free) */
    int nvalues;
} cli_opt;

/* Parse argv[1..] of a subcommand. Positional arguments go to pos[] (at most max_pos; more is
 * a usage error). Returns CLI_OK, or CLI_USAGE after printing what is wrong. --help/-h sets
 * *help (and is not an error). */
int cli_parse(const char *cmd, int argc, char **argv, cli_opt *opts, const char **pos, int max_pos,
              int *npos, int *help);
void cli_opts_free(cli_opt *opts);
cli_opt *cli_find(cli_opt *opts, const char *name);

/* Initialisers for an options array: a flag, an option with a value, a repeatable option
 * with a value, and the terminator. */
#define CLI_FLAG(name, short_name)                                                                 \
    {                                                                                              \
        (name), (short_name), 0, 0, 0, NULL, NULL, 0                                               \
    }
#define CLI_VALUE(name)                                                                            \
    {                                                                                              \
        (name), 0, 1, 0, 0, NULL, NULL, 0                                                          \
    }
#define CLI_REPEAT(name)                                                                           \
    {                                                                                              \
        (name), 0, 1, 1, 0, NULL, NULL, 0                                                          \
    }
#define CLI_END                                                                                    \
    {                                                                                              \
        NULL, 0, 0, 0, 0, NULL, NULL, 0                                                            \
    }

/* Room for an account name in messages and output ("DOMAIN\\user", a typed name quoted). */
#define CLI_NAME_MAX 512
/* Room for the attribute flags of a group or privilege as text (tl_*_attributes_string). */
#define CLI_FLAGS_MAX 256

/* Most positional arguments any command takes (cli_command::max_pos). */
#define CLI_MAX_POS 8

/* One subcommand: the preamble every command shares (parse argv into `opts`, print the help
 * on --help/-h, free the options afterwards) lives in cli_run; `run` sees parsed options and
 * the positional arguments only. */
typedef struct cli_command {
    const char *name;   /* as typed: "sid" */
    void (*help)(void); /* prints the --help text to stdout */
    int max_pos;        /* positional arguments allowed (<= CLI_MAX_POS) */
    int (*run)(cli_opt *opts, const char **pos, int npos);
} cli_command;

/* Parse argv (argv[0] = subcommand) into opts (a CLI_END-terminated array), then print the
 * help or call cmd->run; frees the options' values before returning run's exit status. */
int cli_run(const cli_command *cmd, cli_opt *opts, int argc, char **argv);

/* Usage error: prints "tokenlens CMD: MESSAGE" and a hint, returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) CLI_PRINTF(2, 3);
/* Report tl_error_last() for a failed library call: prints "tokenlens CMD: error: ..." with
 * the byte offset / path / native code when known. Returns the exit status for `rc`
 * (3 for TL_ENOTSUP, the platform limit; 1 otherwise, TL_ENOTIMPL included, whose message
 * then says "not implemented"). `what` (may be NULL) names the input. */
int cli_fail(const char *cmd, int rc, const char *what);

/* Print a JSON value to stdout (2-space indent, key order preserved) and a newline;
 * takes ownership of `v`. Returns CLI_OK, or CLI_FAILED when v is NULL (out of memory). */
int cli_print_json(json_t *v);
/* JSON for an identity {"name": …, "sid": …} from optional name and SID (NULL -> null). */
json_t *cli_json_identity(const char *name, const tl_sid *sid);

/* Text output (cli_out.c). Use these, never printf/fputs: they escape control characters,
 * DEL, C1 controls, bidi overrides and bytes that are not UTF-8 (as \xHH / \uHHHH) so that
 * names from hostile input cannot drive the terminal, and cap each stderr message (one call)
 * at CLI_STDERR_MAX bytes of text: a longer one shows its first bytes and its last
 * CLI_STDERR_TAIL bytes around "... [N bytes not shown] ...". */
#define CLI_STDERR_MAX 2048
#define CLI_STDERR_TAIL 256
int cli_printf(const char *fmt, ...) CLI_PRINTF(1, 2);
int cli_fprintf(FILE *f, const char *fmt, ...) CLI_PRINTF(2, 3);
int cli_vfprintf(FILE *f, const char *fmt, va_list ap) CLI_PRINTF(2, 0);
int cli_fputs(const char *s, FILE *f);
int cli_fputc(int c, FILE *f);
int cli_putchar(int c);
/* An argument as echoed in a message: s itself when it has at most CLI_ECHO_MAX bytes, else
 * its first CLI_ECHO_MAX bytes (cut between characters) and "... (N bytes)", written to buf. */
#define CLI_ECHO_MAX 200
#define CLI_EXCERPT_SIZE (CLI_ECHO_MAX + 32)
const char *cli_excerpt(char buf[CLI_EXCERPT_SIZE], const char *s);
/* A name given as --OPTION VALUE (a computer, domain, account or SPN; NULL: not given) checked
 * with tl_name_check before it reaches a scenario: CLI_OK, or a usage error (exit 2) naming
 * the option. An SPN option also takes "local". */
int cli_name_option(const char *cmd, const char *option, tl_name_kind kind, const char *value);

/* Subcommands. Each receives argv with argv[0] = subcommand name. */
int cmd_sid(int argc, char **argv);
int cmd_sddl(int argc, char **argv);
int cmd_access(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_iis(int argc, char **argv);
int cmd_whoami(int argc, char **argv);
int cmd_probe(int argc, char **argv);
/* Entry `index` (0-based) of an icacls output or /save file as a descriptor (cli_icacls.c).
 * CLI_OK, or the exit status after printing why. */
int cli_icacls_sd(tl_sd **out, const char *cmd, const char *path, size_t index, const tl_sid *dom);
/* All of `path` (at most `max` bytes; '-' is stdin when allow_stdin) through tl_input_read
 * (cli_input.c); *out is freed with tl_free. On failure the error is printed: CLI_FAILED. */
int cli_read_input(char **out, size_t *len, const char *cmd, const char *path, size_t max,
                   int allow_stdin);
/* --domain-sid VALUE as a domain SID in *out (sddl, access): CLI_OK, or a usage error that
 * says why the value cannot be used. */
int cli_domain_sid(const char *cmd, const char *value, tl_sid *out);
int cmd_webconfig(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_ad(int argc, char **argv);
/* A --server/--ad value as a DC host name in buf, or NULL after a usage error (cmd_ad.c). */
const char *cli_ad_server(const char *cmd, const char *in, char *buf, size_t size);
/* explain SCENARIO --ad SERVER (cmd_explain_ad.c); server NULL: DNS discovery. */
int cmd_explain_ad(const char *path, const char *server, int json, int dot);
/* explain --token FILE --target SPN... (cmd_explain_ad.c) */
int cmd_explain_token(const char *path, const char **targets, int ntargets, const char *machine,
                      const char *domain, const char *server, int use_ad, int json, int dot);
#endif
