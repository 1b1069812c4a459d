// fp_fork: forks a child before touching any float register, so the child
// starts as a program that never used them; then fills every float register
// and fcsr and waits for the child, while its own values are still in the
// registers. When the child runs, it must find zeros (the scheduler must know
// that the parent's values are in the registers), and the parent must find
// its own values again after the child has run. (Should a tick let the child
// run before the parent fills the registers, the child sees zeros anyway.)
#include "crs5.h"

static uint64 want[32];
static void load_f(const uint64 *v, uint64 csr)
{
    asm volatile(".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
                 "fld f\\n, 8*\\n(%0)\n"
                 ".endr\n"
                 "fscsr %1"
                 :
                 : "r"(v), "r"(csr)
                 : "memory");
}

static uint64 store_f(uint64 *v)
{
    uint64 csr;
    asm volatile(".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
                 "fsd f\\n, 8*\\n(%1)\n"
                 ".endr\n"
                 "frcsr %0"
                 : "=r"(csr)
                 : "r"(v)
                 : "memory");
    return csr;
}

// The number of non-zero float registers, fcsr counted as one.
static int nonzero_f(void)
{
    uint64 f[32];
    int n = store_f(f) != 0;
    for (int i = 0; i < 32; i++)
        n += f[i] != 0;
    return n;
}

int main(int argc, char **argv)
{
    int c = fork();
    if (c == 0)
        exit(nonzero_f());
    for (int i = 0; i < 32; i++)
        want[i] = 0x4000000000000000UL + i; // a different non-zero double in each
    load_f(want, 0x9f);
    int code = -100;
    int got = waitpid(c, &code);
    uint64 now[32];
    uint64 csr = store_f(now);
    int same = csr == 0x9f;
    for (int i = 0; i < 32; i++)
        same &= now[i] == want[i];
    printf("fp_fork: the child saw %d non-zero float registers (want 0)\n",
           c > 0 && got == c ? code : -1);
    printf("fp_fork: the parent's float registers after the child: %s\n", same ? "its own" : "changed");
    return 0;
}
