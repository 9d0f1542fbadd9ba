#!/usr/bin/env bash
# bench/pull.sh [N] [RUNS]: grok-pull against raw git and the reference
# grokmirror 2.0.12 on ../shared/mkcorpus.sh DIR N (default 200), site a
# local path, pull_threads=2; medians of RUNS runs (default 3).
#   - initial mirror vs the raw git lower bound (init --bare, remote add
#     --mirror=fetch, remote update; same parallelism)
#   - no-op run (-n, nothing changed) vs the reference, on N and on 2000 repos
#   - update run with 10% of repos changed vs raw git fetches of those repos
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}; runs=${2:-3}
scripts/install-deps.sh >/dev/null
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
ours="$bin/grok-pull"; manifest_tool="$bin/grok-manifest"
ref="$PWD/.venv/bin/grok-pull"
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-pull}; mkdir -p "$work"

corpus() { # corpus N -> path of an origin with a current manifest
  local c="$work/origin-$1"
  if [ ! -d "$c/pub" ]; then bash ../shared/mkcorpus.sh "$c" "$1" >/dev/null; fi
  "$manifest_tool" -m "$c/manifest.js.gz" -t "$c" -p
  echo "$c"
}
config() { # config NAME ORIGIN MIRROR
  mkdir -p "$3"
  printf '[core]\ntoplevel = %s\nlog = %s.log\n[remote]\nsite = %s\nmanifest = file://%s/manifest.js.gz\n[pull]\npull_threads = 2\n' \
    "$3" "$work/$1" "$2" "$2" > "$work/$1.conf"
  echo "$work/$1.conf"
}
row() { printf '%-48s %9.3fs %9.3fs %8.2fx\n' "$1" "${2% *}" "${3% *}" "$(python3 -c "print(${3% *}/${2% *})")"; }
printf '%-48s %10s %10s %9s\n' "case (median of $runs)" ours other ratio

origin=$(corpus "$n")
repos=$(cd "$origin" && find pub -mindepth 2 -maxdepth 2 -name '*.git' | sort)
conf=$(config ours "$origin" "$work/mirror-ours")
a=$($measure "$runs" "rm -rf $work/mirror-ours; mkdir -p $work/mirror-ours" -- "$ours" -c "$conf")
cat > "$work/raw-clone.sh" <<RAW
#!/bin/bash
d=\$1/\$2; mkdir -p "\$(dirname "\$d")"
git init -q --bare "\$d" && git --git-dir="\$d" remote add --mirror=fetch _grokmirror "$origin/\$2" && git --git-dir="\$d" remote update _grokmirror --prune >/dev/null 2>&1
RAW
chmod +x "$work/raw-clone.sh"
echo "$repos" > "$work/repos.txt"
b=$($measure "$runs" "rm -rf $work/mirror-raw; mkdir -p $work/mirror-raw" -- bash -c "xargs -P2 -I{} $work/raw-clone.sh $work/mirror-raw {} < $work/repos.txt")
row "initial mirror of $n repos (vs raw git)" "$a" "$b"

cp -a "$work/mirror-ours/." "$work/mirror-ref-$n/" 2>/dev/null || { mkdir -p "$work/mirror-ref-$n"; cp -a "$work/mirror-ours/." "$work/mirror-ref-$n/"; }
refconf=$(config "ref-$n" "$origin" "$work/mirror-ref-$n")
a=$($measure "$runs" "" -- "$ours" -c "$conf" -n)
b=$($measure "$runs" "" -- "$ref" -c "$refconf" -n)
row "no-op run, $n repos (vs reference)" "$a" "$b"

changed=$(echo "$repos" | awk 'NR % 10 == 1')
echo "$changed" > "$work/changed.txt"
bump="while read r; do git --git-dir=$origin/\$r update-ref refs/heads/bench-\$RANDOM\$RANDOM \$(git --git-dir=$origin/\$r rev-parse master); done < $work/changed.txt; $manifest_tool -m $origin/manifest.js.gz -t $origin -n \$(sed 's|^|$origin/|' $work/changed.txt)"
a=$($measure "$runs" "$bump" -- "$ours" -c "$conf" -n)
b=$($measure "$runs" "$bump" -- bash -c "xargs -P2 -I{} git --git-dir=$work/mirror-ours/{} remote update _grokmirror --prune < $work/changed.txt >/dev/null 2>&1")
row "update, $(echo "$changed" | wc -l) of $n repos changed (vs raw git)" "$a" "$b"

if [ "$n" != 2000 ]; then
  big=$(corpus 2000)
  bigconf=$(config ours-2000 "$big" "$work/mirror-ours-2000")
  [ -f "$work/mirror-ours-2000/manifest.js.gz" ] || "$ours" -c "$bigconf" >/dev/null 2>&1
  rm -rf "$work/mirror-ref-2000"; cp -a "$work/mirror-ours-2000" "$work/mirror-ref-2000"
  bigref=$(config ref-2000 "$big" "$work/mirror-ref-2000")
  a=$($measure "$runs" "" -- "$ours" -c "$bigconf" -n)
  b=$($measure "$runs" "" -- "$ref" -c "$bigref" -n)
  row "no-op run, 2000 repos (vs reference)" "$a" "$b"
fi
