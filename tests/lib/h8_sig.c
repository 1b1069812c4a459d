// h8_sig: signals to a multi-threaded process whose threads all block:
// SIGKILL (waitpid: -9), SIGSTOP then SIGCONT (it goes on and finishes),
// a handled SIGUSR1 (the handler runs once, the blocked read returns -1),
// and sigreturn called by a thread that did not take the signal (should
// be -1: no handler runs in that thread).
#include "h8rt.h"
static uint64 p[2], res[2];
static volatile int in_handler, done;
static void rd(void *a)
{
    char c;
    long r = read(p[0], &c, 1);
    char out = r == 1 ? 'r' : r == 0 ? 'e' : 'i';
    (void)a;
    write(res[1], &out, 1);
    exit(0);
}
static void wt(void *a) { (void)a; waittid(1); exit(0); }
static void on_usr1(int s)
{
    char out = 'h';
    (void)s;
    write(res[1], &out, 1);
    sigreturn();
}
static void long_handler(int s)
{
    (void)s;
    in_handler = 1;
    while (!done)
        sched_yield();
    sigreturn();
    exit(77); // sigreturn failed
}
static void other_sigreturn(void *a)
{
    volatile long me = gettid(); // on this thread's stack
    (void)a;
    while (!in_handler)
        sched_yield();
    long r = sigreturn();
    // 'S': this code runs on the other thread's stack now (its `me`): the
    // sigreturn resumed the interrupted context of the thread in the handler
    char out = me != gettid() ? 'S' : r == -1 ? 'n' : 'Y';
    write(res[1], &out, 1);
    done = 1;
    exit(0);
}

static int child(int kind)
{
    pipe(p);
    pipe(res);
    int pid = fork();
    if (pid == 0) {
        close(res[0]);
        close(p[1]);
        if (kind == 3)
            sigaction(SIGUSR1, on_usr1);
        if (kind == 4) {
            sigaction(SIGUSR1, long_handler);
            thread_create(other_sigreturn, 0);
            other_sigreturn(0); // whichever thread did not take the signal
        }
        thread_create(rd, 0);
        thread_create(rd, 0);
        thread_create(wt, 0);
        char c;
        read(p[0], &c, 1); // main blocks too
        waittid(1);
        waittid(2);
        exit(kind);
    }
    close(res[1]);
    return pid;
}

static int rd_res(char *buf, int n)
{
    int k = 0, r;
    while (k < n && (r = read(res[0], buf + k, n - k)) > 0)
        k += r;
    return k;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int code = 0;
    char b[8];
    for (int i = 0; i < 30; i++)
        sched_yield();
    int pid = child(1);
    for (int i = 0; i < 30; i++)
        sched_yield();
    kill(pid, SIGKILL);
    expect_("h8_sig", "SIGKILL: waitpid", waitpid(pid, &code), pid);
    expect_("h8_sig", "SIGKILL: code", code, -9);
    close(p[0]); close(p[1]); close(res[0]);

    pid = child(2);
    for (int i = 0; i < 30; i++)
        sched_yield();
    kill(pid, SIGSTOP);
    write(p[1], "abc", 3); // wakes the readers; they must stop, not finish
    for (int i = 0; i < 30; i++)
        sched_yield();
    kill(pid, SIGCONT);
    close(p[1]);
    expect_("h8_sig", "SIGSTOP/SIGCONT: waitpid", waitpid(pid, &code), pid);
    expect_("h8_sig", "SIGSTOP/SIGCONT: code", code, 2);
    close(p[0]); close(res[0]);

    pid = child(3);
    for (int i = 0; i < 30; i++)
        sched_yield();
    kill(pid, SIGUSR1);
    for (int i = 0; i < 30; i++)
        sched_yield();
    close(p[1]);
    int n = rd_res(b, 3);
    int h = 0, intr = 0;
    for (int i = 0; i < n; i++) { h += b[i] == 'h'; intr += b[i] == 'i'; }
    waitpid(pid, &code);
    expect_("h8_sig", "handled SIGUSR1: handler ran once", h, 1);
    expect_("h8_sig", "handled SIGUSR1: code", code, 3);
    close(p[0]); close(res[0]);

    pid = child(4);
    for (int i = 0; i < 30; i++)
        sched_yield();
    kill(pid, SIGUSR1);
    n = rd_res(b, 1);
    say("h8_sig: sigreturn by the thread not in the handler: %s\n", n == 1 && b[0] == 'n' ? "-1 (ok)" : n == 1 && b[0] == 'S' ? "WRONG: it resumed the handler thread's context, on that thread's stack" : "WRONG: other");
    fails_ += !(n == 1 && b[0] == 'n');
    kill(pid, SIGKILL);
    waitpid(pid, &code);
    close(p[0]); close(p[1]); close(res[0]);
    say("h8_sig: done, %d wrong\n", (long)fails_);
    return fails_;
}
