// Host unit test of the device-tree reader's list of virtio-mmio slots
// (kernel/fdt.c): usage test_fdt_virtio DTB WANT [ADDR...]: DTB must parse
// and yield exactly WANT slots, equal to the ADDRs in order when given.
// Prints one PASS/FAIL line; exits 1 on failure.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fdt.h"

int main(int argc, char **argv)
{
    static unsigned char blob[1 << 20];
    if (argc < 3)
        return 2;
    FILE *f = fopen(argv[1], "rb");
    size_t n = f ? fread(blob, 1, sizeof blob, f) : 0;
    if (f)
        fclose(f);
    struct fdt_info info;
    int ok = n > 0 && fdt_parse(blob, n, &info) == 0;
    int want = atoi(argv[2]);
    ok = ok && info.nvirtio == want;
    for (int i = 3; ok && i < argc && i - 3 < want; i++)
        ok = info.virtio[i - 3] == strtoull(argv[i], 0, 16);
    const char *name = strrchr(argv[1], '/') ? strrchr(argv[1], '/') + 1 : argv[1];
    printf("%s fdt virtio: %s gives %d slots", ok ? "PASS" : "FAIL", name, want);
    if (!ok && n > 0) {
        printf(" (got %d:", info.nvirtio);
        for (int i = 0; i < info.nvirtio && i < FDT_MAX_VIRTIO; i++)
            printf(" %#lx", (unsigned long)info.virtio[i]);
        printf(")");
    }
    printf("\n");
    return !ok;
}
