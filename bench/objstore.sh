#!/usr/bin/env bash
# bench/objstore.sh [FORKS] [RUNS]: object storage, ours against the
# reference grokmirror 2.0.12, on an origin of one repository (300 commits,
# about 2 MiB packed) and FORKS full copies of it (default 50), each with
# three commits of its own.
#   - origin disk: the objects of every repository plus the objstore after
#     one `grok-fsck -f`, against one repository's packed objects (target
#     within 1.3x); the reference's grok-fsck on an identical copy alongside
#   - replica: a fresh mirror's initial grok-pull of the grouped origin
#     (site a local path, pull_threads=2): bytes upload-pack sent (shared
#     history once) and wall time, medians of RUNS interleaved rounds
#     (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
forks=${1:-50}; runs=${2:-3}
scripts/install-deps.sh >/dev/null
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
venv="$PWD/.venv/bin"
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-objstore}; rm -rf "$work"; mkdir -p "$work"
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@example.org GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@example.org

# One repository and FORKS copies of it, in two identical origin trees.
seed="$work/seed"; git init -q -b master "$seed"
for i in $(seq 1 300); do
  head -c 6144 /dev/urandom | base64 > "$seed/f$((i % 20)).txt"; git -C "$seed" add -A; git -C "$seed" commit -qm "base $i"
done
git clone -q --bare "$seed" "$work/one.git"; git --git-dir="$work/one.git" repack -adq
one=$(find "$work/one.git/objects" -type f -printf '%s\n' | awk '{s += $1} END {printf "%d", s / 1024}')
for tree in ours ref; do
  mkdir -p "$work/$tree/forks"; git clone -q --bare --no-local "$work/one.git" "$work/$tree/forks/base.git"
done
for i in $(seq 1 "$forks"); do
  f="$work/ours/forks/fork$i.git"; git clone -q --bare --no-local "$work/one.git" "$f"
  for j in 1 2 3; do
    c=$(git --git-dir="$f" commit-tree -p master -m "fork $i.$j" "$(printf '100644 blob %s\town.txt\n' "$(echo "fork $i $j" | git --git-dir="$f" hash-object -w --stdin)" | git --git-dir="$f" mktree)")
    git --git-dir="$f" update-ref refs/heads/master "$c"
  done
  cp -a "$f" "$work/ref/forks/"
done
for tree in ours ref; do
  printf '[core]\ntoplevel = %s\nlog = %s/%s-fsck.log\n[fsck]\nstatusfile = %s/%s-status.js\nreport_mailhost = 127.0.0.1:1\n' \
    "$work/$tree" "$work" "$tree" "$work" "$tree" > "$work/$tree-fsck.conf"
  "$bin/grok-manifest" -m "$work/$tree/manifest.js.gz" -t "$work/$tree" -p
done
# KiB of object data (file sizes under objects/), and KiB of blocks (du),
# which adds about 20 KiB of directories and small files per repository.
objects() { { find "$1"/forks/*.git/objects "$1"/objstore/*.git/objects -type f -printf '%s\n' 2>/dev/null || true; } | awk '{s += $1} END {printf "%d", s / 1024}'; }
blocks() { { du -sck "$1"/forks/*.git/objects "$1"/objstore/*.git/objects 2>/dev/null || true; } | tail -1 | cut -f1; }
before=$(objects "$work/ours")
t0=$(date +%s.%N); "$bin/grok-fsck" -c "$work/ours-fsck.conf" -f >/dev/null 2>&1; t1=$(date +%s.%N)
"$venv/grok-fsck" -c "$work/ref-fsck.conf" -f >/dev/null 2>&1; t2=$(date +%s.%N)
ours_disk=$(objects "$work/ours"); ref_disk=$(objects "$work/ref")
printf 'origin: %s forks + base, one repository %s KiB of objects packed, %s KiB before grok-fsck\n' "$forks" "$one" "$before"
printf '%-44s %10s %10s %12s %8s\n' "origin after grok-fsck -f" "data KiB" "x one" "blocks KiB" "time"
printf '%-44s %10s %9.2fx %12s %7.1fs\n' "ours" "$ours_disk" "$(python3 -c "print($ours_disk/$one)")" "$(blocks "$work/ours")" "$(python3 -c "print($t1-$t0)")"
printf '%-44s %10s %9.2fx %12s %7.1fs\n' "reference" "$ref_disk" "$(python3 -c "print($ref_disk/$one)")" "$(blocks "$work/ref")" "$(python3 -c "print($t2-$t1)")"
for tree in ours ref; do
  n=$(find "$work/$tree/objstore" -mindepth 1 -maxdepth 1 -name '*.git' | wc -l)
  printf '  %s: %s objstore repositories, %s of %s repositories borrowing\n' "$tree" "$n" \
    "$(grep -l objstore "$work/$tree"/forks/*.git/objects/info/alternates 2>/dev/null | wc -l)" "$((forks + 1))"
done

# Replica: the origin our grok-fsck grouped, with forkgroups in its manifest.
origin="$work/ours"
"$bin/grok-manifest" -m "$origin/manifest.js.gz" -t "$origin" -p
# Bytes upload-pack sends, counted by a shim in front of git's exec path
# (local-path fetches run git-upload-pack from there).
shim="$work/exec-path"; mkdir -p "$shim"
for f in "$(git --exec-path)"/*; do ln -s "$f" "$shim/"; done
rm "$shim/git-upload-pack"
printf '#!/bin/bash\n"%s/git-upload-pack" "$@" | { tee /dev/fd/3 | wc -c | sed "s|\\$| ${@: -1}|" >> "$BYTES_LOG"; } 3>&1\n' "$(git --exec-path)" > "$shim/git-upload-pack"
chmod +x "$shim/git-upload-pack"
for tool in ours ref; do
  printf '[core]\ntoplevel = %s/mirror-%s\nlog = %s/%s-pull.log\n[remote]\nsite = %s\nmanifest = file://%s/manifest.js.gz\n[pull]\npull_threads = 2\n' \
    "$work" "$tool" "$work" "$tool" "$origin" "$origin" > "$work/$tool-pull.conf"
done
{ read -r a; read -r b; } < <($measure "$runs" "rm -rf $work/mirror-ours $work/mirror-ref; mkdir -p $work/mirror-ours $work/mirror-ref" \
  -- env GIT_EXEC_PATH="$shim" BYTES_LOG=/dev/null "$bin/grok-pull" -c "$work/ours-pull.conf" \
  -- env GIT_EXEC_PATH="$shim" BYTES_LOG=/dev/null "$venv/grok-pull" -c "$work/ref-pull.conf")
# One more run of each on a fresh mirror, counting what crossed.
for tool in ours ref; do
  rm -rf "$work/mirror-$tool"; mkdir -p "$work/mirror-$tool"
  tool_bin="$bin/grok-pull"; [ "$tool" = ref ] && tool_bin="$venv/grok-pull"
  GIT_EXEC_PATH="$shim" BYTES_LOG="$work/$tool-bytes.log" "$tool_bin" -c "$work/$tool-pull.conf" >/dev/null 2>&1
done
# Only fetches from the origin count (the mirror's objstore fetches its
# siblings through upload-pack too, locally).
sent() { awk -v origin="$origin/" 'index($2, origin) == 1 {s += $1} END {printf "%d", s / 1024}' "$work/$1-bytes.log"; }
printf '%-44s %10s %10s %9s\n' "replica initial pull (median of $runs)" ours reference ratio
printf '%-44s %9.3fs %9.3fs %8.2fx\n' "wall time" "${a% *}" "${b% *}" "$(python3 -c "print(${b% *}/${a% *})")"
printf '%-44s %8s K %8s K %8.2fx\n' "upload-pack KiB sent (one repo: $one KiB)" "$(sent ours)" "$(sent ref)" "$(python3 -c "print($(sent ref)/max($(sent ours),1))")"
for tool in ours ref; do
  m="$work/mirror-$tool"
  printf '  %s mirror: %s objstore repositories, %s of %s repositories borrowing, %s KiB of objects\n' "$tool" \
    "$(find "$m/objstore" -mindepth 1 -maxdepth 1 -name '*.git' 2>/dev/null | wc -l)" \
    "$(grep -l objstore "$m"/forks/*.git/objects/info/alternates 2>/dev/null | wc -l)" "$((forks + 1))" "$(objects "$m")"
done
