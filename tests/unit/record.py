#!/usr/bin/env python
"""Record what ansible.windows.win_powershell answers to the batches of cluster_info and vm_role.

Each scenario builds a simulated lab (hvsim), optionally changes it (a witness, an older quorum type...), runs the
real action plugin with ``_execute_module`` forwarded to ``hvsim.runner.run_batch`` and writes every module call
and raw module result to ``test_data/<scenario>.json``. ``test_recorded.py`` replays those files without the
simulator; ``test_recordings_are_current`` fails when a recording no longer matches the product or the simulator.

    .venv/bin/python tests/unit/record.py            # rewrite every recording
    .venv/bin/python tests/unit/record.py --check    # exit 1 if a recording is stale
"""

import argparse
import copy
import json
import os
import sys
import tempfile

UNIT_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(UNIT_DIR))  # tests/: labkit
sys.path.insert(0, UNIT_DIR)

import collection_path  # noqa: E402  pylint: disable=wrong-import-position

collection_path.install()  # under pytest conftest.py already has; run as a script, this does
from harness import TEST_DATA, RUNNER_SHA256, SimExecutor, edit_lab, recorded_clock, run_action  # noqa: E402
from labkit import Lab  # noqa: E402  pylint: disable=wrong-import-position

BIG_LAB = dict(nodes=3, vms=6, clustered_vms=3, local_vms=1)


def _witness(kind, quorum_type='Majority'):
    def change(data):
        quorum = data['clusters']['hvc1']['quorum']
        quorum['type'] = quorum_type
        if kind is None:
            quorum['witness'] = None
        elif kind == 'disk':
            quorum['witness'] = {'kind': 'disk', 'resource': 'Cluster Disk 3'}
        elif kind == 'file_share':
            quorum['witness'] = {'kind': 'file_share', 'share_path': '\\\\fs01.corp.example.com\\witness\\hvc1'}
        else:
            quorum['witness'] = {'kind': kind}
    return change


def _os_build(node, version, build):
    def change(data):
        data['nodes'][node]['os'].update(version=version, build=build)
    return change


def _disks_seen_by(node):
    def change(data):
        for disk in data['shared_disks']:
            disk['nodes'] = [node]
    return change


PREPARED = dict(nodes=3, preset='prepared')
NODES = ['hv1', 'hv2', 'hv3']

SCENARIOS = {
    'cluster_info_all': dict(
        description='cluster_info, every subset, on a 3-node cluster with 6 clustered VMs and 1 local VM',
        plugin='cluster_info', args={}, lab=dict(nodes=3, vms=6, clustered_vms=6, local_vms=1)),
    'cluster_info_not_clustered': dict(
        description='cluster_info on a node that is prepared but in no cluster',
        plugin='cluster_info', args={}, lab=dict(nodes=2, preset='prepared')),
    'quorum_majority_none': dict(
        description='Windows Server 2016+: Majority, no witness', plugin='cluster_info',
        args={'gather_subset': ['quorum']}, lab=dict(nodes=3), change=_witness(None)),
    'quorum_majority_disk': dict(
        description='Windows Server 2016+: Majority with a disk witness (Physical Disk)', plugin='cluster_info',
        args={'gather_subset': ['quorum']}, lab=dict(nodes=3), change=_witness('disk')),
    'quorum_majority_file_share': dict(
        description='Windows Server 2016+: Majority with a file share witness', plugin='cluster_info',
        args={'gather_subset': ['quorum']}, lab=dict(nodes=2), change=_witness('file_share')),
    'quorum_majority_cloud': dict(
        description='Windows Server 2016+: Majority with a cloud witness', plugin='cluster_info',
        args={'gather_subset': ['quorum']}, lab=dict(nodes=2), change=_witness('cloud')),
    'quorum_disk_only': dict(
        description='DiskOnly quorum (the witness disk alone has the vote)', plugin='cluster_info',
        args={'gather_subset': ['quorum']}, lab=dict(nodes=3), change=_witness('disk', 'DiskOnly')),
    'quorum_2012r2_node_and_disk_majority': dict(
        description='Windows Server 2012 R2 reports the mode itself: NodeAndDiskMajority', plugin='cluster_info',
        args={'gather_subset': ['quorum']}, lab=dict(nodes=2), change=_witness('disk', 'NodeAndDiskMajority')),
    'vm_role_present_new': dict(
        description='vm_role clusters an unclustered VM on CSVs with priority and preferred owners',
        plugin='vm_role', args={'name': 'instance-00000005', 'priority': 'high', 'preferred_owners': ['HV3', 'hv2']},
        lab=BIG_LAB),
    'vm_role_present_new_check': dict(
        description='the same task in check mode', plugin='vm_role', check_mode=True,
        args={'name': 'instance-00000005', 'priority': 'high', 'preferred_owners': ['HV3', 'hv2']}, lab=BIG_LAB),
    'vm_role_unchanged': dict(
        description='vm_role on a VM that is already a clustered role with default settings',
        plugin='vm_role', args={'name': 'instance-00000001'}, lab=BIG_LAB),
    'vm_role_absent': dict(
        description='vm_role state=absent on a clustered VM', plugin='vm_role',
        args={'name': 'instance-00000002', 'state': 'absent'}, lab=BIG_LAB),
    'vm_role_local_storage': dict(
        description='vm_role refuses a VM whose files are on a local disk', plugin='vm_role',
        args={'name': 'local-0001'}, lab=BIG_LAB),
    'validation_passed': dict(
        description='cluster_validation on 3 prepared nodes: every test passes', plugin='cluster_validation',
        args={'nodes': NODES, 'cluster': 'hvc1'}, lab=PREPARED),
    'validation_passed_with_warnings': dict(
        description='cluster_validation on 2 prepared nodes whose shared disks only hv1 sees: storage warnings',
        plugin='cluster_validation', args={'nodes': ['hv1', 'hv2']}, lab=dict(nodes=2, preset='prepared'),
        change=_disks_seen_by('hv1')),
    'validation_failed': dict(
        description='cluster_validation on 3 prepared nodes, hv3 on another OS build: System Configuration fails',
        plugin='cluster_validation', args={'nodes': NODES}, lab=PREPARED,
        change=_os_build('hv3', '10.0.26100', 26100)),
    'validation_failed_accepted': dict(
        description='the same failure, its category accepted', plugin='cluster_validation',
        args={'nodes': NODES, 'accept': ['system configuration']}, lab=PREPARED,
        change=_os_build('hv3', '10.0.26100', 26100)),
    'validation_storage_only': dict(
        description='cluster_validation of the Storage tests only (flag HadUnselectedTests)',
        plugin='cluster_validation', args={'nodes': NODES, 'include': ['Storage'], 'report_dir': 'C:\\Windows\\Temp'},
        lab=PREPARED),
    'validation_cluster_exists': dict(
        description='cluster_validation with cluster hvc1 that already has every node: skipped after one read',
        plugin='cluster_validation', args={'nodes': NODES, 'cluster': 'hvc1'}, lab=dict(nodes=3)),
}


def record(name, directory):
    scenario = SCENARIOS[name]
    lab = Lab.create(os.path.join(directory, name), **scenario['lab'])
    if scenario.get('change'):
        edit_lab(lab.dir, scenario['change'])
    executor = SimExecutor(lab.dir, 'hv1')
    check_mode = scenario.get('check_mode', False)
    with recorded_clock():
        run_action(scenario['plugin'], scenario['args'], executor, check_mode=check_mode)
    exchanges = []
    for call, response in zip(executor.calls, executor.responses):
        module_args = {key: value for key, value in call.module_args.items() if key != 'script'}
        module_args['script_sha256'] = RUNNER_SHA256
        exchanges.append({'module_name': call.module_name, 'module_args': module_args, 'response': response})
    return {'name': name, 'description': scenario['description'], 'plugin': scenario['plugin'],
            'args': scenario['args'], 'check_mode': check_mode, 'lab': scenario['lab'],
            'exchanges': exchanges}


def without_timings(recording):
    recording = copy.deepcopy(recording)
    for exchange in recording['exchanges']:
        for step in (exchange['response'].get('result') or {}).get('calls', []):
            step['elapsed_ms'] = 0
    return recording


def dump(recording):
    return json.dumps(recording, indent=1, sort_keys=True, ensure_ascii=True) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true', help='compare instead of writing')
    parser.add_argument('names', nargs='*', help='scenarios (default: all)')
    options = parser.parse_args(argv)
    stale = []
    with tempfile.TemporaryDirectory(prefix='hyperv-cluster-record-') as directory:
        for name in options.names or sorted(SCENARIOS):
            recording = record(name, directory)
            path = os.path.join(TEST_DATA, name + '.json')
            if options.check:
                try:
                    with open(path, encoding='utf-8') as handle:
                        current = json.load(handle)
                except FileNotFoundError:
                    current = None
                if current is None or without_timings(current) != without_timings(recording):
                    stale.append(name)
                continue
            os.makedirs(TEST_DATA, exist_ok=True)
            with open(path, 'w', encoding='utf-8') as handle:
                handle.write(dump(recording))
            print('wrote %s' % os.path.relpath(path))
    if stale:
        print('stale recordings: %s (rerun tests/unit/record.py)' % ', '.join(stale))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
