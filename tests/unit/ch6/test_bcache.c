// Host unit test of the block cache (kernel/bcache.c) over a block device in
// memory that counts every read and write and can be told to fail.
// Prints PASS/FAIL lines; exits 1 if a check fails.
#include <stdio.h>
#include <string.h>
#include "bcache.h"

#define NBLOCKS 100

static uint8 disk[NBLOCKS][BSIZE];
static int reads[NBLOCKS], writes[NBLOCKS];
static int fail_read = -1, fail_write = -1; // a block whose I/O fails, or -1
static int failed;

static int mem_read(uint32 blockno, void *dst)
{
    if (blockno >= NBLOCKS || (int)blockno == fail_read)
        return -1;
    reads[blockno]++;
    memcpy(dst, disk[blockno], BSIZE);
    return 0;
}

static int mem_write(uint32 blockno, const void *src)
{
    if (blockno >= NBLOCKS || (int)blockno == fail_write)
        return -1;
    writes[blockno]++;
    memcpy(disk[blockno], src, BSIZE);
    return 0;
}

static struct block_device dev = {NBLOCKS, mem_read, mem_write};

static void check(const char *name, int ok)
{
    printf("%s bcache: %s\n", ok ? "PASS" : "FAIL", name);
    if (!ok)
        failed = 1;
}

static void reset_counts(void)
{
    memset(reads, 0, sizeof reads);
    memset(writes, 0, sizeof writes);
}

static int total(const int *c)
{
    int n = 0;
    for (int i = 0; i < NBLOCKS; i++)
        n += c[i];
    return n;
}

// Get and put each block of [lo, hi).
static void touch(uint32 lo, uint32 hi)
{
    for (uint32 b = lo; b < hi; b++) {
        struct buf *p = bcache_get(b);
        if (p == 0) {
            check("touch gets every block", 0);
            return;
        }
        bcache_put(p);
    }
}

static void test_hits_and_range(void)
{
    check("get before bcache_init fails", bcache_get(1) == 0);
    bcache_init(&dev);
    reset_counts();
    struct buf *a = bcache_get(5);
    check("a miss reads the block once", a && reads[5] == 1 && a->blockno == 5 && a->valid);
    check("the buffer holds the block's bytes", a && memcmp(a->data, disk[5], BSIZE) == 0);
    struct buf *b = bcache_get(5);
    check("a second get of a pinned block is the same buffer", b == a && a->refcnt == 2);
    bcache_put(b);
    bcache_put(a);
    struct buf *c = bcache_get(5);
    check("a get after put hits without reading", c == a && reads[5] == 1);
    bcache_put(c);
    bcache_put(c);
    check("put of an unpinned buffer keeps refcnt at 0", c->refcnt == 0);
    check("blockno == nblocks is refused without I/O",
          bcache_get(NBLOCKS) == 0 && total(reads) == 1);
}

static void test_lru(void)
{
    bcache_init(&dev);
    touch(0, NBUF); // the pool is full: 0 oldest ... NBUF-1 newest
    touch(0, 1);    // 0 is now the newest; 1 the oldest
    reset_counts();
    touch(NBUF, NBUF + 1); // a miss: evicts the least recently used, 1
    touch(0, 1);
    check("a miss evicts the least recently used buffer", reads[0] == 0);
    touch(1, 2);
    check("the evicted block is read again", reads[1] == 1);
}

static void test_write_back(void)
{
    bcache_init(&dev);
    reset_counts();
    struct buf *p = bcache_get(40);
    memset(p->data, 0xab, BSIZE);
    bcache_dirty(p);
    bcache_put(p);
    check("a dirty block is not written at once", writes[40] == 0);
    touch(50, 50 + NBUF); // every other buffer is used after 40: 40 is evicted
    check("eviction writes a dirty block back once", writes[40] == 1 && disk[40][7] == 0xab);
    check("clean victims are not written", total(writes) == 1);
    p = bcache_get(40);
    check("the block reads back as written", p && reads[40] == 2 && p->data[100] == 0xab);
    bcache_put(p);
}

static void test_pins(void)
{
    struct buf *pins[NBUF];
    bcache_init(&dev);
    for (int i = 0; i < NBUF; i++)
        pins[i] = bcache_get(i);
    check("with every buffer pinned a miss returns 0", bcache_get(NBUF) == 0);
    int kept = 1;
    for (int i = 0; i < NBUF; i++)
        kept = kept && pins[i]->blockno == (uint32)i && pins[i]->valid;
    check("pinned buffers keep their blocks", kept);
    bcache_put(pins[7]);
    reset_counts();
    struct buf *p = bcache_get(NBUF);
    check("the one unpinned buffer is the one taken", p == pins[7] && reads[NBUF] == 1);
    bcache_put(p);
    for (int i = 0; i < NBUF; i++)
        if (i != 7)
            bcache_put(pins[i]);
}

static void test_errors(void)
{
    bcache_init(&dev);
    fail_read = 60;
    check("a failed read returns 0", bcache_get(60) == 0);
    fail_read = -1;
    reset_counts();
    struct buf *p = bcache_get(60);
    check("a failed read leaves no valid buffer behind", p && reads[60] == 1);
    bcache_put(p);

    bcache_init(&dev);
    touch(0, NBUF);
    p = bcache_get(0); // the oldest: the next victim
    p->data[0] = 0x5a;
    bcache_dirty(p);
    bcache_put(p);
    touch(1, NBUF); // 0 is the least recently used again
    fail_write = 0;
    check("a failed write-back makes the get fail", bcache_get(NBUF + 1) == 0);
    check("...and keeps the block dirty in the cache", p->valid && p->dirty && p->blockno == 0);
    fail_write = -1;
    reset_counts();
    check("bcache_flush writes it later", bcache_flush() == 0 && writes[0] == 1 &&
                                              disk[0][0] == 0x5a && total(writes) == 1);
    check("a second flush writes nothing", bcache_flush() == 0 && total(writes) == 1);
}

static void test_flush(void)
{
    bcache_init(&dev);
    for (uint32 b = 10; b < 20; b++) {
        struct buf *p = bcache_get(b);
        p->data[1] = (uint8)b;
        bcache_dirty(p);
        bcache_put(p);
    }
    reset_counts();
    fail_write = 12;
    check("a flush with a failed write returns -1", bcache_flush() == -1);
    check("...and still writes the other blocks", total(writes) == 9 && disk[19][1] == 19);
    fail_write = -1;
    check("the failed block is written by the next flush",
          bcache_flush() == 0 && writes[12] == 1 && disk[12][1] == 12);
    struct buf *p = bcache_get(30);
    p->data[2] = 0x77;
    bcache_dirty(p);
    bcache_put(p);
    reset_counts();
    bcache_init(&dev); // binding again writes back what is dirty
    check("bcache_init writes back the dirty blocks first", writes[30] == 1 && disk[30][2] == 0x77);
}

int main(void)
{
    for (int b = 0; b < NBLOCKS; b++)
        for (int i = 0; i < BSIZE; i++)
            disk[b][i] = (uint8)(b * 31 + i);
    test_hits_and_range();
    test_lru();
    test_write_back();
    test_pins();
    test_errors();
    test_flush();
    return failed;
}
