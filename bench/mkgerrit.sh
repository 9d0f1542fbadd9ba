#!/usr/bin/env bash
# bench/mkgerrit.sh DIR N [REFS]: an origin of N bare repositories shaped like
# a Gerrit site or an Android mirror: each holds REFS (default 5000) packed
# refs refs/changes/NN/CHANGE/1, each on a commit of its own, plus master
# and a tag, all in one pack.
set -euo pipefail
dir=$1; n=$2; refs=${3:-5000}
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
mkdir -p "$dir/pub"
seed="$dir/seed.git"
rm -rf "$seed"; git init -q --bare "$seed"
python3 - "$refs" <<'PY' | git --git-dir="$seed" fast-import --quiet
import sys
refs = int(sys.argv[1])
out = sys.stdout
out.write("blob\nmark :1\ndata 5\nbase\n")
out.write("commit refs/heads/master\nmark :2\ncommitter t <t@example.org> 1600000000 +0000\ndata 5\nbase\n"
          "M 100644 :1 README\n")
for change in range(1, refs + 1):
    out.write(f"commit refs/changes/{change % 100:02d}/{change}/1\nmark :{change + 2}\n"
              f"committer t <t@example.org> {1600000000 + change} +0000\ndata 11\nchange {change:04d}\nfrom :2\n"
              f"M 100644 inline change\ndata {len(str(change))}\n{change}\n")
PY
git --git-dir="$seed" tag v1 master
git --git-dir="$seed" pack-refs --all --prune
git --git-dir="$seed" repack -adq
for i in $(seq 1 "$n"); do
  cp -a "$seed" "$dir/pub/project$i.git"
  echo "project $i" > "$dir/pub/project$i.git/description"
done
rm -rf "$seed"
