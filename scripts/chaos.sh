#!/usr/bin/env bash
# Runs the chaos suite (chaos-tests, tests tagged "chaos") against containers on this machine:
#   scripts/chaos.sh [extra maven arguments]
#
# Examples:
#   scripts/chaos.sh                                  # CI's run: 300 s of faults, a fresh seed
#   scripts/chaos.sh -Dchaos.durationSeconds=3600     # an hour of faults
#   scripts/chaos.sh -Dchaos.seed=4768471409479714363 # replay a run's nemesis schedule
#
# 1. scripts/docker/ensure-docker.sh installs and starts a Docker engine if there is none, reaps
#    containers a killed test JVM left behind, and builds the base image (no registry needed);
# 2. Maven builds what the suite needs (the standalone distribution the coordinator image is made
#    of, the bank node's classes and jars) and runs only the chaos test, in this reactor (no
#    install needed): the other modules' tests are not run again;
# 3. the run must have produced its test report and chaos-tests/target/chaos/summary.json with no
#    violation, or this script fails. The summary is printed.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

bash scripts/docker/ensure-docker.sh

rm -rf chaos-tests/target/chaos chaos-tests/target/surefire-reports
status=0
mvn -B verify -Pchaos -pl chaos-tests -am \
  -Dtest='dev.sequent.chaos.harness.*Test' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfuzz.skip=true "$@" \
  || status=$?

# A failed run still prints its summary below, then fails.
report=$(find chaos-tests/target/surefire-reports -name 'TEST-dev.sequent.chaos.harness.*.xml' \
  2>/dev/null | head -1)
if [ -z "$report" ] || ! grep -q 'tests="[1-9]' "$report"; then
  echo "chaos: no chaos test ran" >&2
  exit 1
fi
echo "chaos: the run's log is in $(ls chaos-tests/target/surefire-reports/*-output.txt 2>/dev/null \
  | head -1), each container's in chaos-tests/target/chaos/logs/"
summary=chaos-tests/target/chaos/summary.json
if [ ! -s "$summary" ]; then
  echo "chaos: $summary was not written" >&2
  exit 1
fi
echo "chaos: summary ($summary):"
cat "$summary"
echo
if [ "$status" -ne 0 ] || ! grep -q '"ok":true' "$summary"; then
  echo "chaos: violations found (see $summary and chaos-tests/target/chaos/)" >&2
  exit 1
fi
echo "chaos: passed"
