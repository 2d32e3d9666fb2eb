#!/usr/bin/env python3
"""Figures of a detector-soak.sh run: downloads, health transitions, admin changes, kill -> DOWN, load, resources.
Usage: detector-soak-report.py OUT_DIR"""
import glob, json, sys
from datetime import datetime

out = sys.argv[1]


def ms(iso):
    return int(datetime.fromisoformat(iso.replace('Z', '+00:00')).timestamp() * 1000)


def utc(m):
    return datetime.utcfromtimestamp(m / 1000).strftime('%H:%M:%S.%f')[:-3]


times = dict(l.split() for l in open(f'{out}/times.txt'))
t0, s0, s1 = int(times['t0_ms']), int(times['stress_start_ms']), int(times.get('stress_end_ms', 0))
kill = {}
for l in open(f'{out}/kill.txt'):
    p = l.split()
    kill.update(dict(zip(p[::2], p[1::2])))
kill_ms = int(kill['kill_ms'])
size = int(open(f'{out}/image.txt').read().split()[-1])
print(f'window: t0 {utc(t0)}, stress {utc(s0)} - {utc(s1)} ({(s1 - s0) / 1000:.0f} s), kill -9 {kill["victim"]} at {utc(kill_ms)}'
      f' (admin {kill["admin"]})')

# Downloads: a failure is a non-200 or a short body.
rows = []
for f in sorted(glob.glob(f'{out}/downloads-*.log')):
    for l in open(f):
        p = l.split()
        if len(p) >= 4:
            rows.append((int(p[0]), p[1], int(p[2]), float(p[3])))
def summary(name, sel):
    fails = [r for r in sel if r[1] != '200' or r[2] != size]
    lat = sorted(r[3] for r in sel)
    q = lambda x: lat[min(len(lat) - 1, int(x * len(lat)))] if lat else 0
    print(f'downloads {name}: {len(sel)} total, {len(fails)} failed; seconds p50 {q(.5):.2f} p99 {q(.99):.2f} max {q(1):.2f}')
    for r in fails[:20]:
        print(f'   failed at {utc(r[0])}: code {r[1]} bytes {r[2]} after {r[3]:.2f} s')
summary('before stress', [r for r in rows if r[0] < s0])
summary('stress, before the kill', [r for r in rows if s0 <= r[0] < kill_ms])
summary('stress, after the kill', [r for r in rows if kill_ms <= r[0] <= (s1 or 1 << 62)])
summary('after stress', [r for r in rows if s1 and r[0] > s1])

# Host health: transitions are status changes per host (the topic also carries the 30 s republish of settled status).
recs = []
for l in open(f'{out}/host-health.jsonl'):
    r = json.loads(l)
    if r['value']:
        recs.append((ms(r['timestamp']), r['key'], r['value']))
recs.sort(key=lambda x: x[0])
last = {}
transitions = []
for ts, host, v in recs:
    if last.get(host) != v['status']:
        if host in last:
            transitions.append((ts, host, last[host], v))
        last[host] = v['status']
print(f'host-health transitions after t0 (the kill at {utc(kill_ms)}):')
for ts, host, old, v in transitions:
    if ts >= t0:
        print(f'   {utc(ts)} {host} {old} -> {v["status"]} reason {v["reason"]} since {v["since"][11:23]}'
              f' probeLatency {v["probeLatencyMicros"]} us')
false_down = [t for t in transitions if t[0] >= t0 and t[3]['status'] == 'DOWN'
              and not (t[1] == kill['victim'] and t[0] >= kill_ms)]
print(f'false DOWN transitions: {len(false_down)}')
for ts, host, old, v in false_down:
    back = next((t[0] for t in transitions if t[1] == host and t[0] > ts and t[3]['status'] == 'UP'), None)
    print(f'   {host} DOWN at {utc(ts)} ({v["reason"]}) for {(back - ts) / 1000 if back else "?"} s')
real = [t for t in transitions if t[1] == kill['victim'] and t[0] >= kill_ms and t[3]['status'] == 'DOWN']
if real:
    ts, host, old, v = real[0]
    print(f'kill -> DOWN: {ts - kill_ms} ms to the record timestamp (since {ms(v["since"]) - kill_ms} ms), reason {v["reason"]}')
else:
    print('kill -> DOWN: no DOWN record for the victim')

adm = []
for l in open(f'{out}/admin-endpoint.jsonl'):
    r = json.loads(l)
    if r['value'] and ms(r['timestamp']) >= t0:
        adm.append(r)
print(f'admin changes after t0: {len(adm)}')
for r in adm:
    v = r['value']
    print(f'   {r["timestamp"]} {v["previousHostId"]} -> {v["hostId"]} {v["reason"]} epoch {v["epoch"]}')

loads = [(int(l.split()[0]), float(l.split()[1])) for l in open(f'{out}/load.log')]
st = [x for t, x in loads if s0 + 60000 <= t <= (s1 or 1 << 62)]
if st:
    print(f'load average (1 min) during stress, from 60 s in: min {min(st)} median {sorted(st)[len(st) // 2]} max {max(st)}'
          f' ({len(st)} samples)')

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
