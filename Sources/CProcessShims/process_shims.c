#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>
#include "process_shims.h"

int grok_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

void grok_thread_take_process_nice(void) {
    errno = 0;
    int process = getpriority(PRIO_PROCESS, (id_t)getpid());
    if (process == -1 && errno != 0) return;
    errno = 0;
    int thread = getpriority(PRIO_PROCESS, 0);
    if (thread == -1 && errno != 0) return;
    if (thread != process) setpriority(PRIO_PROCESS, 0, process);
}
