#!/usr/bin/env python
"""cluster_info at scale: one remote execution per cluster read, however many VMs the cluster holds.

Builds a simulated lab (default: 64 nodes, 8,000 VMs, all clustered, one cluster), runs
``hyperv.cluster.cluster_info`` with real ansible-playbook (ansible.posix.json callback) on the first node of each
cluster, and prints one row per run: nodes, clusters, VMs, wall time, remote executions, result size, vm_groups;
then where the task's time went: the module process on the node, the simulated runner inside it (and the cmdlets
inside that), and the rest (Ansible on the controller: the action plugin, module transfer, JSON in and out).

    .venv/bin/python benchmarks/cluster_info_scale.py                      # 64 nodes, 8,000 VMs, 1 cluster
    .venv/bin/python benchmarks/cluster_info_scale.py --nodes 16 --repeat 3
    .venv/bin/python benchmarks/cluster_info_scale.py --clusters 4 --profile /tmp/ci.prof

Exits non-zero if any cluster_info task fails, costs more than one remote execution, writes, or returns fewer
vm_groups than the lab holds. Figures come from this script, never from timed tests (see benchmarks/README.md).
"""

import argparse
import json
import os
import statistics
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests'))

from labkit import Lab  # noqa: E402  pylint: disable=wrong-import-position
from _benchkit import lab_directory, module_times, task_seconds, time_modules, verdict  # noqa: E402  pylint: disable=wrong-import-position

TASK = 'Read the cluster'


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--nodes', type=int, default=64, help='nodes in the lab (default 64)')
    parser.add_argument('--vms', type=int, default=8000, help='VMs in the lab (default 8000)')
    parser.add_argument('--clustered-vms', type=int, help='how many of them are clustered roles (default: all)')
    parser.add_argument('--clusters', type=int, default=1, help='split the nodes into this many clusters (default 1)')
    parser.add_argument('--repeat', type=int, default=1, help='runs of the playbook on the same lab (default 1)')
    parser.add_argument('--profile', metavar='FILE', help='profile the module processes on the nodes with cProfile: '
                        'statistics in FILE.<pid>, and the top functions of the last run printed')
    parser.add_argument('--lab-dir', help='build the lab here and keep it (default: a temporary directory)')
    args = parser.parse_args(argv)
    if args.clustered_vms is None:
        args.clustered_vms = args.vms
    return args


def leaders(lab):
    """The first node of each cluster, as playbooks/cluster_leaders.yml chooses them."""
    plan = lab.raw_state()['plan']
    return {cluster: members[0] for cluster, members in sorted(plan.items(), key=lambda item: int(item[0][3:]))}


def run_once(lab, playbook, hosts):
    before = len(lab.executions())
    started = time.monotonic()
    run = lab.playbook(playbook)
    wall = time.monotonic() - started
    executions = lab.executions()[before:]
    problems = []
    if run.rc != 0:
        problems.append('ansible-playbook rc=%s\n%s' % (run.rc, run.stderr[-2000:] or run.stdout[-2000:]))
    per_host = {}
    for host in hosts:
        try:
            result = run.result(TASK, host)
        except KeyError as error:
            problems.append(str(error))
            continue
        if result.get('failed') or result.get('unreachable'):
            problems.append('%s: %s' % (host, result.get('msg')))
        per_host[host] = result
    for host in hosts:
        mine = [entry for entry in executions if entry['node'] == host]
        if len(mine) != 1 or mine[0]['mode'] != 'read':
            problems.append('%s: expected 1 read execution, got %s' % (host, [entry['mode'] for entry in mine]))
    others = [entry for entry in executions if entry['node'] not in hosts]
    if others:
        problems.append('executions on nodes that ran no task: %s' % others)
    return wall, executions, per_host, problems, run


def print_time_split(splits):
    """Where each run's task time went, on the slowest leader (the task lasts as long as it)."""
    columns = ('run', 'task s', 'module s', 'runner s', 'cmdlets s', 'controller s')
    header = '%-4s %9s %9s %9s %10s %13s' % columns
    print('\n' + header)
    print('-' * len(header))
    for number, task, timed in splits:
        slowest = max(timed, key=lambda entry: entry['process_s'], default=None)
        if task is None or slowest is None:
            print('%-4d %9s   (no timing: the task or its module did not report)' % (number, '-'))
            continue
        print('%-4d %9.2f %9.2f %9.2f %10.2f %13.2f' % (
            number, task, slowest['process_s'], slowest['runner_s'], slowest['cmdlets_s'], task - slowest['process_s']))


def print_profile(prefix, timed, limit=15):
    """The functions in which the last run's newest module process spent the most time of its own."""
    import pstats  # pylint: disable=import-outside-toplevel
    directory, name = os.path.split(os.path.abspath(prefix))
    files = sorted(os.path.join(directory, entry) for entry in os.listdir(directory or '.')
                   if entry.startswith(name + '.'))
    if not files or not timed:
        print('no profile written under %s' % prefix)
        return
    newest = max(files, key=os.path.getmtime)
    print('\nprofile of the last module process (%s), top %d by own time:' % (newest, limit))
    pstats.Stats(newest).sort_stats('tottime').print_stats(limit)


def main(argv=None):
    args = parse_args(argv)
    with lab_directory(args.lab_dir) as directory:
        started = time.monotonic()
        lab = Lab.create(directory, nodes=args.nodes, clusters=args.clusters, vms=args.vms,
                         clustered_vms=args.clustered_vms)
        build = time.monotonic() - started
        state_bytes = os.path.getsize(os.path.join(directory, 'state.json'))
        chosen = leaders(lab)
        hosts = list(chosen.values())
        time_modules(lab, hosts, profile=args.profile)
        groups = {cluster: sum(1 for group in data['groups'].values() if group['type'] == 'VirtualMachine')
                  for cluster, data in lab.raw_state()['clusters'].items()}
        playbook = lab.tasks_playbook(directory, [{'name': TASK, 'hyperv.cluster.cluster_info': {}}],
                                      hosts=':'.join(hosts), name='cluster_info_scale.yml')
        print('lab: %d nodes, %d cluster(s), %d VMs (%d clustered); built in %.1f s; state.json %d bytes; %s'
              % (args.nodes, args.clusters, args.vms, args.clustered_vms, build, state_bytes, directory))
        columns = ('run', 'nodes', 'clusters', 'VMs', 'wall s', 'executions', 'result bytes', 'vm_groups')
        header = '%-4s %6s %9s %7s %9s %15s %13s %10s' % columns
        print(header)
        print('-' * len(header))
        failures, walls, splits = [], [], []
        for number in range(1, args.repeat + 1):
            timed_before = len(module_times(lab))
            wall, executions, per_host, problems, run = run_once(lab, playbook, hosts)
            walls.append(wall)
            splits.append((number, task_seconds(run, TASK), module_times(lab)[timed_before:]))
            failures += problems
            sizes = [len(json.dumps(result, separators=(',', ':'))) for result in per_host.values()]
            returned = sum(len(result.get('vm_groups') or []) for result in per_host.values())
            for cluster, host in chosen.items():
                result = per_host.get(host) or {}
                if len(result.get('vm_groups') or []) != groups[cluster]:
                    failures.append('%s (on %s): %d vm_groups returned, the lab holds %d'
                                    % (cluster, host, len(result.get('vm_groups') or []), groups[cluster]))
            print('%-4d %6d %9d %7d %9.2f %15s %13d %10d' % (
                number, args.nodes, args.clusters, args.vms, wall,
                '%d (%d/cluster)' % (len(executions), len(executions) // max(len(hosts), 1)) if len(hosts) > 1
                else str(len(executions)), sum(sizes), returned))
        if args.repeat > 1:
            print('wall time: min %.2f s, median %.2f s, max %.2f s over %d runs'
                  % (min(walls), statistics.median(walls), max(walls), len(walls)))
        print_time_split(splits)
        if args.profile:
            print_profile(args.profile, splits[-1][2])
        return verdict(failures, 'ok: every cluster read in exactly one remote execution, nothing written')


if __name__ == '__main__':
    sys.exit(main())
