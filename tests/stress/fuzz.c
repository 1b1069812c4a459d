// fuzz.c: a syscall fuzzer with a fixed seed: CALLS calls with random
// numbers and arguments (pointers into the kernel, unmapped space, page
// edges, huge lengths; own pointers only into a scratch buffer, so the app
// cannot damage itself). Never calls exit. Ends with "fuzz: done N calls".
#include "../bench/rt.h"

#define CALLS 12000

static char scratch[8192] __attribute__((aligned(4096)));
static u64 seed = 0x9e3779b97f4a7c15UL;

static u64 rnd(void) // xorshift64
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
}

static long arg(void)
{
    static const u64 fixed[] = {
        0, 1, 4095, 4096, 4097, 0x1000, 0x10000, 0x80000000UL, 0x80200000UL, 0x80400000UL,
        0x87fff000UL, 0x88000000UL, 0x3fffffffffUL, 0x4000000000UL, 0xffffffffc0000000UL,
        0xfffffffffffff000UL, ~0UL, 1UL << 63, 1UL << 40, 0x7fffffffUL, 0x40000000UL,
        0x3ffffff000UL, 0x3fffffe000UL,
    };
    switch (rnd() % 6) {
    case 0:
        return (long)fixed[rnd() % (sizeof fixed / sizeof fixed[0])];
    case 1: // inside the scratch buffer, or across its edges
        return (long)(scratch + rnd() % (sizeof scratch + 64)) - 32;
    case 2: // a page edge
        return (long)((rnd() % 0x100000) << 12) - (long)(rnd() % 3);
    case 3: // small numbers: fds, requests, lengths, prot bits
        return (long)(rnd() % 16) - 2;
    case 4: // the stack, around sp
    {
        char here;
        return (long)&here + (long)(rnd() % 0x4000) - 0x2000 + 0x1000;
    }
    default:
        return (long)rnd();
    }
}

// Own memory other than the scratch buffer: the image and the stack.
static int own_unsafe(long p)
{
    char here;
    u64 a = (u64)p, sp = (u64)&here;
    if (a + 16 > (u64)scratch && a < (u64)scratch + sizeof scratch) // the edges included
        return !(a >= (u64)scratch + 32 && a + 16 <= (u64)scratch + sizeof scratch - 32);
    return (a >= 0x80400000UL && a < 0x80800000UL) || (a >= 0x1000 && a < 0x200000) ||
           (a + 0x10000 > sp && a < sp + 0x10000);
}

static const long nums[] = {SYS_WRITE, SYS_YIELD, SYS_GET_TIME, SYS_TRACE, SYS_SBRK,
                            SYS_MUNMAP, SYS_MMAP, 0, 63, 172, 220, 221, 9999, -1};

int main_(u64 instret0, u64 time0)
{
    (void)instret0, (void)time0;
    for (u64 i = 0; i < sizeof scratch; i++)
        scratch[i] = (i % 64 == 63) ? '\n' : 'z';
    long n = 0;
    for (; n < CALLS; n++) {
        long id = nums[rnd() % (sizeof nums / sizeof nums[0])];
        if (rnd() % 16 == 0)
            id = (long)(rnd() % 1024);
        if (id == SYS_EXIT)
            id = SYS_YIELD;
        long a0 = arg(), a1 = arg(), a2 = arg();
        // Calls that store: never into the app's own code, data or stack
        // (ch3 allows it, and the app would only hurt itself), except scratch.
        if (id == SYS_TRACE && a0 == 1 && own_unsafe(a1))
            a1 = (long)scratch + 100;
        if (id == SYS_GET_TIME && own_unsafe(a0))
            a0 = (long)scratch + 200;
        if (id == SYS_SBRK && a0 > 0x100000)
            a0 = (long)(rnd() % 0x100000); // no point exhausting here: exhaust.c does
        sc(id, a0, a1, a2);
    }
    put_s("fuzz: done ");
    put_u((u64)n);
    put_s(" calls");
    put_end();
    return 0;
}
