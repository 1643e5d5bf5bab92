#!/usr/bin/env bash
# Proves that the base image runs what Sequent needs, before any chaos test relies on it:
#   scripts/docker/smoke-test.sh [--build] [--keep]
#
#   1. the base image alone: java starts, /tmp is writable and allows exec (RocksDB and Netty unpack
#      their JNI libraries there), `#!/usr/bin/env sh` scripts run;
#   2. an image of the standalone distribution (sequent-server/target/dist) is built FROM the base
#      image with the project's own Dockerfile, no pull;
#   3. three coordinator nodes n1..n3 start on a network this script creates, with the command lines
#      of sequent-server/src/main/docker/compose.yaml, and each logs "is up";
#   4. a leader is elected (its "phase-2 dispatch starts" log line; bin/sequent-admin status is
#      tried too, and only reported, while the CLI is being written);
#   5. RocksDB's JNI library, Netty's epoll transport and container DNS are checked in a node;
#   6. the leader is killed with kill -9 inside its container (hence --init), restarted, comes back
#      up, and the cluster elects a leader for a later term;
#   7. everything created is removed: containers with their volumes, the network, the image.
# Exits 0 only if every step passed. Every wait is bounded. No port is published: traffic stays on
# the script's own network between the containers.
#
# --build runs `mvn -B -q install -DskipTests` first if the distribution is missing;
# --keep leaves the containers, network and image for a look (remove them by the label printed).
# Environment: BASE_IMAGE (default local/jre17-base:1), UP_TIMEOUT_S (90), LEADER_TIMEOUT_S (60).
set -eu

repo=$(cd "$(dirname "$0")/../.." && pwd)
dist=$repo/sequent-server/target/dist
dockerfile=$repo/sequent-server/src/main/docker/Dockerfile
base=${BASE_IMAGE:-local/jre17-base:1}
up_timeout=${UP_TIMEOUT_S:-90}
leader_timeout=${LEADER_TIMEOUT_S:-60}
build=0
keep=0
for arg in "$@"; do
  case "$arg" in
    --build) build=1 ;;
    --keep) keep=1 ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "smoke-test: unknown argument $arg" >&2; exit 2 ;;
  esac
done

# One run id names and labels everything this script creates, so cleanup removes exactly that and
# two runs (or a chaos test) on the same engine never collide. Container names carry the run id;
# the names the nodes use for each other (n1..n3) are network aliases on the run's own network.
run=sequent-smoke-$$
label=dev.sequent.smoke=$run
net=$run
image=local/sequent-smoke:$$
nodes="n1 n2 n3"
peers=n1=n1:7000:9000,n2=n2:7000:9000,n3=n3:7000:9000

passed=0
failed=0
pass() { passed=$((passed + 1)); printf 'PASS  %s\n' "$*"; }
flunk() { failed=$((failed + 1)); printf 'FAIL  %s\n' "$*"; }
info() { printf 'INFO  %s\n' "$*"; }
# A step the rest depends on failed: stop here (the EXIT trap still cleans up).
abort() { flunk "$*"; exit 1; }

now_ms() { date +%s%3N; }
since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f s", (b - a) / 1000 }'; }
container() { printf '%s-%s' "$run" "$1"; }

# Waits until container $1's log has at least $3 lines matching the regex $2, or $4 seconds pass.
wait_log() {
  local c=$1 re=$2 count=$3 deadline=$(( $(date +%s) + $4 ))
  while [ "$(docker logs "$c" 2>&1 | grep -cE "$re" || true)" -lt "$count" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# The highest term any node has become leader in, as "TERM NODE" ("0 -" if none yet). The leader
# logs "Node nX: phase-2 dispatch starts for term T" once it is ready (Dispatcher.start).
latest_leader() {
  local n best_term=0 best_node=- t
  for n in $nodes; do
    t=$(docker logs "$(container "$n")" 2>&1 \
      | sed -n 's/.*phase-2 dispatch starts for term \([0-9][0-9]*\).*/\1/p' | sort -n | tail -1)
    if [ -n "$t" ] && [ "$t" -gt "$best_term" ]; then best_term=$t; best_node=$n; fi
  done
  echo "$best_term $best_node"
}

# Waits for a leader in a term greater than $1; prints "TERM NODE".
wait_leader_after() {
  local after=$1 deadline=$(( $(date +%s) + leader_timeout )) l
  while :; do
    l=$(latest_leader)
    if [ "${l%% *}" -gt "$after" ]; then echo "$l"; return 0; fi
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

cleanup() {
  local rc=$?
  if [ "$failed" -gt 0 ] || [ "$rc" -ne 0 ]; then
    for n in $nodes; do
      if docker inspect "$(container "$n")" >/dev/null 2>&1; then
        echo "---- last log lines of $n ----"
        docker logs --tail 25 "$(container "$n")" 2>&1 || true
      fi
    done
  fi
  if [ "$keep" -eq 1 ]; then
    info "kept everything labelled $label (and image $image)"
  else
    local ids
    ids=$(docker ps -aq --filter "label=$label")
    # -v: the Dockerfile declares VOLUME /data, so each node has an anonymous volume to remove.
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    docker network rm "$net" >/dev/null 2>&1 || true
    docker rmi "$image" >/dev/null 2>&1 || true
    if [ -z "$(docker ps -aq --filter "label=$label")" ] \
      && ! docker network inspect "$net" >/dev/null 2>&1 \
      && ! docker image inspect "$image" >/dev/null 2>&1; then
      pass "cleanup: no container, network or image of this run is left"
    else
      flunk "cleanup: something labelled $label is left"
    fi
  fi
  echo "smoke-test: $passed passed, $failed failed"
  if [ "$failed" -gt 0 ] || [ "$rc" -ne 0 ]; then exit 1; fi
  exit 0
}

# ---- preflight: the engine, the base image and the distribution must be there -------------------
docker info >/dev/null 2>&1 || { echo "smoke-test: no Docker engine; run scripts/docker/ensure-docker.sh" >&2; exit 1; }
docker image inspect "$base" >/dev/null 2>&1 \
  || { echo "smoke-test: no $base; run scripts/docker/build-base-image.sh" >&2; exit 1; }
if [ ! -x "$dist/bin/sequent-server" ]; then
  if [ "$build" -eq 1 ]; then
    (cd "$repo" && mvn -B -q install -DskipTests) || { echo "smoke-test: mvn install failed" >&2; exit 1; }
  else
    echo "smoke-test: no distribution in $dist; build it with (cd $repo && mvn -B -q install -DskipTests) or pass --build" >&2
    exit 1
  fi
fi
trap cleanup EXIT
info "run $run on $(docker version -f 'Docker {{.Server.Version}}' 2>/dev/null), base $base ($(docker image inspect -f '{{.Size}}' "$base" | awk '{ printf "%.1f MB", $1 / 1e6 }'))"

# ---- 1. the base image on its own --------------------------------------------------------------
t=$(now_ms)
if out=$(timeout 60 docker run --rm --label "$label" "$base" java -version 2>&1); then
  pass "base: java -version in $(since "$t"): $(echo "$out" | head -1)"
else
  abort "base: java -version: $out"
fi
# /tmp must take an executable file and run it: RocksDB's JNI library is written to java.io.tmpdir
# and loaded from there. (The copy is named `true` because busybox picks its applet by name.)
# `#!/usr/bin/env sh` is how bin/sequent-server starts.
if out=$(timeout 60 docker run --rm --label "$label" "$base" sh -c '
    cp /usr/bin/busybox /tmp/true && /tmp/true &&
    printf "#!/usr/bin/env sh\necho env-sh-ok\n" >/tmp/s && chmod +x /tmp/s && /tmp/s &&
    stat -c %a /tmp' 2>&1); then
  pass "base: /tmp is writable and exec-able (mode $(echo "$out" | tail -1)); #!/usr/bin/env sh runs"
else
  flunk "base: /tmp or /usr/bin/env: $out"
fi

# ---- 2. the distribution's image, FROM the local base (the legacy builder never pulls a local tag)
t=$(now_ms)
if out=$(DOCKER_BUILDKIT=0 timeout 300 docker build -q --label "$label" --build-arg "BASE_IMAGE=$base" \
    -f "$dockerfile" -t "$image" "$dist" 2>&1); then
  pass "image: built $image FROM $base in $(since "$t") ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.1f MB", $1 / 1e6 }'))"
else
  abort "image: docker build: $out"
fi

# ---- 3. three nodes on the run's own network -----------------------------------------------------
docker network create --label "$label" "$net" >/dev/null || abort "network: docker network create"
info "network $net: $(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$net")"
t=$(now_ms)
for n in $nodes; do
  # As compose.yaml: init (so kill -9 inside the container hits java, not PID 1), a 256 MiB heap,
  # the same peer list on every node, and the node's data on the image's /data volume.
  docker run -d --init --name "$(container "$n")" --hostname "$n" --network "$net" \
    --network-alias "$n" --label "$label" -e JAVA_OPTS=-Xmx256m "$image" \
    "--cluster.peers=$peers" "--node.id=$n" --node.bindHost=0.0.0.0 --node.dataDir=/data \
    >/dev/null || abort "start: docker run $n"
done
for n in $nodes; do
  wait_log "$(container "$n")" "Node $n is up" 1 "$up_timeout" \
    || abort "start: $n did not log 'is up' within $up_timeout s"
done
pass "start: n1, n2, n3 all logged 'is up' $(since "$t") after the first docker run"

# ---- 4. a leader ---------------------------------------------------------------------------------
t=$(now_ms)
if leader=$(wait_leader_after 0); then
  term=${leader%% *}
  leader_node=${leader#* }
  pass "leader: $leader_node leads term $term ($(since "$t") after all were up)"
else
  abort "leader: no node became leader within $leader_timeout s"
fi
c1=$(container "$leader_node")
admin=/opt/sequent/bin/sequent-admin
if docker exec "$c1" test -x "$admin"; then
  if out=$(timeout 30 docker exec "$c1" "$admin" --nodes n1:9000,n2:9000,n3:9000 status 2>&1); then
    info "sequent-admin status:"; echo "$out" | sed 's/^/      /'
  else
    info "sequent-admin status did not work yet (not counted): $(echo "$out" | grep -v '^\s*at ' | head -2 | tr '\n' ' ')"
  fi
fi

# ---- 5. native libraries and DNS, seen from inside the leader -----------------------------------
maps=$(docker exec "$c1" sh -c 'cat /proc/$(pidof java)/maps' 2>/dev/null || true)
tmp=$(docker exec "$c1" ls /tmp 2>/dev/null | tr '\n' ' ')
if echo "$maps" | grep -q 'librocksdbjni'; then
  pass "rocksdb: JNI library extracted to /tmp and loaded ($(echo "$maps" | grep -o '/tmp/librocksdbjni[^ ]*' | head -1))"
else
  flunk "rocksdb: librocksdbjni is not mapped in the java process (/tmp: $tmp)"
fi
# Optional to Sequent (NIO works too), so only reported: does the shaded Netty find its epoll library?
if echo "$maps" | grep -q 'netty_transport_native_epoll'; then
  info "netty: the shaded gRPC Netty loaded its native epoll transport"
else
  info "netty: no native epoll library mapped (gRPC runs on NIO)"
fi
ips=
for n in $nodes; do
  ip=$(docker exec "$c1" nslookup "$n" 2>/dev/null | awk '/^Address/ && $NF !~ /:53$/ { a = $NF } END { print a }')
  ips="$ips $n=${ip:-?}"
done
case "$ips" in
  *'=?'*) flunk "dns: container names don't all resolve from $leader_node:$ips" ;;
  *) pass "dns: from $leader_node, Docker's DNS resolves$ips (the peers themselves connect by name)" ;;
esac

# ---- 6. kill -9 the leader's java inside its container, restart it ------------------------------
# A marker on the node's /data volume shows below that the data survives the kill and the restart.
docker exec "$c1" touch /data/.smoke-marker || abort "kill: docker exec touch /data/.smoke-marker"
docker exec "$c1" sh -c 'kill -9 $(pidof java)' || abort "kill: docker exec kill -9"
deadline=$(( $(date +%s) + 30 ))
while [ "$(docker inspect -f '{{.State.Running}}' "$c1")" = true ]; do
  [ "$(date +%s)" -lt "$deadline" ] || abort "kill: $leader_node still running 30 s after kill -9"
  sleep 0.2
done
code=$(docker inspect -f '{{.State.ExitCode}}' "$c1")
[ "$code" = 137 ] && pass "kill: $leader_node's java killed with -9; the container exited 137" \
  || flunk "kill: $leader_node exited $code, not 137"
t=$(now_ms)
docker start "$c1" >/dev/null || abort "restart: docker start $leader_node"
if wait_log "$c1" "Node $leader_node is up" 2 "$up_timeout"; then
  pass "restart: $leader_node is up again $(since "$t") after docker start"
  if docker exec "$c1" test -f /data/.smoke-marker; then
    pass "restart: $leader_node kept /data across kill -9 and start (RocksDB store reopened there)"
  else
    flunk "restart: $leader_node lost /data across kill -9 and start"
  fi
else
  flunk "restart: $leader_node did not log 'is up' again within $up_timeout s"
fi
if leader=$(wait_leader_after "$term"); then
  pass "re-election: ${leader#* } leads term ${leader%% *} (was $leader_node in term $term)"
else
  flunk "re-election: no leader for a term after $term within $leader_timeout s"
fi
errors=$(for n in $nodes; do docker logs "$(container "$n")" 2>&1; done | grep -cE ' ERROR |FATAL' || true)
info "log lines with ERROR or FATAL across the three nodes: $errors"
