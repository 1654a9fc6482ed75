#!/usr/bin/env bash
# Starts the docker-compose.yml topology from local binaries, for tests and benchmarks on machines
# without Docker: a throwaway PostgreSQL, N Mentiora processes (each a web app and an Orleans silo)
# forming one cluster through it, and nginx balancing them on one port. Linux only.
#
#   deploy/local-cluster.sh start [--silos N] [--port P] [--dir D] [--build]
#   deploy/local-cluster.sh stop [--dir D]
#   deploy/local-cluster.sh status [--dir D]
#
# start   prints the load balancer URL, the database connection string and the PIDs, and writes
#         them to D/cluster.env (shell syntax: `. D/cluster.env`). N defaults to 2, P to 8080
#         (0 picks a free port), D to /tmp/mentiora-cluster. The app is built with
#         `dotnet build -c Release` when its binary is missing or older than the sources, or
#         always with --build.
#         The silos inherit this script's environment, except for the settings it sets itself
#         (database, Orleans ports and ids, URLs), so any other app setting can be given as an
#         environment variable, e.g. `Traces__QueueCapacity=4 deploy/local-cluster.sh start`.
# stop    stops nginx, the silos (SIGTERM, SIGKILL after 30 s) and PostgreSQL, also when some of
#         them already died, and removes D.
# status  says what runs and whether each silo and the load balancer answer /readyz.
#
# Needs the .NET SDK 10, curl, the PostgreSQL server binaries (initdb, pg_ctl) and nginx; as root
# on Debian or Ubuntu the missing ones are installed with apt-get. Progress goes to stderr, the
# summary to stdout.

# shellcheck disable=SC2034 # the MENTIORA_* state variables are written and read through ${!var}
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
readonly WEB_DIR="$REPO/Mentiora.Web"
readonly APP_DLL="$WEB_DIR/bin/Release/net10.0/Mentiora.Web.dll"
readonly CLUSTER_ID=mentiora
readonly SERVICE_ID=mentiora
readonly DATABASE=mentiora
readonly DB_USER=postgres
# The first start creates the schema and every silo must join the cluster; later starts take seconds.
readonly READY_TIMEOUT=180
# Room for Orleans to hand grains over and save their last state, like compose's stop_grace_period.
readonly STOP_TIMEOUT=30
# Where free ports are looked for: below Linux's ephemeral range, which outgoing connections use.
readonly PORT_MIN=20000 PORT_MAX=32000

# The state of one cluster, as written to cluster.env.
readonly STATE_VARS=(MENTIORA_URL MENTIORA_POSTGRES MENTIORA_SILOS MENTIORA_SILO_URLS MENTIORA_SILO_PORTS
  MENTIORA_GATEWAY_PORTS MENTIORA_SILO_PIDS MENTIORA_NGINX_PID MENTIORA_POSTGRES_PID MENTIORA_POSTGRES_DIR
  MENTIORA_POSTGRES_BIN MENTIORA_POSTGRES_USER MENTIORA_APP_DLL)
for var in "${STATE_VARS[@]}"; do declare "$var="; done

say() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'local-cluster: %s\n' "$*" >&2; }
die() {
  warn "$*"
  exit 1
}

usage() { sed -n '2,/^$/p' "${BASH_SOURCE[0]}" | sed -e '/^$/d' -e 's/^# \{0,1\}//'; }

# shellcheck source=SCRIPTDIR/lib/host-tools.sh
source "$REPO/deploy/lib/host-tools.sh"

# ---- options ------------------------------------------------------------------------------------

command=${1:-}
[ $# -gt 0 ] && shift
silos=2
lb_port=8080
dir=/tmp/mentiora-cluster
force_build=""
while [ $# -gt 0 ]; do
  case $1 in
    --silos | --port | --dir)
      [ $# -ge 2 ] || die "$1 needs a value"
      case $1 in --silos) silos=$2 ;; --port) lb_port=$2 ;; --dir) dir=$2 ;; esac
      shift 2
      ;;
    --silos=*) silos=${1#*=}; shift ;;
    --port=*) lb_port=${1#*=}; shift ;;
    --dir=*) dir=${1#*=}; shift ;;
    --build) force_build=yes; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ $silos =~ ^[1-9][0-9]*$ ]] || die "--silos must be a whole number of at least 1, not '$silos'"
if ! [[ $lb_port =~ ^[0-9]+$ ]] || [ "$lb_port" -gt 65535 ]; then
  die "--port must be a port number (0 for any free one), not '$lb_port'"
fi
[ -n "$dir" ] || die "--dir must not be empty"
dir=$(realpath -m -- "$dir")
[ "$dir" != / ] || die "--dir must not be /"
readonly STATE_FILE="$dir/cluster.env"

# ---- helpers ------------------------------------------------------------------------------------

find_nginx() {
  command -v nginx 2>/dev/null && return
  # /usr/sbin is often not on a normal user's PATH.
  if [ -x /usr/sbin/nginx ]; then echo /usr/sbin/nginx; fi
}

# Runs a PostgreSQL tool, as the postgres system user when we are root (initdb and postgres refuse
# to run as root), from / because that user may not be allowed into the current folder.
pg() {
  local tool=$MENTIORA_POSTGRES_BIN/$1
  shift
  if [ -n "$MENTIORA_POSTGRES_USER" ]; then
    (cd / && runuser -u "$MENTIORA_POSTGRES_USER" -- "$tool" "$@")
  else
    (cd / && "$tool" "$@")
  fi
}

# The HTTP status of a GET, or nothing when no answer came.
http_status() {
  local code
  code=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true)
  [ "$code" = 000 ] || echo "$code"
}

log_tail() {
  [ -f "$1" ] || return 0
  warn "last lines of $1:"
  tail -n "${2:-20}" "$1" | sed 's/^/    /' >&2
}

# Single quotes keep the file readable and sourceable by sh; no value holds a single quote.
save_state() {
  local tmp="$dir/.cluster.env.tmp" var
  {
    echo "# A local Mentiora cluster, written by deploy/local-cluster.sh; source it: . $STATE_FILE"
    for var in "${STATE_VARS[@]}"; do printf "%s='%s'\n" "$var" "${!var}"; done
  } >"$tmp"
  mv "$tmp" "$STATE_FILE"
}

load_state() {
  [ -f "$STATE_FILE" ] || return 1
  # Only our own file is sourced: it is shell code.
  [ -O "$STATE_FILE" ] || die "$STATE_FILE belongs to another user; not reading it"
  # shellcheck source=/dev/null
  . "$STATE_FILE"
}

# What the command lines of this cluster's processes contain, and no other process's: a PID may
# have been reused by another Mentiora, nginx or PostgreSQL (the test suite starts its own).
silo_pattern() { printf '%s' "${MENTIORA_APP_DLL:-$APP_DLL}"; }
nginx_pattern() { printf '%s' "$dir/nginx/nginx.conf"; }
nginx_worker_pattern() { printf 'nginx: '; }
postgres_pattern() { printf '%s' "-D $MENTIORA_POSTGRES_DIR/data"; }

# ---- stopping -----------------------------------------------------------------------------------

# The processes of the group each started process leads (started with setsid): the leader while
# it lives and matches the first pattern, and its members matching the second, even when the
# leader was killed (nginx workers outlive a master killed with SIGKILL). Linux does not reuse a
# PID while it names a group, so a member found this way is ours. Prints "PID GROUP PATTERN".
group_members() {
  local pattern=$1 member_pattern=$2 stat line pid rest group leader
  shift 2
  declare -A leaders=()
  for leader in "$@"; do [[ $leader =~ ^[0-9]+$ ]] && leaders[$leader]=1; done
  [ ${#leaders[@]} -gt 0 ] || return 0
  for stat in /proc/[0-9]*/stat; do
    IFS= read -r line 2>/dev/null <"$stat" || continue
    pid=${stat#/proc/}
    pid=${pid%/stat}
    # Fields after the command name, which may hold spaces: state, parent, process group, ...
    rest=${line##*) }
    read -r _ _ group _ <<<"$rest"
    [ -n "${leaders[$group]:-}" ] || continue
    if [ "$pid" = "$group" ]; then
      if alive "$pid" "$pattern"; then echo "$pid $group $pattern"; fi
    elif alive "$pid" "$member_pattern"; then
      echo "$pid $group $member_pattern"
    fi
  done
}

# SIGTERM to each leader, or to the members themselves when their leader is gone (a living leader
# stops its own workers), then SIGKILL to whatever still runs after the timeout.
stop_processes() {
  local what=$1 pattern=$2 member_pattern=$3 timeout=$4 pid group member_of member
  shift 4
  local running=() members=()
  declare -A leader_alive=() pattern_of=()
  mapfile -t members < <(group_members "$pattern" "$member_pattern" "$@")
  for member in "${members[@]}"; do
    read -r pid group member_of <<<"$member"
    running+=("$pid")
    pattern_of[$pid]=$member_of
    [ "$pid" != "$group" ] || leader_alive[$group]=1
  done
  for member in "${members[@]}"; do
    read -r pid group _ <<<"$member"
    if [ "$pid" = "$group" ] || [ -z "${leader_alive[$group]:-}" ]; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  [ ${#running[@]} -gt 0 ] || return 0
  say "Stopping $what (PID ${running[*]})"
  local deadline=$((SECONDS + timeout)) left
  while :; do
    left=()
    for pid in "${running[@]}"; do
      if alive "$pid" "${pattern_of[$pid]}"; then left+=("$pid"); fi
    done
    [ ${#left[@]} -gt 0 ] || return 0
    [ $SECONDS -lt $deadline ] || break
    sleep 0.5
  done
  warn "$what still running after ${timeout}s (PID ${left[*]}); killing"
  for pid in "${left[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
}

stop_postgres() {
  local data="$MENTIORA_POSTGRES_DIR/data"
  [ -n "$MENTIORA_POSTGRES_DIR" ] && [ -f "$data/postmaster.pid" ] || return 0
  local pid
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
  alive "$pid" "$(postgres_pattern)" || return 0
  say "Stopping PostgreSQL (PID $pid)"
  if ! pg pg_ctl stop -D "$data" -m fast -w -t "$STOP_TIMEOUT" >/dev/null 2>&1 && alive "$pid" "$(postgres_pattern)"; then
    warn "PostgreSQL did not stop; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# Stops whatever of the cluster runs and removes its folders; every step tolerates a part that
# never started or already died.
teardown() {
  local timeout=${1:-$STOP_TIMEOUT}
  # Front to back: no request reaches a silo that is stopping, no silo loses its database early.
  # shellcheck disable=SC2086
  stop_processes nginx "$(nginx_pattern)" "$(nginx_worker_pattern)" 10 $MENTIORA_NGINX_PID
  # shellcheck disable=SC2086
  stop_processes "the silos" "$(silo_pattern)" "$(silo_pattern)" "$timeout" $MENTIORA_SILO_PIDS
  stop_postgres
  if [ -n "$MENTIORA_POSTGRES_DIR" ] && [ "${MENTIORA_POSTGRES_DIR#"$dir"/}" = "$MENTIORA_POSTGRES_DIR" ]; then
    rm -rf -- "$MENTIORA_POSTGRES_DIR"
  fi
  rm -rf -- "$dir"
}

cmd_stop() {
  if [ ! -e "$dir" ]; then
    say "No cluster at $dir; nothing to stop"
    return 0
  fi
  load_state || die "$dir holds no cluster.env, so it is not a cluster this script started; not touching it"
  teardown
  say "Stopped; removed $dir"
}

# ---- status -------------------------------------------------------------------------------------

cmd_status() {
  load_state || {
    echo "No cluster at $dir."
    return 3
  }
  local healthy=yes pid url i=0 state code
  local pids urls
  read -ra pids <<<"$MENTIORA_SILO_PIDS"
  read -ra urls <<<"$MENTIORA_SILO_URLS"
  code=$(http_status "$MENTIORA_URL/readyz")
  if alive "$MENTIORA_NGINX_PID" "$(nginx_pattern)"; then state="running, PID $MENTIORA_NGINX_PID"; else state="NOT RUNNING"; healthy=""; fi
  [ "$code" = 200 ] || healthy=""
  echo "load balancer $MENTIORA_URL: $state, /readyz ${code:-no answer}"
  for url in "${urls[@]}"; do
    pid=${pids[$i]:-}
    i=$((i + 1))
    code=$(http_status "$url/readyz")
    if alive "$pid" "$(silo_pattern)"; then state="running, PID $pid"; else state="NOT RUNNING"; healthy=""; fi
    [ "$code" = 200 ] || healthy=""
    echo "silo $i $url: $state, /readyz ${code:-no answer}"
  done
  if alive "$MENTIORA_POSTGRES_PID" "$(postgres_pattern)"; then state="running, PID $MENTIORA_POSTGRES_PID"; else state="NOT RUNNING"; healthy=""; fi
  echo "PostgreSQL $MENTIORA_POSTGRES: $state"
  [ -n "$healthy" ]
}

# ---- starting -----------------------------------------------------------------------------------

start_postgres() {
  MENTIORA_POSTGRES_BIN=$(find_postgres_bin || true)
  if [ -z "$MENTIORA_POSTGRES_BIN" ] && can_apt_install; then
    apt_install postgresql
    MENTIORA_POSTGRES_BIN=$(find_postgres_bin || true)
  fi
  [ -n "$MENTIORA_POSTGRES_BIN" ] || die "the PostgreSQL server binaries (initdb, pg_ctl) are missing; install them (Debian/Ubuntu: sudo apt-get install postgresql)"

  MENTIORA_POSTGRES_DIR="$dir/postgres"
  if is_root; then
    id -u "$DB_USER" >/dev/null 2>&1 || die "as root, PostgreSQL must run as the '$DB_USER' system user, which does not exist (it comes with the postgresql package); or run this script as another user"
    MENTIORA_POSTGRES_USER=$DB_USER
    # That user must reach the data folder; --dir may be somewhere it cannot enter (e.g. under /root).
    if ! runuser -u "$DB_USER" -- test -x "$dir"; then
      MENTIORA_POSTGRES_DIR=$(mktemp -d /tmp/mentiora-cluster-pg.XXXXXX)
      chmod 755 "$MENTIORA_POSTGRES_DIR"
    fi
  fi
  mkdir -p "$MENTIORA_POSTGRES_DIR"
  [ -z "$MENTIORA_POSTGRES_USER" ] || chown "$DB_USER:" "$MENTIORA_POSTGRES_DIR"
  save_state

  say "Creating a PostgreSQL database cluster in $MENTIORA_POSTGRES_DIR/data ($MENTIORA_POSTGRES_BIN)"
  pg initdb -D "$MENTIORA_POSTGRES_DIR/data" --auth=trust --username="$DB_USER" --encoding=UTF8 --locale=C --no-sync \
    >"$MENTIORA_POSTGRES_DIR/initdb.log" 2>&1 || {
    log_tail "$MENTIORA_POSTGRES_DIR/initdb.log"
    die "initdb failed"
  }

  # TCP on 127.0.0.1 only, no Unix socket. Durability settings stay as a real server's, so that
  # benchmark numbers include the cost of a commit. Each silo keeps pools of up to 100 connections.
  local port attempt max_connections=$((100 + 100 * silos))
  for attempt in 1 2 3; do
    free_port port
    say "Starting PostgreSQL on 127.0.0.1:$port"
    if pg pg_ctl start -D "$MENTIORA_POSTGRES_DIR/data" -l "$MENTIORA_POSTGRES_DIR/server.log" -w -t 60 \
      -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=$max_connections" >/dev/null 2>&1; then
      break
    fi
    # Another program may have taken the port between the probe and the bind: try a new one.
    if [ $attempt -lt 3 ] && grep -q 'could not bind' "$MENTIORA_POSTGRES_DIR/server.log" 2>/dev/null; then continue; fi
    log_tail "$MENTIORA_POSTGRES_DIR/server.log"
    die "PostgreSQL did not start"
  done
  MENTIORA_POSTGRES_PID=$(head -n 1 "$MENTIORA_POSTGRES_DIR/data/postmaster.pid")
  MENTIORA_POSTGRES="Host=127.0.0.1;Port=$port;Username=$DB_USER;Database=$DATABASE"
  save_state
  pg createdb -h 127.0.0.1 -p "$port" -U "$DB_USER" "$DATABASE" || die "could not create the database '$DATABASE'"
}

start_silos() {
  local i http silo_port gateway_port pid urls=() pids=() silo_ports=() gateway_ports=()
  for i in $(seq 1 "$silos"); do
    free_port http
    free_port silo_port
    free_port gateway_port
    say "Starting silo $i: http://127.0.0.1:$http (silo port $silo_port, gateway port $gateway_port), log $dir/silo$i.log"
    # The content root is the project folder, where appsettings.json and wwwroot are (as with
    # `dotnet run`). setsid: a Ctrl-C in this terminal later must not reach the silo, and the
    # silo's PID is its process group, which stop can kill as a whole.
    (
      cd "$WEB_DIR"
      # nginx reaches the silos from 127.0.0.1, which Proxy:TrustedNetworks trusts by default, so
      # its X-Forwarded-For/-Proto are believed without a setting here.
      exec env \
        ConnectionStrings__Postgres="$MENTIORA_POSTGRES" \
        Orleans__ClusterId="$CLUSTER_ID" \
        Orleans__ServiceId="$SERVICE_ID" \
        Orleans__SiloPort="$silo_port" \
        Orleans__GatewayPort="$gateway_port" \
        Orleans__AdvertisedIP=127.0.0.1 \
        ASPNETCORE_URLS="http://127.0.0.1:$http" \
        setsid dotnet "$APP_DLL"
    ) </dev/null >"$dir/silo$i.log" 2>&1 &
    pid=$!
    urls+=("http://127.0.0.1:$http")
    pids+=("$pid")
    silo_ports+=("$silo_port")
    gateway_ports+=("$gateway_port")
    MENTIORA_SILO_URLS="${urls[*]}" MENTIORA_SILO_PIDS="${pids[*]}"
    MENTIORA_SILO_PORTS="${silo_ports[*]}" MENTIORA_GATEWAY_PORTS="${gateway_ports[*]}"
    save_state
  done

  # They start together (the schema is created under a lock) and become ready when each has joined.
  local deadline=$((SECONDS + READY_TIMEOUT)) ready
  for i in $(seq 1 "$silos"); do
    pid=${pids[$((i - 1))]}
    say "Waiting for silo $i to be ready (${urls[$((i - 1))]}/readyz)"
    while :; do
      if ! alive "$pid" "$(silo_pattern)"; then
        log_tail "$dir/silo$i.log" 30
        die "silo $i (PID $pid) exited during start"
      fi
      ready=$(http_status "${urls[$((i - 1))]}/readyz")
      [ "$ready" = 200 ] && break
      [ "$ready" != 404 ] || die "silo $i answers /readyz with 404: $APP_DLL predates the health endpoints; start again with --build"
      if [ $SECONDS -ge $deadline ]; then
        log_tail "$dir/silo$i.log" 30
        die "silo $i was not ready within ${READY_TIMEOUT}s (last /readyz answer: ${ready:-none})"
      fi
      sleep 0.5
    done
  done
}

# The same proxy settings as deploy/nginx.conf, with the silos' local ports and every path inside
# the cluster folder, so that nginx needs nothing of the system's configuration.
write_nginx_config() {
  local conf=$1 prefix=$2 url user_line=""
  if is_root; then
    # A master process run by root hands the work to an unprivileged user.
    user_line="user nobody $(id -gn nobody);"
  fi
  {
    cat <<EOF
# Generated by deploy/local-cluster.sh for the cluster in $dir.
daemon off;
$user_line
worker_processes auto;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;

events {
    worker_connections 4096;
}

http {
    log_format mentiora '\$remote_addr - [\$time_local] "\$request" \$status \$body_bytes_sent '
                        'upstream=\$upstream_addr upstream_status=\$upstream_status '
                        'request_time=\$request_time upstream_time=\$upstream_response_time';
    # Buffered, so that benchmarks do not measure a disk write per request.
    access_log $prefix/access.log mentiora buffer=64k flush=1s;
    server_tokens off;
    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;

    client_max_body_size 6m;
    client_body_buffer_size 128k;

    upstream mentiora {
EOF
    for url in $MENTIORA_SILO_URLS; do
      echo "        server ${url#http://} max_fails=1 fail_timeout=5s;"
    done
    cat <<EOF
        keepalive 64;
        keepalive_timeout 60s;
    }

    map \$http_host \$mentiora_host {
        ""      \$host;
        default \$http_host;
    }

    server {
        listen 127.0.0.1:$lb_port;

        # Inherited by both locations below.
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$mentiora_host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_intercept_errors off;
        # Never "non_idempotent": a trace POST retried after a timeout could be stored twice.
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 2;
        proxy_connect_timeout 2s;
        proxy_read_timeout 60s;

        # nginx's own 502/504 pages are HTML that SDKs do not retry: the API gets the app's JSON 503,
        # the dashboard a short HTML 503 page.
        location /api/ {
            proxy_pass http://mentiora;
            error_page 502 504 =503 @api_unavailable;
        }

        location / {
            proxy_pass http://mentiora;
            error_page 502 504 =503 @page_unavailable;
        }

        location @api_unavailable {
            default_type application/json;
            add_header Retry-After 1 always;
            return 503 '{"error":{"code":"unavailable","message":"The service is temporarily unavailable; retry shortly."}}';
        }

        location @page_unavailable {
            default_type "text/html; charset=utf-8";
            add_header Retry-After 1 always;
            return 503 '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Mentiora is briefly unavailable</title></head><body><h1>Mentiora is briefly unavailable</h1><p>A server is restarting. Reload the page in a few seconds.</p></body></html>';
        }

        location = /metrics {
            return 404;
        }
    }
}
EOF
  } >"$conf"
}

start_nginx() {
  local nginx=$1 prefix="$dir/nginx"
  mkdir -p "$prefix/tmp"
  write_nginx_config "$prefix/nginx.conf" "$prefix"
  # -e: nginx opens its compiled-in error log before reading the config; keep that inside the folder too.
  local early_log=() help
  help=$("$nginx" -h 2>&1 || true)
  [[ $help != *"-e filename"* ]] || early_log=(-e "$prefix/error.log")
  "$nginx" -t -q -p "$prefix" -c "$prefix/nginx.conf" "${early_log[@]}" 2>"$prefix/check.log" || {
    log_tail "$prefix/check.log"
    die "nginx refused the generated configuration $prefix/nginx.conf"
  }
  say "Starting nginx on 127.0.0.1:$lb_port ($nginx, config $prefix/nginx.conf)"
  setsid "$nginx" -p "$prefix" -c "$prefix/nginx.conf" "${early_log[@]}" </dev/null >"$prefix/stdout.log" 2>&1 &
  MENTIORA_NGINX_PID=$!
  MENTIORA_URL="http://127.0.0.1:$lb_port"
  save_state

  local deadline=$((SECONDS + 20)) ready
  while :; do
    if ! alive "$MENTIORA_NGINX_PID" "$(nginx_pattern)"; then
      log_tail "$prefix/error.log"
      log_tail "$prefix/stdout.log"
      die "nginx exited during start"
    fi
    ready=$(http_status "$MENTIORA_URL/readyz")
    [ "$ready" = 200 ] && break
    [ $SECONDS -lt $deadline ] || die "the load balancer $MENTIORA_URL did not answer /readyz with 200 within 20s (last answer: ${ready:-none})"
    sleep 0.2
  done
}

# A binary older than the code would measure or test something else than what is checked out.
sources_changed() {
  [ -n "$(find "$WEB_DIR" "$REPO/Mentiora.Grains" "$REPO"/Directory.*.props \
    \( -name bin -o -name obj -o -name data \) -prune -o -type f -newer "$APP_DLL" -print -quit 2>/dev/null)" ]
}

start_finished=""
on_start_exit() {
  local status=$1
  [ "$status" != 0 ] && [ -z "$start_finished" ] || return 0
  warn "start failed; stopping what was started"
  trap - INT TERM
  teardown 10 || true
}

cmd_start() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK 10 is needed: https://dotnet.microsoft.com/download"
  if ! command -v curl >/dev/null 2>&1; then
    can_apt_install || die "curl is needed to check readiness; install it (Debian/Ubuntu: sudo apt-get install curl)"
    apt_install curl
  fi
  local nginx
  nginx=$(find_nginx || true)
  if [ -z "$nginx" ]; then
    can_apt_install || die "nginx is needed as the load balancer; install it (Debian/Ubuntu: sudo apt-get install nginx; elsewhere your package manager's nginx) and make sure 'nginx' or /usr/sbin/nginx exists"
    apt_install nginx
    nginx=$(find_nginx || true)
    [ -n "$nginx" ] || die "nginx is still missing after apt-get install nginx"
  fi

  if [ -f "$STATE_FILE" ]; then
    die "a cluster already runs from $dir (deploy/local-cluster.sh status --dir $dir); stop it first"
  fi
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    die "$dir exists and is not empty; pass another --dir"
  fi
  if [ "$lb_port" = 0 ]; then
    free_port lb_port
  elif port_in_use "$lb_port"; then
    die "port $lb_port is in use; pass --port with another one, or --port 0 for any free port"
  fi
  taken_ports[$lb_port]=1

  if [ -n "$force_build" ] || [ ! -f "$APP_DLL" ] || sources_changed; then
    say "Building Mentiora.Web (dotnet build -c Release)"
    dotnet build "$WEB_DIR/Mentiora.Web.csproj" -c Release -nologo -v quiet -clp:NoSummary >&2
  fi

  mkdir -p "$dir"
  # Readable by the postgres user when the database runs as that user inside this folder.
  chmod 755 "$dir"
  MENTIORA_SILOS=$silos
  MENTIORA_APP_DLL=$APP_DLL
  trap 'on_start_exit $?' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  save_state

  start_postgres
  start_silos
  start_nginx "$nginx"
  start_finished=yes

  local i=0 url pids
  read -ra pids <<<"$MENTIORA_SILO_PIDS"
  local stop_command="deploy/local-cluster.sh stop"
  [ "$dir" = /tmp/mentiora-cluster ] || stop_command+=" --dir $dir"
  echo "Mentiora cluster running: $silos silo(s) behind nginx on one PostgreSQL."
  echo "  load balancer  $MENTIORA_URL   (nginx PID $MENTIORA_NGINX_PID)"
  for url in $MENTIORA_SILO_URLS; do
    echo "  silo $((i + 1))         $url   (PID ${pids[$i]}, log $dir/silo$((i + 1)).log)"
    i=$((i + 1))
  done
  echo "  database       $MENTIORA_POSTGRES   (PostgreSQL PID $MENTIORA_POSTGRES_PID)"
  echo "  state          $STATE_FILE"
  echo "Stop it with: $stop_command"
}

case $command in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  "") usage >&2; exit 2 ;;
  *) die "unknown command '$command'; use start, stop or status (see --help)" ;;
esac
