// h8_mexit: the main thread exits while its siblings run, are ready, and
// block: in pipe read, pipe write (full), waittid, waitpid, and console
// read. The process must end with the main thread's code, its orphan
// grandchild goes to INIT, and nothing leaks.
#include "h8rt.h"
static uint64 p1[2], p2[2];
static char big[4096];
static void spin(void *a) { (void)a; for (;;) ; }
static void yielder(void *a) { (void)a; for (;;) sched_yield(); }
static void rd(void *a) { char c; (void)a; read(p1[0], &c, 1); exit(1); }
static void wr(void *a) { (void)a; for (;;) write(p2[1], big, sizeof big); }
static void wt(void *a) { (void)a; waittid(1); exit(2); }
static void wp(void *a) { int c; (void)a; waitpid(-1, &c); exit(3); }
static void con(void *a) { char c; (void)a; read(0, &c, 1); exit(4); }

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int pid = fork();
    if (pid == 0) {
        pipe(p1);
        pipe(p2);
        int g = fork();
        if (g == 0) { // grandchild: blocks until its parent's end of p1 closes
            close(p1[1]);
            char c;
            exit(read(p1[0], &c, 1) == 0 ? 60 : 61);
        }
        thread_create(spin, 0);    // 1
        thread_create(yielder, 0); // 2
        thread_create(rd, 0);      // 3
        thread_create(wr, 0);      // 4
        thread_create(wt, 0);      // 5
        thread_create(wp, 0);      // 6
        thread_create(con, 0);     // 7
        for (int i = 0; i < 40; i++)
            sched_yield();
        exit(5);
    }
    int code = 0;
    expect_("h8_mexit", "waitpid", waitpid(pid, &code), pid);
    expect_("h8_mexit", "child's code is its main thread's", code, 5);
    int n = 0, c60 = 0;
    while (waitpid(-1, &code) > 0) {
        n++;
        c60 += code == 60;
    }
    if (getpid() == 1) { // as INIT the orphan comes back to us
        expect_("h8_mexit", "orphan grandchildren reaped by INIT", n, 1);
        expect_("h8_mexit", "orphan saw EOF (60)", c60, 1);
    }
    say("h8_mexit: done, %d wrong\n", (long)fails_);
    return fails_;
}
