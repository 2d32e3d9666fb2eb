#!/usr/bin/env bash
# Detector soak (issue 19 item 4), one command: CPU stress + steady downloads through the router with no real fault for
# --duration seconds (the figure: 0 DOWN transitions, 0 admin changes, 0 failed downloads), then, still under stress and
# downloads, the faults: a SIGSTOP hang of one non-admin Glance host (--hang-for s, then SIGCONT), and --kills kill -9 of
# that host (restarted with `ilctl up` between kills) for kill -> DOWN samples. Resources (RSS, threads, fds) of every
# process of the stack and the monitor's counters are taken at the start and at the end. Every loop has a deadline.
#
# Needs a running local stack: ./ilctl up --dir "$STACK" [--port-offset N]
# Usage: system-tests/bench/detector-soak.sh STACK_DIR OUT_DIR [options]
#   --duration S      fault-free soak under stress (default 1800)
#   --clients N       concurrent download loops (default 40; the false DOWNs came with 25-50)
#   --image-mib M     size of the downloaded image (default 32: long enough downloads keep each host streaming)
#   --hang-for S      SIGSTOP of the victim for S seconds, 0 = no hang (default 20)
#   --kills N         kill -9 samples, each followed by a restart of the victim (default 1)
#   --kill-spacing S  seconds from one kill to the next (default 60)
#   --warmup S        downloads before the stress starts, and after it ends (default 30)
#   --cpu N           stress-ng --cpu N (default 16); --no-stress: none (a quick check of the script itself)
#   --port-offset N   the stack's ilctl --port-offset (default 0)
# Then: python3 system-tests/bench/detector-soak-report.py OUT_DIR
# Writes into OUT_DIR: downloads-*.log (epoch_ms http_code bytes seconds), load.log, res-start.tsv, res-end.tsv,
# metrics-start.txt, metrics-end.txt, host-health.jsonl, admin-endpoint.jsonl, times.txt, faults.txt, restart-*.log.
set -u
STACK=${1:?stack dir}; OUT=${2:?out dir}; shift 2
DURATION=1800; CLIENTS=40; IMAGE_MIB=32; HANG_FOR=20; KILLS=1; KILL_SPACING=60; WARMUP=30; CPU=16; OFFSET=0
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --image-mib) IMAGE_MIB=$2; shift 2 ;;
    --hang-for) HANG_FOR=$2; shift 2 ;;
    --kills) KILLS=$2; shift 2 ;;
    --kill-spacing) KILL_SPACING=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --cpu) CPU=$2; shift 2 ;;
    --no-stress) CPU=0; shift ;;
    --port-offset) OFFSET=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ILCTL="$ROOT/ilctl"
ROUTER="http://127.0.0.1:$((9292 + OFFSET))"
MONITOR="http://127.0.0.1:$((8092 + OFFSET))"
TAIL_ARGS=(--bootstrap "127.0.0.1:$((9092 + OFFSET))" --registry "http://127.0.0.1:$((8081 + OFFSET))/apis/ccompat/v7")
# Faults: hang at +10 s, 30 s to come back UP after SIGCONT, then the kills.
FAULTS=$(( (HANG_FOR > 0 ? 10 + HANG_FOR + 30 : 0) + KILLS * KILL_SPACING ))
STRESS=$((DURATION + FAULTS))
TOTAL=$((WARMUP + STRESS + WARMUP))
mkdir -p "$OUT"
: > "$OUT/faults.txt"
now_ms() { date +%s%3N; }
say() { echo "$(date -u +%H:%M:%S) $*"; }
sleep_until() { local left=$(( $1 - $(date +%s) )); [ "$left" -gt 0 ] && sleep "$left"; return 0; }

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

monitor_metrics() {  # the monitor's own counters: probes by outcome, excused timeouts, served reports, transitions
  curl -sS -m 10 "$MONITOR/actuator/prometheus" | grep '^imagelib_monitor_' | grep -v '_latency_' || true
}

# Waits until host-health shows HOST with STATUS in a record received after line FROM; prints the line count then.
await_status() {  # HOST STATUS FROM TIMEOUT_S
  local deadline=$(( $(date +%s) + $4 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if tail -n +"$(( $3 + 1 ))" "$OUT/live-host-health.jsonl" | grep "\"key\":\"$1\"" | grep -q "\"status\":\"$2\""; then
      return 0
    fi
    sleep 0.2
  done
  say "no $2 record for $1 within $4 s"; return 1
}

# One image to download, created through the router (Keystone token when the stack has one).
AUTH=()
if [ -f "$STACK/openrc" ]; then
  source "$STACK/openrc"
  AUTH=(-H "X-Auth-Token: $(openstack token issue -f value -c id)")
fi
head -c $((IMAGE_MIB * 1024 * 1024)) /dev/urandom > "$OUT/image.raw"
IMAGE=$(curl -sS -m 60 "${AUTH[@]}" -H 'Content-Type: application/json' -X POST "$ROUTER/v2/images" \
  -d '{"name":"detector-soak","disk_format":"raw","container_format":"bare"}' | grep -o '"id": *"[^"]*"' | head -1 | cut -d'"' -f4)
curl -sS -m 300 "${AUTH[@]}" -H 'Content-Type: application/octet-stream' -X PUT --data-binary @"$OUT/image.raw" \
  "$ROUTER/v2/images/$IMAGE/file" || { echo "upload failed" >&2; exit 1; }
SIZE=$(stat -c %s "$OUT/image.raw"); rm -f "$OUT/image.raw"
echo "image $IMAGE size $SIZE" | tee "$OUT/image.txt"
say "soak: ${DURATION}s without faults at stress-ng --cpu $CPU, $CLIENTS clients, then faults for ${FAULTS}s; total ${TOTAL}s"

TAIL_END=$(( $(date +%s) + 180 + TOTAL + 900 ))
# Live tails, for pacing the faults; at load 30+ a tail's first metadata fetch can time out, so each one is restarted
# until the end (records repeat; the report keeps one per partition and offset). The figures are taken from a full
# read of both topics after the run.
TAILS=()
for topic in host-health admin-endpoint; do
  ( while [ "$(date +%s)" -lt $TAIL_END ]; do
      timeout $((TAIL_END + 10 - $(date +%s))) "$ILCTL" events tail "$topic" --from-beginning \
        --timeout "$((TAIL_END - $(date +%s)))s" "${TAIL_ARGS[@]}" 2>> "$OUT/tail-$topic.err"
      sleep 1
    done >> "$OUT/live-$topic.jsonl" ) &
  TAILS+=($!)
done
deadline=$(( $(date +%s) + 180 ))
until [ -s "$OUT/live-admin-endpoint.jsonl" ] || [ "$(date +%s)" -gt "$deadline" ]; do sleep 1; done
# Downloads and load samples run until the stop file, written WARMUP s after the stress (restarts may stretch the
# faults); END only bounds them should the script die.
T0=$(now_ms); END=$((T0 / 1000 + TOTAL + 900)); STOP="$OUT/stop"; rm -f "$STOP"
echo "t0_ms $T0" > "$OUT/times.txt"
resources > "$OUT/res-start.tsv"
monitor_metrics > "$OUT/metrics-start.txt"

LOOPS=()
for c in $(seq 1 "$CLIENTS"); do
  ( while [ ! -e "$STOP" ] && [ "$(date +%s)" -lt "$END" ]; do
      r=$(curl -sS -o /dev/null -m 120 "${AUTH[@]}" -w '%{http_code} %{size_download} %{time_total}' \
            "$ROUTER/v2/images/$IMAGE/file" 2>>"$OUT/curl-$c.err")
      echo "$(now_ms) $r"
    done > "$OUT/downloads-$c.log" ) &
  LOOPS+=($!)
done
( while [ ! -e "$STOP" ] && [ "$(date +%s)" -lt "$END" ]; do echo "$(now_ms) $(cut -d' ' -f1-3 /proc/loadavg)"; sleep 10; done > "$OUT/load.log" ) &
LOOPS+=($!)

sleep "$WARMUP"
echo "stress_start_ms $(now_ms)" >> "$OUT/times.txt"
STRESS_PID=""
if [ "$CPU" -gt 0 ]; then
  timeout $((STRESS + 900)) stress-ng --cpu "$CPU" --quiet &   # ended after the last fault below
  STRESS_PID=$!
fi
say "stress started; fault-free for ${DURATION}s"
sleep "$DURATION"
echo "faults_start_ms $(now_ms)" >> "$OUT/times.txt"

ADMIN=$(tail -1 "$OUT/live-admin-endpoint.jsonl" | grep -o '"hostId":"[^"]*"' | head -1 | cut -d'"' -f4)
VICTIM=""
for f in "$STACK"/pids/host-*.pid; do
  h=$(basename "$f" .pid); [ "$h" != "$ADMIN" ] && { VICTIM=$h; break; }
done
echo "admin $ADMIN victim $VICTIM" >> "$OUT/faults.txt"
say "faults on $VICTIM (admin is $ADMIN)"

F=$(date +%s)
if [ "$HANG_FOR" -gt 0 ]; then
  sleep_until $((F + 10))
  VPID=$(head -1 "$STACK/pids/$VICTIM.pid")
  FROM=$(wc -l < "$OUT/live-host-health.jsonl")
  echo "hang_ms $(now_ms)" >> "$OUT/faults.txt"
  kill -STOP "$VPID"
  say "SIGSTOP $VICTIM (pid $VPID) for ${HANG_FOR}s"
  sleep_until $((F + 10 + HANG_FOR))
  echo "cont_ms $(now_ms)" >> "$OUT/faults.txt"
  kill -CONT "$VPID"
  say "SIGCONT $VICTIM"
  await_status "$VICTIM" UP "$FROM" 30
  F=$((F + 10 + HANG_FOR + 30))
fi

for k in $(seq 1 "$KILLS"); do
  sleep_until $((F + (k - 1) * KILL_SPACING))
  VPID=$(head -1 "$STACK/pids/$VICTIM.pid")
  FROM=$(wc -l < "$OUT/live-host-health.jsonl")
  echo "kill_ms $(now_ms)" >> "$OUT/faults.txt"
  kill -9 "$VPID"
  say "kill -9 $VICTIM (pid $VPID), sample $k of $KILLS"
  await_status "$VICTIM" DOWN "$FROM" 30
  if [ "$k" -lt "$KILLS" ]; then
    FROM=$(wc -l < "$OUT/live-host-health.jsonl")
    timeout 300 "$ILCTL" up --dir "$STACK" --port-offset "$OFFSET" > "$OUT/restart-$k.log" 2>&1
    await_status "$VICTIM" UP "$FROM" 60
    echo "restarted_ms $(now_ms)" >> "$OUT/faults.txt"
    sleep 10   # settled and serving again before the next kill, however long the restart took
  fi
done

sleep_until $((F + KILLS * KILL_SPACING))
[ -n "$STRESS_PID" ] && { kill "$STRESS_PID"; wait "$STRESS_PID"; }
echo "stress_end_ms $(now_ms)" >> "$OUT/times.txt"
say "stress ended; downloads go on for ${WARMUP}s"
sleep "$WARMUP"
touch "$STOP"
wait "${LOOPS[@]}"
for topic in host-health admin-endpoint; do
  timeout 120 "$ILCTL" events tail "$topic" --from-beginning --timeout 20s "${TAIL_ARGS[@]}" > "$OUT/$topic.jsonl" 2>> "$OUT/tail-$topic.err"
  cat "$OUT/live-$topic.jsonl" >> "$OUT/$topic.jsonl"
done
for t in "${TAILS[@]}"; do pkill -P "$t"; kill "$t"; done 2>/dev/null
wait "${TAILS[@]}" 2>/dev/null
resources > "$OUT/res-end.tsv"
monitor_metrics > "$OUT/metrics-end.txt"
say "done: python3 $ROOT/system-tests/bench/detector-soak-report.py $OUT"
