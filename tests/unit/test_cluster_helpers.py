"""plugin_utils/_cluster.py: parsing what Windows returns, on hand-made runner rows."""

import pytest

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _cluster
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import ErrorRecord, StepResult
from ansible_collections.hyperv.cluster.plugins.plugin_utils._errors import PreconditionError, WindowsCommandError


def step(output=None, errors=None, status=None, cmdlet='Get-Cluster'):
    errors = [ErrorRecord.from_dict(error) for error in errors or []]
    return StepResult('s', 'call', cmdlet, status or ('error' if errors else 'ok'), output or [], errors, 0)


RPC = {'message': 'The cluster service is not running.  ', 'fully_qualified_error_id':
       'ClusterRpcConnection,Microsoft.FailoverClusters.PowerShell.GetClusterCommand', 'category': 'ConnectionError'}


@pytest.mark.parametrize('row, expected', [
    ({}, ('unknown', 'none')),                           # no quorum row at all
    ({'QuorumType': 'Majority'}, ('node_majority', 'none')),
    ({'QuorumType': 'Majority', 'QuorumResource.ResourceType.Name': 'Physical Disk'},
     ('node_and_disk_majority', 'disk')),
    ({'QuorumType': 'Majority', 'QuorumResource.ResourceType.Name': 'PHYSICAL DISK'},
     ('node_and_disk_majority', 'disk')),
    ({'QuorumType': 'Majority', 'QuorumResource.ResourceType.Name': 'File Share Witness'},
     ('node_and_file_share_majority', 'file_share')),
    ({'QuorumType': 'Majority', 'QuorumResource.ResourceType.Name': 'Cloud Witness'},
     ('node_and_cloud_majority', 'cloud')),
    ({'QuorumType': 'Majority', 'QuorumResource.ResourceType.Name': 'Storage Pool'}, ('unknown', 'other')),
    ({'QuorumType': 'DiskOnly', 'QuorumResource.ResourceType.Name': 'Physical Disk'}, ('disk_only', 'disk')),
    ({'QuorumType': 'NodeMajority'}, ('node_majority', 'none')),
    ({'QuorumType': 'NodeAndDiskMajority', 'QuorumResource.ResourceType.Name': 'Physical Disk'},
     ('node_and_disk_majority', 'disk')),
    ({'QuorumType': 'NodeAndFileShareMajority', 'QuorumResource.ResourceType.Name': 'File Share Witness'},
     ('node_and_file_share_majority', 'file_share')),
    ({'QuorumType': 'Something'}, ('unknown', 'none')),
])
def test_parse_quorum(row, expected):
    quorum = _cluster.parse_quorum(step([row] if row else []))
    assert (quorum['mode'], quorum['witness_type']) == expected
    assert quorum['quorum_type'] == row.get('QuorumType')


@pytest.mark.parametrize('path, location', [
    ('C:\\ClusterStorage\\Volume1\\vm1', 'csv'),
    ('c:\\clusterstorage\\VOLUME1\\vm1\\disk.vhdx', 'csv'),
    ('C:\\ClusterStorage\\Volume10\\vm1', 'local'),   # not under Volume1
    ('C:\\ClusterStorage\\Volume1x', 'local'),
    ('D:\\Hyper-V\\vm1', 'local'),
    ('\\\\fs01\\vms\\vm1', 'smb'),
    ('', 'local'),
    (None, 'local'),
])
def test_storage_location(path, location):
    assert _cluster.storage_location(path, ['C:\\ClusterStorage\\Volume1', 'C:\\ClusterStorage\\Volume2\\']) == \
        location


def test_storage_location_of_a_csv_root():
    assert _cluster.storage_location('C:\\ClusterStorage\\Volume1', ['C:\\ClusterStorage\\Volume1']) == 'csv'


def test_matches_any_is_case_insensitive_shell_matching():
    assert _cluster.matches_any('Instance-0001', ['instance-*'])
    assert _cluster.matches_any('hv2', ['HV[12]'])
    assert not _cluster.matches_any('hv3', ['HV[12]', 'hv'])
    assert not _cluster.matches_any('anything', [])


def test_same_name():
    assert _cluster.same_name('HV1', 'hv1')
    assert not _cluster.same_name('hv1', 'hv10')
    assert not _cluster.same_name(None, None)


def test_parse_cluster_and_not_clustered():
    row = {'Name': 'hvc1', 'Domain': 'corp', 'Id': 'x', 'SharedVolumesRoot': 'C:\\ClusterStorage'}
    assert _cluster.parse_cluster({'cluster': step([row])}, 'hv1') == {
        'name': 'hvc1', 'domain': 'corp', 'id': 'x', 'shared_volumes_root': 'C:\\ClusterStorage'}
    assert _cluster.parse_cluster({'cluster': step(errors=[RPC])}, 'hv1') is None


def test_parse_cluster_other_error_is_raised():
    denied = {'message': 'Access is denied', 'fully_qualified_error_id': 'ClusterAccessDenied,X',
              'category': 'PermissionDenied'}
    with pytest.raises(WindowsCommandError) as raised:
        _cluster.parse_cluster({'cluster': step(errors=[denied])}, 'hv1')
    assert raised.value.message == 'host hv1: reading the cluster failed: Get-Cluster reported: Access is denied'
    assert raised.value.records[0]['category'] == 'PermissionDenied'


def test_require_cluster_explains_and_fixes():
    with pytest.raises(PreconditionError) as raised:
        _cluster.require_cluster({'cluster': step(errors=[RPC])}, 'hv4', 'do things', subject='VM vm1')
    assert raised.value.message == (
        'VM vm1: host hv4 is not an active member of a failover cluster, so it cannot do things (The cluster service '
        'is not running.). Run the task on a node of the cluster (for example with delegate_to), or create the '
        'cluster first with the hyperv.cluster.failover_cluster role.')


def test_require_cluster_subject_defaults_to_the_host():
    with pytest.raises(PreconditionError) as raised:
        _cluster.require_cluster({'cluster': step(errors=[RPC])}, 'hv4', 'do things')
    assert raised.value.subject == 'host hv4'


def test_require_cluster_returns_the_cluster():
    row = {'Name': 'hvc1', 'Domain': 'corp', 'Id': 'x', 'SharedVolumesRoot': 'C:\\ClusterStorage'}
    assert _cluster.require_cluster({'cluster': step([row])}, 'hv1', 'do things')['name'] == 'hvc1'


def test_missing_clustering_cmdlets_mean_not_clustered():
    missing = {'message': "The term 'Get-Cluster' is not recognized", 'category': 'ObjectNotFound',
               'fully_qualified_error_id': 'CommandNotFoundException,Microsoft.PowerShell.Commands.GetCommandCommand'}
    assert _cluster.parse_cluster({'cluster': step(errors=[missing])}, 'hv1') is None


def test_parse_csvs_takes_single_values_out_of_lists():
    rows = [{'Name': 'Cluster Disk 1', 'Id': 'i', 'State': 'Online', 'OwnerNode': 'hv1',
             'SharedVolumeInfo.FriendlyVolumeName': ['C:\\ClusterStorage\\Volume1'],
             'SharedVolumeInfo.FaultState': ['NoFaults'], 'SharedVolumeInfo.Partition.Size': [400],
             'SharedVolumeInfo.Partition.FreeSpace': [100], 'SharedVolumeInfo.Partition.UsedSpace': [300]},
            {'Name': 'Cluster Disk 2', 'SharedVolumeInfo.FriendlyVolumeName': [],
             'SharedVolumeInfo.Partition.Size': 0, 'SharedVolumeInfo.Partition.FreeSpace': 0}]
    first, second = _cluster.parse_csvs(step(rows))
    assert first == {'name': 'Cluster Disk 1', 'id': 'i', 'state': 'Online', 'owner_node': 'hv1',
                     'path': 'C:\\ClusterStorage\\Volume1', 'fault_state': 'NoFaults', 'size_bytes': 400,
                     'free_bytes': 100, 'used_bytes': 300, 'percent_free': 25.0}
    assert second['path'] is None
    assert second['percent_free'] is None


@pytest.mark.parametrize('priority, name', [(3000, 'high'), (2000, 'medium'), (1000, 'low'), (0, 'no_auto_start'),
                                            (1500, 'custom'), (None, 'custom')])
def test_parse_group_priority_names(priority, name):
    assert _cluster.parse_group({'Name': 'g', 'Priority': priority})['priority_name'] == name


def test_raise_step_error_names_the_cmdlet_or_a_property_assignment_and_carries_fix_and_result():
    error = {'message': ' The network path was not found. ', 'fully_qualified_error_id': 'X', 'category': 'Y'}
    with pytest.raises(WindowsCommandError) as raised:
        _cluster.raise_step_error('cluster hvc1', step(errors=[error], cmdlet='Set-ClusterQuorum'), 'setting it failed',
                                  'Create the share.', quorum={'mode': 'node_majority'})
    assert raised.value.message == ('cluster hvc1: setting it failed: Set-ClusterQuorum reported: The network path '
                                    'was not found. Create the share.')
    assert raised.value.result == {'quorum': {'mode': 'node_majority'}}
    assert len(raised.value.records) == 1
    assignment = StepResult('rename', 'set', None, 'error', [], [ErrorRecord.from_dict(error)], 0)
    with pytest.raises(WindowsCommandError) as raised:
        _cluster.raise_step_error('cluster disk CSV-A', assignment, 'naming the disk failed')
    assert raised.value.message == 'cluster disk CSV-A: naming the disk failed: The network path was not found.'
    assert _cluster.step_messages(step(cmdlet='Get-VM')) == 'no error detail'
