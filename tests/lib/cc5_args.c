// cc5_args: prints argc and argv as main received them from _start (a0, a1),
// each line tagged with its pid, and exits with 40 + argc.
#include "crs5.h"

int main(int argc, char **argv)
{
    int pid = getpid();
    printf("cc5_args[%d]: argc = %d\n", pid, argc);
    for (int i = 0; i < argc; i++)
        printf("cc5_args[%d]: argv[%d] = \"%s\"\n", pid, i, argv[i]);
    printf("cc5_args[%d]: argv[argc] is NULL: %s\n", pid, argv && !argv[argc] ? "yes" : "no");
    return 40 + argc;
}
