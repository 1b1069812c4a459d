// cc8_condvar: the C course's condition-variable test in our own words.
// The second thread waits, in a loop under a blocking mutex, until a shared
// value becomes 1; the first sleeps 10 ms, sets it under the mutex and
// signals. Both print what they do; both must exit 0.
#include "crs8sync.h"

static int value, cv, lock_id;

static void first(long unused)
{
    sleep(10);
    puts("First work, Change A --> 1 and wakeup Second");
    assert_eq(mutex_lock(lock_id), 0);
    value = 1;
    puts("First changed A --> 1");
    assert_eq(condvar_signal(cv), 0);
    assert_eq(mutex_unlock(lock_id), 0);
    puts("First finish the job");
    exit(0);
}

static void second(long unused)
{
    puts("Second want to continue,but need to wait A=1");
    assert_eq(mutex_lock(lock_id), 0);
    while (value == 0) {
        printf("Second : A is %d\n", value);
        assert_eq(condvar_wait(cv, lock_id), 0);
    }
    assert_eq(mutex_unlock(lock_id), 0);
    printf("A is %d, Second can work now\n", value);
    exit(0);
}

int main(int argc, char **argv)
{
    assert((cv = condvar_create()) >= 0);
    assert((lock_id = mutex_blocking_create()) >= 0);
    int a = thread_create(first, 0), b = thread_create(second, 0);
    assert_eq(waittid(a), 0);
    assert_eq(waittid(b), 0);
    puts("test_condvar passed!");
    return 0;
}
