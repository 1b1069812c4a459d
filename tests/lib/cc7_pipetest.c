// cc7_pipetest: the C course's chapter 7 pipe test in our own words. The
// parent makes a pipe and forks; it writes a string into the write end;
// the child, which closed its write end, reads it back, compares, and
// reports; the parent waits for the child and reports last.
#include "crs7.h"

static char text[] = "Hello, pipes of the C course!";

int main(int argc, char **argv)
{
    uint64 fd[2];
    int len = strlen_(text);
    if (pipe(fd) != 0)
        return 1;
    int pid = fork();
    if (pid == 0) {
        static char buf[64];
        close((int)fd[1]);
        int n = read((int)fd[0], buf, sizeof buf);
        if (n != len || !same_(buf, text, len))
            exit(2);
        printf("Read OK, child process exited!\n");
        exit(0);
    }
    close((int)fd[0]);
    if (write((int)fd[1], text, len) != len)
        return 3;
    close((int)fd[1]);
    int code = -1;
    if (waitpid(pid, &code) != pid || code != 0)
        return 4;
    printf("pipetest passed!\n");
    return 0;
}
