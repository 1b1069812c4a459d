// worker.c: one of many concurrent apps (-DIDX=n): yields, writes, reads
// the time and checks its own memory; prints "worker NN: ok" and exits NN.
#include "../bench/rt.h"

static u64 mine[512];

int main_(u64 instret0, u64 time0)
{
    (void)instret0, (void)time0;
    u64 sum = 0;
    for (int k = 0; k < 512; k++)
        mine[k] = (u64)k * IDX + 7;
    for (int i = 0; i < 20; i++) {
        u64 tv[2];
        sc(SYS_GET_TIME, (long)tv, 0, 0);
        sc(SYS_YIELD, 0, 0, 0);
        for (int k = 0; k < 512; k++)
            sum += mine[k];
    }
    int ok = sum == 20 * (512UL * 511 / 2 * IDX + 7 * 512);
    put_s("worker ");
    put_u(IDX / 10);
    put_u(IDX % 10);
    put_s(ok ? ": ok" : ": memory changed");
    put_end();
    return IDX;
}
