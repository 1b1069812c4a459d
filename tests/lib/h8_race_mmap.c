// h8_race_mmap: two threads mmap overlapping ranges at once. Thread 1
// maps 24000 pages (the kernel yields between pages); preempted there, the
// main thread maps the last page of that range, not mapped yet. One of the
// two must get -1 (or the ranges be refused), no panic, nothing leaked.
#include "h8rt.h"
#define BASE 0x100000000L
#define NPAGES 24000L
static volatile int started, finished;
static volatile long r1;
static void mapper(void *a)
{
    (void)a;
    started = 1;
    r1 = mmap(BASE, NPAGES * 4096, 3);
    finished = 1;
    exit(0);
}
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    thread_create(mapper, 0);
    while (!started)
        sched_yield();
    long r2 = mmap(BASE + (NPAGES - 1) * 4096, 4096, 3);
    say("h8_race_mmap: main's mmap of the last page while thread 1 maps: %d (thread 1 finished: %d)\n",
        r2, (long)finished);
    waittid(1);
    say("h8_race_mmap: thread 1's mmap: %d\n", r1);
    say("h8_race_mmap: done (no panic)\n");
    return 0;
}
