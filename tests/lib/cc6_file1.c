// cc6_file1: fstat of a new file: mode FILE and one link.
#include "crs6.h"

int main(int argc, char **argv)
{
    Stat st;
    int fd = open("fname1\0", O_CREATE | O_WRONLY);
    int r = fstat(fd, &st);
    close(fd);
    int ok = r == 0 && st.mode == FILE && st.nlink == 1;
    printf("cc6_file1: fstat -> %d, mode FILE: %s, nlink = %d\n", r, st.mode == FILE ? "yes" : "no",
           (int)st.nlink);
    return ok ? 0 : 1;
}
