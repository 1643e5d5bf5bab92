#!/usr/bin/env sh
# Stops the nodes started by start-local-cluster.sh: SIGTERM, then waits (at most 20 s each).
set -eu
run=${SEQUENT_RUN:-$PWD/run}
for node in n1 n2 n3; do
  pidfile="$run/$node.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -TERM "$pid" 2>/dev/null; then
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
      echo "$node (pid $pid) did not stop in 20 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped $node"
  fi
  rm -f "$pidfile"
done
