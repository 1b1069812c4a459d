// libFuzzer target for chapter 4's ELF checker (out/ch4/kernel/elf.c).
// Built by tests/fuzz/fuzz.sh with clang -fsanitize=fuzzer,address,undefined
// -DHOST_TEST.
//
// Whatever the bytes, elf_check must refuse them with a reason, or accept
// them with an entry point and PT_LOAD segments that keep its promises (the
// loader in space.c relies on them), checked here without elf.c's helpers.
// It must read nothing outside the image: each image is an exact-size heap
// copy, and the file data of each segment is touched at both ends, so ASan
// sees any overread. Cut copies of the input are checked too.
// Kernel headers first: types.h defines NULL as ((void *)0), and clang warns
// (-Wmacro-redefined) if its own stddef.h spelling came first.
#include "addr.h"
#include "elf.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "elf_props.h"

static void check_accepted(const uint8 *img, uint64 size, const struct elf_info *info)
{
    struct elf_segment s[ELF_MAX_PHNUM];
    struct elf_header h;
    uint32 cursor = 0, n = 0;
    int entry_ok = 0;
    volatile uint8 sink = 0;
    memcpy(&h, img, sizeof h);
    if (info->img != img || info->size != size || info->entry != h.entry)
        abort();
    while (elf_next_load(info, &cursor, &s[n])) {
        const struct elf_segment *g = &s[n];
        if (++n > ELF_MAX_PHNUM)
            abort();
        check_segment(s, n, info->entry, &entry_ok);
        if (g->data < img || g->filesz > size || (uint64)(g->data - img) > size - g->filesz)
            abort();
        if (g->filesz > 0)
            sink += g->data[0] + g->data[g->filesz - 1];
    }
    if (n == 0 || !entry_ok || n != count_loads(img))
        abort();
    (void)sink;
}

static void check_image(const uint8 *data, uint64 size)
{
    uint8 *img = malloc(size ? size : 1); // exact size: libFuzzer's may have slack
    memcpy(img, data, size);
    struct elf_info info;
    const char *why = NULL;
    int r = elf_check(img, size, &info, &why);
    if (r == 0)
        check_accepted(img, size, &info);
    else if (r != -1 || why == NULL || why[0] == '\0')
        abort();
    // No state: the same bytes give the same answer.
    const char *why2 = NULL;
    struct elf_info again;
    if (elf_check(img, size, &again, &why2) != r || (r != 0 && why2 != why))
        abort();
    free(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_image(data, size);
    // Truncations: at half, and just short of the end.
    if (size > 1) {
        check_image(data, size / 2);
        check_image(data, size - 1);
    }
    return 0;
}
