#!/usr/bin/env bash
# bench/manifest.sh [N] [RUNS]: grok-manifest against the reference grokmirror
# 2.0.12, side by side on the same synthetic origin of N repos (default 2000,
# built by ../shared/mkcorpus.sh), RUNS timed runs per case (default 5);
# medians and ratios. Also the 30,000-entry hook case (time and peak RSS), and
# the steady walk on a Gerrit-shaped origin (GERRIT_N repositories of
# GERRIT_REFS packed refs each, default 100 x 5000, built by bench/mkgerrit.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}; runs=${2:-5}
scripts/install-deps.sh >/dev/null
swift build -c release --product grok-manifest >/dev/null
ours="$(swift build -c release --show-bin-path)/grok-manifest"
ref="$PWD/.venv/bin/grok-manifest"
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-manifest}
corpus="$work/corpus-$n"
if [ ! -d "$corpus/pub" ]; then
  echo "building a $n-repo corpus in $corpus ..."
  mkdir -p "$work"; bash ../shared/mkcorpus.sh "$corpus" "$n" >/dev/null
fi
m="$work/manifests"; mkdir -p "$m"
hookrepo="$corpus/pub/group1/repo1.git"
bump='git --git-dir='"$hookrepo"' update-ref refs/heads/bench-$RANDOM "$(git --git-dir='"$hookrepo"' rev-parse master)"'

row() { # row NAME OURS_RESULT REF_RESULT
  local o r; o=${2% *}; r=${3% *}
  printf '%-44s %9.3fs %9.3fs %8.1fx\n' "$1" "$o" "$r" "$(python3 -c "print($r/$o)")"
}
printf '%-44s %10s %10s %9s\n' "case ($n repos, median of $runs)" ours reference speedup

a=$($measure "$runs" "rm -f $m/ours-empty.js.gz" -- "$ours" -m "$m/ours-empty.js.gz" -t "$corpus")
b=$($measure "$runs" "rm -f $m/ref-empty.js.gz" -- "$ref" -m "$m/ref-empty.js.gz" -t "$corpus")
row "full walk into an empty manifest" "$a" "$b"

"$ours" -m "$m/ours-cur.js.gz" -t "$corpus"; "$ref" -m "$m/ref-cur.js.gz" -t "$corpus"
a=$($measure "$runs" "" -- "$ours" -m "$m/ours-cur.js.gz" -t "$corpus" -p)
b=$($measure "$runs" "" -- "$ref" -m "$m/ref-cur.js.gz" -t "$corpus" -p)
row "full walk, manifest current (-p)" "$a" "$b"

a=$($measure "$runs" "$bump" -- "$ours" -m "$m/ours-cur.js.gz" -t "$corpus" -n "$hookrepo")
b=$($measure "$runs" "$bump" -- "$ref" -m "$m/ref-cur.js.gz" -t "$corpus" -n "$hookrepo")
row "hook mode, one repo, $n-entry manifest" "$a" "$b"

python3 - "$m/big.js.gz" <<'PY'
import gzip, hashlib, json, sys
big = {f"/synthetic/group{i % 100}/repo{i}.git": {"modified": 1600000000 + i,
       "fingerprint": hashlib.sha1(str(i).encode()).hexdigest(), "head": "ref: refs/heads/master",
       "description": f"Synthetic repository {i}", "reference": None} for i in range(30000)}
with gzip.open(sys.argv[1], "wt") as fh: json.dump(big, fh)
PY
cp "$m/big.js.gz" "$m/big-ref.js.gz"
a=$($measure "$runs" "$bump" -- "$ours" -m "$m/big.js.gz" -t "$corpus" -n "$hookrepo")
b=$($measure "$runs" "$bump" -- "$ref" -m "$m/big-ref.js.gz" -t "$corpus" -n "$hookrepo")
row "hook mode, one repo, 30000-entry manifest" "$a" "$b"
printf '%-44s %8.1fMB %8.1fMB\n' "  peak RSS of that run" "${a#* }" "${b#* }"

gn=${GERRIT_N:-100}; grefs=${GERRIT_REFS:-5000}
gerrit="$work/gerrit-$gn-$grefs"
if [ ! -d "$gerrit/pub" ]; then
  echo "building a $gn-repo Gerrit-shaped corpus ($grefs refs each) in $gerrit ..."
  bash bench/mkgerrit.sh "$gerrit" "$gn" "$grefs" >/dev/null
fi
# Stamps only trust files older than 2 s: let the corpus settle first.
sleep 3
"$ours" -m "$m/ours-gerrit.js.gz" -t "$gerrit"; "$ref" -m "$m/ref-gerrit.js.gz" -t "$gerrit"
both=$($measure "$runs" "" -- "$ours" -m "$m/ours-gerrit.js.gz" -t "$gerrit" -p -- "$ref" -m "$m/ref-gerrit.js.gz" -t "$gerrit" -p)
a=$(sed -n 1p <<<"$both"); b=$(sed -n 2p <<<"$both")
row "Gerrit shape ${gn}x${grefs} refs, current (-p)" "$a" "$b"
a=$($measure "$runs" "rm -f $m/.ours-gerrit.js.gz.stamps" -- "$ours" -m "$m/ours-gerrit.js.gz" -t "$gerrit" -p)
row "  the same without remembered stamps" "$a" "$b"
