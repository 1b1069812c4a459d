// cc8_threads: the C course's chapter 8 thread test (uCore-Test
// ch8b_threads), rewritten for this book in that course's conventions.
// Three threads each print their letter ('a', 'b', 'c') 1000 times, one
// character per putchar, and exit with codes 1, 2 and 3; the main thread
// waits for each in creation order with waittid, prints its exit code,
// checks that it equals the tid, and says "threads test passed!".
#include "crs8.h"

#define LOOP 1000
#define NTHREAD 3

// Print c LOOP times, then end this thread with code.
static void print_and_exit(char c, int code)
{
    for (int i = 0; i < LOOP; i++)
        putchar(c);
    exit(code);
}

static void letter_a(void) { print_and_exit('a', 1); }
static void letter_b(void) { print_and_exit('b', 2); }
static void letter_c(void) { print_and_exit('c', 3); }

int main(int argc, char **argv)
{
    void (*entry[NTHREAD])(void) = {letter_a, letter_b, letter_c};
    int tid[NTHREAD];
    for (int i = 0; i < NTHREAD; i++)
        tid[i] = thread_create((void *)entry[i], 0);
    for (int i = 0; i < NTHREAD; i++) {
        int code = waittid(tid[i]);
        printf("thread %d exited with code %d\n", tid[i], code);
        if (code != tid[i]) {
            printf("cc8_threads: tid %d and its exit code %d differ\n", tid[i], code);
            return 1;
        }
    }
    printf("threads test passed!\n");
    return 0;
}
