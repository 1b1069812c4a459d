// h8_limits: 15 threads + main, then a 17th is refused; all reaped with
// their codes; then create/exit/waittid 10,000 times (the tid is 1 every
// time, nothing leaks: compare the kernel's end lines with h8_nothing's).
#include "h8rt.h"
static volatile int go;
static void spinner(void *a)
{
    while (!go)
        sched_yield();
    exit((int)(long)a);
}
static void quick(void *a) { exit((int)(long)a); }

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    int tids[16], bad = 0;
    for (long i = 1; i <= 15; i++) {
        tids[i] = thread_create(spinner, (void *)(100 + i));
        bad += tids[i] != i;
    }
    expect_("h8_limits", "15 threads get tids 1..15 (wrong ones)", bad, 0);
    expect_("h8_limits", "the 17th thread is refused", thread_create(spinner, 0), -1);
    expect_("h8_limits", "still refused", thread_create(quick, 0), -1);
    go = 1;
    bad = 0;
    for (long i = 1; i <= 15; i++)
        bad += waittid(tids[i]) != 100 + i;
    expect_("h8_limits", "15 exit codes through waittid (wrong ones)", bad, 0);
    int badtid = 0, badcode = 0;
    for (long i = 0; i < 10000; i++) {
        int t = thread_create(quick, (void *)(i & 0xff));
        badtid += t != 1;
        badcode += waittid(t) != (i & 0xff);
    }
    expect_("h8_limits", "10000 create/exit/waittid: tid not 1", badtid, 0);
    expect_("h8_limits", "10000 create/exit/waittid: wrong code", badcode, 0);
    // unreaped zombies hold their tids: 15 zombies, then the limit again
    for (long i = 1; i <= 15; i++)
        thread_create(quick, (void *)i);
    for (int i = 0; i < 50; i++)
        sched_yield();
    expect_("h8_limits", "15 unreaped zombies: create refused", thread_create(quick, 0), -1);
    bad = 0;
    for (long i = 1; i <= 15; i++)
        bad += waittid(i) != i;
    expect_("h8_limits", "the zombies reaped with their codes (wrong ones)", bad, 0);
    expect_("h8_limits", "after reaping, tid 1 again", thread_create(quick, (void *)9), 1);
    expect_("h8_limits", "its code", waittid(1), 9);
    say("h8_limits: done, %d wrong\n", (long)fails_);
    return fails_;
}
