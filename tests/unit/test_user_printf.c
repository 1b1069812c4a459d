// Host test of the user library's line-buffered printf (user/lib/printf.c,
// compiled with printf -> user_printf, write -> user_write) and of the
// overflow-safe range_within (kernel/range.h).
#include <stdio.h>
#include <string.h>
#include "range.h"

int user_printf(const char *fmt, ...);
void flush_stdout(void);

static char calls[64][512];
static int ncalls, failures;

long user_write(int fd, const void *buf, unsigned long len)
{
    if (fd == 1 && ncalls < 64 && len < 512) {
        memcpy(calls[ncalls], buf, len);
        calls[ncalls][len] = 0;
    }
    ncalls++;
    return (long)len;
}

static void check(const char *name, int ok)
{
    printf("%s user-lib: %s\n", ok ? "PASS" : "FAIL", name);
    failures += !ok;
}

int main(void)
{
    user_printf("a=%d ", 1);
    check("nothing is written before the newline", ncalls == 0);
    user_printf("b=%x\nc", 255);
    check("one write per line, the line whole", ncalls == 1 && strcmp(calls[0], "a=1 b=ff\n") == 0);
    flush_stdout();
    check("flush writes the unfinished line", ncalls == 2 && strcmp(calls[1], "c") == 0);
    flush_stdout();
    check("an empty flush writes nothing", ncalls == 2);
    char big[400];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    user_printf("%s\n", big);
    check("a line longer than the buffer goes out in buffer-sized writes",
          ncalls == 4 && strlen(calls[2]) == 256 && strlen(calls[3]) == 144);

    unsigned long lo = 0x80400000UL, hi = lo + 0x20000;
    check("range: inside", range_within(lo, 16, lo, hi));
    check("range: exactly the whole range", range_within(lo, hi - lo, lo, hi));
    check("range: empty at the end", range_within(hi, 0, lo, hi));
    check("range: one past the end", !range_within(hi - 1, 2, lo, hi));
    check("range: below", !range_within(lo - 1, 1, lo, hi));
    check("range: null", !range_within(0, 8, lo, hi));
    check("range: length that wraps around", !range_within(lo + 8, ~0UL - 4, lo, hi));
    check("range: address that wraps around", !range_within(~0UL - 3, 8, lo, hi));
    check("range: huge length", !range_within(lo, 1UL << 62, lo, hi));
    check("range: inverted bounds", !range_within(lo, 0, hi, lo));
    return failures != 0;
}
