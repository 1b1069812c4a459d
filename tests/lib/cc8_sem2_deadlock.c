// cc8_sem2_deadlock: the C course's safe semaphore test in our own words.
// A gate (semaphore 0, 4 units, all taken by the main thread) and two
// resources of 2 units. Threads 1-4 (their tids must be 1-4) each take one
// unit of resource 2, 1, 1, 2, wait at the gate, then threads 1 and 3 ask
// for resource 1 and 2. The state stays safe all along, so no request may
// be refused and every thread must exit 0.
#include "crs8sync.h"

#define THREADS 4
static const int wants[THREADS] = {1, -1, 2, -1};
static const int holds[THREADS] = {2, 1, 1, 2};
static int gate;

static void worker(long i)
{
    assert_eq(semaphore_down(holds[i]), 0);
    assert_eq(semaphore_down(gate), 0);
    if (wants[i] >= 0) {
        if (semaphore_down(wants[i]) == -0xdead) {
            assert_eq(semaphore_up(holds[i]), 0);
            assert_eq(semaphore_up(gate), 0);
            exit(-1);
        }
        assert_eq(semaphore_up(wants[i]), 0);
    }
    assert_eq(semaphore_up(gate), 0);
    assert_eq(semaphore_up(holds[i]), 0);
    exit(0);
}

int main(int argc, char **argv)
{
    int tids[THREADS], failed = 0;
    enable_deadlock_detect(1);
    assert((gate = semaphore_create(THREADS)) == 0);
    for (int i = 0; i < THREADS; i++)
        semaphore_down(gate);
    for (int i = 0; i < 2; i++)
        assert_eq(semaphore_create(2), i + 1);
    for (int i = 0; i < THREADS; i++) {
        tids[i] = thread_create(worker, (void *)(long)i);
        assert(tids[i] == i + 1);
    }
    sleep(500);
    for (int i = 0; i < THREADS; i++)
        semaphore_up(gate);
    for (int i = 0; i < THREADS; i++)
        failed += waittid(tids[i]) != 0;
    assert(failed == 0);
    puts("deadlock test semaphore 2 OK!");
    return 0;
}
