// h8_many: 127 processes (INIT and 126 children... as many as fork
// gives) each with 15 threads blocked on a pipe; then the pipe's write end
// closes, every thread sees EOF, every child reaps its threads and exits
// 0. Nothing may leak; fork and thread_create may say -1 at a limit.
#include "h8rt.h"
static uint64 p[2];
static void rd(void *a) { char c; (void)a; exit(read(p[0], &c, 1) == 0 ? 0 : 1); }
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    pipe(p);
    int forked = 0, refused = 0;
    for (int i = 0; i < 130; i++) {
        int pid = fork();
        if (pid == 0) {
            close(p[1]);
            int n = 0, bad = 0;
            for (int k = 0; k < 15; k++)
                n += thread_create(rd, 0) > 0;
            for (int k = 1; k <= n; k++)
                bad += waittid(k) != 0;
            exit(n == 15 && !bad ? 0 : 100 + n);
        }
        if (pid < 0)
            refused++;
        else
            forked++;
    }
    say("h8_many: forked %d, refused %d\n", (long)forked, (long)refused);
    for (int i = 0; i < 50; i++)
        sched_yield();
    close(p[1]);
    int code, bad = 0, n = 0;
    while (waitpid(-1, &code) > 0) {
        n++;
        if (code != 0) {
            if (bad < 5)
                say("h8_many: a child exited with %d\n", (long)code);
            bad++;
        }
    }
    expect_("h8_many", "children reaped", n, forked);
    expect_("h8_many", "children with a wrong result", bad, 0);
    say("h8_many: done, %d wrong\n", (long)fails_);
    return fails_;
}
