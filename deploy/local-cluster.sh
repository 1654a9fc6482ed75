#!/usr/bin/env bash
# Starts the docker-compose.yml topology from local binaries (a throwaway PostgreSQL, N silos, nginx
# in front) through the harness, Mentiora.Harness, which does the work; `--help` says more.
#
#   deploy/local-cluster.sh start [--silos N] [--port P] [--dir D] [--build]
#   deploy/local-cluster.sh stop [--dir D]
#   deploy/local-cluster.sh status [--dir D]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if ! command -v dotnet >/dev/null 2>&1; then
  echo "local-cluster: the .NET SDK 10 is needed: https://dotnet.microsoft.com/download" >&2
  exit 1
fi
harness=$repo/Mentiora.Harness/bin/Release/net10.0/Mentiora.Harness.dll
# Built when missing or older than its sources; the harness itself builds the app it starts.
if [ ! -f "$harness" ] || [ -n "$(find "$repo/Mentiora.Harness" "$repo/deploy/nginx.conf.template" \
  \( -name bin -o -name obj \) -prune -o -type f -newer "$harness" -print -quit)" ]; then
  dotnet build "$repo/Mentiora.Harness/Mentiora.Harness.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
fi
exec dotnet "$harness" "$@"
