// Scaffolding for chapter 4's host unit tests (tests/unit/test_ch4_units.sh):
// PASS/FAIL lines, a panic_at() that a test can catch, simulated physical
// memory behind pa_to_ptr(), and a repeatable PRNG. The kernel files under
// test (out/ch4/kernel) are compiled unchanged with -DHOST_TEST.
//
// Include order: host C headers first, then this file. defs.h declares the
// kernel's memset, memcpy, memcmp and strlen with uint64 (unsigned long,
// the same type as size_t here), so they agree with <string.h>; it also
// declares syscall() and shutdown(), so a test must not include <unistd.h>
// or <sys/socket.h>.
#ifndef HOST_H
#define HOST_H

#include <setjmp.h>

#include "types.h"
#include "defs.h"

// Print "PASS name" or "FAIL name: <fmt...>"; count the failures.
void check(int ok, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

// Print a summary line; return the process exit status.
int finish(const char *suite);

// Set by EXPECT_PANIC around code that must panic: panic_at() then jumps
// back through panic_jmp instead of aborting.
extern jmp_buf panic_jmp;
extern volatile int panic_expected;
extern char panic_message[256];

// Run stmt and check that it panics (the kernel's word for "kernel bug").
#define EXPECT_PANIC(name, stmt)                 \
    do {                                         \
        volatile int panicked_ = 0;              \
        panic_expected = 1;                      \
        if (setjmp(panic_jmp) == 0) {            \
            stmt;                                \
        } else {                                 \
            panicked_ = 1;                       \
        }                                        \
        panic_expected = 0;                      \
        check(panicked_, name, "did not panic"); \
    } while (0)

// Make physical addresses [base_pa, base_pa + size) usable through
// pa_to_ptr(): a page-aligned host buffer, junk-filled so that missing
// zeroing shows, with host_phys_offset set to reach it.
void *sim_ram(uint64 base_pa, uint64 size);

// xorshift64*, fixed seeds: a failing run repeats.
void rand_seed(uint64 seed);
uint64 rand_next(void);
uint64 rand_below(uint64 n);

#endif
