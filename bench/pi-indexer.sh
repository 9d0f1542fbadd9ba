#!/usr/bin/env bash
# bench/pi-indexer.sh [RUNS] [MESSAGES]: grok-pi-indexer's cost over the
# public-inbox tools it runs, measured on this machine in one run; prints
# the figures and writes them to bench/RESULTS-pi-indexer.txt. Medians of
# RUNS runs (default 5). The reference (grokmirror's development branch) is
# not on PyPI, so the comparison is with the bare public-inbox commands.
#   a. post_update_hook on a repository that is not a public-inbox epoch
#      (most of a mixed mirror's fetches): wall time (target < 20 ms) and
#      public-inbox processes started (target 0)
#   b. update of an indexed inbox with nothing new: `grok-pi-indexer update`
#      against `public-inbox-index --no-update-extindex` (target <= 1.1x)
#   c. init of a two-epoch inbox of MESSAGES (default 400) messages from
#      stdin: grok-pi-indexer init against `public-inbox-init -V2` +
#      `public-inbox-index` on a copy of the same epochs (target <= 1.1x)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}; messages=${2:-400}
scripts/install-deps.sh >/dev/null
swift build -c release --product grok-pi-indexer >/dev/null
bin="$(swift build -c release --show-bin-path)"
measure="python3 bench/measure.py"
work=${BENCH_DIR:-/tmp/grok-bench-pi-indexer}; rm -rf "$work"; mkdir -p "$work/home"
results=bench/RESULTS-pi-indexer.txt
export HOME="$work/home"

# The origin: one v2 inbox, half of the messages in epoch 0, half in epoch 1
# (public-inbox's writer with a one-byte epoch size for the first message of
# the second half, after packing epoch 0, whose packed size it measures).
export PI_CONFIG="$work/origin.config"
public-inbox-init -V2 -L full bench "$work/origin/lists/bench" http://origin.example/bench bench@example.com
add() { # add FIRST LAST ROTATE
  perl -e '
    use PublicInbox::Config; use PublicInbox::V2Writable; use PublicInbox::Eml;
    my ($first, $last, $rotate) = @ARGV;
    my $writer = PublicInbox::V2Writable->new(PublicInbox::Config->new->lookup_name("bench"));
    for my $n ($first..$last) {
      $writer->{rotate_bytes} = ($rotate && $n == $first) ? 1 : 1 << 30;
      $writer->add(PublicInbox::Eml->new("From: Bench <b\@example.net>\nTo: bench\@example.com\nSubject: message $n word$n\nMessage-ID: <$n\@example.net>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nbody of message $n\n")) or die "not added: $n\n";
    }
    $writer->done;' "$@"
}
add 1 $((messages / 2)) 0
git --git-dir="$work/origin/lists/bench/git/0.git" repack -adq
add $((messages / 2 + 1)) "$messages" 1
[ -d "$work/origin/lists/bench/git/1.git" ] || { echo "no second epoch" >&2; exit 1; }

mirror() { # mirror DIR: the epochs as grok-pull leaves them
  mkdir -p "$1/lists/bench/git" "$1/pub"
  for e in 0 1; do git clone -q --mirror "$work/origin/lists/bench/git/$e.git" "$1/lists/bench/git/$e.git"; done
  git init -q --bare "$1/pub/other.git"
}
mirror "$work/base"
median() { python3 -c 'import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }

# A PATH whose public-inbox tools count their starts into $work/starts.
mkdir -p "$work/count"
for tool in public-inbox-init public-inbox-index public-inbox-extindex; do
  printf '#!/bin/sh\necho %s >> %s/starts\nexec /usr/bin/%s "$@"\n' "$tool" "$work" "$tool" > "$work/count/$tool"
  chmod +x "$work/count/$tool"
done

{
echo "# bench/pi-indexer.sh $runs $messages, $(nproc) CPUs, $(date -u +%Y-%m-%d); $(dpkg-query -W -f='public-inbox ${Version}' public-inbox)"

# c. init from stdin, against the bare tools on a copy of the same epochs
reset="rm -rf $work/ours $work/bare $work/ours.config $work/bare.config && cp -a $work/base $work/ours && cp -a $work/base $work/bare"
cat > "$work/init-ours.sh" <<EOF
#!/bin/sh
printf '%s\n' $work/ours/lists/bench/git/0.git $work/ours/lists/bench/git/1.git $work/ours/pub/other.git \
  | exec $bin/grok-pi-indexer -c $work/ours.config -t $work/ours --no-fsync init --origin-hostname ''
EOF
cat > "$work/init-bare.sh" <<EOF
#!/bin/sh
export PI_CONFIG=$work/bare.config
public-inbox-init -V2 -L full -- bench $work/bare/lists/bench bench bench@localhost &&
exec public-inbox-index --no-update-extindex --no-fsync -- $work/bare/lists/bench
EOF
chmod +x "$work/init-ours.sh" "$work/init-bare.sh"
c=$($measure "$runs" "$reset" -- "$work/init-ours.sh" -- "$work/init-bare.sh")
eval "$reset" && "$work/init-ours.sh" 2>/dev/null  # the last round reset before the bare run
found=$(PI_CONFIG="$work/ours.config" perl -MPublicInbox::Config -e '
  my $ibx = PublicInbox::Config->new->lookup_name("bench"); print $ibx->isrch->mset("s:word'"$messages"'")->size')
[ "$found" = 1 ] || { echo "init did not index message $messages" >&2; exit 1; }

# b. update with nothing new (the inbox ours.config knows, indexed by c.)
b=$($measure "$runs" "" -- "$bin/grok-pi-indexer" -c "$work/ours.config" -t "$work/ours" --no-fsync update "$work/ours/lists/bench/git/1.git" \
  -- env PI_CONFIG="$work/ours.config" public-inbox-index --no-update-extindex --no-fsync "$work/ours/lists/bench")  # measure.py splits on --

# a. a repository that is not an inbox
a=$($measure "$runs" "" -- "$bin/grok-pi-indexer" -c "$work/ours.config" -t "$work/ours" update "$work/ours/pub/other.git")
rm -f "$work/starts"
PATH="$work/count:$PATH" "$bin/grok-pi-indexer" -c "$work/ours.config" -t "$work/ours" update "$work/ours/pub/other.git"
starts=$( [ -f "$work/starts" ] && wc -l < "$work/starts" || echo 0)

printf 'a. update, not an inbox: %.1f ms (target < 20 ms), public-inbox processes: %s (target 0)\n' \
  "$(python3 -c "print(${a% *} * 1000)")" "$starts"
ours=$(echo "$b" | sed -n '1s/ .*//p'); bare=$(echo "$b" | sed -n '2s/ .*//p')
printf 'b. update, nothing new: grok-pi-indexer %.3fs, public-inbox-index %.3fs: %.2fx (target <= 1.1x)\n' \
  "$ours" "$bare" "$(python3 -c "print($ours/$bare)")"
ours=$(echo "$c" | sed -n '1s/ .*//p'); bare=$(echo "$c" | sed -n '2s/ .*//p')
printf 'c. init of %s messages in 2 epochs: grok-pi-indexer %.3fs, public-inbox-init + -index %.3fs: %.2fx (target <= 1.1x); max RSS %s MiB\n' \
  "$messages" "$ours" "$bare" "$(python3 -c "print($ours/$bare)")" "$(echo "$c" | sed -n '1s/.* //p')"
} | tee "$results"
