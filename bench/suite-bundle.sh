#!/usr/bin/env bash
# bench/suite-bundle.sh [RUNS]: grok-bundle over 200 unchanged repositories,
# ours and grokmirror 2.0.12's side by side on this machine in one run;
# prints the figures and writes them to bench/RESULTS-suite-bundle.txt.
# Medians of RUNS runs (default 7), rounds interleaved (bench/measure.py).
#   corpus: ../shared/mkcorpus.sh, 200 repositories, local manifest by
#   grok-manifest; each tool bundles it once into its own OUTDIR, then
#   a. wall time of a run with nothing to do (target: ours < 0.2 s)
#   b. git processes such a run starts, counted by a GITBIN wrapper (both
#      tools honour GITBIN; target: ours 0), with and without the
#      grokmirror.fingerprint files grokmirror's tools leave in repositories
#   c. each tool on the other's OUTDIR: all 200 seen as unchanged
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
scripts/install-deps.sh >/dev/null
for product in grok-bundle grok-manifest; do swift build -c release --product "$product" >/dev/null; done
bin="$(swift build -c release --show-bin-path)"
reference="${GROK_REFERENCE_BIN:-$PWD/.venv/bin}/grok-bundle"
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-bundle}; mkdir -p "$work"
results=bench/RESULTS-suite-bundle.txt

# A GITBIN that appends its arguments to $GIT_CALLS, then runs git.
cat > "$work/counting-git.sh" <<'WRAPPER'
#!/bin/sh
echo "$*" >> "${GIT_CALLS:?}"
exec git "$@"
WRAPPER
chmod +x "$work/counting-git.sh"
gits() { # gits COMMAND...: the git processes COMMAND starts
  : > "$work/git-calls.txt"
  GITBIN="$work/counting-git.sh" GIT_CALLS="$work/git-calls.txt" "$@" >/dev/null 2>&1
  wc -l < "$work/git-calls.txt"
}
unchanged() { "$@" -v 2>&1 | grep -c '(unchanged)' || true; }

{
echo "# bench/suite-bundle.sh $runs, $(nproc) CPUs, $(date -u +%Y-%m-%d); $(git --version)"
tree="$work/tree-200"
[ -d "$tree/pub" ] || bash ../shared/mkcorpus.sh "$tree" 200 >/dev/null
"$bin/grok-manifest" -m "$tree/manifest.js.gz" -t "$tree" -p
printf '[core]\ntoplevel = %s\nmanifest = %s/manifest.js.gz\nlog = %s/bundle.log\n' "$tree" "$tree" "$work" > "$work/bundle.conf"
conf="$work/bundle.conf"
rm -rf "$work/ours" "$work/theirs"
find "$tree" -name grokmirror.fingerprint -delete
started=$(date +%s%N)
"$bin/grok-bundle" -c "$conf" -o "$work/ours"
ours_first=$(( ($(date +%s%N) - started) / 1000000 ))
started=$(date +%s%N)
"$reference" -c "$conf" -o "$work/theirs"
theirs_first=$(( ($(date +%s%N) - started) / 1000000 ))
echo "# first runs (200 bundles each): ours $ours_first ms, grokmirror $theirs_first ms"

# b, first without grokmirror.fingerprint files (grokmirror's grok-bundle writes them as it goes)
find "$tree" -name grokmirror.fingerprint -delete
ours_gits_bare=$(gits "$bin/grok-bundle" -c "$conf" -o "$work/ours")
theirs_gits_bare=$(gits "$reference" -c "$conf" -o "$work/theirs")
ours_gits=$(gits "$bin/grok-bundle" -c "$conf" -o "$work/ours")
theirs_gits=$(gits "$reference" -c "$conf" -o "$work/theirs")

m=$($measure "$runs" "" -- "$bin/grok-bundle" -c "$conf" -o "$work/ours" -- "$reference" -c "$conf" -o "$work/theirs")
ours=$(echo "$m" | sed -n '1s/ .*//p'); theirs=$(echo "$m" | sed -n '2s/ .*//p')
ours_rss=$(echo "$m" | sed -n '1s/.* //p'); theirs_rss=$(echo "$m" | sed -n '2s/.* //p')
printf 'a. 200 unchanged repos: ours %.3fs (target < 0.2 s), grokmirror %.3fs: grokmirror/ours %.1fx; max RSS ours %s MiB, grokmirror %s MiB\n' \
  "$ours" "$theirs" "$(python3 -c "print($theirs/$ours)")" "$ours_rss" "$theirs_rss"
printf 'b. git processes of an unchanged run: ours %s (target 0), grokmirror %s; without grokmirror.fingerprint files: ours %s, grokmirror %s\n' \
  "$ours_gits" "$theirs_gits" "$ours_gits_bare" "$theirs_gits_bare"
printf "c. on the other's OUTDIR: ours finds %s of 200 unchanged (git processes: %s), grokmirror %s of 200\n" \
  "$(unchanged "$bin/grok-bundle" -c "$conf" -o "$work/theirs")" "$(gits "$bin/grok-bundle" -c "$conf" -o "$work/theirs")" \
  "$(unchanged "$reference" -c "$conf" -o "$work/ours")"
echo "#"
echo "# a: wall time of the whole process (config, manifest of 200, per repository the refs' fingerprint and the stored"
echo "#    .fingerprint), both with the grokmirror.fingerprint files present, which is grokmirror's fast case: it then"
echo "#    trusts that file instead of asking git; ours reads the ref files (packed-refs, refs/) whatever is there"
echo "# b: a GITBIN wrapper run each; grokmirror runs git show-ref for a repository without grokmirror.fingerprint"
echo "# first runs: ours also fsyncs each bundle and its .fingerprint (grokmirror syncs nothing); an fsync is several ms here"
} 2>&1 | tee "$results"
