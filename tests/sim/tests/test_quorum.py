"""Set-ClusterQuorum, Get-ClusterResource, Get-ClusterParameter against tests/sim/CLUSTERING.md ("Quorum")."""

import pytest

from hvsim import faults

QUORUM = ['QuorumType', 'QuorumResource.Name', 'QuorumResource.ResourceType.DisplayName']
SHARE = '\\\\fs01.corp.example.com\\witness\\hvc1'


def set_quorum(lab, sim, parameters):
    return sim.one(lab, 'hv1', 'Set-ClusterQuorum', parameters, QUORUM, mode='write')


def messages(step):
    return [error['message'] for error in step['errors']]


@pytest.fixture
def hvc(make_lab):
    return make_lab(nodes=3)          # node majority, no witness


def test_file_share_witness_then_its_share_path(hvc, sim):
    step = set_quorum(hvc, sim, {'FileShareWitness': SHARE})
    assert step['output'] == [{'QuorumType': 'Majority', 'QuorumResource.Name': 'File Share Witness',
                               'QuorumResource.ResourceType.DisplayName': 'File Share Quorum Witness'}]
    run = sim.run(hvc, 'hv2', 'read', [
        sim.call('q', 'Get-ClusterQuorum', select=['QuorumResource']),
        sim.call('p', 'Get-ClusterParameter', {'InputObject': {'__ref__': 'q', 'property': 'QuorumResource'},
                                               'Name': ['SharePath']}, ['Name', 'Value'])])
    assert sim.steps(run)['p']['output'] == [{'Name': 'SharePath', 'Value': SHARE}]
    assert hvc.show()['clusters']['hvc1']['quorum']['witness'] == {'kind': 'file_share', 'share_path': SHARE}


def test_an_unreachable_share_is_refused(hvc, sim):
    before = hvc.raw_state()
    step = set_quorum(hvc, sim, {'FileShareWitness': '\\\\fs02.corp.example.com\\witness'})
    assert step['status'] == 'error'
    assert 'The network path was not found.' in messages(step)[0]
    assert hvc.raw_state() == before


def test_cloud_witness_and_the_second_one_fails(hvc, sim):
    step = set_quorum(hvc, sim, {'CloudWitness': True, 'AccountName': 'hvwitness', 'AccessKey': 'c2VjcmV0'})
    assert step['output'][0]['QuorumResource.ResourceType.DisplayName'] == 'Cloud Witness'
    again = set_quorum(hvc, sim, {'CloudWitness': True, 'AccountName': 'other', 'AccessKey': 'a2V5'})
    assert messages(again) == ["An error occurred while creating resource 'Cloud Witness (2)'."]
    assert set_quorum(hvc, sim, {'NoWitness': True})['output'] == [
        {'QuorumType': 'Majority', 'QuorumResource.Name': None, 'QuorumResource.ResourceType.DisplayName': None}]
    assert set_quorum(hvc, sim, {'CloudWitness': True, 'AccountName': 'other', 'AccessKey': 'a2V5'})['status'] == 'ok'
    params = sim.one(hvc, 'hv1', 'Get-ClusterParameter', {'InputObject': None}, ['Name'])
    assert params['status'] == 'ok'


@pytest.mark.parametrize('parameters', [
    {}, {'NoWitness': True, 'FileShareWitness': SHARE}, {'NoWitness': True, 'AccountName': 'x'},
])
def test_exactly_one_kind_of_witness(hvc, sim, parameters):
    step = set_quorum(hvc, sim, parameters)
    assert messages(step) == ['Parameter set cannot be resolved using the specified named parameters.']


def test_cloud_witness_needs_account_and_key(hvc, sim):
    step = set_quorum(hvc, sim, {'CloudWitness': True, 'AccountName': 'hvwitness'})
    assert 'missing mandatory parameters: AccessKey' in messages(step)[0]


def test_a_disk_witness_needs_a_clustered_disk(hvc, sim):
    step = set_quorum(hvc, sim, {'DiskWitness': 'Cluster Disk 9'})
    assert "The cluster resource could not be found" in messages(step)[0]


def test_core_resources_and_their_parameters(hvc, sim):
    names = [row['Name'] for row in sim.one(hvc, 'hv1', 'Get-ClusterResource', select=['Name'])['output']]
    assert names == ['Cluster Name', 'Cluster IP Address']
    run = sim.run(hvc, 'hv1', 'read', [
        sim.call('r', 'Get-ClusterResource', {'Name': ['Cluster Name']}, ['Name']),
        sim.call('p', 'Get-ClusterParameter', {'InputObject': {'__ref__': 'r'}, 'Name': ['Name']}, ['Value'])])
    assert sim.steps(run)['p']['output'] == [{'Value': 'HVC1'}]


def _add_clustered_disk(lab, sim, name):
    """A disk in Available Storage, as cluster_disk with csv: false leaves it (the clustered preset has none)."""
    with sim.edit(lab) as state:
        state.clusters['hvc1'].setdefault('disks', {})[name] = {
            'name': name, 'number': 1, 'disk_id': 'disk-%s' % name.lower(), 'size_bytes': 1024 ** 3,
            'partition_style': 'GPT', 'state': 'Online'}


def test_disk_only_reports_diskonly_with_its_disk_and_is_undone_by_any_other_witness(hvc, sim):
    _add_clustered_disk(hvc, sim, 'Quorum')
    step = set_quorum(hvc, sim, {'DiskOnly': 'quorum'})
    assert step['output'] == [{'QuorumType': 'DiskOnly', 'QuorumResource.Name': 'Quorum',
                               'QuorumResource.ResourceType.DisplayName': 'Physical Disk'}]
    assert hvc.show()['clusters']['hvc1']['quorum']['type'] == 'DiskOnly'
    # In the core group, like a disk witness: it cannot become a CSV.
    csv = sim.one(hvc, 'hv1', 'Add-ClusterSharedVolume', {'Name': 'Quorum'}, ['Name'], mode='write')
    assert 'is the quorum witness' in messages(csv)[0]
    assert set_quorum(hvc, sim, {'DiskWitness': 'Quorum'})['output'][0]['QuorumType'] == 'Majority'
    set_quorum(hvc, sim, {'DiskOnly': 'Quorum'})
    assert set_quorum(hvc, sim, {'FileShareWitness': SHARE})['output'][0] == {
        'QuorumType': 'Majority', 'QuorumResource.Name': 'File Share Witness',
        'QuorumResource.ResourceType.DisplayName': 'File Share Quorum Witness'}


@pytest.mark.parametrize('quorum_type, lost', [('DiskOnly', False), ('Majority', True)])
def test_a_disk_only_cluster_keeps_quorum_while_one_node_is_left(hvc, sim, quorum_type, lost):
    _add_clustered_disk(hvc, sim, 'Quorum')
    set_quorum(hvc, sim, {'DiskOnly' if quorum_type == 'DiskOnly' else 'DiskWitness': 'Quorum'})
    # Two of three nodes lost: majority is gone, the disk-only cluster runs on; the last one lost stops both.
    for down, lost_then in ((['hv2', 'hv3'], lost), (['hv1'], True)):
        with sim.edit(hvc) as state:
            for node in down:
                faults.node_down(state, node)
        assert hvc.show()['clusters']['hvc1']['quorum']['lost'] is lost_then
