// ecall.h: one system call from an outside test program, which has no book
// library: a7 = id, a0..a2 = arguments; the result comes back in a0. The
// runtimes of the bench, stress and compatibility programs all build on it.
#ifndef ECALL_H
#define ECALL_H

static inline long ecall3(long id, long a0, long a1, long a2)
{
    register long x10 asm("a0") = a0;
    register long x11 asm("a1") = a1;
    register long x12 asm("a2") = a2;
    register long x17 asm("a7") = id;
    asm volatile("ecall" : "+r"(x10) : "r"(x11), "r"(x12), "r"(x17) : "memory");
    return x10;
}

#endif
