// boot.c: when did the first user instruction run (instructions since reset)?
// Chapter 6 on, the kernel reads the disk before that; the instructions it
// spent polling for the device are left out.
#include "rt.h"

int main_(u64 instret0, u64 time0)
{
    report("first_instr", instret0 - disk_wait());
    report("first_time", time0);
    return 0;
}
