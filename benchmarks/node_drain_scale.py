#!/usr/bin/env python
"""cluster_node at scale: draining a node that owns 200 VM roles is one cluster-native operation, not 200 moves.

Builds a simulated lab (default: 3 nodes, 600 VMs, all clustered, so hv1 owns 200 VM roles and the two core groups;
every node given 1 TiB of memory so that the other two can take hv1's VMs), then runs ``hyperv.cluster.cluster_node``
with real ansible-playbook (ansible.posix.json callback), one playbook per row:

    drain      name: hv1, state: paused            must cost at most 3 remote executions and move every role
    rerun      the same task                       must cost exactly 1 read and change nothing
    resume     state: resumed, failback: immediate the roles come back (reported, not required)

    .venv/bin/python benchmarks/node_drain_scale.py                        # 3 nodes, 600 VMs
    .venv/bin/python benchmarks/node_drain_scale.py --nodes 4 --vms 1600 --memory-mb 2097152   # hv1 owns 400

Prints wall time, remote executions, roles moved and the drain time the simulated host reported (live migrations
take 1 ms per MB of VM memory in the simulator). Exits non-zero if the drain costs more than 3 executions, leaves a
role on hv1 or does not leave it Paused/Completed, or if the rerun is not one read without change. Figures come from
this script, never from timed tests (see benchmarks/README.md).
"""

import argparse
import os
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests'))

from labkit import Lab  # noqa: E402  pylint: disable=wrong-import-position
from hvsim.state import LabState  # noqa: E402  pylint: disable=wrong-import-position
from _benchkit import lab_directory, verdict  # noqa: E402  pylint: disable=wrong-import-position

NODE = 'hv1'
TASKS = (
    ('drain', {'name': NODE, 'state': 'paused'}),
    ('rerun', {'name': NODE, 'state': 'paused'}),
    ('resume', {'name': NODE, 'state': 'resumed', 'failback': 'immediate'}),
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--nodes', type=int, default=3, help='nodes in the lab, one cluster (default 3)')
    parser.add_argument('--vms', type=int, default=600, help='VMs, round-robin over the nodes, all clustered '
                        '(default 600: hv1 owns 200)')
    parser.add_argument('--memory-mb', type=int, default=1024 * 1024,
                        help='memory of every node in MB (default 1048576, 1 TiB)')
    parser.add_argument('--lab-dir', help='build the lab here and keep it (default: a temporary directory)')
    return parser.parse_args(argv)


def owned_by(lab, node):
    groups = lab.raw_state()['clusters']['hvc1']['groups']
    return sorted(name for name, group in groups.items() if (group.get('owner') or '').lower() == node)


def run_task(lab, directory, label, options):
    playbook = lab.tasks_playbook(directory, [{'name': label, 'hyperv.cluster.cluster_node': options}],
                                  hosts=NODE, name='node_drain_%s.yml' % label)
    before = len(lab.executions())
    started = time.monotonic()
    run = lab.playbook(playbook)
    wall = time.monotonic() - started
    executions = lab.executions()[before:]
    try:
        result = run.result(label, NODE)
    except KeyError as error:
        result = {'failed': True, 'msg': str(error)}
    return wall, executions, result, run


def main(argv=None):
    args = parse_args(argv)
    with lab_directory(args.lab_dir) as directory:
        os.makedirs(directory, exist_ok=True)
        started = time.monotonic()
        lab = Lab.create(directory, nodes=args.nodes, vms=args.vms, clustered_vms=args.vms)
        with LabState.open(lab.dir) as state:
            for node in state.data['nodes'].values():
                node['hardware']['memory_mb'] = args.memory_mb
        build = time.monotonic() - started
        roles = owned_by(lab, NODE)
        vm_roles = sum(1 for role in roles if role.startswith('instance-'))
        print('lab: %d nodes, %d VMs (all clustered), %d MB per node; %s owns %d roles (%d VMs); built in %.1f s; %s'
              % (args.nodes, args.vms, args.memory_mb, NODE, len(roles), vm_roles, build, directory))
        header = '%-7s %8s %11s %-12s %8s %12s %18s' % ('task', 'wall s', 'executions', 'modes', 'changed',
                                                        'roles moved', 'drain s (simulated)')
        print(header)
        print('-' * len(header))
        failures = []
        for label, options in TASKS:
            wall, executions, result, run = run_task(lab, directory, label, options)
            modes = [entry['mode'] for entry in executions]
            duration = result.get('duration_s')
            print('%-7s %8.2f %11d %-12s %8s %12s %18s' % (
                label, wall, len(executions), ','.join(modes), result.get('changed'),
                result.get('roles_moved_count', '-'), '-' if duration is None else '%.1f' % duration))
            if result.get('failed') or run.rc != 0:
                failures.append('%s: failed: %s' % (label, result.get('msg') or run.stderr[-2000:]))
                break
            if label == 'drain':
                if len(executions) > 3:
                    failures.append('drain: %d remote executions (%s), at most 3 allowed' % (len(executions), modes))
                left = owned_by(lab, NODE)
                if left:
                    failures.append('drain: %s still owns %d roles: %s' % (NODE, len(left), left[:5]))
                if result.get('roles_moved_count') != len(roles):
                    failures.append('drain: %s roles moved, %s owned %d'
                                    % (result.get('roles_moved_count'), NODE, len(roles)))
                node = result.get('cluster_node') or {}
                if (node.get('state'), node.get('drain_status')) != ('Paused', 'Completed'):
                    failures.append('drain: %s ended %s / %s' % (NODE, node.get('state'), node.get('drain_status')))
            if label == 'rerun' and (modes != ['read'] or result.get('changed')):
                failures.append('rerun: expected one read and no change, got %s changed=%s' % (
                    modes, result.get('changed')))
        return verdict(failures, 'ok: %d roles drained off %s in one cluster-native write (Suspend-ClusterNode -Drain '
                       '-Wait); the rerun read once and changed nothing' % (len(roles), NODE))


if __name__ == '__main__':
    sys.exit(main())
