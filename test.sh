#!/usr/bin/env bash
# Runs every test of Mentiora. Installs what the tests need when it can (Debian or Ubuntu, as
# root); otherwise says exactly what to install. Extra arguments go to `dotnet test`
# (for example: ./test.sh --filter "FullyQualifiedName~Ingestion").
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\n==> %s\n' "$*"; }

can_apt_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then
    apt-get update -qq
    apt_updated=yes
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

have_postgres_server() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK 10 is needed to build and test Mentiora: https://dotnet.microsoft.com/download" >&2
  exit 1
fi

# The PostgreSQL tests start a throwaway server of their own, unless MENTIORA_TEST_POSTGRES
# names an existing one; either way they never skip.
if [ -z "${MENTIORA_TEST_POSTGRES:-}" ] && ! have_postgres_server; then
  if can_apt_install; then
    say "Installing the PostgreSQL server (apt-get install postgresql)"
    apt_install postgresql
  else
    echo "The PostgreSQL tests need the PostgreSQL server binaries (initdb, pg_ctl)." >&2
    echo "Install them (Debian/Ubuntu: sudo apt-get install postgresql), or set MENTIORA_TEST_POSTGRES" >&2
    echo "to a connection string of a server where the user may create databases." >&2
    exit 1
  fi
fi

say "Building"
dotnet build Mentiora.sln -c Release -nologo -clp:NoSummary -v quiet

say "Running the tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test Mentiora.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One plain summary line for whoever reads only the end of the log.
summary=$(grep -E '(Passed|Failed)!  - Failed:' "$log" | tail -n 1 || true)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$summary")
  echo "tests: $passed passed, $failed failed, $skipped skipped"
fi
exit "$status"
