// elf_props.h: what the ELF fuzz targets (fuzz_elf.c, chapter 4's checker,
// and fuzz_elf6.c, chapter 6's on) ask of every image elf_check accepts,
// checked without elf.c's helpers. Include it after the kernel's elf.h.

uint64 host_phys_offset; // addr.h declares it under HOST_TEST

// elf.c must never panic, whatever the input.
void panic_at(const char *file, int line, const char *fmt, ...)
{
    (void)file, (void)line, (void)fmt;
    abort();
}

// The PT_LOAD headers of an accepted image, read from its first bytes
// (which hold the program headers).
static uint32 count_loads(const uint8 *head)
{
    struct elf_header h;
    struct elf_phdr p;
    uint32 n = 0;
    memcpy(&h, head, sizeof h);
    for (uint32 i = 0; i < h.phnum; i++) {
        memcpy(&p, head + h.phoff + i * sizeof p, sizeof p);
        n += p.type == PT_LOAD;
    }
    return n;
}

// The promises about segment s[n - 1], the newest of the n so far, that the
// loader in space.c relies on: in user space below VA_LOW_END and above the
// first page, no more file bytes than memory, readable or executable
// (never write-only), and no page shared with an earlier segment (a page
// has one set of permissions). Sets *entry_ok if it holds the entry point
// and is executable.
static void check_segment(const struct elf_segment *s, uint32 n, uint64 entry, int *entry_ok)
{
    const struct elf_segment *g = &s[n - 1];
    if (g->filesz > g->memsz || g->vaddr < PGSIZE || g->memsz > VA_LOW_END - g->vaddr)
        abort();
    if ((g->flags & (PF_R | PF_W | PF_X)) == 0 || (g->flags & (PF_R | PF_W)) == PF_W)
        abort();
    for (uint32 j = 0; j + 1 < n; j++)
        if (s[j].vaddr / PGSIZE <= (g->vaddr + g->memsz - 1) / PGSIZE &&
            g->vaddr / PGSIZE <= (s[j].vaddr + s[j].memsz - 1) / PGSIZE)
            abort();
    if ((g->flags & PF_X) && entry >= g->vaddr && entry - g->vaddr < g->memsz)
        *entry_ok = 1;
}
