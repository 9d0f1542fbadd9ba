#!/usr/bin/env bash
# bench/fsck.sh [N] [RUNS]: grok-fsck against the same git commands run bare
# and against the reference grokmirror 2.0.12, on ../shared/mkcorpus.sh DIR N
# (default 200); medians of RUNS interleaved rounds (default 3).
#   - `grok-fsck -f`: every repository checked (git fsck --no-progress
#     --no-dangling --no-reflogs each)
#   - `grok-fsck` with nothing due: the analysis pass alone, against the
#     reference
#   - `grok-fsck --repack-all-full` after one new commit per repository:
#     every repository repacked fully (repack, commit-graph, pack-refs,
#     prune), against the reference
# A quarter of the corpus are forks: a first reference run moves them into
# an objstore repository, so every measured run sees the same layout (the
# forks borrow from it and are checked with --connectivity-only; the bare
# loop does the same). grokmirror.do-not-objstore cannot be used to avoid
# that: the reference crashes on it (TypeError in fsck.py).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}; runs=${2:-3}
scripts/install-deps.sh >/dev/null
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
ours="$bin/grok-fsck"; ref="$PWD/.venv/bin/grok-fsck"
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-fsck}; mkdir -p "$work"
tree="$work/tree-$n"
# extra_repack_flags_full is spelled out for both tools: neither adds any
# flags without it (only grokmirror's example config sets these), and the
# benchmark measures full repacks as deployments configure them.
printf '[core]\ntoplevel = %s\nlog = %s/fsck.log\n[fsck]\nstatusfile = %s/status.js\nreport_mailhost = 127.0.0.1:1\nextra_repack_flags_full = --window=250 --depth=50\n' "$tree" "$work" "$work" > "$work/fsck.conf"
if [ ! -d "$tree/pub" ]; then
  bash ../shared/mkcorpus.sh "$tree" "$n" >/dev/null
  "$bin/grok-manifest" -m "$tree/manifest.js.gz" -t "$tree" -p
  "$ref" -c "$work/fsck.conf" >/dev/null 2>&1
fi
# Warm-up: the objstore repository's first full repack and the status file.
"$ours" -c "$work/fsck.conf" -f >/dev/null 2>&1
(cd "$tree" && find "$PWD/pub" "$PWD/objstore" -mindepth 1 -maxdepth 2 -name '*.git' | sort) > "$work/repos.txt"

row() { printf '%-52s %9.3fs %9.3fs %8.2fx\n' "$1" "${2% *}" "${3% *}" "$(python3 -c "print(${3% *}/${2% *})")"; }
printf '%-52s %10s %10s %9s\n' "case (median of $runs, $n repos)" ours other ratio

{ read -r a; read -r b; read -r c; } < <($measure "$runs" "" -- "$ours" -c "$work/fsck.conf" -f \
  -- bash -c "while read r; do c=; [ -s \$r/objects/info/alternates ] && c=--connectivity-only; git --git-dir=\$r fsck --no-progress --no-dangling --no-reflogs \$c; done < $work/repos.txt" \
  -- "$ref" -c "$work/fsck.conf" -f)
row "grok-fsck -f (vs the same git fsck runs, bare)" "$a" "$b"
row "grok-fsck -f (vs reference)" "$a" "$c"

# Every repository was just checked, so nothing is due: the run is the
# analysis pass alone (status, manifest, objstore scan, counts, decisions).
{ read -r a; read -r c; } < <($measure "$runs" "" -- "$ours" -c "$work/fsck.conf" -- "$ref" -c "$work/fsck.conf")
row "grok-fsck, nothing due (vs reference)" "$a" "$c"

commit="grep -v /objstore/ $work/repos.txt | while read r; do c=\$(git --git-dir=\$r commit-tree -p master -m bench\$RANDOM master^{tree}); git --git-dir=\$r update-ref refs/heads/master \$c; done"
{ read -r a; read -r c; } < <($measure "$runs" "$commit" -- "$ours" -c "$work/fsck.conf" --repack-all-full -- "$ref" -c "$work/fsck.conf" --repack-all-full)
row "grok-fsck --repack-all-full (vs reference)" "$a" "$c"
