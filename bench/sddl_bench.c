/*
 * SDDL parse+format and access-check throughput of the C library, over bench/sddl_inputs.txt
 * (the inputs bench/sddl_bench.py gives Samba). Prints one line per measurement.
 *   sddl_bench [--quick] [inputs-file]
 *   sddl_bench --loop KIND N [inputs-file]   KIND: check, quiet, sddl, sid
 * --quick runs a few iterations only (CTest smoke run, label bench). --loop runs exactly N
 * rounds over the inputs of one operation and prints nothing else, for instruction counts:
 * run it under `valgrind --tool=callgrind` with two values of N and divide the difference
 * in instructions by the difference in operations (bench/instr_count.sh does that).
 */
#include "tokenlens.h"
#include "internal.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int loop(const char *kind, long rounds, const char **lines, size_t n)
{
    tl_sd *sds[64];
    for (size_t i = 0; i < n; i++)
        if (tl_sd_from_sddl(&sds[i], lines[i], NULL))
            return 1;
    tl_sid sids[3];
    tl_sid_from_string(&sids[0], "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415");
    tl_sid_from_string(&sids[1], "S-1-1-0");
    tl_sid_from_string(&sids[2], "S-1-5-32-545");
    tl_token *tok;
    tl_access_token_from_sids(&tok, sids, 3);
    tl_access_options o = TL_ACCESS_OPTIONS_INIT;
    if (strcmp(kind, "quiet") == 0)
        o.flags = TL_ACCESS_NO_REASONS;
    unsigned long sink = 0;
    char buf[TL_SID_STRING_MAX];
    int mode = strcmp(kind, "sddl") == 0 ? 1 : strcmp(kind, "sid") == 0 ? 2 : 0;
    for (long k = 0; k < rounds; k++)
        for (size_t i = 0; i < n; i++) {
            if (mode == 1) {
                tl_sd *sd;
                char *out;
                if (tl_sd_from_sddl(&sd, lines[i], NULL) || tl_sd_to_sddl(&out, sd, NULL))
                    return 1;
                sink += strlen(out);
                tl_free(out);
                tl_sd_free(sd);
            } else if (mode == 2) {
                tl_sid_to_string(buf, sizeof buf, &sids[i % 3]);
                sink += (unsigned char)buf[4];
            } else {
                tl_access_result *r;
                if (tl_access_check(&r, sds[i], tok, TL_FILE_GENERIC_READ, &o) == TL_OK)
                    sink += tl_access_result_allowed(r) + tl_access_result_reason_count(r);
                tl_access_result_free(r);
            }
        }
    for (size_t i = 0; i < n; i++)
        tl_sd_free(sds[i]);
    tl_token_free(tok);
    return sink == 0xFFFFFFFFul; /* keep the work */
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    int looping = argc > 3 && strcmp(argv[1], "--loop") == 0;
    /* Default: sddl_inputs.txt next to this source file (CMake passes absolute paths). */
    char def[4096];
    snprintf(def, sizeof def, "%s", __FILE__);
    char *slash = strrchr(def, '/');
    snprintf(slash ? slash + 1 : def, sizeof def - (size_t)(slash ? slash + 1 - def : 0),
             "sddl_inputs.txt");
    const char *path = looping            ? (argc > 4 ? argv[4] : def)
                       : argc > 1 + quick ? argv[1 + quick]
                                          : def;
    char *text;
    size_t len;
    if (tl__read_file(&text, &len, path, 1u << 20) != TL_OK) {
        fprintf(stderr, "sddl_bench: %s\n", tl_error_last()->message);
        return 1;
    }
    const char *lines[64];
    size_t n = 0;
    for (char *p = strtok(text, "\n"); p && n < 64; p = strtok(NULL, "\n"))
        lines[n++] = p;
    if (looping) {
        int rc = loop(argv[2], strtol(argv[3], NULL, 10), lines, n);
        tl_free(text);
        return rc;
    }
    long iters = quick ? 10 : 20000;
    tl_sd *sds[64];
    double t0 = now();
    for (long k = 0; k < iters; k++)
        for (size_t i = 0; i < n; i++) {
            tl_sd *sd;
            char *out;
            if (tl_sd_from_sddl(&sd, lines[i], NULL) || tl_sd_to_sddl(&out, sd, NULL)) {
                fprintf(stderr, "sddl_bench: line %zu: %s\n", i + 1, tl_error_last()->message);
                return 1;
            }
            tl_free(out);
            tl_sd_free(sd);
        }
    double t1 = now();
    printf("c parse+format: %.0f descriptors/s (%ld x %zu)\n", iters * n / (t1 - t0), iters, n);
    for (size_t i = 0; i < n; i++)
        tl_sd_from_sddl(&sds[i], lines[i], NULL);
    tl_sid sids[3];
    tl_sid_from_string(&sids[0], "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415");
    tl_sid_from_string(&sids[1], "S-1-1-0");
    tl_sid_from_string(&sids[2], "S-1-5-32-545");
    tl_token *tok;
    tl_access_token_from_sids(&tok, sids, 3);
    t0 = now();
    unsigned long allowed = 0;
    for (long k = 0; k < iters * 5; k++)
        for (size_t i = 0; i < n; i++) {
            tl_access_result *r;
            if (tl_access_check(&r, sds[i], tok, TL_FILE_GENERIC_READ, NULL) == TL_OK)
                allowed += tl_access_result_allowed(r);
            tl_access_result_free(r);
        }
    t1 = now();
    printf("c access check: %.0f checks/s (%ld x %zu, %lu allowed)\n", iters * 5 * n / (t1 - t0),
           iters * 5, n, allowed);
    tl_access_options quiet = TL_ACCESS_OPTIONS_INIT;
    quiet.flags = TL_ACCESS_NO_REASONS;
    t0 = now();
    for (long k = 0; k < iters * 5; k++)
        for (size_t i = 0; i < n; i++) {
            tl_access_result *r;
            if (tl_access_check(&r, sds[i], tok, TL_FILE_GENERIC_READ, &quiet) == TL_OK)
                allowed += tl_access_result_allowed(r);
            tl_access_result_free(r);
        }
    t1 = now();
    printf("c access check, TL_ACCESS_NO_REASONS: %.0f checks/s\n", iters * 5 * n / (t1 - t0));
    for (size_t i = 0; i < n; i++)
        tl_sd_free(sds[i]);
    tl_token_free(tok);
    tl_free(text);
    return 0;
}
