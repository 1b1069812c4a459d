// cc5_spawn: spawn with names written with an explicit "\0": one child
// reaped by wait, then three at once reaped by waitpid out of their order;
// the third child's code is its parent's pid (cc5_ppid returns getppid()).
#include "crs5.h"

int main(int argc, char **argv)
{
    int me = getpid();
    int code = 0;
    int c = spawn("cc5_exit0\0");
    int got = wait(&code);
    printf("cc5_spawn: wait -> %s, exit code %d\n", c > 0 && got == c ? "its pid" : "wrong", code);
    int c0 = spawn("cc5_exit0\0");
    int c1 = spawn("cc5_exit1\0");
    int c2 = spawn("cc5_ppid\0");
    got = waitpid(c1, &code);
    printf("cc5_spawn: waitpid(second) -> %s, exit code %d\n", c1 > 0 && got == c1 ? "its pid" : "wrong", code);
    got = waitpid(c0, &code);
    printf("cc5_spawn: waitpid(first) -> %s, exit code %d\n", c0 > 0 && got == c0 ? "its pid" : "wrong", code);
    got = waitpid(c2, &code);
    printf("cc5_spawn: waitpid(third) -> %s, exit code is my pid: %s\n",
           c2 > 0 && got == c2 ? "its pid" : "wrong", code == me ? "yes" : "no");
    return 0;
}
