#!/usr/bin/env python
"""cluster_capacity at scale: N+1 and N+2 of a 64-node cluster with 8,000 VMs in one remote execution.

Builds a simulated lab (default: 64 nodes, 8,000 VMs, all clustered), runs ``hyperv.cluster.cluster_capacity`` with
real ansible-playbook on hv1 for each ``--failures`` value (default 1 and 2: 64 and 2,016 scenarios), and prints one
row per run: failures, scenarios checked, survives, wall time, remote executions, the task's own time.

    .venv/bin/python benchmarks/cluster_capacity_scale.py
    .venv/bin/python benchmarks/cluster_capacity_scale.py --nodes 16 --vms 2000 --failures 1 2 3

Exits non-zero if a task fails or costs anything but one read. Figures come from this script, never from timed
tests (see benchmarks/README.md).
"""

import argparse
import os
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests'))

from labkit import Lab  # noqa: E402  pylint: disable=wrong-import-position
from _benchkit import lab_directory, task_seconds, verdict  # noqa: E402  pylint: disable=wrong-import-position


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--nodes', type=int, default=64, help='nodes in the lab (default 64)')
    parser.add_argument('--vms', type=int, default=8000, help='VMs, all clustered (default 8000)')
    parser.add_argument('--failures', type=int, nargs='+', default=[1, 2], help='values of failures (default 1 2)')
    parser.add_argument('--lab-dir', help='build the lab here and keep it (default: a temporary directory)')
    return parser.parse_args(argv)


def seconds_text(run):
    seconds = task_seconds(run, 'capacity')
    return '-' if seconds is None else '%.2f' % seconds


def main(argv=None):
    args = parse_args(argv)
    with lab_directory(args.lab_dir) as directory:
        started = time.monotonic()
        lab = Lab.create(directory, nodes=args.nodes, vms=args.vms, clustered_vms=args.vms)
        print('lab: %d nodes, %d VMs (all clustered); built in %.1f s; %s'
              % (args.nodes, args.vms, time.monotonic() - started, directory))
        columns = ('failures', 'scenarios', 'survives', 'wall s', 'executions', 'task s')
        header = '%-9s %10s %9s %8s %11s %12s' % columns
        print(header)
        print('-' * len(header))
        problems = []
        for failures in args.failures:
            playbook = lab.tasks_playbook(directory, [{'name': 'capacity', 'hyperv.cluster.cluster_capacity': {
                'failures': failures}}], name='capacity-%d.yml' % failures)
            before = len(lab.executions())
            started = time.monotonic()
            run = lab.playbook(playbook)
            wall = time.monotonic() - started
            executions = lab.executions()[before:]
            result = run.result('capacity', 'hv1') if run.rc == 0 else {}
            if run.rc != 0 or result.get('failed'):
                problems.append('failures=%d: %s' % (failures, result.get('msg') or run.stderr[-1500:]))
            if [entry['mode'] for entry in executions] != ['read']:
                problems.append('failures=%d: expected one read, got %s'
                                % (failures, [entry['mode'] for entry in executions]))
            print('%-9d %10s %9s %8.2f %11d %12s' % (failures, result.get('scenarios_checked'), result.get('survives'),
                                                     wall, len(executions), seconds_text(run)))
        return verdict(problems)


if __name__ == '__main__':
    sys.exit(main())
