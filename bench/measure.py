#!/usr/bin/env python3
"""measure.py RUNS SETUP -- COMMAND...: run SETUP (a shell snippet, may be
empty) then COMMAND, RUNS times; print the median wall time in seconds and
the largest peak RSS in MiB of COMMAND as 'median_s max_rss_mib'."""
import os, resource, statistics, subprocess, sys, time

runs = int(sys.argv[1]); setup = sys.argv[2]
command = sys.argv[sys.argv.index('--') + 1:]
times, rss = [], 0
for _ in range(runs):
    if setup:
        subprocess.run(['bash', '-c', setup], check=True)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1); os.dup2(devnull, 2)
        os.execvp(command[0], command)
    _, status, usage = os.wait4(pid, 0)
    times.append(time.monotonic() - start)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f'command failed: {" ".join(command)}')
    rss = max(rss, usage.ru_maxrss / 1024)
print(f'{statistics.median(times):.4f} {rss:.1f}')
