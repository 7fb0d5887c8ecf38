"""Lab building (hvsim/presets.py) and fault injection (hvsim/faults.py), as docs/lab.md describes them."""

import re

import pytest

from hvsim import faults, features, presets

FEATURES = set(features.CATALOGUE)
# cluster_prereqs' roles with their management tools (parents included): what a prepared node has installed.
ROLE_SET = {'Hyper-V', 'RSAT', 'RSAT-Role-Tools', 'RSAT-Hyper-V-Tools', 'Hyper-V-Tools', 'Hyper-V-PowerShell',
            'Failover-Clustering', 'RSAT-Feature-Tools', 'RSAT-Clustering', 'RSAT-Clustering-Mgmt',
            'RSAT-Clustering-PowerShell', 'Multipath-IO'}


def installed(node):
    return {name for name, status in node['features'].items() if status['installed']}


def vms_by_name(data):
    return {vm['name']: vm for vm in data['vms'].values()}


# --- presets ------------------------------------------------------------------------------------------------------

def test_bare_nodes_are_fresh_workgroup_installs():
    data = presets.build(nodes=2, preset='bare')
    assert data['clusters'] == {} and data['vms'] == {}
    assert data['domain']['computers'] == []
    for name, node in data['nodes'].items():
        assert node['domain'] is None and node['fqdn'] == name
        assert not any(status['installed'] for status in node['features'].values())
        assert set(node['features']) == FEATURES
        assert node['vswitches'] == [] and node['cluster'] is None
        assert [nic['name'] for nic in node['nics']] == ['Ethernet 1', 'Ethernet 2', 'Ethernet 3', 'Ethernet 4']
        assert node['vmhost']['VirtualMachineMigrationEnabled'] is False
        assert node['power'] == 'on'


def test_prepared_nodes_are_ready_to_cluster():
    data = presets.build(nodes=3, preset='prepared')
    assert data['clusters'] == {} and data['vms'] == {}
    assert data['domain']['computers'] == ['HV1', 'HV2', 'HV3']
    for name, node in data['nodes'].items():
        assert node['domain'] == 'corp.example.com' and node['fqdn'] == '%s.corp.example.com' % name
        assert installed(node) == ROLE_SET
        assert [switch['name'] for switch in node['vswitches']] == ['External']
        assert node['vswitches'][0]['type'] == 'External'
        assert [nic['name'] for nic in node['nics']] == ['Management', 'Cluster', 'Live-Migration', 'Vm']
        assert node['vmhost']['VirtualMachineMigrationEnabled'] is True
        assert node['vmhost']['VirtualMachineMigrationAuthenticationType'] == 'Kerberos'
        assert node['cluster'] is None


def test_clustered_nodes_form_one_cluster():
    data = presets.build(nodes=3)
    assert list(data['clusters']) == ['hvc1']
    cluster = data['clusters']['hvc1']
    assert list(cluster['nodes']) == ['hv1', 'hv2', 'hv3']
    assert [member['id'] for member in cluster['nodes'].values()] == [1, 2, 3]
    assert all(member['state'] == 'Up' for member in cluster['nodes'].values())
    assert all(node['cluster'] == 'hvc1' for node in data['nodes'].values())
    assert all(installed(node) == ROLE_SET for node in data['nodes'].values())
    assert [csv['path'] for csv in cluster['csvs'].values()] == ['C:\\ClusterStorage\\Volume1',
                                                                 'C:\\ClusterStorage\\Volume2']
    assert [network['name'] for network in cluster['networks']] == ['Management', 'Cluster', 'LiveMigration']
    assert set(cluster['groups']) == {'Cluster Group', 'Available Storage'}
    assert cluster['quorum'] == {'type': 'Majority', 'witness': None}
    assert 'HVC1' in data['domain']['computers']


def test_even_node_count_gets_a_file_share_witness():
    witness = presets.build(nodes=4)['clusters']['hvc1']['quorum']['witness']
    assert witness['kind'] == 'file_share' and witness['share_path'].startswith('\\\\fs01.corp.example.com\\')


def test_vms_are_named_and_spread_round_robin_on_csvs():
    data = presets.build(nodes=3, vms=7)
    vms = vms_by_name(data)
    assert sorted(vms) == ['instance-%08x' % number for number in range(1, 8)]
    assert 'instance-00000001' in vms and 'instance-0000000a' not in vms
    for number in range(1, 8):
        vm = vms['instance-%08x' % number]
        assert vm['host'] == 'hv%d' % ((number - 1) % 3 + 1)
        assert re.match(r'^C:\\ClusterStorage\\Volume[12]\\instance-%08x$' % number, vm['path'])
        assert vm['state'] == 'Running' and vm['memory_mb'] == 2048
        assert all(vhd.startswith(vm['path'] + '\\') for vhd in vm['vhds'])
    assert len({vm['id'] for vm in vms.values()}) == 7
    assert {vm['path'].split('\\')[2] for vm in vms.values()} == {'Volume1', 'Volume2'}


def test_hex_names_past_nine():
    assert 'instance-0000000a' in vms_by_name(presets.build(nodes=2, vms=10))


def test_clustered_vms_are_the_first_ones():
    data = presets.build(nodes=3, vms=5, clustered_vms=2)
    groups = data['clusters']['hvc1']['groups']
    vms = vms_by_name(data)
    assert {name for name, group in groups.items() if group['type'] == 'VirtualMachine'} == {
        'instance-00000001', 'instance-00000002'}
    for name in ('instance-00000001', 'instance-00000002'):
        group = groups[name]
        assert group['priority'] == 2000 and group['preferred_owners'] == []
        assert group['owner'] == vms[name]['host'] and group['vm_id'] == vms[name]['id']
        assert group['resources'] == ['Virtual Machine %s' % name, 'Virtual Machine Configuration %s' % name]


def test_local_vms_are_on_local_disk():
    data = presets.build(nodes=2, vms=2, local_vms=3)
    vms = vms_by_name(data)
    local = sorted(name for name in vms if name.startswith('local-'))
    assert local == ['local-0001', 'local-0002', 'local-0003']
    assert [vms[name]['host'] for name in local] == ['hv1', 'hv2', 'hv1']
    assert all(vms[name]['path'] == 'D:\\Hyper-V\\%s' % name for name in local)
    assert not any(group.get('vm_id') == vms[name]['id'] for name in local
                   for group in data['clusters']['hvc1']['groups'].values())


@pytest.mark.parametrize('nodes, clusters, expected', [
    (4, 2, {'hvc1': ['hv1', 'hv2'], 'hvc2': ['hv3', 'hv4']}),
    (5, 2, {'hvc1': ['hv1', 'hv2', 'hv3'], 'hvc2': ['hv4', 'hv5']}),
    (3, 3, {'hvc1': ['hv1'], 'hvc2': ['hv2'], 'hvc3': ['hv3']}),
])
def test_clusters_split_nodes_contiguously(nodes, clusters, expected):
    data = presets.build(nodes=nodes, clusters=clusters, vms=nodes * 2)
    assert data['plan'] == expected
    assert {name: list(cluster['nodes']) for name, cluster in data['clusters'].items()} == expected
    for vm in data['vms'].values():
        cluster = data['nodes'][vm['host']]['cluster']
        assert vm['host'] in expected[cluster]
        assert vm['path'].startswith('C:\\ClusterStorage\\')
    # Each cluster has its own CSV resources (ids differ between clusters).
    ids = [csv['id'] for cluster in data['clusters'].values() for csv in cluster['csvs'].values()]
    assert len(ids) == len(set(ids))


def test_csvs_are_large_enough_for_their_vms():
    data = presets.build(nodes=2, vms=2000)
    csvs = data['clusters']['hvc1']['csvs'].values()
    assert sum(csv['size_bytes'] for csv in csvs) >= 2000 * presets.VM_DISK_BYTES


def test_builds_are_deterministic():
    assert presets.build(nodes=3, vms=4, clustered_vms=2) == presets.build(nodes=3, vms=4, clustered_vms=2)


@pytest.mark.parametrize('options, message', [
    (dict(nodes=3, preset='racked'), 'preset must be one of bare, prepared, clustered'),
    (dict(nodes=0), '--nodes must be at least 1'),
    (dict(nodes=3, clusters=0), '--clusters must be between 1 and the number of nodes'),
    (dict(nodes=3, clusters=4), '--clusters must be between 1 and the number of nodes'),
    (dict(nodes=3, vms=2, clustered_vms=3), '--clustered-vms cannot exceed --vms'),
    (dict(nodes=3, preset='prepared', vms=1), 'VMs need a clustered lab (--preset clustered)'),
    (dict(nodes=3, preset='bare', local_vms=1), 'VMs need a clustered lab (--preset clustered)'),
    (dict(nodes=3, vms=-1), '--vms cannot be negative'),
    (dict(nodes=3, local_vms=-2), '--local-vms cannot be negative'),
])
def test_invalid_options(options, message):
    with pytest.raises(ValueError) as info:
        presets.build(**options)
    assert str(info.value) == message


# --- node-down / node-up ------------------------------------------------------------------------------------------

def _vm(state, name):
    return next(vm for vm in state.vms.values() if vm['name'] == name)


def test_node_down_stops_its_vms_and_fails_clustered_roles_over(make_lab, sim):
    lab = make_lab(nodes=3, vms=6, clustered_vms=3, local_vms=1)
    # On hv1: instance-00000001 (clustered), instance-00000004 (not clustered), local-0001.
    with sim.edit(lab) as state:
        moved = faults.node_down(state, 'hv1')
    show = lab.show()
    assert show['nodes']['hv1']['power'] == 'off' and show['nodes']['hv1']['state'] == 'Down'
    assert show['clusters']['hvc1']['nodes']['hv1']['state'] == 'Down'
    moved = dict(moved)
    assert set(moved) == {'instance-00000001', 'Cluster Group', 'Available Storage'}
    assert all(target in ('hv2', 'hv3') for target in moved.values())
    vm = show['vms']['instance-00000001']
    assert vm['host'] == moved['instance-00000001'] and vm['state'] == 'Running'
    assert show['clusters']['hvc1']['groups']['instance-00000001']['owner'] == vm['host']
    for name in ('instance-00000004', 'local-0001'):
        assert show['vms'][name]['host'] == 'hv1' and show['vms'][name]['state'] == 'Off'
    # Roles on other nodes are untouched.
    assert show['vms']['instance-00000002']['host'] == 'hv2' and show['vms']['instance-00000002']['state'] == 'Running'
    # The CSV hv1 owned moved to a node that is up.
    assert show['clusters']['hvc1']['csvs']['Cluster Disk 1']['owner'] in ('hv2', 'hv3')
    # What the cmdlets report on a surviving node.
    step = sim.one(lab, 'hv2', 'Get-ClusterGroup', {'Name': 'instance-00000001'}, ['OwnerNode', 'State'])
    assert step['output'] == [{'OwnerNode': vm['host'], 'State': 'Online'}]
    outcome = sim.run(lab, 'hv1', 'read', [sim.call('c', 'Get-Cluster')])
    assert outcome['unreachable'] is True


def test_failover_goes_to_the_node_with_most_free_memory(make_lab, sim):
    lab = make_lab(nodes=3, vms=5, clustered_vms=1)   # hv2 runs 2 VMs, hv3 runs 1
    with sim.edit(lab) as state:
        moved = faults.node_down(state, 'hv1')
    assert dict(moved)['instance-00000001'] == 'hv3'


def test_failover_by_priority_when_memory_is_short(make_lab, sim):
    lab = make_lab(nodes=3, vms=9, clustered_vms=9)
    # hv1 runs instance-1, -4, -7. Priorities: -1 Low, -4 High, -7 Medium. Room for exactly one more VM in total.
    with sim.edit(lab) as state:
        priorities = {'instance-00000001': 1000, 'instance-00000004': 3000, 'instance-00000007': 2000}
        for name, priority in priorities.items():
            state.clusters['hvc1']['groups'][name]['priority'] = priority
        for node, room in (('hv2', 2048), ('hv3', 1024)):
            used = sum(vm['memory_mb'] for vm in state.vms_on(node))
            state.nodes[node]['hardware']['memory_mb'] = state.nodes[node]['host_reserve_mb'] + used + room
        moved = dict(faults.node_down(state, 'hv1'))
    assert 'instance-00000004' in moved and moved['instance-00000004'] == 'hv2'
    assert 'instance-00000001' not in moved and 'instance-00000007' not in moved
    show = lab.show()
    # Roles that found no room stay on the failed node, offline.
    assert show['clusters']['hvc1']['groups']['instance-00000007']['owner'] == 'hv1'
    assert show['clusters']['hvc1']['groups']['instance-00000007']['state'] == 'Offline'
    assert show['vms']['instance-00000004']['state'] == 'Running'


def test_failover_respects_preferred_owner_order(make_lab, sim):
    lab = make_lab(nodes=4, vms=8, clustered_vms=1)
    # hv3 is busier than hv2 and hv4, but it is listed first.
    with sim.edit(lab) as state:
        _vm(state, 'instance-00000003')['memory_mb'] = 65536
        state.clusters['hvc1']['groups']['instance-00000001']['preferred_owners'] = ['hv3', 'hv2']
        moved = dict(faults.node_down(state, 'hv1'))
    assert moved['instance-00000001'] == 'hv3'


def test_failover_skips_preferred_owners_that_are_down_or_full(make_lab, sim):
    lab = make_lab(nodes=4, vms=4, clustered_vms=1)
    with sim.edit(lab) as state:
        state.clusters['hvc1']['groups']['instance-00000001']['preferred_owners'] = ['hv2', 'hv3']
        faults.node_down(state, 'hv2')
        used = sum(vm['memory_mb'] for vm in state.vms_on('hv3') if vm['state'] == 'Running')
        state.nodes['hv3']['hardware']['memory_mb'] = state.nodes['hv3']['host_reserve_mb'] + used + 1024
        moved = dict(faults.node_down(state, 'hv1'))
    # Preferred owners are a preference, not a restriction: the role goes to hv4, the only node with room.
    assert moved['instance-00000001'] == 'hv4'


def test_no_auto_start_roles_move_but_stay_off(make_lab, sim):
    lab = make_lab(nodes=3, vms=3, clustered_vms=1)
    with sim.edit(lab) as state:
        state.clusters['hvc1']['groups']['instance-00000001']['priority'] = 0
        moved = dict(faults.node_down(state, 'hv1'))
    show = lab.show()
    assert show['vms']['instance-00000001']['host'] == moved['instance-00000001'] != 'hv1'
    assert show['vms']['instance-00000001']['state'] == 'Off'
    assert show['clusters']['hvc1']['groups']['instance-00000001']['state'] == 'Offline'


def test_quorum_loss_stops_the_cluster_on_the_survivor(make_lab, sim):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    with sim.edit(lab) as state:
        assert faults.node_down(state, 'hv2') != []
        assert faults.node_down(state, 'hv3') == []       # no quorum: nothing fails over
    assert lab.show()['clusters']['hvc1']['quorum']['lost'] is True
    for cmdlet, parameters in (('Get-ClusterNode', {}), ('Get-ClusterGroup', {}), ('Get-Cluster', {})):
        step = sim.one(lab, 'hv1', cmdlet, parameters)
        (error,) = step['errors']
        assert error['fully_qualified_error_id'].startswith('ClusterRpcConnection,'), cmdlet
        assert error['category'] == 'ConnectionError'
    step = sim.one(lab, 'hv1', 'Get-Cluster', {'Name': 'hvc1'})
    assert step['errors'][0]['fully_qualified_error_id'].startswith('ClusterRpcConnection,')
    # Hyper-V does not depend on the cluster service.
    assert sim.one(lab, 'hv1', 'Get-VM', select=['Name'])['status'] == 'ok'


def test_witness_keeps_quorum_with_half_the_nodes(make_lab, sim):
    lab = make_lab(nodes=4, vms=4, clustered_vms=4)    # 4 nodes + file share witness = 5 votes
    with sim.edit(lab) as state:
        faults.node_down(state, 'hv1')
        faults.node_down(state, 'hv2')
    assert lab.show()['clusters']['hvc1']['quorum']['lost'] is False
    step = sim.one(lab, 'hv3', 'Get-ClusterGroup', {'Name': 'instance-*'}, ['Name', 'OwnerNode', 'State'])
    assert {row['OwnerNode'] for row in step['output']} <= {'hv3', 'hv4'}
    assert {row['State'] for row in step['output']} == {'Online'}


def test_node_up_restores_the_node_and_quorum(make_lab, sim):
    lab = make_lab(nodes=3, vms=3, clustered_vms=1)
    with sim.edit(lab) as state:
        faults.node_down(state, 'hv1')
        faults.node_down(state, 'hv2')
    assert lab.show()['clusters']['hvc1']['quorum']['lost'] is True
    with sim.edit(lab) as state:
        faults.node_up(state, 'hv2')
    show = lab.show()
    assert show['clusters']['hvc1']['quorum']['lost'] is False
    assert show['nodes']['hv2']['state'] == 'Up' and show['nodes']['hv2']['power'] == 'on'
    assert show['nodes']['hv1']['state'] == 'Down'
    step = sim.one(lab, 'hv2', 'Get-ClusterNode', select=['Name', 'State'])
    assert step['output'] == [{'Name': 'hv1', 'State': 'Down'}, {'Name': 'hv2', 'State': 'Up'},
                              {'Name': 'hv3', 'State': 'Up'}]
    with sim.edit(lab) as state:
        faults.node_up(state, 'hv1')
    show = lab.show()
    assert show['nodes']['hv1']['state'] == 'Up'
    # Roles do not fail back by themselves.
    assert show['clusters']['hvc1']['groups']['instance-00000001']['owner'] != 'hv1'
    assert sim.run(lab, 'hv1', 'read', [sim.call('c', 'Get-Cluster')])['unreachable'] is False


def test_faults_on_unknown_nodes(make_lab, sim):
    lab = make_lab(nodes=1, preset='prepared')
    with sim.edit(lab) as state:
        with pytest.raises(ValueError):
            faults.node_down(state, 'hv7')
        with pytest.raises(ValueError):
            faults.node_up(state, 'hv7')
        assert faults.node_down(state, 'HV1') == []     # no cluster: nothing fails over
    assert lab.show()['nodes']['hv1']['power'] == 'off'


def test_shared_lab_fixture_is_the_documented_lab(lab):
    # tests/conftest.py's `lab`, reached from tests/sim/tests (see this directory's conftest.py).
    show = lab.show()
    assert list(show['clusters']) == ['hvc1'] and sorted(show['nodes']) == ['hv1', 'hv2', 'hv3']
    assert sorted(name for name, vm in show['vms'].items() if vm['clustered']) == [
        'instance-00000001', 'instance-00000002', 'instance-00000003']
    assert sorted(name for name, vm in show['vms'].items() if vm['storage'] == 'local') == ['local-0001']
    assert len(show['vms']) == 7
