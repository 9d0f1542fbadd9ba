#!/usr/bin/env bash
# bench/queue.sh [JOBS] [RUNS]: the pull scheduler's queue (PullQueue) at
# scale, with no disk or git: JOBS planned clones (default 30,000) submitted
# and drained, as bench/queue-bench/main.swift describes; release build,
# medians of RUNS runs (default 5), seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${1:-30000}; runs=${2:-5}
swift build -c release --product queue-bench >/dev/null
bench="$(swift build -c release --show-bin-path)/queue-bench"
for _ in $(seq "$runs"); do "$bench" "$jobs"; done | tee /dev/stderr | python3 -c '
import statistics, sys
runs = [dict(field.split("=") for field in line.split()) for line in sys.stdin]
print("median of %d:" % len(runs), " ".join("%s=%.3fs" % (name, statistics.median(float(r[name]) for r in runs))
      for name in ("submit", "drain", "housekeeping", "total")))'
