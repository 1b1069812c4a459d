// mini.h: the least runtime an outside test program needs: ecalls, a
// _start that calls main_() and exits with its result, and one-line output.
// It reads no counters, so it runs on any kernel build.
typedef unsigned long u64;

#include "../lib/ecall.h"

static inline long sc(long id, long a0, long a1, long a2)
{
    return ecall3(id, a0, a1, a2);
}

int main_(void);

asm(".section .text.entry, \"ax\"\n"
    ".globl _start\n"
    "_start:\n"
    "    call main_\n"
    "    li a7, 93\n"
    "    ecall\n"
    "1:  j 1b\n"
    ".previous\n");

// Write "<s><n>\n" with one write call, so the line never splits.
__attribute__((unused)) static void say(const char *s, long n)
{
    char line[96];
    int k = 0;
    while (*s && k < 60)
        line[k++] = *s++;
    char d[24];
    int m = 0;
    unsigned long v = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
    do {
        d[m++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (n < 0)
        line[k++] = '-';
    while (m)
        line[k++] = d[--m];
    line[k++] = '\n';
    sc(64, 1, (long)line, k);
}
