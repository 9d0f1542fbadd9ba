#!/usr/bin/env bash
# bench/startup.sh [RUNS]: what loading libcurl at startup costs each tool.
# libcurl is loaded by the first HTTP or SMTP transfer (CurlLibrary), not
# linked; LD_PRELOAD of it makes the same binary load it and its 28
# libraries at startup, as a linked libcurl did. Both ways, RUNS rounds each
# (default 30), interleaved: median wall time and peak RSS of `--version`
# for every tool, and of grok-manifest's post-receive hook run (-n, one
# repository of a 200-repository origin from ../shared/mkcorpus.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-30}
swift build -c release >/dev/null
bin="$(swift build -c release --show-bin-path)"
curl=$(ldconfig -p | awk '/libcurl\.so\.4 .*x86-64/ {print $NF; exit}')
work=${BENCH_DIR:-/tmp/grok-bench-startup}
corpus="$work/corpus"
if [ ! -d "$corpus/pub" ]; then mkdir -p "$work"; bash ../shared/mkcorpus.sh "$corpus" 200 >/dev/null; fi
"$bin/grok-manifest" -m "$work/manifest.js.gz" -t "$corpus" >/dev/null 2>&1
hook=(-m "$work/manifest.js.gz" -t "$corpus" -n "$corpus/pub/group1/repo1.git")

row() { # row LABEL TOOL ARGS...: lazy (as built) against preloaded
    local lazy preloaded
    { read -r lazy; read -r preloaded; } < <(python3 bench/measure.py "$runs" "" -- env "$bin/$2" "${@:3}" -- env LD_PRELOAD="$curl" "$bin/$2" "${@:3}")
    python3 -c "
lt, lr = map(float, '$lazy'.split()); pt, pr = map(float, '$preloaded'.split())
print(f'{\"$1\":<34} {lt*1000:8.1f} {pt*1000:8.1f} {pt/lt:6.2f}x {lr:7.1f} {pr:7.1f} {pr-lr:6.1f}')"
}
{
echo "# bench/startup.sh $runs, $(nproc) CPUs, $(date +%F); release build; libcurl: $curl"
echo "# median wall ms and peak RSS MiB: libcurl loaded on first use (as built) against preloaded at startup (as when linked)"
printf '%-34s %8s %8s %7s %7s %7s %6s\n' "command" "lazy" "linked" "ratio" "RSS" "RSS" "saved"
for tool in grok-manifest grok-pull grok-fsck grok-push grok-serve grok-dumb-pull grok-bundle grok-pi-piper grok-pi-indexer; do
    row "$tool --version" "$tool" --version
done
row "grok-manifest -n (hook, 200 repos)" grok-manifest "${hook[@]}"
} | tee bench/RESULTS-startup.txt
