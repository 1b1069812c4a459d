// yield.c: NT copies (-DIDX=0..NT-1) yield to each other. Copy 0 measures
// the cost of one full switch: a round of its loop is NT switches. Copies 0
// and 1 report when their first instruction ran (launch cost, first
// dispatch). All copies hold the same code, so each costs the same to load.
#include "rt.h"

#define WARM 4
#define BATCHES 4
#define N 16

volatile int idx = IDX; // in .data: the copies differ only here

int main_(u64 instret0, u64 time0)
{
    (void)time0;
    u64 before_first_yield = rdinstret();
    sc(SYS_YIELD, 0, 0, 0);
    for (int i = 0; i < WARM; i++)
        sc(SYS_YIELD, 0, 0, 0);
    if (idx != 0) {
        for (int i = 0; i < BATCHES * N + 2; i++)
            sc(SYS_YIELD, 0, 0, 0);
        if (idx == 1)
            report("y1_first_instr", instret0);
        return 0;
    }
    u64 best = ~0UL;
    for (int b = 0; b < BATCHES; b++) {
        u64 t0 = rdinstret();
        for (int i = 0; i < N; i++)
            sc(SYS_YIELD, 0, 0, 0);
        u64 d = rdinstret() - t0;
        if (d < best)
            best = d;
    }
    report("yield_x100", best * 100 / (N * NT));
    report("y0_first_instr", instret0);
    report("y0_before_yield", before_first_yield);
    return 0;
}
