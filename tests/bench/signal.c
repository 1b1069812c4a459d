// signal.c (chapter 7 on): one signal round trip, all instructions counted
// (user and kernel): kill(getpid(), SIGUSR1) sent to oneself, the kernel's
// delivery on the way back to user mode, a handler that does nothing but
// call sigreturn, and the return to the instruction after the kill.
//   signal_round_trip   instructions per round, the cheapest of several
//                       batches of ROUNDS rounds (the loop's own few included)
//   signal_kill_ignored the same loop sending SIGURG, which is ignored by
//                       default: the kill call alone, for comparison
// A failed call makes the program exit with 1 instead of reporting.
#include "rt.h"

#define SYS_KILL 129
#define SYS_SIGACTION 134
#define SYS_SIGRETURN 139
#define SIGUSR1 10
#define SIGURG 23
#define ROUNDS 64
#define BATCHES 6

struct sigaction {
    u64 handler;
    unsigned mask;
};

static volatile long handled;

static void on_usr1(int signo)
{
    handled++;
    sc(SYS_SIGRETURN, 0, 0, 0);
}

// Instructions per kill(pid, s), the cheapest batch; ~0 on failure.
static u64 cost(long pid, int s)
{
    u64 best;
    BEST_OF(best, BATCHES, ROUNDS, if (sc(SYS_KILL, pid, s, 0) != 0) return ~0UL);
    return best;
}

int main_(u64 instret0, u64 time0)
{
    (void)instret0, (void)time0;
    struct sigaction act = {(u64)on_usr1, 0};
    long pid = sc(SYS_GETPID, 0, 0, 0);
    if (sc(SYS_SIGACTION, SIGUSR1, (long)&act, 0) != 0)
        return 1;
    u64 round = cost(pid, SIGUSR1), alone = cost(pid, SIGURG);
    if (round == ~0UL || alone == ~0UL || handled != ROUNDS * BATCHES)
        return 1;
    report("signal_round_trip", round);
    report("signal_kill_ignored", alone);
    return 0;
}
