# ilctl up --install-glance: Glance, PostgreSQL, Keystone and the openstack/glance clients from Debian
# (docs/ilctl.md, docs/keystone.md; system-tests/run.sh has its own copy). Needs root.
set -euo pipefail
# Without these answers the Glance packages try to configure a database, RabbitMQ and Keystone.
for q in "glance-common glance/configure_db boolean false" \
         "glance-common glance/configure_rabbit boolean false" \
         "glance-common glance/configure_ksat boolean false" \
         "glance-api glance/configure_api-endpoint boolean false"; do
  echo "$q" | debconf-set-selections
done
# Keystone's postinst would otherwise run db_sync on /var/lib/keystone, bootstrap an admin and register an endpoint.
for q in "keystone keystone/configure_db boolean false" \
         "keystone keystone/create-admin-tenant boolean false" \
         "keystone keystone/register-endpoint boolean false"; do
  echo "$q" | debconf-set-selections
done
# Other package runs may hold the dpkg lock: wait for it instead of failing.
apt-get -o DPkg::Lock::Timeout=900 update
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends \
  glance-api python3-psycopg2 postgresql keystone uwsgi-plugin-python3 sqlite3 curl procps \
  python3-openstackclient python3-glanceclient
# The packaged glance-api service listens on 9292, image-router-service's port; ilctl runs its own hosts instead.
# The packaged keystone service holds 5000, the stack's Keystone port.
for unit in glance-api keystone; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$unit" 2>/dev/null; then
    systemctl disable --now "$unit"
  fi
done
