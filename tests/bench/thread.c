// thread.c (chapter 8 on): the thread calls, all instructions counted (the
// creating thread, the new thread and the kernel), timer ticks off:
//   thread_create_exit_wait  thread_create of a thread whose first act is
//                            exit(0) + waittid for it, per round, the
//                            cheapest of several batches of ROUNDS rounds
// A failed call makes the program exit with 1 instead of reporting.
#include "rt.h"

#define SYS_THREAD_CREATE 460
#define SYS_WAITTID 462
#define ROUNDS 16
#define BATCHES 6

// The new thread: exit(0) at once (a thread must not return: ra is 0).
static void quit(long arg)
{
    (void)arg;
    sc(SYS_EXIT, 0, 0, 0);
}

// Instructions per create + exit + waittid, the cheapest batch; ~0 on failure.
static u64 cost(void)
{
    u64 best;
    BEST_OF(best, BATCHES, ROUNDS, long tid = sc(SYS_THREAD_CREATE, (long)quit, 0, 0);
            if (tid != 1 || sc(SYS_WAITTID, tid, 0, 0) != 0) return ~0UL);
    return best;
}

int main_(u64 instret0, u64 time0)
{
    (void)instret0, (void)time0;
    u64 c = cost();
    if (c == ~0UL)
        return 1;
    report("thread_create_exit_wait", c);
    return 0;
}
