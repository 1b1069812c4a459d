// h8_hexit: a thread that is running the process's signal handler ends
// with exit (a thread exit, not the process's). The process must still
// take the next signal in a handler (in_handler must not stay set for a
// thread that is gone).
#include "h8rt.h"
static volatile long hits, in_h;
static uint64 p[2];
static void handler(int s)
{
    (void)s;
    hits++;
    if (gettid() != 0) {
        in_h = 1;
        exit(5); // this thread ends inside the handler
    }
    sigreturn();
}
static void spinner(void *a) { (void)a; for (;;) ; }
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    pipe(p);
    sigaction(SIGUSR1, handler); // before fork: the child has it at once
    int pid = fork();
    if (pid == 0) {
        thread_create(spinner, 0);
        while (!in_h)
            sched_yield();
        long r = waittid(1);
        long before = hits;
        write(p[1], "x", 1);
        for (int i = 0; i < 2000 && hits == before; i++)
            sched_yield();
        say("h8_hexit: child: waittid(1) = %d, hits before %d, after %d\n", r, before, hits);
        exit(hits > before ? 0 : 7);
    }
    char c;
    for (int k = 0; k < 10; k++) {
        kill(pid, SIGUSR1);
        for (int i = 0; i < 20; i++)
            sched_yield();
    }
    read(p[0], &c, 1); // thread 1 has died in the handler
    kill(pid, SIGUSR1);
    int code = 0;
    waitpid(pid, &code);
    expect_("h8_hexit", "after a thread exits inside the handler, the next signal is handled", code, 0);
    say("h8_hexit: done, %d wrong\n", (long)fails_);
    return fails_;
}
