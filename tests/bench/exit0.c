// exit0.c: the small program proc.c execs: exit(0) at its first
// instruction. One text page; with the user stack, 12 KiB of user memory.
asm(".section .text.entry, \"ax\"\n"
    ".globl _start\n"
    "_start:\n"
    "    li a0, 0\n"
    "    li a7, 93\n"
    "    ecall\n"
    "1:  j 1b\n"
    ".previous\n");
