// cc6_file3: ten times, a file of 50 writes of a 2950-byte string (about
// 147 KB, reaching the double-indirect block) is created, closed and
// unlinked.
#include "crs6.h"

static char line[2951];

int main(int argc, char **argv)
{
    const char *part = "some random long long long long long long long long string";
    int len = 0, bad = 0;
    for (int k = 0; k < 50; k++)
        for (const char *p = part; *p; p++)
            line[len++] = *p;
    for (int i = 0; i < 10; i++) {
        int fd = open("fname3\0", O_CREATE | O_WRONLY);
        if (fd < 0)
            bad++;
        for (int j = 0; j < 50; j++)
            bad += write(fd, line, len) != len;
        close(fd);
        bad += unlink("fname3\0") != 0;
    }
    int gone = open("fname3\0", O_RDONLY) < 0;
    printf("cc6_file3: 10 files of %d bytes written and unlinked, failures: %d, gone: %s\n",
           50 * len, bad, gone ? "yes" : "no");
    return bad == 0 && gone ? 0 : 1;
}
