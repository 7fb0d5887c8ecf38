"""FailoverClusters cmdlets of the simulator (hvsim/cmdlets/failoverclusters.py) against windows.md section 3."""

import pytest

from hvsim import faults

GC = 'Microsoft.FailoverClusters.PowerShell.%sCommand'
GROUP_SELECT = ['Name', 'OwnerNode', 'State', 'GroupType', 'Priority', 'Id', 'IsCoreGroup']


@pytest.fixture
def hvc(make_lab):
    """hvc1 = hv1..hv3; instance-00000001 (hv1) clustered; instance-00000002 (hv2), -03 (hv3), -04 (hv1) not."""
    return make_lab(nodes=3, vms=4, clustered_vms=1)


def groups(lab):
    return lab.show()['clusters']['hvc1']['groups']


def messages(step):
    return [error['message'] for error in step['errors']]


def vm_id(lab, name):
    return lab.show()['vms'][name]['id']


# --- Get-Cluster, Get-ClusterNode ---------------------------------------------------------------------------------

def test_get_cluster_on_a_node_outside_any_cluster(make_lab, sim):
    lab = make_lab(nodes=2, preset='prepared')
    step = sim.one(lab, 'hv1', 'Get-Cluster')
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == 'ClusterRpcConnection,' + GC % 'GetCluster'
    assert error['category'] == 'ConnectionError'
    assert error['message'].startswith('The cluster service is not running.')
    assert step['output'] == []


def test_get_cluster_by_name(make_lab, sim):
    lab = make_lab(nodes=4, clusters=2)
    step = sim.one(lab, 'hv1', 'Get-Cluster', {'Name': 'HVC2'}, ['Name', 'Domain', 'SharedVolumesRoot'])
    assert step['output'] == [{'Name': 'hvc2', 'Domain': 'corp.example.com', 'SharedVolumesRoot': 'C:\\ClusterStorage'}]
    step = sim.one(lab, 'hv1', 'Get-Cluster', {'Name': 'nocluster'})
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == 'ClusterRpcConnection,' + GC % 'GetCluster'
    assert error['target'] == 'nocluster'


def test_get_cluster_by_name_when_all_its_nodes_are_off(make_lab, sim):
    lab = make_lab(nodes=4, clusters=2)
    with sim.edit(lab) as state:
        state.nodes['hv3']['power'] = state.nodes['hv4']['power'] = 'off'
    step = sim.one(lab, 'hv1', 'Get-Cluster', {'Name': 'hvc2'})
    assert sim.error_ids(step) == ['ClusterRpcConnection,' + GC % 'GetCluster']


def test_get_cluster_node_shape_and_case_insensitive_names(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Get-ClusterNode', {'Name': ['HV2', 'hv3']},
                   ['Name', 'Id', 'State', 'DrainStatus', 'Cluster', 'NodeWeight', 'DynamicWeight'])
    assert step['output'] == [
        {'Name': 'hv2', 'Id': '2', 'State': 'Up', 'DrainStatus': 'NotInitiated', 'Cluster': 'hvc1', 'NodeWeight': 1,
         'DynamicWeight': 1},
        {'Name': 'hv3', 'Id': '3', 'State': 'Up', 'DrainStatus': 'NotInitiated', 'Cluster': 'hvc1', 'NodeWeight': 1,
         'DynamicWeight': 1},
    ]


def test_get_cluster_node_unknown_name(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Get-ClusterNode', {'Name': ['hv2', 'hv7']}, ['Name'])
    assert step['output'] == [{'Name': 'hv2'}]
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == 'Get-ClusterNode,' + GC % 'GetClusterNode'
    assert error['category'] == 'ObjectNotFound' and error['target'] == 'hv7'


def test_down_node_shows_down(hvc, sim):
    with sim.edit(hvc) as state:
        faults.node_down(state, 'hv3')
    step = sim.one(hvc, 'hv1', 'Get-ClusterNode', select=['Name', 'State', 'DynamicWeight'])
    assert step['output'][2] == {'Name': 'hv3', 'State': 'Down', 'DynamicWeight': 0}


# --- Get-ClusterGroup ---------------------------------------------------------------------------------------------

def test_get_cluster_group_unknown_name(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Get-ClusterGroup', {'Name': 'nope'}, ['Name'])
    assert step['status'] == 'error' and step['output'] == []
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == 'Get-ClusterGroup,' + GC % 'GetClusterGroup'
    assert error['category'] == 'ObjectNotFound'
    assert error['target'] == 'nope'
    assert error['message'] == ("An error occurred opening cluster group 'nope'.\n"
                                "    The cluster group could not be found")


@pytest.mark.parametrize('pattern, expected', [
    ('instance-*', ['instance-00000001']),
    ('INSTANCE-0000000?', ['instance-00000001']),
    ('*Group', ['Cluster Group']),
    ('*', ['Cluster Group', 'Available Storage', 'instance-00000001']),
    ('nothing*', []),
])
def test_get_cluster_group_wildcards(hvc, sim, pattern, expected):
    step = sim.one(hvc, 'hv2', 'Get-ClusterGroup', {'Name': pattern}, ['Name'])
    assert step['status'] == 'ok', step          # a wildcard that matches nothing is no error
    assert sorted(row['Name'] for row in step['output']) == sorted(expected)


def test_get_cluster_group_shape(hvc, sim):
    step = sim.one(hvc, 'hv3', 'Get-ClusterGroup', {'Name': 'Instance-00000001'}, GROUP_SELECT)
    assert step['output'] == [{'Name': 'instance-00000001', 'OwnerNode': 'hv1', 'State': 'Online',
                               'GroupType': 'VirtualMachine', 'Priority': 2000, 'Id': vm_id(hvc, 'instance-00000001'),
                               'IsCoreGroup': False}]
    step = sim.one(hvc, 'hv3', 'Get-ClusterGroup', {'Name': 'cluster group'}, ['Name', 'GroupType', 'IsCoreGroup'])
    assert step['output'] == [{'Name': 'Cluster Group', 'GroupType': 'Cluster', 'IsCoreGroup': True}]


def test_get_cluster_group_by_vm_id(hvc, sim):
    step = sim.one(hvc, 'hv2', 'Get-ClusterGroup', {'VMId': vm_id(hvc, 'instance-00000001').upper()}, ['Name'])
    assert step['output'] == [{'Name': 'instance-00000001'}]
    step = sim.one(hvc, 'hv2', 'Get-ClusterGroup', {'VMId': vm_id(hvc, 'instance-00000002')}, ['Name'])
    assert step['errors'][0]['category'] == 'ObjectNotFound'


def test_group_state_follows_the_vm(hvc, sim):
    with sim.edit(hvc) as state:
        next(vm for vm in state.vms.values() if vm['name'] == 'instance-00000001')['state'] = 'Off'
    step = sim.one(hvc, 'hv1', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, ['State'])
    assert step['output'] == [{'State': 'Offline'}]


# --- Get-ClusterQuorum --------------------------------------------------------------------------------------------

QUORUM_SELECT = ['QuorumType', 'QuorumResource', 'QuorumResource.Name', 'QuorumResource.ResourceType',
                 'QuorumResource.ResourceType.Name', 'QuorumResource.ResourceType.DisplayName',
                 'QuorumResource.OwnerGroup', 'Cluster']


@pytest.mark.parametrize('quorum, expected', [
    # windows.md 3.2, witness detection table (WS2016+).
    ({'type': 'Majority', 'witness': None}, ('Majority', None, None, None)),
    ({'type': 'Majority', 'witness': {'kind': 'disk', 'resource': 'Cluster Disk 3'}},
     ('Majority', 'Cluster Disk 3', 'Physical Disk', 'Physical Disk')),
    ({'type': 'Majority', 'witness': {'kind': 'file_share', 'share_path': '\\\\fs01\\witness\\hvc1'}},
     ('Majority', 'File Share Witness', 'File Share Witness', 'File Share Quorum Witness')),
    ({'type': 'Majority', 'witness': {'kind': 'cloud', 'account': 'hvwitness'}},
     ('Majority', 'Cloud Witness', 'Cloud Witness', 'Cloud Witness')),
    ({'type': 'DiskOnly', 'witness': {'kind': 'disk', 'resource': 'Cluster Disk 3'}},
     ('DiskOnly', 'Cluster Disk 3', 'Physical Disk', 'Physical Disk')),
])
def test_get_cluster_quorum_shapes(hvc, sim, quorum, expected):
    with sim.edit(hvc) as state:
        state.clusters['hvc1']['quorum'] = quorum
    step = sim.one(hvc, 'hv2', 'Get-ClusterQuorum', select=QUORUM_SELECT)
    (row,) = step['output']
    quorum_type, resource, type_name, display_name = expected
    assert row['QuorumType'] == quorum_type
    assert row['QuorumType'] not in ('NodeMajority', 'NodeAndFileShareMajority', 'NodeAndDiskMajority')
    assert row['QuorumResource'] == resource and row['QuorumResource.Name'] == resource
    assert row['QuorumResource.ResourceType'] == type_name          # the object prints as its Name
    assert row['QuorumResource.ResourceType.Name'] == type_name
    assert row['QuorumResource.ResourceType.DisplayName'] == display_name
    assert row['QuorumResource.OwnerGroup'] == ('Cluster Group' if resource else None)
    assert row['Cluster'] == 'hvc1'


def test_even_node_clusters_get_a_file_share_witness(make_lab, sim):
    lab = make_lab(nodes=4)
    step = sim.one(lab, 'hv4', 'Get-ClusterQuorum', select=['QuorumType', 'QuorumResource.ResourceType.DisplayName'])
    assert step['output'] == [{'QuorumType': 'Majority',
                               'QuorumResource.ResourceType.DisplayName': 'File Share Quorum Witness'}]


# --- Add-ClusterVirtualMachineRole --------------------------------------------------------------------------------

@pytest.mark.parametrize('by', ['VMName', 'VMId', 'VM'])
def test_add_vm_role_from_another_node(hvc, sim, by):
    # instance-00000002 runs on hv2; the cmdlet runs on hv3.
    value = vm_id(hvc, 'instance-00000002') if by == 'VMId' else 'instance-00000002'
    step = sim.one(hvc, 'hv3', 'Add-ClusterVirtualMachineRole', {by: value}, GROUP_SELECT, mode='write')
    assert step['status'] == 'ok', step
    assert step['output'] == [{'Name': 'instance-00000002', 'OwnerNode': 'hv2', 'State': 'Online',
                               'GroupType': 'VirtualMachine', 'Priority': 2000,
                               'Id': vm_id(hvc, 'instance-00000002'), 'IsCoreGroup': False}]
    raw = hvc.raw_state()['clusters']['hvc1']['groups']['instance-00000002']
    assert raw['resources'] == ['Virtual Machine instance-00000002', 'Virtual Machine Configuration instance-00000002']
    assert raw['preferred_owners'] == []
    step = sim.one(hvc, 'hv2', 'Get-VM', {'Name': 'instance-00000002'}, ['IsClustered', 'State'])
    assert step['output'] == [{'IsClustered': True, 'State': 'Running'}]


def test_add_vm_role_with_a_group_name(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000003', 'Name': 'web'},
                   ['Name', 'OwnerNode'], mode='write')
    assert step['output'] == [{'Name': 'web', 'OwnerNode': 'hv3'}]
    assert groups(hvc)['web']['type'] == 'VirtualMachine'


def test_add_vm_role_of_a_clustered_vm_fails(hvc, sim):
    before = groups(hvc)
    step = sim.one(hvc, 'hv2', 'Add-ClusterVirtualMachineRole', {'VMName': 'INSTANCE-00000001', 'Name': 'again'},
                   mode='write')
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == ('Add-ClusterVirtualMachineRole,'
                                                 + GC % 'AddClusterVirtualMachineRole')
    assert 'already configured for high availability' in error['message']
    assert groups(hvc) == before


@pytest.mark.parametrize('group_name', ['Cluster Group', 'INSTANCE-00000001'])
def test_add_vm_role_with_a_group_name_in_use_fails(hvc, sim, group_name):
    before = groups(hvc)
    step = sim.one(hvc, 'hv2', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000002', 'Name': group_name},
                   mode='write')
    (error,) = step['errors']
    assert 'already exists' in error['message']
    assert groups(hvc) == before


def test_add_vm_role_of_a_vm_on_a_powered_off_node_is_not_found(make_lab, sim):
    lab = make_lab(nodes=4, vms=4)   # instance-00000004 on hv4, 4 nodes + witness: quorum survives hv4 going down
    with sim.edit(lab) as state:
        faults.node_down(state, 'hv4')
    step = sim.one(lab, 'hv1', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000004'}, mode='write')
    (error,) = step['errors']
    assert error['category'] == 'ObjectNotFound'
    assert "virtual machine 'instance-00000004'" in error['message']
    assert 'instance-00000004' not in lab.show()['clusters']['hvc1']['groups']


def test_add_vm_role_of_a_vm_outside_the_cluster_is_not_found(make_lab, sim):
    lab = make_lab(nodes=4, clusters=2, vms=4)   # instance-00000003 runs on hv3, in hvc2
    step = sim.one(lab, 'hv1', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000003'}, mode='write')
    assert step['errors'][0]['category'] == 'ObjectNotFound'


def test_add_vm_role_of_an_ambiguous_name_fails(hvc, sim):
    with sim.edit(hvc) as state:
        next(vm for vm in state.vms.values() if vm['name'] == 'instance-00000003')['name'] = 'instance-00000002'
    step = sim.one(hvc, 'hv1', 'Add-ClusterVirtualMachineRole', {'VMName': 'instance-00000002'}, mode='write')
    assert step['status'] == 'error'
    assert 'instance-00000002' not in groups(hvc)


# --- properties ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('priority', [0, 1000, 2000, 3000])
def test_priority_accepts_the_four_values(hvc, sim, priority):
    outcome = sim.run(hvc, 'hv2', 'write', [sim.call('g', 'Get-ClusterGroup', {'Name': 'instance-00000001'}),
                                            sim.assign('p', 'g', {'Priority': priority})])
    assert sim.steps(outcome)['p']['status'] == 'ok'
    assert groups(hvc)['instance-00000001']['priority'] == priority


@pytest.mark.parametrize('priority', [1, 1500, 2500, 4000, -1, True, None])
def test_priority_rejects_other_values(hvc, sim, priority):
    outcome = sim.run(hvc, 'hv2', 'write', [sim.call('g', 'Get-ClusterGroup', {'Name': 'instance-00000001'}),
                                            sim.assign('p', 'g', {'Priority': priority}),
                                            sim.call('after', 'Get-ClusterNode')])
    steps = sim.steps(outcome)
    assert steps['p']['status'] == 'error' and steps['after']['status'] == 'skipped'
    (error,) = steps['p']['errors']
    # A setter that throws: PowerShell reports it as "Exception setting ..." (SetValueInvocationException).
    assert error['message'].startswith('Exception setting "Priority": ')
    assert error['fully_qualified_error_id'] == 'ExceptionWhenSetting'
    assert groups(hvc)['instance-00000001']['priority'] == 2000


@pytest.mark.parametrize('prop', ['State', 'OwnerNode', 'GroupType', 'name'])
def test_read_only_property_assignment(hvc, sim, prop):
    outcome = sim.run(hvc, 'hv2', 'write', [sim.call('g', 'Get-ClusterGroup', {'Name': 'instance-00000001'}),
                                            sim.assign('p', 'g', {prop: 'x'})])
    (error,) = sim.steps(outcome)['p']['errors']
    assert error['message'] == "'%s' is a ReadOnly property." % prop
    assert error['fully_qualified_error_id'] == 'PropertyAssignmentException'
    assert error['category'] == 'InvalidOperation'
    assert error['exception_type'] == 'System.Management.Automation.RuntimeException'
    assert groups(hvc)['instance-00000001']['state'] == 'Online'


# --- Remove-ClusterGroup ------------------------------------------------------------------------------------------

def test_remove_vm_group_keeps_the_vm(hvc, sim):
    step = sim.one(hvc, 'hv3', 'Remove-ClusterGroup', {'Name': 'instance-00000001', 'RemoveResources': True,
                                                       'Force': True}, mode='write')
    assert step['status'] == 'ok' and step['output'] == []      # Remove-ClusterGroup returns nothing
    assert 'instance-00000001' not in groups(hvc)
    vm = hvc.show()['vms']['instance-00000001']
    assert vm['host'] == 'hv1' and vm['state'] == 'Running' and vm['clustered'] is False
    step = sim.one(hvc, 'hv1', 'Get-VM', {'Name': 'instance-00000001'}, ['IsClustered', 'State', 'ComputerName'])
    assert step['output'] == [{'IsClustered': False, 'State': 'Running', 'ComputerName': 'HV1'}]


def test_remove_group_by_vm_id(hvc, sim):
    step = sim.one(hvc, 'hv2', 'Remove-ClusterGroup', {'VMId': vm_id(hvc, 'instance-00000001'),
                                                       'RemoveResources': True}, mode='write')
    assert step['status'] == 'ok'
    assert 'instance-00000001' not in groups(hvc)


def test_remove_group_with_resources_needs_remove_resources(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Remove-ClusterGroup', {'Name': 'instance-00000001', 'Force': True}, mode='write')
    (error,) = step['errors']
    assert 'RemoveResources' in error['message']
    assert 'instance-00000001' in groups(hvc)


@pytest.mark.parametrize('name', ['Cluster Group', 'cluster group', 'Available Storage'])
def test_core_groups_cannot_be_removed(hvc, sim, name):
    step = sim.one(hvc, 'hv1', 'Remove-ClusterGroup', {'Name': name, 'RemoveResources': True, 'Force': True},
                   mode='write')
    assert step['status'] == 'error'
    assert 'core group' in step['errors'][0]['message']
    assert {'Cluster Group', 'Available Storage'} <= set(groups(hvc))


def test_remove_unknown_group(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Remove-ClusterGroup', {'Name': 'nope', 'RemoveResources': True}, mode='write')
    assert step['errors'][0]['category'] == 'ObjectNotFound'


# --- owner nodes --------------------------------------------------------------------------------------------------

def test_set_and_get_owner_nodes(hvc, sim):
    outcome = sim.run(hvc, 'hv1', 'write', [
        sim.call('set', 'Set-ClusterOwnerNode', {'Group': 'INSTANCE-00000001', 'Owners': ['HV3', 'hv2', 'hv3']}),
        sim.call('get', 'Get-ClusterOwnerNode', {'Group': 'instance-00000001'}, ['ClusterObject', 'OwnerNodes',
                                                                                 'OwnerNodes.State']),
    ])
    steps = sim.steps(outcome)
    assert steps['set']['status'] == 'ok' and steps['set']['output'] == []
    assert steps['get']['output'] == [{'ClusterObject': 'instance-00000001', 'OwnerNodes': ['hv3', 'hv2'],
                                       'OwnerNodes.State': ['Up', 'Up']}]
    assert groups(hvc)['instance-00000001']['preferred_owners'] == ['hv3', 'hv2']


@pytest.mark.parametrize('owners', [['hv2', 'hv9'], ['hv4']])
def test_set_owner_nodes_rejects_non_members(make_lab, sim, owners):
    lab = make_lab(nodes=4, clusters=2, vms=2, clustered_vms=2)   # hvc1 = hv1, hv2; hv4 is in hvc2
    step = sim.one(lab, 'hv1', 'Set-ClusterOwnerNode', {'Group': 'instance-00000001', 'Owners': owners},
                   mode='write')
    assert step['status'] == 'error'
    assert step['errors'][0]['category'] == 'ObjectNotFound'
    assert lab.show()['clusters']['hvc1']['groups']['instance-00000001']['preferred_owners'] == []


def test_set_owner_nodes_of_unknown_group(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Set-ClusterOwnerNode', {'Group': 'nope', 'Owners': 'hv1'}, mode='write')
    assert step['errors'][0]['category'] == 'ObjectNotFound'


# --- CSVs and networks --------------------------------------------------------------------------------------------

def test_cluster_shared_volumes(hvc, sim):
    step = sim.one(hvc, 'hv2', 'Get-ClusterSharedVolume', select=['Name', 'State', 'OwnerNode',
                                                                  'SharedVolumeInfo.FriendlyVolumeName'])
    assert step['output'] == [
        {'Name': 'Cluster Disk 1', 'State': 'Online', 'OwnerNode': 'hv1',
         'SharedVolumeInfo.FriendlyVolumeName': ['C:\\ClusterStorage\\Volume1']},
        {'Name': 'Cluster Disk 2', 'State': 'Online', 'OwnerNode': 'hv2',
         'SharedVolumeInfo.FriendlyVolumeName': ['C:\\ClusterStorage\\Volume2']},
    ]


def test_csv_free_space_counts_the_vms_on_it(hvc, sim):
    select = ['SharedVolumeInfo.Partition.FreeSpace', 'SharedVolumeInfo.Partition.UsedSpace']
    before = sim.one(hvc, 'hv1', 'Get-ClusterSharedVolume', {'Name': 'Cluster Disk 1'}, select)['output'][0]
    with sim.edit(hvc) as state:
        vm = next(vm for vm in state.vms.values() if vm['name'] == 'instance-00000001')
        vm['disk_bytes'] += 10 * 1024 ** 3
    after = sim.one(hvc, 'hv1', 'Get-ClusterSharedVolume', {'Name': 'Cluster Disk 1'}, select)['output'][0]
    grown = 10 * 1024 ** 3
    assert after['SharedVolumeInfo.Partition.UsedSpace'][0] - before['SharedVolumeInfo.Partition.UsedSpace'][0] == grown
    assert before['SharedVolumeInfo.Partition.FreeSpace'][0] - after['SharedVolumeInfo.Partition.FreeSpace'][0] == grown


def test_cluster_networks(hvc, sim):
    step = sim.one(hvc, 'hv1', 'Get-ClusterNetwork', select=['Name', 'Role', 'Address', 'State'])
    assert [row['Name'] for row in step['output']] == ['Management', 'Cluster', 'LiveMigration']
    assert step['output'][0] == {'Name': 'Management', 'Role': 'ClusterAndClient', 'Address': '10.10.0.0',
                                 'State': 'Up'}


# --- ClusterNetwork properties (CLUSTERING.md: networks) ----------------------------------------------------------

def test_cluster_network_name_role_and_metric_can_be_set(make_lab, sim):
    lab = make_lab(nodes=2)
    run = sim.run(lab, 'hv1', 'write', [
        sim.call('net', 'Get-ClusterNetwork', {'Name': ['LiveMigration']}),
        sim.assign('set', 'net', {'Name': 'Migration', 'Role': 'None', 'Metric': 900}),
        sim.call('after', 'Get-ClusterNetwork', {'Name': ['Migration']}, ['Name', 'Role', 'Metric', 'AutoMetric'])])
    expected = {'Name': 'Migration', 'Role': 'None', 'Metric': 900, 'AutoMetric': False}
    assert sim.steps(run)['after']['output'] == [expected]
    assert 'Migration' in lab.show()['clusters']['hvc1']['networks']


@pytest.mark.parametrize('properties, fragment', [
    ({'Role': 'Storage'}, 'Cannot convert value "Storage" to type ClusterNetworkRole'),
    ({'Name': 'cluster'}, 'already in use'),
    ({'Metric': -1}, 'The parameter is incorrect'),
])
def test_bad_cluster_network_values_are_refused(make_lab, sim, properties, fragment):
    lab = make_lab(nodes=2)
    before = lab.raw_state()
    run = sim.run(lab, 'hv1', 'write', [sim.call('net', 'Get-ClusterNetwork', {'Name': ['Management']}),
                                        sim.assign('set', 'net', properties)])
    step = sim.steps(run)['set']
    assert step['status'] == 'error' and fragment in step['errors'][0]['message'], step
    assert lab.raw_state() == before
