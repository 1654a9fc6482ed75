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

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
run() {
  set +e
  dotnet test Mentiora.sln -c Release --no-build -nologo "$@" 2>&1 | tee -a "$log"
  local result=${PIPESTATUS[0]}
  set -e
  [ "$result" -eq 0 ] || status=$result
}

if [ $# -gt 0 ]; then
  printf '\n==> Running the tests\n'
  run "$@"
else
  # The fuzz tests measure the memory of their whole process, so they run alone; in a process of
  # their own they measure a small heap instead of everything the other tests left behind, which
  # makes each of their full collections seconds faster.
  fuzz='FullyQualifiedName~Mentiora.Tests.Web.IngestionFuzzTests'
  printf '\n==> Running the fuzz tests in a process of their own\n'
  run --filter "$fuzz"
  printf '\n==> Running the other tests\n'
  run --filter "${fuzz/\~/!~}"
fi

# One plain summary line for whoever reads only the end of the log.
if grep -qE '(Passed|Failed)!  - Failed:' "$log"; then
  count() { grep -E '(Passed|Failed)!  - Failed:' "$log" | sed -E "s/.*$1: *([0-9]+).*/\1/" | awk '{ sum += $1 } END { print sum + 0 }'; }
  echo "tests: $(count Passed) passed, $(count Failed) failed, $(count Skipped) skipped"
fi
exit "$status"
