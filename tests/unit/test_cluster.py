"""The cluster module against simulated labs: create, join, evict, refusals, check mode and diff."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import cluster as cluster_action

from harness import SimExecutor, edit_lab, run_action


def run(lab, args, node='hv1', check_mode=False, diff=False):
    executor = SimExecutor(lab.dir, node=node)
    result = run_action(cluster_action.ActionModule, args, executor, check_mode=check_mode, diff=diff, host=node)
    return result, executor


def members(lab, name):
    return {node: member['state'] for node, member in lab.show()['clusters'][name]['nodes'].items()}


@pytest.fixture
def prepared(make_lab):
    return make_lab(nodes=4, preset='prepared')


def test_create_then_rerun_changes_nothing(prepared):
    result, executor = run(prepared, {'name': 'hvc1', 'nodes': ['hv1', 'hv2', 'hv3'], 'static_address': ['10.10.0.50'],
                                      'ignore_network': ['10.10.2.0/24']}, diff=True)
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert executor.calls[1].cmdlets == ['New-Cluster', 'Get-ClusterNode']
    assert result['changed'] is True and result['created'] is True
    assert result['added'] == ['hv1', 'hv2', 'hv3']
    assert result['cluster'] == {'name': 'hvc1', 'exists': True, 'nodes': [
        {'name': 'hv1', 'state': 'Up'}, {'name': 'hv2', 'state': 'Up'}, {'name': 'hv3', 'state': 'Up'}]}
    assert result['diff']['before'] == {'name': 'hvc1', 'exists': False, 'nodes': []}
    assert members(prepared, 'hvc1') == {'hv1': 'Up', 'hv2': 'Up', 'hv3': 'Up'}
    networks = prepared.show()['clusters']['hvc1']['networks']
    assert [network['address'] for network in networks.values()] == ['10.10.0.0', '10.10.1.0']

    again, executor = run(prepared, {'name': 'hvc1', 'nodes': ['hv1', 'HV2.corp.example.com', 'hv3'],
                                     'static_address': ['10.10.0.50']}, node='hv2')
    assert executor.modes == ['read']
    assert again['changed'] is False and again['added'] == []
    assert any('apply when the cluster is created' in warning for warning in again['warnings'])


def test_check_mode_predicts_and_changes_nothing(prepared):
    before = prepared.raw_state()
    result, executor = run(prepared, {'name': 'hvc1', 'nodes': ['hv1', 'hv2']}, check_mode=True)
    assert executor.modes == ['read']
    assert prepared.raw_state() == before
    assert result['changed'] is True and result['created'] is True
    assert [node['name'] for node in result['cluster']['nodes']] == ['hv1', 'hv2']


def test_without_nodes_the_cluster_is_the_node_the_task_runs_on(prepared):
    result, _executor = run(prepared, {'name': 'solo'}, node='hv4')
    assert result['added'] == ['hv4'], result        # as the cluster spells its member
    assert list(members(prepared, 'solo')) == ['hv4']
    again, executor = run(prepared, {'name': 'solo'}, node='hv4')
    assert again['changed'] is False and executor.modes == ['read']


def test_a_fourth_node_joins_and_only_it_changes(make_lab):
    lab = make_lab(nodes=4, clusters=1)
    # A clustered lab of 4 nodes: evict hv4 first, then add it back as a fresh member.
    evicted, _executor = run(lab, {'name': 'hvc1', 'nodes': ['hv1', 'hv2', 'hv3'], 'evict': ['hv4']})
    assert evicted['evicted'] == ['hv4'] and evicted['added'] == []
    assert members(lab, 'hvc1') == {'hv1': 'Up', 'hv2': 'Up', 'hv3': 'Up'}
    joined, executor = run(lab, {'name': 'hvc1', 'nodes': ['hv1', 'hv2', 'hv3', 'hv4']})
    assert joined['added'] == ['hv4'] and joined['changed'] is True
    assert executor.calls[1].cmdlets == ['Add-ClusterNode', 'Get-ClusterNode']
    assert executor.calls[1].steps[0]['parameters'] == {'Name': ['hv4'], 'Cluster': 'hvc1', 'NoStorage': True}
    assert members(lab, 'hvc1')['hv4'] == 'Up'


def test_a_down_member_is_not_added_again(make_lab):
    lab = make_lab(nodes=3)
    lab.fault('node-down', 'hv3')
    result, executor = run(lab, {'name': 'hvc1', 'nodes': ['hv1', 'hv2', 'hv3']})
    assert 'failed' not in result, result
    assert result['changed'] is False and executor.modes == ['read']
    assert {node['name']: node['state'] for node in result['cluster']['nodes']}['hv3'] == 'Down'


@pytest.mark.parametrize('args, fragment', [
    ({'name': 'a-much-too-long-1'}, 'cluster a-much-too-long-1: the name has 17 characters, and a cluster name is a '
                                    'NetBIOS computer name of at most 15'),
    ({'name': 'hvc1.corp'}, 'the name must be a computer name'),
    ({'name': 'hvc1', 'nodes': ['hv1', 'hv2'], 'evict': ['HV2']}, 'hv2 is both in nodes and in evict'),
    ({'name': 'hvc1', 'static_address': ['10.10.0.300']}, "static_address '10.10.0.300' is not an IPv4 address"),
    ({'name': 'hvc1', 'ignore_network': ['storage']}, "ignore_network 'storage' is not an IPv4 network"),
])
def test_bad_input_is_refused_before_reading(prepared, args, fragment):
    result, executor = run(prepared, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == []


def test_a_node_of_another_cluster_is_refused_and_nothing_changes(make_lab):
    lab = make_lab(nodes=4, clusters=2)       # hvc1 = hv1, hv2; hvc2 = hv3, hv4
    before = lab.raw_state()
    result, executor = run(lab, {'name': 'hvc1', 'nodes': ['hv1', 'hv2', 'hv3']})
    assert result['failed'] is True
    assert result['msg'].startswith('cluster hvc1: hv3 (in cluster hvc2) already belongs to another cluster; '
                                    'nothing was changed.'), result['msg']
    assert executor.modes == ['read'] and lab.raw_state() == before


def test_a_cluster_name_that_is_a_node_of_another_cluster(make_lab):
    lab = make_lab(nodes=3)
    result, _executor = run(lab, {'name': 'hv2', 'nodes': ['hv1']})
    assert result['failed'] is True
    assert 'hv2 is the name of a computer in cluster hvc1, not of a cluster' in result['msg']


def test_missing_rights_on_the_cluster_name_object(prepared):
    edit_lab(prepared.dir, lambda data: data['domain'].update(cno_rights=False))
    before = prepared.raw_state()
    result, executor = run(prepared, {'name': 'hvc1', 'nodes': ['hv1', 'hv2']})
    assert executor.modes == ['read', 'write']
    assert result['failed'] is True
    assert result['msg'].startswith('cluster hvc1: creating it failed: New-Cluster reported: There was an error '
                                    'creating the cluster name account'), result['msg']
    assert 'prestage a disabled computer object' in result['msg']
    assert prepared.raw_state() == before
    dns_only, _executor = run(prepared, {'name': 'hvc1', 'nodes': ['hv1', 'hv2'], 'access_point': 'dns'})
    assert dns_only['created'] is True


def test_a_node_without_failover_clustering(prepared):
    edit_lab(prepared.dir, lambda data: data['nodes']['hv2']['features']['Failover-Clustering'].update(
        installed=False))
    result, _executor = run(prepared, {'name': 'hvc1', 'nodes': ['hv1', 'hv2']})
    assert result['failed'] is True
    assert "The computer 'hv2' does not have the Failover Clustering feature installed." in result['msg']
    assert 'hvc1' not in prepared.show()['clusters']


def test_evicting_every_node_is_refused(make_lab):
    lab = make_lab(nodes=2)
    result, _executor = run(lab, {'name': 'hvc1', 'nodes': [], 'evict': ['hv1', 'hv2']})
    assert result['failed'] is True
    assert 'would leave the cluster without nodes' in result['msg'], result
