// proc.c (chapter 5 on): the process calls, per iteration, each figure the
// cheapest of several batches (a batch a timer tick lands in costs more),
// all instructions counted: parent, child and kernel.
//   fork_exit_wait_16k    fork + child exit(0) + parent waitpid; this
//                         program's user memory is 16 KiB: text 4 KiB,
//                         data+bss 4 KiB (no rodata: the strings are in
//                         .data), user stack 8 KiB
//   fork_exec_exit_wait   fork + child exec("exit0") + exit(0) + waitpid
//   fork_exit_wait_1m     as the first, after sbrk(1 MiB) with every heap
//                         page touched (16 KiB + 1 MiB of user memory)
// A failed call makes the program exit with 1 instead of reporting.
#include "rt.h"

#define BATCHES 8

// In .data, like every string here, so the program has no .rodata page.
static char k_16k[] = "fork_exit_wait_16k", k_1m[] = "fork_exit_wait_1m",
            k_exec[] = "fork_exec_exit_wait", prefix[] = "bench: ", exit0[] = "exit0";
static char *exit0_argv[] = {exit0, 0};

static void say(const char *key, u64 v)
{
    put_s(prefix);
    put_s(key);
    line[nline++] = ' ';
    put_u(v);
    put_end();
}

// fork; the child execs exit0 (exec_it) or exits at once; the parent waits.
// Returns 0, or -1 if any call failed.
static int one(int exec_it)
{
    long pid = sc(SYS_FORK, 0, 0, 0);
    if (pid == 0) {
        if (exec_it)
            sc(SYS_EXEC, (long)exit0, (long)exit0_argv, 0);
        sc(SYS_EXIT, exec_it ? 2 : 0, 0, 0); // exec failed: code 2
    }
    int code = -1;
    if (pid < 0 || sc(SYS_WAITPID, pid, (long)&code, 0) != pid || code != 0)
        return -1;
    return 0;
}

// The cheapest of BATCHES batches of n iterations, per iteration; ~0 on failure.
static u64 measure(int exec_it, int n)
{
    u64 best = ~0UL;
    for (int b = 0; b < BATCHES; b++) {
        u64 w0 = disk_wait(), t0 = rdinstret();
        for (int i = 0; i < n; i++)
            if (one(exec_it) < 0)
                return ~0UL;
        u64 d = rdinstret() - t0 - (disk_wait() - w0); // chapter 6: exec reads the disk
        if (d < best)
            best = d;
    }
    return best / n;
}

int main_(u64 instret0, u64 time0)
{
    (void)instret0, (void)time0;
    u64 f16 = measure(0, 4), fexec = measure(1, 4);
    if (f16 == ~0UL || fexec == ~0UL)
        return 1;
    say(k_16k, f16);
    say(k_exec, fexec);
    // Grow the heap by 1 MiB and touch every page: the child must copy them.
    long old = sc(SYS_SBRK, 1 << 20, 0, 0);
    if (old <= 0)
        return 1;
    for (long a = old; a < old + (1 << 20); a += 4096)
        *(volatile char *)a = 1;
    u64 f1m = measure(0, 1);
    if (f1m == ~0UL)
        return 1;
    say(k_1m, f1m);
    return 0;
}
