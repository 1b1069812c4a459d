// hostile.c: tries to make the kernel run out of memory it needs itself.
// Phase 1: 20,000 one-page mmaps (one kernel heap block each would fill the
// 1 MiB heap after about 16,300), a valid munmap of the middle page of a
// three-page mapping, then it holds everything while yielding, so that
// mapper.c, beside it, maps meanwhile. Phase 2: one-page mmaps until -1
// (frames run out), again a middle-page munmap, yields while memory is
// exhausted (mapper sees -1 and stops), then it frees everything.
#include "mini.h"

#define SYS_MMAP 222
#define SYS_MUNMAP 215
#define PAGE 4096UL
#define THREE_1 0x40000000UL  // three-page mappings
#define THREE_2 0x40010000UL
#define SINGLES 0x100000000UL // the one-page mappings, one after another

static long map_one(u64 va)
{
    long r = sc(SYS_MMAP, (long)va, PAGE, 3);
    if (r == 0)
        *(volatile char *)va = 1;
    return r;
}

int main_(void)
{
    long bad = sc(SYS_MMAP, THREE_1, 3 * PAGE, 3) != 0;
    u64 n = 0;
    while (n < 20000 && map_one(SINGLES + n * PAGE) == 0)
        n++;
    say("hostile: one-page mmaps ", (long)n);
    say("hostile: munmap of a middle page -> ", sc(SYS_MUNMAP, THREE_1 + PAGE, PAGE, 0));
    say("hostile: holding ", (long)n);
    for (int i = 0; i < 50; i++)
        sc(124, 0, 0, 0); // sched_yield: mapper runs now
    say("hostile: releasing ", (long)n);

    bad |= sc(SYS_MMAP, THREE_2, 3 * PAGE, 3) != 0;
    u64 more = 0;
    while (map_one(SINGLES + (n + more) * PAGE) == 0)
        more++;
    say("hostile: exhausted after more one-page mmaps: ", (long)more);
    say("hostile: munmap of a middle page at exhaustion -> ",
        sc(SYS_MUNMAP, THREE_2 + PAGE, PAGE, 0));
    for (int i = 0; i < 20; i++)
        sc(124, 0, 0, 0);

    long r = sc(SYS_MUNMAP, SINGLES, (long)((n + more) * PAGE), 0);
    r |= sc(SYS_MUNMAP, THREE_1, PAGE, 0) | sc(SYS_MUNMAP, THREE_1 + 2 * PAGE, PAGE, 0);
    r |= sc(SYS_MUNMAP, THREE_2, PAGE, 0) | sc(SYS_MUNMAP, THREE_2 + 2 * PAGE, PAGE, 0);
    say("hostile: released everything -> ", r);
    return bad || r ? 1 : 0;
}
