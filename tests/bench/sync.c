// sync.c (chapter 8 on): uncontended synchronization calls, all
// instructions counted (user and kernel), the cheapest of several batches:
//   mutex_pair_blocking  mutex_lock + mutex_unlock of a free blocking mutex
//   mutex_pair_yielding  the same with a yielding ("spinning") mutex
//   sem_pair             semaphore_down + semaphore_up with a free unit
// A failed call makes the program exit with 1 instead of reporting.
#include "rt.h"

#define SYS_MUTEX_CREATE 463
#define SYS_MUTEX_LOCK 464
#define SYS_MUTEX_UNLOCK 466
#define SYS_SEMAPHORE_CREATE 467
#define SYS_SEMAPHORE_UP 468
#define SYS_SEMAPHORE_DOWN 470
#define ROUNDS 64
#define BATCHES 6

// Instructions per (take, give) pair on object id, the cheapest batch; ~0 on failure.
static u64 cost(long take, long give, long id)
{
    u64 best;
    BEST_OF(best, BATCHES, ROUNDS,
            if (sc(take, id, 0, 0) != 0 || sc(give, id, 0, 0) != 0) return ~0UL);
    return best;
}

int main_(u64 instret0, u64 time0)
{
    (void)instret0, (void)time0;
    long blocking = sc(SYS_MUTEX_CREATE, 1, 0, 0), yielding = sc(SYS_MUTEX_CREATE, 0, 0, 0);
    long sem = sc(SYS_SEMAPHORE_CREATE, 1, 0, 0);
    if (blocking < 0 || yielding < 0 || sem < 0)
        return 1;
    u64 b = cost(SYS_MUTEX_LOCK, SYS_MUTEX_UNLOCK, blocking);
    u64 y = cost(SYS_MUTEX_LOCK, SYS_MUTEX_UNLOCK, yielding);
    u64 s = cost(SYS_SEMAPHORE_DOWN, SYS_SEMAPHORE_UP, sem);
    if (b == ~0UL || y == ~0UL || s == ~0UL)
        return 1;
    report("mutex_pair_blocking", b);
    report("mutex_pair_yielding", y);
    report("sem_pair", s);
    return 0;
}
