// crs8sync.h: the chapter 8 synchronization part of the C-course-style
// runtime (crs7.h below it; the call numbers and the wrappers h8rt.h shares
// are in sys8.h): threads, mutexes, semaphores, condition variables and
// deadlock detection with the C course's numbers, names and signatures
// (mutex_create() yields, mutex_blocking_create() blocks;
// waittid retries while the kernel says -2), its millisecond clock and
// sleep (a yield loop), assert and assert_eq that end the program with -1,
// and a printf whose line is built on the caller's stack, since threads
// share the runtime's static buffer otherwise.
#include "crs7.h"
#include "sys8.h"

#define SYS_gettimeofday 169

#define U_ static __attribute__((unused))

U_ int waittid(int tid)
{
    int r;
    while ((r = (int)syscall(SYS_waittid, tid, 0, 0)) == -2)
        sched_yield();
    return r;
}
U_ int mutex_create(void) { return (int)syscall(SYS_mutex_create, 0, 0, 0); }
U_ int mutex_blocking_create(void) { return (int)syscall(SYS_mutex_create, 1, 0, 0); }

// The course's clock: milliseconds from gettimeofday; sleep yields until then.
U_ long get_mtime(void)
{
    uint64 tv[2];
    syscall(SYS_gettimeofday, (long)tv, 0, 0);
    return (long)(tv[0] * 1000 + tv[1] / 1000);
}
U_ int sleep(long ms)
{
    long until = get_mtime() + ms;
    while (get_mtime() < until)
        sched_yield();
    return 0;
}

// printf with the line on the caller's stack: %d, %s, %c, %%.
static void put_d_(char *b, int *n, long v)
{
    char d[24];
    int k = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    if (v < 0 && *n < 255)
        b[(*n)++] = '-';
    do
        d[k++] = (char)('0' + u % 10);
    while (u /= 10);
    while (k && *n < 255)
        b[(*n)++] = d[--k];
}
U_ int tprintf(const char *fmt, ...)
{
    char b[256];
    int n = 0;
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    for (; *fmt && n < 255; fmt++) {
        if (*fmt != '%' || !fmt[1]) {
            b[n++] = *fmt;
        } else if (*++fmt == 'd') {
            put_d_(b, &n, __builtin_va_arg(ap, int));
        } else if (*fmt == 'c') {
            b[n++] = (char)__builtin_va_arg(ap, int);
        } else if (*fmt == 's') {
            for (const char *s = __builtin_va_arg(ap, const char *); s && *s && n < 255; s++)
                b[n++] = *s;
        } else {
            b[n++] = *fmt;
        }
    }
    __builtin_va_end(ap);
    return write(1, b, (uint64)n);
}
#define printf tprintf

U_ int puts(const char *s)
{
    return tprintf("%s\n", s);
}

#define assert(c) ((c) ? (void)0 : (tprintf("assert failed: %s, line %d\n", #c, __LINE__), exit(-1)))
#define assert_eq(a, b) assert((a) == (b))
