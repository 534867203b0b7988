/*
 * diagnose_bench [--quick] [N]: `tokenlens diagnose` over a generated hosting server of N
 * sites (default 10000; --quick: 50) with a web.config per site, against expat's bare parse
 * of every file it reads (applicationHost.config and each web.config, no handlers: the floor
 * any expat-based reader pays), the peak heap of the library (a counting allocator through
 * tl_set_allocator; jansson's JSON trees use malloc directly and are outside it) and the
 * process's peak RSS (getrusage), which includes them. The server is written into
 * ./diagnose_bench_N/ (removed afterwards): bench/iis_gen.h's applicationHost.config, and for site
 * i a web.config with an integrated connection string to db(i%40).hosting.local, a SQL login one,
 * every 4th site a UNC share and every 3rd ASP.NET impersonation. Best of 3 (1 with --quick),
 * interleaved.
 */
#define _POSIX_C_SOURCE 200809L
#include "bench_util.h"
#include "iis_gen.h"
#include "tokenlens/server.h"
#include <expat.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int bare_parse(const char *path, size_t *bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    XML_Parser p = XML_ParserCreate(NULL);
    static char chunk[65536];
    int ok = 1;
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        *bytes += n;
        int final = n < sizeof chunk;
        if (XML_Parse(p, chunk, (int)n, final) == XML_STATUS_ERROR) {
            ok = 0;
            break;
        }
        if (final)
            break;
    }
    XML_ParserFree(p);
    fclose(f);
    return ok ? 0 : -1;
}

static void mkdirs(char *path)
{
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(path, 0755);
            *p = '/';
        }
    mkdir(path, 0755);
}

static int write_server(const char *root, unsigned n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/applicationHost.config", root);
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    iis_gen_write(f, n, 0);
    fclose(f);
    for (unsigned i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/d/hosting/site%05u.example/wwwroot", root, i);
        mkdirs(path);
        strcat(path, "/web.config");
        f = fopen(path, "wb");
        if (!f)
            return -1;
        fprintf(f,
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n"
                "  <connectionStrings>\n"
                "    <add name=\"Main\" connectionString=\"Data Source=db%02u.hosting.local;"
                "Initial Catalog=site%05u;Integrated Security=SSPI\" "
                "providerName=\"System.Data.SqlClient\" />\n"
                "    <add name=\"Legacy\" connectionString=\"Server=legacy.hosting.local,1500;"
                "Database=l%05u;User ID=u%05u;Password=secret\" />\n"
                "  </connectionStrings>\n"
                "  <appSettings>\n"
                "    <add key=\"Theme\" value=\"blue\" />\n",
                i % 40, i, i, i);
        if (i % 4 == 0)
            fprintf(f,
                    "    <add key=\"Uploads\" "
                    "value=\"\\\\fs%02u.hosting.local\\uploads\\site%05u\" />\n",
                    i % 8, i);
        fprintf(f, "  </appSettings>\n  <system.web>\n    <compilation targetFramework=\"4.8\" />\n"
                   "    <authentication mode=\"Windows\" />\n");
        if (i % 3 == 0)
            fputs("    <identity impersonate=\"true\" />\n", f);
        fputs("  </system.web>\n</configuration>\n", f);
        fclose(f);
    }
    return 0;
}

static void remove_server(const char *root, unsigned n)
{
    char path[512];
    for (unsigned i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/d/hosting/site%05u.example/wwwroot/web.config", root, i);
        remove(path);
        *strrchr(path, '/') = 0;
        rmdir(path);
        *strrchr(path, '/') = 0;
        rmdir(path);
    }
    snprintf(path, sizeof path, "%s/d/hosting", root);
    rmdir(path);
    snprintf(path, sizeof path, "%s/d", root);
    rmdir(path);
    snprintf(path, sizeof path, "%s/applicationHost.config", root);
    remove(path);
    rmdir(root);
}

int main(int argc, char **argv)
{
    unsigned n = 10000;
    int quick = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick"))
            quick = 1;
        else
            n = (unsigned)strtoul(argv[i], NULL, 10);
    }
    if (quick)
        n = 50;
    int reps = quick ? 1 : 3;
    char root[64], config[128], map[400];
    snprintf(root, sizeof root, "diagnose_bench_%u", n);
    mkdir(root, 0755);
    if (write_server(root, n) != 0) {
        perror(root);
        return 1;
    }
    snprintf(config, sizeof config, "%s/applicationHost.config", root);
    char cwd[256];
    if (!getcwd(cwd, sizeof cwd))
        return 1;
    snprintf(map, sizeof map, "D:\\=%s/%s/d", cwd, root);
    const char *maps[1] = {map};
    double best_bare = 1e9, best_diag = 1e9;
    size_t bytes = 0, hops = 0, out_len = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        bytes = 0;
        if (bare_parse(config, &bytes) != 0)
            return 1;
        char path[512];
        for (unsigned i = 0; i < n; i++) {
            snprintf(path, sizeof path, "%s/d/hosting/site%05u.example/wwwroot/web.config", root,
                     i);
            if (bare_parse(path, &bytes) != 0)
                return 1;
        }
        double t1 = now();
        cur_bytes = peak_bytes = 0;
        tl_set_allocator(count_malloc, count_realloc, count_free);
        tl_server_options o = TL_SERVER_OPTIONS_INIT;
        o.maps = maps;
        o.map_count = 1;
        o.machine = "WEB01";
        o.domain = "HOSTING";
        tl_server *s = NULL;
        char *out = NULL;
        int rc = tl_server_load(&s, config, &o);
        if (rc == TL_OK)
            rc = tl_server_diagnose(&out, s, TL_DIAGNOSE_JSON);
        double t2 = now();
        if (rc != TL_OK) {
            fprintf(stderr, "diagnose failed: %s\n", tl_error_last()->message);
            return 1;
        }
        out_len = strlen(out);
        hops = 0;
        for (const char *p = out; (p = strstr(p, "\"source\"")); p++)
            hops++;
        tl_free(out);
        tl_server_free(s);
        tl_set_allocator(NULL, NULL, NULL);
        if (t1 - t0 < best_bare)
            best_bare = t1 - t0;
        if (t2 - t1 < best_diag)
            best_diag = t2 - t1;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("expat %s, tokenlens %s; best of %d runs\n\n", XML_ExpatVersion(), tl_version(), reps);
    printf(
        "| sites | files | MiB read | expat ms | diagnose ms | ratio | heap MiB | heap KB/site | "
        "max RSS MiB | RSS KB/site | hops | JSON MiB |\n"
        "|------:|------:|---------:|---------:|------------:|------:|---------:|-------------:|"
        "------------:|------------:|-----:|---------:|\n");
    printf("| %u | %u | %.1f | %.1f | %.1f | %.1fx | %.1f | %.1f | %.1f | %.1f | %zu | %.1f |\n", n,
           n + 1, (double)bytes / 1048576.0, best_bare * 1e3, best_diag * 1e3,
           best_diag / best_bare, (double)peak_bytes / 1048576.0, (double)peak_bytes / 1024.0 / n,
           (double)ru.ru_maxrss / 1024.0, (double)ru.ru_maxrss / n, hops,
           (double)out_len / 1048576.0);
    remove_server(root, n);
    return 0;
}
