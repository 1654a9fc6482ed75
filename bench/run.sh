#!/usr/bin/env bash
# The ingestion benchmark: POST /api/v1/traces of Mentiora against a bare Kestrel app that answers
# the same request with 202 and does nothing else, on the same machine, in one run. Ratios
# (ingestion / bare) are the result; absolute numbers are context for this machine only.
#
#   bench/run.sh [--only LIST] [--duration 10s] [--runs 3] [--connections 32] [--threads 2]
#                [--batch-connections 8] [--rate-duration 5s] [--warmup 5s] [--results DIR]
#
# Scenarios (--only takes a comma-separated list; all by default):
#   auth      a body that passes authentication and fails validation (400): the auth path, no storage
#   postgres  one SDK event per request, PostgreSQL mode (durable: synchronous_commit and fsync on)
#   batch     100 and 1,000 events per request, PostgreSQL mode
#   sqlite    one SDK event per request, embedded SQLite mode
#   cluster   one SDK event per request to two silos behind nginx (deploy/local-cluster.sh)
# and, only when named, auth-breakdown: the auth scenario's body with no key, a malformed key, an
# unknown key and the real key, to see where the auth path's time goes.
#
# Each scenario alternates wrk runs, ingestion then bare (A B A B ...), --runs times each, and
# for single events then measures latency at a fixed rate of half the ingestion's median maximum
# with bench/LoadGen (open loop, latency from each request's due time). After every ingestion run
# the rows added to the `traces` table must match the 202 answers; a mismatch fails the run.
#
# Needs the .NET SDK 10, curl, wrk, the PostgreSQL server binaries and psql, sqlite3, and for
# the cluster nginx; as root on Debian or Ubuntu the missing ones are installed with apt-get.
# Results (summary.md, runs.tsv, logs) go to bench/results/<UTC time>/ unless --results is given.
# bench/pg-commit-cost.sh measures what one trace-writer commit costs PostgreSQL by itself.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
readonly BENCH="$REPO/bench"
readonly WEB_DIR="$REPO/Mentiora.Web"
readonly APP_DLL="$WEB_DIR/bin/Release/net10.0/Mentiora.Web.dll"
readonly BARE_DLL="$BENCH/BareKestrel/bin/Release/net10.0/BareKestrel.dll"
readonly LOADGEN_DLL="$BENCH/LoadGen/bin/Release/net10.0/LoadGen.dll"
readonly CLUSTER_SCRIPT="$REPO/deploy/local-cluster.sh"
readonly PAYLOAD="$BENCH/payload/sdk-event.json"
readonly ALL_SCENARIOS="auth,postgres,batch,sqlite,cluster"
# Run only when named: a diagnosis, not a comparison with targets.
readonly EXTRA_SCENARIOS="auth-breakdown"
# The first start creates the schema; later ones take seconds.
readonly READY_TIMEOUT=180
# Below Linux's ephemeral range, which outgoing connections (wrk's, the app's) use.
readonly PORT_MIN=20000 PORT_MAX=32000

# ---- output -------------------------------------------------------------------------------------

started_at=$SECONDS
say() { printf '[%3ds] %s\n' $((SECONDS - started_at)) "$*" >&2; }
die() {
  printf 'bench: %s\n' "$*" >&2
  exit 1
}

usage() { sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed -e '/^$/d' -e 's/^# \{0,1\}//'; }

# shellcheck source=SCRIPTDIR/../deploy/lib/host-tools.sh
source "$REPO/deploy/lib/host-tools.sh"

# ---- options ------------------------------------------------------------------------------------

only=$ALL_SCENARIOS
duration=10s
runs=3
connections=32
threads=2
batch_connections=8
rate_duration=5s
warmup=5s
results=""
while [ $# -gt 0 ]; do
  case $1 in
    --only | --duration | --runs | --connections | --threads | --batch-connections | --rate-duration | --warmup | --results)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in
        --only) only=$2 ;;
        --duration) duration=$2 ;;
        --runs) runs=$2 ;;
        --connections) connections=$2 ;;
        --threads) threads=$2 ;;
        --batch-connections) batch_connections=$2 ;;
        --rate-duration) rate_duration=$2 ;;
        --warmup) warmup=$2 ;;
        --results) results=$2 ;;
      esac
      shift 2
      ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

# Whole seconds of "10s", "2m" or "10", for wrk (which takes the same forms) and for sleeps.
seconds_of() {
  local value=$1
  case $value in
    *[0-9]s) value=${value%s} ;;
    *[0-9]m) value=$((${value%m} * 60)) ;;
  esac
  if ! [[ $value =~ ^[0-9]+$ ]] || [ "$value" -lt 1 ]; then die "'$1' is not a duration of whole seconds (e.g. 10s, 1m)"; fi
  echo "$value"
}
duration_s=$(seconds_of "$duration")
rate_duration_s=$(seconds_of "$rate_duration")
warmup_s=$(seconds_of "$warmup")
for pair in "runs:$runs" "connections:$connections" "threads:$threads" "batch-connections:$batch_connections"; do
  [[ ${pair#*:} =~ ^[1-9][0-9]*$ ]] || die "--${pair%%:*} must be a whole number of at least 1, not '${pair#*:}'"
done
if [ "$threads" -gt "$connections" ] || [ "$threads" -gt "$batch_connections" ]; then
  die "--threads must not exceed --connections or --batch-connections (wrk needs a connection per thread)"
fi
declare -A wanted=()
IFS=, read -ra requested <<<"$only"
for scenario in "${requested[@]}"; do
  [[ ,$ALL_SCENARIOS,$EXTRA_SCENARIOS, == *",$scenario,"* ]] || die "--only: unknown scenario '$scenario' (choose from $ALL_SCENARIOS,$EXTRA_SCENARIOS)"
  wanted[$scenario]=1
done
[ ${#wanted[@]} -gt 0 ] || die "--only names no scenario"
wants() { [ -n "${wanted[$1]:-}" ]; }

# ---- prerequisites ------------------------------------------------------------------------------

require() {
  local tool=$1 package=$2
  command -v "$tool" >/dev/null 2>&1 && return 0
  can_apt_install || die "$tool is needed; install it (Debian/Ubuntu: sudo apt-get install $package)"
  apt_install "$package"
  command -v "$tool" >/dev/null 2>&1 || die "$tool is still missing after apt-get install $package"
}

command -v dotnet >/dev/null 2>&1 || die "the .NET SDK 10 is needed: https://dotnet.microsoft.com/download"
require curl curl
require wrk wrk
require top procps
needs_postgres=""
if wants auth || wants auth-breakdown || wants postgres || wants batch; then needs_postgres=yes; fi
if [ -n "$needs_postgres" ] || wants cluster; then require psql postgresql-client; fi
PG_BIN=""
if [ -n "$needs_postgres" ]; then
  PG_BIN=$(find_postgres_bin || true)
  if [ -z "$PG_BIN" ]; then
    can_apt_install || die "the PostgreSQL server binaries (initdb, pg_ctl) are needed; install them (Debian/Ubuntu: sudo apt-get install postgresql)"
    apt_install postgresql
    PG_BIN=$(find_postgres_bin || true)
    [ -n "$PG_BIN" ] || die "initdb and pg_ctl are still missing after apt-get install postgresql"
  fi
fi
if wants sqlite; then require sqlite3 sqlite3; fi

# ---- bookkeeping and clean-up -------------------------------------------------------------------

WORK=$(mktemp -d /tmp/mentiora-bench.XXXXXX)
readonly WORK
# The postgres system user must reach the database folder inside it.
chmod 755 "$WORK"
if [ -z "$results" ]; then results="$BENCH/results/$(date -u +%Y%m%dT%H%M%SZ)"; fi
mkdir -p "$results/logs"
results=$(cd "$results" && pwd)
readonly RUNS_TSV="$results/runs.tsv"
readonly SUMMARY="$results/summary.md"
LOGS="$results/logs"
readonly LOGS

declare -a started_pids=()
pg_data=""
pg_user=""
cluster_dir=""
sampler_pid=""

# SIGTERM, then SIGKILL after the timeout: the app drains its trace queue on SIGTERM.
stop_pid() {
  local pid=$1 pattern=$2 timeout=${3:-30} deadline
  alive "$pid" "$pattern" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + timeout))
  while alive "$pid" "$pattern"; do
    if [ $SECONDS -ge $deadline ]; then
      say "PID $pid did not stop within ${timeout}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
}

pg() {
  local tool=$PG_BIN/$1
  shift
  if [ -n "$pg_user" ]; then
    (cd / && runuser -u "$pg_user" -- "$tool" "$@")
  else
    (cd / && "$tool" "$@")
  fi
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  set +e
  [ -z "$sampler_pid" ] || kill "$sampler_pid" 2>/dev/null
  local entry
  for entry in "${started_pids[@]}"; do stop_pid "${entry%%:*}" "${entry#*:}" 30; done
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    pg pg_ctl stop -D "$pg_data" -m fast -w -t 60 >/dev/null 2>&1
  fi
  if [ -n "$cluster_dir" ] && [ -f "$cluster_dir/cluster.env" ]; then
    "$CLUSTER_SCRIPT" stop --dir "$cluster_dir" >>"$LOGS/cluster.log" 2>&1
  fi
  rm -rf -- "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

http_status() { curl -s -o /dev/null -m 5 -w '%{http_code}' "$1" 2>/dev/null || true; }

# Our own child until it exits: its PID is not reused before bash reaps it, and until its
# subshell has exec'd the program its command line is still this script's, so no pattern here.
running() {
  local state
  # The state follows the command name, which may hold spaces but ends at the last ")".
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

wait_ready() {
  local url=$1 pid=$2 log=$3 deadline=$((SECONDS + READY_TIMEOUT)) code
  while :; do
    running "$pid" || { tail -n 30 "$log" >&2; die "the process behind $url (PID $pid) exited during start; log: $log"; }
    code=$(http_status "$url/readyz")
    [ "$code" = 200 ] && return 0
    [ $SECONDS -lt $deadline ] || { tail -n 30 "$log" >&2; die "$url did not answer /readyz with 200 within ${READY_TIMEOUT}s (last: $code)"; }
    sleep 0.5
  done
}

# ---- the machine --------------------------------------------------------------------------------

# CPU busy share of the whole machine over a second: the benchmark assumes nothing else runs.
machine_busy_percent() {
  local a b
  read -ra a < <(head -n 1 /proc/stat)
  sleep 1
  read -ra b < <(head -n 1 /proc/stat)
  local idle=$(((b[4] + b[5]) - (a[4] + a[5]))) total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  [ "$total" -gt 0 ] || { echo 0; return; }
  echo $(((100 * (total - idle)) / total))
}

describe_machine() {
  local cpu memory os
  cpu=$(grep -m 1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  memory=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  # shellcheck source=/dev/null
  os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-unknown}")
  echo "- CPU: $(nproc) cores, ${cpu:-unknown model}"
  echo "- memory: $memory"
  echo "- OS: $os, kernel $(uname -r)"
  echo "- .NET SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ { v = $2 } END { print v }')"
  local commit changed
  commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  changed=$(git -C "$REPO" status --porcelain -- Mentiora.Web Mentiora.Grains 2>/dev/null | wc -l)
  echo "- Mentiora: commit $commit$([ "$changed" = 0 ] || echo ", with $changed uncommitted change(s) in Mentiora.Web and Mentiora.Grains")"
  echo "- wrk: $(wrk -v 2>&1 | head -n 1 | awk '{ print $2 }'), $threads threads"
  if [ -n "$PG_BIN" ]; then echo "- PostgreSQL: $("$PG_BIN/postgres" --version | awk '{ print $3 }')"; fi
  if wants sqlite; then echo "- SQLite (CLI): $(sqlite3 --version | awk '{ print $1 }')"; fi
}

# ---- measurements -------------------------------------------------------------------------------

# top samples, one a second, while a run lasts; summarised per component afterwards.
start_sampler() {
  local file=$1 count=$2
  top -b -d 1 -n "$count" -w 512 >"$file" 2>/dev/null &
  sampler_pid=$!
}
stop_sampler() {
  [ -z "$sampler_pid" ] || kill "$sampler_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
}

# Average %CPU (100 = one core) per component over the samples after the first (which covers the
# time since top started, not the run). $2: "name=pid pid ..." groups; wrk, postgres and nginx
# are recognised by their command name. Prints "app=97 bare=0 wrk=61 postgres=20 other=8 idle=14",
# idle too in % of one core, so that the parts add up to 100 x the number of cores.
cpu_split() {
  local file=$1 groups=$2
  awk -v groups="$groups" -v cores="$(nproc)" '
    BEGIN {
      n = split(groups, list, " "); name = ""
      for (i = 1; i <= n; i++) {
        if (list[i] ~ /=/) { split(list[i], kv, "="); name = kv[1]; if (kv[2] != "") group[kv[2]] = name; order[++names] = name }
        else group[list[i]] = name
      }
      order[++names] = "wrk"; order[++names] = "postgres"; order[++names] = "nginx"; order[++names] = "other"
    }
    /^top -/ { samples++; next }
    samples < 2 { next }
    /^%Cpu/ {
      # "ni,100.0 id," when idle is 100: the number may be glued to the previous field.
      for (i = 1; i <= NF; i++) if ($i ~ /^id,?$/) { v = $(i - 1); sub(/.*,/, "", v); idle += v }
      next
    }
    $1 ~ /^[0-9]+$/ && NF >= 12 {
      cpu = $9; cmd = $12
      if ($1 in group) g = group[$1]
      else if (cmd ~ /^wrk/) g = "wrk"
      else if (cmd ~ /^postgres/) g = "postgres"
      else if (cmd ~ /^nginx/) g = "nginx"
      else g = "other"
      sum[g] += cpu
    }
    END {
      s = samples - 1; if (s < 1) s = 1
      out = ""
      for (i = 1; i <= names; i++) { g = order[i]; if (seen[g]++) continue; out = out sprintf("%s=%.0f ", g, sum[g] / s) }
      # top gives idle as a share of the whole machine; here it is in cores, like the rest.
      printf "%sidle=%.0f\n", out, cores * idle / s
    }' "$file"
}

# The value of key=value in a result line.
field() { grep -o "\b$1=[^ ]*" <<<"$2" | head -n 1 | cut -d= -f2; }

# The trace writer's numbers, summed over the app's /metrics pages (one per silo in the cluster),
# from one scrape each: "accepted batches traces commit-seconds queue-depth now".
writer_metrics() {
  local url
  for url in "$@"; do curl -s -m 10 "$url/metrics"; done | awk -v now="$(date +%s.%N)" '
    function add(i) { v[i] += $NF }
    $1 ~ /^mentiora_traces_accepted_total($|\{)/ { add(1) }
    $1 ~ /^mentiora_trace_writer_batch_size_count($|\{)/ { add(2) }
    $1 ~ /^mentiora_trace_writer_batch_size_sum($|\{)/ { add(3) }
    $1 ~ /^mentiora_trace_writer_batch_duration_seconds_sum($|\{)/ { add(4) }
    $1 ~ /^mentiora_trace_writer_queue_depth($|\{)/ { add(5) }
    END { printf "%.0f %.0f %.0f %.6f %.0f %s\n", v[1], v[2], v[3], v[4], v[5], now }'
}

# The row count of `traces`, by the current target's way of counting.
count_rows() {
  case $db_kind in
    postgres) psql -h 127.0.0.1 -p "$db_port" -U "$db_user" -d "$db_name" -Atqc 'SELECT count(*) FROM traces' ;;
    sqlite) sqlite3 -cmd '.timeout 10000' "$db_file" 'SELECT count(*) FROM traces' ;;
  esac
}

# After wrk stops, requests it abandoned may still be queued in the app: wait until the writer's
# queue is empty and the count stops moving.
settled_rows() {
  local previous="" current deadline=$((SECONDS + 30))
  while :; do
    current=$(count_rows)
    if [ "$current" = "$previous" ] && [ "$(writer_metrics "${app_urls[@]}" | cut -d' ' -f5)" = 0 ]; then break; fi
    [ $SECONDS -lt $deadline ] || break
    previous=$current
    sleep 0.2
  done
  echo "$current"
}

printf 'scenario\tside\trun\tkind\tthroughput\tunit\tp50_us\tp99_us\tanswers\tcheck\tcpu\n' >"$RUNS_TSV"
failures=()

record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RUNS_TSV"; }

# One wrk run. Sets `result` to the script's BENCH line and `cpu` to the CPU split. $6, if given,
# replaces the bearer key ("" sends no Authorization header).
run_wrk() {
  local label=$1 url=$2 script=$3 conns=$4 seconds=$5 log="$LOGS/$1.wrk.log" auth=()
  if [ $# -lt 6 ]; then
    auth=(-H "Authorization: Bearer $api_key")
  elif [ -n "$6" ]; then
    auth=(-H "Authorization: Bearer $6")
  fi
  start_sampler "$LOGS/$label.top" $((seconds + 2))
  wrk -t "$threads" -c "$conns" -d "${seconds}s" --timeout 10s --latency -s "$BENCH/lua/$script" \
    "${auth[@]}" "$url/api/v1/traces" -- "$PAYLOAD" >"$log" 2>&1 || {
    stop_sampler
    cat "$log" >&2
    die "wrk failed against $url (log: $log)"
  }
  stop_sampler
  result=$(grep '^BENCH ' "$log" | tail -n 1) || true
  [ -n "$result" ] || die "wrk printed no result line (log: $log)"
  cpu=$(cpu_split "$LOGS/$label.top" "app=${app_pids[*]} bare=$bare_pid")
}

# One fixed-rate run of bench/LoadGen. Sets `result` and `cpu` like run_wrk.
run_loadgen() {
  local label=$1 url=$2 rate=$3 log="$LOGS/$1.loadgen.log" pid
  start_sampler "$LOGS/$label.top" $((rate_duration_s + 4))
  dotnet "$LOADGEN_DLL" --url "$url" --rate "$rate" --duration "${rate_duration_s}s" --warmup 2s \
    --key "$api_key" --payload "$PAYLOAD" >"$log" 2>&1 &
  pid=$!
  local status=0
  wait "$pid" || status=$?
  stop_sampler
  [ $status = 0 ] || { cat "$log" >&2; die "LoadGen failed against $url (log: $log)"; }
  result=$(grep '^LOADGEN ' "$log" | tail -n 1) || true
  [ -n "$result" ] || die "LoadGen printed no result line (log: $log)"
  cpu=$(cpu_split "$LOGS/$label.top" "app=${app_pids[*]} bare=$bare_pid loadgen=$pid")
}

# Compares the rows the run added with the 202 answers; records and reports a mismatch.
# $1 label, $2 expected rows (the client's count of acknowledged events), $3 events the client
# sent but never got an answer to (wrk abandons requests in flight when its time is up: the app
# may have stored them), $4 rows before, $5 app metrics before.
check_rows() {
  local label=$1 acknowledged=$2 unanswered=$3 rows_before=$4 metrics_before=$5 rows_after metrics_after stored app_accepted
  rows_after=$(settled_rows)
  metrics_after=$(writer_metrics "${app_urls[@]}")
  stored=$((rows_after - rows_before))
  app_accepted=$(awk -v a="${metrics_before%% *}" -v b="${metrics_after%% *}" 'BEGIN { printf "%d", b - a + 0.5 }')
  writer_before="$metrics_before" writer_after="$metrics_after"
  if [ "$stored" -eq "$app_accepted" ] && [ "$stored" -ge "$acknowledged" ] && [ "$stored" -le $((acknowledged + unanswered)) ]; then
    check="ok rows=$stored app_202=$app_accepted client_202=$acknowledged unanswered=$unanswered"
  else
    check="FAIL rows=$stored app_202=$app_accepted client_202=$acknowledged unanswered=$unanswered"
    failures+=("$label: $check")
    say "ROW COUNT CHECK FAILED for $label: $stored rows added, the app answered 202 for $app_accepted traces, the client saw $acknowledged acknowledged and $unanswered unanswered"
  fi
}

# Batch sizes and commit times of the trace writer between two writer_metrics snapshots, from its
# /metrics histograms. The writer commits one batch at a time, so "busy" near 100% (per silo)
# means the commits, not the requests, set the pace.
writer_delta() {
  awk -v b="$1" -v a="$2" -v silos="${#app_urls[@]}" 'BEGIN {
    split(b, x, " "); split(a, y, " ")
    batches = y[2] - x[2]; traces = y[3] - x[3]; seconds = y[4] - x[4]; elapsed = y[6] - x[6]
    if (batches > 0) printf "commits=%d mean_batch=%.1f mean_commit_ms=%.2f writer_busy=%.0f%%", batches, traces / batches, 1000 * seconds / batches, 100 * seconds / elapsed / silos
    else printf "commits=0"
  }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) { print "" } else if (NR % 2) { print v[(NR + 1) / 2] } else { print (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'; }
# The median of one column of runs.tsv for a scenario, side and kind.
median_of() {
  awk -F'\t' -v s="$1" -v side="$2" -v k="$3" -v c="$4" '$1 == s && $2 == side && $4 == k { print $c }' "$RUNS_TSV" | median
}

# Alternating wrk runs of one scenario. $1 scenario, $2 lua script, $3 connections, $4 events per
# request, $5 status the ingestion side must answer (202, or 400 for the auth path).
compare_wrk() {
  local scenario=$1 script=$2 conns=$3 events=$4 expected=$5 run side url label rows_before metrics_before
  local seconds answers throughput unit p50 p99 accepted unanswered unexpected
  say "$scenario: warming up both sides (${warmup_s}s each)"
  run_wrk "$scenario.warmup.ingestion" "$app_url" "$script" "$conns" "$warmup_s"
  run_wrk "$scenario.warmup.bare" "$bare_url" "$script" "$conns" "$warmup_s"
  for run in $(seq 1 "$runs"); do
    for side in ingestion bare; do
      label="$scenario.$run.$side"
      if [ $side = ingestion ]; then url=$app_url; else url=$bare_url; fi
      if [ $side = ingestion ]; then
        rows_before=$(settled_rows)
        metrics_before=$(writer_metrics "${app_urls[@]}")
      fi
      run_wrk "$label" "$url" "$script" "$conns" "$duration_s"
      seconds=$(awk -v us="$(field duration_us "$result")" 'BEGIN { printf "%.6f", us / 1e6 }')
      answers="202:$(field s202 "$result") 400:$(field s400 "$result") 401:$(field s401 "$result") 503:$(field s503 "$result") other:$(field sother "$result")"
      # The side's own success: 202 for bare always; for the ingestion the expected status.
      local want=202
      [ $side = bare ] || want=$expected
      accepted=$(field "s$want" "$result")
      unexpected=$(($(field completed "$result") - accepted))
      if [ "$unexpected" -gt 0 ]; then
        say "$label: $unexpected answers other than $want ($answers)"
        [ "$(field s401 "$result")" = 0 ] || die "$label: the API key was refused (401); the results would mean nothing"
      fi
      if [ "$events" -gt 1 ]; then unit="events/s"; else unit="req/s"; fi
      throughput=$(awk -v n="$accepted" -v e="$events" -v s="$seconds" 'BEGIN { printf "%.0f", n * e / s }')
      p50=$(field p50_us "$result")
      p99=$(field p99_us "$result")
      check="-"
      if [ $side = ingestion ]; then
        unanswered=$((($(field sent "$result") - $(field completed "$result")) * events))
        if [ "$expected" = 202 ]; then
          check_rows "$label" $((accepted * events)) "$unanswered" "$rows_before" "$metrics_before"
        else
          # The auth path must store nothing at all.
          check_rows "$label" 0 0 "$rows_before" "$metrics_before"
        fi
        check="$check $(writer_delta "$writer_before" "$writer_after")"
      fi
      record "$scenario" "$side" "$run" wrk "$throughput" "$unit" "$p50" "$p99" "$answers" "$check" "$cpu"
      say "$label: $throughput $unit, p50 $(awk -v u="$p50" 'BEGIN { printf "%.2f", u / 1000 }') ms, p99 $(awk -v u="$p99" 'BEGIN { printf "%.2f", u / 1000 }') ms; cpu $cpu${check:+; $check}"
    done
  done
}

# Fixed-rate latency of one scenario at half the ingestion's median maximum, both sides at that rate.
compare_rate() {
  local scenario=$1 max rate run side url label rows_before metrics_before p50 p99 lag accepted
  max=$(median_of "$scenario" ingestion wrk 5)
  rate=$(awk -v m="$max" 'BEGIN { printf "%d", m / 2 }')
  [ "$rate" -ge 1 ] || { say "$scenario: no throughput measured; skipping the fixed-rate runs"; return; }
  say "$scenario: fixed rate $rate req/s (half of the median maximum $max), ${rate_duration_s}s + 2s warm-up per run"
  for run in $(seq 1 "$runs"); do
    for side in ingestion bare; do
      label="$scenario.rate.$run.$side"
      if [ $side = ingestion ]; then url=$app_url; else url=$bare_url; fi
      if [ $side = ingestion ]; then
        rows_before=$(settled_rows)
        metrics_before=$(writer_metrics "${app_urls[@]}")
      fi
      run_loadgen "$label" "$url" "$rate"
      p50=$(field p50_us "$result")
      p99=$(field p99_us "$result")
      lag=$(field lag_p99_us "$result")
      accepted=$(field s202 "$result")
      check="-"
      if [ $side = ingestion ]; then
        # LoadGen waits for every answer, so here the rows must equal its 202s exactly (failed requests aside).
        check_rows "$label" "$accepted" "$(field failed "$result")" "$rows_before" "$metrics_before"
        check="$check $(writer_delta "$writer_before" "$writer_after")"
      fi
      record "$scenario" "$side" "$run" "rate" "$rate" "req/s" "$p50" "$p99" \
        "202:$accepted 503:$(field s503 "$result") other:$(field sother "$result") failed:$(field failed "$result") send_lag_p99_us:$lag" "$check" "$cpu"
      say "$label: at $rate req/s p50 $(awk -v u="$p50" 'BEGIN { printf "%.2f", u / 1000 }') ms, p99 $(awk -v u="$p99" 'BEGIN { printf "%.2f", u / 1000 }') ms (generator send lag p99 $(awk -v u="$lag" 'BEGIN { printf "%.2f", u / 1000 }') ms); cpu $cpu${check:+; $check}"
    done
  done
}

# Where the auth path's time goes: the invalid body of the auth scenario sent with no key (401
# from the handler, no grain call), a malformed key (401, no grain call), a well-formed unknown
# key (401 after one grain call, the prefix directory) and the real key (400 after both grain
# calls, JSON parsing and validation), against bare Kestrel with the same bytes.
auth_breakdown() {
  local run variant url key label answers
  local unknown_key="benchUnknownKey0000000000000000000000000000"
  say "auth-breakdown: warming up (${warmup_s}s)"
  run_wrk auth-breakdown.warmup "$app_url" invalid.lua "$connections" "$warmup_s"
  for run in $(seq 1 "$runs"); do
    for variant in bare no-key malformed-key unknown-key valid-key; do
      url=$app_url
      case $variant in
        bare) url=$bare_url key=$api_key ;;
        no-key) key="" ;;
        malformed-key) key="not-a-key" ;;
        unknown-key) key=$unknown_key ;;
        valid-key) key=$api_key ;;
      esac
      label="auth-breakdown.$run.$variant"
      run_wrk "$label" "$url" invalid.lua "$connections" "$duration_s" "$key"
      answers="202:$(field s202 "$result") 400:$(field s400 "$result") 401:$(field s401 "$result") other:$(field sother "$result")"
      local rate
      rate=$(awk -v n="$(field completed "$result")" -v us="$(field duration_us "$result")" 'BEGIN { printf "%.0f", n / (us / 1e6) }')
      record auth-breakdown "$variant" "$run" wrk "$rate" "req/s" "$(field p50_us "$result")" "$(field p99_us "$result")" "$answers" "-" "$cpu"
      say "$label: $rate req/s ($answers); cpu $cpu"
    done
  done
}

# ---- targets ------------------------------------------------------------------------------------

bare_url=""
bare_pid=""
start_bare() {
  local port log="$LOGS/bare.log"
  free_port port
  bare_url="http://127.0.0.1:$port"
  (
    cd "$BENCH/BareKestrel"
    exec env ASPNETCORE_URLS="$bare_url" Logging__LogLevel__Default=Warning setsid dotnet "$BARE_DLL"
  ) </dev/null >"$log" 2>&1 &
  bare_pid=$!
  started_pids+=("$bare_pid:$BARE_DLL")
  wait_ready "$bare_url" "$bare_pid" "$log"
  say "Bare Kestrel ready at $bare_url (PID $bare_pid)"
}

# The target of the current scenario: where to send, which processes are the app, where rows are counted.
app_url=""
app_pid=""
app_urls=()
app_pids=()
api_key=""
db_kind="" db_port="" db_user="" db_name="" db_file=""

start_postgres() {
  local root="$WORK/postgres" port attempt
  pg_data="$root/data"
  mkdir -p "$root"
  if is_root; then
    id -u postgres >/dev/null 2>&1 || die "as root, PostgreSQL must run as the 'postgres' system user, which does not exist"
    pg_user=postgres
    chown postgres: "$root"
  fi
  say "Creating a throwaway PostgreSQL in $pg_data ($PG_BIN)"
  pg initdb -D "$pg_data" --auth=trust --username=postgres --encoding=UTF8 --locale=C --no-sync >"$LOGS/initdb.log" 2>&1 ||
    { tail -n 20 "$LOGS/initdb.log" >&2; die "initdb failed"; }
  # Durability as a real server's: a 202 must mean the trace survives a crash, so the benchmark
  # pays for the WAL flush of every commit. Explicit, in case a default ever changes.
  for attempt in 1 2 3; do
    free_port port
    if pg pg_ctl start -D "$pg_data" -l "$root/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200 -c fsync=on -c synchronous_commit=on" >/dev/null 2>&1; then
      break
    fi
    if [ $attempt -lt 3 ] && grep -q 'could not bind' "$root/server.log" 2>/dev/null; then continue; fi
    tail -n 20 "$root/server.log" >&2
    die "PostgreSQL did not start"
  done
  pg createdb -h 127.0.0.1 -p "$port" -U postgres mentiora || die "could not create the database"
  db_kind=postgres db_port=$port db_user=postgres db_name=mentiora
  say "PostgreSQL ready on 127.0.0.1:$port: $(psql -h 127.0.0.1 -p "$port" -U postgres -d mentiora -Atqc "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', wal_sync_method=' || current_setting('wal_sync_method')")"
}

# $1 name, then the storage settings as NAME=value.
start_app() {
  local name=$1 port silo_port gateway_port log="$LOGS/$1.app.log"
  shift
  free_port port
  free_port silo_port
  free_port gateway_port
  app_url="http://127.0.0.1:$port"
  # From the project folder, the content root, as `dotnet run` and deploy/local-cluster.sh do.
  (
    cd "$WEB_DIR"
    exec env -u ConnectionStrings__Postgres \
      ASPNETCORE_URLS="$app_url" \
      Orleans__SiloPort="$silo_port" \
      Orleans__GatewayPort="$gateway_port" \
      Orleans__ClusterId="bench-$name" \
      Orleans__ServiceId="bench-$name" \
      Logging__LogLevel__Default=Warning \
      "$@" \
      setsid dotnet "$APP_DLL"
  ) </dev/null >"$log" 2>&1 &
  app_pid=$!
  started_pids+=("$app_pid:$APP_DLL")
  say "Starting Mentiora ($name) at $app_url, log $log"
  wait_ready "$app_url" "$app_pid" "$log"
  app_urls=("$app_url")
  app_pids=("$app_pid")
}

stop_app() {
  say "Stopping Mentiora (PID ${app_pids[*]})"
  local pid
  for pid in "${app_pids[@]}"; do stop_pid "$pid" "$APP_DLL" 30; done
}

# A key made the way a person makes one: sign up, open Settings, create a key, read it from the dialog.
create_key() {
  local base=$1 jar="$WORK/cookies.$RANDOM" page response project token key
  token_of() { grep -o '<input[^>]*name="__RequestVerificationToken"[^>]*>' | head -n 1 | sed -n 's/.*value="\([^"]*\)".*/\1/p' | sed -e 's/&#x2B;/+/g' -e 's/&#x2F;/\//g' -e 's/&#x3D;/=/g' -e 's/&amp;/\&/g'; }
  page=$(curl -sS -m 30 -c "$jar" -b "$jar" "$base/signup") || die "GET $base/signup failed"
  token=$(token_of <<<"$page")
  [ -n "$token" ] || die "the sign-up page has no antiforgery token"
  response=$(curl -sS -m 30 -c "$jar" -b "$jar" -o "$WORK/signup.html" -w '%{http_code} %{redirect_url}' \
    --data-urlencode "Email=bench-$(date +%s)-$RANDOM@example.com" --data-urlencode "Password=benchmark-password-$RANDOM" \
    --data-urlencode "__RequestVerificationToken=$token" "$base/signup")
  project=$(grep -o '/projects/[0-9a-f-]\{36\}/' <<<"$response" | cut -d/ -f3 || true)
  if [ "${response%% *}" != 302 ] || [ -z "$project" ]; then die "sign-up did not lead to a project (answer: $response)"; fi
  page=$(curl -sS -m 30 -c "$jar" -b "$jar" "$base/projects/$project/settings") || die "GET the settings page failed"
  token=$(token_of <<<"$page")
  page=$(curl -sS -m 30 -c "$jar" -b "$jar" --data-urlencode "name=Benchmark" --data-urlencode "__RequestVerificationToken=$token" \
    "$base/projects/$project/settings?handler=Create") || die "creating the key failed"
  key=$(grep -o 'id="created-api-key"[^>]*' <<<"$page" | sed -n 's/.*value="\([^"]*\)".*/\1/p' | head -n 1)
  [[ $key =~ ^[A-Za-z0-9_-]{43}$ ]] || die "the created-key dialog showed no 43-character key"
  api_key=$key
  say "Signed up (project $project) and created a key (prefix ${key:0:8}) through the dashboard"
}

# ---- the run ------------------------------------------------------------------------------------

say "Results go to $results"
busy=$(machine_busy_percent)
if [ "$busy" -gt 15 ]; then
  say "WARNING: the machine is already ${busy}% busy before the benchmark starts; other processes will distort the numbers:"
  ps -eo pcpu,pid,comm --sort=-pcpu | head -n 6 | sed 's/^/    /' >&2
fi

say "Building Mentiora.Web, bench/BareKestrel and bench/LoadGen (Release)"
for project in "$WEB_DIR/Mentiora.Web.csproj" "$BENCH/BareKestrel/BareKestrel.csproj" "$BENCH/LoadGen/LoadGen.csproj"; do
  dotnet build "$project" -c Release -nologo -v quiet -clp:NoSummary >"$LOGS/build.log" 2>&1 ||
    { tail -n 30 "$LOGS/build.log" >&2; die "building $project failed"; }
done

start_bare

declare -A notes=()

if [ -n "$needs_postgres" ]; then
  start_postgres
  postgres_settings=(ConnectionStrings__Postgres="Host=127.0.0.1;Port=$db_port;Username=postgres;Database=mentiora")
  # The breakdown sends thousands of bad keys a second from one address, which the app would soon
  # answer with 429 for every request, good keys included; lift that limit to measure the paths.
  if wants auth-breakdown; then postgres_settings+=(Limits__FailedAuthenticationsPerIpPerMinute=1000000000); fi
  start_app postgres "${postgres_settings[@]}"
  create_key "$app_url"
  if wants auth; then compare_wrk auth invalid.lua "$connections" 1 400; fi
  if wants auth-breakdown; then auth_breakdown; fi
  if wants postgres; then
    compare_wrk postgres single.lua "$connections" 1 202
    compare_rate postgres
  fi
  if wants batch; then
    compare_wrk batch100 batch100.lua "$batch_connections" 100 202
    compare_wrk batch1000 batch1000.lua "$batch_connections" 1000 202
  fi
  stop_app
  pg pg_ctl stop -D "$pg_data" -m fast -w -t 60 >/dev/null 2>&1 || true
fi

if wants sqlite; then
  mkdir -p "$WORK/sqlite"
  db_kind=sqlite db_file="$WORK/sqlite/mentiora.db"
  start_app sqlite Storage__SqlitePath="$db_file"
  create_key "$app_url"
  compare_wrk sqlite single.lua "$connections" 1 202
  compare_rate sqlite
  stop_app
fi

if wants cluster; then
  if [ ! -x "$CLUSTER_SCRIPT" ]; then
    notes[cluster]="not run: $CLUSTER_SCRIPT is not there (or not executable)"
    say "cluster: ${notes[cluster]}"
  else
    cluster_dir="$WORK/cluster"
    say "Starting a two-silo cluster with deploy/local-cluster.sh (log $LOGS/cluster.log)"
    # The silos inherit the environment: the same log level as the single app.
    if Logging__LogLevel__Default=Warning "$CLUSTER_SCRIPT" start --silos 2 --port 0 --dir "$cluster_dir" >>"$LOGS/cluster.log" 2>&1; then
      # shellcheck source=/dev/null
      . "$cluster_dir/cluster.env"
      app_url=$MENTIORA_URL
      read -ra app_urls <<<"$MENTIORA_SILO_URLS"
      read -ra app_pids <<<"$MENTIORA_SILO_PIDS"
      db_kind=postgres
      db_port=$(grep -o 'Port=[0-9]*' <<<"$MENTIORA_POSTGRES" | cut -d= -f2)
      db_user=$(grep -o 'Username=[^;]*' <<<"$MENTIORA_POSTGRES" | cut -d= -f2)
      db_name=$(grep -o 'Database=[^;]*' <<<"$MENTIORA_POSTGRES" | cut -d= -f2)
      say "Cluster ready: load balancer $app_url, silos ${app_urls[*]} (PIDs ${app_pids[*]}), database port $db_port"
      create_key "$app_url"
      compare_wrk cluster single.lua "$connections" 1 202
      compare_rate cluster
      say "Stopping the cluster"
      "$CLUSTER_SCRIPT" stop --dir "$cluster_dir" >>"$LOGS/cluster.log" 2>&1 || say "deploy/local-cluster.sh stop failed (log $LOGS/cluster.log)"
    else
      notes[cluster]="not run: deploy/local-cluster.sh start failed (log $LOGS/cluster.log)"
      failures+=("cluster: ${notes[cluster]}")
      say "cluster: ${notes[cluster]}"
      tail -n 20 "$LOGS/cluster.log" >&2
    fi
  fi
fi

# ---- the summary --------------------------------------------------------------------------------

fmt_int() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else { s = sprintf("%d", v + 0.5); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }; print s r } }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else printf "%.2f", v / 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
# "yes"/"no" for value OP limit.
meets() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN { if (v == "" || v == "-") { print "-"; exit } ok = (op == ">=") ? (v + 0 >= l) : (v + 0 <= l); print ok ? "yes" : "**no**" }'; }

declare -A titles=([auth]="auth path, 400 without storage" [postgres]="PostgreSQL, single event" [batch100]="PostgreSQL, batch of 100"
  [batch1000]="PostgreSQL, batch of 1,000" [sqlite]="SQLite, single event" [cluster]="2 silos + nginx, PostgreSQL, single event")

{
  echo "# Ingestion benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Command: \`bench/run.sh --only $only --duration ${duration_s}s --runs $runs --connections $connections --threads $threads --batch-connections $batch_connections --rate-duration ${rate_duration_s}s --warmup ${warmup_s}s\`"
  echo
  describe_machine
  echo "- machine busy before the run: ${busy}%"
  echo
  echo "Medians of $runs alternating runs (ingestion, bare, ingestion, bare, ...). Ratio = ingestion / bare."
  echo
  echo "| scenario | metric | ingestion | bare Kestrel | ratio | target | met |"
  echo "|---|---|---:|---:|---:|---|---|"
  for scenario in auth postgres batch100 batch1000 sqlite cluster; do
    grep -q "^$scenario	" "$RUNS_TSV" || continue
    title=${titles[$scenario]}
    unit=$(awk -F'\t' -v s="$scenario" '$1 == s && $4 == "wrk" { print $6; exit }' "$RUNS_TSV")
    ing=$(median_of "$scenario" ingestion wrk 5)
    base=$(median_of "$scenario" bare wrk 5)
    r=$(ratio "$ing" "$base")
    target="" met=""
    case $scenario in
      auth) target="ratio ≥ 0.75"; met=$(meets "$r" ">=" 0.75) ;;
      postgres) target="ratio ≥ 0.35"; met=$(meets "$r" ">=" 0.35) ;;
      batch1000) target="≥ 100,000 events/s"; met=$(meets "$ing" ">=" 100000) ;;
    esac
    echo "| $title | max throughput ($unit) | $(fmt_int "$ing") | $(fmt_int "$base") | $r | $target | $met |"
    for col in 7:p50 8:p99; do
      ing=$(median_of "$scenario" ingestion wrk "${col%%:*}")
      base=$(median_of "$scenario" bare wrk "${col%%:*}")
      echo "| $title | ${col#*:} at max throughput (ms) | $(fmt_ms "$ing") | $(fmt_ms "$base") | $(ratio "$ing" "$base") | | |"
    done
    if grep -q "^$scenario	ingestion	[0-9]*	rate	" "$RUNS_TSV"; then
      rate=$(median_of "$scenario" ingestion rate 5)
      for col in 7:p50 8:p99; do
        ing=$(median_of "$scenario" ingestion rate "${col%%:*}")
        base=$(median_of "$scenario" bare rate "${col%%:*}")
        target="" met=""
        if [ "${col#*:}" = p99 ]; then
          target="≤ 10 ms"
          met=$(meets "$(awk -v v="$ing" 'BEGIN { print v / 1000 }')" "<=" 10)
        fi
        echo "| $title | ${col#*:} at $(fmt_int "$rate") req/s, fixed rate (ms) | $(fmt_ms "$ing") | $(fmt_ms "$base") | $(ratio "$ing" "$base") | $target | $met |"
      done
    fi
  done
  for scenario in "${!notes[@]}"; do echo "| ${titles[$scenario]} | ${notes[$scenario]} | | | | | |"; done
  if grep -q "^auth-breakdown	" "$RUNS_TSV"; then
    echo
    echo "Where the auth path's time goes (the auth scenario's invalid body, medians; ratio to bare Kestrel; the"
    echo "app's limit on failed authentications per address was lifted for this, or it would answer 429):"
    echo
    echo "| request | answer | req/s | ratio | p50 (ms) | p99 (ms) |"
    echo "|---|---|---:|---:|---:|---:|"
    base=$(median_of auth-breakdown bare wrk 5)
    for variant in "bare:202, bare Kestrel" "no-key:401, no grain call" "malformed-key:401, no grain call" \
      "unknown-key:401 after the prefix grain call" "valid-key:400 after both grain calls, parsing, validation"; do
      ing=$(median_of auth-breakdown "${variant%%:*}" wrk 5)
      echo "| ${variant%%:*} | ${variant#*:} | $(fmt_int "$ing") | $(ratio "$ing" "$base") | $(fmt_ms "$(median_of auth-breakdown "${variant%%:*}" wrk 7)") | $(fmt_ms "$(median_of auth-breakdown "${variant%%:*}" wrk 8)") |"
    done
  fi
  echo
  echo "Rows in \`traces\` against 202 answers, per ingestion run (rows = traces the app answered 202 for; the"
  echo "client saw all of them except requests wrk abandoned in flight when its time was up):"
  echo
  echo "| scenario | run | kind | check | trace writer |"
  echo "|---|---|---|---|---|"
  awk -F'\t' 'NR > 1 && $2 == "ingestion" {
      check = $10; writer = ""
      if (match(check, / commits=.*/)) { writer = substr(check, RSTART + 1); check = substr(check, 1, RSTART - 1) }
      printf "| %s | %s | %s | %s | %s |\n", $1, $3, $4, check, writer }' "$RUNS_TSV"
  echo
  echo "CPU per component during the runs (% of one core, median over the runs; the machine has $(nproc) cores;"
  echo "\"app\" is Mentiora (both silos in the cluster), \"other\" is everything not named):"
  echo
  echo "| scenario | side | kind | CPU |"
  echo "|---|---|---|---|"
  awk -F'\t' '
    function median(list,   n, v, i, j, t) {
      n = split(list, v, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    }
    NR > 1 {
      key = $1 "|" $2 "|" $4
      if (!(key in seen)) { seen[key] = 1; order[++n] = key }
      m = split($11, parts, " ")
      for (i = 1; i <= m; i++) {
        split(parts[i], kv, "=")
        if (!((key, kv[1]) in values)) names[key] = names[key] " " kv[1]
        values[key, kv[1]] = values[key, kv[1]] " " kv[2]
      }
    }
    END {
      for (i = 1; i <= n; i++) {
        key = order[i]; split(key, k, "|"); out = ""
        c = split(names[key], list, " ")
        for (j = 1; j <= c; j++) out = out sprintf("%s %.0f, ", list[j], median(values[key, list[j]]))
        printf "| %s | %s | %s | %s |\n", k[1], k[2], k[3], substr(out, 1, length(out) - 2)
      }
    }' "$RUNS_TSV"
  disturbed=$(awk -F'\t' 'NR > 1 { if (match($11, /other=[0-9]+/) && substr($11, RSTART + 6, RLENGTH - 6) + 0 > 25) n++ } END { print n + 0 }' "$RUNS_TSV")
  if [ "$disturbed" -gt 0 ]; then
    echo
    echo "**Warning:** in $disturbed of $(($(wc -l <"$RUNS_TSV") - 1)) runs, processes other than the benchmark's used more than a"
    echo "quarter of a core (\"other\" above): they competed for the same cores, so those runs understate both sides."
  fi
  if [ ${#failures[@]} -gt 0 ]; then
    echo
    echo "## FAILED"
    echo
    for failure in "${failures[@]}"; do echo "- $failure"; done
  fi
} >"$SUMMARY"

echo
cat "$SUMMARY"
echo
say "Summary: $SUMMARY; every run: $RUNS_TSV; logs: $LOGS"
if [ ${#failures[@]} -gt 0 ]; then
  printf '\nBENCHMARK FAILED: %d check(s) failed:\n' ${#failures[@]} >&2
  printf '  %s\n' "${failures[@]}" >&2
  exit 1
fi
