// h8_mmapstack: thread stacks against mmap. mmap the range where thread
// 1's stack would go: thread_create must be -1 with nothing leaked; the
// same with only its guard page taken; munmap, and thread 1 is created.
// Then, with thread 1 alive, mmap over its stack must be -1.
#include "h8rt.h"
static volatile int stop;
static void idle(void *a) { (void)a; while (!stop) sched_yield(); exit(7); }
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    long top = TSTACK_TOP(1);
    expect_("h8_mmapstack", "mmap thread 1's stack range", mmap(top - 8192, 8192, 3), 0);
    for (int i = 0; i < 100; i++)
        if (thread_create(idle, 0) != -1) { expect_("h8_mmapstack", "create over mmapped stack", 1, -1); break; }
    expect_("h8_mmapstack", "thread_create over it", thread_create(idle, 0), -1);
    expect_("h8_mmapstack", "munmap", munmap(top - 8192, 8192), 0);
    expect_("h8_mmapstack", "mmap only the guard page", mmap(top - 12288, 4096, 3), 0);
    expect_("h8_mmapstack", "thread_create over the guard", thread_create(idle, 0), -1);
    expect_("h8_mmapstack", "munmap guard", munmap(top - 12288, 4096), 0);
    expect_("h8_mmapstack", "thread_create now", thread_create(idle, 0), 1);
    expect_("h8_mmapstack", "mmap over live thread 1's stack", mmap(top - 8192, 4096, 3), -1);
    expect_("h8_mmapstack", "munmap of thread 1's stack (not mmap's)", munmap(top - 8192, 4096), -1);
    stop = 1;
    expect_("h8_mmapstack", "waittid", waittid(1), 7);
    expect_("h8_mmapstack", "after reaping, mmap there works", mmap(top - 8192, 8192, 3), 0);
    expect_("h8_mmapstack", "munmap", munmap(top - 8192, 8192), 0);
    say("h8_mmapstack: done, %d wrong\n", (long)fails_);
    return fails_;
}
