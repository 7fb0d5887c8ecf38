"""cluster_info and vm_role on recorded win_powershell results (test_data/, made by record.py), without the simulator.

The replay checks that the plugin sends exactly the recorded module calls (module, runner script, BatchJson, depth,
error_action), in order and no more, and answers each with the recorded raw result.
"""

import pytest

import record
from harness import load_recording, recording_names, replay

# --- the recordings themselves ----------------------------------------------------------------------------------


def test_every_scenario_is_recorded():
    assert recording_names() == sorted(record.SCENARIOS)


def test_recordings_are_current(tmp_path):
    """The committed data is what the current product and simulator produce (timings aside)."""
    for name in sorted(record.SCENARIOS):
        fresh = record.record(name, str(tmp_path))
        assert record.without_timings(load_recording(name)) == record.without_timings(fresh), \
            'test_data/%s.json is stale: rerun tests/unit/record.py' % name


# --- cluster_info -----------------------------------------------------------------------------------------------

def test_cluster_info_all_subsets():
    result, executor = replay('cluster_info_all')
    assert len(executor.calls) == 1
    assert executor.calls[0].cmdlets == ['Get-Cluster', 'Get-ClusterNode', 'Get-ClusterQuorum',
                                         'Get-ClusterSharedVolume', 'Get-ClusterNetwork', 'Get-ClusterGroup']
    assert executor.modes == ['read']
    assert result['changed'] is False
    assert 'failed' not in result
    assert result['clustered'] is True
    assert result['cluster']['name'] == 'hvc1'
    assert result['cluster']['domain'] == 'corp.example.com'
    assert result['cluster']['shared_volumes_root'] == 'C:\\ClusterStorage'
    assert [(node['name'], node['state'], node['drain_status']) for node in result['nodes']] == [
        ('hv1', 'Up', 'NotInitiated'), ('hv2', 'Up', 'NotInitiated'), ('hv3', 'Up', 'NotInitiated')]
    assert result['quorum'] == {'quorum_type': 'Majority', 'mode': 'node_majority', 'witness_type': 'none',
                                'witness_resource': None}
    assert [(csv['name'], csv['path'], csv['owner_node'], csv['fault_state']) for csv in result['csvs']] == [
        ('Cluster Disk 1', 'C:\\ClusterStorage\\Volume1', 'hv1', 'NoFaults'),
        ('Cluster Disk 2', 'C:\\ClusterStorage\\Volume2', 'hv2', 'NoFaults')]
    for csv in result['csvs']:
        assert csv['free_bytes'] + csv['used_bytes'] == csv['size_bytes']
        assert csv['percent_free'] == round(100.0 * csv['free_bytes'] / csv['size_bytes'], 2)
    assert [(net['name'], net['role'], net['address']) for net in result['networks']] == [
        ('Management', 'ClusterAndClient', '10.10.0.0'), ('Cluster', 'Cluster', '10.10.1.0'),
        ('LiveMigration', 'Cluster', '10.10.2.0')]
    # Only VM roles: the core 'Cluster Group' and 'Available Storage' are not reported.
    assert [(group['name'], group['owner_node'], group['priority'], group['priority_name'], group['state'])
            for group in result['vm_groups']] == [
        ('instance-%08x' % number, 'hv%d' % ((number - 1) % 3 + 1), 2000, 'medium', 'Online')
        for number in range(1, 7)]
    assert all(group['group_type'] == 'VirtualMachine' for group in result['vm_groups'])


@pytest.mark.parametrize('vms, owner_nodes, expected', [
    (None, None, [1, 2, 3, 4, 5, 6]),
    (['instance-00000003'], None, [3]),
    (['INSTANCE-00000003'], None, [3]),                  # case-insensitive names
    (['instance-0000000[12]', '*6'], None, [1, 2, 6]),   # shell-style patterns
    (['no-such-vm'], None, []),
    (None, ['hv2'], [2, 5]),
    (None, ['HV2'], [2, 5]),                             # case-insensitive owners
    (None, ['Hv1', 'hV3'], [1, 3, 4, 6]),
    (None, ['hv*'], [1, 2, 3, 4, 5, 6]),
    (None, ['hv9'], []),
    (['*-0000000[1-4]'], ['HV1', 'hv2'], [1, 2, 4]),     # both filters: the intersection
])
def test_cluster_info_vm_filters(vms, owner_nodes, expected):
    args = {}
    if vms is not None:
        args['vms'] = vms
    if owner_nodes is not None:
        args['owner_nodes'] = owner_nodes
    # The filters are applied in Python: the batch sent is the recorded one whatever they are.
    result, _executor = replay('cluster_info_all', args=args)
    assert [group['name'] for group in result['vm_groups']] == ['instance-%08x' % number for number in expected]
    assert len(result['nodes']) == 3


def test_cluster_info_not_clustered():
    result, executor = replay('cluster_info_not_clustered')
    assert len(executor.calls) == 1
    assert 'failed' not in result
    assert result['changed'] is False
    assert result['clustered'] is False
    assert result['cluster'] is None
    assert result['quorum'] is None
    for subset in ('nodes', 'csvs', 'networks', 'vm_groups'):
        assert result[subset] == []


@pytest.mark.parametrize('name, quorum_type, mode, witness_type, witness_resource', [
    ('quorum_majority_none', 'Majority', 'node_majority', 'none', None),
    ('quorum_majority_disk', 'Majority', 'node_and_disk_majority', 'disk', 'Cluster Disk 3'),
    ('quorum_majority_file_share', 'Majority', 'node_and_file_share_majority', 'file_share', 'File Share Witness'),
    ('quorum_majority_cloud', 'Majority', 'node_and_cloud_majority', 'cloud', 'Cloud Witness'),
    ('quorum_disk_only', 'DiskOnly', 'disk_only', 'disk', 'Cluster Disk 3'),
    ('quorum_2012r2_node_and_disk_majority', 'NodeAndDiskMajority', 'node_and_disk_majority', 'disk',
     'Cluster Disk 3'),
])
def test_cluster_info_quorum(name, quorum_type, mode, witness_type, witness_resource):
    result, executor = replay(name)
    assert executor.calls[0].cmdlets == ['Get-Cluster', 'Get-ClusterQuorum']
    assert result['quorum'] == {'quorum_type': quorum_type, 'mode': mode, 'witness_type': witness_type,
                                'witness_resource': witness_resource}
    # gather_subset=quorum: nothing else is read or reported.
    assert not {'nodes', 'csvs', 'networks', 'vm_groups'} & set(result)


def test_quorum_recordings_hold_what_windows_reports():
    """The data the mapping is tested on: the witness kind is only in the resource type's name."""
    expected = {
        'quorum_majority_none': ('Majority', None),
        'quorum_majority_disk': ('Majority', 'Physical Disk'),
        'quorum_majority_file_share': ('Majority', 'File Share Witness'),
        'quorum_majority_cloud': ('Majority', 'Cloud Witness'),
        'quorum_disk_only': ('DiskOnly', 'Physical Disk'),
        'quorum_2012r2_node_and_disk_majority': ('NodeAndDiskMajority', 'Physical Disk'),
    }
    for name, (quorum_type, resource_type) in expected.items():
        step = load_recording(name)['exchanges'][0]['response']['result']['calls'][1]
        assert step['output'][0]['QuorumType'] == quorum_type
        assert step['output'][0]['QuorumResource.ResourceType.Name'] == resource_type


# --- vm_role ----------------------------------------------------------------------------------------------------

NEW = 'instance-00000005'


def _recorded_vm_id():
    read = load_recording('vm_role_present_new')['exchanges'][0]['response']['result']['calls']
    return next(step for step in read if step['id'] == 'vm')['output'][0]['Id']


def test_vm_role_present_clusters_the_vm():
    result, executor = replay('vm_role_present_new', diff=True)
    assert executor.modes == ['read', 'write']
    write = executor.calls[1]
    assert [(step['op'], step['id'], step.get('cmdlet')) for step in write.steps] == [
        ('call', 'add', 'Add-ClusterVirtualMachineRole'),
        ('set', 'priority', None),
        ('call', 'owners', 'Set-ClusterOwnerNode'),
        ('call', 'final_group', 'Get-ClusterGroup'),
        ('call', 'final_owners', 'Get-ClusterOwnerNode'),
    ]
    assert write.step('add')['parameters'] == {'VMId': _recorded_vm_id()}
    assert write.step('priority')['target'] == 'add'
    assert write.step('priority')['properties'] == {'Priority': 3000}
    # Owners are sent as the cluster spells the node names.
    assert write.step('owners')['parameters'] == {'Group': NEW, 'Owners': ['hv3', 'hv2']}
    assert result['changed'] is True
    assert result['vm_role'] == {'name': NEW, 'cluster': 'hvc1', 'clustered': True, 'owner_node': 'hv2',
                                 'priority': 3000, 'priority_name': 'high', 'preferred_owners': ['hv3', 'hv2']}
    assert result['diff'] == {
        'before': {'clustered': False, 'owner_node': None, 'priority': None, 'preferred_owners': []},
        'after': {'clustered': True, 'owner_node': 'hv2', 'priority': 3000, 'preferred_owners': ['hv3', 'hv2']},
    }


def test_vm_role_check_mode_predicts_the_real_run():
    predicted, executor = replay('vm_role_present_new_check', diff=True)
    real, _executor = replay('vm_role_present_new', diff=True)
    assert executor.modes == ['read']
    assert predicted['changed'] is True
    assert predicted['vm_role'] == real['vm_role']
    assert predicted['diff'] == real['diff']


def test_vm_role_unchanged_is_one_read():
    result, executor = replay('vm_role_unchanged', diff=True)
    assert executor.modes == ['read']
    assert result['changed'] is False
    assert result['vm_role'] == {'name': 'instance-00000001', 'cluster': 'hvc1', 'clustered': True,
                                 'owner_node': 'hv1', 'priority': 2000, 'priority_name': 'medium',
                                 'preferred_owners': []}
    assert result['diff']['before'] == result['diff']['after']


def test_vm_role_absent_removes_only_the_role():
    result, executor = replay('vm_role_absent')
    assert executor.modes == ['read', 'write']
    write = executor.calls[1]
    assert write.steps == [{'op': 'call', 'id': 'remove', 'cmdlet': 'Remove-ClusterGroup',
                            'parameters': {'Name': 'instance-00000002', 'RemoveResources': True, 'Force': True},
                            'select': None}]
    # state=absent does not look for the VM at all.
    assert 'Get-VM' not in executor.calls[0].cmdlets
    assert result['changed'] is True
    assert result['vm_role']['clustered'] is False
    assert result['vm_role']['owner_node'] is None
    assert 'diff' not in result


def test_vm_role_local_storage_is_refused():
    result, executor = replay('vm_role_local_storage')
    assert executor.modes == ['read']
    assert result['failed'] is True
    assert result['msg'] == (
        'VM local-0001: its files are not on shared storage, so no other node could run it: D:\\Hyper-V\\local-0001, '
        'D:\\Hyper-V\\local-0001\\Virtual Hard Disks\\local-0001.vhdx. Move its storage to a Cluster Shared Volume '
        '(C:\\ClusterStorage\\Volume1, C:\\ClusterStorage\\Volume2) or an SMB share first, for example with '
        'Move-VMStorage.')
