#ifndef GROK_PROCESS_SHIMS_H
#define GROK_PROCESS_SHIMS_H

/* pipe2(O_CLOEXEC) needs _GNU_SOURCE, which Swift's Glibc module does not
   expose. Both ends are close-on-exec from the start, so a child spawned
   concurrently by another thread cannot inherit (and hold open) them. */
int grok_pipe_cloexec(int fds[2]);

/* Gives the calling thread the process's nice value (the main thread's,
   which `nice`, `renice -p` and systemd's Nice= set). libdispatch gives its
   worker threads nice values of their own (0, or -4 where it may), and a
   child inherits its spawning thread's, so without this git would ignore
   the admin's nice. Raising a thread's nice always works; lowering it needs
   privilege, which a process started at a negative nice value has. */
void grok_thread_take_process_nice(void);

#endif
