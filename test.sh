#!/usr/bin/env bash
# Runs every test of Mentiora. The harness installs what the tests need when it can (Debian or
# Ubuntu, as root: PostgreSQL, nginx, Chromium, a font); otherwise it says what to install.
# Extra arguments go to `dotnet test` (for example: ./test.sh --filter "FullyQualifiedName~Ingestion").
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK 10 is needed to build and test Mentiora: https://dotnet.microsoft.com/download" >&2
  exit 1
fi

printf '\n==> Building\n'
dotnet build Mentiora.sln -c Release -nologo -clp:NoSummary -v quiet

# The PostgreSQL tests use the server MENTIORA_TEST_POSTGRES names, else start their own.
needs=(nginx chromium fonts)
[ -n "${MENTIORA_TEST_POSTGRES:-}" ] || needs+=(postgres)
printf '\n==> Checking prerequisites: %s\n' "${needs[*]}"
dotnet Mentiora.Harness/bin/Release/net10.0/Mentiora.Harness.dll prerequisites --install "${needs[@]}"

printf '\n==> Running the tests\n'
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Mentiora.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain summary line for whoever reads only the end of the log.
if summary=$(grep -E '(Passed|Failed)!  - Failed:' "$log" | tail -n 1); then
  count() { sed -E "s/.*$1: *([0-9]+).*/\1/" <<<"$summary"; }
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
exit "$status"
