// sys8.h: the chapter 8 call numbers with the C course's values (threads,
// mutexes, semaphores, condition variables, deadlock detection, and the
// signal calls kill, sigaction and sigreturn) and the wrappers whose
// signature and meaning are the same in both runtimes that include it:
// crs8sync.h (cc8_*.c) and h8rt.h (h8_*.c). Each wrapper returns what the
// kernel returns; waittid and mutex_create differ between the two and stay
// in them. Include it after crs7.h (syscall).

#define SYS_kill 129
#define SYS_sigaction 134
#define SYS_sigreturn 139
#define SYS_gettid 178
#define SYS_thread_create 460
#define SYS_waittid 462
#define SYS_mutex_create 463
#define SYS_mutex_lock 464
#define SYS_mutex_unlock 466
#define SYS_semaphore_create 467
#define SYS_semaphore_up 468
#define SYS_enable_deadlock_detect 469
#define SYS_semaphore_down 470
#define SYS_condvar_create 471
#define SYS_condvar_signal 472
#define SYS_condvar_wait 473

#define SYS8_ static __attribute__((unused))

// A new thread of this process runs entry(arg); returns its tid or -1.
SYS8_ int thread_create(void *entry, void *arg)
{
    return (int)syscall(SYS_thread_create, (long)entry, (long)arg, 0);
}
SYS8_ int gettid(void)
{
    return (int)syscall(SYS_gettid, 0, 0, 0);
}
SYS8_ int mutex_lock(int id)
{
    return (int)syscall(SYS_mutex_lock, id, 0, 0);
}
SYS8_ int mutex_unlock(int id)
{
    return (int)syscall(SYS_mutex_unlock, id, 0, 0);
}
SYS8_ int semaphore_create(int n)
{
    return (int)syscall(SYS_semaphore_create, n, 0, 0);
}
SYS8_ int semaphore_up(int id)
{
    return (int)syscall(SYS_semaphore_up, id, 0, 0);
}
SYS8_ int semaphore_down(int id)
{
    return (int)syscall(SYS_semaphore_down, id, 0, 0);
}
SYS8_ int condvar_create(void)
{
    return (int)syscall(SYS_condvar_create, 0, 0, 0);
}
SYS8_ int condvar_signal(int id)
{
    return (int)syscall(SYS_condvar_signal, id, 0, 0);
}
// Releases mutex m, waits for a signal on cv, takes m again.
SYS8_ int condvar_wait(int cv, int m)
{
    return (int)syscall(SYS_condvar_wait, cv, m, 0);
}
// on = 1: a lock or down that would deadlock returns -0xdead instead.
SYS8_ int enable_deadlock_detect(int on)
{
    return (int)syscall(SYS_enable_deadlock_detect, on, 0, 0);
}
