#!/usr/bin/env bash
# Detector soak (issue 19 item 4): CPU stress + steady downloads through the router, no real fault,
# then kill -9 of one non-admin Glance host near the end of the stress. Every loop is bounded by a deadline.
#
# Needs a running local stack: ./ilctl up --dir "$STACK"
# Usage: system-tests/bench/detector-soak.sh STACK_DIR OUT_DIR [STRESS_SECONDS] [KILL_AT_SECONDS] [CLIENTS]
# Writes into OUT_DIR: downloads-*.log (epoch_ms http_code bytes seconds), load.log, res-start.tsv, res-end.tsv,
# host-health.jsonl, admin-endpoint.jsonl, kill.txt.
set -u
STACK=${1:?stack dir}; OUT=${2:?out dir}; STRESS=${3:-900}; KILL_AT=${4:-$((STRESS - 120))}; CLIENTS=${5:-4}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ILCTL="$ROOT/ilctl"
mkdir -p "$OUT"
now_ms() { date +%s%3N; }

resources() {  # name pid rss_kib threads fds, for every PID file of the stack plus Kafka and the registry
  printf 'name\tpid\trss_kib\tthreads\tfds\n'
  for f in "$STACK"/pids/*.pid; do
    n=$(basename "$f" .pid); p=$(head -1 "$f")
    [ -d /proc/"$p" ] || { printf '%s\t%s\t-\t-\t-\n' "$n" "$p"; continue; }
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$p" \
      "$(awk '/^VmRSS/{print $2}' /proc/"$p"/status)" "$(awk '/^Threads/{print $2}' /proc/"$p"/status)" \
      "$(ls /proc/"$p"/fd | wc -l)"
  done
  for n in kafka.Kafka imagelib.registry.dir; do
    p=$(pgrep -f -o -- "$n.*$STACK" || true)
    [ -n "$p" ] && printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$p" \
      "$(awk '/^VmRSS/{print $2}' /proc/"$p"/status)" "$(awk '/^Threads/{print $2}' /proc/"$p"/status)" \
      "$(ls /proc/"$p"/fd | wc -l)"
  done
}

# One image to download, created through the router.
source "$STACK/openrc"
TOKEN=$(openstack token issue -f value -c id)
head -c $((4 * 1024 * 1024)) /dev/urandom > "$OUT/image.raw"
IMAGE=$(openstack image create --disk-format raw --container-format bare --file "$OUT/image.raw" soak-image -f value -c id)
SIZE=$(stat -c %s "$OUT/image.raw")
echo "image $IMAGE size $SIZE" | tee "$OUT/image.txt"

TOTAL=$((STRESS + 60))      # 30 s of downloads before the stress, 30 s after
T0=$(now_ms); END=$((T0 / 1000 + TOTAL))
echo "t0_ms $T0" > "$OUT/times.txt"
timeout $((TOTAL + 30)) "$ILCTL" events tail host-health --from-beginning --timeout "$((TOTAL + 20))s" > "$OUT/host-health.jsonl" 2> "$OUT/tail-hh.err" &
timeout $((TOTAL + 30)) "$ILCTL" events tail admin-endpoint --from-beginning --timeout "$((TOTAL + 20))s" > "$OUT/admin-endpoint.jsonl" 2> "$OUT/tail-admin.err" &
resources > "$OUT/res-start.tsv"

for c in $(seq 1 "$CLIENTS"); do
  ( while [ "$(date +%s)" -lt "$END" ]; do
      r=$(curl -sS -o /dev/null -m 60 -H "X-Auth-Token: $TOKEN" -w '%{http_code} %{size_download} %{time_total}' \
            "http://127.0.0.1:9292/v2/images/$IMAGE/file" 2>>"$OUT/curl-$c.err")
      echo "$(now_ms) $r"
    done > "$OUT/downloads-$c.log" ) &
done
( while [ "$(date +%s)" -lt "$END" ]; do echo "$(now_ms) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 10; done > "$OUT/load.log" ) &

sleep 30
echo "stress_start_ms $(now_ms)" >> "$OUT/times.txt"
timeout "$STRESS" stress-ng --cpu 16 --quiet &
STRESS_PID=$!
sleep "$KILL_AT"
ADMIN=$(tail -1 "$OUT/admin-endpoint.jsonl" | grep -o '"hostId":"[^"]*"' | head -1 | cut -d'"' -f4)
VICTIM=""
for h in host-1 host-2 host-3; do [ "$h" != "$ADMIN" ] && { VICTIM=$h; break; }; done
VPID=$(head -1 "$STACK/pids/$VICTIM.pid")
echo "admin $ADMIN victim $VICTIM pid $VPID" > "$OUT/kill.txt"
echo "kill_ms $(now_ms)" >> "$OUT/kill.txt"
kill -9 "$VPID"
wait "$STRESS_PID"
echo "stress_end_ms $(now_ms)" >> "$OUT/times.txt"
wait
resources > "$OUT/res-end.tsv"
echo done
