# ilctl up --install-glance: the apt recipe of docs/glance-hosts.md (system-tests/run.sh has its own copy, which
# also answers Keystone's questions). Needs root.
set -euo pipefail
# Without these answers the Glance packages try to configure a database, RabbitMQ and Keystone.
for q in "glance-common glance/configure_db boolean false" \
         "glance-common glance/configure_rabbit boolean false" \
         "glance-common glance/configure_ksat boolean false" \
         "glance-api glance/configure_api-endpoint boolean false"; do
  echo "$q" | debconf-set-selections
done
# Other package runs may hold the dpkg lock: wait for it instead of failing.
apt-get -o DPkg::Lock::Timeout=900 update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends \
  glance-api python3-psycopg2 postgresql
# The packaged glance-api service listens on 9292, image-router-service's port; ilctl runs its own hosts instead.
if command -v systemctl >/dev/null && systemctl is-active --quiet glance-api 2>/dev/null; then
  systemctl disable --now glance-api
fi
