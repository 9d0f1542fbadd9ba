#!/usr/bin/env bash
# scripts/screenshots.sh [OUTDIR] [N]: screenshots of grok-serve's pages, as
# a person sees them, taken with headless Chromium (Debian's `chromium`).
# A status store of N repositories (default 300: 1% broken, 2% failing with
# an error text holding a <script>, 3% behind, the rest ok; two push
# destinations each; an fsck statusfile) is made by bench/serve-store.py,
# grok-serve (debug build) serves it on a free port of 127.0.0.1, and
# OUTDIR (default /tmp/grok-screenshots) gets:
#   index.png     GET /                      the summary and the worst first
#   failing.png   GET /?state=failing        the filter
#   repository.png GET /status/<gitdir>      a failing repository and its history
#   page2.png     GET /?page=2               pagination
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-/tmp/grok-screenshots}; n=${2:-300}
command -v chromium >/dev/null || { echo "screenshots.sh: needs Debian's chromium (apt-get install chromium)" >&2; exit 2; }
swift build --product grok-serve >/dev/null
bin="$(swift build --show-bin-path)"
work=$(mktemp -d); trap 'kill "${pid:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/mirror" "$out"
port=$(python3 bench/serve-store.py "$work/mirror" "$n")
"$bin/grok-serve" -c "$work/serve.conf" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.05; done
shot() {
    timeout 60 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$work/profile" --window-size=1280,1000 \
        --screenshot="$out/$1" "http://127.0.0.1:$port$2" >/dev/null 2>&1
    echo "$out/$1  <- GET $2"
}
shot index.png /
shot failing.png "/?state=failing"
shot repository.png /status/pub/group000/project00001.git
shot page2.png "/?page=2"
