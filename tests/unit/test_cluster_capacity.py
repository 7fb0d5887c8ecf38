"""cluster_capacity against simulated labs: the plugin's batch runs through hvsim.runner.run_batch on a node."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import cluster_capacity as capacity_action

from harness import SimExecutor, edit_lab, run_action


def check(lab, args=None, node='hv1', check_mode=False):
    executor = SimExecutor(lab.dir, node=node)
    result = run_action(capacity_action.ActionModule, args or {}, executor, check_mode=check_mode, host=node)
    return result, executor


def set_memory(lab, **memory_mb):
    def change(data):
        for node, value in memory_mb.items():
            data['nodes'][node]['hardware']['memory_mb'] = value
    edit_lab(lab.dir, change)


def test_one_read_and_n_plus_one_on_a_roomy_cluster(make_lab):
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    before = lab.raw_state()
    result, executor = check(lab)
    assert 'failed' not in result, result
    assert executor.modes == ['read']
    assert lab.raw_state() == before
    assert result['changed'] is False and result['cluster'] == 'hvc1'
    assert result['survives'] is True and result['scenarios_checked'] == 3
    assert result['failing_scenarios'] == []
    assert result['ha_vms'] == ['instance-%08x' % number for number in range(1, 7)]
    hv1 = result['nodes'][0]
    # 384 GiB nodes; two 2 GiB VMs on each, 2048 + 40 MB with the overhead.
    assert hv1 == {'name': 'hv1', 'state': 'Up', 'memory_mb': 393216, 'used_mb': 2 * 2088,
                   'free_mb': 393216 - 2 * 2088}
    assert result['worst_scenario']['quorum'] is True


def test_short_memory_names_the_scenario_and_the_vms(make_lab):
    # hv1..hv3 run two 2 GiB clustered VMs each, 2088 MB with the overhead: a survivor takes one more of the lost
    # node's VMs when it has 2 x 2088 + 2048 (reserve) + 2088 = 8312 MB, so N+1 holds from 8312 MB nodes on.
    lab = make_lab(nodes=3, vms=6, clustered_vms=6)
    set_memory(lab, hv1=8312, hv2=8312, hv3=8312)
    assert check(lab)[0]['survives'] is True
    set_memory(lab, hv1=8311, hv2=8311, hv3=8311)
    result, _executor = check(lab)
    assert result['survives'] is False
    assert len(result['failing_scenarios']) == 3
    worst = result['worst_scenario']
    assert worst == result['failing_scenarios'][0]
    assert len(worst['unplaced_vms']) == 2 and worst['unplaced_mb'] == 2 * 2088
    # Without the reserve and the overhead, each survivor has 8311 - 4096 MB free: N+1 holds.
    assert check(lab, {'host_memory_reserve_mb': 0, 'vm_overhead': False})[0]['survives'] is True


def test_no_auto_start_roles_are_listed_and_need_no_room(make_lab):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)

    edit_lab(lab.dir, lambda data: data['clusters']['hvc1']['groups']['instance-00000001'].update(priority=0))
    result, _executor = check(lab)
    assert result['not_restarted_vms'] == ['instance-00000001']
    assert result['ha_vms'] == ['instance-00000002', 'instance-00000003']


def test_a_down_node_counts_for_quorum_and_takes_nothing(make_lab):
    lab = make_lab(nodes=3, vms=3, clustered_vms=3)
    lab.fault('node-down', 'hv3')
    result, executor = check(lab)
    assert executor.modes == ['read']
    # 3 votes, hv3 down: losing hv1 or hv2 leaves 1 of 3.
    assert result['survives'] is False and result['scenarios_checked'] == 2
    assert all(scenario['quorum'] is False for scenario in result['failing_scenarios'])
    assert result['unknown_memory_nodes'] == []


@pytest.mark.parametrize('args, fragment', [
    ({'failures': 0}, 'failures must be 1 or more (got 0)'),
    ({'host_memory_reserve_mb': -1}, 'host_memory_reserve_mb cannot be negative (got -1)'),
])
def test_bad_input_is_refused_before_reading(make_lab, args, fragment):
    lab = make_lab(nodes=3)
    result, executor = check(lab, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == []


def test_too_many_scenarios_are_refused_with_the_count(make_lab):
    lab = make_lab(nodes=16)
    assert check(lab, {'failures': 5})[0]['scenarios_checked'] == 4368
    result, executor = check(lab, {'failures': 6})
    assert result['failed'] is True, result
    assert 'failures=6 means checking 8008 combinations of 6 lost node(s) among 16' in result['msg']
    assert executor.modes == ['read']


def test_a_standalone_host_is_not_a_cluster(make_lab):
    lab = make_lab(nodes=1, preset='prepared')
    result, _executor = check(lab)
    assert result['failed'] is True
    assert 'cluster capacity' in result['msg'], result
