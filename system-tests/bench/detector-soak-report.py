#!/usr/bin/env python3
"""Figures of a detector-soak.sh run: downloads per phase, health transitions, false DOWNs and admin changes in the
fault-free soak, hang -> DOWN, kill -> DOWN samples, load, the monitor's counters, resources at start and end.
Usage: detector-soak-report.py OUT_DIR"""
import glob, json, math, re, sys
from datetime import datetime, timezone

out = sys.argv[1]
FAR = 1 << 62


def ms(iso):
    return int(datetime.fromisoformat(iso.replace('Z', '+00:00')).timestamp() * 1000)


def utc(m):
    return datetime.fromtimestamp(m / 1000, timezone.utc).strftime('%H:%M:%S.%f')[:-3]


times = dict(l.split() for l in open(f'{out}/times.txt'))
t0, s0 = int(times['t0_ms']), int(times['stress_start_ms'])
f0 = int(times.get('faults_start_ms', FAR))
s1 = int(times.get('stress_end_ms', FAR))
faults = {'kill_ms': []}
for l in open(f'{out}/faults.txt'):
    p = l.split()
    for k, v in zip(p[::2], p[1::2]):
        if k == 'kill_ms':
            faults['kill_ms'].append(int(v))
        else:
            faults[k] = v
victim = faults.get('victim')
kills = faults['kill_ms']
hang, cont = int(faults.get('hang_ms', 0)) or None, int(faults.get('cont_ms', 0)) or None
size = int(open(f'{out}/image.txt').read().split()[-1])
print(f'window: t0 {utc(t0)}; stress from {utc(s0)}; fault-free soak {utc(s0)} - {utc(f0)} ({(f0 - s0) / 1000:.0f} s); '
      f'stress end {utc(s1) if s1 < FAR else "?"}; victim {victim} (admin {faults.get("admin")})')

# Downloads: a failure is a non-200 or a short body. Each row is stamped at its end.
rows = []
for f in sorted(glob.glob(f'{out}/downloads-*.log')):
    for l in open(f):
        p = l.split()
        if len(p) >= 4:
            rows.append((int(p[0]), p[1], int(p[2]), float(p[3])))
print(f'clients {len(glob.glob(f"{out}/downloads-*.log"))}, image {size} bytes')


def summary(name, sel):
    fails = [r for r in sel if r[1] != '200' or r[2] != size]
    lat = sorted(r[3] for r in sel)
    q = lambda x: lat[min(len(lat) - 1, int(x * len(lat)))] if lat else 0
    print(f'downloads {name}: {len(sel)} total, {len(fails)} failed; seconds p50 {q(.5):.2f} p99 {q(.99):.2f} max {q(1):.2f}')
    for r in fails[:20]:
        print(f'   failed, ended {utc(r[0])}: code {r[1]} bytes {r[2]} after {r[3]:.2f} s')
    return len(fails)


summary('before stress', [r for r in rows if r[0] < s0])
soak_failed = summary('fault-free soak under stress', [r for r in rows if s0 <= r[0] < f0])
summary('faults (hang, kills) under stress', [r for r in rows if f0 <= r[0] <= s1])
summary('after stress', [r for r in rows if r[0] > s1])

# Host health: transitions are status changes per host (the topic also carries the 30 s republish of settled status).
recs = []
for l in open(f'{out}/host-health.jsonl'):
    r = json.loads(l)
    if r['value']:
        recs.append((ms(r['timestamp']), r['key'], r['value']))
recs.sort(key=lambda x: x[0])
last, transitions = {}, []
for ts, host, v in recs:
    if last.get(host) != v['status']:
        if host in last:
            transitions.append((ts, host, last[host], v))
        last[host] = v['status']
print('host-health transitions after t0:')
for ts, host, old, v in transitions:
    if ts >= t0:
        print(f'   {utc(ts)} {host} {old} -> {v["status"]} reason {v["reason"]} probeLatency {v["probeLatencyMicros"]} us')
false_down = [t for t in transitions if t[0] >= t0 and t[3]['status'] == 'DOWN' and (t[0] < f0 or t[1] != victim)]
print(f'false DOWN transitions (any host before the faults, other hosts after): {len(false_down)}')
for ts, host, old, v in false_down:
    back = next((t[0] for t in transitions if t[1] == host and t[0] > ts and t[3]['status'] == 'UP'), None)
    print(f'   {host} DOWN at {utc(ts)} ({v["reason"]}) for {(back - ts) / 1000 if back else "?"} s')


def victim_after(start, status, end=FAR):
    return next((t for t in transitions if t[1] == victim and start <= t[0] < end and t[3]['status'] == status), None)


if hang:
    d = victim_after(hang, 'DOWN', cont + 30_000)
    print(f'SIGSTOP -> DOWN: {d[0] - hang} ms, reason {d[3]["reason"]}' if d else 'SIGSTOP -> DOWN: no DOWN record')
    u = victim_after(cont, 'UP')
    print(f'SIGCONT -> UP: {u[0] - cont} ms' if u else 'SIGCONT -> UP: no UP record')
samples = []
for k in kills:
    d = victim_after(k, 'DOWN', k + 30_000)
    if d:
        samples.append(d[0] - k)
        print(f'kill -9 at {utc(k)} -> DOWN {d[0] - k} ms (record timestamp), reason {d[3]["reason"]}')
    else:
        print(f'kill -9 at {utc(k)} -> no DOWN record within 30 s')
if samples:
    s = sorted(samples)
    p99 = s[max(math.ceil(.99 * len(s)), 1) - 1]
    print(f'kill -> DOWN over {len(s)} samples: min {s[0]} p50 {s[(len(s) - 1) // 2]} p99 {p99} max {s[-1]} ms')

adm, seen = [], set()  # the file holds the full read after the run plus the live tails: records repeat
for l in open(f'{out}/admin-endpoint.jsonl'):
    r = json.loads(l)
    if r['value'] and ms(r['timestamp']) >= t0 and (r['partition'], r['offset']) not in seen:
        seen.add((r['partition'], r['offset']))
        adm.append(r)
print(f'admin changes in the fault-free soak: {sum(1 for r in adm if ms(r["timestamp"]) < f0)}; after t0 in all: {len(adm)}')
for r in adm:
    v = r['value']
    print(f'   {r["timestamp"]} {v["previousHostId"]} -> {v["hostId"]} {v["reason"]} epoch {v["epoch"]}')

loads = [(int(l.split()[0]), float(l.split()[1])) for l in open(f'{out}/load.log')]
st = [x for t, x in loads if s0 + 60000 <= t <= min(f0, s1)]
if st:
    print(f'load average (1 min) in the soak, from 60 s in: min {min(st)} median {sorted(st)[len(st) // 2]} max {max(st)}'
          f' ({len(st)} samples)')


def counters(f):
    d = {}
    for l in open(f):
        m = re.match(r'^(imagelib_monitor_\w+)(\{[^}]*\})? ([0-9.eE+-]+)$', l.strip())
        if m and m.group(1).endswith('_total'):
            tags = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ''))
            key = (m.group(1), tuple(sorted((k, v) for k, v in tags.items() if k in ('outcome', 'trigger', 'to', 'host'))))
            d[key] = d.get(key, 0) + float(m.group(3))
    return d


try:
    c0, c1 = counters(f'{out}/metrics-start.txt'), counters(f'{out}/metrics-end.txt')
    print('host-monitor counters over the run (end - start):')
    for key in sorted(c1):
        delta = c1[key] - c0.get(key, 0)
        if delta:
            print(f'   {key[0]} {dict(key[1])}: {delta:.0f}')
except FileNotFoundError:
    print('host-monitor counters: not recorded')


def res(f):
    d = {}
    for l in list(open(f))[1:]:
        p = l.rstrip('\n').split('\t')
        d[p[0]] = p[1:]
    return d


a, b = res(f'{out}/res-start.tsv'), res(f'{out}/res-end.tsv')
print('| process | RSS start (MiB) | RSS end (MiB) | threads start | threads end | fds start | fds end |')
print('|---|---|---|---|---|---|---|')
for n in a:
    e = b.get(n, ['-'] * 4)
    mib = lambda x: f'{int(x) / 1024:.0f}' if x.isdigit() else x
    print(f'| {n} | {mib(a[n][1])} | {mib(e[1])} | {a[n][2]} | {e[2]} | {a[n][3]} | {e[3]} |')
print(f'VERDICT fault-free soak: false DOWN {len([t for t in false_down if t[0] < f0])}, admin changes '
      f'{sum(1 for r in adm if ms(r["timestamp"]) < f0)}, failed downloads {soak_failed}')
