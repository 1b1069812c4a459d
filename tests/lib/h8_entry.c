// h8_entry: bad thread entries, each in a child of its own: 0, a kernel
// address, an unmapped address, a data (non-executable) address, the
// trampoline and trap-context pages, and a thread that returns from its
// entry function (ra = 0). Each must kill the child with SPEC's fault
// line (waitpid: -1). Also a huge arg reaches a0 unchanged.
#include "h8rt.h"
static long data_word = 0x00100073; // ebreak's encoding: data, not code
static void returns(void *a) { (void)a; }
static void check_arg(void *a) { exit((unsigned long)a == 0xdeadbeefcafebabeUL ? 42 : 1); }

static long run_child(long entry, long arg)
{
    int pid = fork();
    if (pid == 0) {
        long tid = thread_create_raw(entry, arg);
        if (tid < 0)
            exit(100);
        int c = waittid(tid);
        exit(c == 42 ? 42 : 50);
    }
    int code = 77;
    waitpid(pid, &code);
    return code;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    expect_("h8_entry", "entry 0", run_child(0, 0), -1);
    expect_("h8_entry", "entry kernel 0x80200000", run_child(0x80200000L, 0), -1);
    expect_("h8_entry", "entry unmapped 0x10000000", run_child(0x10000000L, 0), -1);
    expect_("h8_entry", "entry data word", run_child((long)&data_word, 0), -1);
    expect_("h8_entry", "entry trampoline", run_child(-4096L, 0), -1);
    expect_("h8_entry", "entry trap context", run_child(-8192L, 0), -1);
    expect_("h8_entry", "entry -1", run_child(-1L, 0), -1);
    expect_("h8_entry", "entry 2^63", run_child((long)(1UL << 63), 0), -1);
    expect_("h8_entry", "thread returns from entry", run_child((long)returns, 0), -1);
    expect_("h8_entry", "huge arg reaches a0", run_child((long)check_arg, (long)0xdeadbeefcafebabeUL), 42);
    say("h8_entry: done, %d wrong\n", (long)fails_);
    return fails_;
}
