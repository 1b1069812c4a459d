// cc8_spin_mut_race: the C course's "spinning" mutex adder in our own
// words. 15 threads (with the main one, the 16 a process may have) each
// add 1 to a shared counter 100 times under one mutex made by
// mutex_create(), which yields while held, with a stretch of work between
// reading the counter and writing it back. The main thread waits for
// them all; the counter must end at 1500.
#include "crs8sync.h"

#define THREADS 15
#define EACH 100

static int lock_id, total, tids[THREADS];

static void adder(long i)
{
    int x = (int)i + 1;
    for (int r = 0; r < EACH; r++) {
        assert_eq(mutex_lock(lock_id), 0);
        int seen = total;
        for (int k = 0; k < 500; k++)
            x = x * x % 10007;
        total = seen + 1;
        assert_eq(mutex_unlock(lock_id), 0);
    }
    exit(x);
}

int main(int argc, char **argv)
{
    assert((lock_id = mutex_create()) >= 0);
    for (int i = 0; i < THREADS; i++) {
        tids[i] = thread_create(adder, (void *)(long)i);
        assert(tids[i] > 0);
    }
    for (int i = 0; i < THREADS; i++)
        waittid(tids[i]);
    assert_eq(total, THREADS * EACH);
    puts("race adder spinning mutex passed!");
    return 0;
}
