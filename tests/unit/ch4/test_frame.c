// Host tests for the frame allocator in out/ch4/kernel/frame.c, over
// simulated RAM: exhaustion, balance, zeroing, LIFO reuse, bad frees.
#include <stdio.h>
#include <stdlib.h>

#include "host.h"

#define RAM_BASE 0x80000000UL
#define RAM_SIZE (4UL << 20)
#define FIRST (RAM_BASE / PGSIZE + 3) // as if the kernel used 3 frames
#define LAST (RAM_BASE / PGSIZE + RAM_SIZE / PGSIZE)
#define NFRAMES (LAST - FIRST)

static uint8 heap_space[64 * 1024] __attribute__((aligned(16)));
static ppn_t got[NFRAMES + 1];
static uint8 seen[NFRAMES];

static void setup(void)
{
    sim_ram(RAM_BASE, RAM_SIZE); // junk-filled
    heap_init(heap_space, sizeof(heap_space));
    frame_init(ppn(FIRST), ppn(LAST));
}

static int is_zero(ppn_t p)
{
    uint64 *w = pa_to_ptr(ppn_to_pa(p));
    for (int i = 0; i < PGSIZE / 8; i++)
        if (w[i] != 0)
            return 0;
    return 1;
}

static void scribble(ppn_t p)
{
    uint64 *w = pa_to_ptr(ppn_to_pa(p));
    for (int i = 0; i < PGSIZE / 8; i++)
        w[i] = p.v * 31 + i;
}

// Allocate every frame; each must be in the pool, new and zeroed.
// Returns how many frame_alloc() gave before it returned 0.
static uint64 alloc_all(const char *round)
{
    uint64 n = 0;
    int in_pool = 1, unique = 1, zeroed = 1;
    for (uint64 i = 0; i < NFRAMES; i++)
        seen[i] = 0;
    while (n <= NFRAMES && (got[n] = frame_alloc()).v != 0) {
        ppn_t p = got[n++];
        int inside = p.v >= FIRST && p.v < LAST;
        in_pool &= inside;
        if (!inside)
            break;
        unique &= !seen[p.v - FIRST];
        seen[p.v - FIRST] = 1;
        zeroed &= is_zero(p);
        scribble(p);
    }
    printf("     (%s: %lu frames)\n", round, n);
    check(in_pool, "frame_alloc: frames inside the pool", "frame outside");
    check(unique, "frame_alloc: no frame handed out twice", "duplicate");
    check(zeroed, "frame_alloc: frames are zeroed", "a frame held old data");
    return n;
}

// Free frames got[0..n) in a random order; the count must follow.
static void free_shuffled(uint64 n)
{
    for (uint64 i = n; i > 1; i--) {
        uint64 j = rand_below(i);
        ppn_t t = got[i - 1];
        got[i - 1] = got[j];
        got[j] = t;
    }
    int counts = 1;
    for (uint64 i = 0; i < n; i++) {
        frame_free(got[i]);
        counts &= frame_free_count() == i + 1;
    }
    check(counts, "frame_free: free count rises by one per free", "count off");
}

static void test_exhaust_and_refill(void)
{
    setup();
    check(frame_free_count() == NFRAMES, "frame_init: all frames free", "%lu", frame_free_count());
    uint64 n = alloc_all("first round");
    check(n == NFRAMES, "frame_alloc: every frame once, then 0", "%lu of %lu", n, NFRAMES);
    check(frame_free_count() == 0 && frame_alloc().v == 0, "frame_alloc: 0 when exhausted",
          "count %lu", frame_free_count());
    free_shuffled(n);
    check(frame_free_count() == NFRAMES, "frame_free: count balances", "%lu", frame_free_count());
    n = alloc_all("second round, from the recycle stack");
    check(n == NFRAMES, "recycled frames: every frame once again", "%lu", n);
    free_shuffled(n);
}

static void test_lifo(void)
{
    setup();
    ppn_t a = frame_alloc(), b = frame_alloc();
    frame_free(a);
    frame_free(b);
    ppn_t c = frame_alloc(), d = frame_alloc();
    check(c.v == b.v && d.v == a.v, "recycle stack: last freed, first reused", "order wrong");
    check(is_zero(c) && is_zero(d), "recycle stack: link word zeroed on reuse", "not zeroed");
}

static void test_bad_frees(void)
{
    setup();
    ppn_t a = frame_alloc();
    frame_free(a);
    EXPECT_PANIC("frame_free: double free panics", frame_free(a));
    EXPECT_PANIC("frame_free: never-allocated frame panics", frame_free(ppn(LAST - 1)));
    EXPECT_PANIC("frame_free: frame below the pool panics", frame_free(ppn(FIRST - 1)));
    EXPECT_PANIC("frame_free: frame past the pool panics", frame_free(ppn(LAST)));
    EXPECT_PANIC("frame_free: ppn 0 panics", frame_free(ppn(0)));
    check(frame_free_count() == NFRAMES, "frame: count intact after bad frees", "%lu",
          frame_free_count());
    EXPECT_PANIC("frame_init: ppn 0 as the start panics", frame_init(ppn(0), ppn(10)));
    EXPECT_PANIC("frame_init: start above end panics", frame_init(ppn(LAST), ppn(FIRST)));
}

static void test_no_heap(void)
{
    static uint8 tiny[64] __attribute__((aligned(16)));
    heap_init(tiny, sizeof(tiny));
    EXPECT_PANIC("frame_init: panics when the bitmap does not fit",
                 frame_init(ppn(FIRST), ppn(LAST)));
}

int main(void)
{
    rand_seed(2);
    test_exhaust_and_refill();
    test_lifo();
    test_bad_frees();
    test_no_heap();
    return finish("test_frame");
}
