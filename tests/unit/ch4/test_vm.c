// Host tests for the SV39 page table in out/ch4/kernel/vm.c, over 8 MiB of
// simulated RAM: map, translate and unmap across all three levels, pt_free
// restoring the free-frame count, out-of-frames failure, kernel bugs caught,
// and pt_va_to_pa, which gives the DBCN console physical addresses.
#include <stdio.h>
#include <stdlib.h>

#include "host.h"

#define RAM_BASE 0x80000000UL
#define RAM_SIZE (8UL << 20)
#define NPAGES 600

static uint8 heap_space[64 * 1024] __attribute__((aligned(16)));

static struct {
    vpn_t v;
    ppn_t frame;
    uint64 flags;
    int mapped;
} page[NPAGES];

static void setup(void)
{
    sim_ram(RAM_BASE, RAM_SIZE);
    heap_init(heap_space, sizeof(heap_space));
    frame_init(ppn(RAM_BASE / PGSIZE), ppn((RAM_BASE + RAM_SIZE) / PGSIZE));
}

static pte_t *table(ppn_t p)
{
    return pa_to_ptr(ppn_to_pa(p));
}

// Map one page by hand-checkable indices and follow the walk through
// the three table pages ourselves: root index = VPN[2].
static void test_known_walk(void)
{
    setup();
    struct page_table pt;
    uint64 before = frame_free_count();
    check(pt_create(&pt) == 0, "pt_create", "failed");
    check(pt_token(&pt) == (8UL << 60 | pt.root.v), "pt_token: MODE 8 and root ppn", "%#lx",
          pt_token(&pt));
    vpn_t v = vpn(5UL * 512 * 512 + 300 * 512 + 7);
    ppn_t f = frame_alloc();
    pt_map(&pt, v, f, PTE_R | PTE_W | PTE_U);
    check(before - frame_free_count() == 4, "pt_map: two new table pages", "%lu frames used",
          before - frame_free_count());
    pte_t e2 = table(pt.root)[5];
    pte_t e1 = (e2 & PTE_V) ? table(pte_ppn(e2))[300] : 0;
    pte_t e0 = (e1 & PTE_V) ? table(pte_ppn(e1))[7] : 0;
    check((e2 & PTE_V) && !pte_is_leaf(e2) && (e1 & PTE_V) && !pte_is_leaf(e1),
          "walk: inner entries are V with R=W=X=0", "e2 %#lx e1 %#lx", e2, e1);
    check(e0 == pte_make(f, PTE_V | PTE_R | PTE_W | PTE_U), "walk: leaf in slot VPN[0]", "e0 %#lx",
          e0);
    pt_free(&pt);
    frame_free(f);
    check(frame_free_count() == before, "pt_free: table pages returned", "%lu != %lu",
          frame_free_count(), before);
}

static uint64 random_flags(void)
{
    static const uint64 perms[] = {PTE_R, PTE_R | PTE_W, PTE_X, PTE_R | PTE_X,
                                   PTE_R | PTE_W | PTE_X};
    return perms[rand_below(5)] | (rand_below(2) ? PTE_U : 0);
}

// A vpn not used by page[0..n): spread over the whole 27-bit space,
// with the two ends of the space among them.
static vpn_t fresh_vpn(int n)
{
    for (;;) {
        vpn_t v = vpn(n == 0 ? 0 : n == 1 ? VPN_MASK : rand_below(VPN_MASK + 1));
        int used = 0;
        for (int i = 0; i < n; i++)
            used |= page[i].v.v == v.v;
        if (!used)
            return v;
    }
}

static void map_all(struct page_table *pt)
{
    int ok = 1;
    for (int i = 0; i < NPAGES; i++) {
        page[i].v = fresh_vpn(i);
        page[i].frame = frame_alloc();
        page[i].flags = random_flags();
        *(uint64 *)pa_to_ptr(ppn_to_pa(page[i].frame)) = page[i].v.v; // a marker
        ok &= pt_map(pt, page[i].v, page[i].frame, page[i].flags) == 0;
        page[i].mapped = 1;
    }
    check(ok, "pt_map: many random pages", "a map failed");
}

// Every page translates to its frame, flags and marker, or to nothing.
static int all_translate(struct page_table *pt)
{
    for (int i = 0; i < NPAGES; i++) {
        pte_t e = pt_translate(pt, page[i].v);
        if (!page[i].mapped) {
            if (e != 0)
                return 0;
            continue;
        }
        // A byte's physical address, as copyin() computes it: the leaf's
        // frame plus the offset in the page.
        va_t byte = va(vpn_to_va(page[i].v).v + rand_below(PGSIZE));
        pa_t a = pa(ppn_to_pa(pte_ppn(pt_translate(pt, va_floor(byte)))).v + page_offset(byte));
        if (e != pte_make(page[i].frame, page[i].flags | PTE_V) ||
            a.v != ppn_to_pa(page[i].frame).v + page_offset(byte) ||
            *(uint64 *)pa_to_ptr(ppn_to_pa(pte_ppn(e))) != page[i].v.v)
            return 0;
    }
    return 1;
}

// Unmapped pages nearby translate to nothing and allocate no frames.
static void check_holes(struct page_table *pt)
{
    uint64 before = frame_free_count();
    int none = 1;
    for (int i = 0; i < 2000; i++) {
        vpn_t v = vpn(rand_below(VPN_MASK + 1));
        int known = 0;
        for (int j = 0; j < NPAGES; j++)
            known |= page[j].mapped && page[j].v.v == v.v;
        pte_t *e = pt_walk(pt, v, 0);
        none &= known || (pt_translate(pt, v) == 0 && (e == NULL || *e == 0));
    }
    check(none, "pt_translate: unmapped pages give 0", "found a mapping");
    check(frame_free_count() == before, "pt_walk without alloc allocates nothing", "%lu != %lu",
          frame_free_count(), before);
}

static void test_random_pages(void)
{
    setup();
    uint64 initial = frame_free_count();
    struct page_table pt;
    pt_create(&pt);
    map_all(&pt);
    check(all_translate(&pt), "pt_translate: every page, all levels", "mismatch");
    check_holes(&pt);
    for (int i = 0; i < NPAGES; i += 2) {
        pt_unmap(&pt, page[i].v);
        page[i].mapped = 0;
    }
    check(all_translate(&pt), "pt_unmap: half unmapped, rest intact", "mismatch");
    for (int i = 0; i < NPAGES; i += 4)
        page[i].mapped = pt_map(&pt, page[i].v, page[i].frame, page[i].flags) == 0;
    check(all_translate(&pt), "pt_map: remap after unmap", "mismatch");
    pt_free(&pt);
    for (int i = 0; i < NPAGES; i++)
        frame_free(page[i].frame); // the leaves' owner frees them
    check(frame_free_count() == initial, "pt_free + leaf frees restore the free count",
          "%lu != %lu", frame_free_count(), initial);
}

static void test_kernel_bugs(void)
{
    setup();
    struct page_table pt;
    pt_create(&pt);
    ppn_t f = frame_alloc();
    pt_map(&pt, vpn(0x10), f, PTE_R);
    EXPECT_PANIC("pt_map: mapping a mapped page panics", pt_map(&pt, vpn(0x10), f, PTE_R));
    EXPECT_PANIC("pt_map: no R/W/X panics", pt_map(&pt, vpn(0x11), f, PTE_U));
    EXPECT_PANIC("pt_unmap: unmapped page panics", pt_unmap(&pt, vpn(0x11)));
    EXPECT_PANIC("pt_unmap: page without tables panics", pt_unmap(&pt, vpn(0x4000000)));
    pt_free(&pt);
    frame_free(f);
}

// With no frames left, pt_map fails with -1 (no panic); the levels it
// made stay and pt_free returns them.
static void test_out_of_frames(void)
{
    setup();
    uint64 initial = frame_free_count();
    struct page_table pt;
    pt_create(&pt);
    ppn_t leaf = frame_alloc();
    uint64 n = 0;
    static ppn_t hoard[RAM_SIZE / PGSIZE];
    while ((hoard[n] = frame_alloc()).v != 0)
        n++;
    frame_free(hoard[--n]); // one frame left: enough for level 1, not level 0
    check(pt_map(&pt, vpn(0x123456), leaf, PTE_R) == -1, "pt_map: -1 when out of frames", "mapped");
    check(pt_translate(&pt, vpn(0x123456)) == 0, "pt_map: nothing mapped after failure", "mapped");
    pt_free(&pt);
    frame_free(leaf);
    while (n > 0)
        frame_free(hoard[--n]);
    check(frame_free_count() == initial, "pt_free: partial levels returned", "%lu != %lu",
          frame_free_count(), initial);
}

// We never make superpages, but a leaf above level 0 must neither be
// walked through (that would treat a data frame as a table) nor be
// freed by pt_free (its frame has another owner).
static void test_superpage_leaf(void)
{
    setup();
    struct page_table pt;
    pt_create(&pt);
    ppn_t big = frame_alloc();
    table(pt.root)[3] = pte_make(big, PTE_V | PTE_R);
    EXPECT_PANIC("pt_walk: a leaf at level 2 panics", pt_walk(&pt, vpn(3UL * 512 * 512), 0));
    uint64 before = frame_free_count();
    pt_free(&pt);
    check(frame_free_count() == before + 1, "pt_free: frees the root, not a leaf above level 0",
          "%lu frames freed", frame_free_count() - before);
    frame_free(big);
}

// What the DBCN console is handed from chapter 4 on: a kernel stack at a
// high address, its two pages in frames that are not neighbours, and a
// buffer across the page boundary. pt_va_to_pa must give two stretches,
// each in the right frame, stop at megapage leaves, and say 0 for holes.
static void test_va_to_pa(void)
{
    setup();
    struct page_table pt;
    pt_create(&pt);
    uint64 top = ~0UL - 4096 + 1 - 4096; // a page below the trampoline, like a stack
    ppn_t hi = frame_alloc(), gap = frame_alloc(), lo = frame_alloc();
    pt_map(&pt, va_floor(va(top - PGSIZE)), hi, PTE_R | PTE_W);
    pt_map(&pt, va_floor(va(top - 2 * PGSIZE)), lo, PTE_R | PTE_W);
    uint64 buf = top - PGSIZE - 100, run = 0; // 100 bytes in the lower page, then the upper
    uint64 pa1 = pt_va_to_pa(&pt, buf, &run);
    check(pa1 == ppn_to_pa(lo).v + PGSIZE - 100 && run == 100,
          "pt_va_to_pa: a stack buffer's first stretch ends at the page end",
          "pa %#lx run %lu", pa1, run);
    uint64 pa2 = pt_va_to_pa(&pt, buf + run, &run);
    check(pa2 == ppn_to_pa(hi).v && run == PGSIZE,
          "pt_va_to_pa: the second stretch starts in the other frame", "pa %#lx run %lu", pa2, run);
    check(ppn_to_pa(hi).v != ppn_to_pa(lo).v + PGSIZE, "test setup: frames are not neighbours",
          "they are");
    char *p = pa_to_ptr(pa(pa1)), *q = pa_to_ptr(pa(pa2));
    check(p == (char *)pa_to_ptr(ppn_to_pa(lo)) + PGSIZE - 100 && q == pa_to_ptr(ppn_to_pa(hi)),
          "pt_va_to_pa: the stretches are where the page table says", "they are not");
    run = 7;
    check(pt_va_to_pa(&pt, top, &run) == 0 && run == 0, "pt_va_to_pa: unmapped gives 0, run 0",
          "run %lu", run);
    check(pt_va_to_pa(&pt, 0x1000, &run) == 0 && run == 0,
          "pt_va_to_pa: an empty root slot gives 0", "run %lu", run);
    // A 2 MiB megapage at level 1, as the kernel maps RAM (pt_map_2m).
    uint64 mega = 2UL << 20, where = RAM_BASE + 4 * mega;
    check(pt_map_2m(&pt, va_floor(va(where)), pa_floor(pa(where)), PTE_R | PTE_W) == 0,
          "pt_map_2m for the test", "failed");
    uint64 pm = pt_va_to_pa(&pt, where + mega - 10, &run);
    check(pm == where + mega - 10 && run == 10, "pt_va_to_pa: a megapage leaf, identity",
          "pa %#lx run %lu", pm, run);
    pm = pt_va_to_pa(&pt, where, &run);
    check(pm == where && run == mega, "pt_va_to_pa: a megapage's run is 2 MiB", "pa %#lx run %lu",
          pm, run);
    pt_unmap(&pt, va_floor(va(top - PGSIZE)));
    pt_unmap(&pt, va_floor(va(top - 2 * PGSIZE)));
    pt_free(&pt);
    frame_free(hi), frame_free(gap), frame_free(lo);
}

// mmap's pages (PTE_MMAP) belong to the page table: pt_free frees their
// frames with the table pages, and leaves the frames of other leaves alone.
static void test_free_mmap_leaves(void)
{
    setup();
    struct page_table pt;
    pt_create(&pt);
    ppn_t mine = frame_alloc(), theirs = frame_alloc();
    pt_map(&pt, vpn(0x100), mine, PTE_R | PTE_W | PTE_U | PTE_MMAP);
    pt_map(&pt, vpn(0x101), theirs, PTE_R | PTE_W | PTE_U);
    uint64 before = frame_free_count();
    pt_free(&pt);
    check(frame_free_count() == before + 4, "pt_free: three table pages and the PTE_MMAP frame",
          "%lu frames freed", frame_free_count() - before);
    ppn_t again = frame_alloc(); // the most recently freed frame comes back first
    check(again.v != theirs.v, "pt_free: the other leaf's frame stays allocated", "it was freed");
    frame_free(again);
    frame_free(theirs);
}

int main(void)
{
    rand_seed(3);
    test_known_walk();
    test_random_pages();
    test_kernel_bugs();
    test_out_of_frames();
    test_superpage_leaf();
    test_va_to_pa();
    test_free_mmap_leaves();
    return finish("test_vm");
}
