// fp_fresh: a program that never touched a float register checks that it
// starts with all of f0-f31 and fcsr zero. Its exit code is the number of
// non-zero registers, fcsr counted as one, so its parent can tell.
#include "crs5.h"

int main(int argc, char **argv)
{
    uint64 f[32], fcsr;
    asm volatile(".irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
                 "fsd f\\n, 8*\\n(%1)\n"
                 ".endr\n"
                 "frcsr %0"
                 : "=r"(fcsr)
                 : "r"(f)
                 : "memory");
    int nonzero = fcsr != 0;
    for (int i = 0; i < 32; i++)
        nonzero += f[i] != 0;
    return nonzero;
}
