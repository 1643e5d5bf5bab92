#!/usr/bin/env sh
# Starts a three-node cluster on 127.0.0.1 in the background, one process per node, from the
# example configs in conf/. Data goes to ${SEQUENT_DATA:-./data}, logs and pid files to
# ${SEQUENT_RUN:-./run}. Stop it with bin/stop-local-cluster.sh.
set -eu
home=$(cd "$(dirname "$0")/.." && pwd)
data=${SEQUENT_DATA:-$PWD/data}
run=${SEQUENT_RUN:-$PWD/run}
mkdir -p "$data" "$run"
for node in n1 n2 n3; do
  pidfile="$run/$node.pid"
  if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "$node is already running (pid $(cat "$pidfile"))"
    continue
  fi
  nohup "$home/bin/sequent-server" --config "$home/conf/$node.properties" \
    "--node.dataDir=$data/$node" > "$run/$node.log" 2>&1 &
  echo $! > "$pidfile"
  echo "started $node (pid $!, log $run/$node.log)"
done
echo "client ports: 127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003"
echo "status:       $home/bin/sequent-admin --nodes 127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003 status"
