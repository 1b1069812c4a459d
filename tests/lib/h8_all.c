// h8_all: run the hostile programs that should not bring the kernel
// down, one after the other as children (fork + exec), and report each
// one's exit code; then reap any orphan. One boot for all of them, so that
// the kernel's end lines cover them all.
#include "h8rt.h"
static char *progs[] = {"h8_entry", "h8_limits", "h8_wait", "h8_mexit", "h8_forkexec", "h8_sig",
                        "h8_mmapstack", "h8_fp", "h8_recurse", "h8_sync", "h8_many", 0};
int main(int argc, char **argv)
{
    int bad = 0;
    if (argc > 1)
        progs[0] = argv[1], progs[1] = 0;
    for (char **p = progs; *p; p++) {
        int pid = fork();
        if (pid == 0) {
            char *args[] = {*p, 0};
            exec(*p, args);
            exit(111);
        }
        int code = 1234;
        waitpid(pid, &code);
        say("h8_all: %s exited with %d\n", *p, (long)code);
        bad += code != 0;
        int c;
        while (waitpid(-1, &c) > 0)
            say("h8_all: reaped an orphan with code %d\n", (long)c);
    }
    say("h8_all: %d programs not 0\n", (long)bad);
    return bad;
}
