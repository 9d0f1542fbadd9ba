#!/usr/bin/env bash
# bench/serve.sh [N] [SAMPLES]: grok-serve's status endpoints with N
# repositories in the status store (default 30000), measured on this machine
# in one run; prints the figures and writes them to bench/RESULTS-serve.txt.
#   a. GET /, /?page=150, /?q=..., /status.json, /status/<gitdir>, /metrics:
#      first the first request of a new grok-serve, which builds the view
#      while the client waits; then SAMPLES requests each, every one cold
#      (after a write to the store, more than a second after the last, as a
#      running grok-pull makes them: the request gets the view it finds and
#      a new one is built in the background), then SAMPLES warm ones back to
#      back (the view unchanged); curl's time_total. Targets: / and /status.json < 300 ms, /metrics < 100 ms.
#   b. idle: CPU time used with no request (target < 0.1 %), and RSS
#      (target < 40 MB), from /proc: over 10 s right after the requests (the
#      view still cached), and over 60 s once grok-serve has been idle for
#      40 s (the cache released after 30 s); then the first request after
#      45 s idle of /metrics, / and /status.json (median of 3 each).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-30000}; samples=${2:-10}
swift build -c release --product grok-serve >/dev/null
bin="$(swift build -c release --show-bin-path)"
work=${BENCH_DIR:-/tmp/grok-bench-serve}; rm -rf "$work"; mkdir -p "$work/mirror"
results=bench/RESULTS-serve.txt
port=$(python3 bench/serve-store.py "$work/mirror" "$n")
pid=
start_server() {
    "$bin/grok-serve" -c "$work/serve.conf" >>"$work/serve.log" 2>&1 &
    pid=$!
    # A path no route has: answered 404 without building the view.
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/-" && break; sleep 0.05; done
}
stop_server() { kill -TERM "$pid"; wait "$pid" || true; }

# time PATH MODE: prints "median max bytes" in ms over $samples requests.
time_path() {
    local path=$1 mode=$2 times=()
    for _ in $(seq "$samples"); do
        if [ "$mode" = cold ]; then sleep 1.1; python3 bench/serve-store.py "$work/mirror" touch; fi
        times+=("$(curl -s -o "$work/body" -w '%{time_total}' "http://127.0.0.1:$port$path")")
    done
    printf '%s\n' "${times[@]}" | python3 -c "
import sys, statistics; t=[float(x)*1000 for x in sys.stdin]; print(f'{statistics.median(t):7.1f} {max(t):7.1f}', end=' ')"
    echo "$(stat -c %s "$work/body")"
}

{
echo "# bench/serve.sh $n $samples, $(nproc) CPUs, $(date +%F); release build; $n repositories in the store (2 push destinations each, 5 events each), fsck statusfile of $n records"
echo "# first request of a new grok-serve, 2 s after it listens (it builds /metrics' sums and the pages' view at startup), ms:"
for path in / /status.json /metrics /healthz; do
    start_server
    sleep 2
    printf '%-16s %7.1f\n' "$path" "$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$path" | python3 -c 'import sys; print(float(sys.stdin.read()) * 1000)')"
    stop_server
done
start_server
curl -s -o /dev/null "http://127.0.0.1:$port/"
echo "# endpoint                      cold median/max ms   warm median/max ms   bytes   target"
for entry in "/ 300" "/?page=150 300" "/?q=project2999 300" "/?state=failing 300" "/status.json 300" \
             "/status/pub/group100/project10000.git -" "/status/pub/group100/project10000.git.json -" "/metrics 100" "/healthz -"; do
    set -- $entry
    read -r cm cx bytes < <(time_path "$1" cold)
    read -r wm wx _ < <(time_path "$1" warm)
    printf '%-44s %7s %7s      %7s %7s   %8s  %s\n' "$1" "$cm" "$cx" "$wm" "$wx" "$bytes" "$( [ "$2" = - ] && echo "" || echo "< $2 ms")"
done
ticks=$(getconf CLK_TCK)
# idle LABEL SECONDS: CPU over the next SECONDS and RSS at their end (one
# clock tick is 1/$ticks s: 60 s resolve 0.017 %).
idle() {
    local before after rss
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep "$2"
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    rss=$(ps -o rss= -p "$pid")
    python3 -c "print(f'idle $1: CPU over $2 s {($after - $before) / $ticks / $2 * 100:.3f} % (target < 0.1 %), RSS {$rss / 1024:.1f} MiB = {$rss * 1024 / 1e6:.1f} MB (target < 40 MB)')"
}
idle "0-10 s after the last request (view cached)" 10
sleep 30
idle "40-100 s after the last request (cache released)" 60
# first_after_idle PATH: the median of 3 requests, each after 45 s without
# any (the view and statusfile dropped; /metrics' sums are kept).
first_after_idle() {
    local times=()
    for _ in 1 2 3; do
        sleep 45
        times+=("$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$1")")
    done
    printf '%s\n' "${times[@]}" | python3 -c "
import sys, statistics; t=[float(x)*1000 for x in sys.stdin]; print(f'$1'.ljust(16), f'{statistics.median(t):7.1f}', '  (' + ' '.join(f'{x:.1f}' for x in t) + ')')"
}
echo "# first request after 45 s idle, median of 3 (each), ms:"
for path in /metrics / /status.json; do first_after_idle "$path"; done
echo "peak RSS (VmHWM) over the run: $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status")"
stop_server
echo "RSS of a new grok-serve before any request: $(start_server; ps -o rss= -p "$pid" | awk '{printf "%.1f MiB = %.1f MB", $1 / 1024, $1 * 1024 / 1e6}'; stop_server)"
} | tee "$results"
