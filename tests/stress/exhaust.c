// exhaust.c: mmap pages until mmap says -1, free them all; three rounds.
// Every round must get the same number of pages (frames balance).
#include "../bench/rt.h"

#define BASE 0x100000000UL
#define CHUNK 16 // pages per mmap while it succeeds, then single pages

int main_(u64 instret0, u64 time0)
{
    (void)instret0, (void)time0;
    for (int r = 1; r <= 3; r++) {
        u64 va = BASE, pages = 0;
        for (u64 step = CHUNK; step; step /= CHUNK) {
            while (sc(SYS_MMAP, (long)va, (long)(step * 4096), 3) == 0) {
                *(volatile long *)(va + step * 4096 - 8) = (long)va; // touch the last page
                va += step * 4096;
                pages += step;
            }
        }
        long bad = sc(SYS_MMAP, (long)va, 4096, 3) != -1;
        if (sc(SYS_MUNMAP, (long)BASE, (long)(va - BASE), 0) != 0)
            bad = 1;
        put_s("exhaust: round ");
        put_u((u64)r);
        put_s(" pages ");
        put_u(pages);
        put_s(bad ? " BAD" : " ok");
        put_end();
        if (bad)
            return 1;
    }
    return 0;
}
