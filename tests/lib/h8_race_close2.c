// h8_race_close2: thread 1 writes 512 KiB of 'A' to h8victim (the kernel
// yields between 4 KiB pieces); preempted there, the main thread closes
// that fd and opens another file, h8other, writing nothing to it. The
// new open file may take the closed one's slot: then the rest of thread
// 1's write goes into h8other. SPEC: h8other stays empty.
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
static long size_of(const char *name)
{
    int f = open(name, O_RDONLY);
    long total = 0, r;
    while ((r = read(f, buf, sizeof buf)) > 0)
        total += r;
    close(f);
    return total;
}
int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = 'A';
    fd = open("h8victim", O_CREATE | O_RDWR);
    thread_create(writer, 0);
    while (!started)
        sched_yield();
    long c = close(fd);
    int fd2 = open("h8other", O_CREATE | O_RDWR);
    say("h8_race_close2: close %d, new fd %d, writer finished: %d\n", c, (long)fd2, (long)finished);
    waittid(1);
    close(fd2);
    say("h8_race_close2: writer's write returned %d; h8victim has %d bytes, h8other has %d bytes (want 0)\n",
        r1, size_of("h8victim"), size_of("h8other"));
    unlink("h8victim");
    unlink("h8other");
    return 0;
}
