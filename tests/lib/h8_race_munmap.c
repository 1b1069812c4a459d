// h8_race_munmap: two threads of one process unmap overlapping mmap pages.
// Thread 1 munmaps 24000 pages (longer than a slice: the kernel yields
// between pages); when it is preempted there, the main thread munmaps the
// last page of the same range, which is still mapped. SPEC: -1 or 0 for
// each call, no panic, nothing leaked.
#include "h8rt.h"
#define BASE 0x100000000L
#define NPAGES 24000L
static volatile int started, finished;
static volatile long r1;
static void unmapper(void *a)
{
    (void)a;
    started = 1;
    r1 = munmap(BASE, NPAGES * 4096);
    finished = 1;
    exit(0);
}
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    expect_("h8_race_munmap", "mmap 24000 pages", mmap(BASE, NPAGES * 4096, 3), 0);
    thread_create(unmapper, 0);
    while (!started)
        sched_yield();
    long r2 = munmap(BASE + (NPAGES - 1) * 4096, 4096); // thread 1 is inside its munmap
    say("h8_race_munmap: main's munmap of the last page while thread 1 unmaps: %d (thread 1 finished: %d)\n",
        r2, (long)finished);
    waittid(1);
    say("h8_race_munmap: thread 1's munmap: %d\n", r1);
    say("h8_race_munmap: done (no panic)\n");
    return 0;
}
