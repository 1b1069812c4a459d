// slice_a.c: the first of two outside programs for the half-slice rule
// (SPEC: a dispatched task runs at least half a slice). Once preempted, it
// waits until 9 ms of its new slice have passed, then yields, leaving about
// 1 ms of that slice to slice_b. Run under -icount, so timing is exact.
// Its line is printed after the yield, so it does not count against slice_b.
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
        put_s("slice_a: get_time failed");
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
    (void)time0;
    // Ticks of rdtime per ms, measured over 1 ms of get_time.
    u64 t0 = rdtime(), g0 = now_us();
    while (now_us() < g0 + 1000)
        ;
    u64 per_ms = (rdtime() - t0) * 1000 / (now_us() - g0);
    // Spin until a gap of more than 0.5 ms: another task ran meanwhile,
    // and this one was dispatched again right after a tick.
    u64 prev = rdtime(), t;
    while ((t = rdtime()) - prev < per_ms / 2)
        prev = t;
    u64 resumed = t;
    while (rdtime() < resumed + 9 * per_ms)
        ;
    u64 ran = (rdtime() - resumed) * 1000 / per_ms;
    sc(SYS_YIELD, 0, 0, 0);
    u64 back = rdtime(); // run 2 ms more, so that slice_b sees a gap
    while (rdtime() < back + 2 * per_ms)
        ;
    put_s("slice_a: yielded ");
    put_u(ran);
    put_s(" us after a tick");
    put_end();
    return 0;
}
