// A tiny user program for the ELF tests: text, rodata, data and bss,
// so the linker emits a code segment and a data segment whose memory
// size exceeds its file size.
static const char message[] = "hello";
long counter = 42;
char buffer[8192];

void _start(void)
{
    buffer[counter] = message[1];
    for (;;)
        counter++;
}
