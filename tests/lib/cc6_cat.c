// cc6_cat: print the file filea (left by cc6_filetest_simple) as it is.
#include "crs6.h"

int main(int argc, char **argv)
{
    char buf[256];
    int fd = open("filea\0", O_RDONLY), n;
    if (fd < 0)
        return 1;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        write(1, buf, n);
    close(fd);
    return 0;
}
