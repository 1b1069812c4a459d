// slice_b.c: the second program for the half-slice rule. It spins reading
// rdtime and measures each stretch it runs without a gap (a gap of more
// than 0.5 ms means another task ran): its first stretch starts after a
// tick, its second after slice_a yields with about 1 ms of the slice left.
// SPEC: each must last at least half a 10 ms slice before a tick preempts it.
#include "../bench/rt.h"

struct timeval {
    u64 sec, usec;
};

// Microseconds since boot; ends the program if get_time fails (a lab tree
// whose get_time is still a stub), rather than spinning on garbage.
static u64 now_us(void)
{
    struct timeval tv;
    if (sc(SYS_GET_TIME, (long)&tv, 0, 0) != 0) {
        put_s("slice_b: get_time failed");
        put_end();
        sc(SYS_EXIT, 1, 0, 0);
    }
    return tv.sec * 1000000 + tv.usec;
}

static u64 rdtime(void)
{
    u64 t;
    asm volatile("rdtime %0" : "=r"(t));
    return t;
}

int main_(u64 instret0, u64 time0)
{
    (void)instret0;
    u64 t0 = rdtime(), g0 = now_us();
    while (now_us() < g0 + 1000)
        ;
    u64 per_ms = (rdtime() - t0) * 1000 / (now_us() - g0);
    u64 run[2], start = time0, prev = rdtime(), t;
    for (int i = 0; i < 2; i++) {
        while ((t = rdtime()) - prev < per_ms / 2)
            prev = t;
        run[i] = (prev - start) * 1000 / per_ms; // us, up to the last read before the gap
        start = prev = t;
    }
    put_s("slice_b: ran ");
    put_u(run[0]);
    put_s(" us after a tick, ");
    put_u(run[1]);
    put_s(" us after a yield");
    put_end();
    int ok = run[0] >= 5000 && run[1] >= 5000;
    put_s(ok ? "slice_b: each dispatch ran at least half a slice"
             : "slice_b: FAILED, preempted before half a slice");
    put_end();
    return 0;
}
