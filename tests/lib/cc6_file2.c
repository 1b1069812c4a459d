// cc6_file2: three more names for one file make nlink 4; each name has the
// file's inode number; unlinking the original leaves 3 and the data readable
// through a link; unlinking two more leaves 1.
#include "crs6.h"

static int nlink_of(int fd, uint64 *ino)
{
    Stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    *ino = st.ino;
    return (int)st.nlink;
}

int main(int argc, char **argv)
{
    char text[] = "a file with four names", buf[32] = {0};
    uint64 ino0, ino;
    int fd = open("fname2\0", O_CREATE | O_WRONLY);
    write(fd, text, sizeof text);
    int links = link("fname2\0", "linkname0\0") + link("fname2\0", "linkname1\0") +
                link("fname2\0", "linkname2\0");
    int n4 = nlink_of(fd, &ino0);
    close(fd);
    int same_ino = 1;
    const char *names[] = {"linkname0\0", "linkname1\0", "linkname2\0"};
    for (int i = 0; i < 3; i++) {
        fd = open(names[i], O_RDONLY);
        same_ino &= nlink_of(fd, &ino) == 4 && ino == ino0;
        close(fd);
    }
    int u = unlink("fname2\0");
    fd = open("linkname1\0", O_RDONLY);
    int r = read(fd, buf, sizeof buf), n3 = nlink_of(fd, &ino);
    close(fd);
    unlink("linkname0\0"), unlink("linkname1\0");
    fd = open("linkname2\0", O_RDONLY);
    int n1 = nlink_of(fd, &ino);
    close(fd);
    printf("cc6_file2: links -> %d, nlink %d, one inode: %s, unlink -> %d, nlink %d, "
           "read through a link: %s, nlink %d\n", links, n4, same_ino ? "yes" : "no", u, n3,
           r == sizeof text && same_(text, buf, r) ? "yes" : "no", n1);
    return links == 0 && n4 == 4 && same_ino && u == 0 && n3 == 3 && n1 == 1 ? 0 : 1;
}
