// cc8_mpsc_sem: the C course's many-producers, one-consumer test in our own
// words. 4 producers put 100 numbers each (their index) into an 8-slot
// ring guarded by three semaphores (a lock, the empty slots, the filled
// ones); one consumer takes all 400 and prints each; every thread reports
// its start and end.
#include "crs8sync.h"

#define SLOTS 8
#define PRODUCERS 4
#define EACH 100

static int lock_sem, empty_sem, filled_sem;
static int slots[SLOTS], head, tail, tids[PRODUCERS + 1];

static void producer(long id)
{
    printf("producer %d started task\n", (int)id);
    for (int i = 0; i < EACH; i++) {
        assert_eq(semaphore_down(empty_sem), 0);
        assert_eq(semaphore_down(lock_sem), 0);
        slots[head] = (int)id;
        head = (head + 1) % SLOTS;
        assert_eq(semaphore_up(lock_sem), 0);
        assert_eq(semaphore_up(filled_sem), 0);
    }
    printf("producer %d finished task\n", (int)id);
    exit(0);
}

static void consumer(long unused)
{
    puts("consumer started task");
    for (int i = 0; i < PRODUCERS * EACH; i++) {
        assert_eq(semaphore_down(filled_sem), 0);
        assert_eq(semaphore_down(lock_sem), 0);
        printf("%d ", slots[tail]);
        tail = (tail + 1) % SLOTS;
        assert_eq(semaphore_up(lock_sem), 0);
        assert_eq(semaphore_up(empty_sem), 0);
    }
    puts("consumer finished task");
    exit(0);
}

int main(int argc, char **argv)
{
    assert((lock_sem = semaphore_create(1)) >= 0);
    assert((empty_sem = semaphore_create(SLOTS)) >= 0);
    assert((filled_sem = semaphore_create(0)) >= 0);
    for (int i = 0; i < PRODUCERS; i++)
        assert((tids[i] = thread_create(producer, (void *)(long)i)) > 0);
    tids[PRODUCERS] = thread_create(consumer, 0);
    for (int i = 0; i <= PRODUCERS; i++)
        waittid(tids[i]);
    puts("mpsc_sem passed!");
    return 0;
}
