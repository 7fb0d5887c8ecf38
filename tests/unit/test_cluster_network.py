"""cluster_network against simulated labs: matched by subnet, properties set on the object, refusals."""

import pytest

from ansible_collections.hyperv.cluster.plugins.action import cluster as cluster_action
from ansible_collections.hyperv.cluster.plugins.action import cluster_network as network_action

from harness import SimExecutor, run_action


def run(lab, args, check_mode=False):
    executor = SimExecutor(lab.dir, node='hv1')
    return run_action(network_action.ActionModule, args, executor, check_mode=check_mode, diff=True), executor


@pytest.fixture
def fresh(make_lab):
    """A cluster as New-Cluster names its networks (Cluster Network 1..3, automatic metrics)."""
    lab = make_lab(nodes=2, preset='prepared')
    executor = SimExecutor(lab.dir, node='hv1')
    assert 'failed' not in run_action(cluster_action.ActionModule, {'name': 'hvc1', 'nodes': ['hv1', 'hv2']},
                                      executor)
    return lab


def test_rename_and_role_then_rerun(fresh):
    result, executor = run(fresh, {'address': '10.10.2.0/24', 'name': 'LiveMigration', 'role': 'cluster',
                                   'metric': 1000})
    assert 'failed' not in result, result
    assert executor.modes == ['read', 'write']
    assert executor.calls[1].step('properties')['properties'] == {'Name': 'LiveMigration', 'Metric': 1000}
    assert result['network'] == {'name': 'LiveMigration', 'address': '10.10.2.0', 'address_mask': '255.255.255.0',
                                 'role': 'cluster', 'metric': 1000, 'auto_metric': False, 'state': 'Up'}
    assert result['diff']['before']['name'] == 'Cluster Network 3'
    assert 'LiveMigration' in fresh.show()['clusters']['hvc1']['networks']
    again, executor = run(fresh, {'address': '10.10.2.0', 'name': 'LiveMigration', 'role': 'cluster',
                                  'metric': 1000})
    assert again['changed'] is False and executor.modes == ['read']


def test_role_none_and_check_mode(fresh):
    before = fresh.raw_state()
    result, executor = run(fresh, {'address': '10.10.1.0/24', 'role': 'none'}, check_mode=True)
    assert result['changed'] is True and result['network']['role'] == 'none'
    assert executor.modes == ['read'] and fresh.raw_state() == before
    result, _executor = run(fresh, {'address': '10.10.1.0/24', 'role': 'none'})
    assert fresh.show()['clusters']['hvc1']['networks']['Cluster Network 2']['role'] == 'None'


def test_an_automatic_metric_is_pinned_even_when_equal(fresh):
    metric = fresh.show()['clusters']['hvc1']['networks']['Cluster Network 1']['metric']
    result, _executor = run(fresh, {'address': '10.10.0.0/24', 'metric': metric})
    assert result['changed'] is True and result['network']['auto_metric'] is False


@pytest.mark.parametrize('args, fragment, modes', [
    ({'address': '10.10.9.0/24', 'name': 'X'}, 'cluster hvc1 has no network on subnet 10.10.9.0/24', ['read']),
    ({'address': 'storage'}, 'address must be an IPv4 subnet', []),
    ({'address': '10.10.2.0/24', 'name': 'cluster network 1'}, 'another network of cluster hvc1 is already named',
     ['read']),
    ({'address': '10.10.2.0/24', 'metric': -5}, 'metric must be between 0 and 4294967295', []),
])
def test_refusals_change_nothing(fresh, args, fragment, modes):
    before = fresh.raw_state()
    result, executor = run(fresh, args)
    assert result['failed'] is True and fragment in result['msg'], result
    assert executor.modes == modes and fresh.raw_state() == before
    if modes:
        assert 'Cluster Network 1 (10.10.0.0/24)' in result['msg'] or 'already named' in result['msg']
