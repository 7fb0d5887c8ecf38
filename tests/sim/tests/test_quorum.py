"""Set-ClusterQuorum, Get-ClusterResource, Get-ClusterParameter against tests/sim/CLUSTERING.md ("Quorum")."""

import pytest

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
