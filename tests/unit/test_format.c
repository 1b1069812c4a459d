// Host unit test for chapter 1's vformat (out/ch1/kernel/format.c).
// Every case that printf also defines is compared with the host's
// vsnprintf; the book's own choices (%p, "(null)", a lone '%', unknown
// conversions, the width cap) are compared with fixed expectations.
// Built by tests/unit/test_ch1_units.sh with ASan and UBSan.
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

static int failures;
static const char *group_name;
static int group_cases, group_failures;

struct buf {
    char s[1024];
    int n;
};

static void put(void *arg, char c)
{
    struct buf *b = arg;
    if (b->n < (int)sizeof b->s)
        b->s[b->n] = c;
    b->n++;
}

static void group(const char *name)
{
    group_name = name;
    group_cases = group_failures = 0;
}

static void end_group(void)
{
    if (group_failures == 0)
        printf("PASS %s (%d cases)\n", group_name, group_cases);
    failures += group_failures;
}

// Show a buffer with its NULs and control characters visible.
static const char *show(const char *s, int n)
{
    static char out[2][4200];
    static int which;
    char *o = out[which ^= 1];
    int k = 0;
    for (int i = 0; i < n && k < (int)sizeof out[0] - 5; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 32 && c < 127)
            o[k++] = (char)c;
        else
            k += snprintf(o + k, 5, "\\x%02x", c);
    }
    o[k] = 0;
    return o;
}

static void compare(int line, const char *fmt, const char *want, int want_n, int ret, struct buf *b)
{
    group_cases++;
    if (ret == want_n && b->n == want_n && memcmp(b->s, want, (size_t)want_n) == 0)
        return;
    group_failures++;
    printf("FAIL %s: test_format.c:%d: vformat(\"%s\") gave \"%s\" (returned %d, %d chars), "
           "want \"%s\" (%d)\n", group_name, line, show(fmt, (int)strlen(fmt)), show(b->s, b->n),
           ret, b->n, show(want, want_n), want_n);
}

// vformat and the host's vsnprintf on the same arguments must agree.
__attribute__((format(printf, 2, 3)))
static void same_at(int line, const char *fmt, ...)
{
    va_list ap, aq;
    char want[1024];
    struct buf b = {.n = 0};
    va_start(ap, fmt);
    va_copy(aq, ap);
    int want_n = vsnprintf(want, sizeof want, fmt, ap);
    int ret = vformat(put, &b, fmt, aq);
    va_end(aq);
    va_end(ap);
    compare(line, fmt, want, want_n, ret, &b);
}

// vformat must produce exactly `want` (for what printf leaves undefined).
static void expect_at(int line, const char *want, const char *fmt, ...)
{
    va_list ap;
    struct buf b = {.n = 0};
    va_start(ap, fmt);
    int ret = vformat(put, &b, fmt, ap);
    va_end(ap);
    compare(line, fmt, want, (int)strlen(want), ret, &b);
}

#define SAME(...) same_at(__LINE__, __VA_ARGS__)
#define EXPECT(...) expect_at(__LINE__, __VA_ARGS__)

static const int ints[] = {0, 1, -1, 7, -7, 9, 10, 42, -42, 99, 100, 12345, -12345,
                           INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1};
static const long longs[] = {0, 1, -1, 10, -10, 4294967295L, 4294967296L, -4294967296L,
                             1000000000000L, -999999999999L, INT64_MAX, INT64_MIN,
                             INT64_MAX - 1, INT64_MIN + 1, 0x7fffffffL, 0x80000000L};
static const unsigned long ulongs[] = {0, 1, 9, 10, 15, 16, 255, 256, 0xdeadbeef, 0xffffffffUL,
                                       0x100000000UL, 0x8000000000000000UL, 0x80200000UL,
                                       UINT64_MAX, UINT64_MAX - 1, 12345678901234567890UL};

#define N(a) (int)(sizeof(a) / sizeof((a)[0]))

static void signed_cases(void)
{
    group("vformat %d %i (int, l, ll) matches snprintf");
    for (int i = 0; i < N(ints); i++) {
        SAME("%d", ints[i]);
        SAME("%i", ints[i]);
        SAME("[%d|%i]", ints[i], -ints[i] / 3);
    }
    for (int i = 0; i < N(longs); i++) {
        SAME("%ld", longs[i]);
        SAME("%li", longs[i]);
        SAME("%lld", (long long)longs[i]);
        SAME("%lli", (long long)longs[i]);
    }
    SAME("%ld", (long)INT64_MIN);
    SAME("%lld", (long long)INT64_MIN);
    SAME("%d", 0);
    end_group();
}

static void unsigned_cases(void)
{
    group("vformat %u %x (int, l, ll) matches snprintf");
    for (int i = 0; i < N(ints); i++) {
        SAME("%u", (unsigned)ints[i]);
        SAME("%x", (unsigned)ints[i]);
    }
    for (int i = 0; i < N(ulongs); i++) {
        SAME("%lu", ulongs[i]);
        SAME("%lx", ulongs[i]);
        SAME("%llu", (unsigned long long)ulongs[i]);
        SAME("%llx", (unsigned long long)ulongs[i]);
    }
    SAME("%u %x", UINT_MAX, UINT_MAX);
    SAME("%lu", (unsigned long)UINT64_MAX);
    SAME("%llx", (unsigned long long)UINT64_MAX);
    end_group();
}

// Widths 0..30 with and without the zero flag, for every conversion that
// takes one. The format strings are built at run time.
static void width_cases(void)
{
    static const char *convs[] = {"d", "i", "u", "x", "ld", "li", "lu", "lx", "lld", "llu", "llx"};
    char fmt[32];
    group("vformat widths 0..30, zero and space padded, match snprintf");
    for (int c = 0; c < N(convs); c++) {
        int is_long = convs[c][0] == 'l';
        for (int w = 0; w <= 30; w++) {
            for (int zero = 0; zero < 2; zero++) {
                if (w == 0 && zero)
                    snprintf(fmt, sizeof fmt, "<%%0%s>", convs[c]);
                else if (w == 0)
                    snprintf(fmt, sizeof fmt, "<%%%s>", convs[c]);
                else
                    snprintf(fmt, sizeof fmt, "<%%%s%d%s>", zero ? "0" : "", w, convs[c]);
                if (is_long)
                    for (int i = 0; i < N(longs); i++)
                        same_at(__LINE__, fmt, longs[i]);
                else
                    for (int i = 0; i < N(ints); i++)
                        same_at(__LINE__, fmt, ints[i]);
            }
        }
    }
    SAME("%05d", -42);
    SAME("%5d", -42);
    SAME("%08x", 0xbeefu);
    SAME("%016lx", 0x80200000UL);
    SAME("%2d", 12345);
    SAME("%020ld", (long)INT64_MIN);
    SAME("%24ld", (long)INT64_MIN);
    SAME("%064lu", (unsigned long)UINT64_MAX);
    SAME("%64d", -1);
    EXPECT("00042", "%005d", 42);
    end_group();

    group("vformat caps a width at 64");
    EXPECT("        "
           "        "
           "        "
           "        "
           "        "
           "        "
           "        "
           "      42",
           "%65d", 42);
    char want[128], fmtbuf[64];
    static const char *big[] = {"%65d", "%099d", "%0999d", "%1000000d", "%99999999999999999999d",
                                "%0184467440737095516160d"};
    for (int i = 0; i < N(big); i++) {
        snprintf(want, sizeof want, big[i][1] == '0' ? "%064d" : "%64d", -7);
        expect_at(__LINE__, want, big[i], -7);
    }
    snprintf(want, sizeof want, "%064lx", (unsigned long)UINT64_MAX);
    snprintf(fmtbuf, sizeof fmtbuf, "%%0%dlx", 4096);
    expect_at(__LINE__, want, fmtbuf, (unsigned long)UINT64_MAX);
    SAME("%64x", 1u);
    end_group();
}

static void other_cases(void)
{
    group("vformat %s %c %% and mixed strings match snprintf");
    SAME("%s", "");
    SAME("%s", "hello");
    SAME("<%s>", "a string with spaces and %d in it");
    SAME("%s%s%s", "a", "", "c");
    SAME("%c", 'a');
    SAME("%c%c%c", 'x', ' ', '~');
    SAME("%c", 0);  // a NUL character is still a character
    SAME("%c", 0x80 | 'A');
    SAME("100%%");
    SAME("%%d %%%d%%", 5);
    SAME("%%");
    EXPECT("", "");
    SAME("no conversions at all\n");
    SAME("a=%d b=%s c=%x d=%lu e=%c%%", -3, "bee", 0xc0ffeeu, 1UL << 40, 'E');
    SAME("[kernel] %s:%d: %s", "chapters/ch1-boot.nw", 1234, "panic");
    SAME("memory: 0x%lx..0x%lx (%lu MiB), timebase %lu Hz", 0x80000000UL, 0x88000000UL, 128UL,
         10000000UL);
    end_group();

    group("vformat %p prints 0x and 16 zero-padded hex digits");
    EXPECT("0x0000000000000000", "%p", (void *)0);
    EXPECT("0x0000000080200000", "%p", (void *)0x80200000UL);
    EXPECT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
    EXPECT("<0x0000000000001000>", "<%p>", (void *)0x1000);
    char want[64];
    static int local;
    snprintf(want, sizeof want, "0x%016lx", (unsigned long)(uintptr_t)&local);
    expect_at(__LINE__, want, "%p", (void *)&local);
    end_group();

    group("vformat prints (null) for a NULL %s");
    EXPECT("(null)", "%s", (char *)NULL);
    EXPECT("<(null)|x>", "<%s|%s>", (char *)NULL, "x");
    end_group();

    group("vformat prints a format that ends inside a conversion as it stands");
    EXPECT("%", "%");
    EXPECT("abc%", "abc%");
    EXPECT("abc%05", "abc%05");
    EXPECT("x=%l", "x=%l");
    EXPECT("%ll", "%ll");
    EXPECT("%0", "%0");
    EXPECT("7 %", "%d %", 7);
    end_group();

    group("vformat prints an unknown conversion as it stands and consumes no argument");
    EXPECT("%q", "%q");
    EXPECT("%5q", "%5q");
    EXPECT("%lq", "%lq");
    EXPECT("%lll", "%lll");
    EXPECT("%llld", "%llld");
    EXPECT("%-5d", "%-5d", 42);
    EXPECT("%y 7", "%y %d", 7);
    EXPECT("%hd 8", "%hd %d", 8);
    EXPECT("%f then ok", "%f then %s", "ok");
    end_group();
}

int main(void)
{
    signed_cases();
    unsigned_cases();
    width_cases();
    other_cases();
    return failures ? 1 : 0;
}
