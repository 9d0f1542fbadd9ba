#!/usr/bin/env bash
# bench/serve-archive.sh [RUNS]: grok-serve's archives, measured on this
# machine in one run; prints the figures and writes them to
# bench/RESULTS-serve-archive.txt. Medians of RUNS runs (default 3).
# The repository holds 120 MiB of random files (incompressible), so every
# archive of it is over 100 MB.
#   a. 8 clients each downloading the tar archive at once (no cache, so
#      8 git archives stream through grok-serve together): grok-serve's
#      peak RSS, sampled every 20 ms (target < 64 MB)
#   b. one tar.gz download by curl against
#      `git archive --format=tar.gz > /dev/null` (target: ours at least
#      0.9x git's speed, i.e. time ratio <= 1.11)
#   c. with archive_cache: a cached repeat against building it
#      (target: at least 10x faster)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
swift build -c release --product grok-serve >/dev/null
bin="$(swift build -c release --show-bin-path)"
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-serve-archive}; mkdir -p "$work"
results=bench/RESULTS-serve-archive.txt
repo=$work/mirror/pub/big.git

if [ ! -d "$repo" ]; then
  rm -rf "$work/src"; git init -q "$work/src"
  for i in $(seq 1 120); do head -c 1048576 /dev/urandom > "$work/src/f$i"; done
  git -C "$work/src" add -A; git -C "$work/src" -c user.name=b -c user.email=b@b commit -qm big; git -C "$work/src" tag v1
  mkdir -p "$work/mirror/pub"; git clone -q --bare "$work/src" "$repo"; rm -rf "$work/src"
fi
commit=$(git --git-dir="$repo" rev-parse 'v1^{commit}')

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
# serve NAME EXTRA-SERVE-LINES: starts grok-serve; sets server_pid and port.
serve() {
  port=$(free_port)
  cat > "$work/$1.conf" <<CONF
[core]
toplevel = $work/mirror
manifest = $work/mirror/manifest.js.gz
[serve]
listen = 127.0.0.1:$port
archive_jobs = 8
$2
CONF
  "$bin/grok-serve" -c "$work/$1.conf" 2>"$work/$1.log" &
  server_pid=$!; pids+=("$server_pid")
}
serve plain ""; plain_pid=$server_pid; plain_port=$port
rm -rf "$work/cache"
serve cached "archive_cache = $work/cache
archive_cache_size = 2G"; cached_port=$port
for port in "$plain_port" "$cached_port"; do
  for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
done

# a. peak RSS with 8 concurrent downloads.
peak=0
for _ in $(seq 1 "$runs"); do
  clients=()
  for c in $(seq 1 8); do curl -sS -o /dev/null "http://127.0.0.1:$plain_port/pub/big.git/archive/$commit.tar" & clients+=($!); done
  running() { for p in "${clients[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
  while running; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$plain_pid/status"); [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 0.02
  done
  wait "${clients[@]}"
done
size=$(curl -sS "http://127.0.0.1:$plain_port/pub/big.git/archive/$commit.tar" | wc -c)

# b. one tar.gz download against git archive.
read -r git_s _ < <($measure "$runs" "" -- bash -c "git --git-dir='$repo' archive --format=tar.gz $commit > /dev/null")
read -r ours_s _ < <($measure "$runs" "" -- curl -sS -o /dev/null "http://127.0.0.1:$plain_port/pub/big.git/archive/$commit.tar.gz")

# c. building (cache emptied by a fresh format each time is not possible, so
# the first download is the build) against cached repeats.
build_s=$( { /usr/bin/time -f %e curl -sS -o /dev/null "http://127.0.0.1:$cached_port/pub/big.git/archive/$commit.tar.gz"; } 2>&1 )
for _ in $(seq 1 50); do [ -f "$work/cache/$commit.tar.gz" ] && break; sleep 0.1; done
read -r cached_s _ < <($measure "$runs" "" -- curl -sS -o /dev/null "http://127.0.0.1:$cached_port/pub/big.git/archive/$commit.tar.gz")

{
  echo "serve-archive ($(date -u +%F), $(nproc) cores, runs=$runs, archive $((size / 1048576)) MiB tar)"
  echo "a. 8 concurrent downloads: grok-serve peak RSS $((peak / 1024)) MiB (target < 64)"
  echo "b. tar.gz: git archive ${git_s}s, grok-serve download ${ours_s}s, speed ratio $(python3 -c "print(f'{$git_s/$ours_s:.2f}')")x (target >= 0.9)"
  echo "c. cached: build ${build_s}s, cached repeat ${cached_s}s, $(python3 -c "print(f'{$build_s/$cached_s:.1f}')")x faster (target >= 10)"
} | tee "$results"
