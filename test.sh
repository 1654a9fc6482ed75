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

# The same search as Mentiora.Tests/Infrastructure/BrowserFixture.cs.
find_chromium() {
  if [ -n "${MENTIORA_CHROMIUM:-}" ]; then
    command -v "$MENTIORA_CHROMIUM" 2>/dev/null
    return
  fi
  if [ -x /usr/bin/chromium ]; then
    echo /usr/bin/chromium
    return
  fi
  command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null
}

have_fonts() { [ -n "$(find /usr/share/fonts /usr/local/share/fonts -type f \( -name '*.ttf' -o -name '*.otf' \) -print -quit 2>/dev/null)" ]; }

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

# The load-balanced fault tests start deploy/local-cluster.sh, which puts nginx in front of the silos.
find_nginx() { command -v nginx 2>/dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; }; }
if ! find_nginx >/dev/null; then
  if can_apt_install; then
    say "Installing nginx for the load-balanced cluster tests (apt-get install nginx)"
    # Debian's package would start a system nginx on port 80, which nobody asked for: while it
    # installs, policy-rc.d refuses every service start (unless the machine has a policy of its own).
    policy=/usr/sbin/policy-rc.d added="" status=0
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy"
      chmod 755 "$policy"
      added=yes
    fi
    apt_install nginx || status=$?
    [ -z "$added" ] || rm -f "$policy"
    [ "$status" = 0 ] || exit "$status"
  else
    echo "The load-balanced cluster tests need nginx." >&2
    echo "Install it (Debian/Ubuntu: sudo apt-get update && sudo apt-get install nginx; elsewhere your package manager's nginx)" >&2
    echo "so that 'nginx' is on PATH or /usr/sbin/nginx exists." >&2
    exit 1
  fi
fi

# The browser tests drive the system Chromium; Playwright's own browser download cannot be used.
if [ -n "${MENTIORA_CHROMIUM:-}" ] && ! find_chromium >/dev/null; then
  echo "MENTIORA_CHROMIUM is set to '$MENTIORA_CHROMIUM', which is not an executable Chromium." >&2
  exit 1
fi
if ! find_chromium >/dev/null; then
  if can_apt_install; then
    say "Installing Chromium for the browser tests (apt-get install chromium)"
    apt_install chromium
  else
    echo "The browser tests need Chromium." >&2
    echo "Install it (Debian/Ubuntu: sudo apt-get update && sudo apt-get install chromium), or set MENTIORA_CHROMIUM" >&2
    echo "to the path of a Chromium or Chrome executable." >&2
    exit 1
  fi
fi
# Without any font the screenshots show empty boxes instead of text.
if ! have_fonts && can_apt_install; then
  say "Installing fonts for the browser screenshots (apt-get install fonts-dejavu-core)"
  apt_install fonts-dejavu-core
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
