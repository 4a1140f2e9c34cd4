# Shared settings for test/cluster/control-plane/{up,down}. Sourced.
# shellcheck shell=bash

cp_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# config.env, each key overridable from the environment.
while IFS= read -r line; do
  [[ "$line" =~ ^([A-Z][A-Z0-9_]*)=(.*)$ ]] || continue
  key="${BASH_REMATCH[1]}"
  [[ -n "${!key:-}" ]] || printf -v "$key" '%s' "${BASH_REMATCH[2]}"
done <"$cp_dir/config.env"
unset line key

# test/cluster/lib.sh with this cluster's state dir: its live_pid, stop_pid,
# pids_of_binary and port helpers then act on this cluster only.
export WIDE_EP_CLUSTER_STATE_DIR="${WIDE_EP_CP_STATE_DIR:-$cp_dir/.state}"
# shellcheck source=../lib.sh
source "$cp_dir/../lib.sh"
# Generated inputs of up (its CRD folder), one per state dir; not inside the
# state dir, which test/cluster/up refuses to adopt when it holds files it did
# not write.
work="$cp_dir/.work/$(basename "$state")"

log() { printf '[control-plane/%s +%ss] %s\n' "$(basename "$0")" "$SECONDS" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Serialises control-plane up/down (fd 8 on this directory). test/cluster/up
# and down take their own lock (fd 9 on test/cluster) when called: never hold
# fd 9 here, and never let fd 8 reach a daemon.
lock_cp() {
  exec 8<"$cp_dir"
  flock -w 1800 8 || die "another control-plane up/down is still running (waited 1800s)"
}

# Starts a daemon in its own session with stdio detached (see test/cluster/up).
launch() {
  local name="$1"; shift
  mkdir -p "$state"
  setsid nohup "$@" </dev/null >"$state/$name.log" 2>&1 8<&- 9<&- &
  echo "$!" >"$state/$name.pid"
}

wait_for() {
  local name="$1" timeout="$2" i; shift 2
  for ((i = 0; i < timeout * 4; i++)); do
    if "$@" >/dev/null 2>&1; then
      log "$name ready"
      return 0
    fi
    if ! live_pid "$name" >/dev/null; then
      tail -n 30 "$state/$name.log" >&2 || true
      die "$name exited during startup; log: $state/$name.log"
    fi
    sleep 0.25
  done
  tail -n 30 "$state/$name.log" >&2 || true
  die "$name not ready after ${timeout}s; log: $state/$name.log"
}

# The add-on daemons, clients of the apiserver: stopped before it.
stop_addons() {
  local name pid
  for name in kwok lws-controller; do
    for pid in $(live_pid "$name" || true) $(pids_of_binary "$name"); do
      stop_pid "$pid" 20 "$name"
    done
  done
}
