#!/usr/bin/env bash
# A standalone Keystone on 127.0.0.1 from the Debian packages (keystone, python3-openstackclient): its own
# SQLite database, fernet keys and log under DIR, served by uwsgi on PORT. Never touches /etc/keystone or the
# packaged init script, and stops only the PID it wrote. Recipe and pitfalls: docs/keystone.md.
#
#   keystone-local.sh start  --dir DIR --port P [--password PW] [--region R]
#   keystone-local.sh stop   --dir DIR
#   keystone-local.sh status --dir DIR
#   keystone-local.sh env    --dir DIR      # prints OS_* exports for the openstack CLI (admin, project scope)
#
# The first start of an empty DIR writes keystone.conf, runs db_sync, fernet/credential setup and bootstrap
# (user admin / PW, project admin, region R, identity endpoints on http://127.0.0.1:P/v3). Later starts reuse it.
set -euo pipefail

cmd=${1:-}; shift || true
dir=""; port=""; password="admin-local-secret"; region="RegionOne"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --password) password=$2; shift 2 ;;
    --region) region=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n "$cmd" && -n "$dir" ]] || { sed -n '5,9p' "$0" >&2; exit 2; }
mkdir -p "$dir/log"
dir=$(cd "$dir" && pwd)
pidfile="$dir/keystone.pid"
conf="$dir/keystone.conf"
# The Debian scripts must run on the system python: a pyenv/venv python3 earlier on PATH has no keystone module.
export PATH="/usr/sbin:/usr/bin:/sbin:/bin"

die() { echo "keystone-local: $*" >&2; exit 1; }

# A SIGKILLed uwsgi is reparented (setsid, the script exited) to an init that may reap it late: until then it is a
# zombie, which `kill -0` still reports as alive. So "alive" means a process whose state is not Z.
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ -n "$state" && $state != Z* ]]
}

running_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid; pid=$(cat "$pidfile")
  [[ -n "$pid" ]] && alive "$pid" && echo "$pid"
}

saved_port() { sed -n 's/^port=//p' "$dir/local.env" 2>/dev/null; }

answers() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/v3"; }

# Rewritten on every start so a reused DIR picks up recipe changes (it holds nothing but paths and tuning).
write_conf() {
  cat > "$conf" <<CONF
[DEFAULT]
log_dir = $dir/log
log_file = keystone.log
[database]
connection = sqlite:///$dir/keystone.db
[token]
provider = fernet
expiration = 3600
[fernet_tokens]
key_repository = $dir/fernet-keys
[fernet_receipts]
key_repository = $dir/fernet-keys
[credential]
key_repository = $dir/credential-keys
[catalog]
driver = sql
[cache]
# In-process cache (one worker, so invalidation on update is seen by every later request): without it each request
# re-reads token, user, project and roles from SQLite and takes 1-5 s on a loaded machine; with it 30-300 ms.
enabled = true
backend = dogpile.cache.memory
[identity]
# bcrypt's default 12 rounds cost ~0.3 s of CPU per token on an idle core; a local test Keystone needs no more.
password_hash_rounds = 4
CONF
}

init_dir() {
  command -v keystone-manage >/dev/null || die "keystone-manage not found: apt-get install keystone python3-openstackclient"
  mkdir -p "$dir/log" "$dir/fernet-keys" "$dir/credential-keys"
  write_conf
  local as_me="--keystone-user $(id -un) --keystone-group $(id -gn)"
  keystone-manage --config-file "$conf" db_sync
  # WAL: with the default rollback journal a commit fails with "database is locked" after a few requests, even in
  # one single-threaded worker (a read transaction left open blocks the writer); in WAL readers never block it.
  sqlite3 "$dir/keystone.db" 'PRAGMA journal_mode=WAL;'
  keystone-manage --config-file "$conf" fernet_setup $as_me
  keystone-manage --config-file "$conf" credential_setup $as_me
  keystone-manage --config-file "$conf" bootstrap \
    --bootstrap-username admin --bootstrap-password "$password" \
    --bootstrap-project-name admin --bootstrap-role-name admin \
    --bootstrap-service-name keystone --bootstrap-region-id "$region" \
    --bootstrap-admin-url "http://127.0.0.1:$port/v3" \
    --bootstrap-public-url "http://127.0.0.1:$port/v3" \
    --bootstrap-internal-url "http://127.0.0.1:$port/v3"
  printf 'port=%s\npassword=%s\nregion=%s\n' "$port" "$password" "$region" > "$dir/local.env"
  chmod 600 "$dir/local.env"
}

start() {
  if pid=$(running_pid); then echo "keystone already running (pid $pid) on port $(saved_port)"; return 0; fi
  if [[ -f "$dir/local.env" ]]; then
    [[ -z "$port" || "$port" == "$(saved_port)" ]] || die "$dir was bootstrapped for port $(saved_port), not $port"
    port=$(saved_port)
    write_conf
  else
    [[ -n "$port" ]] || die "--port is required the first time"
    local t0=$SECONDS
    init_dir > "$dir/log/init.log" 2>&1 || { tail -20 "$dir/log/init.log" >&2; die "init failed (log: $dir/log/init.log)"; }
    echo "initialised $dir in $((SECONDS - t0)) s"
  fi
  ! answers "$port" 2>/dev/null || die "port $port already answers HTTP: another Keystone?"
  local started; started=$(date +%s%N)
  # One worker, no threads: with uwsgi threads SQLite fails ("SQLite objects created in a thread can only be used
  # in that same thread", POST 500), and one process keeps the in-process cache coherent. Clients connect to
  # uwsgi's HTTP router (--http, keep-alive), never to the worker: with --http-socket the CLI's second request on a
  # kept-alive connection is reset, and with --http11-socket an idle kept-alive connection holds the only worker,
  # so every other client waits ~4 s (the socket timeout). The master forwards TERM to router and worker: its PID
  # is all we stop.
  OS_KEYSTONE_CONFIG_FILES="$conf" setsid nohup uwsgi --plugin python3,http \
    --http "127.0.0.1:$port" --http-keepalive --wsgi-file /usr/bin/keystone-wsgi-public \
    --master --processes 1 --die-on-term --need-app --buffer-size 65535 \
    --env "OS_KEYSTONE_CONFIG_FILES=$conf" >> "$dir/log/uwsgi.log" 2>&1 < /dev/null &
  echo $! > "$pidfile"
  for _ in $(seq 1 600); do
    if answers "$port" 2>/dev/null; then
      echo "keystone up on http://127.0.0.1:$port/v3 (pid $(cat "$pidfile"), ready in $(( ($(date +%s%N) - started) / 1000000 )) ms)"
      return 0
    fi
    running_pid > /dev/null || { tail -20 "$dir/log/uwsgi.log" >&2; rm -f "$pidfile"; die "uwsgi exited"; }
    sleep 0.1
  done
  die "keystone did not answer within 60 s (log: $dir/log/uwsgi.log)"
}

stop() {
  local pid
  if ! pid=$(running_pid); then rm -f "$pidfile"; echo "keystone not running"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -KILL "$pid"; fi
  rm -f "$pidfile"
  echo "keystone stopped (pid $pid)"
}

status() {
  local pid
  if pid=$(running_pid) && answers "$(saved_port)"; then
    echo "running pid $pid port $(saved_port)"; return 0
  fi
  echo "stopped"; return 3
}

print_env() {
  [[ -f "$dir/local.env" ]] || die "$dir is not initialised"
  # shellcheck disable=SC1091
  source "$dir/local.env"
  cat <<ENV
export OS_AUTH_URL=http://127.0.0.1:$port/v3
export OS_IDENTITY_API_VERSION=3
export OS_USERNAME=admin
export OS_PASSWORD=$password
export OS_PROJECT_NAME=admin
export OS_USER_DOMAIN_NAME=Default
export OS_PROJECT_DOMAIN_NAME=Default
export OS_REGION_NAME=$region
export OS_INTERFACE=public
ENV
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) print_env ;;
  *) sed -n '5,9p' "$0" >&2; exit 2 ;;
esac
