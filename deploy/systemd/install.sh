#!/usr/bin/env bash
# Installs the Image Library HA systemd units, drop-ins and example environment files. Idempotent: a file whose
# content is already in place is left alone, and an environment file that exists is never overwritten (it holds
# the operator's settings and secrets). Each service runs as two instances, imagelib@<service>-1 and -2: this writes
# their drop-ins (environment file, port: the service's base port, + 100 for instance 2) and copies the service's own
# drop-ins (dropins/imagelib@<service>.service.d/) to both. Kafka, optional: imagelib-kafka@broker and
# imagelib-kafka@controller, with example configurations in /etc/imagelib/kafka/ (kept once there).
#
#   deploy/systemd/install.sh [--dry-run] [--destdir DIR] [--jars] [--enable]
#
#   --dry-run     print what would change, change nothing
#   --destdir DIR install under DIR (packaging, tests); no systemctl calls then
#   --jars        also copy <module>/target/<module>-*.jar to /opt/imagelib/<module>/<module>.jar
#   --enable      systemctl enable imagelib.target (with daemon-reload); never done under --destdir
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
services=(role-service endpoint-service host-monitor-service image-router-service catalog-sync)
declare -A base_port=([role-service]=8090 [endpoint-service]=8091 [host-monitor-service]=8092
                      [image-router-service]=9292 [catalog-sync]=8093)
instances=(1 2)
dry_run=0 destdir="" jars=0 enable=0 changed=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --destdir) destdir="${2:?--destdir needs a directory}"; shift ;;
    --jars) jars=1 ;;
    --enable) enable=1 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

say() { if [[ $dry_run -eq 1 ]]; then echo "would $*"; else echo "$*"; fi; }

# put MODE SOURCE TARGET [keep]: copies when the content differs; "keep" leaves an existing target untouched.
put() {
  local mode="$1" source="$2" target="$destdir$3" keep="${4:-}"
  if [[ -e "$target" ]]; then
    if [[ -n "$keep" ]]; then echo "kept $3 (exists)"; return; fi
    if cmp -s "$source" "$target"; then echo "unchanged $3"; return; fi
  fi
  say "install $3"
  changed=1
  if [[ $dry_run -eq 0 ]]; then install -D -m "$mode" "$source" "$target"; fi
}

for unit in imagelib@.service imagelib.target imagelib-kafka@.service imagelib-registry.service; do
  put 0644 "$here/$unit" "/etc/systemd/system/$unit"
done
# Kafka (optional): the controller's drop-in, and example node configurations for the operator to complete.
for dropin in "$here/dropins/imagelib-kafka@controller.service.d"/*.conf; do
  put 0644 "$dropin" "/etc/systemd/system/imagelib-kafka@controller.service.d/$(basename "$dropin")"
done
for role in broker controller; do
  put 0640 "$here/kafka/$role.properties" "/etc/imagelib/kafka/$role.properties" keep
done
generated=$(mktemp -d)
trap 'rm -rf "$generated"' EXIT
for service in "${services[@]}"; do
  for n in "${instances[@]}"; do
    unit_dir="/etc/systemd/system/imagelib@$service-$n.service.d"
    printf '%s\n' "# Written by deploy/systemd/install.sh: instance $n of $service." "[Service]" \
      "EnvironmentFile=/etc/imagelib/$service.env" \
      "Environment=IMAGELIB_SERVICE=$service IMAGELIB_PORT=$(( base_port[$service] + 100 * (n - 1) ))" \
      > "$generated/$service-$n.conf"
    put 0644 "$generated/$service-$n.conf" "$unit_dir/10-instance.conf"
    for dropin in "$here/dropins/imagelib@$service.service.d"/*.conf; do
      if [[ -e "$dropin" ]]; then put 0644 "$dropin" "$unit_dir/$(basename "$dropin")"; fi
    done
  done
done
for service in "${services[@]}"; do
  put 0640 "$here/env/$service.env" "/etc/imagelib/$service.env" keep
  if [[ $jars -eq 1 ]]; then
    jar=$(ls "$repo/$service"/target/"$service"-*.jar 2>/dev/null | head -n 1 || true)
    if [[ -z "$jar" ]]; then echo "install.sh: no jar for $service; run ./mvnw -DskipTests package first" >&2; exit 1; fi
    put 0644 "$jar" "/opt/imagelib/$service/$service.jar"
  fi
done

if [[ -z "$destdir" && $dry_run -eq 0 ]]; then
  if [[ $changed -eq 1 ]]; then systemctl daemon-reload; fi
  if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify /etc/systemd/system/imagelib.target || echo "install.sh: systemd-analyze verify reported problems (above)" >&2
  fi
  if [[ $enable -eq 1 ]]; then systemctl enable imagelib.target; fi
fi
if [[ $changed -eq 0 ]]; then echo "nothing to change"; fi
