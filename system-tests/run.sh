#!/usr/bin/env bash
# System tests against real Glance hosts in network namespaces. Needs root (netns, bridge, apt).
# Called by .ci/run after ./mvnw verify; safe to run again (apt steps are idempotent).
#   SYSTEM_TESTS_BUDGET        seconds for the Maven run (default 2400)
#   SYSTEM_TESTS_BENCH_TRIALS  trials of bench/failover after the tests (default 3; 0 skips it)
#   SYSTEM_TESTS_SKIP_APT=1    skip the package step (machine already provisioned)
#   SYSTEM_TESTS_LANE=N        run on namespaces ilsysN-* and 10.203.N.0/24 (N 1..9) beside another checkout's run
set -euo pipefail
cd "$(dirname "$0")/.."

export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
budget=${SYSTEM_TESTS_BUDGET:-2400}

if [ "$(id -u)" != 0 ]; then
  echo "system-tests need root (network namespaces, a bridge, apt)" >&2
  exit 1
fi

# Installs what is missing of the packages given; returns apt-get's status. Idempotent: installed ones cost nothing.
install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "system-tests: already installed: $*"
    return 0
  fi
  # Without these answers the Glance packages try to configure a database, RabbitMQ and Keystone, and Keystone's
  # postinst runs db_sync on /var/lib/keystone, bootstraps an admin and registers an endpoint.
  for q in "glance-common glance/configure_db boolean false" \
           "glance-common glance/configure_rabbit boolean false" \
           "glance-common glance/configure_ksat boolean false" \
           "glance-api glance/configure_api-endpoint boolean false" \
           "keystone keystone/configure_db boolean false" \
           "keystone keystone/create-admin-tenant boolean false" \
           "keystone keystone/register-endpoint boolean false"; do
    echo "$q" | debconf-set-selections
  done
  # No package may start its service (keystone's uwsgi on port 5000, postgresql, haproxy): the tests run their own.
  # policy-rc.d answering 101 is Debian's switch for that; one already there (containers ship one) is left alone.
  local own_policy="" status=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# system-tests/run.sh: no service starts during its apt-get install\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=/usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  local t0=$SECONDS
  # Other package runs may hold the dpkg lock: wait for it instead of failing.
  apt-get -o DPkg::Lock::Timeout=900 update -qq || status=$?
  [ "$status" != 0 ] || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q \
    --no-install-recommends "${missing[@]}" || status=$?
  if [ -n "$own_policy" ]; then
    rm -f "$own_policy"
    trap - EXIT
  fi
  [ "$status" != 0 ] || echo "system-tests: installed ${missing[*]} in $(( SECONDS - t0 )) s"
  return "$status"
}

if [ "${SYSTEM_TESTS_SKIP_APT:-0}" != 1 ]; then
  install_packages glance-api python3-psycopg2 postgresql python3-openstackclient python3-glanceclient haproxy iproute2
  # The real Keystone of KeystoneCatalogIT (docs/keystone.md). Optional: without it that class is skipped with the
  # reason (JUnit reports it), every other system test still runs.
  install_packages keystone uwsgi-plugin-python3 sqlite3 curl procps \
    || echo "system-tests: keystone could not be installed: KeystoneCatalogIT will be SKIPPED" >&2
fi

# The Debian postgresql package may start a cluster on 5432; the tests run their own private cluster and leave it alone.
# -DskipTests: the upstream modules' tests already ran in ./mvnw verify; the system-tests module's failsafe ignores
# that flag (its skipTests is bound to the -Psystem profile), so only the system tests run here. Service jars built
# by the earlier ./mvnw verify (<module>/target/<module>-*.jar) are picked up; scenarios needing a missing one skip.
t0=$SECONDS
timeout --signal=TERM --kill-after=60 "$budget" \
  ./mvnw -B -ntp -Psystem -pl system-tests -am verify -DskipTests
echo "system-tests: maven run took $(( SECONDS - t0 )) s"

# `ilctl up` with real glance-api hosts and Keystone: RealGlanceStackIT, and OpenstackClientsIT (the openstack and glance
# clients through the router with Keystone tokens), bound to -Psystem in ilctl-cli/pom.xml; ~5-10 min.
t0=$SECONDS
timeout --signal=TERM --kill-after=60 1800 \
  ./mvnw -B -ntp -Psystem -pl :ilctl -am verify -DskipTests
echo "system-tests: ilctl real-Glance stack took $(( SECONDS - t0 )) s"

trials=${SYSTEM_TESTS_BENCH_TRIALS:-3}
if [ "$trials" -gt 0 ]; then
  t0=$SECONDS
  BENCH_BUILD=0 timeout --signal=TERM --kill-after=60 1200 system-tests/bench/failover --trials "$trials"
  echo "system-tests: bench/failover ($trials trials) took $(( SECONDS - t0 )) s"
fi
