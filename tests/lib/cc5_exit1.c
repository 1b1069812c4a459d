// cc5_exit1: exits with -233, a negative code its parent must get back as is.
#include "crs5.h"

int main(int argc, char **argv)
{
    exit(-233);
    printf("cc5_exit1: FAIL: exit returned\n");
    return 1;
}
