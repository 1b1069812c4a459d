// cc8_sem1_deadlock: the C course's unsafe semaphore test in our own words.
// Semaphore 0 is a gate the main thread holds shut; semaphores 1-3 start
// with 1, 2 and 1 units. Thread 1 takes a unit of 2, thread 2 one of 1 and
// one of 2, thread 3 one of 3; after the gate opens they ask for 1, 3 and 2
// in turn, which closes a cycle: at least one must be refused with -0xdead
// (it then gives back what it holds and exits with -1).
#include "crs8sync.h"

#define THREADS 3
static const int wants[THREADS] = {1, 3, 2};
static int gate;

static void give_back(int tid)
{
    semaphore_up(gate);
    if (tid == 1) {
        assert_eq(semaphore_up(2), 0);
    } else if (tid == 2) {
        assert_eq(semaphore_up(1), 0);
        assert_eq(semaphore_up(2), 0);
    } else {
        assert_eq(semaphore_up(3), 0);
    }
}

static void worker(long i)
{
    int tid = (int)i + 1;
    if (tid == 1) {
        assert_eq(semaphore_down(2), 0);
    } else if (tid == 2) {
        assert_eq(semaphore_down(1), 0);
        assert_eq(semaphore_down(2), 0);
    } else {
        assert_eq(semaphore_down(3), 0);
    }
    semaphore_down(gate);
    if (semaphore_down(wants[i]) == -0xdead) {
        give_back(tid);
        exit(-1);
    }
    semaphore_up(wants[i]);
    give_back(tid);
    exit(0);
}

int main(int argc, char **argv)
{
    static const int units[3] = {1, 2, 1};
    int tids[THREADS], refused = 0;
    enable_deadlock_detect(1);
    assert((gate = semaphore_create(THREADS)) == 0);
    for (int i = 0; i < THREADS; i++)
        semaphore_down(gate);
    for (int i = 0; i < 3; i++)
        assert_eq(semaphore_create(units[i]), i + 1);
    for (int i = 0; i < THREADS; i++)
        tids[i] = thread_create(worker, (void *)(long)i);
    sleep(500);
    for (int i = 0; i < THREADS; i++)
        semaphore_up(gate);
    for (int i = 0; i < THREADS; i++)
        refused += waittid(tids[i]) != 0;
    assert(refused > 0);
    puts("deadlock test semaphore 1 OK!");
    return 0;
}
