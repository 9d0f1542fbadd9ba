#ifndef GROK_PROCESS_SHIMS_H
#define GROK_PROCESS_SHIMS_H

/* pipe2(O_CLOEXEC) needs _GNU_SOURCE, which Swift's Glibc module does not
   expose. Both ends are close-on-exec from the start, so a child spawned
   concurrently by another thread cannot inherit (and hold open) them. */
int grok_pipe_cloexec(int fds[2]);

#endif
