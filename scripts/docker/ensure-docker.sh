#!/usr/bin/env bash
# Prepares a Docker engine for the chaos tests on this machine kind and leaves it answering:
#   scripts/docker/ensure-docker.sh            (as root)
#
# The machine kind has the Docker CLI but no engine, no systemd, and no registry to pull from. So:
#   1. if `docker info` already answers, nothing is installed or started;
#   2. otherwise docker.io comes from Debian's packages, cgroups are mounted only if the kernel has
#      none mounted, and dockerd is started in the background with its log in a file;
#   3. containers and networks that Testcontainers leaked (its reaper, Ryuk, can't be pulled here, so
#      a test JVM killed with -9 leaves them behind) are removed by their org.testcontainers label;
#   4. the base image that every test image is built FROM is built if it is missing.
# Every step is idempotent, so CI can call this on every run. Every wait is bounded.
#
# Environment: DOCKERD_LOG (default /var/log/dockerd.log), DOCKER_WAIT_SECONDS (default 60),
# BASE_IMAGE (default local/jre17-base:1).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
log=${DOCKERD_LOG:-/var/log/dockerd.log}
wait_s=${DOCKER_WAIT_SECONDS:-60}
base_image=${BASE_IMAGE:-local/jre17-base:1}

say() { printf 'ensure-docker: %s\n' "$*"; }

# The daemon's last lines say why it did not come up (iptables, cgroups, storage driver...).
fail() {
  say "FAILED: $*" >&2
  if [ -f "$log" ]; then
    say "last lines of $log:" >&2
    tail -n 40 "$log" >&2
  fi
  exit 1
}

# Seconds since the epoch with milliseconds, for the timings this script prints.
now_ms() { date +%s%3N; }
since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.2f s", (b - a) / 1000 }'; }

engine_answers() { docker info >/dev/null 2>&1; }

# Installs docker.io unless dockerd is already there. The postinst's attempt to start the service is
# refused here (no systemd, policy-rc.d), which is harmless: we start dockerd ourselves below.
install_engine() {
  if command -v dockerd >/dev/null 2>&1; then
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || fail "dockerd is missing and installing it needs root"
  local t0
  t0=$(now_ms)
  say "installing docker.io from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || fail "apt-get update failed"
  # docker.io pulls in containerd, runc, tini (docker-init, used by --init) and iptables.
  apt-get install -y -q --no-install-recommends docker.io >/dev/null \
    || fail "apt-get install docker.io failed"
  say "installed docker.io in $(since "$t0")"
}

# On this machine kind the cgroup v1 controllers are mounted at boot, and cgroup v2 shows up as
# cgroup.controllers. Only a machine with neither needs cgroupfs-mount (installed on demand).
ensure_cgroups() {
  if [ -e /sys/fs/cgroup/cgroup.controllers ] || [ -d /sys/fs/cgroup/devices ]; then
    return 0
  fi
  say "no cgroup hierarchy is mounted; mounting one with cgroupfs-mount"
  if ! command -v cgroupfs-mount >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends cgroupfs-mount \
      >/dev/null || fail "apt-get install cgroupfs-mount failed"
  fi
  cgroupfs-mount || fail "cgroupfs-mount failed"
}

# Starts dockerd unless one is already running. Never a second one: a second daemon on the same
# host fights the first over docker0 and iptables (one started with --bridge=none deletes the first
# daemon's docker0, after which containers on the default bridge fail to start).
start_daemon() {
  local pids
  pids=$(pidof dockerd 2>/dev/null || true)
  if [ -n "$pids" ]; then
    say "dockerd is already running (pid $pids) but does not answer yet; waiting for it"
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || fail "starting dockerd needs root"
  mkdir -p "$(dirname "$log")"
  say "starting dockerd (log: $log)"
  # setsid + nohup: the daemon must outlive this script and the shell that ran it; stdin from
  # /dev/null so it never waits on a terminal. dockerd starts its own containerd.
  setsid nohup dockerd >>"$log" 2>&1 </dev/null &
  daemon_pid=$!
}

# Polls `docker info` until it answers, the daemon dies, or the deadline passes.
wait_for_engine() {
  local t0 deadline
  t0=$(now_ms)
  deadline=$(( $(date +%s) + wait_s ))
  until engine_answers; do
    if [ -n "${daemon_pid:-}" ] && ! kill -0 "$daemon_pid" 2>/dev/null; then
      fail "dockerd (pid $daemon_pid) exited during start-up"
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      fail "docker info did not answer within ${wait_s} s"
    fi
    sleep 0.2
  done
  say "engine answers after $(since "$t0") ($(docker version -f 'server {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null))"
}

# Testcontainers labels every container and network it creates org.testcontainers=true. With Ryuk
# disabled, only its JVM shutdown hook removes them; a JVM killed with -9 leaks them. Remove them.
reap_testcontainers() {
  local ids
  ids=$(docker ps -aq --filter label=org.testcontainers=true)
  if [ -n "$ids" ]; then
    say "removing $(echo "$ids" | wc -l) leftover Testcontainers container(s)"
    # shellcheck disable=SC2086 # one id per word is what we want
    docker rm -f -v $ids >/dev/null
  fi
  ids=$(docker network ls -q --filter label=org.testcontainers=true)
  if [ -n "$ids" ]; then
    say "removing $(echo "$ids" | wc -l) leftover Testcontainers network(s)"
    # A network still in use by a foreign container can't go; that must not fail the whole run.
    # shellcheck disable=SC2086
    docker network rm $ids >/dev/null || say "some labelled networks are still in use; left them"
  fi
}

daemon_pid=
if engine_answers; then
  say "engine already answers"
else
  install_engine
  ensure_cgroups
  start_daemon
  wait_for_engine
fi
reap_testcontainers
"$here/build-base-image.sh" "$base_image" || fail "building the base image $base_image failed"
say "ready: $(docker version -f '{{.Server.Version}}' 2>/dev/null), base image $base_image"
