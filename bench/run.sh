#!/usr/bin/env bash
# The ingestion benchmark, bench/Mentiora.Bench: builds it and hands every option over (see --help).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log=$(mktemp)
dotnet build bench/Mentiora.Bench -c Release -nologo -v quiet -clp:NoSummary >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; exit 1; }
rm -f "$log"
exec dotnet bench/Mentiora.Bench/bin/Release/net10.0/Mentiora.Bench.dll "$@"
