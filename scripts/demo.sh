#!/usr/bin/env bash
# The demo: builds the tools, generates an origin tree of N repositories
# (default 50) under ./demo/origin, writes its manifest with grok-manifest,
# mirrors the whole collection into ./demo/mirror with grok-pull, and checks
# the mirror with grok-fsck. grok-pull also pushes every repository on to
# ./demo/copy (a [push.copy] destination), and grok-push then finds nothing
# left to push. grok-dumb-pull updates a clone that has its own remote.
# grok-bundle writes clone.bundle files of the mirror into ./demo/bundles.
# grok-serve shows the mirror's status for a moment. Last, grok-pi-piper
# pipes the new messages of a small public-inbox epoch.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --no-reference
n=${1:-50}
# Every tool the demo runs is built here, so a machine that never built the
# project gets them all.
for tool in grok-manifest grok-pull grok-fsck grok-push grok-dumb-pull grok-bundle grok-serve grok-pi-piper; do swift build -c release --product "$tool"; done
bin=$(swift build -c release --show-bin-path)
rm -rf demo && mkdir -p demo/origin
scripts/make-origin.sh demo/origin "$n"
cat > demo/grokmirror.conf <<CONF
[core]
toplevel = $PWD/demo/origin
manifest = \${toplevel}/manifest.js.gz
log = $PWD/demo/manifest.log
[manifest]
pretty = no
CONF
echo "== grok-manifest --cfgfile demo/grokmirror.conf -v (full walk)"
time "$bin/grok-manifest" --cfgfile demo/grokmirror.conf -v 2>&1 | tail -3
echo "== hook mode after a push to one repo"
repo=demo/origin/pub/project1/repo1.git
git --git-dir="$repo" update-ref refs/heads/demo "$(git --git-dir="$repo" rev-parse master)"
"$bin/grok-manifest" --cfgfile demo/grokmirror.conf -v -n "$repo"
echo "== manifest: $(gzip -dc demo/origin/manifest.js.gz | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') repositories; one entry:"
gzip -dc demo/origin/manifest.js.gz | python3 -c 'import json,sys; m=json.load(sys.stdin); print(json.dumps({"/pub/project1/repo1.git": m["/pub/project1/repo1.git"]}, indent=2))'
echo "== log file demo/manifest.log (last lines)"
tail -3 demo/manifest.log

# grok-serve's port: GROK_DEMO_PORT, else one free now.
port=${GROK_DEMO_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
cat > demo/pull.conf <<CONF
[core]
toplevel = $PWD/demo/mirror
log = $PWD/demo/pull.log
[remote]
site = $PWD/demo/origin
manifest = file://$PWD/demo/origin/manifest.js.gz
[pull]
projectslist = \${core:toplevel}/projects.list
pull_threads = 2
[fsck]
statusfile = $PWD/demo/fsck.status.js
[serve]
listen = 127.0.0.1:$port
[push.copy]
url = file://$PWD/demo/copy/{gitdir}
CONF
mkdir -p demo/mirror
echo "== grok-pull -c demo/pull.conf (initial mirror)"
time "$bin/grok-pull" -c demo/pull.conf
echo "== grok-pull again: nothing changed"
"$bin/grok-pull" -c demo/pull.conf -v
same=0; total=0
for r in $(cd demo/origin && find pub -name '*.git' -type d); do
  total=$((total + 1))
  [ "$(git --git-dir=demo/origin/$r show-ref | sha1sum)" = "$(git --git-dir=demo/mirror/$r show-ref | sha1sum)" ] && same=$((same + 1))
done
echo "== demo/mirror: $same of $total repositories identical to the origin; projects.list has $(wc -l < demo/mirror/projects.list) lines"
[ "$same" = "$total" ]
pushed=0
for r in $(cd demo/origin && find pub -name '*.git' -type d); do
  [ "$(git --git-dir=demo/mirror/$r for-each-ref refs/heads refs/tags | sha1sum)" = "$(git --git-dir=demo/copy/$r for-each-ref | sha1sum)" ] && pushed=$((pushed + 1))
done
echo "== demo/copy: $pushed of $total repositories pushed on with their branches and tags"
[ "$pushed" = "$total" ]
echo "== grok-push -c demo/pull.conf -v (nothing left to push)"
"$bin/grok-push" -c demo/pull.conf -v
rm -f demo/fsck.status.js
echo "== grok-fsck -c demo/pull.conf -f (check every mirrored repository)"
"$bin/grok-fsck" -c demo/pull.conf -f
echo "== demo/fsck.status.js: $(grep -c '"lastcheck": "'"$(date +%F)"'"' demo/fsck.status.js) repositories checked today"
echo "== grok-dumb-pull -v -u /bin/echo demo/dumb (a clone with its own remote, after an origin commit)"
git clone -q --mirror "$repo" demo/dumb/repo1.git
git --git-dir="$repo" update-ref refs/heads/dumb "$(git --git-dir="$repo" commit-tree -p master -m dumb 'master^{tree}')"
"$bin/grok-dumb-pull" -v -u /bin/echo demo/dumb
[ "$(git --git-dir=demo/dumb/repo1.git rev-parse dumb)" = "$(git --git-dir="$repo" rev-parse dumb)" ]
echo "== grok-bundle -c demo/pull.conf -o demo/bundles (clone.bundle files for repo clients)"
"$bin/grok-bundle" -c demo/pull.conf -o demo/bundles
unchanged=$("$bin/grok-bundle" -c demo/pull.conf -o demo/bundles -v 2>&1 | grep -c '(unchanged)' || true)
echo "== demo/bundles: $(find demo/bundles -name clone.bundle | wc -l) bundles; a second run found $unchanged unchanged and rewrote none"
echo "== grok-serve -c demo/pull.conf (on 127.0.0.1:$port for a moment)"
"$bin/grok-serve" -c demo/pull.conf &
serve=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
echo "GET /healthz: $(curl -s -w ' (%{http_code})' "http://127.0.0.1:$port/healthz")"
echo "GET /status.json: $(curl -s "http://127.0.0.1:$port/status.json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["repos"]), "repositories,", d["counts"])')"
kill -TERM "$serve"
wait "$serve"

echo "== grok-pi-piper: new messages of a public-inbox epoch piped to a command"
epoch=$PWD/demo/lore/demo-list/git/0.git
git init -q --bare "$epoch"
# add_messages FROM TO: one commit per message, the message in the blob m.
add_messages() {
  for i in $(seq "$1" "$2"); do
    printf 'commit refs/heads/master\ncommitter Demo <demo@example.org> %s +0000\ndata <<EOT\nmessage %s\nEOT\n' "$((1700000000 + i))" "$i"
    if [ "$i" = "$1" ] && git --git-dir="$epoch" rev-parse -q --verify refs/heads/master >/dev/null; then echo 'from refs/heads/master^0'; fi
    printf 'M 644 inline m\ndata <<EOT\nFrom: demo@example.org\nSubject: message %s\n\nHello %s\nEOT\n' "$i" "$i"
  done | git --git-dir="$epoch" fast-import --quiet
}
printf '[DEFAULT]\npipe = /usr/bin/tee -a %s/demo/piped.mbox\n' "$PWD" > demo/pi-piper.conf
add_messages 1 3
"$bin/grok-pi-piper" -c demo/pi-piper.conf -v "$epoch"
add_messages 4 6
"$bin/grok-pi-piper" -c demo/pi-piper.conf -v "$epoch"
echo "== demo/piped.mbox: $(grep -c '^Subject:' demo/piped.mbox) messages piped (those after the first run)"
