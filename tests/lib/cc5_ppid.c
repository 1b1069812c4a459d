// cc5_ppid: returns getppid(), which __start_main passes to exit: the parent
// checks that the code is its own pid.
#include "crs5.h"

int main(int argc, char **argv)
{
    return getppid();
}
