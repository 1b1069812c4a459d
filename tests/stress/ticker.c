// ticker.c: computes and prints a numbered line now and then; it never
// yields, so only preemption lets it run while another program writes.
#include "mini.h"

int main_(void)
{
    volatile u64 x = 0;
    for (int t = 0; t < 40; t++) {
        for (int i = 0; i < 100000; i++)
            x += (u64)i;
        say("ticker: tick ", t);
    }
    return 0;
}
