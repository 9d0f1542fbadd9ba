#!/usr/bin/env bash
# The test command: installs dependencies and the reference, checks that
# Sources/GrokKit's folders depend on each other in one direction only, then
# runs every unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
python3 scripts/folder-deps.py >/dev/null
export GROK_REFERENCE_BIN="$PWD/.venv/bin"
swift test "$@"
