// cc8_phi_din: the C course's dining philosophers in our own words. Five
// threads, five blocking mutexes (ids 0-4, the forks), four rounds each of
// thinking and eating for given numbers of 10 ms; each takes the fork with
// the lower id first, so no cycle can form. The main thread prints a
// timeline of the run (- thinking, x eating, blank waiting) and a verdict.
#include "crs8sync.h"

#define N 5
#define ROUNDS 4
#define SCALE 10

static const int plan[N][2 * ROUNDS] = {
    {7, 8, 10, 4, 5, 6, 2, 4}, {3, 6, 2, 7, 10, 1, 3, 6}, {5, 2, 9, 2, 4, 6, 12, 4},
    {5, 10, 6, 5, 8, 6, 2, 9}, {6, 1, 6, 6, 2, 5, 6, 2},
};
static long think_at[N][2 * ROUNDS], eat_at[N][2 * ROUNDS];

static void philosopher(long id)
{
    int a = (int)id, b = (int)(id + 1) % N;
    int low = a < b ? a : b, high = a < b ? b : a;
    for (int r = 0; r < ROUNDS; r++) {
        think_at[id][2 * r] = get_mtime();
        sleep(plan[id][2 * r] * SCALE);
        think_at[id][2 * r + 1] = get_mtime();
        mutex_lock(low);
        mutex_lock(high);
        eat_at[id][2 * r] = get_mtime();
        sleep(plan[id][2 * r + 1] * SCALE);
        eat_at[id][2 * r + 1] = get_mtime();
        mutex_unlock(high);
        mutex_unlock(low);
    }
    exit(0);
}

// What philosopher id did at time t: '-', 'x' or ' '.
static char doing(int id, long t)
{
    for (int r = 0; r < ROUNDS; r++) {
        if (think_at[id][2 * r] <= t && t <= think_at[id][2 * r + 1])
            return '-';
        if (eat_at[id][2 * r] <= t && t <= eat_at[id][2 * r + 1])
            return 'x';
    }
    return ' ';
}

int main(int argc, char **argv)
{
    int tids[N];
    printf("Here comes %d philosophers!\n", N);
    long start = get_mtime();
    for (int i = 0; i < N; i++)
        assert_eq(mutex_blocking_create(), i);
    for (int i = 0; i < N; i++)
        assert((tids[i] = thread_create(philosopher, (void *)(long)i)) > 0);
    puts("Phil threads created");
    for (int i = 0; i < N; i++)
        waittid(tids[i]);
    long cost = get_mtime() - start;
    printf("time cost = %d ms\n", (int)cost);
    puts("'-' -> THINKING; 'x' -> EATING; ' ' -> WAITING ");
    for (int id = 0; id < N; id++) {
        char line[256];
        int n = 0;
        for (long j = 0; j < cost / SCALE && n < 250; j++)
            line[n++] = doing(id, start + j * SCALE);
        line[n] = 0;
        printf("#%d:%s\n", id, line);
    }
    puts("philosopher dining problem with mutex passed!");
    return 0;
}
