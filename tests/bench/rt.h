// rt.h: a tiny runtime for outside programs (bench and stress apps): no book
// library, our own _start and ecalls. _start reads instret (bench builds:
// -DCOUNTERS; elsewhere U-mode may not read it, and it passes 0) and time
// first, so main_() learns when the program's first instruction ran.
typedef unsigned long u64;
typedef long i64;

#define SYS_WRITE 64
#define SYS_EXIT 93
#define SYS_YIELD 124
#define SYS_GET_TIME 169
#define SYS_SBRK 214
#define SYS_MUNMAP 215
#define SYS_MMAP 222
#define SYS_TRACE 410
#define SYS_GETPID 172
#define SYS_FORK 220
#define SYS_EXEC 221 // a0 = path, a1 = argv (NULL-terminated)
#define SYS_WAITPID 260 // a0 = pid or -1, a1 = int *exit code

#define SYS_BENCH_TICKS 498     // chapter 6 on, BENCH kernels only
#define SYS_BENCH_DISK_WAIT 499 // chapter 6 on, BENCH kernels only

#include "../lib/ecall.h"

static inline long sc(long id, long a0, long a1, long a2)
{
    return ecall3(id, a0, a1, a2);
}

// Chapter 6 on: the instructions the kernel has spent polling the disk for
// completed requests since boot. Their number depends on how fast QEMU's
// host does the transfer, so every figure leaves them out. 0 before.
__attribute__((unused)) static u64 disk_wait(void)
{
#if defined(CH) && CH >= 6
    return (u64)sc(SYS_BENCH_DISK_WAIT, 0, 0, 0);
#else
    return 0;
#endif
}

// Chapter 6 on: stop (0) or restart (1) the timer, so that no tick lands in
// a measurement: the disk's waiting moves them around from run to run.
__attribute__((unused)) static void ticks(int on)
{
#if defined(CH) && CH >= 6
    sc(SYS_BENCH_TICKS, on, 0, 0);
#else
    (void)on;
#endif
}

static inline u64 rdinstret(void)
{
    u64 x;
    asm volatile("rdinstret %0" : "=r"(x));
    return x;
}

// BEST_OF(best, batches, rounds, round...): best becomes the fewest
// instructions per round over `batches` batches of `rounds` runs of the
// statements `round`, each batch timed by rdinstret with the timer stopped.
// Between the two reads lie only the rounds and the loop's own few
// instructions. A macro, not a function taking the round: a call per round
// would be counted too. `round` may end the caller with return (a failure).
#define BEST_OF(best, batches, rounds, ...)         \
    do {                                            \
        (best) = ~0UL;                              \
        for (int b_ = 0; b_ < (batches); b_++) {    \
            ticks(0);                               \
            u64 t0_ = rdinstret();                  \
            for (int i_ = 0; i_ < (rounds); i_++) { \
                __VA_ARGS__;                        \
            }                                       \
            u64 t1_ = rdinstret();                  \
            ticks(1);                               \
            if ((t1_ - t0_) / (rounds) < (best))    \
                (best) = (t1_ - t0_) / (rounds);    \
        }                                           \
    } while (0)

int main_(u64 instret0, u64 time0);

// The very first instructions: instret and time, before anything else.
#ifdef COUNTERS
#define READ_INSTRET_A0 "    rdinstret a0\n"
#else
#define READ_INSTRET_A0 "    li a0, 0\n"
#endif
asm(".section .text.entry, \"ax\"\n"
    ".globl _start\n"
    "_start:\n"
    READ_INSTRET_A0
    "    rdtime a1\n"
    "    call main_\n"
    "    li a7, 93\n"
    "    ecall\n"
    "1:  j 1b\n"
    ".previous\n");

// One line is built here and printed with one write (lines never interleave).
static char line[160];
static int nline;

static void put_s(const char *s)
{
    while (*s && nline < (int)sizeof line - 1)
        line[nline++] = *s++;
}

static void put_u(u64 v)
{
    char d[24];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && nline < (int)sizeof line - 1)
        line[nline++] = d[--n];
}

__attribute__((unused)) static void put_i(i64 v)
{
    if (v < 0) {
        put_s("-");
        put_u((u64)0 - (u64)v);
    } else {
        put_u((u64)v);
    }
}

static void put_end(void)
{
    line[nline++] = '\n';
    sc(SYS_WRITE, 1, (long)line, nline);
    nline = 0;
}

// "bench: KEY VALUE": the runner parses these lines.
__attribute__((unused)) static void report(const char *key, u64 v)
{
    put_s("bench: ");
    put_s(key);
    put_s(" ");
    put_u(v);
    put_end();
}
