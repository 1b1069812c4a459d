// cc5_exit0: exits with 66778, a code that needs more than 16 bits; its
// parent must get it back exactly. Anything after exit is a failure.
#include "crs5.h"

int main(int argc, char **argv)
{
    exit(66778);
    printf("cc5_exit0: FAIL: exit returned\n");
    return 1;
}
