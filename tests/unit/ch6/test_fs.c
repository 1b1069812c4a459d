// Host unit tests of chapter 6's disk layout (kernel/fs.c) under ASan and
// UBSan, on image files through mkfs's own block device (tools/image.c) and
// checked with mkfs's fsck (tools/fsck.c). Run by tests/unit/test_ch6_units.sh.
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"
#include "bcache.h"
#include "fs.h"
#include "mkfs.h"

static int failures;
static const char *image;

// PASS name, or FAIL name: details.
static void check(int ok, const char *name, const char *fmt, ...)
{
    va_list ap;
    printf("%s %s", ok ? "PASS" : "FAIL", name);
    if (!ok && fmt) {
        printf(": ");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
    }
    printf("\n");
    failures += !ok;
}

// A repeatable xorshift generator: the same numbers on every run.
static uint64 rng = 88172645463325252ull;
static uint64 next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void fill(uint8 *p, uint64 n)
{
    for (uint64 i = 0; i < n; i++)
        p[i] = (uint8)next_rand();
}

// A fresh image of size bytes, formatted and mounted; 0 or -1.
static int fresh(uint64 size, uint32 ninodes)
{
    const char *why = "";
    bcache_flush(); // the previous image's last changes, before it is replaced
    struct block_device *dev = image_create(image, size);
    if (dev == 0 || fs_format(dev, ninodes) < 0)
        return -1;
    bcache_init(dev);
    if (fs_mount(dev, &why) < 0) {
        printf("     | mount: %s\n", why);
        return -1;
    }
    return 0;
}

// Write the cache back, open the image file again, mount it: 0 or -1.
static int remount(void)
{
    const char *why = "";
    if (bcache_flush() < 0 || image_close() < 0)
        return -1;
    struct block_device *dev = image_open(image, 1);
    if (dev == 0)
        return -1;
    bcache_init(dev);
    return fs_mount(dev, &why);
}

static int64 write_at(uint32 inum, uint64 off, const void *buf, uint64 n)
{
    struct copier c;
    copier_memory(&c, (void *)buf);
    return inode_write_at(inum, off, n, &c);
}

static int64 read_at(uint32 inum, uint64 off, void *buf, uint64 n)
{
    struct copier c;
    copier_memory(&c, buf);
    return inode_read_at(inum, off, n, &c);
}

// A new file called name: its inode, or -1.
static int create(const char *name)
{
    int inum = inode_alloc(T_FILE);
    if (inum < 0 || dir_add(name, inum) < 0 || inode_set_nlink(inum, 1) < 0)
        return -1;
    return inum;
}

// Remove name and free its inode: 0 or -1.
static int delete(const char *name)
{
    uint32 inum;
    return dir_remove(name, &inum) == 0 && inode_free(inum) == 0 ? 0 : -1;
}

static uint32 file_size(uint32 inum)
{
    struct disk_inode di;
    return inode_get(inum, &di) == 0 ? di.size : 0xffffffff;
}

// fsck finds nothing wrong (its lines, if any, are printed above).
static void check_clean(const char *when)
{
    char name[160];
    snprintf(name, sizeof name, "mkfs's check finds the image consistent %s", when);
    int n = fs_check();
    check(n == 0, name, "%d problems", n);
}

// Appending writes of random lengths, then reads at random offsets and
// lengths, all compared with a copy in memory; then overwrites inside.
static void test_random_lengths(void)
{
    enum { MAX = 300 * 1024 };
    uint8 *want = malloc(MAX), *got = malloc(MAX), *buf = malloc(MAX);
    int inum = create("random");
    uint64 size = 0;
    int ok = inum >= 0;
    while (ok && size < MAX - 5000) {
        uint64 n = next_rand() % 5000;
        fill(want + size, n);
        ok = write_at(inum, size, want + size, n) == (int64)n;
        size += n;
    }
    check(ok && file_size(inum) == size, "random-length appends reach the expected size", "size %u",
          file_size(inum));
    int reads_ok = 1;
    for (int k = 0; k < 400 && ok; k++) {
        uint64 off = next_rand() % (size + 1), n = next_rand() % 9000;
        uint64 expect = off + n > size ? size - off : n;
        int64 r = read_at(inum, off, got, n);
        if (r != (int64)expect || memcmp(got, want + off, expect) != 0)
            reads_ok = 0;
    }
    check(reads_ok, "400 reads at random offsets and lengths return the bytes written", 0);
    for (int k = 0; k < 100 && ok; k++) {
        uint64 off = next_rand() % size, n = next_rand() % 3000;
        n = off + n > size ? size - off : n;
        fill(want + off, n);
        ok = write_at(inum, off, want + off, n) == (int64)n;
    }
    check(ok && remount() == 0 && read_at(inum, 0, buf, MAX) == (int64)size &&
              memcmp(buf, want, size) == 0 && file_size(inum) == size,
          "overwrites inside the file read back after a remount", 0);
    check(read_at(inum, size, got, 10) == 0 && read_at(inum, size + 100, got, 10) == 0,
          "a read at or past the end returns 0", 0);
    check(write_at(inum, size + 1, want, 1) == -1, "a write that would leave a hole returns -1", 0);
    free(want), free(got), free(buf);
}

// Grow a file through the direct, single- and double-indirect levels,
// counting the data and index blocks each step takes; then truncate it.
static void test_growth_and_truncation(void)
{
    static uint8 want[300 * BSIZE], got[300 * BSIZE];
    uint32 free0 = fs_free_blocks();
    int inum = create("grow");
    fill(want, sizeof want);
    // {file size after the write, blocks in use: data + index}
    static const struct { uint32 size, blocks; } steps[] = {
        {NDIRECT * BSIZE, NDIRECT},                                    // direct only
        {NDIRECT * BSIZE + 1, NDIRECT + 1 + 1},                        // + a single table
        {(NDIRECT + NINDIRECT) * BSIZE, NDIRECT + NINDIRECT + 1},      // single table full
        {(NDIRECT + NINDIRECT) * BSIZE + 1, NDIRECT + NINDIRECT + 4},  // + double, + a table
        {(NDIRECT + 2 * NINDIRECT) * BSIZE + 1, NDIRECT + 2 * NINDIRECT + 1 + 1 + 1 + 2},
    };
    uint32 size = 0;
    for (unsigned k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        char name[120];
        int64 r = write_at(inum, size, want + size, steps[k].size - size);
        size = steps[k].size;
        snprintf(name, sizeof name, "a file of %u bytes uses %u blocks (data and index)", size,
                 steps[k].blocks);
        check(r >= 0 && free0 - fs_free_blocks() == steps[k].blocks, name, "uses %u",
              free0 - fs_free_blocks());
    }
    check(read_at(inum, 0, got, size) == size && memcmp(got, want, size) == 0 &&
              read_at(inum, 100000, got, 1) == 1 && got[0] == want[100000],
          "the file reads back whole, and byte 100,000 (double indirect, entry 0, 40) too", 0);
    check_clean("after growth");
    check(inode_truncate(inum, size + 1) == -1, "truncating to a larger size returns -1", 0);
    check(inode_truncate(inum, 20000) == 0 && file_size(inum) == 20000 &&
              free0 - fs_free_blocks() == 40 + 1,
          "truncating to 20,000 bytes keeps 40 data blocks and the single table", "uses %u",
          free0 - fs_free_blocks());
    check(read_at(inum, 0, got, 30000) == 20000 && memcmp(got, want, 20000) == 0,
          "the first 20,000 bytes survive the truncation", 0);
    check_clean("after truncating to 20,000 bytes");
    check(inode_truncate(inum, 0) == 0 && fs_free_blocks() == free0,
          "truncating to 0 frees every data and index block", 0);
    check(delete("grow") == 0 && remount() == 0 && fs_free_blocks() == free0,
          "deleting the file leaves the free count as before", 0);
    check_clean("after deleting the file");
}

// A file of exactly the largest size, and a write one byte past it.
static void test_largest_file(void)
{
    uint32 free0 = fs_free_blocks();
    uint8 *buf = malloc(MAX_FILE_SIZE);
    fill(buf, MAX_FILE_SIZE);
    int inum = create("largest");
    int64 r = write_at(inum, 0, buf, MAX_FILE_SIZE);
    check(r == (int64)MAX_FILE_SIZE && file_size(inum) == MAX_FILE_SIZE,
          "a file grows to (27 + 128 + 128 * 128) * 512 = 8,467,968 bytes", "wrote %lld", (long long)r);
    check(write_at(inum, MAX_FILE_SIZE, buf, 1) == -1 && file_size(inum) == MAX_FILE_SIZE,
          "a write past the largest file returns -1 and changes nothing", 0);
    check(write_at(inum, 0, buf, MAX_FILE_SIZE + 1) == -1,
          "a write longer than the largest file returns -1", 0);
    uint8 last = 0;
    check(read_at(inum, MAX_FILE_SIZE - 1, &last, 5) == 1 && last == buf[MAX_FILE_SIZE - 1],
          "the last byte of the largest file reads back", 0);
    check(free0 - fs_free_blocks() == MAX_FILE_BLOCKS + 2 + NINDIRECT,
          "the largest file uses its data blocks and 130 index blocks", 0);
    check(delete("largest") == 0 && fs_free_blocks() == free0, "deleting it frees them all", 0);
    free(buf);
}

// Names of 0, 27 and 28 bytes; a taken name.
static void test_names(void)
{
    const char *n27 = "abcdefghijklmnopqrstuvwxyz0", *n28 = "abcdefghijklmnopqrstuvwxyz01";
    uint32 inum;
    int a = inode_alloc(T_FILE);
    check(!name_ok("") && dir_add("", a) == -1 && dir_lookup("", &inum) == -1,
          "an empty name is refused", 0);
    check(name_ok(n27) && dir_add(n27, a) == 0 && dir_lookup(n27, &inum) == 0 && inum == (uint32)a,
          "a 27-byte name is added and found", 0);
    check(!name_ok(n28) && dir_add(n28, a) == -1 && dir_lookup(n28, &inum) == -1,
          "a 28-byte name is refused, not truncated", 0);
    check(dir_add(n27, a) == -1, "adding a name that exists returns -1", 0);
    check(dir_add("x", 1u << 30) == -1, "a name for an inode number out of range is refused", 0);
    struct disk_inode di;
    inode_set_nlink(a, 1);
    check(delete(n27) == 0 && dir_lookup(n27, &inum) == -1 && inode_get(a, &di) == -1,
          "a removed name is gone, and its freed inode cannot be read", 0);
}

// 300 files in the root; remove every other one, and the new names reuse
// the freed entries (the directory does not grow).
static void test_many_files(void)
{
    enum { N = 300 };
    char name[32], got[32];
    int ok = 1;
    for (int k = 0; k < N && ok; k++) {
        snprintf(name, sizeof name, "file-%03d", k);
        int inum = create(name);
        ok = inum >= 0 && write_at(inum, 0, name, strlen(name)) == (int64)strlen(name);
    }
    check(ok, "300 files are created in the root directory", 0);
    for (int k = 0; k < N && ok; k++) {
        uint32 inum;
        snprintf(name, sizeof name, "file-%03d", k);
        memset(got, 0, sizeof got);
        ok = dir_lookup(name, &inum) == 0 && read_at(inum, 0, got, sizeof got) == (int64)strlen(name) &&
             strcmp(got, name) == 0;
    }
    check(ok, "each of the 300 files is found by name and holds its own bytes", 0);
    uint32 root_size = file_size(ROOT_INUM);
    for (int k = 0; k < N && ok; k += 2) {
        snprintf(name, sizeof name, "file-%03d", k);
        ok = delete(name) == 0;
    }
    for (int k = 0; k < N && ok; k += 2) {
        snprintf(name, sizeof name, "new-%03d", k);
        ok = create(name) >= 0;
    }
    check(ok && file_size(ROOT_INUM) == root_size, "freed directory entries are reused", 0);
    uint32 pos = 0, count = 0;
    struct dirent de;
    while (dir_next(&pos, &de) == 1)
        count++;
    check(count == N, "dir_next lists the 300 names", "%u", count);
    check_clean("with 300 files");
}

// Fill a small disk: the write that hits the end keeps and counts what
// fitted, the next returns -1, other files are unharmed.
static void test_full_disk(void)
{
    static uint8 keep[1000], big[200 * 1024], got[200 * 1024];
    fill(keep, sizeof keep);
    fill(big, sizeof big);
    int k = create("keep"), b = create("big");
    check(k >= 0 && b >= 0 && write_at(k, 0, keep, sizeof keep) == sizeof keep,
          "a 64 KiB disk holds a small file", 0);
    int64 r = write_at(b, 0, big, sizeof big);
    check(r > 0 && r < (int64)sizeof big && file_size(b) == r && fs_free_blocks() == 0,
          "a write that fills the disk returns the short count and the size grows by it", "%lld",
          (long long)r);
    check(read_at(b, 0, got, sizeof got) == r && memcmp(got, big, r) == 0,
          "what fitted reads back", 0);
    int c = create("late");
    check(c >= 0 && write_at(c, 0, big, 10) == -1 && file_size(c) == 0,
          "a write when nothing fits returns -1 and leaves the file empty", 0);
    check(read_at(k, 0, got, sizeof got) == sizeof keep && memcmp(got, keep, sizeof keep) == 0,
          "the other file is intact after the disk filled up", 0);
    check_clean("on a full disk");
    check(delete("big") == 0 && fs_free_blocks() > 100, "deleting the big file gives its blocks back", 0);
    check_clean("after freeing the full disk");
}

// The raw bytes of block b, pinned; changed by the caller, then written back.
static struct buf *raw(uint32 b)
{
    return bcache_get(b);
}

static void raw_done(struct buf *b)
{
    bcache_dirty(b);
    bcache_put(b);
}

// Inode inum's bytes inside its pinned block.
static struct disk_inode *raw_inode(uint32 inum, struct buf **bp)
{
    *bp = raw(1 + fs_super()->inode_bitmap_blocks + inum / IPB);
    return (struct disk_inode *)(*bp)->data + inum % IPB;
}

// Change one superblock field of a fresh image; the mount must refuse it.
static void bad_super(const char *what, int field, uint32 value, const char *reason)
{
    const char *why = "";
    char name[160];
    fresh(64 * 1024, 16);
    struct buf *b = raw(0);
    ((uint32 *)b->data)[field] = value;
    raw_done(b);
    bcache_flush();
    image_close();
    struct block_device *dev = image_open(image, 0);
    bcache_init(dev);
    int r = fs_mount(dev, &why);
    snprintf(name, sizeof name, "a superblock with %s is refused at mount", what);
    check(r == -1 && strstr(why, reason) != 0, name, "mount %d: %s", r, why);
}

static void test_bad_superblocks(void)
{
    bad_super("a bad magic number", 0, 0x12345678, "magic");
    bad_super("more blocks than the device", 1, 1000, "larger than the device");
    bad_super("one data block too many", 5, 122, "add up");
    bad_super("2^32 inodes", 3, 0x40000000, "too many inodes");
    bad_super("no inode area", 3, 0, "no inode");
    bad_super("a huge inode bitmap", 2, 0xffffffff, "bitmap");
    fresh(64 * 1024, 16);
    struct buf *b = raw(1);
    b->data[0] = 0; // inode 0 free in the bitmap
    raw_done(b);
    check(remount() == -1, "a root directory that the inode bitmap calls free is refused", 0);
}

// Damage one inode, index block or entry at a time: the call touching it
// returns -1, nothing crashes, and fsck names the problem.
static void test_bad_structures(void)
{
    static uint8 buf[40 * BSIZE];
    struct buf *b;
    struct disk_inode *ip, di;
    fresh(64 * 1024, 16);
    int f = create("f");
    write_at(f, 0, buf, sizeof buf); // 27 direct blocks and a single table
    ip = raw_inode(f, &b);
    uint32 saved = ip->direct[3];
    ip->direct[3] = 3; // a block of the inode area
    raw_done(b);
    check(read_at(f, 0, buf, sizeof buf) == -1 && write_at(f, 3 * BSIZE, buf, 1) == -1,
          "a direct block number outside the data area makes read and write return -1", 0);
    check(fs_check() > 0, "fsck reports the block number outside the data area", 0);
    ip = raw_inode(f, &b);
    ip->direct[3] = saved;
    uint32 table = ip->indirect1;
    raw_done(b);
    b = raw(table);
    ((uint32 *)b->data)[5] = 0xfffffff0;
    raw_done(b);
    check(read_at(f, (NDIRECT + 5) * BSIZE, buf, 10) == -1 && read_at(f, 0, buf, 10) == 10,
          "a bad number in an index block fails only the reads that need it", 0);
    check(inode_truncate(f, 0) == -1 && fs_free_blocks() > 100,
          "truncating through a bad index entry returns -1 but frees the rest", 0);
    ip = raw_inode(f, &b);
    ip->size = 0xffffffff;
    raw_done(b);
    check(inode_get(f, &di) == -1 && read_at(f, 0, buf, 1) == -1,
          "an inode whose size is past the largest file is refused", 0);
    ip = raw_inode(f, &b);
    ip->type = 7;
    raw_done(b);
    check(inode_get(f, &di) == -1 && inode_free(f) == -1, "an inode of an unknown type is refused", 0);
}

static void test_bad_entries(void)
{
    struct buf *b;
    struct disk_inode *ip;
    uint32 inum, pos = 0;
    struct dirent de;
    fresh(64 * 1024, 16);
    create("one");
    create("two");
    ip = raw_inode(ROOT_INUM, &b);
    uint32 blk = ip->direct[0];
    bcache_put(b);
    b = raw(blk);
    memset(((struct dirent *)b->data)[1].name, 'x', sizeof de.name); // no NUL
    raw_done(b);
    check(dir_lookup("two", &inum) == -1 && dir_lookup("one", &inum) == 0,
          "a directory entry without a NUL fails the lookups that reach it", 0);
    check(dir_next(&pos, &de) == 1 && dir_next(&pos, &de) == -1,
          "dir_next returns -1 at an entry without a NUL", 0);
    check(fs_check() > 0, "fsck reports the entry without a NUL", 0);
    b = raw(blk);
    strcpy(((struct dirent *)b->data)[1].name, "two");
    ((struct dirent *)b->data)[1].inum = 16;
    raw_done(b);
    check(dir_lookup("two", &inum) == -1, "an entry naming inode 16 of 16 is refused", 0);
    ((struct dirent *)(b = raw(blk))->data)[1].inum = 2;
    raw_done(b);
    check(dir_lookup("two", &inum) == 0 && fs_check() == 0, "the repaired entry is found again", 0);
    b = raw(fs_super()->inode_bitmap_blocks + fs_super()->inode_blocks + 1);
    b->data[10] |= 1; // data block 80 marked used by nobody
    raw_done(b);
    check(fs_check() == 1, "fsck reports a data bitmap bit that no inode explains", 0);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_fs IMAGE-PATH\n");
        return 2;
    }
    image = argv[1];
    setvbuf(stdout, 0, _IONBF, 0);
    check(fresh(16 << 20, 1024) == 0, "a 16 MiB image is formatted and mounted", 0);
    check(fs_super()->data_blocks == 32502 && sb_data_start(fs_super()) == 266 &&
              fs_free_blocks() == 32502,
          "the 16 MiB layout: 1024 inodes, data blocks 266..32767, all free", 0);
    test_random_lengths();
    test_growth_and_truncation();
    test_largest_file();
    fresh(16 << 20, 1024);
    test_names();
    test_many_files();
    fresh(64 * 1024, 16);
    test_full_disk();
    test_bad_superblocks();
    test_bad_structures();
    test_bad_entries();
    image_close();
    return failures != 0;
}
