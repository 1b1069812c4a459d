// mapper.c: beside hostile.c, maps, touches and unmaps two pages, then
// yields, one line per try, until mmap says -1 (memory ran out: only
// hostile.c's phase 2 does that). So it is alive, and trying, while
// hostile.c holds its 20,000 mappings.
#include "mini.h"

#define X 0x50000000UL

int main_(void)
{
    for (long tries = 1;; tries++) {
        long r = sc(222, (long)X, 2 * 4096, 3);
        if (r != 0) {
            say("mapper: mmap of two pages -> -1, after ok tries: ", tries - 1);
            return 0;
        }
        *(volatile char *)(X + 4096) = 1;
        long u = sc(215, (long)X, 2 * 4096, 0);
        say("mapper: mmap of two pages -> 0, munmap -> ", u);
        if (u != 0)
            return 1;
        sc(124, 0, 0, 0);
    }
}
