"""New-Cluster, Add-ClusterNode, Remove-ClusterNode against tests/sim/CLUSTERING.md."""

import pytest

NEW = 'New-Cluster'
CLUSTER = ['Name', 'Domain']
NODE = ['Name', 'State']


@pytest.fixture
def prepared(make_lab):
    return make_lab(nodes=4, preset='prepared')


def messages(step):
    return [error['message'] for error in step['errors']]


def new_cluster(lab, sim, parameters, node='hv1'):
    return sim.one(lab, node, NEW, parameters, CLUSTER, mode='write')


def test_new_cluster_of_the_given_nodes(prepared, sim):
    step = new_cluster(prepared, sim, {'Name': 'hvc9', 'Node': ['hv1', 'hv2.corp.example.com'], 'NoStorage': True,
                                       'StaticAddress': ['10.10.0.50']})
    assert step['status'] == 'ok', step
    assert step['output'] == [{'Name': 'hvc9', 'Domain': 'corp.example.com'}]
    nodes = sim.one(prepared, 'hv2', 'Get-ClusterNode', select=NODE)['output']
    assert nodes == [{'Name': 'hv1', 'State': 'Up'}, {'Name': 'hv2', 'State': 'Up'}]
    show = prepared.show()
    assert show['nodes']['hv1']['cluster'] == 'hvc9' and show['nodes']['hv3']['cluster'] is None
    cluster = show['clusters']['hvc9']
    assert cluster['quorum'] == {'type': 'Majority', 'witness': None, 'lost': False}
    assert cluster['csvs'] == {}
    # One network per subnet of the nodes' adapters; the VM adapter has no address.
    assert [(name, network['address'], network['role']) for name, network in cluster['networks'].items()] == [
        ('Cluster Network 1', '10.10.0.0', 'ClusterAndClient'), ('Cluster Network 2', '10.10.1.0', 'Cluster'),
        ('Cluster Network 3', '10.10.2.0', 'Cluster')]
    with sim.edit(prepared) as state:
        assert 'HVC9' in state.data['domain']['computers']
        assert state.clusters['hvc9']['static_addresses'] == ['10.10.0.50']


def test_new_cluster_without_nodes_is_the_local_node(prepared, sim):
    assert new_cluster(prepared, sim, {'Name': 'solo'}, node='hv3')['status'] == 'ok'
    assert list(prepared.show()['clusters']['solo']['nodes']) == ['hv3']


def test_ignore_network_leaves_the_network_out(prepared, sim):
    new_cluster(prepared, sim, {'Name': 'hvc9', 'Node': ['hv1', 'hv2'], 'IgnoreNetwork': ['10.10.2.0/24']})
    assert [network['address'] for network in prepared.show()['clusters']['hvc9']['networks'].values()] == [
        '10.10.0.0', '10.10.1.0']


@pytest.mark.parametrize('parameters, fragment, category', [
    ({'Name': 'a-much-too-long-name'}, "The cluster name 'a-much-too-long-name' is not valid: it is longer than 15 "
                                       "characters", 'InvalidArgument'),
    ({'Name': 'bad.name'}, 'a computer name uses letters, digits and hyphens', 'InvalidArgument'),
    ({'Name': 'hv1'}, "a computer object named 'hv1' already exists in Active Directory", 'ResourceExists'),
    ({'Name': 'hvc9', 'Node': ['hv1', 'hv8']}, "The computer 'hv8' could not be reached", 'ConnectionError'),
    ({'Name': 'hvc9', 'StaticAddress': ['192.168.7.7']}, "Static address '192.168.7.7' was not found on any cluster "
                                                         "network.", 'InvalidArgument'),
    ({'Name': 'hvc9', 'StaticAddress': ['not-an-ip']}, "'not-an-ip' is not a valid IPv4 address.", 'InvalidArgument'),
])
def test_new_cluster_refusals_change_nothing(prepared, sim, parameters, fragment, category):
    before = prepared.raw_state()
    step = new_cluster(prepared, sim, parameters)
    assert step['status'] == 'error', step
    assert any(fragment in message for message in messages(step)), messages(step)
    assert step['errors'][0]['category'] == category
    assert prepared.raw_state() == before


def test_a_node_of_another_cluster_cannot_join(make_lab, sim):
    lab = make_lab(nodes=3)           # clustered: hv1..hv3 in hvc1
    step = new_cluster(lab, sim, {'Name': 'hvc9', 'Node': ['hv2']})
    assert messages(step) == ["There was an error adding node 'hv2' to the cluster.\n    The computer "
                              "'hv2.corp.example.com' is joined to a cluster."]


def test_missing_feature_domain_and_cno_rights(make_lab, sim, prepared):
    bare = make_lab(nodes=2, preset='bare')        # no clustering tools: the cmdlet itself is missing
    assert "The term 'New-Cluster' is not recognized" in messages(new_cluster(bare, sim, {'Name': 'hvc9'}))[0]
    with sim.edit(prepared) as state:
        state.nodes['hv4']['domain'] = None
    assert messages(new_cluster(prepared, sim, {'Name': 'hvc9', 'Node': ['hv1', 'hv4']})) == [
        "The computer 'hv4' is not joined to a domain. A failover cluster needs its nodes in an Active Directory "
        "domain."]
    with sim.edit(prepared) as state:
        state.nodes['hv2']['features']['Failover-Clustering']['installed'] = False
    assert messages(new_cluster(prepared, sim, {'Name': 'hvc9', 'Node': ['hv1', 'hv2']})) == [
        "The computer 'hv2' does not have the Failover Clustering feature installed."]
    with sim.edit(prepared) as state:
        state.data['domain']['cno_rights'] = False
    step = new_cluster(prepared, sim, {'Name': 'hvc9', 'Node': ['hv1']})
    assert step['errors'][0]['category'] == 'PermissionDenied'
    assert 'Access is denied' in messages(step)[0]
    # Without an AD access point no computer object is needed.
    assert new_cluster(prepared, sim, {'Name': 'hvc9', 'Node': ['hv1'], 'AdministrativeAccessPoint': 'Dns'})[
        'status'] == 'ok'


def test_add_cluster_node_joins_and_refuses_a_member(prepared, sim):
    new_cluster(prepared, sim, {'Name': 'hvc9', 'Node': ['hv1']})
    step = sim.one(prepared, 'hv1', 'Add-ClusterNode', {'Name': ['hv2', 'hv3'], 'Cluster': 'hvc9', 'NoStorage': True},
                   NODE, mode='write')
    assert step['output'] == [{'Name': 'hv2', 'State': 'Up'}, {'Name': 'hv3', 'State': 'Up'}]
    again = sim.one(prepared, 'hv1', 'Add-ClusterNode', {'Name': ['hv2'], 'Cluster': 'hvc9'}, NODE, mode='write')
    assert messages(again) == ["There was an error adding node 'hv2' to the cluster.\n    The computer "
                               "'hv2.corp.example.com' is joined to a cluster."]
    # The classic mistake: "adding" a node that is Down is refused too; it is still a member.
    prepared.fault('node-down', 'hv3')
    down = sim.one(prepared, 'hv1', 'Add-ClusterNode', {'Name': ['hv3'], 'Cluster': 'hvc9'}, NODE, mode='write')
    assert down['status'] == 'error'
    assert prepared.show()['clusters']['hvc9']['nodes']['hv3']['state'] == 'Down'


def test_remove_cluster_node_moves_its_roles_and_keeps_the_vms(make_lab, sim):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    step = sim.one(lab, 'hv1', 'Remove-ClusterNode', {'Name': ['hv3'], 'Force': True}, mode='write')
    assert step['status'] == 'ok', step
    show = lab.show()
    assert list(show['clusters']['hvc1']['nodes']) == ['hv1', 'hv2']
    assert show['nodes']['hv3']['cluster'] is None
    group = show['clusters']['hvc1']['groups']['instance-00000003']
    assert group['owner'] in ('hv1', 'hv2') and group['state'] == 'Online'
    assert show['vms']['instance-00000003']['host'] == group['owner']
    missing = sim.one(lab, 'hv1', 'Remove-ClusterNode', {'Name': ['hv3'], 'Force': True}, mode='write')
    assert "The cluster node could not be found" in messages(missing)[0]


def test_the_last_node_cannot_be_removed(prepared, sim):
    new_cluster(prepared, sim, {'Name': 'solo'})
    step = sim.one(prepared, 'hv1', 'Remove-ClusterNode', {'Name': ['hv1'], 'Force': True}, mode='write')
    assert "is the last node of cluster 'solo'" in messages(step)[0]
