// h8_race_sbrk: thread 1 grows the heap by 24000 pages (the kernel yields
// between pages, having checked the range once at the start); preempted
// there, the main thread mmaps a page near the top of that range. One of
// the calls must fail cleanly: no panic, nothing leaked.
#include "h8rt.h"
#define NPAGES 24000L
static volatile int started, finished;
static volatile long r1, base;
static void grower(void *a)
{
    (void)a;
    started = 1;
    r1 = sbrk(NPAGES * 4096);
    finished = 1;
    exit(0);
}
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    base = (sbrk(0) + 4095) & ~4095L;
    thread_create(grower, 0);
    while (!started)
        sched_yield();
    long r2 = mmap(base + (NPAGES - 2) * 4096, 4096, 3);
    say("h8_race_sbrk: main's mmap inside the growing heap: %d (thread 1 finished: %d)\n", r2, (long)finished);
    waittid(1);
    say("h8_race_sbrk: thread 1's sbrk: %d\n", r1 == -1 ? -1L : 0L);
    say("h8_race_sbrk: done (no panic)\n");
    return 0;
}
