"""Node maintenance in the simulator against tests/sim/MIGRATION.md: Suspend-ClusterNode (pause, drain, force drain,
target node, with and without -Wait), Resume-ClusterNode (failback NoFailback / Immediate / Policy), faults during a
drain, and quorum (a paused node still votes)."""

import time

import pytest

from hvsim import faults

GC = 'Microsoft.FailoverClusters.PowerShell.%sCommand'
NODE = ['Name', 'State', 'DrainStatus']
GROUP = ['Name', 'OwnerNode', 'State']


@pytest.fixture
def hvc(make_lab):
    """hvc1 = hv1..hv3, 9 clustered VMs, three per node (hv1: instance-1, -4, -7), plus instance-10..12 not clustered
    (hv1: instance-10) and local-0001 on hv1."""
    return make_lab(nodes=3, vms=12, clustered_vms=9, local_vms=1)


def vm_of(state, name):
    return next(vm for vm in state.vms.values() if vm['name'] == name)


def leave_room(state, node, room_mb):
    used = sum(vm['memory_mb'] for vm in state.vms_on(node) if vm['state'] in ('Running', 'Paused'))
    state.nodes[node]['hardware']['memory_mb'] = state.nodes[node]['host_reserve_mb'] + used + room_mb


def suspend(lab, sim, parameters, node='hv2'):
    return sim.one(lab, node, 'Suspend-ClusterNode', parameters, NODE, mode='write')


def resume(lab, sim, parameters, node='hv2'):
    return sim.one(lab, node, 'Resume-ClusterNode', parameters, NODE, mode='write')


def owners(lab, cluster='hvc1'):
    """{role: owner} straight from the lab state (no cmdlet call, so nothing in progress completes)."""
    return {name: group['owner'] for name, group in lab.raw_state()['clusters'][cluster]['groups'].items()}


def roles_on(lab, node):
    return sorted(name for name, owner in owners(lab).items() if owner == node)


def drained_from(lab):
    return {name: group.get('drained_from') for name, group in lab.raw_state()['clusters']['hvc1']['groups'].items()
            if group.get('drained_from')}


def core_groups_to(state, node):
    """Move the core groups (priority 3000, so a drain's first moves) off hv1, to see a fault hit a VM role."""
    for name in ('Cluster Group', 'Available Storage'):
        state.clusters['hvc1']['groups'][name]['owner'] = node


def consistent(lab):
    """Exactly one registered copy of every VM, and every role owned where its VM is."""
    state = lab.raw_state()
    ids = [vm['id'] for vm in state['vms'].values()]
    assert len(ids) == len(set(ids)), 'two VMs share an Id'
    for cluster in state['clusters'].values():
        for group in cluster['groups'].values():
            if group.get('vm_id'):
                assert state['vms'][group['vm_id']]['host'] == group['owner'], group


# --- pausing ------------------------------------------------------------------------------------------------------

def test_suspend_without_drain_pauses_and_moves_nothing(hvc, sim):
    before = owners(hvc)
    step = suspend(hvc, sim, {'Name': 'hv1'})
    assert step['status'] == 'ok'
    assert step['output'] == [{'Name': 'hv1', 'State': 'Paused', 'DrainStatus': 'NotInitiated'}]
    assert owners(hvc) == before
    assert hvc.show()['nodes']['hv1']['state'] == 'Paused'
    # The local node by default, and -Cluster through a node.
    assert suspend(hvc, sim, {}, node='hv3')['output'] == [
        {'Name': 'hv3', 'State': 'Paused', 'DrainStatus': 'NotInitiated'}]
    step = sim.one(hvc, 'hv1', 'Get-ClusterNode', select=['Name', 'State', 'DynamicWeight', 'NodeWeight'])
    assert [row['State'] for row in step['output']] == ['Paused', 'Up', 'Paused']


def test_suspend_a_paused_node_is_a_no_op(hvc, sim):
    suspend(hvc, sim, {'Name': 'hv1'})
    before = hvc.raw_state()
    step = suspend(hvc, sim, {'Name': 'HV1.corp.example.com', 'Drain': True, 'Wait': True})
    assert step['status'] == 'ok'
    assert step['output'] == [{'Name': 'hv1', 'State': 'Paused', 'DrainStatus': 'NotInitiated'}]
    assert hvc.raw_state() == before


def test_suspend_a_down_node_fails(hvc, sim):
    with sim.edit(hvc) as state:
        faults.node_down(state, 'hv1')
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True})
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == 'Suspend-ClusterNode,' + GC % 'SuspendClusterNode'
    assert 'The cluster node is down.' in error['message']
    assert hvc.show()['nodes']['hv1']['state'] == 'Down'


def test_suspend_an_unknown_node(hvc, sim):
    step = suspend(hvc, sim, {'Name': 'hv7'})
    assert step['errors'][0]['category'] == 'ObjectNotFound'
    assert "The cluster node could not be found" in step['errors'][0]['message']


# --- draining -----------------------------------------------------------------------------------------------------

def test_drain_with_wait_moves_every_role_the_node_owns(hvc, sim):
    # hv1 owns instance-1, -4, -7 (running) and the two core groups.
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    assert step['output'] == [{'Name': 'hv1', 'State': 'Paused', 'DrainStatus': 'Completed'}]
    assert roles_on(hvc, 'hv1') == []
    show = hvc.show()
    for name in ('instance-00000001', 'instance-00000004', 'instance-00000007'):
        assert show['vms'][name]['host'] in ('hv2', 'hv3') and show['vms'][name]['state'] == 'Running'
    # VMs that are not clustered roles stay.
    assert show['vms']['instance-0000000a']['host'] == 'hv1' and show['vms']['local-0001']['host'] == 'hv1'
    assert drained_from(hvc) == {name: 'hv1' for name in ('instance-00000001', 'instance-00000004',
                                                          'instance-00000007', 'Cluster Group', 'Available Storage')}
    # Three live migrations of 2 GiB: the drain's time is the sum of its moves.
    assert 3 * 2048 <= step['elapsed_ms'] < 3 * 2048 + 1000
    step = sim.one(hvc, 'hv2', 'Get-ClusterNode', {'Name': 'hv1'}, NODE)
    assert step['output'] == [{'Name': 'hv1', 'State': 'Paused', 'DrainStatus': 'Completed'}]
    consistent(hvc)


def test_drain_balances_on_free_memory(hvc, sim):
    # hv2 and hv3 start even (4 VMs each); each move goes to the node with the most free memory at that time.
    suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    show = hvc.show()
    hosts = [show['vms'][name]['host'] for name in ('instance-00000001', 'instance-00000004', 'instance-00000007')]
    assert sorted(hosts) in (['hv2', 'hv2', 'hv3'], ['hv2', 'hv3', 'hv3'])


def test_drain_prefers_preferred_owners_and_goes_highest_priority_first(hvc, sim):
    with sim.edit(hvc) as state:
        groups = state.clusters['hvc1']['groups']
        groups['instance-00000001']['priority'] = 1000
        groups['instance-00000004']['priority'] = 3000
        groups['instance-00000007']['preferred_owners'] = ['hv1', 'hv3', 'hv2']
        # Room for exactly one more VM on hv2, none on hv3.
        leave_room(state, 'hv2', 2048)
        leave_room(state, 'hv3', 0)
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    assert step['output'][0]['DrainStatus'] == 'Failed'
    # The high-priority role took the last room; the others found none and stay, online, on hv1.
    assert owners(hvc)['instance-00000004'] == 'hv2'
    assert roles_on(hvc, 'hv1') == ['instance-00000001', 'instance-00000007']
    assert {name: group['state'] for name, group in hvc.show()['clusters']['hvc1']['groups'].items()
            if name in ('instance-00000001', 'instance-00000007')} == {'instance-00000001': 'Online',
                                                                       'instance-00000007': 'Online'}
    assert 'instance-00000001' not in drained_from(hvc)
    consistent(hvc)


def test_drain_goes_to_the_first_preferred_owner_with_room(hvc, sim):
    with sim.edit(hvc) as state:
        state.clusters['hvc1']['groups']['instance-00000001']['preferred_owners'] = ['hv1', 'hv3', 'hv2']
        vm_of(state, 'instance-00000003')['memory_mb'] = 65536      # hv3 much busier: preferred anyway
    suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    assert owners(hvc)['instance-00000001'] == 'hv3'


def test_drain_to_a_target_node(hvc, sim):
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True, 'TargetNode': 'hv3.corp.example.com'})
    assert step['output'][0]['DrainStatus'] == 'Completed'
    assert roles_on(hvc, 'hv1') == [] and roles_on(hvc, 'hv2') == ['instance-00000002', 'instance-00000005',
                                                                   'instance-00000008']
    # A target without room: the roles that do not fit there stay (no other node is tried).
    with sim.edit(hvc) as state:
        leave_room(state, 'hv3', 2048)
    step = suspend(hvc, sim, {'Name': 'hv2', 'Drain': True, 'Wait': True, 'TargetNode': 'hv3'}, node='hv3')
    assert step['output'][0]['DrainStatus'] == 'Failed'
    assert len(roles_on(hvc, 'hv2')) == 2
    consistent(hvc)


@pytest.mark.parametrize('target', ['hv1', 'hv3'])
def test_drain_target_must_be_another_up_node(hvc, sim, target):
    suspend(hvc, sim, {'Name': 'hv3'})
    before = owners(hvc)
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True, 'TargetNode': target})
    (error,) = step['errors']
    assert 'the node is not in a state to host the role' in error['message']
    assert owners(hvc) == before and hvc.show()['nodes']['hv1']['state'] == 'Up'


def test_drain_moves_offline_roles_by_changing_owner(hvc, sim):
    with sim.edit(hvc) as state:
        vm_of(state, 'instance-00000004')['state'] = 'Off'
        vm_of(state, 'instance-00000007')['state'] = 'Saved'
        for node in ('hv2', 'hv3'):
            leave_room(state, node, 2048)
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    assert step['output'][0]['DrainStatus'] == 'Completed'
    assert 2048 <= step['elapsed_ms'] < 3048          # one live migration; owner changes take no time
    show = hvc.show()
    assert show['vms']['instance-00000004']['state'] == 'Off' and show['vms']['instance-00000007']['state'] == 'Saved'
    assert roles_on(hvc, 'hv1') == []
    consistent(hvc)


def test_drain_fails_when_capacity_is_short(hvc, sim):
    with sim.edit(hvc) as state:
        for node in ('hv2', 'hv3'):
            leave_room(state, node, 1024)
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    assert step['status'] == 'ok'
    assert step['output'] == [{'Name': 'hv1', 'State': 'Paused', 'DrainStatus': 'Failed'}]
    # The VM roles stay on hv1, running; the core groups (no memory needed) moved.
    assert roles_on(hvc, 'hv1') == ['instance-00000001', 'instance-00000004', 'instance-00000007']
    assert {vm['state'] for vm in hvc.show()['vms'].values()} == {'Running'}
    consistent(hvc)


def test_force_drain_stops_what_cannot_move_and_moves_it_offline(hvc, sim):
    with sim.edit(hvc) as state:
        leave_room(state, 'hv2', 2048)
        leave_room(state, 'hv3', 0)
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'ForceDrain': True, 'Wait': True})
    assert step['output'] == [{'Name': 'hv1', 'State': 'Paused', 'DrainStatus': 'Completed'}]
    assert roles_on(hvc, 'hv1') == []
    show = hvc.show()
    states = sorted(show['vms'][name]['state'] for name in ('instance-00000001', 'instance-00000004',
                                                            'instance-00000007'))
    assert states == ['Off', 'Off', 'Running']       # one live-migrated, two stopped and moved offline
    assert set(drained_from(hvc).values()) == {'hv1'} and len(drained_from(hvc)) == 5
    consistent(hvc)


def test_roles_that_need_no_memory_move_to_overcommitted_nodes(hvc, sim):
    """Offline roles and the core groups only change owner, so a node without free memory still takes them; with
    -ForceDrain the running VMs are stopped and moved offline too."""
    with sim.edit(hvc) as state:
        vm_of(state, 'instance-00000004')['state'] = 'Off'
        for node in ('hv2', 'hv3'):
            leave_room(state, node, -2048)          # running more than it has
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    assert step['output'][0]['DrainStatus'] == 'Failed'
    assert roles_on(hvc, 'hv1') == ['instance-00000001', 'instance-00000007']   # the running VMs stay
    resume(hvc, sim, {'Name': 'hv1'})           # a paused node is not drained again (no-op) until resumed
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'ForceDrain': True, 'Wait': True})
    assert step['output'][0]['DrainStatus'] == 'Completed' and roles_on(hvc, 'hv1') == [], step
    assert {hvc.show()['vms'][name]['state'] for name in ('instance-00000001', 'instance-00000007')} == {'Off'}
    consistent(hvc)


def test_force_drain_without_any_other_up_node_leaves_the_roles(make_lab, sim):
    lab = make_lab(nodes=2, vms=2, clustered_vms=2)
    suspend(lab, sim, {'Name': 'hv2'}, node='hv1')
    step = suspend(lab, sim, {'Name': 'hv1', 'ForceDrain': True, 'Wait': True}, node='hv1')
    assert step['output'][0]['DrainStatus'] == 'Failed'
    assert roles_on(lab, 'hv1') == ['Available Storage', 'Cluster Group', 'instance-00000001']


def test_drain_without_wait_returns_in_progress_and_completes_at_the_next_call(hvc, sim):
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True})
    assert step['output'] == [{'Name': 'hv1', 'State': 'Paused', 'DrainStatus': 'InProgress'}]
    assert step['elapsed_ms'] < 1000
    assert len(roles_on(hvc, 'hv1')) == 5                     # nothing moved yet
    assert hvc.show()['clusters']['hvc1']['nodes']['hv1'] == {'state': 'Paused', 'drain_status': 'InProgress'}
    step = sim.one(hvc, 'hv3', 'Get-ClusterNode', {'Name': 'hv1'}, NODE)          # a read batch
    assert step['output'] == [{'Name': 'hv1', 'State': 'Paused', 'DrainStatus': 'Completed'}]
    assert roles_on(hvc, 'hv1') == []
    assert hvc.raw_state()['clusters']['hvc1']['pending'] == []
    consistent(hvc)


def test_drain_without_wait_that_fails(hvc, sim):
    with sim.edit(hvc) as state:
        for node in ('hv2', 'hv3'):
            leave_room(state, node, 0)
    suspend(hvc, sim, {'Name': 'hv1', 'Drain': True})
    step = sim.one(hvc, 'hv1', 'Get-ClusterNode', {'Name': 'hv1'}, NODE)
    assert step['output'][0]['DrainStatus'] == 'Failed'


def test_drain_of_a_node_with_200_vms(make_lab, sim):
    lab = make_lab(nodes=3, vms=600, clustered_vms=600)
    with sim.edit(lab) as state:
        for node in state.nodes.values():
            node['hardware']['memory_mb'] = 4 * 393216        # 1.5 TiB: room for hv1's 200 VMs on hv2 and hv3
    started = time.monotonic()
    step = suspend(lab, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True}, node='hv1')
    took = time.monotonic() - started
    assert step['output'] == [{'Name': 'hv1', 'State': 'Paused', 'DrainStatus': 'Completed'}]
    assert 200 * 2048 <= step['elapsed_ms'] < 200 * 2048 + 5000
    assert took < 5, 'a drain of 200 roles took %.1f s of real time' % took
    hosts = [vm['host'] for vm in lab.raw_state()['vms'].values()]
    assert hosts.count('hv1') == 0 and abs(hosts.count('hv2') - hosts.count('hv3')) <= 1
    assert len(drained_from(lab)) == 202
    consistent(lab)


# --- faults during a drain ----------------------------------------------------------------------------------------

def test_migration_fail_during_a_drain(hvc, sim):
    with sim.edit(hvc) as state:
        faults.arm(state, 'migration-fail', 'hv2')
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True, 'TargetNode': 'hv2'}, node='hv3')
    assert step['output'][0]['DrainStatus'] == 'Failed'
    assert hvc.show()['faults'] == []
    # The highest-priority role moves first: the core cluster group (priority 3000) failed and stays.
    assert roles_on(hvc, 'hv1') == ['Cluster Group']
    consistent(hvc)


def test_migration_fail_of_a_vm_role_during_a_drain(hvc, sim):
    with sim.edit(hvc) as state:
        core_groups_to(state, 'hv3')
        state.clusters['hvc1']['groups']['instance-00000007']['priority'] = 3000
        faults.arm(state, 'migration-fail', 'hv2')
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True, 'TargetNode': 'hv2'}, node='hv3')
    assert step['output'][0]['DrainStatus'] == 'Failed'
    assert roles_on(hvc, 'hv1') == ['instance-00000007']
    assert {vm['state'] for vm in hvc.show()['vms'].values()} == {'Running'}
    consistent(hvc)


def test_migration_fail_during_a_force_drain_moves_the_role_offline(hvc, sim):
    with sim.edit(hvc) as state:
        core_groups_to(state, 'hv3')
        faults.arm(state, 'migration-fail', 'hv2')
    step = suspend(hvc, sim, {'Name': 'hv1', 'ForceDrain': True, 'Wait': True, 'TargetNode': 'hv2'}, node='hv3')
    assert step['output'][0]['DrainStatus'] == 'Completed'
    assert roles_on(hvc, 'hv1') == []
    show = hvc.show()
    assert show['vms']['instance-00000001'] == dict(show['vms']['instance-00000001'], host='hv2', state='Off')
    assert [vm['state'] for vm in show['vms'].values()].count('Off') == 1
    assert drained_from(hvc)['instance-00000001'] == 'hv1'
    consistent(hvc)


def test_migration_timeout_during_a_drain(hvc, sim):
    with sim.edit(hvc) as state:
        faults.arm(state, 'migration-timeout', 'hv3')
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True, 'TargetNode': 'hv3'})
    assert step['output'][0]['DrainStatus'] == 'Failed'
    assert step['elapsed_ms'] >= 300 * 1000
    assert hvc.raw_state()['clusters']['hvc1']['pending'] == []
    consistent(hvc)


def test_node_down_during_a_drain(hvc, sim):
    with sim.edit(hvc) as state:
        core_groups_to(state, 'hv3')
        faults.arm(state, 'node-down-during-migration', 'hv2')
        state.clusters['hvc1']['groups']['instance-00000001']['preferred_owners'] = ['hv2']
        state.clusters['hvc1']['groups']['instance-00000001']['priority'] = 3000
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True}, node='hv3')
    # hv2 lost power during the first move, which failed (the role stays, running, on hv1); its own roles failed
    # over to hv3 (not to hv1, which is paused), and the drain went on to hv3, the only Up node left.
    show = hvc.show()
    assert show['nodes']['hv2']['state'] == 'Down'
    assert step['output'][0]['DrainStatus'] == 'Failed'
    assert roles_on(hvc, 'hv1') == ['instance-00000001']
    assert show['vms']['instance-00000001']['state'] == 'Running'
    assert set(roles_on(hvc, 'hv3')) == {'Available Storage', 'Cluster Group', 'instance-00000003',
                                         'instance-00000006', 'instance-00000009', 'instance-00000004',
                                         'instance-00000007', 'instance-00000002', 'instance-00000005',
                                         'instance-00000008'}
    consistent(hvc)


def test_source_down_during_a_drain(hvc, sim):
    with sim.edit(hvc) as state:
        faults.arm(state, 'source-down-during-migration', 'hv1')
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True}, node='hv3')
    (error,) = step['errors']
    assert error['fully_qualified_error_id'] == 'Suspend-ClusterNode,' + GC % 'SuspendClusterNode'
    show = hvc.show()
    assert show['nodes']['hv1']['state'] == 'Down'
    assert show['clusters']['hvc1']['nodes']['hv1']['drain_status'] == 'Failed'
    # Its roles failed over, running; its other VMs are off on it.
    assert roles_on(hvc, 'hv1') == []
    assert show['vms']['instance-00000001']['state'] == 'Running'
    assert show['vms']['local-0001'] == dict(show['vms']['local-0001'], host='hv1', state='Off')
    consistent(hvc)


def test_source_down_during_a_drain_without_wait(hvc, sim):
    with sim.edit(hvc) as state:
        faults.arm(state, 'source-down-during-migration', 'hv1')
    assert suspend(hvc, sim, {'Name': 'hv1', 'Drain': True}, node='hv3')['status'] == 'ok'
    step = sim.one(hvc, 'hv2', 'Get-ClusterNode', {'Name': 'hv1'}, NODE)
    assert step['output'] == [{'Name': 'hv1', 'State': 'Down', 'DrainStatus': 'Failed'}]
    consistent(hvc)


def test_a_role_with_a_hung_move_is_not_drained(hvc, sim):
    with sim.edit(hvc) as state:
        faults.arm(state, 'migration-timeout', 'hv3')
    sim.one(hvc, 'hv1', 'Move-ClusterVirtualMachineRole', {'Name': 'instance-00000001', 'Node': 'hv3', 'Wait': 5},
            mode='write')
    step = suspend(hvc, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    assert step['output'][0]['DrainStatus'] == 'Failed'
    assert 'instance-00000001' in roles_on(hvc, 'hv1')
    consistent(hvc)


# --- resuming -----------------------------------------------------------------------------------------------------

def drain_hv1(lab, sim):
    suspend(lab, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    assert roles_on(lab, 'hv1') == []


@pytest.mark.parametrize('failback', [None, 'NoFailback'])
def test_resume_without_failback_moves_nothing_back(hvc, sim, failback):
    drain_hv1(hvc, sim)
    before = owners(hvc)
    step = resume(hvc, sim, {'Name': 'hv1'} if failback is None else {'Name': 'hv1', 'Failback': failback})
    assert step['output'] == [{'Name': 'hv1', 'State': 'Up', 'DrainStatus': 'NotInitiated'}]
    assert owners(hvc) == before
    assert drained_from(hvc) == {}


def test_resume_immediate_fails_back_every_drained_role(hvc, sim):
    drain_hv1(hvc, sim)
    step = resume(hvc, sim, {'Name': 'hv1', 'Failback': 'immediate'})
    assert step['output'] == [{'Name': 'hv1', 'State': 'Up', 'DrainStatus': 'NotInitiated'}]
    assert roles_on(hvc, 'hv1') == ['Available Storage', 'Cluster Group', 'instance-00000001', 'instance-00000004',
                                    'instance-00000007']
    assert {vm['state'] for vm in hvc.show()['vms'].values()} == {'Running'}
    assert 3 * 2048 <= step['elapsed_ms'] < 3 * 2048 + 1000
    assert drained_from(hvc) == {}
    consistent(hvc)


def test_resume_policy_fails_back_the_roles_that_allow_it(hvc, sim):
    drain_hv1(hvc, sim)
    # AutoFailbackType is settable on the ClusterGroup object, as on Windows.
    outcome = sim.run(hvc, 'hv2', 'write', [
        sim.call('g', 'Get-ClusterGroup', {'Name': 'instance-00000004'}),
        sim.assign('s', 'g', {'AutoFailbackType': 1}),
    ])
    assert all(step['status'] == 'ok' for step in sim.steps(outcome).values())
    bad = sim.run(hvc, 'hv2', 'write', [sim.call('g', 'Get-ClusterGroup', {'Name': 'instance-00000004'}),
                                        sim.assign('s', 'g', {'AutoFailbackType': 2})])
    assert sim.steps(bad)['s']['errors'][0]['fully_qualified_error_id'] == 'ExceptionWhenSetting'
    step = resume(hvc, sim, {'Name': 'hv1', 'Failback': 'Policy'})
    assert step['output'][0]['State'] == 'Up'
    assert roles_on(hvc, 'hv1') == ['instance-00000004']
    assert drained_from(hvc) == {}
    consistent(hvc)


def test_failback_skips_roles_that_no_longer_fit_and_reports_them(hvc, sim):
    drain_hv1(hvc, sim)
    with sim.edit(hvc) as state:
        leave_room(state, 'hv1', 2048)
    step = resume(hvc, sim, {'Name': 'hv1', 'Failback': 'Immediate'})
    assert step['output'][0]['State'] == 'Up'
    assert len(step['errors']) == 2 and all('Not enough memory' in error['message'] for error in step['errors'])
    assert len([name for name in roles_on(hvc, 'hv1') if name.startswith('instance-')]) == 1
    consistent(hvc)


def test_migration_fail_during_failback(hvc, sim):
    drain_hv1(hvc, sim)
    with sim.edit(hvc) as state:
        faults.arm(state, 'migration-fail', 'hv1')
    step = resume(hvc, sim, {'Name': 'hv1', 'Failback': 'Immediate'})
    assert len(step['errors']) == 1 and hvc.show()['faults'] == []
    assert len(roles_on(hvc, 'hv1')) == 4
    consistent(hvc)


def test_resume_an_up_node_is_a_no_op_and_a_down_node_fails(hvc, sim):
    before = hvc.raw_state()
    assert resume(hvc, sim, {'Name': 'hv1', 'Failback': 'Immediate'})['output'][0]['State'] == 'Up'
    assert hvc.raw_state() == before
    with sim.edit(hvc) as state:
        faults.node_down(state, 'hv1')
    step = resume(hvc, sim, {'Name': 'hv1'})
    assert 'The cluster node is down.' in step['errors'][0]['message']


def test_resume_rejects_a_failback_that_is_no_enum_value(hvc, sim):
    step = resume(hvc, sim, {'Name': 'hv1', 'Failback': True})
    assert step['errors'][0]['exception_type'] == 'System.Management.Automation.ParameterBindingException'


# --- quorum -------------------------------------------------------------------------------------------------------

def test_a_paused_node_still_votes(make_lab, sim):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    suspend(lab, sim, {'Name': 'hv1', 'Drain': True, 'Wait': True})
    with sim.edit(lab) as state:
        faults.node_down(state, 'hv2')          # hv1 (paused) and hv3 still make a majority of 3
    show = lab.show()
    assert show['clusters']['hvc1']['quorum']['lost'] is False
    # Nothing fails over to a paused node: hv2's role goes to hv3.
    assert roles_on(lab, 'hv1') == []
    assert owners(lab)['instance-00000002'] == 'hv3'
    assert sim.one(lab, 'hv1', 'Get-ClusterNode', select=['State'])['status'] == 'ok'


def test_quorum_loss_still_stops_the_cluster(make_lab, sim):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    suspend(lab, sim, {'Name': 'hv1'})
    with sim.edit(lab) as state:
        faults.node_down(state, 'hv2')
        assert faults.node_down(state, 'hv3') == []       # no quorum: nothing fails over
    assert lab.show()['clusters']['hvc1']['quorum']['lost'] is True
    for cmdlet, parameters in (('Suspend-ClusterNode', {'Name': 'hv1'}), ('Resume-ClusterNode', {'Name': 'hv1'}),
                               ('Move-ClusterVirtualMachineRole', {'Name': 'instance-00000001', 'Node': 'hv1'}),
                               ('Get-ClusterNode', {})):
        step = sim.one(lab, 'hv1', cmdlet, parameters, mode='write')
        (error,) = step['errors']
        assert error['fully_qualified_error_id'].startswith('ClusterRpcConnection,'), cmdlet
        assert error['category'] == 'ConnectionError'


def test_quorum_loss_ends_a_drain_in_progress(make_lab, sim):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    suspend(lab, sim, {'Name': 'hv1', 'Drain': True})
    with sim.edit(lab) as state:
        faults.node_down(state, 'hv2')
        faults.node_down(state, 'hv3')
    state = lab.raw_state()['clusters']['hvc1']
    assert state['pending'] == [] and state['nodes']['hv1']['drain_status'] == 'Failed'
