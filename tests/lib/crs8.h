// crs8.h: the chapter 8 part of the C-course-style runtime (crs7.h on
// crs6.h on crs5.h): the thread calls with the C course's numbers and
// signatures, for the compatibility programs cc8_*.c. printf there keeps
// one static buffer, so only one thread of a program may use it at a time;
// putchar writes its byte at once.
#include "crs7.h"

#define SYS_gettid 178
#define SYS_thread_create 460
#define SYS_waittid 462

static __attribute__((unused)) int thread_create(void *entry, void *arg)
{
    return (int)syscall(SYS_thread_create, (long)entry, (long)arg, 0);
}

static __attribute__((unused)) int gettid(void) { return (int)syscall(SYS_gettid, 0, 0, 0); }

static __attribute__((unused)) int waittid(int tid) { return (int)syscall(SYS_waittid, tid, 0, 0); }

static __attribute__((unused)) int putchar(int c)
{
    char b = (char)c;
    return write(1, &b, 1) == 1 ? c : -1;
}
