// cc7_usertest: the first process of the chapter 7 compatibility run. Runs
// the chapter 7 pipe test and the chapter 6 file tests in turn (fork,
// exec(name, NULL), waitpid) and prints one verdict line for each.
#include "crs7.h"

static char *tests[] = {"cc7_pipetest\0", "cc6_file0\0", "cc6_file1\0", "cc6_file2\0",
                        "cc6_filetest_simple\0", "cc6_cat\0", "cc5_exec\0"};

int main(int argc, char **argv)
{
    int bad = 0;
    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        int pid = fork();
        if (pid == 0) {
            exec(tests[i], NULL);
            exit(-100);
        }
        int code = 12345;
        int got = waitpid(pid, &code);
        bad += got != pid || code != 0;
        printf("cc7_usertest: %s exited with %d\n", tests[i], code);
    }
    return bad;
}
