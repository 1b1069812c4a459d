// cc5_forkmany: wait with no child fails at once; then 60 children, all
// forked before any is waited for (so 60 processes, running or zombie, exist
// at once besides this one and its parent); child i yields i % 5 times and
// exits with a code of its own; wait(&c) reaps each, and the code must be
// the one of the child whose pid wait returned. One more wait fails.
#include "crs5.h"

#define N 60

static int code_of(int i)
{
    return i % 2 ? -(70000 + i) : 70000 + i;
}

int main(int argc, char **argv)
{
    static int pids[N], seen[N];
    int c = 0;
    printf("cc5_forkmany: wait with no child -> %d\n", wait(&c));
    int forked = 0;
    for (int i = 0; i < N; i++) {
        int pid = fork();
        if (pid == 0) {
            for (int k = 0; k < i % 5; k++)
                sched_yield();
            exit(code_of(i));
        }
        if (pid < 0)
            break;
        pids[i] = pid;
        forked++;
    }
    printf("cc5_forkmany: forked %d children\n", forked);
    int reaped = 0, right = 0;
    for (int n = 0; n < forked; n++) {
        c = 0;
        int pid = wait(&c);
        if (pid <= 0)
            break;
        reaped++;
        for (int i = 0; i < forked; i++)
            if (pids[i] == pid && !seen[i] && c == code_of(i)) {
                seen[i] = 1;
                right++;
            }
    }
    printf("cc5_forkmany: reaped %d, with the code of the child whose pid wait returned: %d\n",
           reaped, right);
    printf("cc5_forkmany: one more wait -> %d\n", wait(&c));
    return 0;
}
