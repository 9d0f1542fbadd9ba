#!/usr/bin/env bash
# make-origin.sh DIR N: a demo origin tree of N bare repositories under
# DIR/pub/<project>/, each with a few commits, a branch and a tag; every
# fifth is a fork of the first (sharing its history), every seventh has a
# gitweb owner, and /pub/latest.git is a symlink to the first.
set -euo pipefail
dir=$1; n=$2
export GIT_AUTHOR_NAME=demo GIT_AUTHOR_EMAIL=demo@example.org GIT_COMMITTER_NAME=demo GIT_COMMITTER_EMAIL=demo@example.org
mkdir -p "$dir/pub"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
git init -q -b master "$work/seed"
for i in 1 2 3; do echo "seed $i" > "$work/seed/README"; git -C "$work/seed" add -A; git -C "$work/seed" commit -qm "seed $i"; done
for i in $(seq 1 "$n"); do
  repo="$dir/pub/project$((i % 8))/repo$i.git"
  mkdir -p "$(dirname "$repo")"
  if (( i % 5 == 0 )); then
    git clone -q --bare "$work/seed" "$repo"
  else
    git init -q --bare -b master "$repo"
    tree=$(printf 'repo %s\n' "$i" | git --git-dir="$repo" hash-object -w --stdin | xargs -I{} printf '100644 blob {}\tREADME\n' | git --git-dir="$repo" mktree)
    c=$(git --git-dir="$repo" commit-tree -m "repo $i" "$tree")
    git --git-dir="$repo" update-ref refs/heads/master "$c"
  fi
  git --git-dir="$repo" branch -q dev master
  git --git-dir="$repo" tag -a v1 -m "v1" master
  echo "Demo repository $i" > "$repo/description"
  if (( i % 7 == 0 )); then git --git-dir="$repo" config gitweb.owner "Maintainer $i"; fi
done
ln -sfn "project1/repo1.git" "$dir/pub/latest.git"
