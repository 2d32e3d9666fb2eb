#!/usr/bin/env bash
# Router vs direct benchmark (not part of verify). Run from the repository root:
#   image-router-service/bench/run.sh [-Dbench.imageMb=256 -Dbench.rounds=4 -Dbench.streams=2 -Dbench.metadataGets=2000]
# Results are printed and kept in image-router-service/target/failsafe-reports/*RouterBenchmark-output.txt
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -pl image-router-service -am -Pbench verify \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=RouterBenchmark -Dfailsafe.failIfNoSpecifiedTests=false "$@"
grep -A14 '=== image-router benchmark' image-router-service/target/failsafe-reports/*RouterBenchmark-output.txt
