// h8_forkexec: fork from thread 3 (the child has one thread, tid 0, on
// the stack thread 3 used; it must still create 15 threads, tids 1..15);
// exec from thread 2 (the others discarded; the new program runs as
// tid 0 and can create 15 threads).
#include "h8rt.h"
static volatile int stop;
static void idle(void *a) { (void)a; while (!stop) sched_yield(); exit(0); }
static void quick(void *a) { exit((int)(long)a); }

static int fifteen(void)
{
    int bad = 0;
    for (long i = 1; i <= 15; i++) {
        int t = thread_create(quick, (void *)i);
        if (t != i) {
            say("h8_forkexec: pid %d: thread_create #%d gave %d\n", (long)getpid(), i, (long)t);
            bad++;
        }
    }
    for (long i = 1; i <= 15; i++)
        if (waittid(i) != i)
            bad++;
    return bad;
}

static long deep(long n) { volatile char pad[256]; pad[0] = (char)n; return n ? deep(n - 1) + pad[0] : 0; }

static void forker(void *a)
{
    (void)a;
    int pid = fork();
    if (pid == 0) {
        int bad = gettid() != 0;
        bad += deep(20) != 210;
        bad += fifteen();
        exit(bad);
    }
    int code = 99;
    waitpid(pid, &code);
    exit(code);
}

static void execer(void *a)
{
    (void)a;
    char *args[] = {"h8_forkexec", "execd", 0};
    exec("h8_forkexec", args);
    exit(98);
}

int main(int argc, char **argv)
{
    if (argc == 2) { // after exec from thread 2
        int bad = gettid() != 0;
        bad += fifteen();
        say("h8_forkexec: after exec: gettid %d, wrong %d\n", (long)gettid(), (long)bad);
        return bad + 10;
    }
    thread_create(idle, 0);
    thread_create(idle, 0);
    int t3 = thread_create(forker, 0);
    expect_("h8_forkexec", "fork from tid 3: child's result (wrong things)", waittid(t3), 0);
    stop = 1;
    waittid(1);
    waittid(2);
    int pid = fork();
    if (pid == 0) {
        stop = 0;
        thread_create(idle, 0);
        thread_create(execer, 0);
        for (;;)
            sched_yield();
    }
    int code = 0;
    waitpid(pid, &code);
    expect_("h8_forkexec", "exec from tid 2: new program's code (10 = all fine)", code, 10);
    say("h8_forkexec: done, %d wrong\n", (long)fails_);
    return fails_;
}
