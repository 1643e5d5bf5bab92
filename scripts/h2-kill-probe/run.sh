#!/bin/bash
# Kills H2KillProbe with SIGKILL at random moments and runs it again; each run prints the
# CHECK line of the database it found. Usage: run.sh H2_JAR [KILLS] [DEPOSITS] [TRIES] [serial]
# (the H2 jar: ~/.m2/repository/com/h2database/h2/2.4.240/h2-2.4.240.jar after a build).
set -u
jar=$1; kills=${2:-30}; deposits=${3:-2}; tries=${4:-2}; mode=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
data=$(mktemp -d /tmp/h2-kill-probe.XXXXXX)
for i in $(seq 1 "$kills"); do
  java -cp "$jar" "$here/H2KillProbe.java" "$data" "$deposits" "$tries" $mode > "$data/run.$i" 2>&1 &
  pid=$!
  for _ in $(seq 1 200); do grep -q CHECK "$data/run.$i" && break; sleep 0.1; done
  echo "kill $i: $(grep CHECK "$data/run.$i")"
  sleep "$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.2f", 1 + rand() * 3 }')"
  kill -9 "$pid"; wait "$pid" 2>/dev/null
done
rm -rf "$data"
