#!/usr/bin/env python3
"""Hand-over on SIGTERM to a replica that has never led, with and without raft.warm-up.

Each trial starts a fresh 3-replica cluster of the sample-app jar (own ports, own data
directories), waits until a leader is elected and then --settle seconds more, sends SIGTERM to the
leader and reads the new leader's leaderSince from /actuator/raft: the figure is leaderSince
minus the instant just before the signal (same clock, one machine). Trials alternate between the
variants, so that the background load of a shared machine falls on both alike. The replica that
takes over must not have won an election before (raft.elections.won = 0 before the signal),
otherwise the trial is reported and discarded.

Also reports, per variant, the CPU seconds (utime + stime of /proc/<pid>/stat) each replica had
used when the signal was sent, and the load average at the start of each trial.

Not part of the build. Usage:
  python3 bench/experiments/cold_handover.py --jar sample-app/target/sample-app-0.1.0-SNAPSHOT.jar \
      --trials 10 --variant off:--raft.warm-up.enabled=false --variant on:--raft.warm-up.enabled=true \
      --variant led:--raft.warm-up.enabled=false:led
A variant whose spec ends in ':led' hands leadership round robin before the signal, so that the
replica taking over has led before (the bench's warm-up): the reference for a warm JVM.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime

CLK_TCK = os.sysconf('SC_CLK_TCK')


def free_ports(n):
    sockets = []
    for _ in range(n):
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        sockets.append(s)
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def get_json(url, timeout=0.5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def status(port):
    try:
        return get_json(f'http://127.0.0.1:{port}/actuator/raft')
    except Exception:
        return None


def elections_won(port):
    try:
        body = get_json(f'http://127.0.0.1:{port}/actuator/metrics/raft.elections.won', timeout=2)
        return int(body['measurements'][0]['value'])
    except Exception:
        return None


def cpu_seconds(pid):
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except OSError:
        return None


def parse_instant(text):
    # 2026-11-30T07:21:03.123456Z (Java prints up to nanoseconds)
    text = text.rstrip('Z')
    if '.' in text:
        head, frac = text.split('.')
        text = head + '.' + (frac + '000000')[:6]
    return datetime.fromisoformat(text + '+00:00').timestamp()


def warmed_up(log):
    """Whether the replica's log says its warm-up ran to the end (raft.warm-up)."""
    with open(log, errors='replace') as f:
        return 'warmed up the election' in f.read()


def post_json(url, body, timeout=5):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method='POST',
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def lead_once_each(procs, ids):
    """Hands leadership round robin until every replica has led, ending with the one that led first."""
    def current():
        for node, (proc, port) in procs.items():
            s = status(port)
            if s and s.get('leader'):
                return node
        return None
    first = current()
    order = [n for n in ids if n != first] + [first]
    for target in order:
        deadline = time.time() + 10
        while time.time() < deadline:
            leader = current()
            if leader == target:
                break
            if leader is not None:
                try:
                    post_json(f'http://127.0.0.1:{procs[leader][1]}/actuator/raft', {'target': target})
                except Exception:
                    pass
            time.sleep(0.3)
        time.sleep(1)


def trial(args, variant_args, log_dir, index, led=False):
    ports = free_ports(3)
    ids = ['n1', 'n2', 'n3']
    data = tempfile.mkdtemp(prefix='cold-handover-')
    peers = [f'--raft.peers.{i}=http://127.0.0.1:{p}' for i, p in zip(ids, ports)]
    procs = {}
    try:
        for node, port in zip(ids, ports):
            cmd = ['java', '-Xmx256m'] + args.jvm_arg + ['-jar', args.jar, f'--server.port={port}',
                   f'--raft.node-id={node}', f'--raft.data-dir={data}/{node}'] + peers + variant_args
            out = open(os.path.join(log_dir, f'trial{index}-{node}.log'), 'w')
            procs[node] = (subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT), port)
        deadline = time.time() + 120
        leader = None
        while time.time() < deadline and leader is None:
            time.sleep(0.2)
            for node, (proc, port) in procs.items():
                s = status(port)
                if s and s.get('leader'):
                    leader = node
        if leader is None:
            return {'error': 'no leader within 120 s'}
        time.sleep(args.settle)
        if led:
            lead_once_each(procs, ids)
            time.sleep(5)
        # Who leads now, and has the others never won?
        leader = None
        for node, (proc, port) in procs.items():
            s = status(port)
            if s and s.get('leader'):
                leader = node
        if leader is None:
            return {'error': 'no active leader after settling'}
        won = {node: elections_won(port) for node, (proc, port) in procs.items() if node != leader}
        cpu = {node: cpu_seconds(proc.pid) for node, (proc, port) in procs.items()}
        load = os.getloadavg()[0]
        offsets = {node: os.path.getsize(os.path.join(log_dir, f'trial{index}-{node}.log')) for node in ids}
        warmed = {node: warmed_up(os.path.join(log_dir, f'trial{index}-{node}.log')) for node in ids}
        killed_at = time.time()
        procs[leader][0].send_signal(signal.SIGTERM)
        new_leader = None
        since = None
        deadline = time.time() + 10
        while time.time() < deadline and new_leader is None:
            for node, (proc, port) in procs.items():
                if node == leader:
                    continue
                s = status(port)
                if s and s.get('leader') and s.get('leaderSince'):
                    new_leader, since = node, parse_instant(s['leaderSince'])
            time.sleep(0.02)
        if new_leader is None:
            return {'error': 'no new leader within 10 s'}
        return {'ms': (since - killed_at) * 1000, 'from': leader, 'to': new_leader,
                'killed_at': datetime.utcfromtimestamp(killed_at).isoformat(timespec='microseconds'),
                'won_before': won.get(new_leader), 'cpu': cpu, 'load': load, 'log_offsets': offsets,
                'warmed_up_before': warmed.get(new_leader)}
    finally:
        for proc, port in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc, port in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(data, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--jar', required=True)
    parser.add_argument('--trials', type=int, default=10)
    parser.add_argument('--settle', type=float, default=20)
    parser.add_argument('--variant', action='append', required=True,
                        help='name:arg1,arg2 (application arguments of every replica)')
    parser.add_argument('--jvm-arg', action='append', default=[])
    parser.add_argument('--logs', default=None)
    args = parser.parse_args()
    # A SIGTERM (such as from timeout(1)) ends the trial through its finally: no replica is left behind
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    variants = []
    for spec in args.variant:
        name, _, rest = spec.partition(':')
        rest, _, mode = rest.partition(':')
        variants.append((name, [a for a in rest.split(',') if a], mode == 'led'))
    log_dir = args.logs or tempfile.mkdtemp(prefix='cold-handover-logs-')
    os.makedirs(log_dir, exist_ok=True)
    print(f'logs in {log_dir}', flush=True)
    results = {name: [] for name, _, _ in variants}
    index = 0
    for t in range(args.trials):
        for name, variant_args, led in (variants if t % 2 == 0 else list(reversed(variants))):
            index += 1
            r = trial(args, variant_args, log_dir, index, led)
            r['variant'] = name
            r['trial'] = index
            print(json.dumps(r), flush=True)
            if 'ms' in r and (r['won_before'] == 0 or led):
                results[name].append(r)
    for name, rs in results.items():
        ms = sorted(r['ms'] for r in rs)
        if not ms:
            print(f'{name}: no valid trial')
            continue
        cpus = [c for r in rs for c in r['cpu'].values() if c is not None]
        loads = [r['load'] for r in rs]
        print(f'{name}: n={len(ms)} median={statistics.median(ms):.1f} ms min={ms[0]:.1f} max={ms[-1]:.1f} '
              f'all={[round(m, 1) for m in ms]} cpu/replica at signal: median={statistics.median(cpus):.2f} s '
              f'load1 {min(loads):.2f}-{max(loads):.2f}')


if __name__ == '__main__':
    sys.exit(main())
