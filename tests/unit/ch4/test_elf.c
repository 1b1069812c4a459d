// Host tests for out/ch4/kernel/elf.c: hand-built images, each check broken
// on purpose, truncations, random corruption, and real files built by
// riscv64-unknown-elf-gcc from tiny.c (named on the command line as
// accept:PATH or reject:PATH). Refusals must come with a reason; nothing
// may crash or read outside the image (each image is an exact-size heap
// block, so AddressSanitizer sees any over-read).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "elf.h"

#define PT_NOTE 4
#define PT_RISCV_ATTRIBUTES 0x70000003
#define IMG_SIZE 0x3000

// The hand-built image: an attributes header at vaddr 0 (as the
// toolchain emits), code at 0x10000, data plus bss at 0x11000.
static struct elf_header hdr;
static struct elf_phdr ph[3];

static void make_valid(void)
{
    memset(&hdr, 0, sizeof(hdr));
    memcpy(hdr.ident, "\177ELF", 4);
    hdr.ident[4] = ELFCLASS64;
    hdr.ident[5] = ELFDATA2LSB;
    hdr.ident[6] = EV_CURRENT;
    hdr.type = ET_EXEC;
    hdr.machine = EM_RISCV;
    hdr.version = EV_CURRENT;
    hdr.entry = 0x10000;
    hdr.phoff = sizeof(hdr);
    hdr.ehsize = sizeof(hdr);
    hdr.phentsize = sizeof(struct elf_phdr);
    hdr.phnum = 3;
    ph[0] = (struct elf_phdr){PT_RISCV_ATTRIBUTES, PF_R, 0x2f00, 0, 0, 0x20, 0, 1};
    ph[1] = (struct elf_phdr){PT_LOAD, PF_R | PF_X, 0x1000, 0x10000, 0x10000, 0x100, 0x100, 0x1000};
    ph[2] = (struct elf_phdr){PT_LOAD, PF_R | PF_W, 0x2000, 0x11000, 0x11000, 0x80, 0x3000, 0x1000};
}

// Lay hdr and ph out in a fresh buffer of exactly size bytes, so that
// AddressSanitizer catches any read past the end.
static uint8 *build(uint64 size)
{
    static uint8 full[IMG_SIZE];
    memset(full, 0, sizeof(full));
    memcpy(full, &hdr, sizeof(hdr));
    memcpy(full + sizeof(hdr), ph, sizeof(ph));
    for (int i = 0; i < 0x100; i++)
        full[0x1000 + i] = (uint8)i;
    uint8 *img = malloc(size ? size : 1);
    memcpy(img, full, size < IMG_SIZE ? size : IMG_SIZE);
    return img;
}

static int accepts(uint64 size, const char **why)
{
    struct elf_info info;
    uint8 *img = build(size);
    int r = elf_check(img, size, &info, why);
    free(img);
    return r == 0;
}

static void test_valid(void)
{
    make_valid();
    uint8 *img = build(IMG_SIZE);
    struct elf_info info;
    const char *why = "";
    check(elf_check(img, IMG_SIZE, &info, &why) == 0, "elf_check: hand-built image", "%s", why);
    check(info.entry == 0x10000, "elf_check: entry", "%#lx", info.entry);
    struct elf_segment s[3];
    uint32 cursor = 0;
    int n = 0;
    while (n < 3 && elf_next_load(&info, &cursor, &s[n]))
        n++;
    check(n == 2, "elf_next_load: two PT_LOADs, attributes skipped", "%d segments", n);
    check(s[0].vaddr == 0x10000 && s[0].memsz == 0x100 && s[0].filesz == 0x100 &&
              s[0].data == img + 0x1000 && s[0].flags == (PF_R | PF_X),
          "elf_next_load: code segment", "wrong fields");
    check(s[1].vaddr == 0x11000 && s[1].memsz == 0x3000 && s[1].filesz == 0x80 &&
              s[1].data == img + 0x2000 && s[1].flags == (PF_R | PF_W),
          "elf_next_load: data segment", "wrong fields");
    free(img);
}

// Every size below the last byte the checks need is refused; from
// there on the file is fine (the rest is not loaded).
static void test_truncated(void)
{
    make_valid();
    int refused = 1, said_why = 1;
    const char *why;
    for (uint64 size = 0; size < 0x2080; size++) {
        why = NULL;
        refused &= !accepts(size, &why);
        said_why &= why != NULL && why[0] != '\0';
    }
    check(refused, "elf_check: every truncation refused", "one was accepted");
    check(said_why, "elf_check: every refusal has a reason", "missing reason");
    check(accepts(0x2080, &why), "elf_check: file ending with the last segment", "%s", why);
}

// Break one thing in the valid image: case i of the table below.
static void mutate(int i)
{
    switch (i) {
    case 0:
        hdr.ident[1] = 'X';
        break;
    case 1:
        hdr.ident[4] = 1;
        break;
    case 2:
        hdr.ident[5] = 2;
        break;
    case 3:
        hdr.ident[6] = 0;
        break;
    case 4:
        hdr.version = 2;
        break;
    case 5:
        hdr.type = 3;
        break; // ET_DYN: position-independent
    case 6:
        hdr.machine = 62;
        break; // x86-64
    case 7:
        hdr.phentsize = 32;
        break;
    case 8:
        hdr.phnum = 0;
        break;
    case 9:
        hdr.phnum = 65;
        break;
    case 10:
        hdr.phoff = IMG_SIZE - 100;
        break;
    case 11:
        hdr.phoff = ~0UL - 10;
        break;
    case 12:
        ph[1].offset = IMG_SIZE + 0x1000;
        break;
    case 13:
        ph[2].filesz = ~0UL - 0x1000;
        break; // offset + filesz wraps
    case 14:
        ph[2].memsz = 0x40;
        break;
    case 15:
        ph[1].filesz = ph[1].memsz = 0;
        break;
    case 16:
        ph[1].vaddr = 0;
        break;
    case 17:
        ph[2].vaddr = 0xfffffffffffff000UL;
        break; // vaddr + memsz wraps
    case 18:
        ph[2].vaddr = VA_LOW_END - 0x2000;
        break;
    case 19:
        ph[2].flags = 0;
        break;
    case 20:
        ph[2].flags = PF_W;
        break;
    case 21:
        ph[2].vaddr = 0x10000;
        break;
    case 22:
        ph[2].vaddr = 0x10100, ph[2].align = 1;
        break; // no byte overlap, one page
    case 23:
        hdr.entry = 0x20000;
        break;
    case 24:
        hdr.entry = 0x11000;
        break; // in the data segment
    case 25:
        hdr.entry = 0x10100;
        break; // one past the code
    case 26:
        ph[1].type = ph[2].type = PT_NOTE;
        break;
    case 27:
        ph[1].vaddr = hdr.entry = 0xff8, ph[1].align = 8;
        break; // just below 0x1000
    case 28:
        ph[2].vaddr = VA_LOW_END - 0x2fff, ph[2].align = 1;
        break; // ends one byte over
    case 29:
        hdr.entry = 0xfff0;
        break; // below the code: entry - vaddr wraps
    case 30:
        ph[1].memsz = ~0UL - 0x1000, ph[1].filesz = 0x100;
        break; // huge memsz
    case 31:
        ph[2].vaddr = VA_LOW_END;
        break; // the first address past user space
    }
}

static const char *expected_reason[] = {
    "magic",        "64-bit",       "little-endian", "version",       "version",
    "ET_EXEC",      "RISC-V",       "header size",   "program heade", "too many",
    "outside",      "outside",      "outside",       "outside",       "larger in the file",
    "empty",        "below",        "beyond",        "beyond",        "none of R",
    "not readable", "share a page", "share a page",  "entry point",   "entry point",
    "entry point",  "no PT_LOAD",   "below",         "beyond",        "entry point",
    "beyond",       "beyond",
};

#define NCASES (int)(sizeof(expected_reason) / sizeof(expected_reason[0]))

static void test_each_check(void)
{
    for (int i = 0; i < NCASES; i++) {
        make_valid();
        mutate(i);
        const char *why = NULL;
        char name[80];
        snprintf(name, sizeof(name), "elf_check refuses case %d (%s)", i, expected_reason[i]);
        check(!accepts(IMG_SIZE, &why) && why && strstr(why, expected_reason[i]), name, "why = %s",
              why ? why : "(accepted)");
    }
}

// Edge cases that must still be accepted.
static void test_still_fine(void)
{
    const char *why = "";
    make_valid();
    ph[2].vaddr = VA_LOW_END - 0x3000;
    check(accepts(IMG_SIZE, &why), "elf_check: segment ending at the top of user space", "%s", why);
    make_valid();
    ph[2].offset = 0x2010;
    check(accepts(IMG_SIZE, &why), "elf_check: any file offset (the loader copies, not maps)", "%s",
          why);
    make_valid();
    ph[1].memsz = 0x1000, hdr.entry = 0x10fff;
    check(accepts(IMG_SIZE, &why), "elf_check: entry at the last byte of the code", "%s", why);
    make_valid();
    ph[1].vaddr = 0x1000;
    check(accepts(IMG_SIZE, &why) == 0, "elf_check: entry must move with the code", "accepted");
    hdr.entry = 0x1000;
    check(accepts(IMG_SIZE, &why), "elf_check: code at 0x1000 (the C course's base)", "%s", why);
    make_valid();
    ph[1].flags = PF_X;
    check(accepts(IMG_SIZE, &why), "elf_check: execute-only code", "%s", why);
}

// Whatever elf_check accepted must obey its contract; checked here
// without trusting elf.c's helpers.
static int contract_holds(const uint8 *img, uint64 size, const struct elf_info *info)
{
    struct elf_segment s[ELF_MAX_PHNUM];
    uint32 cursor = 0;
    int n = 0, entry_ok = 0;
    while (n < ELF_MAX_PHNUM && elf_next_load(info, &cursor, &s[n])) {
        const struct elf_segment *g = &s[n++];
        if (g->data < img || g->filesz > size || g->data - img > (int64)(size - g->filesz) ||
            g->filesz > g->memsz || g->vaddr < PGSIZE || g->memsz > VA_LOW_END - g->vaddr ||
            (g->flags & 7) == 0 || (g->flags & (PF_W | PF_R)) == PF_W)
            return 0;
        if ((g->flags & PF_X) && info->entry >= g->vaddr && info->entry - g->vaddr < g->memsz)
            entry_ok = 1;
        for (int j = 0; j < n - 1; j++)
            if (s[j].vaddr / PGSIZE <= (g->vaddr + g->memsz - 1) / PGSIZE &&
                g->vaddr / PGSIZE <= (s[j].vaddr + s[j].memsz - 1) / PGSIZE)
                return 0;
    }
    return n > 0 && entry_ok;
}

static uint8 *read_file(const char *path, uint64 *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    rewind(f);
    uint8 *buf = malloc(*size);
    if (fread(buf, 1, *size, f) != *size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

// Does the file carry the attributes header that elf_check must skip?
// And how many PT_LOAD headers does it have? Read without elf.c.
static int count_headers(const uint8 *img, uint32 type, int at_zero)
{
    struct elf_header h;
    struct elf_phdr p;
    int n = 0;
    memcpy(&h, img, sizeof(h));
    for (int i = 0; i < h.phnum; i++) {
        memcpy(&p, img + h.phoff + i * sizeof(p), sizeof(p));
        n += p.type == type && (!at_zero || (p.vaddr == 0 && p.memsz == 0));
    }
    return n;
}

// The bytes the checks need: the header, the program header table, and
// the file data of every PT_LOAD. Read without elf.c.
static uint64 bytes_needed(const uint8 *img)
{
    struct elf_header h;
    struct elf_phdr p;
    memcpy(&h, img, sizeof(h));
    uint64 need = h.phoff + h.phnum * sizeof(p);
    for (int i = 0; i < h.phnum; i++) {
        memcpy(&p, img + h.phoff + i * sizeof(p), sizeof(p));
        if (p.type == PT_LOAD && p.offset + p.filesz > need)
            need = p.offset + p.filesz;
    }
    return need > sizeof(h) ? need : sizeof(h);
}

static int count_loads(const struct elf_info *info)
{
    struct elf_segment s;
    uint32 cursor = 0;
    int n = 0;
    while (elf_next_load(info, &cursor, &s))
        n++;
    return n;
}

// The smallest size at which the file is accepted: every smaller one
// must be refused. Each size gets its own exact-size copy.
static uint64 shortest_accepted(const uint8 *img, uint64 size)
{
    struct elf_info info;
    const char *why;
    for (uint64 n = 0; n <= size; n++) {
        uint8 *copy = malloc(n ? n : 1);
        memcpy(copy, img, n);
        int ok = elf_check(copy, n, &info, &why) == 0;
        free(copy);
        if (ok)
            return n;
    }
    return size + 1;
}

// Flip a few random bytes, mostly in the headers, and sometimes cut
// the file short: never a crash, always a reason or a sound result.
static void random_corruption(const uint8 *img, uint64 size, const char *name, int rounds)
{
    int sound = 1, reasons = 1, accepted = 0;
    for (int r = 0; r < rounds; r++) {
        uint64 n = rand_below(4) == 0 ? rand_below(size + 1) : size;
        uint8 *copy = malloc(n ? n : 1);
        memcpy(copy, img, n);
        for (int k = 1 + rand_below(4); k > 0 && n > 0; k--) {
            uint64 at = rand_below(2) ? rand_below(n < 0x200 ? n : 0x200) : rand_below(n);
            copy[at] ^= (uint8)(1 + rand_below(255));
        }
        struct elf_info info;
        const char *why = NULL;
        if (elf_check(copy, n, &info, &why) == 0) {
            accepted++;
            sound &= contract_holds(copy, n, &info);
        } else {
            reasons &= why != NULL && why[0] != '\0';
        }
        free(copy);
    }
    char label[128];
    snprintf(label, sizeof(label), "random corruption of %s: accepted files are sound", name);
    check(sound, label, "contract broken");
    snprintf(label, sizeof(label), "random corruption of %s: refusals have reasons", name);
    check(reasons, label, "missing reason");
    printf("     (%d of %d corrupted files accepted)\n", accepted, rounds);
}

// arg is accept:PATH or reject:PATH (a file the compiler made).
static void test_compiled(const char *arg)
{
    int want = strncmp(arg, "accept:", 7) == 0;
    const char *path = strchr(arg, ':') ? strchr(arg, ':') + 1 : arg;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    uint64 size;
    uint8 *img = read_file(path, &size);
    char name[200];
    snprintf(name, sizeof(name), "elf_check %s %s (built from tiny.c)",
             want ? "accepts" : "refuses", base);
    if (img == NULL) {
        check(0, name, "cannot read %s", path);
        return;
    }
    struct elf_info info;
    const char *why = NULL;
    int ok = elf_check(img, size, &info, &why) == 0;
    check(ok == want, name, "%s", ok ? "accepted" : why);
    if (!ok) {
        printf("     (reason: %s)\n", why ? why : "(none)");
        check(why != NULL && why[0] != '\0', "elf_check gives a reason for refusing it", "none");
    } else {
        snprintf(name, sizeof(name), "%s: entry and segments obey the contract", base);
        check(contract_holds(img, size, &info), name, "broken");
        snprintf(name, sizeof(name), "%s: elf_next_load gives each PT_LOAD once", base);
        check(count_loads(&info) == count_headers(img, PT_LOAD, 0), name, "%d of %d",
              count_loads(&info), count_headers(img, PT_LOAD, 0));
        if (count_headers(img, PT_RISCV_ATTRIBUTES, 1))
            printf("     (%s has PT_RISCV_ATTRIBUTES at vaddr 0, rightly skipped)\n", base);
        uint64 n = shortest_accepted(img, size);
        snprintf(name, sizeof(name), "%s: every prefix short of the last byte used refused", base);
        check(n == bytes_needed(img), name, "shortest accepted %lu, needs %lu", n,
              bytes_needed(img));
        printf("     (%lu of %lu bytes needed; every shorter prefix refused)\n", n, size);
        random_corruption(img, size, base, 20000);
    }
    free(img);
}

int main(int argc, char **argv)
{
    rand_seed(5);
    test_valid();
    test_truncated();
    test_each_check();
    test_still_fine();
    make_valid();
    uint8 *img = build(IMG_SIZE);
    random_corruption(img, IMG_SIZE, "the hand-built image", 20000);
    free(img);
    for (int i = 1; i < argc; i++)
        test_compiled(argv[i]);
    if (argc == 1)
        printf("SKIP compiled ELF files: none given on the command line\n");
    return finish("test_elf");
}
