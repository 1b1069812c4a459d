// Host unit test for chapter 1's device-tree reader (out/ch1/kernel/fdt.c).
//
// usage: test_fdt DIR
// DIR holds virt-128M.dtb, virt-256M.dtb, virt-1G.dtb (dumped by QEMU) and
// dtc-cells1.dtb, dtc-bits64.dtb (compiled by dtc); tests/unit/test_ch1_units.sh
// makes them. Every blob a test hands to fdt_parse sits in a heap block of
// exactly `limit` bytes, so ASan reports any read past what the parser was
// allowed to see.
#include <sanitizer/common_interface_defs.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "../lib/be32.h"

#define FDT_MAGIC 0xd00dfeed
#define BEGIN 1
#define END_NODE 2
#define PROP 3
#define NOP 4
#define END 9

static int failures;
static char current[256];  // what is being tried, for the death callback

static void on_death(void)
{
    printf("FAIL fdt_parse crashed while trying: %s\n", current);
    fflush(stdout);
}

static void trying(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(current, sizeof current, fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 3, 4)))
static int check(int ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        printf("PASS %s\n", name);
    } else {
        va_list ap;
        printf("FAIL %s: ", name);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
        failures++;
    }
    fflush(stdout);
    return ok;
}


// Parse a copy of blob[0..len) in a heap block of exactly len bytes.
static int parse_copy(const uint8_t *blob, uint32_t len, struct fdt_info *info)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, blob, len);
    int r = fdt_parse(copy, len, info);
    free(copy);
    return r;
}

// ---------------------------------------------------------------- blobs

struct blob {
    uint8_t *p;
    uint32_t size;
};

static struct blob read_blob(const char *dir, const char *name)
{
    char path[4096];
    struct blob b = {0, 0};
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return b;
    uint8_t head[8];
    if (fread(head, 1, 8, f) == 8 && get32(head) == FDT_MAGIC) {
        // QEMU pads the dumped file to 1 MiB; the blob is totalsize long.
        b.size = get32(head + 4);
        b.p = malloc(b.size);
        rewind(f);
        if (fread(b.p, 1, b.size, f) != b.size) {
            free(b.p);
            b.p = 0;
            b.size = 0;
        }
    }
    fclose(f);
    return b;
}

// A blob laid out as header, reservation map, then the two blocks in the
// order asked for, so that the last block ends where the heap block ends.
enum { STRUCT_LAST, STRINGS_LAST };

static struct blob assemble(const uint8_t *st, uint32_t stn, const uint8_t *strs, uint32_t strn,
                            int order)
{
    struct blob b;
    uint32_t rsv = 40, first = 56;
    b.size = first + stn + strn;
    b.p = calloc(1, b.size);
    uint32_t off_struct = order == STRUCT_LAST ? first + strn : first;
    uint32_t off_strings = order == STRUCT_LAST ? first : first + stn;
    memcpy(b.p + off_struct, st, stn);
    memcpy(b.p + off_strings, strs, strn);
    set32(b.p + 0, FDT_MAGIC);
    set32(b.p + 4, b.size);
    set32(b.p + 8, off_struct);
    set32(b.p + 12, off_strings);
    set32(b.p + 16, rsv);
    set32(b.p + 20, 17);
    set32(b.p + 24, 16);
    set32(b.p + 28, 0);
    set32(b.p + 32, strn);
    set32(b.p + 36, stn);
    return b;
}

// Builds a structure block and a strings block token by token.
struct builder {
    uint8_t st[65536];
    uint32_t stn;
    char strs[1024];
    uint32_t strn;
};

static void tok(struct builder *b, uint32_t v)
{
    set32(b->st + b->stn, v);
    b->stn += 4;
}

static void bytes(struct builder *b, const void *p, uint32_t n, int pad)
{
    memcpy(b->st + b->stn, p, n);
    b->stn += n;
    while (pad && b->stn % 4)
        b->st[b->stn++] = 0;
}

static void begin(struct builder *b, const char *name)
{
    tok(b, BEGIN);
    bytes(b, name, (uint32_t)strlen(name) + 1, 1);
}

static uint32_t string_off(struct builder *b, const char *name)
{
    for (uint32_t i = 0; i < b->strn; i += (uint32_t)strlen(b->strs + i) + 1)
        if (strcmp(b->strs + i, name) == 0)
            return i;
    uint32_t off = b->strn;
    memcpy(b->strs + off, name, strlen(name) + 1);
    b->strn += (uint32_t)strlen(name) + 1;
    return off;
}

static void prop(struct builder *b, const char *name, const void *val, uint32_t len)
{
    tok(b, PROP);
    tok(b, len);
    tok(b, string_off(b, name));
    bytes(b, val, len, 1);
}

static void prop_cells(struct builder *b, const char *name, int n, ...)
{
    uint8_t val[64];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        set32(val + 4 * i, va_arg(ap, uint32_t));
    va_end(ap);
    prop(b, name, val, 4 * (uint32_t)n);
}

static void prop_str(struct builder *b, const char *name, const char *s, uint32_t len)
{
    prop(b, name, s, len);
}

// Root with 2/2 cells, a memory node, a cpus node with the timebase, and a
// finisher: what QEMU's tree holds that the parser cares about.
static void minimal_tree(struct builder *b)
{
    begin(b, "");
    prop_cells(b, "#address-cells", 1, 2);
    prop_cells(b, "#size-cells", 1, 2);
    begin(b, "memory@80000000");
    prop_str(b, "device_type", "memory", 7);
    prop_cells(b, "reg", 4, 0, 0x80000000, 0, 0x4000000);
    tok(b, END_NODE);
    begin(b, "cpus");
    prop_cells(b, "#address-cells", 1, 1);
    prop_cells(b, "#size-cells", 1, 0);
    prop_cells(b, "timebase-frequency", 1, 12345678);
    tok(b, END_NODE);
    begin(b, "test@100000");
    prop_str(b, "compatible", "sifive,test1\0sifive,test0\0syscon", 33);
    prop_cells(b, "reg", 4, 0, 0x100000, 0, 0x1000);
    tok(b, END_NODE);
    tok(b, END_NODE);
    tok(b, END);
}

static int parse_built(struct builder *b, int order, struct fdt_info *info)
{
    struct blob bl = assemble(b->st, b->stn, (uint8_t *)b->strs, b->strn, order);
    int r = fdt_parse(bl.p, bl.size, info);
    free(bl.p);
    return r;
}

// ---------------------------------------------------------------- tests

static void qemu_blobs(const char *dir)
{
    static const struct {
        const char *file;
        uint64_t mem;
    } cases[] = {{"virt-128M.dtb", 128ull << 20}, {"virt-256M.dtb", 256ull << 20},
                 {"virt-1G.dtb", 1ull << 30}};
    char name[200];
    for (int i = 0; i < 3; i++) {
        struct blob b = read_blob(dir, cases[i].file);
        struct fdt_info info;
        snprintf(name, sizeof name, "fdt_parse reads QEMU's %s: RAM at 0x80000000, %llu MiB, "
                 "10 MHz timebase, finisher at 0x100000", cases[i].file,
                 (unsigned long long)(cases[i].mem >> 20));
        if (!b.p) {
            check(0, name, "cannot read %s/%s", dir, cases[i].file);
            continue;
        }
        trying("QEMU's %s", cases[i].file);
        int r = parse_copy(b.p, b.size, &info);
        check(r == 0 && info.mem_base == 0x80000000 && info.mem_size == cases[i].mem &&
              info.timebase == 10000000 && info.finisher == 0x100000, name,
              "returned %d, mem_base %#lx mem_size %#lx timebase %lu finisher %#lx", r,
              info.mem_base, info.mem_size, info.timebase, info.finisher);
        free(b.p);
    }
}

static void dtc_blobs(const char *dir)
{
    static const struct {
        const char *file, *what;
        uint64_t base, size, timebase, finisher;
    } cases[] = {
        {"dtc-cells1.dtb", "1/1 cells, timebase in a cpu node", 0x80000000, 0x4000000, 1000000,
         0x100000},
        {"dtc-bits64.dtb", "2/1 cells, a 64-bit timebase, no finisher", 0x80000000, 0x20000000,
         0x100000000ull, 0},
    };
    char name[200];
    for (int i = 0; i < 2; i++) {
        struct blob b = read_blob(dir, cases[i].file);
        struct fdt_info info;
        snprintf(name, sizeof name, "fdt_parse reads a dtc-made blob (%s)", cases[i].what);
        if (!b.p) {
            check(0, name, "cannot read %s/%s", dir, cases[i].file);
            continue;
        }
        trying("dtc's %s", cases[i].file);
        int r = parse_copy(b.p, b.size, &info);
        check(r == 0 && info.mem_base == cases[i].base && info.mem_size == cases[i].size &&
              info.timebase == cases[i].timebase && info.finisher == cases[i].finisher, name,
              "returned %d, mem_base %#lx mem_size %#lx timebase %lu finisher %#lx", r,
              info.mem_base, info.mem_size, info.timebase, info.finisher);
        free(b.p);
    }
}

static void truncations(const struct blob *b)
{
    struct fdt_info info;
    uint32_t bad = 0, first_bad = 0;
    for (uint32_t len = 0; len < b->size; len++) {
        trying("the QEMU blob cut to limit %u", len);
        if (parse_copy(b->p, len, &info) != -1 && bad++ == 0)
            first_bad = len;
    }
    check(bad == 0, "fdt_parse returns -1 for every limit from 0 to totalsize-1",
          "%u limits accepted, the first %u", bad, first_bad);

    trying("the QEMU blob with limit above its totalsize");
    uint8_t *big = calloc(1, b->size + 4096);
    memcpy(big, b->p, b->size);
    int r = fdt_parse(big, b->size + 4096, &info);
    free(big);
    check(r == 0 && info.mem_size == 128 << 20,
          "fdt_parse accepts a limit larger than the blob", "returned %d", r);

    // Re-lay the blob so one block ends the heap block, then cut that block
    // short in the header: a read past the block would hit ASan's redzone.
    const uint8_t *st = b->p + get32(b->p + 8), *strs = b->p + get32(b->p + 12);
    uint32_t stn = get32(b->p + 36), strn = get32(b->p + 32);
    struct blob whole = assemble(st, stn, strs, strn, STRUCT_LAST);
    trying("the QEMU blob re-laid with the structure block last");
    r = fdt_parse(whole.p, whole.size, &info);
    free(whole.p);
    check(r == 0 && info.mem_size == 128 << 20 && info.finisher == 0x100000,
          "fdt_parse reads the QEMU blob re-laid with the structure block last", "returned %d", r);
    bad = 0;
    for (uint32_t k = 0; k < stn; k++) {
        trying("the QEMU structure block cut to %u bytes", k);
        struct blob cut = assemble(st, k, strs, strn, STRUCT_LAST);
        if (fdt_parse(cut.p, cut.size, &info) != -1 && bad++ == 0)
            first_bad = k;
        free(cut.p);
    }
    check(bad == 0, "fdt_parse returns -1 for every structure block cut short (size_dt_struct)",
          "%u lengths accepted, the first %u", bad, first_bad);
    bad = 0;
    for (uint32_t k = 0; k < strn; k++) {
        trying("the QEMU strings block cut to %u bytes", k);
        struct blob cut = assemble(st, stn, strs, k, STRINGS_LAST);
        if (fdt_parse(cut.p, cut.size, &info) != -1 && bad++ == 0)
            first_bad = k;
        free(cut.p);
    }
    check(bad == 0, "fdt_parse returns -1 for every strings block cut short (size_dt_strings)",
          "%u lengths accepted, the first %u", bad, first_bad);
}

// Each case patches one header field of the real blob; all must fail.
static void header_corruptions(const struct blob *b)
{
    uint32_t size = b->size, stn = get32(b->p + 36), strn = get32(b->p + 32);
    uint32_t off_st = get32(b->p + 8), off_strs = get32(b->p + 12);
    static char what[80];
    const struct {
        const char *what;
        uint32_t offset, value;
    } cases[] = {
        {"magic 0", 0, 0},
        {"magic byte-swapped", 0, 0xedfe0dd0},
        {"magic off by one bit", 0, FDT_MAGIC ^ 1},
        {"totalsize = limit + 1", 4, size + 1},
        {"totalsize = 0xffffffff", 4, 0xffffffff},
        {"totalsize = 39", 4, 39},
        {"totalsize = 0", 4, 0},
        {"off_dt_struct = totalsize + 4", 8, size + 4},
        {"off_dt_struct = 0xffffffff", 8, 0xffffffff},
        {"off_dt_struct so the block runs 4 bytes past the end", 8, size - stn + 4},
        {"size_dt_struct = totalsize", 36, size},
        {"size_dt_struct = 0xffffffff", 36, 0xffffffff},
        {"size_dt_struct so the block overflows 32 bits", 36, 0xffffffff - off_st + 8},
        {"off_dt_strings = totalsize + 1", 12, size + 1},
        {"off_dt_strings = 0xffffffff", 12, 0xffffffff},
        {"off_dt_strings 4 bytes later", 12, off_strs + 4},
        {"size_dt_strings + 1", 32, strn + 1},
        {"size_dt_strings = 0xffffffff", 32, 0xffffffff},
        {"size_dt_strings so the block overflows 32 bits", 32, 0xffffffff - off_strs + 8},
        {"size_dt_struct = 0", 36, 0},
        {"size_dt_strings = 0", 32, 0},
    };
    int n = (int)(sizeof cases / sizeof cases[0]), bad = 0;
    uint8_t *copy = malloc(size);
    struct fdt_info info;
    for (int i = 0; i < n; i++) {
        memcpy(copy, b->p, size);
        set32(copy + cases[i].offset, cases[i].value);
        trying("the QEMU blob with %s", cases[i].what);
        int r = fdt_parse(copy, size, &info);
        if (r != -1) {
            bad++;
            snprintf(what, sizeof what, "%s", cases[i].what);
        }
    }
    check(bad == 0, "fdt_parse rejects a corrupt header (magic, totalsize, block offsets and sizes; "
          "21 cases)", "%d cases accepted, e.g. %s", bad, what);
    trying("the QEMU blob with limit 39");
    check(fdt_parse(b->p, 39, &info) == -1 && fdt_parse(b->p, 0, &info) == -1,
          "fdt_parse rejects a limit below the 40-byte header", "accepted");
    free(copy);
}

static void expect_built(struct builder *b, int want, const char *name, uint64_t want_size)
{
    struct fdt_info info;
    int r1, r2;
    trying("%s (structure block last)", name);
    r1 = parse_built(b, STRUCT_LAST, &info);
    int ok = r1 == want && (want != 0 || info.mem_size == want_size);
    trying("%s (strings block last)", name);
    r2 = parse_built(b, STRINGS_LAST, &info);
    ok = ok && r2 == want && (want != 0 || info.mem_size == want_size);
    check(ok, name, "returned %d and %d, want %d (mem_size %#lx)", r1, r2, want, info.mem_size);
}

static void synthetic(void)
{
    static struct builder b;
    struct fdt_info info;

    memset(&b, 0, sizeof b);
    minimal_tree(&b);
    int r = parse_built(&b, STRUCT_LAST, &info);
    check(r == 0 && info.mem_base == 0x80000000 && info.mem_size == 0x4000000 &&
          info.timebase == 12345678 && info.finisher == 0x100000,
          "fdt_parse reads a minimal hand-built tree (checks the test's blob builder)",
          "returned %d, mem_base %#lx mem_size %#lx timebase %lu finisher %#lx", r,
          info.mem_base, info.mem_size, info.timebase, info.finisher);

    // A node name with no '\0' before the end of the structure block.
    memset(&b, 0, sizeof b);
    begin(&b, "");
    prop_cells(&b, "timebase-frequency", 1, 10);
    tok(&b, BEGIN);
    bytes(&b, "memory", 6, 0);
    expect_built(&b, -1, "fdt_parse rejects a node name that runs to the end of the block", 0);
    memset(&b, 0, sizeof b);
    tok(&b, BEGIN);
    expect_built(&b, -1, "fdt_parse rejects a BEGIN_NODE that ends the block", 0);

    // Property lengths past the block, including ones whose padding wraps.
    static const uint32_t lens[] = {9, 12, 13, 0x7fffffff, 0xfffffffc, 0xfffffffd, 0xffffffff};
    int bad = 0;
    for (int i = 0; i < (int)(sizeof lens / sizeof lens[0]); i++) {
        memset(&b, 0, sizeof b);
        begin(&b, "");
        tok(&b, PROP);
        tok(&b, lens[i]);
        tok(&b, string_off(&b, "timebase-frequency"));
        bytes(&b, "\0\0\0\1\0\0\0\0", 8, 0);  // 8 bytes where more are claimed
        trying("a property of length %#x with 8 bytes left", lens[i]);
        if (parse_built(&b, STRUCT_LAST, &info) != -1)
            bad++;
    }
    check(bad == 0, "fdt_parse rejects a property whose length runs past the block (7 lengths)",
          "%d accepted", bad);
    memset(&b, 0, sizeof b);
    begin(&b, "");
    tok(&b, PROP);
    tok(&b, 4);
    expect_built(&b, -1, "fdt_parse rejects a property header cut off by the block's end", 0);

    // Name offsets at and past the strings block, and a last string with no '\0'.
    bad = 0;
    for (int i = 0; i < 6; i++) {
        memset(&b, 0, sizeof b);
        minimal_tree(&b);
        const uint32_t offs[] = {b.strn, b.strn + 1, b.strn + 4096, 0x7fffffff, 0xfffffffc,
                                 0xffffffff};
        // Point the first property's nameoff (root's #address-cells) past the end.
        uint32_t where = 8 + 8;  // BEGIN, "" padded, PROP, len -> nameoff
        set32(b.st + where, offs[i]);
        trying("nameoff = %#x with a %u-byte strings block", offs[i], b.strn);
        if (parse_built(&b, STRINGS_LAST, &info) != -1 || parse_built(&b, STRUCT_LAST, &info) != -1)
            bad++;
    }
    check(bad == 0, "fdt_parse rejects a nameoff at or past the strings block (6 offsets)",
          "%d accepted", bad);
    memset(&b, 0, sizeof b);
    minimal_tree(&b);
    b.strn--;  // drop the '\0' of the last string ("compatible"... or whichever came last)
    expect_built(&b, -1, "fdt_parse rejects a property name with no '\\0' in the strings block", 0);

    // Unbalanced trees.
    memset(&b, 0, sizeof b);
    minimal_tree(&b);
    b.stn -= 4;
    tok(&b, END_NODE);
    tok(&b, END);
    expect_built(&b, -1, "fdt_parse rejects an END_NODE with no open node", 0);
    memset(&b, 0, sizeof b);
    tok(&b, END_NODE);
    tok(&b, END);
    expect_built(&b, -1, "fdt_parse rejects a block that starts with END_NODE", 0);
    memset(&b, 0, sizeof b);
    minimal_tree(&b);
    b.stn -= 8;  // drop the root's END_NODE and END
    tok(&b, END);
    expect_built(&b, -1, "fdt_parse rejects END while a node is still open", 0);
    memset(&b, 0, sizeof b);
    minimal_tree(&b);
    b.stn -= 4;  // no END token at all
    expect_built(&b, -1, "fdt_parse rejects a structure block with no END token", 0);
    memset(&b, 0, sizeof b);
    prop_cells(&b, "timebase-frequency", 1, 10);
    minimal_tree(&b);
    expect_built(&b, -1, "fdt_parse rejects a property outside every node", 0);
    memset(&b, 0, sizeof b);
    minimal_tree(&b);
    b.stn -= 4;
    tok(&b, 5);
    tok(&b, END);
    expect_built(&b, -1, "fdt_parse rejects an unknown token", 0);

    // NOPs anywhere are skipped.
    memset(&b, 0, sizeof b);
    tok(&b, NOP);
    begin(&b, "");
    tok(&b, NOP);
    prop_cells(&b, "timebase-frequency", 1, 10);
    begin(&b, "memory@0");
    tok(&b, NOP);
    prop_str(&b, "device_type", "memory", 7);
    prop_cells(&b, "reg", 3, 0, 0x80000000, 0x1000);
    tok(&b, END_NODE);
    tok(&b, NOP);
    tok(&b, END_NODE);
    tok(&b, NOP);
    tok(&b, END);
    expect_built(&b, 0, "fdt_parse skips NOP tokens (and reads reg with the default 2/1 cells)",
                 0x1000);

    // Depth: 16 nested nodes are allowed, 17 are not.
    for (int depth = 15; depth <= 17; depth++) {
        char name[120];
        memset(&b, 0, sizeof b);
        begin(&b, "");
        prop_cells(&b, "timebase-frequency", 1, 10);
        for (int d = 2; d < depth; d++)
            begin(&b, "n");
        begin(&b, "memory@80000000");
        prop_str(&b, "device_type", "memory", 7);
        prop_cells(&b, "reg", 3, 0, 0x80000000, 0x2000);
        for (int d = 1; d <= depth; d++)
            tok(&b, END_NODE);
        tok(&b, END);
        snprintf(name, sizeof name, "fdt_parse %s a tree %d nodes deep",
                 depth <= 16 ? "reads" : "rejects", depth);
        expect_built(&b, depth <= 16 ? 0 : -1, name, 0x2000);
    }
    memset(&b, 0, sizeof b);
    for (int d = 0; d < 5000; d++)
        begin(&b, "");
    expect_built(&b, -1, "fdt_parse rejects 5000 nested BEGIN_NODEs", 0);

    // What the tree lacks, or gives in a form the parser does not read.
    static const struct {
        const char *name;
        int acells, scells;
        uint32_t reg_len, tb_len;
    } lack[] = {
        {"fdt_parse fails when the tree has no timebase-frequency", 2, 2, 16, 0},
        {"fdt_parse fails when the tree has no memory reg", 2, 2, 0, 4},
        {"fdt_parse ignores a 2-byte timebase-frequency", 2, 2, 16, 2},
        {"fdt_parse ignores reg under #address-cells = 3", 3, 2, 20, 4},
        {"fdt_parse ignores reg under #size-cells = 3", 2, 3, 20, 4},
        {"fdt_parse ignores a reg shorter than its cells", 2, 2, 12, 4},
    };
    for (int i = 0; i < (int)(sizeof lack / sizeof lack[0]); i++) {
        uint8_t reg[24] = {0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0};
        uint8_t tb[8] = {0, 0x98, 0x96, 0x80, 0, 0, 0, 0};
        memset(&b, 0, sizeof b);
        begin(&b, "");
        prop_cells(&b, "#address-cells", 1, lack[i].acells);
        prop_cells(&b, "#size-cells", 1, lack[i].scells);
        if (lack[i].tb_len)
            prop(&b, "timebase-frequency", tb, lack[i].tb_len);
        begin(&b, "memory@80000000");
        prop_str(&b, "device_type", "memory", 7);
        if (lack[i].reg_len)
            prop(&b, "reg", reg, lack[i].reg_len);
        tok(&b, END_NODE);
        tok(&b, END_NODE);
        tok(&b, END);
        expect_built(&b, -1, lack[i].name, 0);
    }
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void byte_flips(const struct blob *b)
{
    struct fdt_info info;
    int other = 0, accepted = 0, nonsense = 0;
    uint8_t *copy = malloc(b->size);
    uint32_t hot = get32(b->p + 8) + get32(b->p + 36);  // header .. end of structure block
    for (int it = 0; it < 2000; it++) {
        memcpy(copy, b->p, b->size);
        int flips = 1 + (int)(next_random() % 4);
        for (int k = 0; k < flips; k++) {
            // Half the flips land in the header or the structure block.
            uint32_t span = (next_random() & 1) ? hot : b->size;
            uint32_t at = (uint32_t)(next_random() % span);
            copy[at] ^= (uint8_t)(1 + next_random() % 255);
        }
        trying("byte-flip iteration %d (seed 0x2545f4914f6cdd1d)", it);
        int r = fdt_parse(copy, b->size, &info);
        if (r == 0) {
            accepted++;
            if (info.mem_size == 0 || info.timebase == 0)
                nonsense++;
        } else if (r != -1) {
            other++;
        }
    }
    free(copy);
    check(other == 0 && nonsense == 0,
          "fdt_parse survives 2000 random byte-flipped QEMU blobs, returning 0 or -1",
          "%d returned something else, %d returned 0 without memory or timebase", other, nonsense);
    printf("     (%d of 2000 flipped blobs still parsed)\n", accepted);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR-WITH-DTBS\n", argv[0]);
        return 2;
    }
    __sanitizer_set_death_callback(on_death);
    qemu_blobs(argv[1]);
    dtc_blobs(argv[1]);
    struct blob b = read_blob(argv[1], "virt-128M.dtb");
    if (check(b.p != 0, "the QEMU 128M blob is readable for the malformed-blob tests",
              "cannot read it")) {
        truncations(&b);
        header_corruptions(&b);
        byte_flips(&b);
        free(b.p);
    }
    synthetic();
    return failures ? 1 : 0;
}
