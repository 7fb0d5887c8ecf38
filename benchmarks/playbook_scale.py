#!/usr/bin/env python
"""A playbook's converge and no-change re-run on simulated labs of growing size: wall time, remote executions, changes.

For each lab size, builds a fresh simulated lab (``tests/labkit.py``, as ``scripts/lab create DIR --nodes N --preset
P`` does), runs the playbook twice with real ansible-playbook (the ansible.posix.json callback), and prints one row
per run: wall time, changed count, hyperv.cluster module runs, the remote executions the simulated hosts recorded
(``DIR/executions.log``), executions per module run and per node, and the Windows modules of other collections run.

    .venv/bin/python benchmarks/playbook_scale.py                                   # failover_cluster, 3 and 16 nodes
    .venv/bin/python benchmarks/playbook_scale.py --scenario openstack_compute --nodes 3,16,64
    .venv/bin/python benchmarks/playbook_scale.py --playbook playbooks/my.yml --preset clustered --vars my_vars.yml

Flags (and exits 1) when a run fails, when the re-run changes anything (a changed task, a write batch, or the lab
state), or when the re-run costs anything but exactly one remote execution per module run. Figures come from this
script, never from timed tests (see benchmarks/README.md).
"""

import argparse
import collections
import os
import shutil
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests'))

from labkit import Lab  # noqa: E402  pylint: disable=wrong-import-position
from _benchkit import duration_seconds, lab_directory, module_times, time_modules, verdict  # noqa: E402  pylint: disable=wrong-import-position

# A scenario is what a playbook needs to run on a lab made for it. To benchmark another playbook by name, add one here
# (and a row to the scenario table of benchmarks/README.md). ``vms_per_node`` needs the clustered preset.
Scenario = collections.namedtuple('Scenario', 'playbook preset vars vms_per_node summary')
SCENARIOS = {
    'failover_cluster': Scenario(
        'playbooks/failover_cluster.yml', 'prepared', ['playbooks/vars/lab_failover_cluster.yml'], 0,
        'prepared nodes become one cluster with quorum witness, networks and 2 CSVs (everything runs on the leader)'),
    'openstack_compute': Scenario(
        'playbooks/openstack_compute.yml', 'clustered', ['playbooks/vars/lab_openstack_compute.yml'], 1,
        'nova-compute and neutron-hyperv-agent on every node of a cluster, one host aggregate'),
    'site': Scenario(
        'playbooks/site.yml', 'bare', ['playbooks/vars/lab_cluster_prereqs.yml', 'playbooks/vars/lab_failover_cluster.yml',
                                       'playbooks/vars/lab_openstack_compute.yml'], 0,
        'bare nodes to nova-compute on a failover cluster: cluster_prereqs, failover_cluster, openstack_compute'),
}
DEFAULT_SCENARIO = 'failover_cluster'
DEFAULT_NODES = '3,16'

# hyperv.cluster modules send their cmdlet batches through the simulated runner, which records every remote
# execution; the twins of other collections' Windows modules are one module run each on a real host, not recorded.
COLLECTION_PREFIX = 'hyperv.cluster.'
WINDOWS_PREFIXES = ('ansible.windows.', 'community.windows.', 'microsoft.ad.')
# Parts of the lab state that are logs of calls, not state: the OpenStack controller appends every aggregate call.
STATE_LOGS = (('openstack', 'calls'),)
# Per-node cost "stays flat" when the largest lab's figure is at most this much above the smallest lab's.
FLAT_TOLERANCE = 1.25


def node_counts(text):
    try:
        counts = [int(part) for part in text.split(',') if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError('--nodes takes a comma-separated list of numbers, e.g. 3,16,64') from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError('--nodes takes a comma-separated list of positive numbers, e.g. 3,16,64')
    return counts


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--scenario', choices=sorted(SCENARIOS), default=DEFAULT_SCENARIO,
                        help='playbook, lab preset and vars to start from (default %s)' % DEFAULT_SCENARIO)
    parser.add_argument('--playbook', help="playbook to run instead of the scenario's (path from the repository root)")
    parser.add_argument('--preset', choices=('bare', 'prepared', 'clustered'),
                        help="lab preset instead of the scenario's (as scripts/lab create --preset)")
    parser.add_argument('--vars', action='append', metavar='FILE',
                        help="vars file passed as -e @FILE, instead of the scenario's (repeat for several)")
    parser.add_argument('--extra-vars', '-e', action='append', default=[], metavar='VARS',
                        help='more extra vars, passed on to ansible-playbook -e as given (repeatable)')
    parser.add_argument('--nodes', type=node_counts, default=node_counts(DEFAULT_NODES),
                        help='lab sizes, comma-separated (default %s)' % DEFAULT_NODES)
    parser.add_argument('--clusters', type=int, default=1, help='clusters per lab (default 1)')
    parser.add_argument('--vms-per-node', type=int,
                        help="running VMs per node, all clustered (clustered preset only; default: the scenario's)")
    parser.add_argument('--tasks', action='store_true', help='also list each module task of every run')
    parser.add_argument('--lab-dir', help='build the labs in DIR/nodes-N and keep them (default: temporary)')
    args = parser.parse_args(argv)
    scenario = SCENARIOS[args.scenario]
    args.playbook = args.playbook or scenario.playbook
    args.preset = args.preset or scenario.preset
    args.vars = args.vars if args.vars is not None else scenario.vars
    args.vms_per_node = scenario.vms_per_node if args.vms_per_node is None else args.vms_per_node
    if args.preset != 'clustered':
        args.vms_per_node = 0
    missing = [path for path in [args.playbook] + args.vars if not os.path.isfile(in_repo(path))]
    if missing:
        parser.error('no such file: %s' % ', '.join(missing))
    return args


def in_repo(path):
    return path if os.path.isabs(path) else os.path.join(REPO_ROOT, path)


def skipped_by_ansible(result):
    """True when Ansible skipped the task (or item) itself: a false ``when``, an empty loop, check mode unsupported.

    A module may also answer skipped after its read (cluster_validation on a complete cluster): that is a run.
    """
    reasons = ('skip_reason', 'skipped_reason', 'false_condition')
    return bool(result.get('skipped')) and any(key in result for key in reasons)


def module_runs(result):
    """How many times a task ran its module on one host: once, once per loop item that ran, or not at all."""
    if skipped_by_ansible(result):
        return 0
    items = result.get('results')
    if isinstance(items, list) and items and all(isinstance(item, dict) and 'ansible_loop_var' in item for item in items):
        return sum(1 for item in items if not skipped_by_ansible(item))
    return 1


class Measure:
    """One ansible-playbook run on a lab and what it cost."""

    def __init__(self, lab, args):
        self.state_before = comparable_state(lab)
        before, timed_before = len(lab.executions()), len(module_times(lab))
        command_args = [arg for path in args.vars for arg in ('-e', '@' + in_repo(path))]
        command_args += [arg for extra in args.extra_vars for arg in ('-e', extra)]
        started = time.monotonic()
        self.run = lab.playbook(in_repo(args.playbook), args=command_args)
        self.wall = time.monotonic() - started
        self.state_after = comparable_state(lab)
        self.executions = lab.executions()[before:]
        # Seconds inside the simulated runner, summed over the module processes (which run in parallel forks).
        self.runner_seconds = sum(entry['runner_s'] for entry in module_times(lab)[timed_before:])
        self.per_task = collections.OrderedDict()   # task name -> {'runs', 'changed', 'action', 'seconds'}
        self.windows_runs = 0
        self.changed_tasks = []
        self.failures = []
        for play in self.run.results.get('plays', []):
            for task in play.get('tasks', []):
                name = task['task']['name']
                for host, result in task['hosts'].items():
                    action = result.get('action') or ''
                    if result.get('failed') or result.get('unreachable'):
                        self.failures.append('%s on %s: %s' % (name, host, failure_message(result)))
                    if result.get('changed'):
                        self.changed_tasks.append('%s on %s' % (name, host))
                    if action.startswith(COLLECTION_PREFIX):
                        entry = self.per_task.setdefault(name, {'runs': 0, 'changed': 0, 'action': action,
                                                                'seconds': duration_seconds(task) or 0.0})
                        entry['runs'] += module_runs(result)
                        entry['changed'] += 1 if result.get('changed') else 0
                    elif action.startswith(WINDOWS_PREFIXES):
                        self.windows_runs += module_runs(result)
        if self.run.rc != 0 and not self.failures:
            self.failures.append('ansible-playbook rc=%s: %s' % (self.run.rc, (self.run.stderr or self.run.stdout)[-1500:]))

    @property
    def changed(self):
        return sum(stats.get('changed', 0) for stats in self.run.stats.values())

    @property
    def module_runs(self):
        return sum(entry['runs'] for entry in self.per_task.values())

    def modes(self, mode):
        return sum(1 for entry in self.executions if entry.get('mode') == mode)

    def busiest_node(self):
        per_node = collections.Counter(entry['node'] for entry in self.executions)
        return per_node.most_common(1)[0] if per_node else ('-', 0)


def failure_message(result):
    failed_items = [item for item in result.get('results') or [] if isinstance(item, dict) and item.get('failed')]
    return str((failed_items[0] if failed_items else result).get('msg', ''))[:500]


def comparable_state(lab):
    state = lab.raw_state()
    for parent, key in STATE_LOGS:
        (state.get(parent) or {}).pop(key, None)
    return state


def rerun_flags(nodes, rerun):
    flags = []
    if rerun.changed or rerun.changed_tasks:
        flags.append('%d nodes: the re-run changed %d task result(s): %s'
                     % (nodes, len(rerun.changed_tasks), '; '.join(rerun.changed_tasks[:10])))
    if rerun.modes('write'):
        flags.append('%d nodes: the re-run sent %d write batch(es)' % (nodes, rerun.modes('write')))
    if rerun.state_after != rerun.state_before:
        flags.append('%d nodes: the re-run changed the lab state' % nodes)
    if len(rerun.executions) != rerun.module_runs:
        flags.append('%d nodes: the re-run cost %d remote executions for %d module runs (target: one each)'
                     % (nodes, len(rerun.executions), rerun.module_runs))
    return flags


def row(nodes, label, measure):
    busiest, busiest_count = measure.busiest_node()
    executions = len(measure.executions)
    return '%5d %-8s %8.2f %7.3f %9.2f %8d %8d %7d (%d/%d) %9s %8.2f %-11s %8d' % (
        nodes, label, measure.wall, measure.wall / nodes, measure.runner_seconds, measure.changed,
        measure.module_runs, executions,
        measure.modes('read'), measure.modes('write'),
        '%.2f' % (executions / measure.module_runs) if measure.module_runs else '-', executions / nodes,
        '(%s %d)' % (busiest, busiest_count), measure.windows_runs)


def print_tasks(label, measure):
    print('  %s, module tasks:' % label)
    for name, entry in measure.per_task.items():
        print('    %4d runs %4d changed %7.2f s  %s  [%s]' % (
            entry['runs'], entry['changed'], entry['seconds'], name, entry['action']))


def flatness(results):
    """One line per per-node figure of the re-run, smallest lab to largest, and whether it stays flat."""
    if len(results) < 2:
        return []
    lines = []
    for label, figure in (('remote executions per node', lambda nodes, measure: len(measure.executions) / nodes),
                          ('wall seconds per node', lambda nodes, measure: measure.wall / nodes)):
        values = [(nodes, figure(nodes, measure)) for nodes, measure in results]
        smallest, largest = values[0][1], values[-1][1]
        verdict = 'flat' if largest <= smallest * FLAT_TOLERANCE else 'grows %.1fx' % (largest / smallest)
        lines.append('re-run %s: %s (%s)' % (label, ' -> '.join('%d nodes %.3g' % value for value in values), verdict))
    return lines


def main(argv=None):
    args = parse_args(argv)
    print('playbook %s on %s labs (%d cluster(s), %d VMs per node); vars: %s'
          % (args.playbook, args.preset, args.clusters, args.vms_per_node, ', '.join(args.vars) or '-'))
    header = '%5s %-8s %8s %7s %9s %8s %8s %15s %9s %8s %-11s %8s' % (
        'nodes', 'run', 'wall s', 's/node', 'runner s', 'changed', 'mod runs', 'exec (r/w)', 'exec/run', 'exec/node', '(busiest)',
        'win runs')
    problems, reruns = [], []
    with lab_directory(args.lab_dir) as base:
        for nodes in args.nodes:
            directory = os.path.join(base, 'nodes-%d' % nodes)
            if os.path.exists(directory):
                shutil.rmtree(directory)
            started = time.monotonic()
            vms = nodes * args.vms_per_node
            lab = Lab.create(directory, nodes=nodes, clusters=args.clusters, preset=args.preset, vms=vms,
                             clustered_vms=vms)
            time_modules(lab, lab.raw_state()['nodes'])
            print('\nlab: %d nodes, %d VMs; built in %.1f s; %s' % (nodes, vms, time.monotonic() - started, directory))
            print(header)
            print('-' * len(header))
            measures = []
            for label in ('converge', 'rerun'):
                measure = Measure(lab, args)
                measures.append(measure)
                print(row(nodes, label, measure))
                if measure.failures:
                    problems += ['%d nodes, %s: %s' % (nodes, label, failure) for failure in measure.failures[:5]]
                    break
            if args.tasks:
                for label, measure in zip(('converge', 'rerun'), measures):
                    print_tasks(label, measure)
            if len(measures) == 2 and not measures[1].failures:
                problems += rerun_flags(nodes, measures[1])
                reruns.append((nodes, measures[1]))
        print()
        for line in flatness(reruns):
            print(line)
        return verdict(problems, 'ok: every re-run changed nothing and cost one remote execution per module run',
                       heading='FLAGGED')


if __name__ == '__main__':
    sys.exit(main())
