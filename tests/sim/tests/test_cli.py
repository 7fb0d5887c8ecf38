"""scripts/lab as a user runs it (a subprocess), against the contract in docs/lab.md and hvsim/cli.py."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from hvsim import runner
from hvsim.state import LabState

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
LAB = os.path.join(REPO, 'scripts', 'lab')
TWINS = os.path.join(REPO, 'tests', 'sim', 'collections')


def lab_cli(*args, check=None):
    environment = {key: value for key, value in os.environ.items() if key not in ('PYTHONPATH', 'HVSIM_LAB',
                                                                                  'HVSIM_NODE')}
    environment['PYTHON'] = sys.executable
    process = subprocess.run([LAB] + [str(arg) for arg in args], capture_output=True, text=True,
                             check=False, env=environment)
    if check is not None:
        assert (process.returncode == 0) is check, (process.returncode, process.stdout, process.stderr)
    return process


@pytest.fixture(scope='module')
def cli_lab(tmp_path_factory):
    """A lab made by `lab create`, shared by the tests that only read it."""
    directory = tmp_path_factory.mktemp('cli') / 'lab'
    process = lab_cli('create', directory, '--nodes', 4, '--clusters', 2, '--vms', 6, '--clustered-vms', 3,
                      '--local-vms', 1, check=True)
    return str(directory), process


def show_json(directory):
    return json.loads(lab_cli('show', directory, '--json', check=True).stdout)


# --- create -------------------------------------------------------------------------------------------------------

def test_create_reports_and_writes_the_lab_files(cli_lab):
    directory, process = cli_lab
    assert process.stdout.startswith('lab created in %s: 4 nodes, preset clustered' % directory)
    assert 'ANSIBLE_CONFIG=%s/ansible.cfg' % directory in process.stdout
    for name in ('state.json', 'inventory.yml', 'ansible.cfg'):
        assert os.path.isfile(os.path.join(directory, name)), name


def test_inventory_has_per_host_interpreter_wrappers(cli_lab):
    directory, _process = cli_lab
    with open(os.path.join(directory, 'inventory.yml'), encoding='utf-8') as handle:
        inventory = yaml.safe_load(handle)
    variables = inventory['all']['vars']
    assert variables['ansible_connection'] == 'local'
    assert variables['ansible_become'] is False
    assert variables['hyperv_lab_dir'] == directory
    hosts = inventory['all']['children']['hyperv']['hosts']
    assert list(hosts) == ['hv1', 'hv2', 'hv3', 'hv4']
    for name, host in hosts.items():
        wrapper = host['ansible_python_interpreter']
        assert wrapper == os.path.join(directory, 'bin', 'python-%s' % name)
        assert os.access(wrapper, os.X_OK)
    children = inventory['all']['children']
    assert children['cluster_hvc1'] == {'hosts': {'hv1': {}, 'hv2': {}}, 'vars': {'hyperv_cluster_name': 'hvc1'}}
    assert children['cluster_hvc2'] == {'hosts': {'hv3': {}, 'hv4': {}}, 'vars': {'hyperv_cluster_name': 'hvc2'}}


def test_interpreter_wrapper_runs_python_as_the_node(cli_lab):
    directory, _process = cli_lab
    wrapper = os.path.join(directory, 'bin', 'python-hv3')
    environment = {key: value for key, value in os.environ.items() if key != 'PYTHONPATH'}
    process = subprocess.run([wrapper, '-c', 'import os, hvsim.runner; print(os.environ["HVSIM_LAB"]); '
                                             'print(os.environ["HVSIM_NODE"])'],
                             capture_output=True, text=True, check=False, env=environment)
    assert process.returncode == 0, process.stderr
    assert process.stdout.split() == [directory, 'hv3']


def test_ansible_cfg_puts_the_twins_first(cli_lab):
    directory, _process = cli_lab
    with open(os.path.join(directory, 'ansible.cfg'), encoding='utf-8') as handle:
        text = handle.read()
    paths = [line.split('=', 1)[1].strip() for line in text.splitlines() if line.startswith('collections_path')]
    assert len(paths) == 1
    assert paths[0].split(':') == [TWINS, os.path.join(directory, 'collections')]
    assert 'inventory = %s' % os.path.join(directory, 'inventory.yml') in text


def test_collection_link_points_at_the_checkout(cli_lab):
    directory, _process = cli_lab
    link = os.path.join(directory, 'collections', 'ansible_collections', 'hyperv', 'cluster')
    assert os.path.islink(link)
    assert os.path.realpath(link) == os.path.realpath(REPO)
    assert os.path.isfile(os.path.join(link, 'galaxy.yml'))


def test_create_refuses_to_overwrite_without_force(tmp_path):
    directory = tmp_path / 'lab'
    lab_cli('create', directory, '--nodes', 1, '--preset', 'bare', check=True)
    with open(directory / 'state.json', 'rb') as handle:
        before = handle.read()
    process = lab_cli('create', directory, '--nodes', 3)
    assert process.returncode != 0
    assert process.stderr.strip() == 'lab: %s already holds a lab (use --force to replace it)' % directory
    with open(directory / 'state.json', 'rb') as handle:
        assert handle.read() == before
    # A --force with bad options does not destroy the lab either.
    assert lab_cli('create', directory, '--nodes', 0, '--force').returncode != 0
    with open(directory / 'state.json', 'rb') as handle:
        assert handle.read() == before
    lab_cli('create', directory, '--nodes', 3, '--force', check=True)
    assert sorted(show_json(directory)['nodes']) == ['hv1', 'hv2', 'hv3']


# --- show ---------------------------------------------------------------------------------------------------------

def test_show_json_documented_keys(cli_lab):
    directory, _process = cli_lab
    data = show_json(directory)
    assert {'schema', 'domain', 'nodes', 'clusters', 'vms'} <= set(data)
    assert data['schema'] == 1 and data['domain'] == 'corp.example.com'
    node_keys = {'state', 'power', 'cluster', 'domain', 'os_version', 'memory_mb', 'features', 'pending_reboot',
                 'vm_count'}
    for node in data['nodes'].values():
        assert node_keys <= set(node)
    assert data['nodes']['hv1']['state'] == 'Up' and data['nodes']['hv1']['cluster'] == 'hvc1'
    assert data['nodes']['hv4']['cluster'] == 'hvc2'
    assert data['nodes']['hv1']['vm_count'] == 3      # instance-1, instance-5, local-0001
    assert sorted(data['clusters']) == ['hvc1', 'hvc2']
    cluster = data['clusters']['hvc1']
    assert {'nodes', 'quorum', 'csvs', 'networks', 'groups'} <= set(cluster)
    assert cluster['nodes'] == {'hv1': {'state': 'Up', 'drain_status': 'NotInitiated'},
                                'hv2': {'state': 'Up', 'drain_status': 'NotInitiated'}}
    assert cluster['quorum']['type'] == 'Majority' and cluster['quorum']['lost'] is False
    assert cluster['quorum']['witness']['kind'] == 'file_share'
    for csv in cluster['csvs'].values():
        assert {'path', 'owner', 'state', 'size_bytes', 'free_bytes'} <= set(csv)
        assert 0 < csv['free_bytes'] < csv['size_bytes']
    for group in cluster['groups'].values():
        assert {'owner', 'state', 'priority', 'type', 'preferred_owners'} <= set(group)
    assert cluster['groups']['instance-00000001'] == {'owner': 'hv1', 'state': 'Online', 'priority': 2000,
                                                      'type': 'VirtualMachine', 'preferred_owners': []}
    assert cluster['groups']['Cluster Group']['type'] == 'Cluster'
    assert data['clusters']['hvc2']['groups']['instance-00000003']['owner'] == 'hv3'
    assert sorted(data['vms']) == ['instance-%08x' % number for number in range(1, 7)] + ['local-0001']
    for vm in data['vms'].values():
        assert {'id', 'host', 'state', 'storage', 'path', 'memory_mb', 'clustered'} <= set(vm)
    assert data['vms']['instance-00000002'] == dict(data['vms']['instance-00000002'], host='hv2', state='Running',
                                                    storage='csv', memory_mb=2048, clustered=True)
    assert data['vms']['instance-00000003']['clustered'] is True
    assert data['vms']['instance-00000004']['clustered'] is False
    assert data['vms']['local-0001']['storage'] == 'local'
    assert data['faults'] == []


def test_show_summary(cli_lab):
    directory, _process = cli_lab
    text = lab_cli('show', directory, check=True).stdout
    assert 'cluster hvc1: nodes hv1=Up, hv2=Up; quorum Majority + file_share witness' in text
    assert 'instance-00000001' in text
    assert text.rstrip().endswith('vms: 7 (3 clustered)')
    assert 'armed faults: none' in text
    assert 'services:' not in text and 'openstack:' not in text      # nothing installed, nothing registered


# --- fault --------------------------------------------------------------------------------------------------------

def test_fault_node_down_and_up(tmp_path):
    directory = tmp_path / 'lab'
    lab_cli('create', directory, '--nodes', 3, '--vms', 3, '--clustered-vms', 3, check=True)
    process = lab_cli('fault', directory, 'node-down', 'hv1', check=True)
    lines = process.stdout.splitlines()
    assert lines[0] == 'hv1 is down; 3 clustered roles failed over'   # instance-00000001 and the two core groups
    assert any(line.strip().startswith('instance-00000001 -> hv') for line in lines[1:])
    data = show_json(directory)
    assert data['nodes']['hv1']['state'] == 'Down' and data['nodes']['hv1']['power'] == 'off'
    assert data['vms']['instance-00000001']['host'] in ('hv2', 'hv3')
    assert data['vms']['instance-00000001']['state'] == 'Running'
    outcome = runner.run_batch(str(directory), 'hv1', {'BatchJson': json.dumps(
        {'protocol': 1, 'mode': 'read', 'calls': []})}, False)
    assert outcome['unreachable'] is True

    process = lab_cli('fault', directory, 'node-up', 'HV1', check=True)
    assert process.stdout.strip() == 'HV1 is up'
    data = show_json(directory)
    assert data['nodes']['hv1']['state'] == 'Up' and data['nodes']['hv1']['power'] == 'on'


def test_fault_on_an_unknown_node(cli_lab):
    directory, _process = cli_lab
    process = lab_cli('fault', directory, 'node-down', 'hv9')
    assert process.returncode != 0
    assert process.stderr.strip() == 'lab: no node hv9 in the lab'


MIGRATION_FAULTS = ('migration-fail', 'migration-timeout', 'node-down-during-migration',
                    'source-down-during-migration')


def test_migration_faults_are_armed_listed_and_cleared(tmp_path):
    directory = tmp_path / 'lab'
    lab_cli('create', directory, '--nodes', 3, '--vms', 3, '--clustered-vms', 3, check=True)
    expected = []
    for kind, node in zip(MIGRATION_FAULTS, ('hv2', 'HV3', 'hv1', 'hv2')):
        process = lab_cli('fault', directory, kind, node, check=True)
        assert process.stdout.startswith('armed %s on %s: ' % (kind, node.lower()))
        expected.append({'kind': kind, 'node': node.lower()})
    data = show_json(directory)
    assert data['faults'] == expected
    # Arming changes nothing else: every node is still up, no VM moved.
    assert {node['state'] for node in data['nodes'].values()} == {'Up'}
    assert [vm['host'] for vm in data['vms'].values()] == ['hv1', 'hv2', 'hv3']
    text = lab_cli('show', directory, check=True).stdout
    assert ('armed faults: migration-fail hv2, migration-timeout hv3, node-down-during-migration hv1, '
            'source-down-during-migration hv2') in text
    assert lab_cli('fault', directory, 'clear', check=True).stdout.strip() == '4 armed faults cleared'
    assert show_json(directory)['faults'] == []
    assert lab_cli('fault', directory, 'clear', check=True).stdout.strip() == '0 armed faults cleared'


def test_an_armed_fault_is_consumed_by_the_first_migration_it_applies_to(tmp_path):
    directory = tmp_path / 'lab'
    lab_cli('create', directory, '--nodes', 3, '--vms', 3, '--clustered-vms', 3, check=True)
    lab_cli('fault', directory, 'migration-fail', 'hv3', check=True)
    lab_cli('fault', directory, 'migration-fail', 'hv2', check=True)

    def move(node):
        batch = {'protocol': 1, 'mode': 'write', 'calls': [{
            'op': 'call', 'id': 'move', 'cmdlet': 'Move-ClusterVirtualMachineRole',
            'parameters': {'Name': 'instance-00000001', 'Node': node}, 'select': ['OwnerNode']}]}
        outcome = runner.run_batch(str(directory), 'hv1', {'BatchJson': json.dumps(batch)}, False)
        return outcome['result']['calls'][0]

    step = move('hv2')
    assert step['status'] == 'error'
    data = show_json(directory)
    assert data['faults'] == [{'kind': 'migration-fail', 'node': 'hv3'}]
    assert data['vms']['instance-00000001']['host'] == 'hv1'
    assert move('hv2')['output'] == [{'OwnerNode': 'hv2'}]       # the fault was used up
    assert armed_faults(directory) == [{'kind': 'migration-fail', 'node': 'hv3'}]


@pytest.mark.parametrize('args, message', [
    (['fault', '{dir}', 'migration-fail'], 'fault migration-fail needs a NODE'),
    (['fault', '{dir}', 'source-down-during-migration'], 'fault source-down-during-migration needs a NODE'),
    (['fault', '{dir}', 'node-down'], 'fault node-down needs a NODE'),
    (['fault', '{dir}', 'clear', 'hv1'], 'fault clear takes no NODE'),
    (['fault', '{dir}', 'migration-explode', 'hv1'], "invalid choice: 'migration-explode'"),
])
def test_fault_usage_errors(cli_lab, args, message):
    directory, _process = cli_lab
    process = lab_cli(*[arg.format(dir=directory) for arg in args])
    assert process.returncode == 2, (process.stdout, process.stderr)
    assert message in process.stderr
    assert armed_faults(directory) == []


def test_migration_fault_on_an_unknown_node(cli_lab):
    directory, _process = cli_lab
    process = lab_cli('fault', directory, 'migration-timeout', 'hv9')
    assert process.returncode == 1
    assert process.stderr.strip() == 'lab: no node hv9 in the lab'
    assert armed_faults(directory) == []


def armed_faults(directory):
    with LabState.open(str(directory), write=False) as state:
        return list(state.data.get('faults') or [])


# --- stats --------------------------------------------------------------------------------------------------------

def test_stats(tmp_path):
    directory = tmp_path / 'lab'
    lab_cli('create', directory, '--nodes', 2, '--preset', 'prepared', check=True)
    empty = json.loads(lab_cli('stats', directory, '--json', check=True).stdout)
    assert empty == {'executions': {}}
    batch = {'BatchJson': json.dumps({'protocol': 1, 'mode': 'read', 'calls': []})}
    for node in ('hv1', 'hv1', 'hv2'):
        assert runner.run_batch(str(directory), node, batch, False)['failed'] is False
    write = {'BatchJson': json.dumps({'protocol': 1, 'mode': 'write', 'calls': []})}
    assert runner.run_batch(str(directory), 'hv2', write, False)['failed'] is False
    data = json.loads(lab_cli('stats', directory, '--json', check=True).stdout)
    assert data == {'executions': {'hv1': {'total': 2, 'read': 2, 'write': 0},
                                   'hv2': {'total': 2, 'read': 1, 'write': 1}}}
    lines = [line.split() for line in lab_cli('stats', directory, check=True).stdout.splitlines()]
    assert lines[0] == ['node', 'total', 'read', 'write']
    assert lines[1] == ['hv1', '2', '2', '0'] and lines[2] == ['hv2', '2', '1', '1']
    assert lines[-1] == ['all', '4']


# --- errors -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('args, exit_code, message', [
    ([], 2, 'the following arguments are required: command'),
    (['create', '{dir}'], 2, 'the following arguments are required: --nodes'),
    (['create', '{dir}', '--nodes', 'three'], 2, "invalid int value: 'three'"),
    (['create', '{dir}', '--nodes', '3', '--preset', 'racked'], 2, "invalid choice: 'racked'"),
    (['create', '{dir}', '--nodes', '0'], 1, 'lab: --nodes must be at least 1'),
    (['create', '{dir}', '--nodes', '3', '--clusters', '4'], 1, 'lab: --clusters must be between 1 and the number'),
    (['create', '{dir}', '--nodes', '3', '--preset', 'prepared', '--vms', '2'], 1, 'lab: VMs need a clustered lab'),
    (['create', '{dir}', '--nodes', '3', '--vms', '1', '--clustered-vms', '2'], 1,
     'lab: --clustered-vms cannot exceed --vms'),
    (['show', '{dir}'], 1, 'lab: no simulated lab in'),
    (['stats', '{dir}'], 1, 'lab: no simulated lab in'),
    (['fault', '{dir}', 'node-down', 'hv1'], 1, 'lab: no simulated lab in'),
    (['fault', '{dir}', 'migration-fail', 'hv1'], 1, 'lab: no simulated lab in'),
    (['fault', '{dir}', 'clear'], 1, 'lab: no simulated lab in'),
    (['fault', '{dir}', 'node-sideways', 'hv1'], 2, "invalid choice: 'node-sideways'"),
    (['teleport', '{dir}'], 2, "invalid choice: 'teleport'"),
])
def test_bad_arguments_exit_non_zero_with_a_message(tmp_path, args, exit_code, message):
    directory = tmp_path / 'nolab'
    process = lab_cli(*[arg.format(dir=directory) for arg in args])
    assert process.returncode == exit_code, (process.stdout, process.stderr)
    assert message in process.stderr
    assert process.stdout == ''
    assert not os.path.exists(directory / 'state.json')
