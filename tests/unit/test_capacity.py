"""plugin_utils/_capacity.py: the quorum rule and the first-fit-decreasing memory check, table-driven."""

import pytest

from ansible_collections.hyperv.cluster.plugins.plugin_utils import _capacity
from ansible_collections.hyperv.cluster.plugins.plugin_utils._batch import Batch, StepResult

GIB = 1024 ** 3
MB = _capacity.MB


def cluster(*states, weights=None):
    """Nodes hv1.. in the given states (Up, Down, Paused, Joining...)."""
    weights = weights or [None] * len(states)
    return [{'name': 'hv%d' % index, 'state': state, 'weight': weight}
            for index, (state, weight) in enumerate(zip(states, weights), start=1)]


WITNESS_ONLINE = {'name': 'File Share Witness', 'online': True}
WITNESS_OFFLINE = {'name': 'File Share Witness', 'online': False}

# case id, node states, NodeWeights, witness, node taken out, ok, votes, available, needed
QUORUM_CASES = [
    ('3 nodes all up', ['Up', 'Up', 'Up'], None, None, 'hv1', True, 3, 2, 2),
    ('3 nodes one down', ['Up', 'Up', 'Down'], None, None, 'hv1', False, 3, 1, 2),
    ('3 nodes one paused counts as lost', ['Up', 'Up', 'Paused'], None, None, 'hv1', False, 3, 1, 2),
    ('3 nodes one joining counts as lost', ['Up', 'Joining', 'Up'], None, None, 'hv1', False, 3, 1, 2),
    ('3 nodes + witness one down', ['Up', 'Up', 'Down'], None, WITNESS_ONLINE, 'hv1', False, 4, 2, 3),
    ('3 nodes + witness all up', ['Up', 'Up', 'Up'], None, WITNESS_ONLINE, 'hv1', True, 4, 3, 3),
    ('2 nodes no witness', ['Up', 'Up'], None, None, 'hv1', False, 2, 1, 2),
    ('2 nodes + witness', ['Up', 'Up'], None, WITNESS_ONLINE, 'hv1', True, 3, 2, 2),
    ('2 nodes + offline witness', ['Up', 'Up'], None, WITNESS_OFFLINE, 'hv1', False, 3, 1, 2),
    ('4 nodes + witness one down', ['Up', 'Up', 'Up', 'Down'], None, WITNESS_ONLINE, 'hv1', True, 5, 3, 3),
    ('4 nodes + witness two down', ['Up', 'Up', 'Down', 'Down'], None, WITNESS_ONLINE, 'hv1', False, 5, 2, 3),
    ('4 nodes no witness', ['Up', 'Up', 'Up', 'Up'], None, None, 'hv1', True, 4, 3, 3),
    ('4 nodes no witness one paused', ['Up', 'Up', 'Up', 'Paused'], None, None, 'hv1', False, 4, 2, 3),
    ('5 nodes two down', ['Up', 'Up', 'Up', 'Down', 'Down'], None, None, 'hv1', False, 5, 2, 3),
    ('5 nodes one down', ['Up', 'Up', 'Up', 'Up', 'Down'], None, None, 'hv1', True, 5, 3, 3),
    ('taking out a node that is already down', ['Up', 'Up', 'Down'], None, None, 'hv3', True, 3, 2, 2),
    ('a node without a vote taken out', ['Up', 'Up', 'Up'], [1, 1, 0], None, 'hv3', True, 2, 2, 2),
    ('the voteless node does not help', ['Up', 'Up', 'Up'], [1, 1, 0], None, 'hv1', False, 2, 1, 2),
    ('case-insensitive name', ['Up', 'Up', 'Down'], None, None, 'HV1', False, 3, 1, 2),
    ('single node cluster', ['Up'], None, None, 'hv1', False, 1, 0, 1),
]


@pytest.mark.parametrize('states, weights, witness, losing, ok, votes, available, needed',
                         [case[1:] for case in QUORUM_CASES], ids=[case[0] for case in QUORUM_CASES])
def test_quorum_rule(states, weights, witness, losing, ok, votes, available, needed):
    verdict = _capacity.quorum_after_losing(cluster(*states, weights=weights), [losing], witness)
    assert (verdict['ok'], verdict['votes'], verdict['available'], verdict['needed']) == (
        ok, votes, available, needed)
    # ok is exactly "a strict majority of all votes remains".
    assert verdict['ok'] == (verdict['available'] * 2 > verdict['votes'])


def test_quorum_names_the_voters_and_why_the_others_are_lost():
    verdict = _capacity.quorum_after_losing(cluster('Up', 'Up', 'Down', 'Paused'), ['hv1'], WITNESS_OFFLINE)
    assert verdict['voters'] == ['hv2']
    assert verdict['lost'] == {'hv1': 'taken out', 'hv3': 'Down', 'hv4': 'Paused'}
    assert verdict['witness'] == 'offline'
    assert _capacity.quorum_after_losing(cluster('Up'), ['hv1'])['witness'] == 'none'


# DiskOnly: only the disk votes, and some other node must be Up to own it.
DISK_ONLY_CASES = [
    ('disk online another node up', ['Up', 'Up'], WITNESS_ONLINE, True),
    ('disk online no other node up', ['Up', 'Down'], WITNESS_ONLINE, False),
    ('disk offline', ['Up', 'Up'], WITNESS_OFFLINE, False),
    ('disk online other node paused', ['Up', 'Paused'], WITNESS_ONLINE, False),
]


@pytest.mark.parametrize('states, witness, ok', [case[1:] for case in DISK_ONLY_CASES],
                         ids=[case[0] for case in DISK_ONLY_CASES])
def test_disk_only_quorum(states, witness, ok):
    verdict = _capacity.quorum_after_losing(cluster(*states), ['hv1'], witness, 'DiskOnly')
    assert verdict['ok'] is ok
    assert verdict['votes'] == 1 and verdict['needed'] == 1


# --- memory --------------------------------------------------------------------------------------------------------

def test_free_memory_subtracts_assigned_memory_and_the_reserve():
    free = _capacity.free_memory({'hv1': 64 * GIB, 'HV2': 64 * GIB, 'hv3': None},
                                 [{'host': 'hv1', 'memory': 8 * GIB}, {'host': 'hv1', 'memory': 4 * GIB},
                                  {'host': 'hv2', 'memory': 0}, {'host': 'hv9', 'memory': GIB}], 2 * GIB)
    assert free == {'hv1': 50 * GIB, 'HV2': 62 * GIB, 'hv3': None}


# case id, items [(name, GiB)], bins [(node, free GiB)], placement, unplaced
PACKING_CASES = [
    ('everything fits on the first bin', [('a', 2), ('b', 2)], [('n1', 10), ('n2', 10)],
     {'a': 'n1', 'b': 'n1'}, []),
    ('largest first', [('small', 2), ('big', 8)], [('n1', 8), ('n2', 2)],
     {'big': 'n1', 'small': 'n2'}, []),
    # In the given order, small would take n1's room and big would not fit anywhere: sorting decreasing avoids it.
    ('decreasing beats the given order', [('small', 4), ('big', 8)], [('n1', 8), ('n2', 4)],
     {'big': 'n1', 'small': 'n2'}, []),
    ('per vm not per sum', [('big', 16)], [('n1', 10), ('n2', 10)], {}, ['big']),
    ('exact fit', [('a', 10)], [('n1', 10)], {'a': 'n1'}, []),
    ('one byte short', [('a', 10)], [('n1', 10 - 1.0 / GIB)], {}, ['a']),
    ('the rest still placed', [('a', 12), ('b', 6), ('c', 6)], [('n1', 10), ('n2', 6)],
     {'b': 'n1', 'c': 'n2'}, ['a']),
    ('no bins', [('a', 1)], [], {}, ['a']),
    ('unknown bin takes nothing', [('a', 1)], [('n1', None), ('n2', 1)], {'a': 'n2'}, []),
    ('negative free takes nothing', [('a', 1)], [('n1', -4)], {}, ['a']),
    ('ties by name', [('b', 2), ('a', 2)], [('n1', 2), ('n2', 2)], {'a': 'n1', 'b': 'n2'}, []),
    ('nothing to place', [], [('n1', 1)], {}, []),
]


def _gib(value):
    return None if value is None else int(value * GIB)


@pytest.mark.parametrize('items, bins, placement, unplaced', [case[1:] for case in PACKING_CASES],
                         ids=[case[0] for case in PACKING_CASES])
def test_first_fit_decreasing(items, bins, placement, unplaced):
    got, left, free_after = _capacity.first_fit_decreasing([(name, _gib(size)) for name, size in items],
                                                           [(node, _gib(free)) for node, free in bins])
    assert got == placement
    assert left == unplaced
    for node, free in bins:
        if free is not None:
            used = sum(_gib(size) for name, size in items if got.get(name) == node)
            assert free_after[node] == _gib(free) - used


def test_evacuation_plan_counts_what_targets_already_run_and_skips_stopped_vms():
    plan = _capacity.evacuation_plan(
        movers=[('web', 8 * GIB), ('db', 16 * GIB), ('off', 0)],
        targets=['hv2', 'hv3'],
        capacity={'hv1': 64 * GIB, 'hv2': 32 * GIB, 'hv3': 32 * GIB},
        vms=[{'host': 'hv2', 'memory': 20 * GIB}, {'host': 'HV3', 'memory': 4 * GIB},
             {'host': 'hv1', 'memory': 24 * GIB}],
        reserve_bytes=2 * GIB)
    assert plan['free_before'] == {'hv2': 10 * GIB, 'hv3': 26 * GIB}
    # Bins in order of free memory (hv3 first); each VM goes to the first bin with room: both fit on hv3.
    assert plan['placement'] == {'db': 'hv3', 'web': 'hv3'}
    assert plan['ok'] is True and plan['unplaced'] == [] and plan['unplaced_bytes'] == 0
    assert plan['needed'] == 24 * GIB
    assert plan['free_after'] == {'hv2': 10 * GIB, 'hv3': 2 * GIB}


def test_evacuation_plan_reports_what_does_not_fit_and_unknown_targets():
    plan = _capacity.evacuation_plan(
        movers=[('a', 12 * GIB), ('b', 12 * GIB), ('c', 12 * GIB)],
        targets=['hv2', 'hv3', 'hv4'],
        capacity={'hv2': 30 * GIB, 'hv3': 14 * GIB, 'hv4': None},
        vms=[], reserve_bytes=2 * GIB)
    assert plan['placement'] == {'a': 'hv2', 'b': 'hv2', 'c': 'hv3'}
    assert plan['ok'] is True
    assert plan['unknown'] == ['hv4']
    short = _capacity.evacuation_plan(
        movers=[('a', 12 * GIB), ('b', 12 * GIB), ('c', 12 * GIB)], targets=['hv2', 'hv3'],
        capacity={'hv2': 30 * GIB, 'hv3': 13 * GIB}, vms=[], reserve_bytes=2 * GIB)
    assert short['ok'] is False
    assert short['unplaced'] == ['c']
    assert short['unplaced_bytes'] == 12 * GIB


def test_to_mb():
    assert _capacity.to_mb(None) is None
    assert _capacity.to_mb(3 * MB + 5) == 3
    assert _capacity.to_mb(-2 * MB) == -2


# --- reading -------------------------------------------------------------------------------------------------------

def step(output, step_id='x'):
    return StepResult(step_id, 'call', 'Get-X', 'ok', output, [], 0)


def test_memory_reads_use_the_nodes_of_an_earlier_step():
    batch = Batch('read').call('nodes', 'Get-ClusterNode', select=['Name'])
    _capacity.add_memory_reads(batch)
    assert batch.steps[1:] == [
        {'op': 'call', 'id': 'vmhosts', 'cmdlet': 'Get-VMHost',
         'parameters': {'ComputerName': {'__ref__': 'nodes', 'property': 'Name'}},
         'select': ['Name', 'ComputerName', 'MemoryCapacity']},
        {'op': 'call', 'id': 'vms', 'cmdlet': 'Get-VM',
         'parameters': {'ComputerName': {'__ref__': 'nodes', 'property': 'Name'}},
         'select': ['Name', 'Id', 'State', 'ComputerName', 'IsClustered', 'MemoryAssigned']},
    ]


def test_node_for_matches_case_and_fqdn():
    names = ['hv1', 'HV2', 'hv10']
    assert _capacity.node_for('HV1', names) == 'hv1'
    assert _capacity.node_for('hv2.corp.example.com', names) == 'HV2'
    assert _capacity.node_for('hv1', ['hv1.corp.example.com']) == 'hv1.corp.example.com'
    assert _capacity.node_for('hv3', names) is None
    assert _capacity.node_for(None, names) is None
    assert _capacity.node_for('', names) is None


def test_parse_capacity_and_vms():
    names = ['hv1', 'hv2', 'hv3']
    capacity = _capacity.parse_capacity(step([
        {'Name': 'HV1', 'ComputerName': 'HV1', 'MemoryCapacity': 64 * GIB},
        {'Name': 'hv2.corp.example.com', 'ComputerName': None, 'MemoryCapacity': 32 * GIB},
        {'Name': 'dc01', 'ComputerName': 'dc01', 'MemoryCapacity': GIB}]), names)
    assert capacity == {'hv1': 64 * GIB, 'hv2': 32 * GIB, 'hv3': None}
    vms = _capacity.parse_vms(step([
        {'Name': 'a', 'Id': '1', 'State': 'Running', 'ComputerName': 'HV1', 'IsClustered': True,
         'MemoryAssigned': 2 * GIB},
        {'Name': 'b', 'Id': '2', 'State': 'Off', 'ComputerName': 'HV2', 'IsClustered': False,
         'MemoryAssigned': 0}]), names)
    assert vms == [
        {'name': 'a', 'id': '1', 'state': 'Running', 'host': 'hv1', 'clustered': True, 'memory': 2 * GIB},
        {'name': 'b', 'id': '2', 'state': 'Off', 'host': 'hv2', 'clustered': False, 'memory': 0}]


def test_witness_of():
    assert _capacity.witness_of(None) is None
    assert _capacity.witness_of({'QuorumType': 'Majority', 'QuorumResource.Name': None}) is None
    assert _capacity.witness_of({'QuorumResource.Name': 'Cloud Witness', 'QuorumResource.State': 'Online'}) == {
        'name': 'Cloud Witness', 'online': True}
    assert _capacity.witness_of({'QuorumResource.Name': 'Cluster Disk 1', 'QuorumResource.State': 'Failed'}) == {
        'name': 'Cluster Disk 1', 'online': False}


# --- failure_scenarios: surviving the loss of nodes ----------------------------------------------------------------

def test_vm_overhead_is_32_mb_for_the_first_gb_and_8_per_further_gb():
    assert _capacity.vm_overhead(0) == 0
    assert _capacity.vm_overhead(512 * MB) == 32 * MB
    assert _capacity.vm_overhead(GIB) == 32 * MB
    assert _capacity.vm_overhead(GIB + 1) == 40 * MB
    assert _capacity.vm_overhead(16 * GIB) == (32 + 15 * 8) * MB


def three_nodes(memory_gib=(16, 16, 16), states=('Up', 'Up', 'Up')):
    nodes = cluster(*states)
    capacity = {node['name']: memory_gib[index] * GIB for index, node in enumerate(nodes)}
    return nodes, capacity


def role(name, owner, priority=2000):
    return {'name': name, 'owner_node': owner, 'group_type': 'VirtualMachine', 'priority': priority}


def running(name, host, gib, clustered=True):
    return {'name': name, 'host': host, 'clustered': clustered, 'memory': gib * GIB}


def scenarios(nodes, capacity, vms, groups, failures=1, reserve_gib=0, overhead=False, witness=None):
    return _capacity.failure_scenarios(nodes, capacity, vms, groups, failures, reserve_gib * GIB, overhead, witness)


def test_n_plus_one_holds_when_each_nodes_vms_fit_on_the_others():
    nodes, capacity = three_nodes()
    vms = [running('a', 'hv1', 6), running('b', 'hv2', 6), running('c', 'hv3', 6)]
    groups = [role('a', 'hv1'), role('b', 'hv2'), role('c', 'hv3')]
    result = scenarios(nodes, capacity, vms, groups)
    assert result['survives'] is True and result['scenarios'] == 3 and result['failing'] == []
    # Losing any node leaves 2 x 16 - 3 x 6 = 14 GiB on the two others.
    assert result['worst']['free_after'] == 14 * GIB
    assert result['ha_vms'] == ['a', 'b', 'c']


def test_one_vm_too_big_for_any_single_survivor_fails_even_if_the_sum_fits():
    nodes, capacity = three_nodes()
    vms = [running('big', 'hv1', 12), running('b', 'hv2', 6), running('c', 'hv3', 6)]
    groups = [role('big', 'hv1'), role('b', 'hv2'), role('c', 'hv3')]
    result = scenarios(nodes, capacity, vms, groups)
    assert result['survives'] is False
    assert [scenario['lost'] for scenario in result['failing']] == [['hv1']]
    assert result['failing'][0]['unplaced'] == ['big'] and result['failing'][0]['quorum'] is True
    assert result['worst'] is result['failing'][0]


def test_the_reserve_and_the_overhead_are_counted():
    nodes, capacity = three_nodes()
    vms = [running('a', 'hv1', 8), running('b', 'hv2', 8)]
    groups = [role('a', 'hv1'), role('b', 'hv2')]
    assert scenarios(nodes, capacity, vms, groups)['survives'] is True
    # hv2 keeps 8 GiB free; with the 8 GiB VM's 88 MB overhead counted on both sides it no longer fits there, but
    # hv3 (16 GiB free) still takes it: only a reserve of 8 GiB on hv3 as well breaks N+1.
    assert scenarios(nodes, capacity, vms, groups, overhead=True)['survives'] is True
    result = scenarios(nodes, capacity, vms, groups, reserve_gib=8, overhead=True)
    assert result['survives'] is False
    assert sorted(scenario['lost'][0] for scenario in result['failing']) == ['hv1', 'hv2']


def test_no_auto_start_and_stopped_vms_need_no_room_and_unclustered_vms_only_use_it():
    nodes, capacity = three_nodes((16, 8, 8))
    vms = [running('ha', 'hv1', 6), running('later', 'hv1', 12), running('off', 'hv1', 0),
           running('local', 'hv2', 4, clustered=False)]
    groups = [role('ha', 'hv1'), role('later', 'hv1', priority=0), role('off', 'hv1')]
    result = scenarios(nodes, capacity, vms, groups)
    assert result['ha_vms'] == ['ha'] and result['not_restarted'] == ['later']
    assert result['survives'] is True        # 'ha' (6 GiB) fits on hv3; hv2 has only 4 GiB left


def test_losing_quorum_fails_the_scenario():
    # 4 nodes, hv4 already down: losing one more leaves 2 of 4 votes (no quorum), or 3 of 5 with a witness.
    nodes = cluster('Up', 'Up', 'Up', 'Down')
    capacity = {node['name']: 16 * GIB for node in nodes}
    result = scenarios(nodes, capacity, [], [])
    assert result['survives'] is False and result['scenarios'] == 3
    assert all(scenario['quorum'] is False for scenario in result['failing'])
    assert scenarios(nodes, capacity, [], [], witness=WITNESS_ONLINE)['survives'] is True
    assert scenarios(nodes, capacity, [], [], witness=WITNESS_OFFLINE)['survives'] is False


def test_two_failures_check_every_pair_and_more_failures_than_nodes_lose_everything():
    nodes, capacity = three_nodes((64, 64, 64))
    groups = [role('a', 'hv1'), role('b', 'hv2')]
    vms = [running('a', 'hv1', 4), running('b', 'hv2', 4)]
    five = cluster('Up', 'Up', 'Up', 'Up', 'Up')
    five_capacity = {node['name']: 64 * GIB for node in five}
    result = scenarios(five, five_capacity, vms, groups, failures=2)
    assert result['scenarios'] == 10 and result['survives'] is True
    too_many = scenarios(nodes, capacity, vms, groups, failures=4)
    assert too_many['survives'] is False and too_many['failing'][0]['unplaced'] == ['a', 'b']


def test_paused_nodes_take_no_role():
    nodes, capacity = three_nodes(states=('Up', 'Paused', 'Up'))
    vms = [running('a', 'hv1', 10), running('c', 'hv3', 10)]
    groups = [role('a', 'hv1'), role('c', 'hv3')]
    # Only hv1 and hv3 are Up: losing one leaves 6 GiB on the other, short of the 10 GiB VM.
    result = scenarios(nodes, capacity, vms, groups, witness=WITNESS_ONLINE)
    assert result['scenarios'] == 2 and result['survives'] is False


def test_too_many_combinations_are_refused():
    many = cluster(*(['Up'] * 40))
    with pytest.raises(ValueError, match='9880 combinations of 3 lost node'):
        _capacity.failure_scenarios(many, {}, [], [], 3, 0)
