/* iis_gen N [FILE [PAD]]: write a realistic applicationHost.config with N sites (iis_gen.h). */
#include "iis_gen.h"
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: iis_gen N [FILE [PAD]]\n");
        return 2;
    }
    unsigned n = (unsigned)strtoul(argv[1], NULL, 10);
    unsigned pad = argc == 4 ? (unsigned)strtoul(argv[3], NULL, 10) : 0;
    FILE *f = argc >= 3 && argv[2][0] != '-' ? fopen(argv[2], "wb") : stdout;
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    iis_gen_write(f, n, pad);
    return (f != stdout ? fclose(f) : fflush(f)) == 0 ? 0 : 1;
}
