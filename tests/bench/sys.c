// sys.c: single-task figures, measured from user mode with rdinstret:
// the null syscall, getpid (CH >= 5), write of 1 byte, mmap + touch +
// munmap of a page (CH >= 4) and the timer-interrupt path. Each figure is the cheapest of several
// batches (a batch that a timer tick lands in costs more), per iteration,
// loop included. Built with -DCH=<chapter>.
#include "rt.h"

#define BATCHES 8
#define N 64

static u64 best = ~0UL;
static void keep(u64 t0)
{
    u64 d = rdinstret() - t0;
    if (d < best)
        best = d;
}
static u64 take(void)
{
    u64 b = best;
    best = ~0UL;
    return b / N;
}

int main_(u64 instret0, u64 time0)
{
    report("first_instr", instret0);
    report("first_time", time0);

#if CH >= 3
    // The null syscall: trace with an unknown request returns -1 at once.
    for (int b = 0; b < BATCHES; b++) {
        u64 t0 = rdinstret();
        for (int i = 0; i < N; i++)
            sc(SYS_TRACE, 99, 0, 0);
        keep(t0);
    }
    report("null_syscall", take());
#endif

#if CH >= 5
    // getpid: the cheapest real call, a read of the process's own slot.
    for (int b = 0; b < BATCHES; b++) {
        u64 t0 = rdinstret();
        for (int i = 0; i < N; i++)
            sc(SYS_GETPID, 0, 0, 0);
        keep(t0);
    }
    report("getpid", take());
#endif

    // write(1, ".", 1)
    for (int b = 0; b < 2; b++) {
        u64 t0 = rdinstret();
        for (int i = 0; i < N; i++)
            sc(SYS_WRITE, 1, (long)".", 1);
        keep(t0);
    }
    sc(SYS_WRITE, 1, (long)"\n", 1);
    report("write_1byte", take());

#if CH >= 4
    // mmap + touch + munmap of one page
    long bad = 0;
    for (int b = 0; b < BATCHES; b++) {
        u64 t0 = rdinstret();
        for (int i = 0; i < N; i++) {
            bad |= sc(SYS_MMAP, 0x40000000L, 4096, 3);
            *(volatile char *)0x40000000L = 1;
            bad |= sc(SYS_MUNMAP, 0x40000000L, 4096, 0);
        }
        keep(t0);
    }
    if (bad == 0)
        report("mmap_touch_munmap", take());
#endif

#if CH >= 3
    // The timer-interrupt path: spin reading instret; a gap is an interrupt
    // (one task: the kernel's yield finds no other task and comes back).
    u64 prev = rdinstret(), step = ~0UL, gap = ~0UL;
    int seen = 0;
    while (seen < 3) {
        u64 now = rdinstret(), d = now - prev;
        prev = now;
        if (d < step)
            step = d;
        if (d > 50) {
            seen++;
            if (d < gap)
                gap = d;
        }
    }
    report("timer_interrupt", gap - step);
#endif
    return 0;
}
