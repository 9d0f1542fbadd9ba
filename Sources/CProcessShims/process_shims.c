#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>
#include "process_shims.h"

int grok_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int grok_thread_defer_to_children(void) {
    if (sched_getscheduler(0) != SCHED_OTHER) return 0;
    struct sched_param none = {0};
    return sched_setscheduler(0, SCHED_BATCH, &none) == 0;
}

void grok_thread_end_deferral(void) {
    struct sched_param none = {0};
    sched_setscheduler(0, SCHED_OTHER, &none);
}

int grok_thread_take_process_nice(void) {
    errno = 0;
    int process = getpriority(PRIO_PROCESS, (id_t)getpid());
    if (process == -1 && errno != 0) return -1;
    errno = 0;
    int thread = getpriority(PRIO_PROCESS, 0);
    if (thread == -1 && errno != 0) return -1;
    if (thread == process) return 0;
    return setpriority(PRIO_PROCESS, 0, process);
}
