#!/usr/bin/env bash
# Router vs direct benchmark (not part of verify). Run from the repository root:
#   image-router-service/bench/run.sh [-Dbench.imageMb=256 -Dbench.rounds=4 -Dbench.streams=2 -Dbench.metadataGets=2000
#                                     -Dbench.nicMbit=1000 -Dbench.nicRounds=2 (0: skip the NIC-like case)
#                                     -Dbench.concurrent=500 -Dbench.concurrentRounds=10 (0: skip) -Dbench.concurrentMb=64
#                                     -Dbench.haproxy=/usr/sbin/haproxy (absent: the HAProxy columns are skipped)
#                                     -Dbench.variant=<args,...> (a second router as column routed-B, for A/B in one run:
#                                        Spring arguments, --bench.connector.<tomcat connector property>=<value>,
#                                        --bench.tomcat-protocol=org.apache.coyote.http11.Http11Nio2Protocol)
#                                     -Dbench.dataPlaneB=<args,...> (a second router's data plane as column dataplane-B;
#                                        default: no upstream keep-alive and 1 MiB pipes; empty: none)]
# Results are printed and kept in image-router-service/target/failsafe-reports/*RouterBenchmark-output.txt
set -euo pipefail
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
./mvnw -q -pl image-router-service -am -Pbench verify \
  -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=RouterBenchmark -Dfailsafe.failIfNoSpecifiedTests=false "$@"
sed -n '/=== image-router benchmark/,/load average after run/p' image-router-service/target/failsafe-reports/*RouterBenchmark-output.txt
