#!/usr/bin/env python3
"""service.py NAME CONFIG LOG SOCKET ORIGIN IDLE_SECONDS NOTIFICATIONS -- DAEMON...

Starts a grok-pull daemon (its own process group), waits until its first
manifest check is over and the log has been quiet for 3 s, then measures:
  - idle CPU % over IDLE_SECONDS (utime+stime of every process in the
    group, children included) and memory (RSS and PSS summed over the group);
  - notification-to-fetch-start latency: NOTIFICATIONS times, a commit is
    made in an origin repository, its gitdir is written to the socket, and
    the time until the daemon logs '    fetch: <gitdir>' is taken from the
    log's millisecond timestamps; the next one is sent after '     done:';
  - SIGTERM to exit time and status.
Prints one line of 'key=value' figures."""
import datetime, os, re, signal, socket, statistics, subprocess, sys, time

name, config, log, sock, origin = sys.argv[1:6]
idle_seconds, count = float(sys.argv[6]), int(sys.argv[7])
daemon = sys.argv[sys.argv.index('--') + 1:]
stamp = re.compile(r'^\S+\[(\d+)\] (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) - \w+ - (.*)$')

def lines():
    try:
        with open(log, errors='replace') as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []

def when(text):
    return datetime.datetime.strptime(text, '%Y-%m-%d %H:%M:%S,%f').timestamp()

def group_pids(pgid):
    found = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                fields = open(f'/proc/{entry}/stat').read().rsplit(')', 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                found.append(int(entry))
    return found

def cpu_ticks(pgid):
    total = 0
    for pid in group_pids(pgid):
        try:
            fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
            total += sum(int(x) for x in fields[11:15])
        except OSError:
            pass
    return total

def memory_kib(pgid):
    rss = pss = 0
    for pid in group_pids(pgid):
        try:
            for line in open(f'/proc/{pid}/smaps_rollup'):
                if line.startswith('Rss:'): rss += int(line.split()[1])
                if line.startswith('Pss:'): pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss

repos = sorted(os.path.relpath(os.path.join(d), origin) for d, subdirs, _ in os.walk(origin)
               if d.endswith('.git') and not os.path.islink(d))
repos = ['/' + r for r in repos]
env = dict(os.environ, GIT_AUTHOR_NAME='bench', GIT_AUTHOR_EMAIL='b@example.org',
           GIT_COMMITTER_NAME='bench', GIT_COMMITTER_EMAIL='b@example.org')
proc = subprocess.Popen(daemon, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
pgid = proc.pid
# The first check is over when the log has been quiet for 3 s after it.
deadline = time.time() + 1800
seen, quiet_since = 0, time.time()
while time.time() < deadline:
    current = len(lines())
    if current != seen:
        seen, quiet_since = current, time.time()
    elif any('relevant entries' in l for l in lines()) and time.time() - quiet_since > 3:
        break
    time.sleep(0.5)
startup = time.time()
ticks0 = cpu_ticks(pgid)
time.sleep(idle_seconds)
ticks1 = cpu_ticks(pgid)
cpu = (ticks1 - ticks0) / os.sysconf('SC_CLK_TCK') / idle_seconds * 100
rss, pss = memory_kib(pgid)
processes = len(group_pids(pgid))

latencies = []
for i in range(count):
    gitdir = repos[(i * 37) % len(repos)]
    repo = origin + gitdir
    subprocess.run(['bash', '-c', 'c=$(git --git-dir="$1" commit-tree -m bench -p HEAD "HEAD^{tree}") && git --git-dir="$1" update-ref HEAD "$c"', '-', repo],
                   check=True, env=env)
    before = len(lines())
    t0 = time.time()
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall((gitdir + '\n').encode())
    s.close()
    fetched = done = None
    limit = time.time() + 60
    while time.time() < limit and done is None:
        for line in lines()[before:]:
            m = stamp.match(line)
            if not m: continue
            if fetched is None and m.group(3) == f'    fetch: {gitdir}':
                fetched = when(m.group(2))
            elif fetched is not None and m.group(3) == f'     done: {gitdir}':
                done = True
        time.sleep(0.005)
    if fetched is None:
        sys.exit(f'{name}: no fetch of {gitdir} logged within 60 s')
    latencies.append(max(0.0, fetched - t0))
    time.sleep(0.3)

t0 = time.time()
os.kill(proc.pid, signal.SIGTERM)
status = proc.wait(timeout=120)
stop = time.time() - t0
print(f'{name}: idle_cpu_pct={cpu:.3f} rss_mib={rss/1024:.1f} pss_mib={pss/1024:.1f} processes={processes} '
      f'latency_median_ms={statistics.median(latencies)*1000:.1f} latency_p90_ms={sorted(latencies)[int(len(latencies)*0.9)-1]*1000:.1f} '
      f'latency_max_ms={max(latencies)*1000:.1f} sigterm_exit_s={stop:.2f} exit_status={status}')
