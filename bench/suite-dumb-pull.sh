#!/usr/bin/env bash
# bench/suite-dumb-pull.sh [RUNS]: grok-dumb-pull over 200 repositories with
# nothing new, ours against grokmirror 2.0.12's, measured on this machine in
# one run; prints the figures and writes them to
# bench/RESULTS-suite-dumb-pull.txt. Medians of RUNS runs (default 5),
# the two interleaved round by round (bench/measure.py).
#   The corpus: ../shared/mkcorpus.sh's 200 origins, each mirrored once
#   (`git clone --mirror`, the origin as remote "origin"); both tools walk
#   the clones' tree with no options (ours: -j defaults to 2).
#   Also counted, by a GITBIN wrapper: the git processes ours starts.
#   Target: ours at least 3x faster.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
scripts/install-deps.sh >/dev/null
swift build -c release --product grok-dumb-pull >/dev/null
bin="$(swift build -c release --show-bin-path)"
reference=${GROK_REFERENCE_BIN:-$PWD/.venv/bin}/grok-dumb-pull
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-dumb-pull}; mkdir -p "$work"
results=bench/RESULTS-suite-dumb-pull.txt

origin="$work/origin"; clones="$work/clones"
[ -d "$origin/pub" ] || bash ../shared/mkcorpus.sh "$origin" 200 >/dev/null
if [ ! -d "$clones/pub" ]; then
  (cd "$origin" && find pub -mindepth 2 -maxdepth 2 -name '*.git' | sort) | while read -r r; do
    mkdir -p "$clones/$(dirname "$r")"
    git clone -q --mirror "$origin/$r" "$clones/$r"
  done
fi
count=$(find "$clones/pub" -mindepth 2 -maxdepth 2 -name '*.git' | wc -l)
# Both are run once first, so neither pays for a first fetch.
"$bin/grok-dumb-pull" "$clones"; "$reference" "$clones"

cat > "$work/git-count.sh" <<'WRAPPER'
#!/bin/sh
echo "$*" >> "$GIT_CALLS"
exec git "$@"
WRAPPER
chmod +x "$work/git-count.sh"
: > "$work/git-calls.txt"
GITBIN="$work/git-count.sh" GIT_CALLS="$work/git-calls.txt" "$bin/grok-dumb-pull" "$clones"
gits=$(wc -l < "$work/git-calls.txt")

m=$($measure "$runs" "" -- "$bin/grok-dumb-pull" "$clones" -- "$reference" "$clones")
ours=$(echo "$m" | sed -n '1s/ .*//p'); theirs=$(echo "$m" | sed -n '2s/ .*//p')
ours_rss=$(echo "$m" | sed -n '1s/.* //p'); theirs_rss=$(echo "$m" | sed -n '2s/.* //p')
{
echo "# bench/suite-dumb-pull.sh $runs, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d); $(git --version)"
echo "# $count repositories (mkcorpus + git clone --mirror), nothing new at the origins; medians of $runs interleaved runs"
printf 'grok-dumb-pull, 200 unchanged repos: ours %.3fs (max RSS %s MiB), grokmirror 2.0.12 %.3fs (max RSS %s MiB): %.2fx faster (target >= 3x)\n' \
  "$ours" "$ours_rss" "$theirs" "$theirs_rss" "$(python3 -c "print($theirs/$ours)")"
echo "ours started $gits git processes (one git fetch per repository; 2.0.12 runs rev-parse twice, remote, remote update and its fetch)"
} | tee "$results"
