#ifndef GROK_PROCESS_SHIMS_H
#define GROK_PROCESS_SHIMS_H

/* pipe2(O_CLOEXEC) needs _GNU_SOURCE, which Swift's Glibc module does not
   expose. Both ends are close-on-exec from the start, so a child spawned
   concurrently by another thread cannot inherit (and hold open) them. */
int grok_pipe_cloexec(int fds[2]);

/* Moves the calling thread from SCHED_OTHER to SCHED_BATCH, which takes
   away its wakeup preemption; returns 1 when it did, 0 when the thread runs
   under another policy (left as it is). SCHED_BATCH needs _GNU_SOURCE too. */
int grok_thread_defer_to_children(void);

/* Puts the calling thread back on SCHED_OTHER. */
void grok_thread_end_deferral(void);

/* Gives the calling thread the process's nice value (the main thread's,
   which `nice`, `renice -p` and systemd's Nice= set). libdispatch gives its
   worker threads nice values of their own (0, or -4 where it may), and a
   child inherits its spawning thread's, so without this git would ignore
   the admin's nice. Raising a thread's nice always works; lowering it needs
   privilege. Returns 0 when the values match afterwards, -1 otherwise. */
int grok_thread_take_process_nice(void);

#endif
