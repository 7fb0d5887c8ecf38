"""vm_migration on hand-built Windows answers (fake_windows.FakeWindows): no simulator.

The default world: cluster hvc1 = hv1, hv2, hv3 and cluster hvc2 = hv4, hv5; VM vm1 runs on hv1, clustered in hvc1
(priority 2000, no preferred owners), its files on C:\\ClusterStorage\\Volume1\\vm1; the task runs on hv1.
"""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import vm_migration
from ansible_collections.hyperv.cluster.plugins.action.vm_migration import choose_path

from fake_windows import VM_ID, FakeWindows
from harness import _Executor, run_action

CSV_PATH = 'C:\\ClusterStorage\\Volume1\\vm1'


class FakeExecutor(_Executor):
    """win_powershell on the fake: every batch is answered by FakeWindows.run."""

    def __init__(self, world):
        super().__init__()
        self.world = world

    def respond(self, call):
        assert not (call.mode == 'write' and self.check_mode), 'a write batch in check mode'
        return {'changed': False, 'failed': False, 'result': self.world.run(call.batch)}


def migrate(world, check_mode=False, diff=True, **args):
    args.setdefault('name', 'vm1')
    executor = FakeExecutor(world)
    result = run_action(vm_migration.ActionModule, args, executor, check_mode=check_mode, diff=diff,
                        host=world.task_host)
    return result, executor


def step_of(call, step_id):
    return call.step(step_id)


def write_steps(call):
    """(id, cmdlet or 'set', parameters) of a write batch, without its final reads."""
    return [(step['id'], step.get('cmdlet') or 'set', step.get('parameters') or step.get('properties'))
            for step in call.steps if not step['id'].startswith('final_')]


def vm_state(world):
    vm = world.vm
    return {key: vm[key] for key in ('host', 'state', 'cluster', 'priority', 'owners', 'path')}


# --- the decision table --------------------------------------------------------------------------------------

@pytest.mark.parametrize('on_destination, kind, clustered, same_cluster, path', [
    (True, 'live', True, True, 'none'),
    (True, 'quick', False, False, 'none'),
    (True, 'cold', True, False, 'none'),
    (False, 'live', True, True, 'cluster_live'),
    (False, 'quick', True, True, 'cluster_quick'),
    (False, 'cold', True, True, 'cold'),
    (False, 'cold', False, True, 'cold'),
    (False, 'cold', True, False, 'cold'),
    (False, 'cold', False, False, 'cold'),
    (False, 'live', True, False, 'shared_nothing'),
    (False, 'live', False, True, 'shared_nothing'),
    (False, 'live', False, False, 'shared_nothing'),
    (False, 'quick', True, False, None),
    (False, 'quick', False, True, None),
    (False, 'quick', False, False, None),
])
def test_the_decision_table(on_destination, kind, clustered, same_cluster, path):
    assert choose_path(on_destination, kind, clustered, same_cluster) == path


# --- paths ---------------------------------------------------------------------------------------------------

def test_already_on_the_destination_is_one_read_and_no_change():
    world = FakeWindows(vm_host='hv2')
    result, executor = migrate(world, destination='HV2.corp.example.com')
    assert 'failed' not in result, result
    assert result['changed'] is False
    assert executor.modes == ['read']
    assert result['migration']['path'] == 'none'
    assert result['migration']['source'] == result['migration']['destination'] == 'hv2'
    assert result['migration']['duration_ms'] == 0
    assert result['diff']['before'] == result['diff']['after']
    assert result['migration']['vm']['owner_node'] == 'hv2'


def test_already_on_a_destination_in_another_cluster_is_no_change():
    """The rerun of a cross-cluster move: the task still runs in the source cluster, the VM is found on the
    destination, clustered there."""
    world = FakeWindows(vm_host='hv4', priority=1000)
    result, executor = migrate(world, destination='hv4')
    assert result['changed'] is False and executor.modes == ['read']
    assert result['migration']['vm'] == {
        'name': 'vm1', 'id': VM_ID, 'host': 'hv4', 'state': 'Running', 'clustered': True, 'cluster': 'hvc2',
        'owner_node': 'hv4', 'priority': 1000, 'preferred_owners': [], 'path': CSV_PATH}


def test_cluster_live_is_one_cluster_move_then_verified():
    world = FakeWindows(priority=3000, owners=['hv2', 'hv1'])
    result, executor = migrate(world, destination='HV2')
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    write = executor.writes[0]
    assert write_steps(write) == [('move', 'Move-ClusterVirtualMachineRole',
                                   {'Name': 'vm1', 'Node': 'hv2', 'MigrationType': 'Live', 'Wait': 600})]
    assert [step['id'] for step in write.steps[1:]] == ['final_group', 'final_owners', 'final_vm']
    assert result['migration'] == {
        'path': 'cluster_live', 'source': 'hv1', 'destination': 'hv2', 'duration_ms': 2048, 'storage_moved': False,
        'vm': {'name': 'vm1', 'id': VM_ID, 'host': 'hv2', 'state': 'Running', 'clustered': True, 'cluster': 'hvc1',
               'owner_node': 'hv2', 'priority': 3000, 'preferred_owners': ['hv2', 'hv1'], 'path': CSV_PATH}}
    assert result['diff']['before']['host'] == 'hv1' and result['diff']['after']['host'] == 'hv2'
    assert 'warnings' not in result
    assert world.vm['host'] == 'hv2'


def test_cluster_quick_and_the_timeout():
    world = FakeWindows(vm_host='hv3')
    result, executor = migrate(world, destination='hv1', type='quick', timeout=30)
    assert result['migration']['path'] == 'cluster_quick'
    assert executor.writes[0].step('move')['parameters'] == {'Name': 'vm1', 'Node': 'hv1', 'MigrationType': 'Quick',
                                                             'Wait': 30}


@pytest.mark.parametrize('kind', ['live', 'cold'])
def test_a_vm_that_is_not_running_just_changes_owner_in_its_cluster(kind):
    world = FakeWindows(vm_state='Off')
    result, executor = migrate(world, destination='hv2', type=kind)
    assert write_steps(executor.writes[0]) == [
        ('move', 'Move-ClusterVirtualMachineRole', {'Name': 'vm1', 'Node': 'hv2', 'MigrationType': 'Quick',
                                                    'Wait': 600})]
    assert result['migration']['path'] == ('cluster_live' if kind == 'live' else 'cold')
    assert result['migration']['vm']['state'] == 'Off'
    assert world.vm['host'] == 'hv2'


def test_shared_nothing_to_another_cluster_reclusters_with_the_same_priority():
    world = FakeWindows(priority=3000, owners=['hv2', 'hv1'])
    result, executor = migrate(world, destination='hv4.corp.example.com',
                               destination_storage_path='C:\\ClusterStorage\\Volume2\\')
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert write_steps(executor.writes[0]) == [
        ('uncluster', 'Remove-ClusterGroup', {'Name': 'vm1', 'RemoveResources': True, 'Force': True}),
        ('move', 'Move-VM', {'Name': 'vm1', 'ComputerName': 'HV1', 'DestinationHost': 'hv4.corp.example.com',
                             'IncludeStorage': True, 'DestinationStoragePath': 'C:\\ClusterStorage\\Volume2\\vm1'}),
        ('cluster', 'Add-ClusterVirtualMachineRole', {'VMId': VM_ID, 'Cluster': 'hvc2'}),
        ('priority', 'set', {'Priority': 3000}),
    ]
    vm = result['migration']['vm']
    assert (vm['host'], vm['cluster'], vm['clustered'], vm['owner_node'], vm['priority']) == (
        'hv4', 'hvc2', True, 'hv4', 3000)
    assert vm['path'] == 'C:\\ClusterStorage\\Volume2\\vm1'
    assert result['migration']['storage_moved'] is True
    # The preferred owners were nodes of hvc1: dropped, and said so.
    assert vm['preferred_owners'] == []
    assert any('hv2, hv1 are not nodes of cluster hvc2' in warning for warning in result['warnings'])
    assert vm_state(world) == {'host': 'hv4', 'state': 'Running', 'cluster': 'hvc2', 'priority': 3000,
                               'owners': [], 'path': 'C:\\ClusterStorage\\Volume2\\vm1'}


def test_a_role_without_preferred_owners_gets_none_and_no_warning():
    result, executor = migrate(FakeWindows(), destination='hv4', destination_storage_path='\\\\fs01\\vms')
    assert 'failed' not in result, result
    assert 'Set-ClusterOwnerNode' not in executor.writes[0].cmdlets
    assert result['migration']['vm']['preferred_owners'] == []
    assert result['migration']['vm']['path'] == '\\\\fs01\\vms\\vm1'
    assert 'warnings' not in result


def test_shared_nothing_to_a_standalone_host_leaves_the_vm_unclustered_with_a_warning():
    world = FakeWindows(standalone=['hv9'])
    result, executor = migrate(world, destination='hv9')
    assert 'failed' not in result, result
    assert [step[1] for step in write_steps(executor.writes[0])] == ['Remove-ClusterGroup', 'Move-VM']
    move = executor.writes[0].step('move')['parameters']
    # Default storage path: the destination's VirtualMachinePath, one folder per VM.
    assert move['DestinationStoragePath'] == 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\vm1'
    vm = result['migration']['vm']
    assert (vm['host'], vm['clustered'], vm['cluster'], vm['owner_node'], vm['priority']) == (
        'HV9', False, None, None, None)
    assert any('no longer clustered' in warning for warning in result['warnings'])


def test_an_unclustered_vm_on_a_csv_moves_inside_its_cluster_without_its_storage():
    world = FakeWindows(vm_clustered=False)
    result, executor = migrate(world, destination='hv3')
    assert result['migration']['path'] == 'shared_nothing'
    assert result['migration']['storage_moved'] is False
    assert write_steps(executor.writes[0]) == [
        ('move', 'Move-VM', {'Name': 'vm1', 'ComputerName': 'HV1', 'DestinationHost': 'hv3'})]
    assert result['migration']['vm']['clustered'] is False
    assert result['migration']['vm']['cluster'] == 'hvc1'
    assert result['migration']['vm']['path'] == CSV_PATH


def test_an_unclustered_vm_on_local_disk_moves_with_its_storage():
    world = FakeWindows(vm_clustered=False, vm_path='D:\\Hyper-V\\vm1')
    result, executor = migrate(world, destination='hv2')
    move = executor.writes[0].step('move')['parameters']
    assert move['IncludeStorage'] is True
    assert move['DestinationStoragePath'] == 'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\vm1'
    assert result['migration']['storage_moved'] is True


def test_a_vm_on_an_smb_share_keeps_its_storage_across_clusters():
    share = '\\\\fs01.corp.example.com\\vms\\vm1'
    world = FakeWindows(vm_path=share)
    result, executor = migrate(world, destination='hv5')
    assert 'failed' not in result, result
    assert executor.writes[0].step('move')['parameters'] == {
        'Name': 'vm1', 'ComputerName': 'HV1', 'DestinationHost': 'hv5'}
    assert result['migration']['vm']['clustered'] is True
    assert result['migration']['vm']['path'] == share


def test_a_csv_of_another_cluster_is_not_shared_storage():
    world = FakeWindows(vm_clustered=False)
    _result, executor = migrate(world, destination='hv4')
    assert executor.writes[0].step('move')['parameters']['IncludeStorage'] is True


def test_from_a_standalone_host():
    world = FakeWindows(standalone=['hv9'], vm_host='hv9', vm_clustered=False, task_host='hv9',
                        vm_path='D:\\VMs\\vm1')
    result, executor = migrate(world, destination='hv2', destination_storage_path='C:\\ClusterStorage\\Volume1')
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert result['migration']['source'] == 'HV9'
    assert result['migration']['vm']['host'] == 'hv2'
    assert result['migration']['vm']['clustered'] is False
    assert world.vm['host'] == 'hv2'


def test_from_a_standalone_host_without_the_clustering_cmdlets():
    world = FakeWindows(standalone=['hv9'], vm_host='hv9', vm_clustered=False, task_host='hv9',
                        vm_path='D:\\VMs\\vm1')
    world.no_cluster_cmdlets = True
    result, executor = migrate(world, destination='hv2')
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert result['migration']['vm']['host'] == 'HV2'
    assert any('The Failover Clustering cmdlets are not installed' in warning for warning in result['warnings'])


def test_cold_inside_the_cluster_is_a_cluster_shutdown_move_then_a_start():
    world = FakeWindows()
    result, executor = migrate(world, destination='hv2', type='cold')
    assert result['migration']['path'] == 'cold'
    assert write_steps(executor.writes[0]) == [
        ('move', 'Move-ClusterVirtualMachineRole', {'Name': 'vm1', 'Node': 'hv2', 'MigrationType': 'Shutdown',
                                                    'Wait': 600}),
        ('start', 'Start-VM', {'Name': 'vm1', 'ComputerName': 'hv2'})]
    assert result['migration']['vm']['state'] == 'Running'
    assert result['migration']['duration_ms'] == 2048 + 100


def test_cold_with_save_inside_the_cluster_is_a_quick_cluster_move():
    world = FakeWindows()
    result, executor = migrate(world, destination='hv2', type='cold', cold_action='save')
    assert write_steps(executor.writes[0]) == [
        ('move', 'Move-ClusterVirtualMachineRole', {'Name': 'vm1', 'Node': 'hv2', 'MigrationType': 'Quick',
                                                    'Wait': 600})]
    assert result['migration']['vm']['state'] == 'Running'


@pytest.mark.parametrize('cold_action, stop', [(None, ('Stop-VM', {'Force': True})), ('save', ('Save-VM', {}))])
def test_cold_to_another_cluster(cold_action, stop):
    world = FakeWindows(priority=1000)
    args = {'destination': 'hv4', 'type': 'cold', 'destination_storage_path': 'C:\\ClusterStorage\\Volume1'}
    if cold_action:
        args['cold_action'] = cold_action
    result, executor = migrate(world, **args)
    assert 'failed' not in result, result
    steps = write_steps(executor.writes[0])
    assert steps[0] == ('stop', stop[0], dict({'Name': 'vm1', 'ComputerName': 'HV1'}, **stop[1]))
    assert [step[1] for step in steps[1:]] == [
        'Remove-ClusterGroup', 'Move-VM', 'Add-ClusterVirtualMachineRole', 'set', 'Start-VM']
    assert vm_state(world) == {'host': 'hv4', 'state': 'Running', 'cluster': 'hvc2', 'priority': 1000, 'owners': [],
                               'path': 'C:\\ClusterStorage\\Volume1\\vm1'}


def test_cold_of_a_vm_that_is_off_moves_it_and_leaves_it_off():
    world = FakeWindows(vm_state='Off', vm_clustered=False)
    result, executor = migrate(world, destination='hv4', type='cold')
    assert [step[1] for step in write_steps(executor.writes[0])] == ['Move-VM']
    assert result['migration']['vm']['state'] == 'Off'


@pytest.mark.parametrize('world_args, destination, fragment', [
    ({}, 'hv4', 'the destination hv4 is not a node of cluster hvc1'),
    ({'vm_clustered': False}, 'hv2', 'VM vm1 is not a clustered role'),
])
def test_quick_outside_a_cluster_is_refused(world_args, destination, fragment):
    result, executor = migrate(FakeWindows(**world_args), destination=destination, type='quick')
    assert result['failed'] is True
    assert fragment in result['msg'] and 'Use type=live' in result['msg']
    assert executor.writes == []


# --- check mode and diff -------------------------------------------------------------------------------------

CHECKED = [
    dict(destination='hv2'),
    dict(destination='hv3', type='quick'),
    dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume2'),
    dict(destination='hv9'),
    dict(destination='hv2', type='cold'),
    dict(destination='hv5', type='cold', cold_action='save', destination_storage_path='\\\\fs01\\vms'),
]


@pytest.mark.parametrize('args', CHECKED)
def test_check_mode_reads_once_and_predicts_the_real_run(args):
    predicted, executor = migrate(FakeWindows(standalone=['hv9'], priority=1000), check_mode=True, **args)
    assert 'failed' not in predicted, predicted
    assert executor.modes == ['read']
    real, _executor = migrate(FakeWindows(standalone=['hv9'], priority=1000), **args)
    assert predicted['changed'] is real['changed'] is True
    assert predicted['diff'] == real['diff']
    assert dict(predicted['migration'], duration_ms=None) == dict(real['migration'], duration_ms=None)
    assert predicted['migration']['duration_ms'] == 0


def test_check_mode_still_enforces_preconditions():
    world = FakeWindows()
    world.nodes['hv2']['state'] = 'Paused'
    result, executor = migrate(world, check_mode=True, destination='hv2')
    assert result['failed'] is True and 'Paused' in result['msg']
    assert executor.modes == ['read']


def test_diff_only_with_diff():
    result, _executor = migrate(FakeWindows(), diff=False, destination='hv2')
    assert 'diff' not in result
    assert result['migration']['path'] == 'cluster_live'


# --- preconditions: each refused before anything changes -----------------------------------------------------

def _paused(world):
    world.nodes['hv2']['state'] = 'Paused'


def _down_in_cluster(world):
    world.nodes['hv2']['state'] = 'Down'
    world.nodes['hv2']['reachable'] = False


def _down_elsewhere(world):
    world.nodes['hv4']['reachable'] = False


def _small_destination(world):
    world.nodes['hv2']['memory_mb'] = 4000


def _no_switch(world):
    world.nodes['hv4']['switches'] = ['Internal']


def _vm_of_that_name(world):
    world.other_vms['hv4'] = [('vm1', 'ffffffff-0000-4000-8000-000000000009')]


def _same_id(world):
    world.other_vms['hv4'] = [('vm1-old', VM_ID)]


def _role_of_that_name(world):
    world.extra_groups['hvc2'] = ['vm1']


def _other_role_of_that_name(world):
    world.extra_groups['hvc2'] = {'vm1': 'GenericApplication'}


def _amd_destination(world):
    world.cpu['hv4'] = 'AuthenticAMD'


def _no_live_migration(world):
    world.nodes['hv4']['migration'] = False


def _no_live_migration_on_source(world):
    world.nodes['hv1']['migration'] = False


PRECONDITIONS = [
    # label, change to the world, args, message fragments
    ('unknown vm', None, dict(name='vm9', destination='hv2'),
     ['VM vm9: no virtual machine of that name exists on any node of cluster hvc1 or on hv2', 'Check the name']),
    ('unknown destination', None, dict(destination='hv7'),
     ['destination hv7: no Hyper-V host of that name could be reached', 'Check the name']),
    ('paused destination', _paused, dict(destination='hv2'),
     ['destination hv2: node hv2 of cluster hvc1 is Paused', 'Resume the node']),
    ('down destination in the cluster', _down_in_cluster, dict(destination='hv2'),
     ['destination hv2: node hv2 of cluster hvc1 is Down']),
    ('down destination elsewhere', _down_elsewhere, dict(destination='hv4'),
     ['destination hv4: no Hyper-V host of that name could be reached', 'Get-VMHost']),
    ('not enough memory', _small_destination, dict(destination='hv2'),
     ['destination hv2: not enough free memory for VM vm1: it needs 2048 MB', 'has 4000 MB free (4000 MB installed)',
      '2048 MB are kept for the host', 'lower host_memory_reserve_mb']),
    ('missing switch', _no_switch, dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1'),
     ['destination hv4: VM vm1 is connected to virtual switch(es) External', 'it has: Internal',
      'Create the switch']),
    ('vm name taken', _vm_of_that_name, dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1'),
     ['destination hv4: it already has another virtual machine named vm1', 'Rename one']),
    ('vm id taken', _same_id, dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1'),
     ['destination hv4: a virtual machine with the Id of VM vm1', 'as vm1-old', 'Remove the stale registration']),
    ('role name taken', _role_of_that_name,
     dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1'),
     ["destination hv4: cluster hvc2 already has a role named 'vm1' (a VirtualMachine role owned by hv4)"]),
    ('role of another kind of that name', _other_role_of_that_name,
     dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1'),
     ["destination hv4: cluster hvc2 already has a role named 'vm1' (a GenericApplication role owned by hv4)"]),
    ('other processor vendor', _amd_destination,
     dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1'),
     ['destination hv4: its processor cannot run VM vm1 without a restart', 'processor-specific features',
      'processor compatibility for migration is off', 'Use type=cold with cold_action=shutdown']),
    ('other processor vendor, saved', _amd_destination,
     dict(destination='hv4', type='cold', cold_action='save', destination_storage_path='C:\\ClusterStorage\\Volume1'),
     ['its processor cannot run VM vm1 without a restart']),
    ('live migration off', _no_live_migration,
     dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1'),
     ['destination hv4: live migration is not enabled on it', 'Enable-VMMigration']),
    ('live migration off on the source', _no_live_migration_on_source,
     dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1'),
     ['source hv1: live migration is not enabled on it']),
    ('reclustered on local disk', None, dict(destination='hv4'),
     ['VM vm1: it would be clustered again in cluster hvc2, but its files would go to '
      'C:\\ProgramData\\Microsoft\\Windows\\Hyper-V\\vm1, which is local to hv4',
      'Give destination_storage_path on a Cluster Shared Volume of hvc2 (C:\\ClusterStorage\\Volume1, '
      'C:\\ClusterStorage\\Volume2)']),
    ('wildcard name', None, dict(name='vm*', destination='hv2'), ['VM vm*: the name vm* contains a wildcard']),
    ('wildcard destination', None, dict(destination='hv?'), ['the destination hv? contains a wildcard']),
    ('cold_action without cold', None, dict(destination='hv2', cold_action='save'),
     ['cold_action only applies with type=cold']),
    ('relative storage path', None, dict(destination='hv4', destination_storage_path='vms'),
     ["destination_storage_path 'vms' is not an absolute Windows path"]),
    ('zero timeout', None, dict(destination='hv2', timeout=0), ['timeout must be at least 1 second']),
    ('negative reserve', None, dict(destination='hv2', host_memory_reserve_mb=-1), ['cannot be negative']),
]


@pytest.mark.parametrize('label, change, args, fragments', PRECONDITIONS, ids=[case[0] for case in PRECONDITIONS])
def test_preconditions_refuse_before_anything_changes(label, change, args, fragments):
    world = FakeWindows()
    if change is not None:
        change(world)
    before = vm_state(world)
    result, executor = migrate(world, **args)
    assert result.get('failed') is True, (label, result)
    assert result.get('changed', False) is False
    for fragment in fragments:
        assert fragment in result['msg'], (fragment, result['msg'])
    assert executor.writes == []
    assert executor.modes in ([], ['read'])
    assert vm_state(world) == before


def test_a_processor_of_another_vendor_is_fine_for_a_cold_shutdown_move():
    world = FakeWindows()
    world.cpu['hv4'] = 'AuthenticAMD'
    result, _executor = migrate(world, destination='hv4', type='cold',
                                destination_storage_path='C:\\ClusterStorage\\Volume1')
    assert 'failed' not in result, result
    assert world.vm['host'] == 'hv4' and world.vm['state'] == 'Running'


def test_processor_compatibility_on_means_a_vendor_change():
    world = FakeWindows()
    world.cpu['hv4'] = 'AuthenticAMD'
    world.compat = True
    result, _executor = migrate(world, destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1')
    assert 'processor compatibility is already on for the VM, so the processors differ in vendor' in result['msg']


def test_a_memory_reserve_of_zero_lets_a_full_host_take_the_vm():
    world = FakeWindows()
    world.nodes['hv2']['memory_mb'] = 2048
    result, _executor = migrate(world, destination='hv2', host_memory_reserve_mb=0)
    assert 'failed' not in result, result


def test_a_vm_that_is_off_needs_no_memory_on_the_destination():
    world = FakeWindows(vm_state='Off')
    world.nodes['hv2']['memory_mb'] = 1024
    result, _executor = migrate(world, destination='hv2')
    assert 'failed' not in result, result
    assert result['migration']['vm']['state'] == 'Off'


def test_other_compare_vm_findings_are_warnings():
    world = FakeWindows()
    world.extra_incompatibilities = [(40000, 'Something Windows knows about.')]
    result, _executor = migrate(world, destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1')
    assert 'failed' not in result, result
    assert any('Something Windows knows about. (40000)' in warning for warning in result['warnings'])


def test_several_vms_of_the_name_are_refused():
    world = FakeWindows()
    world.other_vms['hv3'] = [('vm1', 'ffffffff-0000-4000-8000-000000000009')]
    result, executor = migrate(world, destination='hv2')
    assert 'VM vm1: several virtual machines have that name (on HV1, HV3)' in result['msg']
    assert executor.modes == ['read']


def test_destination_storage_path_is_not_used_inside_a_cluster():
    result, _executor = migrate(FakeWindows(), destination='hv2',
                                destination_storage_path='C:\\ClusterStorage\\Volume2')
    assert result['migration']['path'] == 'cluster_live'
    assert any('destination_storage_path is not used' in warning for warning in result['warnings'])


# --- failures: the VM ends on its source, as before, and the message says where --------------------------------

def assert_as_before(world, before):
    assert vm_state(world) == before


def test_a_failed_cluster_move_leaves_the_vm_on_its_source():
    world = FakeWindows(priority=3000, owners=['hv1', 'hv2'])
    world.fail['Move-ClusterVirtualMachineRole'] = ['The migration failed: the destination refused it.']
    before = vm_state(world)
    result, executor = migrate(world, destination='hv2')
    assert result['failed'] is True
    assert executor.modes == ['read', 'write', 'read']   # nothing to undo: find the VM and say where it is
    message = result['msg']
    assert message.startswith('VM vm1: the cluster_live migration from hv1 to hv2 stopped: '
                              'Move-ClusterVirtualMachineRole failed: The migration failed'), message
    assert ('VM vm1 is now on hv1 (Running), clustered in hvc1 (priority 3000, preferred owners hv1, hv2), as before '
            'the task') in message
    assert 'Fix the cause and rerun the task.' in message
    assert result['changed'] is False
    assert result['migration']['vm']['host'] == 'hv1'
    assert_as_before(world, before)


def test_a_cluster_move_that_times_out_is_cancelled():
    world = FakeWindows()
    world.hang = True
    before = vm_state(world)
    result, executor = migrate(world, destination='hv2', timeout=5)
    assert result['failed'] is True
    assert executor.modes == ['read', 'write', 'write', 'read']
    assert executor.calls[2].steps == [{'op': 'call', 'id': 'cancel', 'cmdlet': 'Move-ClusterVirtualMachineRole',
                                        'parameters': {'Name': 'vm1', 'Cancel': True}, 'select': None}]
    assert world.in_progress is None
    assert 'did not finish within 5 seconds (timeout); the move was cancelled' in result['msg']
    assert 'VM vm1 is now on hv1 (Running), clustered in hvc1' in result['msg']
    assert_as_before(world, before)


def test_a_failed_move_vm_reclusters_the_vm_on_its_source():
    world = FakeWindows(priority=3000, owners=['hv2', 'hv1'])
    world.fail['Move-VM'] = ['The operation timed out.']
    before = vm_state(world)
    result, executor = migrate(world, destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1')
    assert result['failed'] is True
    assert executor.modes == ['read', 'write', 'read', 'write', 'read']
    assert write_steps(executor.calls[3]) == [
        ('back_cluster', 'Add-ClusterVirtualMachineRole', {'VMId': VM_ID}),
        ('back_priority', 'set', {'Priority': 3000}),
        ('back_owners', 'Set-ClusterOwnerNode', {'Group': 'vm1', 'Owners': ['hv2', 'hv1']})]
    message = result['msg']
    assert 'Move-VM failed: The operation timed out; done before that: Remove-ClusterGroup' in message
    assert 'done before that: Remove-ClusterGroup' in message
    assert 'to restore it: Add-ClusterVirtualMachineRole, set back_priority, Set-ClusterOwnerNode' in message
    assert 'is now on hv1 (Running), clustered in hvc1 (priority 3000, preferred owners hv2, hv1), as before' in message
    assert result['changed'] is True
    assert_as_before(world, before)


def test_a_failure_after_the_move_brings_the_vm_back():
    world = FakeWindows(priority=1000)
    world.fail['Add-ClusterVirtualMachineRole'] = ['Access is denied.']
    before = vm_state(world)
    result, executor = migrate(world, destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume2')
    assert result['failed'] is True
    assert executor.modes == ['read', 'write', 'read', 'write', 'read']
    assert write_steps(executor.calls[3]) == [
        ('back', 'Move-VM', {'Name': 'vm1', 'ComputerName': 'hv4', 'DestinationHost': 'HV1', 'IncludeStorage': True,
                             'DestinationStoragePath': CSV_PATH}),
        ('back_cluster', 'Add-ClusterVirtualMachineRole', {'VMId': VM_ID}),
        ('back_priority', 'set', {'Priority': 1000})]
    assert 'Add-ClusterVirtualMachineRole failed: Access is denied; done before' in result['msg']
    assert 'done before that: Remove-ClusterGroup, Move-VM' in result['msg']
    assert_as_before(world, before)


def test_a_failure_after_reclustering_at_the_destination_unclusters_it_there_first():
    world = FakeWindows(clusters={'hvc1': ['hv1', 'hv2'], 'hvc2': ['hv3', 'hv4']}, owners=['hv2'])
    world.fail['Start-VM'] = ['Not enough memory in the system to start the virtual machine vm1.']
    before = vm_state(world)
    result, executor = migrate(world, destination='hv3', type='cold',
                               destination_storage_path='C:\\ClusterStorage\\Volume1')
    assert result['failed'] is True
    assert [step[1] for step in write_steps(executor.calls[3])] == [
        'Remove-ClusterGroup', 'Move-VM', 'Add-ClusterVirtualMachineRole', 'Set-ClusterOwnerNode', 'Start-VM']
    assert executor.calls[3].step('uncluster_back')['parameters']['Cluster'] == 'hvc2'
    assert_as_before(world, before)


def test_a_failed_cold_move_starts_the_vm_again_on_its_source():
    world = FakeWindows(vm_clustered=False)
    world.fail['Move-VM'] = ['Virtual machine migration operation failed.']
    before = vm_state(world)
    result, executor = migrate(world, destination='hv4', type='cold')
    assert result['failed'] is True
    assert write_steps(executor.calls[3]) == [('restart', 'Start-VM', {'Name': 'vm1', 'ComputerName': 'HV1'})]
    assert 'is now on hv1 (Running), not clustered, as before the task' in result['msg']
    assert_as_before(world, before)


def test_a_failed_cold_cluster_move_starts_the_vm_again():
    world = FakeWindows()
    world.fail['Start-VM'] = ['Not enough memory in the system to start the virtual machine vm1.']
    before = vm_state(world)
    result, executor = migrate(world, destination='hv2', type='cold')
    assert result['failed'] is True
    assert write_steps(executor.calls[3]) == [
        ('back', 'Move-ClusterVirtualMachineRole', {'Name': 'vm1', 'Node': 'hv1', 'MigrationType': 'Quick',
                                                    'Wait': 600}),
        ('restart', 'Start-VM', {'Name': 'vm1', 'ComputerName': 'HV1'})]
    assert_as_before(world, before)


def test_an_unclustered_vm_whose_move_failed_needs_nothing_undone():
    world = FakeWindows(vm_clustered=False)
    world.fail['Move-VM'] = ['Virtual machine migration operation failed.']
    result, executor = migrate(world, destination='hv3')
    assert executor.modes == ['read', 'write', 'read']
    assert result['changed'] is False
    assert 'is now on hv1 (Running), not clustered, as before the task' in result['msg']


def test_the_source_going_down_during_move_vm():
    """The VM was unclustered to be moved: it stays, off, on the powered-off source, where no one can see it."""
    world = FakeWindows()
    world.task_host = 'hv2'
    world.fail['Move-VM'] = ['The connection to the source was lost.']
    world.down_after['Move-VM'] = 'hv1'
    result, executor = migrate(world, destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1')
    assert result['failed'] is True
    assert executor.modes == ['read', 'write', 'read']
    assert ('VM vm1 is now not visible on any host that could be searched (not reachable: hv1); it is still '
            'registered on hv1, not clustered') in result['msg']
    assert world.vm['host'] == 'hv1' and world.vm['cluster'] is None


def test_the_source_going_down_during_a_cluster_move_fails_the_vm_over():
    world = FakeWindows()
    world.task_host = 'hv3'
    world.fail['Move-ClusterVirtualMachineRole'] = ['The source node went down.']
    world.down_after['Move-ClusterVirtualMachineRole'] = 'hv1'
    result, executor = migrate(world, destination='hv3')
    assert result['failed'] is True
    assert executor.modes == ['read', 'write', 'read']
    assert 'VM vm1 is now on hv2 (Running), clustered in hvc1' in result['msg']
    assert 'Check the VM on hv1 and hv3' in result['msg']


def test_a_move_that_reports_an_error_but_completed_is_a_success_with_a_warning():
    world = FakeWindows()
    original = world.do_move_clustervirtualmachinerole

    def moves_then_fails(**params):
        output, _errors, elapsed = original(**params)
        return output, [{'message': 'The RPC server is unavailable.', 'fully_qualified_error_id': 'Rpc',
                         'category': 'ConnectionError', 'target': None, 'exception_type': 'X'}], elapsed
    world.do_move_clustervirtualmachinerole = moves_then_fails
    result, executor = migrate(world, destination='hv2')
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write', 'read']
    assert result['changed'] is True
    assert result['migration']['vm']['host'] == 'hv2'
    assert any('The RPC server is unavailable' in warning and 'ended on hv2 as asked' in warning
               for warning in result['warnings'])


def test_a_failed_restore_says_so_and_where_the_vm_is():
    world = FakeWindows(priority=3000)
    world.fail['Move-VM'] = ['The operation timed out.']
    world.fail['Add-ClusterVirtualMachineRole'] = ['Access is denied.']
    result, executor = migrate(world, destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1')
    assert result['failed'] is True
    assert executor.modes == ['read', 'write', 'read', 'write', 'read']
    message = result['msg']
    assert 'restoring it failed at Add-ClusterVirtualMachineRole: Access is denied. VM vm1' in message
    assert 'VM vm1 is now on hv1 (Running), not clustered.' in message
    assert 'Check the VM on hv1 and hv4' in message
    assert result['migration']['vm']['clustered'] is False


def test_rerun_after_a_success_is_one_read():
    world = FakeWindows(priority=3000)
    args = dict(destination='hv4', destination_storage_path='C:\\ClusterStorage\\Volume1')
    first, _executor = migrate(world, **args)
    second, executor = migrate(world, **args)
    assert first['changed'] is True and second['changed'] is False
    assert executor.modes == ['read']
    assert second['migration']['path'] == 'none'
    assert second['migration']['vm'] == first['migration']['vm']
