# Shared settings for test/cluster/{up,down}. Sourced, not executed.
# shellcheck shell=bash

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$here/.bin"
# Overridable so a second, independent cluster (other ports) can run beside
# the default one, e.g. while checking changes to these scripts.
state="${WIDE_EP_CLUSTER_STATE_DIR:-$here/.state}"
[[ "$state" == /* ]] || state="$PWD/$state"

# Ports a running cluster was started with win over the environment, so that
# `down` (or a second `up`) finds the cluster even when called with other env.
# Call after lock_dir: a concurrent `up` may be writing the file.
load_ports() {
  local key value
  running_apiserver_port="" running_etcd_port="" running_etcd_peer_port=""
  if [[ -f "$state/ports" ]]; then
    while IFS='=' read -r key value; do
      [[ "$value" =~ ^[0-9]+$ ]] || continue
      case "$key" in
        running_apiserver_port | running_etcd_port | running_etcd_peer_port) printf -v "$key" '%s' "$value" ;;
      esac
    done <"$state/ports"
  fi
  apiserver_port="${running_apiserver_port:-${WIDE_EP_APISERVER_PORT:-16443}}"
  etcd_port="${running_etcd_port:-${WIDE_EP_ETCD_PORT:-12379}}"
  etcd_peer_port="${running_etcd_peer_port:-${WIDE_EP_ETCD_PEER_PORT:-12380}}"
}

log() { printf '[cluster/%s +%ss] %s\n' "$(basename "$0")" "$SECONDS" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ensure_tools cmd:debian-package ... installs what a fresh machine lacks
# (as root, from Debian's packages); otherwise names the package to install.
ensure_tools() {
  local missing=() pkgs=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || { missing+=("${pair%%:*}"); pkgs+=("${pair#*:}"); }
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    log "installing ${pkgs[*]} for ${missing[*]} (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}") >&2 ||
      die "could not install ${pkgs[*]}"
  else
    die "missing ${missing[*]}: install the Debian packages ${pkgs[*]}"
  fi
}

# Serialise up/down: both take an exclusive lock on this directory (flock
# works on a directory fd, so no lock file has to be kept anywhere). Fd 9 must
# not leak into the daemons or they would hold the lock forever.
lock_dir() {
  exec 9<"$here"
  if ! flock -w 1200 9; then die "another up/down is still running (waited 1200s; a cold build takes ~8 min)"; fi
}

# Prints the PID stored in .state/NAME.pid if that process is alive and still
# runs our binary .bin/NAME (guards against PID reuse after a reboot).
live_pid() {
  local name="$1" pidfile="$state/$1.pid" pid exe
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null)" || return 1
  exe="${exe% (deleted)}"
  [[ "$exe" == "$bin/$name" ]] || return 1
  echo "$pid"
}

# PIDs of processes that run exactly .bin/NAME with a file of this state dir
# on their command line; catches our daemons whose pid file was lost (e.g.
# .state deleted by hand) without touching a cluster of another state dir.
pids_of_binary() {
  local name="$1" exe p cmd
  # One find instead of a readlink per process: /proc can hold thousands.
  find /proc -mindepth 2 -maxdepth 2 -name exe \
    \( -lname "$bin/$name" -o -lname "$bin/$name (deleted)" \) -print 2>/dev/null |
    while IFS= read -r exe; do
      p="${exe%/exe}"
      cmd="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" || continue
      [[ "$cmd" == *"$state/"* ]] || continue
      echo "${p#/proc/}"
    done || true # find reports processes that vanished mid-scan
}

# rm -rf with a guard: the state dir may come from the environment, and a
# typo there must not wipe a folder that up never created.
check_state_ours() {
  if [[ -e "$state" && -n "$(ls -A "$state" 2>/dev/null)" && ! -f "$state/ports" ]]; then
    die "refusing to touch $state: it is not empty and has no ports file written by up"
  fi
}
remove_state() {
  check_state_ours
  rm -rf "$state"
}

port_busy() { [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]; }

# Sends TERM, waits up to $2 seconds, then KILLs. Silent if already gone.
stop_pid() {
  local pid="$1" timeout="$2" name="$3" i
  kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "$name (pid $pid) ignored TERM for ${timeout}s, sending KILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  die "$name (pid $pid) survived KILL"
}

stop_all() {
  local name pid
  # Clients of the apiserver first, etcd last, so nothing logs connection
  # errors on the way out.
  for name in kube-controller-manager kube-scheduler kube-apiserver etcd; do
    for pid in $(live_pid "$name" || true) $(pids_of_binary "$name"); do
      stop_pid "$pid" 20 "$name"
    done
  done
}

wait_ports_free() {
  local i port busy
  for ((i = 0; i < 200; i++)); do
    busy=""
    for port in "$apiserver_port" "$etcd_port" "$etcd_peer_port"; do
      port_busy "$port" && busy+=" $port"
    done
    [[ -z "$busy" ]] && return 0
    sleep 0.1
  done
  die "ports still in use after 20s:$busy ($(ss -Hltnp | grep -E ":(${apiserver_port}|${etcd_port}|${etcd_peer_port})\b" || true))"
}
