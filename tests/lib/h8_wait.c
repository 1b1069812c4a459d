// h8_wait: waittid's bad cases and races: on itself, -1, a huge tid, a
// tid never used, twice on the same tid, two threads waiting for the same
// tid at once (one gets the code, the other -1), and a non-main thread
// waiting for tid 0 while the main thread exits (the process ends).
#include "h8rt.h"
static volatile int release;
static volatile long got2, got3;
static void target(void *a)
{
    while (!release)
        sched_yield();
    exit((int)(long)a);
}
static void waiter(void *a)
{
    long r = waittid(1);
    if ((long)a == 2) got2 = r; else got3 = r;
    exit(0);
}
static void self_waiter(void *a) { (void)a; exit(waittid(gettid()) == -1 ? 3 : 4); }
static void main_waiter(void *a) { (void)a; waittid(0); exit(99); }

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    expect_("h8_wait", "waittid(self=0)", waittid(0), -1);
    expect_("h8_wait", "waittid(-1)", waittid(-1), -1);
    expect_("h8_wait", "waittid(2^40)", waittid(1L << 40), -1);
    expect_("h8_wait", "waittid(5) never used", waittid(5), -1);
    expect_("h8_wait", "waittid(16)", waittid(16), -1);
    int t1 = thread_create(target, (void *)11);
    int t2 = thread_create(waiter, (void *)2);
    int t3 = thread_create(waiter, (void *)3);
    for (int i = 0; i < 20; i++)
        sched_yield(); // t2 and t3 block in waittid(1)
    release = 1;
    expect_("h8_wait", "t2 reaped", waittid(t2), 0);
    expect_("h8_wait", "t3 reaped", waittid(t3), 0);
    expect_("h8_wait", "two waiters on tid 1: sum of results (11 + -1)", got2 + got3, 10);
    expect_("h8_wait", "waittid(1) again", waittid(t1), -1);
    int t = thread_create(self_waiter, 0);
    expect_("h8_wait", "a thread's waittid(own tid) is -1", waittid(t), 3);
    int pid = fork();
    if (pid == 0) {
        thread_create(main_waiter, 0);
        for (int i = 0; i < 20; i++)
            sched_yield();
        exit(21); // main exits while a thread waits for it
    }
    int code = 0;
    expect_("h8_wait", "waitpid: child whose thread waittid(0)s", waitpid(pid, &code), pid);
    expect_("h8_wait", "its exit code (main's)", code, 21);
    say("h8_wait: done, %d wrong\n", (long)fails_);
    return fails_;
}
