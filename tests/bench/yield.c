// yield.c: NT copies (-DIDX=0..NT-1) yield to each other. Copy 0 measures
// the cost of one full switch: a round of its loop is NT switches. Copies 0
// and 1 report when their first instruction ran (launch cost, first
// dispatch). All copies hold the same code, so each costs the same to load.
// Chapter 5 on, the kernel starts one program: copy 0 forks the other NT-1
// (child i becomes copy i), takes the same measurement, then waits for them;
// there is no launch to report.
#include "rt.h"

#define WARM 4
#define BATCHES 4
#define N 16

volatile int idx = IDX; // in .data: the copies differ only here

int main_(u64 instret0, u64 time0)
{
    (void)time0;
#if CH >= 5
    for (int i = 1; i < NT; i++) {
        long pid = sc(SYS_FORK, 0, 0, 0);
        if (pid < 0)
            return 1;
        if (pid == 0) {
            idx = i;
            break;
        }
    }
#endif
    u64 before_first_yield = rdinstret();
    sc(SYS_YIELD, 0, 0, 0);
    for (int i = 0; i < WARM; i++)
        sc(SYS_YIELD, 0, 0, 0);
    if (idx != 0) {
        for (int i = 0; i < BATCHES * N + 2; i++)
            sc(SYS_YIELD, 0, 0, 0);
#if CH < 5
        if (idx == 1)
            report("y1_first_instr", instret0);
#endif
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
#if CH >= 5
    (void)before_first_yield;
    int code = 0;
    for (int i = 1; i < NT; i++)
        if (sc(SYS_WAITPID, -1, (long)&code, 0) < 0 || code != 0)
            return 1;
#else
    report("y0_first_instr", instret0);
    report("y0_before_yield", before_first_yield);
#endif
    return 0;
}
