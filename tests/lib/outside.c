// outside.c: a user program written outside the book: no user library, its own
// _start and ecalls (tests of APPS=dir, chapters 2 and 3).
static long sc(long id, long a0, long a1, long a2)
{
    register long x10 asm("a0") = a0;
    register long x11 asm("a1") = a1;
    register long x12 asm("a2") = a2;
    register long x17 asm("a7") = id;
    asm volatile("ecall" : "+r"(x10) : "r"(x11), "r"(x12), "r"(x17) : "memory");
    return x10;
}
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
