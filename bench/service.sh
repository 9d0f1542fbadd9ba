#!/usr/bin/env bash
# bench/service.sh [N] [IDLE_SECONDS] [NOTIFICATIONS]: grok-pull -o as a
# service, ours against the reference grokmirror 2.0.12, on the same
# ../shared/mkcorpus.sh origin of N repositories (default 2000), each
# daemon on an identical synced mirror (refresh = 300, a notification
# socket, pull_threads = 2), one after the other on the same machine.
# Figures (bench/service.py): idle CPU % and memory, notification-to-fetch
# -start latency (median of NOTIFICATIONS, default 50), SIGTERM exit time.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}; idle=${2:-60}; notes=${3:-50}
scripts/install-deps.sh >/dev/null
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
work=${BENCH_DIR:-/tmp/grok-bench-service}; mkdir -p "$work"
origin="$work/origin-$n"
if [ ! -d "$origin/pub" ]; then bash ../shared/mkcorpus.sh "$origin" "$n" >/dev/null; fi
"$bin/grok-manifest" -m "$origin/manifest.js.gz" -t "$origin" -p

config() { # config NAME: a daemon config for mirror-NAME
  printf '[core]\ntoplevel = %s\nlog = %s\n[remote]\nsite = %s\nmanifest = file://%s/manifest.js.gz\n[pull]\npull_threads = 2\nrefresh = 300\nsocket = %s\n' \
    "$work/mirror-$1" "$work/$1.log" "$origin" "$origin" "$work/$1.sock" > "$work/$1.conf"
}
config ours; config reference
# One synced mirror, copied for the other: both start from the same state.
rm -rf "$work/mirror-ours" "$work/mirror-reference" "$work"/*.log
mkdir -p "$work/mirror-ours"
"$bin/grok-pull" -c "$work/ours.conf" -n
cp -a "$work/mirror-ours" "$work/mirror-reference"
rm -f "$work/ours.log"

echo "# bench/service.sh $n $idle $notes, $(nproc) CPUs, $(date -u +%Y-%m-%d)"
python3 bench/service.py ours "$work/ours.conf" "$work/ours.log" "$work/ours.sock" "$origin" "$idle" "$notes" \
  -- "$bin/grok-pull" -c "$work/ours.conf" -o
python3 bench/service.py reference "$work/reference.conf" "$work/reference.log" "$work/reference.sock" "$origin" "$idle" "$notes" \
  -- "$PWD/.venv/bin/grok-pull" -c "$work/reference.conf" -o
