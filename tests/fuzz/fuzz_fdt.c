// libFuzzer target for chapter 1's device-tree reader (out/ch1/kernel/fdt.c).
// Built by tests/fuzz/fuzz.sh with clang -fsanitize=fuzzer,address,undefined.
//
// Whatever the bytes, fdt_parse must return 0 or -1 without reading outside
// [fdt, fdt + limit): libFuzzer hands us an exact-size heap copy, and each
// variant we try (prefixes, the two blocks re-laid to end the buffer) gets
// its own exact-size block, so ASan sees any overread. A blob it accepts
// must have given memory and a timebase.
// fdt.h comes first: the kernel's types.h defines NULL as ((void *)0), and
// clang warns (-Wmacro-redefined) if its own stddef.h spelling came first.
#include "fdt.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../lib/be32.h"

static void parse_checked(const uint8_t *data, size_t size)
{
    struct fdt_info info;
    memset(&info, 0xa5, sizeof info);
    int r = fdt_parse(data, size, &info);
    if (r != 0 && r != -1)
        abort();
    if (r == 0 && (info.mem_size == 0 || info.timebase == 0))
        abort();
    // fdt_parse has no state: the same bytes give the same answer.
    struct fdt_info again;
    if (fdt_parse(data, size, &again) != r || (r == 0 && memcmp(&info, &again, sizeof info)))
        abort();
}


// In a real blob the strings block follows the structure block, so reading
// a little past the end of the structure block stays inside the buffer and
// ASan sees nothing. Re-lay the input's two blocks so that one of them ends
// exactly where the heap block ends, and parse that too.
static void parse_relaid(const uint8_t *data, size_t size, int struct_last)
{
    if (size < 40)
        return;
    uint32_t off_st = get32(data + 8), off_strs = get32(data + 12);
    uint32_t strn = get32(data + 32), stn = get32(data + 36);
    if (off_st > size || size - off_st < stn || off_strs > size || size - off_strs < strn)
        return;
    uint32_t total = 40 + stn + strn;
    uint32_t new_st = struct_last ? 40 + strn : 40, new_strs = struct_last ? 40 : 40 + stn;
    uint8_t *b = malloc(total);
    memcpy(b, data, 40);
    memcpy(b + new_st, data + off_st, stn);
    memcpy(b + new_strs, data + off_strs, strn);
    set32(b + 4, total);
    set32(b + 8, new_st);
    set32(b + 12, new_strs);
    parse_checked(b, total);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse_checked(data, size);
    parse_relaid(data, size, 1);
    parse_relaid(data, size, 0);
    // The limit is a promise about the bytes the parser may read; cut the
    // input at the totalsize its header claims (if smaller) and at half.
    if (size >= 8) {
        size_t total = (size_t)data[4] << 24 | (size_t)data[5] << 16 | (size_t)data[6] << 8 |
                       data[7];
        size_t cuts[2] = {total, size / 2};
        for (int i = 0; i < 2; i++) {
            if (cuts[i] >= size)
                continue;
            uint8_t *copy = malloc(cuts[i] ? cuts[i] : 1);
            memcpy(copy, data, cuts[i]);
            parse_checked(copy, cuts[i]);
            free(copy);
        }
    }
    return 0;
}
