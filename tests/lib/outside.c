// outside.c: a user program written outside the book: no user library, its own
// _start and ecalls (tests of APPS=dir, chapters 2 and 3).
#include "ecall.h"

#define sc ecall3

static char msg[] = "outside: NNNN\n";
__attribute__((section(".text.entry"))) void _start(void)
{
    long sum = 0;
    for (int i = 1; i <= 100; i++)
        sum += i; /* 5050 */
    for (int k = 12; k >= 9; k--) {
        msg[k] = '0' + sum % 10;
        sum /= 10;
    }
    sc(64, 1, (long)msg, sizeof msg - 1);
    sc(93, 17, 0, 0);
    for (;;)
        ;
}
