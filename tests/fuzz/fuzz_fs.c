// libFuzzer target for chapter 6's disk layout code (out/ch6/kernel/fs.c,
// with the block cache, bcache.c). Built by tests/fuzz/fuzz.sh with clang
// -fsanitize=fuzzer,address,undefined.
//
// The input is a disk image (padded with zeros to whole blocks, at least
// NBUF of them). Whatever its bytes, fs_mount must refuse it with a reason
// or mount it; on a mounted image every directory entry, every inode and
// every file is read, each name looked up, and then a file is created,
// written, truncated and removed, all on a copy of the image. Every call
// may return -1, but none may read or write outside its buffers, return
// more bytes than asked for, or leave a cache buffer pinned (checked at the
// end by pinning NBUF distinct blocks at once).
#include "types.h"
#include "bdev.h"
#include "bcache.h"
#include "fs.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint8 *disk;
static struct block_device dev;

static int mem_read(uint32 b, void *dst)
{
    if (b >= dev.nblocks)
        abort(); // the cache must never ask for a block the device lacks
    memcpy(dst, disk + (uint64)b * BSIZE, BSIZE);
    return 0;
}

static int mem_write(uint32 b, const void *src)
{
    if (b >= dev.nblocks)
        abort();
    memcpy(disk + (uint64)b * BSIZE, src, BSIZE);
    return 0;
}

static uint8 file[64 * 1024];

// Read inode inum through a memory copier; the count must be sane.
static void read_file(uint32 inum)
{
    struct copier c;
    struct disk_inode di;
    copier_memory(&c, file);
    int64 n = inode_read_at(inum, 0, sizeof file, &c);
    if (n > (int64)sizeof file || n < -1)
        abort();
    if (inode_get(inum, &di) == 0 && n >= 0 && (uint64)n > di.size)
        abort();
    n = inode_read_at(inum, 5000, 700, &c); // a middle piece, partial at both ends
    if (n > 700 || n < -1)
        abort();
}

static void read_everything(void)
{
    struct dirent de;
    uint32 pos = 0, inum, steps = 0;
    int r;
    while ((r = dir_next(&pos, &de)) == 1 && steps++ < 64) {
        if (memchr(de.name, 0, sizeof de.name) == 0 || !name_ok(de.name))
            abort(); // dir_next promised a sound name
        if (dir_lookup(de.name, &inum) == 0)
            read_file(inum);
        read_file(de.inum);
    }
    const struct superblock *sb = fs_super();
    for (uint32 i = 0; sb && i < 64 && i < sb->inode_blocks * IPB; i++)
        read_file(i);
    if (sb && fs_free_blocks() > sb->data_blocks)
        abort();
}

// Change the image the way the kernel would: create, write, truncate, remove.
static void change_something(const uint8 *data, size_t size)
{
    struct copier c;
    uint32 inum;
    copier_memory(&c, (void *)data);
    int f = inode_alloc(T_FILE);
    if (f < 0 || dir_add("fuzz", f) < 0)
        return;
    uint64 n = size < 40000 ? size : 40000;
    int64 w = inode_write_at(f, 0, n, &c);
    if (w > (int64)n || w < -1)
        abort();
    inode_truncate(f, n / 3);
    read_file(f);
    if (dir_remove("fuzz", &inum) == 0 && inum == (uint32)f)
        inode_free(f);
}

// Every buffer must be unpinned now: NBUF distinct blocks pin at once.
static void check_no_pins(void)
{
    struct buf *held[NBUF];
    for (int i = 0; i < NBUF; i++)
        if ((held[i] = bcache_get(i)) == 0)
            abort();
    for (int i = 0; i < NBUF; i++)
        bcache_put(held[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = 0;
    uint64 blocks = (size + BSIZE - 1) / BSIZE;
    if (blocks < NBUF)
        blocks = NBUF;
    disk = calloc(blocks, BSIZE);
    memcpy(disk, data, size);
    dev = (struct block_device){(uint32)blocks, mem_read, mem_write};
    bcache_init(0);  // forget the last input's device without writing to it
    bcache_init(&dev);
    if (fs_mount(&dev, &why) < 0) {
        if (why == 0 || why[0] == 0)
            abort(); // a refusal must say why
    } else {
        read_everything();
        change_something(data, size);
        read_everything();
    }
    check_no_pins();
    bcache_init(0);
    free(disk);
    return 0;
}
