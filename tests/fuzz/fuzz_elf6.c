// libFuzzer target for the ELF checker of chapter 6 on (out/ch6/kernel/elf.c),
// which sees only the first bytes of a program file: exec reads a head of
// the file from the disk, and elf_check(head, head_size, file_size) must
// judge the whole file from it. Built by tests/fuzz/fuzz.sh like fuzz_elf.c.
//
// The input is the file. Its head is given at several sizes (the whole
// file, one page, 120 bytes), each an exact-size heap copy, so ASan sees any
// read past the head; and the file is also said to be twice as long as its
// bytes, as if its tail had not been read. Whatever the bytes, elf_check
// must refuse them with a reason, or accept them with program headers
// inside the head, segments whose file bytes lie inside the file, and the
// promises of elf_props.h.
// Kernel headers first, as in fuzz_elf.c.
#include "addr.h"
#include "elf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf_props.h"

static void check_accepted(const uint8 *head, uint64 head_size, uint64 file_size,
                           const struct elf_info *info)
{
    struct elf_segment s[ELF_MAX_PHNUM];
    struct elf_header h;
    uint32 cursor = 0, n = 0;
    int entry_ok = 0;
    memcpy(&h, head, sizeof h);
    if (info->head != head || info->size != file_size || info->entry != h.entry)
        abort();
    if (h.phoff > head_size || (uint64)h.phnum * sizeof(struct elf_phdr) > head_size - h.phoff)
        abort(); // the program headers must lie in the head
    while (elf_next_load(info, &cursor, &s[n])) {
        const struct elf_segment *g = &s[n];
        if (++n > ELF_MAX_PHNUM)
            abort();
        check_segment(s, n, info->entry, &entry_ok);
        if (g->offset > file_size || g->filesz > file_size - g->offset)
            abort();
    }
    if (n == 0 || !entry_ok || n != count_loads(head))
        abort();
}

static void check_file(const uint8 *data, uint64 head_size, uint64 file_size)
{
    uint8 *head = malloc(head_size ? head_size : 1); // exact size: ASan sees overreads
    memcpy(head, data, head_size);
    struct elf_info info;
    const char *why = NULL;
    int r = elf_check(head, head_size, file_size, &info, &why);
    if (r == 0)
        check_accepted(head, head_size, file_size, &info);
    else if (r != -1 || why == NULL || why[0] == '\0')
        abort();
    // No state: the same bytes give the same answer.
    const char *why2 = NULL;
    struct elf_info again;
    if (elf_check(head, head_size, file_size, &again, &why2) != r || (r != 0 && why2 != why))
        abort();
    free(head);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint64 heads[] = {PGSIZE, 120};
    check_file(data, size, size);
    check_file(data, size, 2 * (uint64)size);
    for (unsigned i = 0; i < sizeof heads / sizeof heads[0]; i++)
        if (heads[i] < size)
            check_file(data, heads[i], size);
    return 0;
}
