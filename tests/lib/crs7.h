// crs7.h: the chapter 7 part of the C-course-style runtime (crs6.h on
// crs5.h): pipe and dup with the C course's numbers and signatures. The
// course's pipe takes `uint64 fd[2]`: the kernel writes two 64-bit fds.
#include "crs6.h"

#define SYS_dup 23
#define SYS_pipe2 59

static __attribute__((unused)) int pipe(uint64 fd[2])
{
    return (int)syscall(SYS_pipe2, (long)fd, 0, 0);
}

static __attribute__((unused)) int dup(int fd) { return (int)syscall(SYS_dup, fd, 0, 0); }

// The length of a NUL-terminated string.
static __attribute__((unused)) int strlen_(const char *s)
{
    int n = 0;
    while (s[n])
        n++;
    return n;
}
