#!/usr/bin/env bash
# bench/suite.sh: the figures of the rest of the suite, in one run on this
# machine, each side by side with grokmirror 2.0.12's tool (or, for
# grok-pi-indexer, the bare public-inbox commands, the reference not being
# on PyPI): bench/suite-dumb-pull.sh (200 repositories with nothing new,
# target at least 3x faster), bench/suite-bundle.sh (200 unchanged
# repositories, target under 0.2 s with no git process),
# bench/pi-piper.sh and bench/pi-indexer.sh. Each writes its own
# RESULTS file; they are gathered into bench/RESULTS-suite.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
parts=(suite-dumb-pull suite-bundle pi-piper pi-indexer)
for part in "${parts[@]}"; do
    echo "== bench/$part.sh"
    "bench/$part.sh"
done
{
    echo "# bench/suite.sh, $(nproc) CPUs, $(date +%F): the four parts, run one after the other"
    for part in "${parts[@]}"; do echo; echo "## bench/$part.sh"; cat "bench/RESULTS-$part.txt"; done
} > bench/RESULTS-suite.txt
echo "== bench/RESULTS-suite.txt written"
