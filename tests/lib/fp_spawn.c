// fp_spawn: fills every float register and fcsr, then spawns fp_fresh while
// its own values are still in the registers (it has not been switched out
// since). The fresh child must start with zeros, and the parent must find
// its own values again after the child has run.
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

int main(int argc, char **argv)
{
    for (int i = 0; i < 32; i++)
        want[i] = 0x4000000000000000UL + i; // a different non-zero double in each
    load_f(want, 0x9f);
    int c = spawn("fp_fresh\0");
    int code = -100;
    int got = waitpid(c, &code);
    uint64 now[32];
    uint64 csr = store_f(now);
    int same = csr == 0x9f;
    for (int i = 0; i < 32; i++)
        same &= now[i] == want[i];
    printf("fp_spawn: the spawned child saw %d non-zero float registers (want 0)\n",
           c > 0 && got == c ? code : -1);
    printf("fp_spawn: the parent's float registers after the child: %s\n", same ? "its own" : "changed");
    return 0;
}
