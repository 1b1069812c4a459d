// counters.c: an outside program: rdtime must work in U-mode, rdcycle and
// rdinstret must not (SPEC: the kernel sets scounteren to time only).
#include "../bench/rt.h"

int main_(u64 instret0, u64 time0)
{
    (void)instret0;
    u64 t;
    asm volatile("rdtime %0" : "=r"(t));
    put_s(t >= time0 && t > 0 ? "counters: rdtime works" : "counters: rdtime went backwards");
    put_end();
    put_s(WHICH == 0 ? "counters: reading cycle" : "counters: reading instret");
    put_end();
    u64 c;
    if (WHICH == 0)
        asm volatile("rdcycle %0" : "=r"(c));
    else
        asm volatile("rdinstret %0" : "=r"(c));
    put_s("counters: FAILED, read ");
    put_u(c);
    put_end();
    return 1;
}
