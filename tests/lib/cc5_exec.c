// cc5_exec: exec as the C course's programs call it: a name written with an
// explicit "\0" inside the literal, argv NULL, argv pointing at a NULL
// pointer, and a real argument list; each in a forked child whose exit code
// (40 + argc, from cc5_args) the parent collects. Then cc5_ppid, whose code
// must be this process's pid, and an unknown name: exec returns -1 and the
// caller goes on.
#include "crs5.h"

// Runs name with argv in a child; its exit code, or 12345 if waitpid fails.
static int run(char *name, char **argv, int *child)
{
    int pid = fork();
    if (pid == 0) {
        exec(name, argv);
        exit(-100); // exec failed
    }
    int code = 12345;
    if (waitpid(pid, &code) != pid)
        code = 12345;
    *child = pid;
    return code;
}

int main(int argc, char **argv)
{
    char *none[] = {NULL};
    char *list[] = {"cc5_args", "one", "two words", NULL};
    int pid, code;
    code = run("cc5_args\0", NULL, &pid);
    printf("cc5_exec: argv NULL: child %d, exit code %d\n", pid, code);
    code = run("cc5_args\0", none, &pid);
    printf("cc5_exec: argv -> NULL: child %d, exit code %d\n", pid, code);
    code = run("cc5_args\0", list, &pid);
    printf("cc5_exec: argv of 3: child %d, exit code %d\n", pid, code);
    code = run("cc5_ppid\0", NULL, &pid);
    printf("cc5_exec: cc5_ppid's exit code is my pid: %s\n", code == getpid() ? "yes" : "no");
    int r = exec("cc5_no_such_program\0", NULL);
    printf("cc5_exec: an unknown name -> %d, and the caller goes on\n", r);
    return 0;
}
