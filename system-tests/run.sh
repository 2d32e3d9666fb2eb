#!/usr/bin/env bash
# System tests against real Glance hosts in network namespaces. Needs root (netns, bridge, apt).
# Called by .ci/run after ./mvnw verify; safe to run again (apt steps are idempotent).
#   SYSTEM_TESTS_BUDGET        seconds for the Maven run (default 1500)
#   SYSTEM_TESTS_BENCH_TRIALS  trials of bench/failover after the tests (default 3; 0 skips it)
#   SYSTEM_TESTS_SKIP_APT=1    skip the package step (machine already provisioned)
#   SYSTEM_TESTS_LANE=N        run on namespaces ilsysN-* and 10.203.N.0/24 (N 1..9) beside another checkout's run
set -euo pipefail
cd "$(dirname "$0")/.."

export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
budget=${SYSTEM_TESTS_BUDGET:-1500}

if [ "$(id -u)" != 0 ]; then
  echo "system-tests need root (network namespaces, a bridge, apt)" >&2
  exit 1
fi

install_packages() {
  local wanted=(glance-api python3-psycopg2 postgresql python3-openstackclient haproxy iproute2)
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "system-tests: packages already installed"
    return
  fi
  local t0=$SECONDS
  # One Glance recipe (debconf answers, dpkg lock wait) for both: ilctl up --install-glance's script; the others ride along.
  bash ilctl-cli/src/main/resources/io/imagelib/ilctl/stack/install-glance.sh "${missing[@]}"
  echo "system-tests: installed ${missing[*]} in $(( SECONDS - t0 )) s"
}

[ "${SYSTEM_TESTS_SKIP_APT:-0}" = 1 ] || install_packages

# The Debian postgresql package may start a cluster on 5432; the tests run their own private cluster and leave it alone.
# -DskipTests: the upstream modules' tests already ran in ./mvnw verify; the system-tests module's failsafe ignores
# that flag (its skipTests is bound to the -Psystem profile), so only the system tests run here. Service jars built
# by the earlier ./mvnw verify (<module>/target/<module>-*.jar) are picked up; scenarios needing a missing one skip.
t0=$SECONDS
timeout --signal=TERM --kill-after=60 "$budget" \
  ./mvnw -B -ntp -Psystem -pl system-tests -am verify -DskipTests
echo "system-tests: maven run took $(( SECONDS - t0 )) s"

# `ilctl up` with real glance-api hosts (RealGlanceStackIT, bound to -Psystem in ilctl-cli/pom.xml; ~2-4 min).
t0=$SECONDS
timeout --signal=TERM --kill-after=60 600 \
  ./mvnw -B -ntp -Psystem -pl :ilctl -am verify -DskipTests
echo "system-tests: ilctl real-Glance stack took $(( SECONDS - t0 )) s"

trials=${SYSTEM_TESTS_BENCH_TRIALS:-3}
if [ "$trials" -gt 0 ]; then
  t0=$SECONDS
  BENCH_BUILD=0 timeout --signal=TERM --kill-after=60 1200 system-tests/bench/failover --trials "$trials"
  echo "system-tests: bench/failover ($trials trials) took $(( SECONDS - t0 )) s"
fi
