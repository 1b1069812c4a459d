// sig_intr: a handled signal ends a blocked call (chapter 7 on). The
// book's rule: the handler runs, and the call returns -1, or the count of
// bytes it had already moved; the process then runs on normally. Three
// blocked calls: a pipe read with nothing to read, a waitpid on a live
// child, a pipe write into a full pipe. Each verdict is a line
// "sig_intr: WHAT -> VALUE"; the exit code is the number of wrong ones.
#include "crs7.h"

#define SYS_kill 129
#define SYS_sigaction 134
#define SYS_sigreturn 139
#define SIGUSR1 10

struct sigaction_ {
    uint64 handler;
    unsigned mask;
};

static int kill(int pid, int s) { return (int)syscall(SYS_kill, pid, s, 0); }
static int sigreturn(void) { return (int)syscall(SYS_sigreturn, 0, 0, 0); }

static volatile int handled;

static void on_usr1(int s)
{
    handled += s == SIGUSR1;
    sigreturn();
}

static int wrong;

static void expect(const char *what, long got, long want)
{
    printf("sig_intr: %s -> %d\n", what, (int)got);
    wrong += got != want;
}

// Let the other process run until it blocks: it has a few hundred
// instructions to go, and each yield gives it the CPU.
static void let_it_block(void)
{
    for (int i = 0; i < 50; i++)
        sched_yield();
}

// Fork a child that says it is ready, then returns body(p, before) as its
// exit code, with pipe p open at both ends; `before` is the handler count
// it inherits. Returns its pid once it has had the time to block in body
// and has been sent SIGUSR1.
static int blocked_child(uint64 p[2], int (*body)(uint64 *p, int before))
{
    uint64 ready[2];
    char c;
    pipe(p);
    pipe(ready);
    int before = handled;
    int pid = fork();
    if (pid == 0) {
        write(ready[1], "r", 1);
        exit(body(p, before));
    }
    read(ready[0], &c, 1);
    close(ready[0]), close(ready[1]);
    let_it_block();
    kill(pid, SIGUSR1);
    return pid;
}

// The child blocks reading an empty pipe; the parent sends SIGUSR1, then
// one byte. The read ends with -1, the handler having run once, and the
// next read gets the byte: the pipe still works.
static int read_body(uint64 *p, int before)
{
    char c = 0;
    long r = read(p[0], &c, 1);
    long again = read(p[0], &c, 1);
    return (r == -1) + 2 * (handled - before == 1) + 4 * (again == 1 && c == 'x');
}

static void read_case(void)
{
    uint64 p[2];
    int pid = blocked_child(p, read_body);
    let_it_block();
    write(p[1], "x", 1);
    int code = 0;
    waitpid(pid, &code);
    expect("blocked pipe read: returns -1", code & 1, 1);
    expect("blocked pipe read: the handler ran once", (code >> 1) & 1, 1);
    expect("blocked pipe read: the next read gets the byte written later", (code >> 2) & 1, 1);
    close(p[0]), close(p[1]);
}

// The parent blocks in waitpid on a child that lives on; the child sends
// it SIGUSR1. The wait ends with -1, the handler having run; a second
// waitpid, once the child has been let go, reaps it with its exit code.
static void waitpid_case(void)
{
    uint64 go[2];
    char c;
    pipe(go);
    int before = handled;
    int pid = fork();
    if (pid == 0) {
        let_it_block();
        kill(getppid(), SIGUSR1);
        read(go[0], &c, 1);
        exit(9);
    }
    int code = 0;
    expect("blocked waitpid: returns -1", waitpid(pid, &code), -1);
    expect("blocked waitpid: the handler ran once", handled - before, 1);
    write(go[1], "g", 1);
    expect("blocked waitpid: the next waitpid reaps the child", waitpid(pid, &code) == pid, 1);
    expect("blocked waitpid: with its exit code", code, 9);
    close(go[0]), close(go[1]);
}

// The child writes more than a pipe holds, and nobody reads: it blocks
// with the pipe full. SIGUSR1 ends the write, which returns the bytes it
// had moved: more than 0, fewer than asked.
static char big[16384];

static int write_body(uint64 *p, int before)
{
    long n = write(p[1], big, sizeof big);
    return (n > 0 && n < (long)sizeof big) + 2 * (handled - before == 1);
}

static void write_case(void)
{
    uint64 p[2];
    int pid = blocked_child(p, write_body);
    int code = 0;
    waitpid(pid, &code);
    expect("blocked pipe write: returns the bytes it moved, fewer than asked", code & 1, 1);
    expect("blocked pipe write: the handler ran once", (code >> 1) & 1, 1);
    close(p[0]), close(p[1]);
}

int main(int argc, char **argv)
{
    struct sigaction_ act = {(uint64)on_usr1, 0};
    (void)argc, (void)argv;
    expect("sigaction(SIGUSR1, handler)", syscall(SYS_sigaction, SIGUSR1, (long)&act, 0), 0);
    read_case();
    waitpid_case();
    write_case();
    printf("sig_intr: done, %d wrong\n", wrong);
    return wrong;
}
