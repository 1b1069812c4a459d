// h8_fp: 6 threads do the same long floating-point computation at once,
// preempted by the timer in the middle; each result must equal the one
// the main thread gets alone (f registers are per thread).
#include "h8rt.h"
static double work(long seed)
{
    register double a = 1.0 + seed, b = 0.5, c = 0.0;
    for (long i = 0; i < 400000; i++) {
        c = c * 0.999 + a * b;
        a = a * 1.0000001 + 0.25;
        b = b * 0.9999999 + 0.125 / (a + 1.0);
    }
    return c;
}
static volatile double out[8];
static void th(void *a) { long k = (long)a; out[k] = work(k % 2); exit(0); }
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    double alone0 = work(0), alone1 = work(1);
    for (long k = 1; k <= 6; k++)
        thread_create(th, (void *)k);
    double m = work(0);
    for (long k = 1; k <= 6; k++)
        waittid(k);
    int bad = m != alone0;
    for (long k = 1; k <= 6; k++)
        bad += out[k] != (k % 2 ? alone1 : alone0);
    expect_("h8_fp", "threads' results differing from a lone run", bad, 0);
    say("h8_fp: done, %d wrong\n", (long)fails_);
    return fails_;
}
