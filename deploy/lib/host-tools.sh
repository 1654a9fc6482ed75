# shellcheck shell=bash
# Shell helpers shared by deploy/local-cluster.sh and bench/run.sh: root and apt-get, finding the
# PostgreSQL server binaries, free ports and our own processes. Sourced, not run. The caller
# defines say (progress lines), die (fatal error) and PORT_MIN/PORT_MAX (where ports are looked for).

is_root() { [ "$(id -u)" = 0 ]; }

can_apt_install() { is_root && command -v apt-get >/dev/null 2>&1; }

# Installs Debian packages without letting their scripts start system services: a Debian
# PostgreSQL or nginx package would otherwise start one on its default port, which nobody asked
# for and which would load the machine. The package lists are refreshed once per run.
host_tools_apt_updated=""
apt_install() {
  local policy=/usr/sbin/policy-rc.d added="" status=0
  say "Installing $* (apt-get install)"
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Temporary, from Mentiora %s: no service starts during its apt-get install.\nexit 101\n' "$(basename "$0")" >"$policy"
    chmod 755 "$policy"
    added=yes
  fi
  {
    if [ -z "$host_tools_apt_updated" ]; then apt-get update -qq && host_tools_apt_updated=yes; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  } || status=$?
  [ -z "$added" ] || rm -f "$policy"
  return "$status"
}

# The folder of initdb and pg_ctl: from PATH, else the newest of Debian's and Ubuntu's
# /usr/lib/postgresql/<major>/bin (they keep the server binaries off PATH); empty when none.
find_postgres_bin() {
  local initdb bin newest="" newest_major=-1 major
  if initdb=$(command -v initdb 2>/dev/null) && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(realpath "$initdb")"
    return
  fi
  for bin in /usr/lib/postgresql/*/bin; do
    major=${bin#/usr/lib/postgresql/}
    major=${major%/bin}
    if ! [[ $major =~ ^[0-9]+$ ]] || [ ! -x "$bin/initdb" ] || [ ! -x "$bin/pg_ctl" ]; then continue; fi
    if [ "$major" -gt "$newest_major" ]; then newest=$bin newest_major=$major; fi
  done
  echo "$newest"
}

# True while the process runs and is still the one we started: a PID of a process that died may
# have been given to an unrelated one since. A zombie has an empty command line, so it counts as gone.
alive() {
  local pid=$1 pattern=$2 cmdline
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ $cmdline == *"$pattern"* ]]
}

# Something answers on the port (a listener on any address also answers on 127.0.0.1).
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Sets the named variable to a port nobody listens on and that this run has not handed out yet.
# (Not a $(...) function: the ports handed out must be remembered in this shell.)
declare -A taken_ports=()
free_port() {
  local -n free_port_result=$1
  local candidate
  for _ in $(seq 1 200); do
    candidate=$((PORT_MIN + RANDOM % (PORT_MAX - PORT_MIN)))
    if [ -z "${taken_ports[$candidate]:-}" ] && ! port_in_use "$candidate"; then
      taken_ports[$candidate]=1
      # shellcheck disable=SC2034 # a nameref: this sets the caller's variable
      free_port_result=$candidate
      return
    fi
  done
  die "found no free port between $PORT_MIN and $PORT_MAX"
}
