// fs.c (chapter 6 on): the file calls, each figure the cheapest of several
// batches, all instructions counted (user and kernel) except those the kernel
// spent polling the disk for a request to complete: a BENCH kernel adds those
// up and returns the total from call SYS_BENCH_DISK_WAIT (rt.h), and every
// figure here has them taken out (the device's speed is QEMU's, not the kernel's).
//   write_64k_per_byte_x100  create a new file, 128 writes of 512 bytes,
//                            close; per byte, times 100
//   read_64k_per_byte_x100   open it, 128 reads of 512 bytes, close
//   open_close               open + close of an existing file
// A failed call makes the program exit with 1 instead of reporting.
#include "rt.h"

#define SYS_OPEN 56
#define SYS_CLOSE 57
#define SYS_READ 63
#define O_RDONLY 0
#define O_RDWR 2
#define O_CREATE 0x200

#define CHUNK 512
#define FILE_BYTES (64 * 1024)
#define BATCHES 6
#define OPENS 64

static char buf[CHUNK] __attribute__((aligned(8)));
static char name[] = "bench_f0";

// What every write writes: byte j of each 512 bytes.
static char pattern(int j)
{
    return (char)(j * 7 + 1);
}

// Create file name (it does not exist yet) and fill it; 0 or -1.
static int write_file(void)
{
    long fd = sc(SYS_OPEN, (long)name, O_CREATE | O_RDWR, 0);
    if (fd < 0)
        return -1;
    for (int i = 0; i < FILE_BYTES / CHUNK; i++)
        if (sc(SYS_WRITE, fd, (long)buf, CHUNK) != CHUNK)
            return -1;
    return sc(SYS_CLOSE, fd, 0, 0);
}

// Read file name to its end; with check, every byte must be pattern(j).
// 0 or -1.
static int read_all(int check)
{
    long fd = sc(SYS_OPEN, (long)name, O_RDONLY, 0);
    if (fd < 0)
        return -1;
    for (int i = 0; i < FILE_BYTES / CHUNK; i++) {
        if (sc(SYS_READ, fd, (long)buf, CHUNK) != CHUNK)
            return -1;
        for (int j = 0; check && j < CHUNK; j++)
            if (buf[j] != pattern(j))
                return -1;
    }
    if (sc(SYS_READ, fd, (long)buf, CHUNK) != 0)
        return -1;
    return sc(SYS_CLOSE, fd, 0, 0);
}

static int read_file(void)
{
    return read_all(0);
}

// Instructions of f() without the disk's waiting; ~0 on failure.
static u64 cost(int (*f)(void))
{
    ticks(0);
    u64 w0 = disk_wait(), t0 = rdinstret();
    int r = f();
    u64 t1 = rdinstret(), w1 = disk_wait();
    ticks(1);
    return r < 0 ? ~0UL : (t1 - t0) - (w1 - w0);
}

static int open_close(void)
{
    for (int i = 0; i < OPENS; i++) {
        long fd = sc(SYS_OPEN, (long)name, O_RDONLY, 0);
        if (fd < 0 || sc(SYS_CLOSE, fd, 0, 0) != 0)
            return -1;
    }
    return 0;
}

int main_(u64 instret0, u64 time0)
{
    (void)instret0, (void)time0;
    u64 wr = ~0UL, rd = ~0UL, oc = ~0UL;
    for (int b = 0; b < BATCHES; b++) {
        name[7] = (char)('0' + b); // a new file each batch
        for (int j = 0; j < CHUNK; j++)
            buf[j] = pattern(j);
        u64 c = cost(write_file);
        u64 r = cost(read_file);
        u64 o = cost(open_close);
        // The bytes are checked outside the measured reads.
        if (c == ~0UL || r == ~0UL || o == ~0UL || read_all(1) < 0)
            return 1;
        wr = c < wr ? c : wr;
        rd = r < rd ? r : rd;
        oc = o / OPENS < oc ? o / OPENS : oc;
    }
    report("write_64k_per_byte_x100", wr * 100 / FILE_BYTES);
    report("read_64k_per_byte_x100", rd * 100 / FILE_BYTES);
    report("open_close", oc);
    return 0;
}
