#!/usr/bin/env bash
# bench/push.sh [RUNS] [NOTIFICATIONS]: pushing to file:// destinations,
# measured on this machine in one run; prints the figures and writes them
# to bench/RESULTS-push.txt. Medians of RUNS runs (default 5).
#   a. no-op `grok-push -c CONF` over 2000 up-to-date repositories
#      (scripts/make-origin.sh tree, local manifest by grok-manifest, all
#      pushed once first): wall time (target < 0.3 s) and the git processes
#      it starts, counted by a GITBIN wrapper (target 0)
#   b. 200 changed repositories (../shared/mkcorpus.sh, one new commit each
#      after an initial push), pull_threads = 2: grok-push against a plain
#      `git push --prune DEST '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*'`
#      per repository under xargs -P 2; the destinations (and the push
#      state) are reset before every run, so both push the same work
#      (target: ours / git <= 1.2x)
#   c. grok-pull -o with a socket and a file:// destination: NOTIFICATIONS
#      (default 50) origin commits, each notified once the previous one is
#      pushed; the time from the end of `git fetch` to the start of
#      `git push`, from a GITBIN wrapper's `date +%s%N` stamps
#      (target: median < 100 ms)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}; notes=${2:-50}
scripts/install-deps.sh >/dev/null
for product in grok-push grok-pull grok-manifest; do swift build -c release --product "$product" >/dev/null; done
bin="$(swift build -c release --show-bin-path)"
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-push}; mkdir -p "$work"
results=bench/RESULTS-push.txt

# A GITBIN that appends '<ns> start|end <subcommand> <git-dir>' to $work/git-calls.txt.
cat > "$work/git-stamps.sh" <<'WRAPPER'
#!/bin/bash
sub=; dir=; skip=
for arg in "$@"; do
  if [ -n "$skip" ]; then skip=; continue; fi
  case $arg in
    --git-dir=*) dir=${arg#--git-dir=} ;;
    -c|-C) skip=1 ;;
    -*) ;;
    *) sub=$arg; break ;;
  esac
done
log="${GIT_STAMPS:?}"
echo "$(date +%s%N) start $sub $dir" >> "$log"
git "$@"; rc=$?
echo "$(date +%s%N) end $sub $dir" >> "$log"
exit $rc
WRAPPER
chmod +x "$work/git-stamps.sh"

pushconf() { # pushconf NAME TOPLEVEL DEST: a grok-push config, its path
  printf '[core]\ntoplevel = %s\nmanifest = %s/manifest.js.gz\nlog = %s/%s.log\n[pull]\npull_threads = 2\n[push.local]\nurl = file://%s/{gitdir}\n' \
    "$2" "$2" "$work" "$1" "$3" > "$work/$1.conf"
  echo "$work/$1.conf"
}
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

{
echo "# bench/push.sh $runs $notes, $(nproc) CPUs, $(date -u +%Y-%m-%d); file:// destinations, pull_threads = 2"

# a. no-op over 2000 up-to-date repositories
tree="$work/tree-2000"
[ -d "$tree/pub" ] || scripts/make-origin.sh "$tree" 2000 >/dev/null
"$bin/grok-manifest" -m "$tree/manifest.js.gz" -t "$tree" -p
conf=$(pushconf noop "$tree" "$work/dest-2000")
rm -rf "$work/dest-2000" "$tree/.manifest.js.gz.push"
started=$(date +%s%N)
"$bin/grok-push" -c "$conf"
echo "# a. first grok-push of the 2000 (creates the destinations): $(( ($(date +%s%N) - started) / 1000000 )) ms"
a=$($measure "$runs" "" -- "$bin/grok-push" -c "$conf")
: > "$work/git-calls.txt"
GITBIN="$work/git-stamps.sh" GIT_STAMPS="$work/git-calls.txt" "$bin/grok-push" -c "$conf"
gits=$(grep -c ' start ' "$work/git-calls.txt" || true)
printf 'a. no-op grok-push, 2000 up-to-date repos      %8.3fs  (target < 0.3 s)  git processes: %s (target 0)  max RSS %s MiB\n' \
  "${a% *}" "$gits" "${a#* }"

# b. 200 changed repositories: grok-push against a plain git push loop
tree="$work/tree-200"
[ -d "$tree/pub" ] || bash ../shared/mkcorpus.sh "$tree" 200 >/dev/null
"$bin/grok-manifest" -m "$tree/manifest.js.gz" -t "$tree" -p
(cd "$tree" && find pub -mindepth 2 -maxdepth 2 -name '*.git' | sort) > "$work/repos-200.txt"
state="$tree/.manifest.js.gz.push"
conf=$(pushconf changed "$tree" "$work/dest-200")
rm -rf "$work/dest-200" "$state"
"$bin/grok-push" -c "$conf"
rm -rf "$work/dest-200.base"; cp -a "$work/dest-200" "$work/dest-200.base"; cp "$state" "$work/state-200.base"
while read -r r; do
  c=$(git --git-dir="$tree/$r" commit-tree -p master -m "bench $r $(date +%s%N)" 'master^{tree}')
  git --git-dir="$tree/$r" update-ref refs/heads/master "$c"
done < "$work/repos-200.txt"
"$bin/grok-manifest" -m "$tree/manifest.js.gz" -t "$tree" -p
cat > "$work/git-push-all.sh" <<RAW
#!/bin/bash
exec xargs -P 2 -I{} git --git-dir=$tree/{} push -q --prune $work/dest-200/{} '+refs/heads/*:refs/heads/*' '+refs/tags/*:refs/tags/*' < $work/repos-200.txt
RAW
chmod +x "$work/git-push-all.sh"
reset="rm -rf $work/dest-200 && cp -a $work/dest-200.base $work/dest-200 && cp $work/state-200.base $state"
m=$($measure "$runs" "$reset" -- "$bin/grok-push" -c "$conf" -- "$work/git-push-all.sh")
ours=$(echo "$m" | sed -n '1s/ .*//p'); plain=$(echo "$m" | sed -n '2s/ .*//p')
for r in $(head -3 "$work/repos-200.txt"); do  # the last run pushed every repository
  [ "$(git --git-dir="$tree/$r" rev-parse master)" = "$(git --git-dir="$work/dest-200/$r" rev-parse master)" ] || { echo "not pushed: $r" >&2; exit 1; }
done
eval "$reset"
: > "$work/git-calls.txt"
GITBIN="$work/git-stamps.sh" GIT_STAMPS="$work/git-calls.txt" "$bin/grok-push" -c "$conf"
gits=$(grep -c ' start ' "$work/git-calls.txt" || true)
printf 'b. 200 changed repos: grok-push %.3fs, git push loop (xargs -P2) %.3fs: ours/git %.2fx (target <= 1.2x); grok-push ran %s git processes\n' \
  "$ours" "$plain" "$(python3 -c "print($ours/$plain)")" "$gits"

# c. service: end of the fetch to the start of the push
origin="$work/svc-origin"; mirror="$work/svc-mirror"; dest="$work/svc-dest"
rm -rf "$origin" "$mirror" "$dest" "$work/svc.log" "$work/svc.sock"
cp -a "$tree" "$origin"; rm -f "$origin/.manifest.js.gz."*
"$bin/grok-manifest" -m "$origin/manifest.js.gz" -t "$origin" -p
mkdir -p "$mirror"
printf '[core]\ntoplevel = %s\nlog = %s\n[remote]\nsite = %s\nmanifest = file://%s/manifest.js.gz\n[pull]\npull_threads = 2\nrefresh = 300\nsocket = %s\n[push.local]\nurl = file://%s/{gitdir}\n' \
  "$mirror" "$work/svc.log" "$origin" "$origin" "$work/svc.sock" "$dest" > "$work/svc.conf"
"$bin/grok-pull" -c "$work/svc.conf" -n   # the initial mirror and push
: > "$work/git-calls.txt"
GITBIN="$work/git-stamps.sh" GIT_STAMPS="$work/git-calls.txt" python3 - "$work" "$origin" "$mirror" "$notes" "$bin/grok-pull" <<'PY'
import os, signal, socket, statistics, subprocess, sys, time
work, origin, mirror, count, pull = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
calls = os.path.join(work, 'git-calls.txt')
repos = open(os.path.join(work, 'repos-200.txt')).read().split()
daemon = subprocess.Popen([pull, '-c', os.path.join(work, 'svc.conf'), '-o'], start_new_session=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def log():
    try: return open(os.path.join(work, 'svc.log'), errors='replace').read()
    except FileNotFoundError: return ''
def stamps():
    return [line.split(' ', 3) for line in open(calls).read().splitlines()]
deadline = time.time() + 60
while 'listener: listening on socket' not in log() and time.time() < deadline: time.sleep(0.05)
time.sleep(2)  # the start's manifest check
latencies, between = [], []
for i in range(count):
    gitdir = '/' + repos[(i * 7) % len(repos)]
    repo = origin + gitdir
    tree = subprocess.run(['git', '--git-dir=' + repo, 'rev-parse', 'master^{tree}'], capture_output=True, text=True, check=True).stdout.strip()
    commit = subprocess.run(['git', '--git-dir=' + repo, 'commit-tree', '-p', 'master', '-m', f'note {i}', tree],
                            capture_output=True, text=True, check=True, env=dict(os.environ, GIT_AUTHOR_NAME='b', GIT_AUTHOR_EMAIL='b@example.org',
                                                                               GIT_COMMITTER_NAME='b', GIT_COMMITTER_EMAIL='b@example.org')).stdout.strip()
    subprocess.run(['git', '--git-dir=' + repo, 'update-ref', 'refs/heads/master', commit], check=True)
    mark = len(stamps())
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(os.path.join(work, 'svc.sock')); s.sendall((gitdir + '\n').encode())
    path = mirror + gitdir
    deadline = time.time() + 30
    while time.time() < deadline:
        new = stamps()[mark:]
        if any(f[1:] == ['end', 'push', path] for f in new): break
        time.sleep(0.02)
    else:
        sys.exit(f'no push of {gitdir} within 30 s')
    fetch_end = max(int(f[0]) for f in new if f[1:] == ['end', 'fetch', path])
    push_start = min(int(f[0]) for f in new if f[1:] == ['start', 'push', path])
    latencies.append((push_start - fetch_end) / 1e6)
    between.append(sum(1 for f in new if f[1] == 'start' and fetch_end < int(f[0]) < push_start))
os.killpg(daemon.pid, signal.SIGTERM); daemon.wait(30)
latencies.sort()
print(f'c. service, {count} notifications: fetch end -> push start median {statistics.median(latencies):.1f} ms '
      f'(p90 {latencies[int(0.9 * (count - 1))]:.1f}, max {latencies[-1]:.1f}; target median < 100 ms); '
      f'git processes in between: median {statistics.median(between):g}')
print('#   git processes for the last notification, in order: ' + ' '.join(f[2] for f in new if f[1] == 'start'))
PY
echo "#"
echo "# a: wall time of the whole process (config, local manifest, push state of 2000 records); the git count from a GITBIN wrapper run"
echo "# b: bench/measure.py rounds interleave the two; before each, the destinations and the push state are restored to"
echo "#    the initial push, so each run pushes one new commit to each of the 200 (grok-push: one git push per repository)"
echo "# c: stamps are taken by the wrapper: after git fetch exits (one date fork) and when the push's wrapper starts"
echo "#    (bash start, argument scan, one date fork), so a few ms of the figure are the wrapper's own"
} 2>&1 | tee "$results"
