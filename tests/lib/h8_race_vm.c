// h8_race_vm: thread 1 maps and unmaps 8000 pages, 3 times over (the
// kernel yields between pages, having checked the range once at the
// start); the main thread meanwhile maps and unmaps the last page of that
// range, again and again, so that sooner or later its call lands while
// thread 1 is in the middle of one of its own. Each call must just
// succeed or fail: no panic, nothing leaked.
#include "h8rt.h"
#define BASE 0x100000000L
#define NPAGES 8000L
static volatile int finished;
static volatile long ok1, ok2, tries;
static void worker(void *a)
{
    (void)a;
    for (int i = 0; i < 3; i++) {
        ok1 += mmap(BASE, NPAGES * 4096, 3) == 0;
        ok1 += munmap(BASE, NPAGES * 4096) == 0;
    }
    finished = 1;
    exit(0);
}
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    thread_create(worker, 0);
    long last = BASE + (NPAGES - 1) * 4096;
    while (!finished) {
        tries++;
        if (mmap(last, 4096, 3) == 0) {
            ok2++;
            munmap(last, 4096);
        }
    }
    waittid(1);
    say("h8_race_vm: thread 1's successful calls %d of 6; main's successful mmaps %d of %d\n", ok1, ok2, tries);
    say("h8_race_vm: done (no panic)\n");
    return 0;
}
