#!/usr/bin/env python3
"""measure.py RUNS SETUP -- COMMAND... [-- COMMAND...]: run SETUP (a shell
snippet, may be empty) then each COMMAND in turn, RUNS rounds; print one
line per COMMAND: its median wall time in seconds and its largest peak RSS
in MiB, as 'median_s max_rss_mib'. Rounds interleave the commands, so a
noisy neighbour slows them alike instead of biasing one."""
import os, statistics, subprocess, sys, time

runs = int(sys.argv[1]); setup = sys.argv[2]
commands, current = [], None
for arg in sys.argv[3:]:
    if arg == '--':
        current = []; commands.append(current)
    elif current is not None:
        current.append(arg)
times = [[] for _ in commands]; rss = [0.0 for _ in commands]
for _ in range(runs):
    for i, command in enumerate(commands):
        if setup:
            subprocess.run(['bash', '-c', setup], check=True)
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1); os.dup2(devnull, 2)
            os.execvp(command[0], command)
        _, status, usage = os.wait4(pid, 0)
        times[i].append(time.monotonic() - start)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f'command failed: {" ".join(command)}')
        rss[i] = max(rss[i], usage.ru_maxrss / 1024)
for i in range(len(commands)):
    print(f'{statistics.median(times[i]):.4f} {rss[i]:.1f}')
