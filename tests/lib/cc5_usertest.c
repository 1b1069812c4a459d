// cc5_usertest: the first process. Prints the argc/argv the kernel gave it,
// then runs each program in turn (fork, exec(name, NULL) with the name's
// explicit "\0", waitpid) and prints one verdict line for each: the exit
// code it got and the one it wanted. Exits with the number of failures.
#include "crs5.h"

struct test {
    char *name;
    int want;   // the exit code it must end with
    int parent; // 1: the code must be this process's pid instead
};

static struct test tests[] = {
    {"cc5_exit0\0", 66778, 0}, {"cc5_exit1\0", -233, 0},   {"cc5_ppid\0", 0, 1},
    {"cc5_exec\0", 0, 0},      {"cc5_forkmany\0", 0, 0}, {"cc5_spawn\0", 0, 0},
};

int main(int argc, char **argv)
{
    int me = getpid();
    printf("cc5_usertest: argc = %d, argv[0] = \"%s\", argv[1] is NULL: %s\n", argc,
           argc > 0 ? argv[0] : "", argc > 0 && !argv[1] ? "yes" : "no");
    int bad = 0;
    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        int want = tests[i].parent ? me : tests[i].want;
        int pid = fork();
        if (pid == 0) {
            exec(tests[i].name, NULL);
            exit(-100);
        }
        int code = 12345;
        int got = waitpid(pid, &code);
        int ok = pid > 0 && got == pid && code == want;
        bad += !ok;
        printf("cc5_usertest: %s exited with %d (want %d): %s\n", tests[i].name, code, want,
               ok ? "ok" : "FAIL");
    }
    return bad;
}
