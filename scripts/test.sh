#!/usr/bin/env bash
# The test command: installs dependencies and the reference, checks that
# Sources/GrokKit's folders depend on each other in one direction only and
# that no function is longer than 60 lines, then
# runs every unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
python3 scripts/folder-deps.py >/dev/null
python3 scripts/function-lengths.py
export GROK_REFERENCE_BIN="$PWD/.venv/bin"
if [ $# -gt 0 ]; then exec swift test "$@"; fi
# The unit tests (GrokKit's and GrokServe's) run first and on their own: the integration tests block
# test threads on real processes for minutes, and the unit tests that time
# cancellations and timeouts must not wait for a thread meanwhile.
swift build --build-tests
swift test --skip-build --filter "GrokKitTests|GrokServeTests"
swift test --skip-build --filter IntegrationTests
