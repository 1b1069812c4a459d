// sbi_probe.c: a minimal S-mode payload in place of the kernel. Its first
// instruction reads instret: the instructions OpenSBI (and QEMU's reset code)
// ran before handing over. It prints "bench: sbi_entry N" and shuts down.
typedef unsigned long u64;

asm(".section .text.entry, \"ax\"\n"
    ".globl _start\n"
    "_start:\n"
    "    rdinstret a0\n"
    "    la sp, probe_stack + 4096\n"
    "    call probe\n"
    "1:  wfi\n"
    "    j 1b\n"
    ".previous\n");

char probe_stack[4096] __attribute__((aligned(16)));

static long sbi(long eid, long fid, long a0, long a1)
{
    register long x10 asm("a0") = a0;
    register long x11 asm("a1") = a1;
    register long x16 asm("a6") = fid;
    register long x17 asm("a7") = eid;
    asm volatile("ecall" : "+r"(x10), "+r"(x11) : "r"(x16), "r"(x17) : "memory");
    return x10;
}

static void puts_(const char *s)
{
    while (*s)
        sbi(1, 0, *s++, 0); // legacy console putchar
}

void probe(u64 instret0)
{
    char d[24];
    int n = 0;
    do {
        d[n++] = (char)('0' + instret0 % 10);
        instret0 /= 10;
    } while (instret0);
    char out[48] = "bench: sbi_entry ";
    int k = 17;
    while (n)
        out[k++] = d[--n];
    out[k++] = '\n';
    out[k] = 0;
    puts_(out);
    sbi(0x53525354, 0, 0, 0); // SRST: shutdown
    sbi(8, 0, 0, 0);          // legacy shutdown
}
