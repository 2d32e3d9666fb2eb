#!/usr/bin/env bash
# ElectionCommands (ReplyingKafkaTemplate, partitions assigned) vs a ReplyingKafkaTemplate with a group (not part of verify). Run from the repository root:
#   endpoint-service/bench/run.sh [-Dbench.rounds=300 -Dbench.warmup=50 -Dbench.starts=5]
# Results are printed and kept in endpoint-service/target/command-reply-bench.txt
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -pl endpoint-service -am -Pbench verify \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=CommandReplyBenchmark -Dfailsafe.failIfNoSpecifiedTests=false "$@"
cat endpoint-service/target/command-reply-bench.txt
