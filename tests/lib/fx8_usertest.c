// fx8_usertest: INIT for test_ch8.py's regression run. Runs each hostile
// program that once found a chapter 8 bug (tests/lib/h8_*.c) in turn with
// fork, exec(name, {name, NULL}) and waitpid, and prints one line after
// each has ended: "fx8_usertest: NAME exited with CODE". Every program
// prints its own lines with its own name first; its exit code is the
// number of its checks that failed. fx8_usertest's own exit code is the
// number of programs that did not end with 0.
#include "h8rt.h"

static char *progs[] = {"h8_forkexec", "h8_race_close2", "h8_sig", "h8_hexit", "h8_guard"};

int main(int argc, char **argv)
{
    int bad = 0;
    (void)argc;
    (void)argv;
    for (unsigned i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        int pid = fork();
        if (pid == 0) {
            char *args[] = {progs[i], 0};
            exec(progs[i], args);
            exit(-100);
        }
        int code = 12345;
        int got = waitpid(pid, &code);
        bad += got != pid || code != 0;
        say("fx8_usertest: %s exited with %d\n", progs[i], got == pid ? (long)code : -1000L);
    }
    return bad;
}
