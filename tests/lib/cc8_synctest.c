// cc8_synctest: the first process of the chapter 8 synchronization
// compatibility run. Runs each C-course-style test in turn (fork,
// exec(name, NULL), waitpid) and prints one verdict line for each. Unlike
// the course's runner it gives each test 5 seconds: one still running then
// (a deadlock that was not detected) is ended with SIGKILL, so that one
// hang cannot stop the run.
#include "crs8sync.h"

static char *tests[] = {"cc8_mut_race\0", "cc8_spin_mut_race\0", "cc8_mpsc_sem\0",
                        "cc8_condvar\0", "cc8_phi_din\0", "cc8_mut1_deadlock\0",
                        "cc8_sem1_deadlock\0", "cc8_sem2_deadlock\0"};
static volatile int ended;

static void on_child(int s)
{
    ended = 1;
    syscall(SYS_sigreturn, 0, 0, 0);
}

int main(int argc, char **argv)
{
    uint64 act[2] = {(uint64)on_child, 0};
    syscall(SYS_sigaction, 17, (long)act, 0); // SIGCHLD
    int bad = 0;
    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        ended = 0;
        int pid = fork();
        if (pid == 0) {
            exec(tests[i], NULL);
            exit(-100);
        }
        long end = get_mtime() + 5000;
        while (!ended && get_mtime() < end)
            sched_yield();
        if (!ended)
            syscall(SYS_kill, pid, 9, 0);
        int code = 12345;
        int got = waitpid(pid, &code);
        bad += got != pid || code != 0;
        printf("cc8_synctest: %s exited with %d\n", tests[i], code);
    }
    return bad;
}
