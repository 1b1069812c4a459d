// crs6.h: the chapter 6 part of the C-course-style runtime (crs5.h): the
// file calls with the C course's numbers, names and argument order
// (open(path, flags) with a1 = flags, link and unlink through linkat and
// unlinkat with AT_FDCWD, fstat into a Stat with the course's field names
// and modes), for the compatibility programs cc6_*.c.
#include "crs5.h"

#define SYS_unlinkat 35
#define SYS_linkat 37
#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_fstat 80

#define O_RDONLY 0x000
#define O_WRONLY 0x001
#define O_RDWR 0x002
#define O_CREATE 0x200
#define O_TRUNC 0x400
#define AT_FDCWD -100

typedef enum { DIR = 0x040000, FILE = 0x100000 } StatMode;

typedef struct {
    uint64 dev;     // the device: 0
    uint64 ino;     // the inode number
    StatMode mode;  // DIR or FILE
    unsigned nlink; // names of the inode
    uint64 pad[7];
} Stat;

// a0..a4 for linkat, which has five arguments.
static inline long ecall5(long id, long a0, long a1, long a2, long a3, long a4)
{
    register long x10 asm("a0") = a0;
    register long x11 asm("a1") = a1;
    register long x12 asm("a2") = a2;
    register long x13 asm("a3") = a3;
    register long x14 asm("a4") = a4;
    register long x17 asm("a7") = id;
    asm volatile("ecall" : "+r"(x10) : "r"(x11), "r"(x12), "r"(x13), "r"(x14), "r"(x17) : "memory");
    return x10;
}

static __attribute__((unused)) int open(const char *path, int flags)
{
    return (int)syscall(SYS_openat, (long)path, flags, 0);
}

static __attribute__((unused)) int close(int fd) { return (int)syscall(SYS_close, fd, 0, 0); }

static __attribute__((unused)) int read(int fd, void *buf, uint64 len)
{
    return (int)syscall(SYS_read, fd, (long)buf, (long)len);
}

static __attribute__((unused)) int fstat(int fd, Stat *st)
{
    return (int)syscall(SYS_fstat, fd, (long)st, 0);
}

static __attribute__((unused)) int link(const char *old, const char *new_name)
{
    return (int)ecall5(SYS_linkat, AT_FDCWD, (long)old, AT_FDCWD, (long)new_name, 0);
}

static __attribute__((unused)) int unlink(const char *path)
{
    return (int)syscall(SYS_unlinkat, AT_FDCWD, (long)path, 0);
}

static __attribute__((unused)) int same_(const char *a, const char *b, int n)
{
    for (int i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}
