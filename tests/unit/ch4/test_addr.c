// Host tests for addr.h and pte.h (out/ch4/kernel): conversions, rounding,
// SV39 index arithmetic, sign extension, PTE packing.
#include <stdio.h>

#include "host.h"

// SV39 has 2^64 - 2^39 addresses it cannot name: bits 63:39 must copy bit 38.
static int canonical(va_t a)
{
    uint64 top = a.v >> 38;
    return top == 0 || top == (1UL << 26) - 1;
}

static void test_physical(void)
{
    pa_t a = pa(0x80200123);
    check(pa_floor(a).v == 0x80200, "pa_floor", "got %#lx", pa_floor(a).v);
    check(pa_ceil(a).v == 0x80201, "pa_ceil", "got %#lx", pa_ceil(a).v);
    check(pa_ceil(pa(0x80200000)).v == 0x80200, "pa_ceil of an aligned address", "rounded up");
    check(ppn_to_pa(ppn(0x80200)).v == 0x80200000, "ppn_to_pa", "got %#lx",
          ppn_to_pa(ppn(0x80200)).v);
}

static void test_virtual(void)
{
    va_t a = va(0x12345678);
    check(va_floor(a).v == 0x12345, "va_floor", "got %#lx", va_floor(a).v);
    check(va_ceil(a).v == 0x12346, "va_ceil", "got %#lx", va_ceil(a).v);
    check(page_offset(a) == 0x678, "page_offset", "got %#lx", page_offset(a));
    va_t top = va(0xfffffffffffff000UL); // the trampoline page
    check(va_floor(top).v == VPN_MASK, "va_floor of the top page", "got %#lx", va_floor(top).v);
    check(vpn_to_va(vpn(VPN_MASK)).v == top.v, "vpn_to_va sign-extends bit 38", "got %#lx",
          vpn_to_va(vpn(VPN_MASK)).v);
    check(vpn_to_va(vpn(0x3ffffff)).v == 0x3ffffff000UL, "vpn_to_va of the top low page",
          "got %#lx", vpn_to_va(vpn(0x3ffffff)).v);
    check(va_ceil(va(0xfffffffffffff001UL)).v == 0, "va_ceil wraps at the very top", "got %#lx",
          va_ceil(va(0xfffffffffffff001UL)).v);
    check(VA_LOW_END == 0x4000000000UL, "VA_LOW_END is 2^38", "%#lx", VA_LOW_END);
}

// VA = idx2 * 1 GiB + idx1 * 2 MiB + idx0 * 4 KiB: the spec's levels.
static void test_vpn_index(void)
{
    int ok = 1;
    for (int i = 0; i < 10000 && ok; i++) {
        uint64 i2 = rand_below(512), i1 = rand_below(512), i0 = rand_below(512);
        vpn_t v = va_floor(va(i2 * 0x40000000UL + i1 * 0x200000UL + i0 * 0x1000UL));
        ok = vpn_index(v, 2) == i2 && vpn_index(v, 1) == i1 && vpn_index(v, 0) == i0;
    }
    check(ok, "vpn_index: level 2 is VA bits 38:30", "mismatch");
}

static void test_round_trip(void)
{
    int ok = 1;
    for (int i = 0; i < 10000 && ok; i++) {
        vpn_t v = vpn(rand_below(VPN_MASK + 1));
        va_t a = vpn_to_va(v);
        ok = canonical(a) && va_floor(a).v == v.v && page_offset(a) == 0;
    }
    check(ok, "vpn_to_va gives canonical addresses, and va_floor inverts it", "mismatch");
}

static void test_pte(void)
{
    check(PTE_V == 1 && PTE_R == 2 && PTE_W == 4 && PTE_X == 8 && PTE_U == 16,
          "PTE bits follow the privileged spec", "wrong bit");
    check(PTE_FLAGS_MASK == 0x3ff && PTE_PPN_SHIFT == 10, "PTE flags are bits 9:0, PPN from 10",
          "mask %#lx shift %d", PTE_FLAGS_MASK, PTE_PPN_SHIFT);
    pte_t e = pte_make(ppn(0xfffffffffffUL), PTE_V | PTE_R | PTE_U);
    check(pte_ppn(e).v == 0xfffffffffffUL, "pte_ppn: 44 bits at 53:10", "got %#lx", pte_ppn(e).v);
    check(e >> 54 == 0, "pte_make leaves bits 63:54 zero", "pte %#lx", e);
    check((e & PTE_FLAGS_MASK) == (PTE_V | PTE_R | PTE_U), "pte_make keeps the flags", "got %#lx",
          e & PTE_FLAGS_MASK);
    check(pte_make(ppn(1), ~0UL) == (1UL << 10 | 0x3ff), "pte_make masks flags to bits 9:0",
          "got %#lx", pte_make(ppn(1), ~0UL));
    check(pte_is_leaf(e) && !pte_is_leaf(pte_make(ppn(5), PTE_V)), "pte_is_leaf", "wrong");
    check(!pte_is_leaf(pte_make(ppn(5), PTE_R)), "an invalid entry is no leaf", "wrong");
}

static void test_pa_to_ptr(void)
{
    char *ram = sim_ram(0x80000000UL, 2 * PGSIZE);
    check(pa_to_ptr(pa(0x80001004UL)) == ram + 0x1004, "pa_to_ptr uses host_phys_offset", "wrong");
}

int main(void)
{
    rand_seed(4);
    test_physical();
    test_virtual();
    test_vpn_index();
    test_round_trip();
    test_pte();
    test_pa_to_ptr();
    return finish("test_addr");
}
