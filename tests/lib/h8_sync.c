// h8_sync: hostile use of mutexes, semaphores and condvars: bad ids; unlock
// by a non-holder; the main thread exiting while 15 threads hammer a
// blocking mutex; SIGKILL to a process whose threads all wait on a mutex,
// a semaphore and a condvar; SIGSTOP/SIGCONT and 40 handled SIGUSR1s sent
// while 8 threads add under a blocking mutex (no update may be lost, the
// handler runs); a holder reaped by waittid passes the mutex on; exec from
// a thread while others wait on a mutex.
#include "h8rt.h"
static volatile long counter, hits;
static int m, m2, s, cv;
static void adder(void *a)
{
    for (long i = 0; i < (long)a; i++) {
        mutex_lock(m);
        long c = counter;
        sched_yield(); // others queue on m while we hold it
        counter = c + 1;
        mutex_unlock(m);
    }
    exit(0);
}
static void hammer(void *a) { (void)a; for (;;) { mutex_lock(m); sched_yield(); mutex_unlock(m); } }
static void on_usr1(int x) { (void)x; hits++; sigreturn(); }
static void lock_forever(void *a) { (void)a; mutex_lock(m); exit(1); }
static void down_forever(void *a) { (void)a; semaphore_down(s); exit(2); }
static void cv_forever(void *a) { (void)a; mutex_lock(m2); condvar_wait(cv, m2); exit(3); }
static void hold_and_exit(void *a) { (void)a; mutex_lock(m); exit(44); }
static void unlock_other(void *a) { (void)a; exit(mutex_unlock(m) == -1 ? 5 : 6); }
static void execer(void *a) { (void)a; char *v[] = {"h8_sync", "x", 0}; exec("h8_sync", v); exit(9); }

static int in_child(int kind)
{
    int pid = fork();
    if (pid != 0)
        return pid;
    m = mutex_create(1);
    m2 = mutex_create(1);
    s = semaphore_create(0);
    cv = condvar_create();
    if (kind == 1) { // main exits while 15 threads hammer
        for (int i = 0; i < 15; i++)
            thread_create(hammer, 0);
        for (int i = 0; i < 50; i++)
            sched_yield();
        exit(31);
    }
    if (kind == 2 || kind == 6) { // everybody waits; SIGKILL comes, or main exits
        mutex_lock(m);
        thread_create(lock_forever, 0);
        thread_create(down_forever, 0);
        thread_create(cv_forever, 0);
        if (kind == 6) {
            for (int i = 0; i < 30; i++)
                sched_yield();
            exit(36);
        }
        semaphore_down(s);
        exit(32);
    }
    if (kind == 3 || kind == 4) { // adders under signals
        sigaction(SIGUSR1, on_usr1);
        for (int i = 0; i < 8; i++)
            thread_create(adder, (void *)300);
        for (int i = 1; i <= 8; i++)
            waittid(i);
        say("h8_sync: kind %d: counter %d (want 2400), handler ran %d times\n", (long)kind, counter, hits);
        exit(counter == 2400 ? 30 + kind : 1);
    }
    if (kind == 5) { // exec from a thread while others wait on m
        mutex_lock(m);
        for (int i = 0; i < 5; i++)
            thread_create(lock_forever, 0);
        thread_create(execer, 0);
        for (;;)
            sched_yield();
    }
    exit(0);
}

int main(int argc, char **argv)
{
    int code = 0, pid;
    if (argc == 2) { // after exec: a fresh table, threads work
        m = mutex_create(1);
        long ok = m == 0 && thread_create(adder, (void *)10) == 1 && waittid(1) == 0 && counter == 10;
        return ok ? 35 : 1;
    }
    expect_("h8_sync", "mutex_lock(0) with no mutex", mutex_lock(0), -1);
    expect_("h8_sync", "mutex_create(2)", mutex_create(2), -1);
    expect_("h8_sync", "semaphore_create(-1)", semaphore_create(-1), -1);
    expect_("h8_sync", "enable_deadlock_detect(2)", enable_deadlock_detect(2), -1);
    m = mutex_create(1);
    expect_("h8_sync", "mutex_lock(-1)", mutex_lock(-1), -1);
    expect_("h8_sync", "mutex_lock(1<<33)", (long)syscall(SYS_mutex_lock, 1L << 33, 0, 0), -1);
    expect_("h8_sync", "unlock a free mutex", mutex_unlock(m), -1);
    expect_("h8_sync", "semaphore_up(7)", semaphore_up(7), -1);
    expect_("h8_sync", "semaphore_down(-1)", semaphore_down(-1), -1);
    expect_("h8_sync", "condvar_signal(0) with none", condvar_signal(0), -1);
    cv = condvar_create();
    expect_("h8_sync", "condvar_wait(cv, 5)", condvar_wait(cv, 5), -1);
    expect_("h8_sync", "condvar_wait(cv, m) without holding m", condvar_wait(cv, m), -1);
    mutex_lock(m);
    int t = thread_create(unlock_other, 0);
    expect_("h8_sync", "unlock by a thread that does not hold it", waittid(t), 5);
    mutex_unlock(m);
    t = thread_create(hold_and_exit, 0);
    expect_("h8_sync", "holder exits", waittid(t), 44);
    expect_("h8_sync", "after the holder is reaped, the mutex is free (lock)", mutex_lock(m), 0);
    mutex_unlock(m);

    pid = in_child(1);
    waitpid(pid, &code);
    expect_("h8_sync", "main exits while 15 hammer a blocking mutex", code, 31);
    pid = in_child(2);
    for (int i = 0; i < 50; i++)
        sched_yield();
    kill(pid, SIGKILL);
    waitpid(pid, &code);
    expect_("h8_sync", "SIGKILL to threads waiting on mutex/sem/condvar", code, -9);
    sigaction(SIGUSR1, on_usr1); // before fork: the child has it from its first instruction
    pid = in_child(3);
    for (int i = 0; i < 40; i++) {
        kill(pid, SIGUSR1);
        sched_yield();
    }
    waitpid(pid, &code);
    expect_("h8_sync", "40 handled signals during 8 adders", code, 33);
    pid = in_child(4);
    for (int i = 0; i < 5; i++) {
        sched_yield();
        kill(pid, SIGSTOP);
        for (int k = 0; k < 10; k++)
            sched_yield();
        kill(pid, SIGCONT);
    }
    waitpid(pid, &code);
    expect_("h8_sync", "SIGSTOP/SIGCONT during 8 adders", code, 34);
    pid = in_child(5);
    waitpid(pid, &code);
    expect_("h8_sync", "exec from a thread while 5 wait on a mutex", code, 35);
    pid = in_child(6);
    waitpid(pid, &code);
    expect_("h8_sync", "main exits while others wait on mutex/sem/condvar", code, 36);
    say("h8_sync: done, %d wrong\n", (long)fails_);
    return fails_;
}
