// Scaffolding for chapter 4's host unit tests (see host.h).
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

uint64 host_phys_offset; // addr.h: pa_to_ptr(a) is a.v + host_phys_offset
jmp_buf panic_jmp;
volatile int panic_expected;
char panic_message[256];

static int passed, failed;

void check(int ok, const char *name, const char *fmt, ...)
{
    if (ok) {
        passed++;
        printf("PASS %s\n", name);
    } else {
        failed++;
        printf("FAIL %s: ", name);
        va_list ap;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
    }
    fflush(stdout);
}

int finish(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, passed, failed);
    return failed == 0 ? 0 : 1;
}

// The kernel's panic (defs.h: noreturn): longjmp back into EXPECT_PANIC,
// or report and abort, which the driver shows as a failure.
void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(panic_message, sizeof panic_message, "%s:%d: ", file, line);
    if (n < 0 || n >= (int)sizeof panic_message)
        n = 0;
    vsnprintf(panic_message + n, sizeof panic_message - n, fmt, ap);
    va_end(ap);
    if (panic_expected)
        longjmp(panic_jmp, 1);
    printf("FAIL unexpected kernel panic: %s\n", panic_message);
    fflush(stdout);
    abort();
}

static void *ram; // kept reachable, so LeakSanitizer stays quiet

void *sim_ram(uint64 base_pa, uint64 size)
{
    free(ram);
    ram = aligned_alloc(4096, size);
    if (ram == NULL) {
        perror("aligned_alloc");
        exit(2);
    }
    memset(ram, 0xa5, size);
    host_phys_offset = (uint64)ram - base_pa;
    return ram;
}

static uint64 rand_state = 88172645463325252UL;

void rand_seed(uint64 seed)
{
    rand_state = seed ? seed : 1;
}

uint64 rand_next(void)
{
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return rand_state * 2685821657736338717UL;
}

uint64 rand_below(uint64 n)
{
    return rand_next() % n;
}
