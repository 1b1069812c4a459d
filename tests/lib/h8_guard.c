// h8_guard: the guard page under a live thread's stack is not for mmap:
// with thread 1 alive, mmap of its guard page is -1 (a stack overflow must
// still fault); after waittid reaps it, the same mmap works.
#include "h8rt.h"
static volatile int stop;
static void idle(void *a) { (void)a; while (!stop) sched_yield(); exit(7); }
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    long guard = TSTACK_TOP(1) - 8192 - 4096;
    expect_("h8_guard", "thread_create", thread_create(idle, 0), 1);
    expect_("h8_guard", "mmap over live thread 1's guard page", mmap(guard, 4096, 3), -1);
    expect_("h8_guard", "mmap over its guard page and stack", mmap(guard, 8192, 3), -1);
    stop = 1;
    expect_("h8_guard", "waittid", waittid(1), 7);
    expect_("h8_guard", "after reaping, mmap of that page works", mmap(guard, 4096, 3), 0);
    expect_("h8_guard", "munmap", munmap(guard, 4096), 0);
    say("h8_guard: done, %d wrong\n", (long)fails_);
    return fails_;
}
