// h8_recurse: thread 1 recurses without end; its guard page must stop it
// with a fault (SPEC's line, waitpid -1) before it reaches thread 2's
// stack, whose canary thread 2 checks... which it cannot report if the
// process dies first; so the fault address is what shows it: it must lie
// in thread 1's guard page (printed here for comparison).
#include "h8rt.h"
static volatile long limit_ = 1L << 40;
static long down(long n) { volatile char pad[200]; pad[0] = (char)n; return n > limit_ ? 0 : down(n + 1) + pad[0]; }
static void rec(void *a) { (void)a; down(0); exit(1); }
static void idle(void *a) { (void)a; for (;;) sched_yield(); }
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    say("h8_recurse: thread 1's guard page is [%x, %x)\n", TSTACK_TOP(1) - 12288, TSTACK_TOP(1) - 8192);
    int pid = fork();
    if (pid == 0) {
        thread_create(rec, 0);
        thread_create(idle, 0);
        waittid(1);
        exit(2);
    }
    int code = 0;
    waitpid(pid, &code);
    expect_("h8_recurse", "runaway recursion in a thread kills the process", code, -1);
    say("h8_recurse: done, %d wrong\n", (long)fails_);
    return fails_;
}
