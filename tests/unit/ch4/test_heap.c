// Host tests for the buddy allocator in out/ch4/kernel/heap.c: random
// kmalloc/kfree sequences, no overlap, full coalescing, exhaustion, and
// bad frees caught by panic.
//
// The kernel has no heap_check(); heap_invariant() below checks the same
// things from outside, through kmalloc, kfree and heap_free_bytes only:
// it drains every free block (largest orders first, so no block is split),
// and checks that the live blocks and the drained ones are aligned buddy
// blocks that tile the heap exactly, and that the free lists held exactly
// heap_free_bytes() bytes.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

#define HDR 16       // heap.c's HDR_SIZE: kmalloc's pointer is 16 past the block
#define MIN_ORDER 5  // heap.c: the smallest block is 32 bytes
#define MAX_ORDER 40 // heap.c: the largest order
#define SLOTS 1500
#define PROBES 4096

static struct {
    uint8 *p;
    uint64 n;
    uint8 fill;
} slot[SLOTS];

static uint8 *heap_lo; // heap.c's heap_base: the region's start rounded up to 16
static uint64 heap_total;
static uint64 live_bytes; // sum of the block sizes of the slots in use

// The size of the block that kmalloc(n) takes: 2^k >= n + HDR, k >= 5.
static uint64 block_size(uint64 n)
{
    uint64 b = 1UL << MIN_ORDER;
    while (b < n + HDR)
        b *= 2;
    return b;
}

// Start a heap on [base, base + size) and remember what it should be.
static void start_heap(uint8 *base, uint64 size)
{
    heap_init(base, size);
    heap_lo = (uint8 *)(((uint64)base + 15) & ~15UL);
    heap_total = heap_free_bytes();
    live_bytes = 0;
    memset(slot, 0, sizeof slot);
}

// Is the block of `size` bytes whose user pointer is p a buddy block:
// inside the heap, at an offset that is a multiple of its size?
static int well_placed(const uint8 *p, uint64 size)
{
    if (p == NULL || (uint64)p % 16 != 0 || p < heap_lo + HDR)
        return 0;
    uint64 off = (uint64)(p - HDR - heap_lo);
    return off % size == 0 && off + size <= heap_total;
}

struct span {
    uint64 start, end;
};

static int by_start(const void *a, const void *b)
{
    const struct span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static struct span spans[SLOTS + PROBES];
static void *probe[PROBES];

// The heap_check() replacement (see the top of the file). 1 if all holds.
// Leaves the heap as it found it: the drained blocks merge back.
static int heap_invariant(const char **why)
{
    uint64 free0 = heap_free_bytes(), drained = 0;
    int n = 0, np = 0, ok = 1;
    *why = "";
    if (live_bytes + free0 != heap_total) {
        *why = "live blocks plus free bytes do not add up to the heap";
        ok = 0;
    }
    for (int i = 0; i < SLOTS; i++)
        if (slot[i].p != NULL) {
            uint64 b = block_size(slot[i].n);
            spans[n++] = (struct span){(uint64)(slot[i].p - HDR), (uint64)(slot[i].p - HDR) + b};
        }
    for (int k = MAX_ORDER; k >= MIN_ORDER; k--) {
        uint64 b = 1UL << k;
        uint8 *p;
        while (np < PROBES && (p = kmalloc(b - HDR)) != NULL) {
            probe[np++] = p;
            drained += b;
            if (!well_placed(p, b)) {
                *why = "a free block is not an aligned buddy block inside the heap";
                ok = 0;
            }
            if (heap_free_bytes() != free0 - drained) {
                *why = "heap_free_bytes() does not follow a whole-block kmalloc";
                ok = 0;
            }
            spans[n++] = (struct span){(uint64)(p - HDR), (uint64)(p - HDR) + b};
        }
    }
    if (np == PROBES) {
        *why = "more free blocks than the test can hold";
        ok = 0;
    }
    if (drained != free0 || heap_free_bytes() != 0 || kmalloc(0) != NULL) {
        *why = "the free lists do not hold heap_free_bytes() bytes";
        ok = 0;
    }
    qsort(spans, n, sizeof spans[0], by_start);
    for (int i = 1; i < n; i++)
        if (spans[i].start < spans[i - 1].end) {
            *why = "two blocks overlap";
            ok = 0;
        }
    // Give the drained blocks back in a random order.
    for (int i = np; i > 1; i--) {
        int j = rand_below(i);
        void *t = probe[i - 1];
        probe[i - 1] = probe[j];
        probe[j] = t;
    }
    for (int i = 0; i < np; i++)
        kfree(probe[i]);
    if (heap_free_bytes() != free0) {
        *why = "freeing the drained blocks did not restore the free bytes";
        ok = 0;
    }
    return ok;
}

// Block sizes with many small requests and a few large ones.
static uint64 random_size(void)
{
    uint64 r = rand_below(100);
    if (r < 70)
        return 1 + rand_below(128);
    if (r < 95)
        return 1 + rand_below(4096);
    return 1 + rand_below(65536);
}

static int pattern_intact(int i)
{
    for (uint64 k = 0; k < slot[i].n; k++)
        if (slot[i].p[k] != slot[i].fill)
            return 0;
    return 1;
}

// Allocate into slot i; 0 if the block is misplaced or the count is off.
static int fill_slot(int i)
{
    uint64 before = heap_free_bytes();
    slot[i].n = random_size();
    slot[i].p = kmalloc(slot[i].n);
    if (slot[i].p == NULL)
        return heap_free_bytes() == before; // full: allowed
    uint64 b = block_size(slot[i].n);
    live_bytes += b;
    slot[i].fill = (uint8)(i * 7 + 1);
    memset(slot[i].p, slot[i].fill, slot[i].n);
    return well_placed(slot[i].p, b) && heap_free_bytes() == before - b;
}

static int free_slot(int i)
{
    uint64 before = heap_free_bytes(), b = block_size(slot[i].n);
    int intact = pattern_intact(i);
    kfree(slot[i].p);
    slot[i].p = NULL;
    live_bytes -= b;
    return intact && heap_free_bytes() == before + b;
}

// Random allocs and frees; every block keeps its own fill pattern, so two
// blocks that overlap corrupt each other's pattern.
static void random_workout(const char *label, int steps)
{
    int placed = 1, intact = 1, nulls = 0, invariant = 1;
    const char *why = "";
    char name[160];
    for (int s = 0; s < steps; s++) {
        int i = rand_below(SLOTS);
        if (slot[i].p != NULL) {
            intact &= free_slot(i);
        } else {
            placed &= fill_slot(i);
            nulls += slot[i].p == NULL;
        }
        if (s % 1000 == 999 && invariant)
            invariant = heap_invariant(&why);
    }
    snprintf(name, sizeof name, "heap %s: kmalloc gives aligned buddy blocks inside the heap",
             label);
    check(placed, name, "misplaced block, or heap_free_bytes() off");
    snprintf(name, sizeof name, "heap %s: blocks never overlap", label);
    check(intact, name, "a fill pattern was overwritten, or heap_free_bytes() off after kfree");
    snprintf(name, sizeof name, "heap %s: free blocks and live blocks tile the heap", label);
    check(invariant, name, "%s", why);
    printf("     (%d of %d steps found the heap full)\n", nulls, steps);
}

static void free_all_slots(const char *label)
{
    int intact = 1;
    char name[160];
    for (int i = 0; i < SLOTS; i++)
        if (slot[i].p != NULL)
            intact &= free_slot(i);
    snprintf(name, sizeof name, "heap %s: patterns intact when all is freed", label);
    check(intact, name, "a fill pattern was overwritten");
}

// A heap of size bytes at a base `skew` bytes off alignment: stress it,
// free everything, and check that all blocks merged back.
static void test_random(const char *label, uint64 size, int skew, uint64 largest)
{
    uint8 *region = malloc(size + skew);
    char name[160];
    const char *why;
    start_heap(region + skew, size);
    random_workout(label, 200000);
    free_all_slots(label);
    snprintf(name, sizeof name, "heap %s: free bytes restored", label);
    check(heap_free_bytes() == heap_total, name, "%lu != %lu", heap_free_bytes(), heap_total);
    snprintf(name, sizeof name, "heap %s: invariant holds when empty", label);
    check(heap_invariant(&why), name, "%s", why);
    void *big = kmalloc(largest - HDR);
    snprintf(name, sizeof name, "heap %s: full merge, the largest block allocatable again", label);
    check(big != NULL, name, "NULL");
    snprintf(name, sizeof name, "heap %s: nothing larger than the largest block", label);
    check(kmalloc(largest) == NULL, name, "got a block");
    kfree(big);
    free(region);
}

// Fill a 64 KiB heap with 64-byte requests (128-byte blocks): exactly 512
// fit, then kmalloc returns NULL. Free in an interleaved order: all merge.
static void test_exhaustion(void)
{
    static uint8 region[65536] __attribute__((aligned(16)));
    static void *blocks[600];
    start_heap(region, sizeof region);
    check(heap_total == sizeof region, "heap_init: an aligned region is all free", "%lu",
          heap_total);
    int n = 0;
    while (n < 600 && (blocks[n] = kmalloc(64)) != NULL)
        n++;
    check(n == 512, "kmalloc: NULL when full", "%d blocks of 64 bytes", n);
    check(heap_free_bytes() == 0, "heap: no free bytes when full", "%lu", heap_free_bytes());
    for (int i = n - 1; i >= 0; i -= 2) // the odd ones first, then the even
        kfree(blocks[i]);
    for (int i = n - 2; i >= 0; i -= 2)
        kfree(blocks[i]);
    check(heap_free_bytes() == sizeof region, "heap: all merged after filling", "%lu",
          heap_free_bytes());
    void *all = kmalloc(sizeof region - HDR);
    check(all != NULL, "heap: one block of the whole region after filling", "NULL");
    kfree(all);
    check(kmalloc(~0UL) == NULL && kmalloc(~0UL - 8) == NULL && kmalloc(1UL << 40) == NULL,
          "kmalloc: huge sizes give NULL", "got a block");
}

static void test_tiny_heaps(void)
{
    static uint8 region[64] __attribute__((aligned(16)));
    heap_init(region, 31);
    check(heap_free_bytes() == 0 && kmalloc(0) == NULL, "heap_init: under 32 bytes, no heap",
          "%lu free", heap_free_bytes());
    heap_init(region + 1, 63); // rounds up to region + 16, 48 bytes left: one 32-byte block
    check(heap_free_bytes() == 32, "heap_init: misaligned base rounded up", "%lu free",
          heap_free_bytes());
    void *p = kmalloc(16);
    check(p == region + 32, "kmalloc: 16 bytes fit a 32-byte block", "%p", p);
    kfree(p);
}

static void test_bad_frees(void)
{
    static uint8 region[4096] __attribute__((aligned(16)));
    start_heap(region, sizeof region);
    uint8 *p = kmalloc(100);
    int local;
    kfree(NULL);
    check(heap_free_bytes() == sizeof region - 128, "kfree(NULL) does nothing", "%lu",
          heap_free_bytes());
    EXPECT_PANIC("kfree: foreign pointer panics", kfree(&local));
    EXPECT_PANIC("kfree: interior pointer panics", kfree(p + 32));
    EXPECT_PANIC("kfree: misaligned pointer panics", kfree(p + 1));
    EXPECT_PANIC("kfree: pointer past the heap panics", kfree(region + sizeof region + HDR));
    kfree(p);
    EXPECT_PANIC("kfree: double free panics", kfree(p));
    check(heap_free_bytes() == sizeof region, "heap: intact after bad frees", "%lu",
          heap_free_bytes());
    const char *why;
    check(heap_invariant(&why), "heap: invariant holds after bad frees", "%s", why);
}

int main(void)
{
    rand_seed(1);
    test_random("1 MiB", 1 << 20, 0, 1 << 20);
    test_random("3 MiB, base 3 bytes off", 3 << 20, 3, 2 << 20); // not a power of two
    test_exhaustion();
    test_tiny_heaps();
    test_bad_frees();
    return finish("test_heap");
}
