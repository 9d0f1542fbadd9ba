#!/usr/bin/env bash
# The demo: builds the tools, generates an origin tree of N repositories
# (default 50) under ./demo/origin, and writes its manifest with grok-manifest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --no-reference
n=${1:-50}
swift build -c release --product grok-manifest
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
