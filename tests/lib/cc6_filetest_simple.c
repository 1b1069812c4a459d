// cc6_filetest_simple: write a file with CREATE|WRONLY, read it back with
// RDONLY; it stays on the disk for cc6_cat.
#include "crs6.h"

int main(int argc, char **argv)
{
    char text[] = "Hello, world!\n", buf[64] = {0};
    int fd = open("filea\0", O_CREATE | O_WRONLY);
    write(fd, text, sizeof text - 1);
    close(fd);
    fd = open("filea\0", O_RDONLY);
    int r = read(fd, buf, sizeof buf);
    close(fd);
    int ok = r == (int)sizeof text - 1 && same_(text, buf, r);
    printf("cc6_filetest_simple: read back %d bytes, as written: %s\n", r, ok ? "yes" : "no");
    return ok ? 0 : 1;
}
