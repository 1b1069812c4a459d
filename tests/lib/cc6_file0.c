// cc6_file0: the C course's first file test, in its conventions: write a
// string to a new file, open it again, read it back and compare.
#include "crs6.h"

int main(int argc, char **argv)
{
    char text[] = "Hello, world!", buf[32] = {0};
    int fd = open("fname0\0", O_CREATE | O_WRONLY);
    int w = write(fd, text, 13);
    close(fd);
    fd = open("fname0\0", O_RDONLY);
    int r = read(fd, buf, sizeof buf);
    close(fd);
    printf("cc6_file0: wrote %d, read back %d, the same bytes: %s\n", w, r,
           r == 13 && same_(text, buf, 13) ? "yes" : "no");
    return r == 13 && same_(text, buf, 13) ? 0 : 1;
}
