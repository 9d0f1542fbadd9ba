#!/usr/bin/env bash
# The test command: installs dependencies and the reference, then runs every
# unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
export GROK_REFERENCE_BIN="$PWD/.venv/bin"
swift test "$@"
