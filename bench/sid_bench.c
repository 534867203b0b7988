/*
 * SID to string: tl_sid_to_string against Samba's dom_sid_str_buf (libsamba-security from
 * Debian's samba-libs, loaded with dlopen), same SIDs, interleaved rounds, best of each.
 *   sid_bench [--quick] [path/to/libsamba-security-samba4.so.0]
 * Samba's struct dom_sid has tl_sid's layout (revision, count, 6 authority bytes, 15
 * sub-authorities), so the same bytes go to both. Without the library only tokenlens runs.
 */
#include "tokenlens.h"
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

typedef char *(*dom_sid_str_buf_fn)(const void *sid, void *buf);

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    const char *lib = argc > 1 + quick ? argv[1 + quick]
                                       : "/usr/lib/x86_64-linux-gnu/samba/"
                                         "libsamba-security-samba4.so.0";
    static const char *const texts[] = {
        "S-1-5-18",
        "S-1-1-0",
        "S-1-5-32-544",
        "S-1-5-21-1004336348-1177238915-682003330-512",
        "S-1-5-82-3006700770-424185619-1745488364-794895919-4004696415",
        "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
        "S-1-16-12288",
        "S-1-5-21-3623811015-3361044348-30300820-1013"};
    enum { N = sizeof texts / sizeof texts[0] };
    tl_sid sids[N];
    for (int i = 0; i < N; i++)
        if (tl_sid_from_string(&sids[i], texts[i]))
            return 1;
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    dom_sid_str_buf_fn samba = h ? (dom_sid_str_buf_fn)dlsym(h, "dom_sid_str_buf") : NULL;
    if (!samba)
        printf("# %s: %s (tokenlens only)\n", lib, dlerror());
    char buf[TL_SID_STRING_MAX], sbuf[256];
    for (int i = 0; i < N && samba; i++) {
        tl_sid_to_string(buf, sizeof buf, &sids[i]);
        if (strcmp(buf, samba(&sids[i], sbuf)) != 0)
            printf("# differs: tokenlens %s, samba %s\n", buf, sbuf);
    }
    long iters = quick ? 1000 : 2000000;
    double best_tl = 0, best_sb = 0;
    unsigned long sink = 0;
    for (int round = 0; round < (quick ? 1 : 7); round++) {
        double t0 = now();
        for (long k = 0; k < iters; k++) {
            tl_sid_to_string(buf, sizeof buf, &sids[k % N]);
            sink += (unsigned char)buf[5];
        }
        double t1 = now();
        double r = iters / (t1 - t0);
        best_tl = r > best_tl ? r : best_tl;
        if (samba) {
            t0 = now();
            for (long k = 0; k < iters; k++)
                sink += (unsigned char)samba(&sids[k % N], sbuf)[5];
            t1 = now();
            r = iters / (t1 - t0);
            best_sb = r > best_sb ? r : best_sb;
        }
    }
    printf("tokenlens tl_sid_to_string: %.0f SIDs/s\n", best_tl);
    if (samba)
        printf("samba dom_sid_str_buf:      %.0f SIDs/s\nratio: %.2fx\n", best_sb,
               best_tl / best_sb);
    return sink == 1; /* keep the work */
}
