#!/usr/bin/env bash
# bench/pi-piper.sh [RUNS] [MESSAGES]: grok-pi-piper against grokmirror
# 2.0.12's, measured on this machine in one run; prints the figures and
# writes them to bench/RESULTS-pi-piper.txt. Medians of RUNS runs (default 5).
# One public-inbox epoch (plain git, one commit per ~2 KiB message in blob
# m) with MESSAGES (default 1000) new messages after the recorded commit,
# piped to /bin/cat; each tool has its own identical copy, and the tracking
# file is put back before every run, so both pipe the same messages.
# Also: a run with nothing new (the hook's common case).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}; count=${2:-1000}
swift build -c release --product grok-pi-piper >/dev/null
bin="$(swift build -c release --show-bin-path)"
reference=${GROK_REFERENCE_BIN:-$PWD/.venv/bin}/grok-pi-piper
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-pi-piper}; rm -rf "$work"; mkdir -p "$work"
results=bench/RESULTS-pi-piper.txt

epoch=$work/ours/lkml/git/0.git
git init -q --bare "$epoch"
body=$(head -c 1500 /dev/zero | tr '\0' 'x' | fold -w 72)
for i in $(seq 0 "$count"); do
  printf 'commit refs/heads/master\ncommitter B <b@example.org> %s +0000\ndata <<EOT\nmessage %s\nEOT\n' "$((1600000000 + i))" "$i"
  printf 'M 644 inline m\ndata <<EOT\nFrom: b@example.org\nSubject: message %s\nMessage-Id: <%s@example.org>\n\n%s\nEOT\n' "$i" "$i" "$body"
done | git --git-dir="$epoch" fast-import --quiet
mkdir -p "$work/theirs/lkml/git"
cp -a "$epoch" "$work/theirs/lkml/git/0.git"
base=$(git --git-dir="$epoch" rev-list --max-parents=0 refs/heads/master)
tip=$(git --git-dir="$epoch" rev-parse refs/heads/master)
printf '[DEFAULT]\npipe = /bin/cat\n' > "$work/pi-piper.conf"
reset="printf $base > $work/ours/lkml/git/0.git/pi-piper.latest; printf $base > $work/theirs/lkml/git/0.git/pi-piper.latest"
uptodate="printf $tip > $work/ours/lkml/git/0.git/pi-piper.latest; printf $tip > $work/theirs/lkml/git/0.git/pi-piper.latest"
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

{
echo "# bench/pi-piper.sh $runs $count, $(nproc) CPUs, $(date -u +%Y-%m-%d); pipe = /bin/cat, ~1.6 KiB messages"
read -r ours_s ours_rss theirs_s theirs_rss < <($measure "$runs" "$reset" \
  -- "$bin/grok-pi-piper" -c "$work/pi-piper.conf" "$work/ours/lkml/git/0.git" \
  -- "$reference" -c "$work/pi-piper.conf" "$work/theirs/lkml/git/0.git" | paste -sd ' ')
echo "a. $count new messages piped: ours ${ours_s}s (${ours_rss} MiB), grokmirror ${theirs_s}s (${theirs_rss} MiB), grokmirror/ours $(ratio "$theirs_s" "$ours_s")x"
[ "$(cat "$work/ours/lkml/git/0.git/pi-piper.latest")" = "$tip" ] && [ "$(cat "$work/theirs/lkml/git/0.git/pi-piper.latest")" = "$tip" ]
read -r ours_s ours_rss theirs_s theirs_rss < <($measure "$runs" "$uptodate" \
  -- "$bin/grok-pi-piper" -c "$work/pi-piper.conf" "$work/ours/lkml/git/0.git" \
  -- "$reference" -c "$work/pi-piper.conf" "$work/theirs/lkml/git/0.git" | paste -sd ' ')
echo "b. nothing new: ours ${ours_s}s, grokmirror ${theirs_s}s, grokmirror/ours $(ratio "$theirs_s" "$ours_s")x"
} | tee "$results"
