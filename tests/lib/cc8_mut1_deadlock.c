// cc8_mut1_deadlock: the C course's first detection test in our own words.
// With detection on, a thread that locks a (yielding) mutex it already
// holds must get -0xdead at once; the program then ends normally.
#include "crs8sync.h"

int main(int argc, char **argv)
{
    enable_deadlock_detect(1);
    int m = mutex_create();
    assert_eq(mutex_lock(m), 0);
    assert_eq(mutex_lock(m), -0xdead);
    mutex_unlock(m);
    puts("deadlock test mutex 1 OK!");
    return 0;
}
