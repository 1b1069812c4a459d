// h8_race_close: one thread writes 512 KiB to a file (the kernel yields
// between 4 KiB pieces); preempted there, the main thread closes that fd
// (the last reference: the open file and its inode are released while the
// write still uses them), unlinks the file, and creates another one,
// which may get the same open-file slot and inode. The writer must not
// touch the new file; the end lines must show no open file or inode left
// and the image must stay consistent.
#include "h8rt.h"
static char buf[512 * 1024];
static volatile int started, finished;
static volatile long r1;
static int fd;
static void writer(void *a)
{
    (void)a;
    started = 1;
    r1 = write(fd, buf, sizeof buf);
    finished = 1;
    exit(0);
}
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = 'A';
    fd = open("h8victim", O_CREATE | O_RDWR);
    Stat vs;
    fstat(fd, &vs);
    thread_create(writer, 0);
    while (!started)
        sched_yield();
    long c = close(fd);
    long u = unlink("h8victim");
    int fd2 = open("h8other", O_CREATE | O_RDWR);
    write(fd2, "hello", 5);
    say("h8_race_close: close %d, unlink %d, new fd %d, writer finished: %d\n", c, u, (long)fd2,
        (long)finished);
    waittid(1);
    say("h8_race_close: writer's write returned %d\n", r1);
    Stat st;
    fstat(fd2, &st);
    close(fd2);
    fd2 = open("h8other", O_RDONLY);
    char b[8] = {0};
    long n = read(fd2, b, 5), total = n, r;
    while ((r = read(fd2, buf, sizeof buf)) > 0)
        total += r;
    say("h8_race_close: h8victim was inode %d; h8other: inode %d, first bytes %s, %d bytes long (want 5)\n",
        (long)vs.ino, (long)st.ino, b, total);
    close(fd2);
    unlink("h8other");
    say("h8_race_close: done (no panic)\n");
    return 0;
}
