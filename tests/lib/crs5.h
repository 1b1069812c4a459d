// crs5.h: a user runtime that follows the C course's (uCore-Tutorial-Test)
// conventions, written for the chapter 5 compatibility test (cc5_*.c): an
// entry `_start` that only tail-calls __start_main(argc, argv), so argc and
// argv must arrive in a0 and a1; __start_main calls exit(main(argc, argv));
// raw ecalls with the C course's numbers, names and signatures (fork takes
// no arguments, wait(&c) is waitpid(-1, &c) with no retry loop, exit codes
// are ints); and printf with %d, %s and %c, one write per call, so a line
// is never cut by another process's line.
typedef unsigned long uint64;

#define SYS_write 64
#define SYS_exit 93
#define SYS_sched_yield 124
#define SYS_setpriority 140
#define SYS_getpid 172
#define SYS_getppid 173
#define SYS_clone 220
#define SYS_execve 221
#define SYS_wait4 260
#define SYS_spawn 400

#define NULL ((void *)0)

#include "ecall.h"

static inline long syscall(long id, long a0, long a1, long a2)
{
    return ecall3(id, a0, a1, a2);
}

// The entry: no stack set-up, no argument shuffling; the kernel's a0/a1
// are main's argc/argv as they stand.
asm(".section .text.entry, \"ax\"\n"
    ".globl _start\n"
    "_start:\n"
    "    tail __start_main\n"
    ".previous\n");

static __attribute__((unused)) int write(int fd, const void *buf, uint64 len)
{
    return (int)syscall(SYS_write, fd, (long)buf, (long)len);
}

static __attribute__((noreturn, unused)) void exit(int code)
{
    syscall(SYS_exit, code, 0, 0);
    for (;;)
        ;
}

static __attribute__((unused)) int getpid(void) { return (int)syscall(SYS_getpid, 0, 0, 0); }
static __attribute__((unused)) int getppid(void) { return (int)syscall(SYS_getppid, 0, 0, 0); }
static __attribute__((unused)) int sched_yield(void) { return (int)syscall(SYS_sched_yield, 0, 0, 0); }
static __attribute__((unused)) int fork(void) { return (int)syscall(SYS_clone, 0, 0, 0); }
static __attribute__((unused)) int set_priority(int prio) { return (int)syscall(SYS_setpriority, prio, 0, 0); }
static __attribute__((unused)) int spawn(char *file) { return (int)syscall(SYS_spawn, (long)file, 0, 0); }

static __attribute__((unused)) int waitpid(int pid, int *code)
{
    return (int)syscall(SYS_wait4, pid, (long)code, 0);
}

static __attribute__((unused)) int wait(int *code) { return waitpid(-1, code); }

// exec(name, argv): argv NULL is passed to the kernel as it is.
static __attribute__((unused)) int exec(char *name, char **argv)
{
    return (int)syscall(SYS_execve, (long)name, (long)argv, 0);
}

// printf: %d, %s, %c and %%; the text is gathered and written at once.
static char out_[256];
static int nout_;

static void out_c_(char c)
{
    if (nout_ < (int)sizeof out_)
        out_[nout_++] = c;
}

static void out_d_(long v)
{
    char d[24];
    int n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    if (v < 0)
        out_c_('-');
    do {
        d[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n)
        out_c_(d[--n]);
}

static __attribute__((unused)) int printf(const char *fmt, ...)
{
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    nout_ = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%' || !fmt[1]) {
            out_c_(*fmt);
            continue;
        }
        switch (*++fmt) {
        case 'd':
            out_d_(__builtin_va_arg(ap, int));
            break;
        case 'c':
            out_c_((char)__builtin_va_arg(ap, int));
            break;
        case 's': {
            const char *s = __builtin_va_arg(ap, const char *);
            for (s = s ? s : "(null)"; *s; s++)
                out_c_(*s);
            break;
        }
        default:
            out_c_(*fmt);
        }
    }
    __builtin_va_end(ap);
    return write(1, out_, nout_);
}

int main(int argc, char **argv);

// Called by _start with the registers the kernel set: a0 = argc, a1 = argv.
__attribute__((used)) void __start_main(int argc, char **argv)
{
    exit(main(argc, argv));
}
