// h8rt.h: the hostile tests' runtime on crs7.h (h8_*.c only): raw
// ecalls for the thread and synchronization calls with the C course's
// numbers (those crs8sync.h shares are in sys8.h; here waittid does not
// retry and mutex_create takes the kind), the memory and signal calls the
// hostile tests (h8_*.c) need, and
// say(), a printf whose buffer is on the caller's stack, so that threads
// preempted in the middle of a line never mix their text (crs5's printf
// keeps one static buffer).
#include "crs7.h"
#include "sys8.h"

#define SYS_sigprocmask 135
#define SYS_sbrk 214
#define SYS_munmap 215
#define SYS_mmap 222

#define SIGKILL 9
#define SIGUSR1 10
#define SIGSEGV 11
#define SIGSTOP 19
#define SIGCONT 18

#define U __attribute__((unused))
static U long thread_create_raw(long entry, long arg) { return syscall(SYS_thread_create, entry, arg, 0); }
static U int waittid(long tid) { return (int)syscall(SYS_waittid, tid, 0, 0); }
static U int mutex_create(int blocking) { return (int)syscall(SYS_mutex_create, blocking, 0, 0); }
static U long mmap(long start, long len, long prot) { return syscall(SYS_mmap, start, len, prot); }
static U long munmap(long start, long len) { return syscall(SYS_munmap, start, len, 0); }
static U long sbrk(long incr) { return syscall(SYS_sbrk, incr, 0, 0); }
static U int kill(int pid, int s) { return (int)syscall(SYS_kill, pid, s, 0); }
struct sigaction_ { uint64 handler; unsigned mask; };
static U int sigaction(int s, void (*h)(int)) {
    struct sigaction_ a = {(uint64)h, 0};
    return (int)syscall(SYS_sigaction, s, (long)&a, 0);
}
static U int sigreturn(void) { return (int)syscall(SYS_sigreturn, 0, 0, 0); }

// The kernel's layout (memlayout.h): where thread tid's stack sits.
#define USER_STACK_TOP_ ((1UL << 38) - 4096)
#define TSTACK_TOP(tid) (USER_STACK_TOP_ - (uint64)(tid) * (8192 + 4096))

struct sbuf_ { char b[200]; int n; };
static U void sb_c(struct sbuf_ *s, char c) { if (s->n < (int)sizeof s->b) s->b[s->n++] = c; }
static U void sb_d(struct sbuf_ *s, long v)
{
    char d[24];
    int n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    if (v < 0)
        sb_c(s, '-');
    do { d[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    while (n)
        sb_c(s, d[--n]);
}
static U void sb_x(struct sbuf_ *s, unsigned long u)
{
    sb_c(s, '0'); sb_c(s, 'x');
    for (int i = 60; i >= 0; i -= 4)
        if ((u >> i) || i == 0) sb_c(s, "0123456789abcdef"[(u >> i) & 15]);
}

// say("fmt", ...): %d (long), %x (unsigned long), %s; one write per line.
static U int say(const char *fmt, ...)
{
    struct sbuf_ s;
    s.n = 0;
    __builtin_va_list ap;
    __builtin_va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%' || !fmt[1]) { sb_c(&s, *fmt); continue; }
        switch (*++fmt) {
        case 'd': sb_d(&s, __builtin_va_arg(ap, long)); break;
        case 'x': sb_x(&s, __builtin_va_arg(ap, unsigned long)); break;
        case 's': { const char *p = __builtin_va_arg(ap, const char *); while (*p) sb_c(&s, *p++); break; }
        default: sb_c(&s, *fmt);
        }
    }
    __builtin_va_end(ap);
    return write(1, s.b, s.n);
}

static int fails_;
// check: print "name: PASS/FAIL (got x, want y)"
static U void expect_(const char *prog, const char *what, long got, long want)
{
    say("%s: %s: %s (got %d, want %d)\n", prog, what, got == want ? "ok" : "WRONG", got, want);
    fails_ += got != want;
}
