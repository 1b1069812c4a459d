// boot.c: when did the first user instruction run (instructions since reset)?
#include "rt.h"

int main_(u64 instret0, u64 time0)
{
    report("first_instr", instret0);
    report("first_time", time0);
    return 0;
}
