// longwrite.c: one write() of PIECES pieces of 4096 bytes. Piece p is 64
// lines of 64 bytes, "longwrite: piece PP line LL" padded with dots. SPEC:
// each piece prints unbroken, and other programs may run between pieces.
#include "mini.h"

#define PIECES 24

static char buf[PIECES * 4096];

static void two(char *at, int v)
{
    at[0] = (char)('0' + v / 10);
    at[1] = (char)('0' + v % 10);
}

int main_(void)
{
    static const char head[] = "longwrite: piece PP line LL ";
    for (int p = 0; p < PIECES; p++) {
        for (int l = 0; l < 64; l++) {
            char *line = buf + p * 4096 + l * 64;
            for (int k = 0; k < 63; k++)
                line[k] = k < (int)sizeof head - 1 ? head[k] : '.';
            two(line + 17, p);
            two(line + 25, l);
            line[63] = '\n';
        }
    }
    say("longwrite: returned ", sc(64, 1, (long)buf, sizeof buf));
    return 0;
}
